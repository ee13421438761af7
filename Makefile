# Two commands do all the set-up on a fresh machine (see README.md):
#   make demo   installs everything, builds a synthetic authority and starts the web app
#   make test   installs everything and runs the whole test suite
.DEFAULT_GOAL := help
.PHONY: help install demo test test-postgres lint benchmark clean

PYTHON ?= python3
UV_VERSION := 0.13.9
BOOTSTRAP := var/bootstrap
UV := $(BOOTSTRAP)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
# Use the machine's own Python; never download one.
export UV_PYTHON_DOWNLOADS := never

help:
	@echo "make demo           install everything and start the demo on http://127.0.0.1:8000/"
	@echo "make test           install everything and run the whole test suite"
	@echo "make test-postgres  run the database tests against PERMANENCE_DATABASE_URL"
	@echo "make benchmark      run the benchmarks in benchmarks/ (slow)"

$(UV):
	$(PYTHON) -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.synced node_modules/.installed

demo: install
	$(BIN)/permanence demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	scripts/ensure-chromium
	$(BIN)/pytest -n auto --dist worksteal --durations=30

test-postgres: install
	@test -n "$$PERMANENCE_DATABASE_URL" || (echo "set PERMANENCE_DATABASE_URL to a PostgreSQL server" && exit 1)
	$(BIN)/pytest -n auto --dist worksteal --durations=30 -m "not walk_control" tests/web

benchmark: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(BOOTSTRAP) node_modules var/demo .pytest_cache .mypy_cache .ruff_cache

# Consensus: `make run` serves the demo, `make test` runs lint and every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run test lint format install install-dev browser migrate bench clean

run: install ## install, migrate, load the demo when empty, serve at http://$HOST:$PORT
	$(BIN)/consensus migrate
	$(BIN)/consensus load fixtures/demo.yaml --if-empty --show-accounts
	$(BIN)/consensus serve

test: install-dev browser ## lint, then every test (browser tests included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.runtime $(NODE_STAMP)

install-dev: $(VENV)/.dev $(NODE_STAMP)

migrate: install
	$(BIN)/consensus migrate

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Consensus needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.runtime

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium: Playwright cannot download its own browser here.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-results

bench: install-dev ## figures for the README (pages under load, login, loading the demo)
	$(BIN)/python -m tests.bench.bench

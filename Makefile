# Consensus: `make run` serves the demo, `make test` runs lint and every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NODE_STAMP := node_modules/.package-lock.json
LOCALES := consensus/locale
# Compiled catalogues (.mo) are built at install time, never committed.
COMPILE_CATALOGUES = @$(BIN)/python -c "from consensus.i18n import compile_catalogues; compile_catalogues()"

.PHONY: run test test-postgres lint format install install-dev system browser writer postgres migrate bench messages clean

run: install ## install, migrate, load the demo when empty, serve at http://$HOST:$PORT
	$(BIN)/consensus migrate
	$(BIN)/consensus load fixtures/demo.yaml --if-empty --show-accounts --in-progress
	$(BIN)/consensus serve

test: install-dev browser postgres writer ## lint, type checks, every test (browser tests included), then again on PostgreSQL
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest
	@$(MAKE) --no-print-directory test-postgres

# The integration and browser tests once more, on a throwaway PostgreSQL server of their own.
test-postgres: install-dev browser postgres writer
	.ci/postgres run $(BIN)/pytest tests/integration tests/e2e

lint: install-dev ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: system $(VENV)/.runtime $(NODE_STAMP)
	$(COMPILE_CATALOGUES)

install-dev: system $(VENV)/.dev $(NODE_STAMP)
	$(COMPILE_CATALOGUES)

# Debian packages the product or its tests need: installed with apt when missing and running as
# root, else named. $(call apt_need,CHECK,WHAT,PACKAGES)
apt_need = @if ! $(1) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $(2)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(3); \
	  else \
	    echo "Consensus needs $(2): run 'sudo apt-get install $(3)'" >&2; exit 1; \
	  fi; \
	fi

# WeasyPrint (the PDF downloads) needs Pango from the system.
system:
	$(call apt_need,ldconfig -p | grep -q libpangoft2-1.0,Pango for PDF output,libpango-1.0-0 libpangoft2-1.0-0)

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
	$(call apt_need,test -x /usr/bin/chromium,Debian's chromium for the browser tests,chromium)

# The Word exports' tests accept and reject every tracked change with LibreOffice Writer, headless.
writer:
	$(call apt_need,test -x /usr/lib/libreoffice/program/soffice.bin -a -e /usr/lib/libreoffice/program/libswlo.so,LibreOffice Writer for the Word round-trip tests,libreoffice-writer-nogui)

# The PostgreSQL server the second test pass runs on (`.ci/postgres` starts a throwaway one).
postgres:
	$(call apt_need,ls /usr/lib/postgresql/*/bin/initdb,PostgreSQL for the tests,postgresql)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache test-results

bench: install-dev postgres ## figures for the README (SQLite pages, logins, vote storms; PostgreSQL with several workers)
	.ci/postgres run $(BIN)/python -m tests.bench.bench

# The interface's messages: extract them from the code and templates, and update every catalogue.
messages: install-dev
	$(BIN)/pybabel --quiet extract -F $(LOCALES)/babel.cfg -o $(LOCALES)/messages.pot --project=Consensus --version=1 \
	  --copyright-holder=Consensus --msgid-bugs-address=consensus@localhost --sort-by-file --width=120 --no-location --keywords=Nn_:1,2 --keywords=NC_:1c,2 .
	$(BIN)/pybabel --quiet update -i $(LOCALES)/messages.pot -d $(LOCALES) --width=120 --ignore-obsolete

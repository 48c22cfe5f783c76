# The two commands of the README. Everything else the project needs is installed by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	bash .ci/system-packages
	$(BIN)/pip install --quiet -e ".[test]"

# Installs, migrates var/kynangso.db (SQLite) and serves the app with its quiz content at http://127.0.0.1:8000
run: install
	$(BIN)/python -m server serve

# Installs everything (Debian's chromium included) and runs every test: unit, HTTP and browser.
# SQLite by default; DATABASE_URL=postgresql://user@host:port/db runs the same suite on PostgreSQL.
test: install-test
	$(BIN)/python -m server check-content
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

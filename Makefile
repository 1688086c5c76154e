# Trellis. `make demo` and `make test` do every step on a fresh machine with Python and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test lint types migrations-check pytest serve requirements clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements/base.txt requirements/dev.txt
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

## demo: install, migrate the SQLite database, load the demo program, serve on 127.0.0.1:$(PORT)
demo: $(STAMP)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py migrate --no-input -v 0
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py seed_demo --seed 1 --if-empty
	@echo "Trellis is at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: lint, types, migrations check, the whole suite (on PostgreSQL too when DATABASE_URL is set)
test: lint types migrations-check pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy .

migrations-check: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(STAMP)
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== pytest on SQLite =="; \
	  env -u DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider || exit $$?; \
	  echo "== pytest on PostgreSQL ($${DATABASE_URL%%@*}@…) =="; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider; \
	else \
	  $(BIN)/python -m pytest -q -p no:cacheprovider; \
	fi

## requirements: regenerate the pinned requirement files from requirements/*.in
requirements: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe -o requirements/dev.txt requirements/dev.in

bench: $(STAMP)
	$(BIN)/python bench/schedule.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache

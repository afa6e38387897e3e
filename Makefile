# gongshi: `make demo` runs the product on demo data, `make test` runs the tests.
# Both create the virtual environment from requirements.lock on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-postgres lint check lock clean

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

demo: $(BIN)/.installed
	mkdir -p var
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_demo
	@echo
	@echo "CMS (Wagtail admin):  http://$(HOST):$(PORT)/admin/"
	@echo "Public read API:      http://$(HOST):$(PORT)/api/v2/pages/"
	@echo
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# The same suite on PostgreSQL; DATABASE_URL names a server and a database name, and
# pytest-django creates (and drops) test_<name> beside it.
test-postgres: $(BIN)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gongshi} $(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check cms tests
	$(BIN)/ruff format --check cms tests

check: $(BIN)/.installed
	mkdir -p var
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# Refresh requirements.lock after changing dependencies in pyproject.toml.
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

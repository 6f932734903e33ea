# Two commands on a fresh machine with Python 3.11+ and make:  make run  /  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small

.PHONY: run test install migrate seed lint fmt bench e2e serve clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("smartunion needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes: a second `make run` is quick.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --scale $(SCALE)

run: seed
	@echo "smartunion: console http://$(HOST):$(PORT)/console/  mobile http://$(HOST):$(PORT)/m/  API http://$(HOST):$(PORT)/api/v1/openapi.json"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like serving (see docs/deploy.md); also used by the benchmarks.
serve: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn smartunion.wsgi --bind $(HOST):$(PORT) --workers 3

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check smartunion tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format smartunion tests bench
	$(BIN)/ruff check --fix .

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check smartunion tests bench
	$(BIN)/mypy
	$(BIN)/python .ci/check-commits
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null || (echo "Model changes without a migration"; exit 1)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/org_tree.py
	$(BIN)/python bench/member_search.py
	$(BIN)/python bench/case_queue.py
	$(BIN)/python bench/voucher_claims.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache

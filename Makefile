PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all lint format migrate clean fuzz

# The Makefile is for development and CI: debug on (embedded defaults, no SECRET_KEY needed) unless the
# environment says otherwise. Production runs manage.py itself with DEBUG unset or 0. With no DATABASE_URL, every
# command here runs on the embedded PostgreSQL (config/embedded_postgres.py), started and stopped as needed.
export DEBUG ?= 1
# Test processes: this machine's two cores. Each has its own test database and Redis databases (tests/conftest.py);
# a process that runs out of tests takes some of another's (worksteal), so the slow ones do not end the run alone.
PYTEST_WORKERS ?= 2

# Reinstall only when requirements.txt changes, so second runs are fast.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

# `make run PORT=8100` serves elsewhere; links in emails and the demo follow SITE_URL, which defaults to match.
PORT ?= 8000
run migrate: export SITE_URL ?= http://127.0.0.1:$(PORT)

# Without CELERY_BROKER_URL, runserver also runs the periodic jobs (core/scheduler.py): each once as it starts, so a
# demo seeded long ago is brought up to date and /data/ has its files, then each on its schedule.
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Every group `make test` may skip: a Redis of its own for the cache and the broker when none is set, Chromium and
# nginx when installed (CI installs them and fails on anything missing).
test-all: $(STAMP)
	bash tools/test_all.sh

# Schemathesis against the live API schema (needs DATABASE_URL and REDIS_URL; FUZZ_SECONDS per identity).
fuzz: $(STAMP)
	bash .ci/fuzz

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var

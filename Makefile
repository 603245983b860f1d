# Gongzhi — the two commands a new user needs are `make run` and `make test`.
# Everything is installed into .venv from the package registries; nothing by hand.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres bench lint check worker setup clean-var messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	bash scripts/system-packages.sh
	$(BIN)/python manage.py compilemessages --ignore '.venv' -v 0
	$(BIN)/python manage.py bootstrap

## make run: set up, migrate SQLite under var/, load the real regions and demo data, serve.
run: setup
	@echo "Gongzhi: http://127.0.0.1:$(PORT)/  (staff console /console/, resident portal /portal/)"
	trap 'kill 0' EXIT; \
	$(BIN)/python manage.py db_worker --interval 2 >var/worker.log 2>&1 & \
	while sleep 300; do $(BIN)/python manage.py sweep_cases >>var/sweep.log 2>&1; done & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

## make test: set up, then run the whole suite on SQLite and, when reachable, on PostgreSQL.
test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: $(STAMP)
	bash scripts/bench.sh

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv'

clean-var:
	rm -rf var/

# JetOps — the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test bench loadtest lint typecheck lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Quick start on SQLite: migrate, demo data, then web server + Celery worker + beat (filesystem
# broker under var/, no other server). Ctrl-C or SIGTERM stops all three within seconds
# (jetops/supervisor.py; exec lets make's signals reach it). var/dev.env keeps the environment for
# later `manage.py` commands (jetops/config.py read_dev_env).
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	@mkdir -p var && echo "DJANGO_DEBUG=$(DJANGO_DEBUG)" > var/dev.env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "JetOps is starting at http://$(HOST):$(PORT)/  (admin: /admin/, API docs: /api/v1/docs/)"
	@echo ""
	@exec $(BIN)/python -m jetops.supervisor $(HOST):$(PORT)

# The whole suite, on SQLite by default or on DATABASE_URL/REDIS_URL when they are set.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	@for script in tests/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# The API under load, served as in production, beside the data floor (see tests/bench/loadtest.py):
# DATABASE_URL (a seed_scale dataset on PostgreSQL) and REDIS_URL; DURATION, USERS, ONLY...
loadtest: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python tests/bench/loadtest.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy jetops clients fleet flights crew planning maintenance finance

# Re-pin every dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) var

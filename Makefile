# JetOps — the two set-up commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test bench lint typecheck lock clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Quick start on SQLite: migrate, demo data, then web server + Celery worker + beat (filesystem
# broker under var/, no other server). Ctrl-C or SIGTERM stops all three within seconds
# (jetops/supervisor.py; exec lets make's signals reach it).
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy jetops clients fleet flights crew maintenance finance

# Re-pin every dependency after changing pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) var

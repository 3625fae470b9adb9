# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install migrate demo worker beat check-deploy clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## make run: install, migrate the embedded SQLite database, load the demo and serve the site.
run: demo
	@echo "Admin: http://$(HOST):$(PORT)/admin/  API: http://$(HOST):$(PORT)/api/v1/docs/"
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite and in-process tasks unless DATABASE_URL/REDIS_URL are set).
test: install
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

## make bench: benchmarks, written to docs/benchmarks.md (PostgreSQL and Redis used when set).
bench: install
	$(PY) bench/run.py

worker: install
	$(VENV)/bin/celery -A factcheck worker -Q extraction,default,mail -l info

beat: install
	$(VENV)/bin/celery -A factcheck beat -l info

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=factcheck.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

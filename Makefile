# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and ClaimReview follow the address the site is served on (make run PORT=8001).
SITE_URL ?= http://$(HOST):$(PORT)
# The settings are production-safe by default (DEBUG off, no fallback SECRET_KEY): the development
# targets set DEBUG=1 and a random key made once per checkout (var/dev-secret-key, never committed).
DEV_KEY := var/dev-secret-key
DEV_ENV = DEBUG=1 SECRET_KEY="$$(cat $(DEV_KEY))" SITE_URL="$(SITE_URL)"

.PHONY: run test bench bench-scale install migrate demo worker beat check-deploy lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

$(DEV_KEY):
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

migrate: install $(DEV_KEY)
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo

## make run: install, migrate the embedded SQLite database, load the demo and serve the site.
run: demo
	@echo "Home: http://$(HOST):$(PORT)/  Admin: http://$(HOST):$(PORT)/admin/  API: http://$(HOST):$(PORT)/api/v1/docs/"
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite and in-process tasks unless DATABASE_URL/REDIS_URL are set).
test: install
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff (style and bug patterns), mypy (types; strict for extraction and services) and
## lint-imports (the layers in pyproject.toml point one way). CI runs it before `make test`.
# mypy's Django plugin imports the settings, which need a key; this one signs nothing.
LINT_ENV = DEBUG=1 SECRET_KEY=lint-only-settings-import-not-a-secret
lint: install
	$(VENV)/bin/ruff check .
	$(LINT_ENV) $(VENV)/bin/mypy
	PYTHONPATH=. $(VENV)/bin/lint-imports

## make bench: benchmarks, written to docs/benchmarks.md (PostgreSQL and Redis used when set).
bench: install $(DEV_KEY)
	$(DEV_ENV) $(PY) bench/run.py

## make bench-scale SIZES="100000 1000000": every screen, query and match at each size (databases
## scale_100k, scale_1m, ... filled by bench/scale_data.py), into docs/benchmarks.md (docs/scaling.md).
SIZES ?= 100000 1000000
bench-scale: install $(DEV_KEY)
	$(DEV_ENV) $(PY) bench/scale_bench.py $(SIZES)

worker: install $(DEV_KEY)
	$(DEV_ENV) $(VENV)/bin/celery -A factcheck worker -Q extraction,default,mail -l info

beat: install $(DEV_KEY)
	$(DEV_ENV) $(VENV)/bin/celery -A factcheck beat -l info

check-deploy: install
	DEBUG=0 SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=factcheck.example.org SITE_URL=https://factcheck.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

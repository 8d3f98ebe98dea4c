# Soft Synced: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-fast test-browser install migrate demo lint bench screenshots clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Every test: the browser-free ones on two processes (pytest-xdist), then the browser tests in one.
test: install
	$(PY) -m pytest -n 2 -m "not browser"
	$(PY) -m pytest -m browser

test-fast: install
	$(PY) -m pytest -m "not browser"

test-browser: install
	$(PY) -m pytest -m browser

# PNGs of the real pages for the README (docs/images/), from a throw-away demo database.
screenshots: install
	$(PY) -m tests.browser.screenshots

# Speed against the floor (wrk, gunicorn, production settings) into docs/performance.md; not part of `make test`.
# PostgreSQL with DATABASE_URL=postgres://..., Redis with REDIS_URL; options: BENCH_ARGS="--students 100000".
bench: install
	$(PY) -m courseplatform.bench.run $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

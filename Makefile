# Developer entry points. `make test` is the README's whole-suite command; `make demo` its demo.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

# The interpreter that creates the tool venvs; tox finds python3.10 ... python3.13 on PATH.
PYTHON ?= python3
# With pyenv, make every interpreter the tox envs need resolvable as python3.X.
export PYENV_VERSION ?= 3.11.7:3.12.1:3.13.0:3.10.13

TOOLS := .venv-tools
TOX := $(TOOLS)/bin/tox
BENCH := .venv-bench
# Four envs at once on CI's 2 cores: a test env spends about a quarter of its time waiting (servers
# starting, deadlines, Retry-After), so four keep both cores busy, also beside a CPU hog.
TOX_PARALLEL ?= 4

.PHONY: help demo test test-env bench lint type docs packaging mutations screenshots clean

help:
	@echo "make demo       install into .venv-demo, migrate, create admin/admin, list checks, serve :8000"
	@echo "make test       every tox env (tests on Django 5.2/6.0/6.1, PostgreSQL, lint, type, docs,"
	@echo "                packaging, demo smoke test, browser, then combined branch coverage), $(TOX_PARALLEL) at a time"
	@echo "make test-env E=py312-dj61   one tox env"
	@echo "make bench      every benchmarks/bench_*.py"
	@echo "make screenshots  retake the admin screenshots in docs/_static/ (headless Chromium, 1,280 px)"
	@echo "make mutations  check that each mutation the code-health issue names makes a test fail"
	@echo "make lint | type | docs | packaging"

$(TOX):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet "tox>=4.11,<5"

demo:
	PYTHON=$(PYTHON) bash migrations_demo/bootstrap.sh

test: $(TOX)
	@if [ ! -x /usr/bin/chromium ]; then \
	    echo "warning: /usr/bin/chromium is missing, the browser env will fail (apt-get install -y chromium)" >&2; \
	fi
	# setuptools reuses build/lib: a module deleted from the tree would still ship in the wheel.
	rm -rf .tox/junit .tox/coverage.json .coverage-data build/lib build/bdist.*
	$(TOX) run-parallel --parallel $(TOX_PARALLEL) --parallel-no-spinner

test-env: $(TOX)
	$(TOX) run -e $(E)

lint: $(TOX)
	$(TOX) run -e lint

type: $(TOX)
	$(TOX) run -e type

docs: $(TOX)
	$(TOX) run -e docs
	@echo "open docs/_build/html/index.html"

packaging: $(TOX)
	$(TOX) run -e packaging

mutations: $(TOX)
	$(TOX) run -e mutations

$(BENCH)/bin/python:
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH)/bin/python -m pip install --quiet -e ".[tasks]" gunicorn "psycopg[binary]" requests

bench: $(BENCH)/bin/python
	@for script in benchmarks/bench_*.py; do \
	    echo "== $$script"; \
	    $(BENCH)/bin/python "$$script"; \
	done

screenshots:
	HEALTHCHECK_DOCS_SCREENSHOTS=1 $(PYTHON) -m pytest tests/test_browser_ops.py -m browser -q -p no:xdist

clean:
	rm -rf build dist *.egg-info docs/_build .tox/junit .tox/coverage.json .coverage-data
	find . -name __pycache__ -type d -prune -not -path "./.tox/*" -not -path "./.venv*" -exec rm -rf {} +

# 党务公开平台 — set-up and everyday commands. `make help` lists them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the commands
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	@touch $(STAMP)

NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

system-deps: ## Debian packages: a CJK font for PDFs, poppler (pdftotext), Chromium for browser tests, wrk for bench/load.sh
	@bash scripts/system_deps.sh

install: $(STAMP) $(NODE_STAMP) system-deps ## Create .venv and install everything the project needs

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo data from the source documents (safe to run twice)
	$(PY) manage.py archive_keygen
	$(PY) manage.py load_demo
	$(PY) manage.py search_rebuild
	$(PY) manage.py ensure_admin

run: demo ## Install, migrate, load the demo, then serve http://127.0.0.1:8000 with the task worker and scheduler
	$(PY) manage.py collectstatic --noinput -v 0
	@bash scripts/serve.sh $(HOST) $(PORT)

test: install ## Install, then run the whole test suite (one worker a core; the browser tests beside it, in one process)
	@PY=$(PY) bash scripts/run_tests.sh

lint: install ## ruff
	$(VENV)/bin/ruff check .

check: install ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean: ## Remove the local database, index and media (keeps .venv)
	rm -rf var/

.PHONY: help system-deps install migrate demo run test lint check clean

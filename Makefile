# Reverse Kissinger: `make book` builds the book, `make test` runs the tests. `make help` lists all.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export FORCE_SOURCE_DATE := 1
export BROWSER_PATH ?= /usr/bin/chromium
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup book html pdf serve lab site test lint format data data-rehash bench release upgrade clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "==> creating $(VENV) and installing pinned Python packages"
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> installing browser assets (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## create .venv, install pinned packages and system packages
	@scripts/ensure_system.sh book

book: setup ## validate data, build the HTML book and the PDF into _build/
	$(PY) scripts/build_book.py --pdf

html: setup ## build the HTML book only
	$(PY) scripts/build_book.py

pdf: setup ## build the PDF only
	$(PY) scripts/build_book.py --pdf-only

serve: setup ## live preview on 127.0.0.1 (PORT=8000): rebuilds on save and reloads the browser
	$(PY) scripts/serve.py

lab: setup ## JupyterLab on 127.0.0.1 (PORT=8888): chapters/*.md open as notebooks that run
	$(PY) scripts/lab.py

site: setup ## rebuild every edition in editions.json from its commit into _build/site/ (latest/, index, switcher)
	$(PY) scripts/editions.py

data: setup ## rebuild curated CSVs from their sources, then validate the data package
	$(PY) scripts/curate_gdp.py
	$(PY) -m reportkit.validate

data-rehash: setup ## record new sha256 hashes after a deliberate data edit
	$(PY) -m reportkit.validate --rehash

lint: setup ## ruff on the code and on the chapters' code cells, plus file checks
	$(PY) scripts/lint.py

format: setup ## rewrite chapters into Jupytext's canonical MyST form
	$(PY) scripts/lint.py --fix

test: setup ## build the book and the versioned site, then run every test
	@scripts/ensure_system.sh test
	$(MAKE) --no-print-directory book
	$(MAKE) --no-print-directory site
	$(PY) -m pytest -v

upgrade: ## recompile exact pins from requirements.in
	python3 -m venv /tmp/rk-upgrade && /tmp/rk-upgrade/bin/pip install --quiet -r requirements.in
	/tmp/rk-upgrade/bin/pip freeze > requirements.txt

bench: setup ## benchmark builds (cold, no-op, prose edit, code edit, PDF) and page weights; JSON in _build/
	$(PY) scripts/bench.py

release: setup ## make release VERSION=x.y.z: set the version, build, archive in _build/release/
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z (after adding its CHANGELOG.md entry)"; exit 2; }
	$(PY) scripts/release.py $(VERSION)

clean: ## remove build outputs, edition trees and the execution cache (releases in _build/release/ are kept)
	find _build -mindepth 1 -maxdepth 1 ! -name release -exec rm -rf {} + 2>/dev/null || true
	rm -f chapters/*.ipynb

# Cluster Explorer — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py serve

test: $(STAMP)
	bash scripts/test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/run_tests.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	set -e; for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script; done

fuzz: $(STAMP)
	$(PY) bench/fuzz_parsers.py --examples 5000 --record bench/fuzz_parsers.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

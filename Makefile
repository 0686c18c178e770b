# The two commands of the README: `make demo` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB := $(CURDIR)/.demo/plans.json

.PHONY: demo test lint venv clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	# An editable install compiles no bytecode, and PYTHONDONTWRITEBYTECODE (set on CI) keeps
	# Python from caching it: compile it once, as installing a package would.
	$(BIN)/python -m compileall -q plan store widgets tui
	touch $(STAMP)

venv: $(STAMP)

# The demo has a database of its own, beside the checkout: it never touches your real plans.
demo: $(STAMP)
	$(BIN)/keyplan demo --db $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py --size M

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache .hypothesis *.egg-info

# Two set-up commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test test-sa21 lint format bench clean install dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,dialects]'
	touch $@ $(STAMP_BASE)

SA21 := .venv-sa21
$(SA21)/.installed: pyproject.toml
	$(PYTHON) -m venv $(SA21)
	$(SA21)/bin/python -m pip install --quiet --upgrade pip
	$(SA21)/bin/python -m pip install --quiet -e '.[dev]' 'sqlalchemy>=2.1'
	touch $@

install: $(STAMP_BASE)
dev: $(STAMP_DEV)

demo: $(STAMP_BASE)
	$(BIN)/python examples/quickstart.py

test: $(STAMP_DEV)
	$(BIN)/python -m pytest

# The same suite on SQLAlchemy 2.1 (without the compile-only dialect packages, which pin 2.0).
test-sa21: $(SA21)/.installed
	$(SA21)/bin/python -m pytest -q

lint: $(STAMP_DEV)
	$(BIN)/ruff check advanced_alchemy tests examples benchmarks tools
	$(BIN)/ruff format --check advanced_alchemy tests examples benchmarks tools
	$(BIN)/mypy --strict advanced_alchemy tests/typing
	$(BIN)/python tools/generate_sync.py --check

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix advanced_alchemy tests examples
	$(BIN)/ruff format advanced_alchemy tests examples

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(SA21) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info

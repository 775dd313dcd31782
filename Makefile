# Two set-up commands: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint format bench clean install dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_BASE)

install: $(STAMP_BASE)
dev: $(STAMP_DEV)

demo: $(STAMP_BASE)
	$(BIN)/python examples/quickstart.py

test: $(STAMP_DEV)
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check advanced_alchemy tests examples
	$(BIN)/ruff format --check advanced_alchemy tests examples
	$(BIN)/mypy --strict advanced_alchemy
	$(BIN)/python tools/generate_sync.py --check

format: $(STAMP_DEV)
	$(BIN)/ruff check --fix advanced_alchemy tests examples
	$(BIN)/ruff format advanced_alchemy tests examples

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info

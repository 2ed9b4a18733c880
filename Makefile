# Set-up and the two commands in the README:
#   make reports   install everything, then build both annual reports for the synthetic data
#   make test      install everything, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2025
DATA   ?= data/synthetic
OUT    ?= out
LA_NAME ?= Synthetic County Council

.PHONY: reports test typecheck install dfe-validate lint bench a11y clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

reports: install
	$(BIN)/cpanalytics build --data $(DATA) --year $(YEAR) --out $(OUT) --la-name "$(LA_NAME)"

# The DfE validator check of the synthetic data runs in its own environment (.venv-dfe).
# A type error in src/ fails the run before any test starts.
test: install .venv-dfe/.installed
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# mypy on src/cpanalytics with pandas-stubs ([tool.mypy] in pyproject.toml).
typecheck: install
	$(BIN)/mypy

# The DfE validator pins pandas<2, so it lives in its own environment.
.venv-dfe/.installed:
	$(PYTHON) -m venv .venv-dfe
	.venv-dfe/bin/python -m pip install --quiet --upgrade pip
	.venv-dfe/bin/python -m pip install --quiet "csc-validator-be-903>=0.1.17"
	touch $@

dfe-validate: .venv-dfe/.installed
	.venv-dfe/bin/python tools/dfe_validate.py $(DATA)

bench: install
	$(BIN)/python benchmarks/run.py

# Accessibility: axe-core in headless Chromium (Debian's chromium package) on the HTML reports.
a11y:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	cd tools/a11y && npm install --no-audit --no-fund --silent
	node tools/a11y/check.mjs $(OUT)/$(YEAR)/*.html

lint: install
	$(BIN)/ruff check src tests benchmarks tools

clean:
	rm -rf $(OUT)

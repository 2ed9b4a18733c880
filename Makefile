# Set-up and the two commands in the README:
#   make reports    install everything, then build both annual reports for the synthetic data
#   make test       install everything, then run the whole test suite (as CI does)
# and for day-to-day work:
#   make lab        JupyterLab in the project's environment, on the ad hoc template
#   make test-fast  the unit tier only: no builds, renders or notebooks (under a minute)
#   make lock       re-pin the dependencies in requirements/ after changing pyproject.toml
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2025
DATA   ?= data/synthetic
OUT    ?= out
LA_NAME ?= Synthetic County Council
# The performance pack `make reports` builds: the last month-end of the year.
PACK_AS_AT ?= $(YEAR)-03-31

# Every dependency, with the extras, at the version pinned in the lock files (pip constraints).
LOCK     := requirements/lock.txt
DFE_LOCK := requirements/dfe-lock.txt
DFE_REQ  := csc-validator-be-903>=0.1.17
PIP      := python -m pip install --progress-bar on
ADHOC    := src/cpanalytics/resources/notebooks/adhoc_template.ipynb

.PHONY: reports test test-fast typecheck install lab lock dfe-validate lint bench a11y clean

# One command sets up: the venv, then the package and its pinned dependencies, with a banner
# per step and pip's progress bars (downloads, then one tick per package installed).
$(BIN)/.installed: pyproject.toml $(LOCK)
	@echo "==> [1/3] Creating the virtual environment $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] Upgrading pip"
	$(BIN)/$(PIP) --upgrade pip
	@echo "==> [3/3] Installing cpanalytics with the versions pinned in $(LOCK)"
	$(BIN)/$(PIP) -c $(LOCK) -e ".[dev]"
	touch $@
	@echo "==> Installed: $(BIN)/cpanalytics"

install: $(BIN)/.installed

reports: install
	$(BIN)/cpanalytics build --data $(DATA) --year $(YEAR) --out $(OUT) --la-name "$(LA_NAME)"
	$(BIN)/cpanalytics pack --data $(DATA) --as-at $(PACK_AS_AT) --out $(OUT) --la-name "$(LA_NAME)"

# The DfE validator check of the synthetic data runs in its own environment (.venv-dfe).
# A type error in src/ fails the run before any test starts.
test: install .venv-dfe/.installed
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# The unit tier: tests/ without the e2e, slow and dfe markers (see [tool.pytest.ini_options]),
# and no notebooks. The ten slowest tests are listed, so one that belongs in a slower tier shows.
# On a machine with cores to spare, make test-fast PYTEST_ARGS="-n 4" spreads it (pytest-xdist).
test-fast: install
	$(BIN)/python -m pytest tests -m "not e2e and not slow and not dfe" --durations=10 $(PYTEST_ARGS)

# mypy on src/cpanalytics with pandas-stubs ([tool.mypy] in pyproject.toml).
typecheck: install
	$(BIN)/mypy

# JupyterLab (the `analyst` extra) on the ad hoc template; its notebooks read $(DATA) unless
# given a data_dir. Pass options with LAB_ARGS, e.g. make lab LAB_ARGS="--no-browser --port 8890".
$(BIN)/.analyst: $(BIN)/.installed
	@echo "==> Installing JupyterLab (the analyst extra) with the versions pinned in $(LOCK)"
	$(BIN)/$(PIP) -c $(LOCK) -e ".[dev,analyst]"
	touch $@

lab: $(BIN)/.analyst
	CPANALYTICS_DATA="$(abspath $(DATA))" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		$(AS_ROOT) $(LAB_ARGS) $(ADHOC)

# Jupyter refuses root unless told; root is the usual user in a container.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# Re-pin after changing the dependencies in pyproject.toml: existing pins are kept where they
# still fit. `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release instead.
# The pins hold for Python 3.11+ on Linux, macOS and Windows. It needs only the venv (with uv),
# not the install, which a new lower bound above a pin would refuse. Then make test; commit both.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP) "uv>=0.5"
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(LOCK)
	echo "$(DFE_REQ)" | $(BIN)/uv pip compile - --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet $(LOCK_ARGS) -o $(DFE_LOCK)
	@echo "==> Wrote $(LOCK) and $(DFE_LOCK): review with git diff, run make test, commit them"

# The DfE validator pins pandas<2, so it lives in its own environment, with its own lock.
.venv-dfe/.installed: $(DFE_LOCK)
	@echo "==> Creating .venv-dfe for the DfE validator (pinned in $(DFE_LOCK))"
	$(PYTHON) -m venv .venv-dfe
	.venv-dfe/bin/$(PIP) --upgrade pip
	.venv-dfe/bin/$(PIP) -c $(DFE_LOCK) "$(DFE_REQ)"
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

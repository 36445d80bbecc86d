# skillsim: the two commands a fresh machine needs.
#   make run   create .venv, install, run the main job on embedded defaults
#   make test  install test dependencies, lint, format check, run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` overrides (empty = the experiment file's value): WORKERS, MONTHS, SEEDS
# (replications), JOBS (worker processes), OUT (sweep folder), EXPERIMENT.
EXPERIMENT ?= experiments/default.toml
WORKERS ?=
MONTHS ?=
SEEDS ?=
JOBS ?=
OUT ?=

.PHONY: run green-comparison test test-newest-python test-lowest-deps test-deps apt-deps dashboard-assets dashboard-assets-only lint format clean-cache help

help:
	@echo "make run    create .venv, install skillsim, run the main job"
	@echo "make test   install test dependencies, ruff, pytest"
	@echo "make dashboard-assets   what skillsim dashboard needs offline (and the Chinese font)"
	@echo "make green-comparison WORKERS=100000   baseline vs orderly green transition, without and with the policy package"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The main job: experiments/default.toml (every scenario x none, each single policy and
# the package x 5 seeds) on the process pool, then the effects table with 95% CIs (an
# EXPERIMENT without its baseline policy, a design over one policy, gets none, and says so).
# Rerunning resumes an interrupted sweep. Quick look: make run WORKERS=5000 SEEDS=3
# It ends by writing the sweep's HTML report (skillsim report) and printing its path.
# (The report's folder is the sweep's own answer, `sweep ... --folder`: a folder is named
# after the experiment's name field, which need not be its file's.)
SWEEP_FOLDER_ARGS = $(if $(WORKERS),--workers $(WORKERS)) $(if $(MONTHS),--months $(MONTHS)) \
	$(if $(SEEDS),--seeds $(SEEDS)) $(if $(OUT),--out $(OUT))
run: $(STAMP)
	$(BIN)/skillsim sweep $(EXPERIMENT) --executor processes --effects-if-possible \
		$(SWEEP_FOLDER_ARGS) $(if $(JOBS),--jobs $(JOBS))
	$(BIN)/skillsim report "$$($(BIN)/skillsim sweep $(EXPERIMENT) $(SWEEP_FOLDER_ARGS) --folder)"

# The README's comparison: the baseline and the orderly green transition without and
# with the policy package, one seed each, side by side (make green-comparison
# WORKERS=100000). Defaults: 20,000 workers, 120 months, seed 0.
GREEN_OUT := $(or $(OUT),results/green-comparison-$(shell date +%Y%m%d-%H%M%S))
GREEN_ARGS = --workers $(or $(WORKERS),20000) --months $(or $(MONTHS),120) --seed $(or $(SEED),0) --no-summary
green-comparison: $(STAMP)
	$(BIN)/skillsim run baseline $(GREEN_ARGS) --out $(GREEN_OUT)/baseline
	$(BIN)/skillsim run green_transition_orderly $(GREEN_ARGS) --out $(GREEN_OUT)/green_orderly
	$(BIN)/skillsim run green_transition_orderly --policy package $(GREEN_ARGS) --out $(GREEN_OUT)/green_orderly_package
	$(BIN)/skillsim compare $(GREEN_OUT)/baseline $(GREEN_OUT)/green_orderly $(GREEN_OUT)/green_orderly_package
	@echo "results in $(GREEN_OUT)"

# What the tests need beyond Python packages, installed once and quietly (skipped when
# present): Debian's chromium, which the dashboard test drives through Playwright (never
# `playwright install`), a CJK font for Chinese figures (fonts-noto-cjk), and Solara's
# page assets from the npm registry, so the dashboard works offline.
APT_PACKAGES := chromium fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

test-deps: $(STAMP) apt-deps dashboard-assets-only

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif ! command -v apt-get >/dev/null; then \
		echo "warning: no apt-get: install$$missing yourself (the browser and Chinese tests skip without them)"; \
	else \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

dashboard-assets-only: $(STAMP)
	@if command -v npm >/dev/null; then $(BIN)/python -m simulation.dashboard --install-assets; \
	else echo "warning: no npm: the dashboard's page assets are not installed (it will not start offline)"; fi

# For presenters: the dashboard's offline assets and the Chinese font.
dashboard-assets: $(STAMP) apt-deps dashboard-assets-only

test: test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q
ifeq ($(CI),true)
	@$(MAKE) --no-print-directory test-newest-python
	@$(MAKE) --no-print-directory test-lowest-deps
endif

# CI also runs the tests that depend on the versions pip picks (Mesa's API) on the
# newest Python the machine has: from Python 3.12 pip installs Mesa 3.5, whose batch_run
# and DataCollector differ from Mesa 3.3's (what Python 3.11 gets). Skipped, with a word,
# where there is none. The whole suite: make test PYTHON=python3.13 in a fresh clone.
# (`=`: looked for only when this target runs, not at every make.)
NEWEST_PYTHON = $(shell for p in $$(command -v python3.14 python3.13 python3.12 2>/dev/null) \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	"$$p" -c "" 2>/dev/null && { echo "$$p"; break; }; done)
NEWEST_VENV := .venv-newest
test-newest-python:
	@p="$(NEWEST_PYTHON)"; \
	if [ -z "$$p" ]; then echo "no Python 3.12 or newer here: the newest-Python tests are skipped"; else \
		echo "the version-dependent tests on $$p"; \
		[ -x $(NEWEST_VENV)/bin/python ] || "$$p" -m venv $(NEWEST_VENV); \
		$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip && \
		$(NEWEST_VENV)/bin/python -m pip install --quiet -e ".[test]" && \
		$(NEWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/test_mesa.py tests/test_config.py; fi

# CI also holds pyproject.toml's lower bounds to account: the lowest version of each
# direct dependency that they allow (uv's lowest-direct resolution), with ruff's lint and
# format check and the tests of what the bounds touch (configuration, Mesa's API,
# pandas, pyarrow, SALib and the sweeps' analysis). Never tested before an outside review
# (2026-12-06), four bounds were wrong: numba 0.60-0.67 could not compile a kernel.
LOWEST_VENV := .venv-lowest
test-lowest-deps: $(STAMP)
	@echo "the lowest versions pyproject.toml allows"
	@$(BIN)/python -m pip install --quiet uv
	@rm -rf $(LOWEST_VENV) && $(BIN)/uv venv --quiet --python $(BIN)/python $(LOWEST_VENV)
	$(BIN)/uv pip install --quiet --python $(LOWEST_VENV)/bin/python --resolution lowest-direct -e ".[test]"
	$(LOWEST_VENV)/bin/ruff check .
	$(LOWEST_VENV)/bin/ruff format --check .
	NUMBA_CACHE_DIR=$(CURDIR)/.numba_cache/lowest SKILLSIM_COMPILE_HELPER=0 \
		$(LOWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider \
		tests/test_config.py tests/test_mesa.py tests/test_analysis.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-cache:
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

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

.PHONY: run green-comparison test lint format clean-cache help

help:
	@echo "make run    create .venv, install skillsim, run the main job"
	@echo "make test   install test dependencies, ruff, pytest"
	@echo "make green-comparison WORKERS=100000   baseline vs orderly green transition, without and with the policy package"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The main job: the baseline, and the orderly green transition without and with the
# policy package, each written to its own folder under $(OUT), then side by side.
run: green-comparison

# The README's comparison (WORKERS=100000 there): three runs and `skillsim compare`.
green-comparison: $(STAMP)
	$(BIN)/skillsim run baseline --workers $(WORKERS) --months $(MONTHS) --seed $(SEED) --out $(OUT)/baseline --no-summary
	$(BIN)/skillsim run green_transition_orderly --workers $(WORKERS) --months $(MONTHS) --seed $(SEED) --out $(OUT)/green_orderly --no-summary
	$(BIN)/skillsim run green_transition_orderly --policy package --workers $(WORKERS) --months $(MONTHS) --seed $(SEED) --out $(OUT)/green_orderly_package --no-summary
	$(BIN)/skillsim compare $(OUT)/baseline $(OUT)/green_orderly $(OUT)/green_orderly_package
	@echo "results in $(OUT)"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-cache:
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

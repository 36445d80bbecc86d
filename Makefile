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

.PHONY: run test lint format clean-cache help

help:
	@echo "make run    create .venv, install skillsim, run the main job"
	@echo "make test   install test dependencies, ruff, pytest"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The main job: experiments/default.toml (every scenario x none, each single policy and
# the package x 5 seeds) on the process pool, then the effects table with 95% CIs.
# Rerunning resumes an interrupted sweep. Quick look: make run WORKERS=5000 SEEDS=3
run: $(STAMP)
	$(BIN)/skillsim sweep $(EXPERIMENT) --executor processes --effects \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(MONTHS),--months $(MONTHS)) \
		$(if $(SEEDS),--seeds $(SEEDS)) $(if $(JOBS),--jobs $(JOBS)) $(if $(OUT),--out $(OUT))

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

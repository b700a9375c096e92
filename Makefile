# Two commands do all the setup on a fresh Linux machine with Python >= 3.11:
#   make demo   — create .venv, install landkit, run the main job on sample_data/ (outputs in out/)
#   make test   — create .venv with the test extras and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT := out

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	@mkdir -p $(OUT)
	$(BIN)/landkit validate sample_data/delivered/idle_xianzhi.shp sample_data/delivered/low_efficiency.gpkg \
		sample_data/delivered/taizhang.xlsx -o $(OUT)/validation_report.xlsx --overwrite
	@echo "demo outputs in $(OUT)/"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check landkit tests benchmarks
	$(BIN)/ruff format --check landkit tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_read.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

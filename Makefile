# Two commands do all the setup on a fresh Linux machine with Python >= 3.11:
#   make demo   — create .venv, install landkit, run the main job on sample_data/ (outputs in out/)
#   make test   — create .venv with the test extras, lint (ruff, mypy) and run the whole test suite
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
	$(BIN)/landkit zones summary sample_data/parcels.gpkg --zones sample_data/zones/hongjiang.toml --by status \
		-o $(OUT)/zone_summary.xlsx --overwrite
	$(BIN)/landkit zones join sample_data/parcels.gpkg --zones sample_data/zones/hongjiang.toml \
		-o $(OUT)/zone_join.csv --overwrite
	$(BIN)/landkit raster terrain sample_data/parcels.gpkg sample_data/dem/hongjiang_dem_4546.tif \
		-o $(OUT)/parcels_terrain.gpkg --overwrite
	$(BIN)/landkit raster slope sample_data/dem/hongjiang_dem_4546.tif -o $(OUT)/slope.tif --overwrite
	$(BIN)/landkit map browse $(OUT)/parcels_terrain.gpkg -o $(OUT)/land_public.html --basemap none \
		--photo-root sample_data --zones sample_data/zones/hongjiang.toml --overwrite
	$(BIN)/landkit map browse $(OUT)/parcels_terrain.gpkg -o $(OUT)/land_internal.html --profile internal \
		--photo-root sample_data \
		--basemap none --zones sample_data/zones/hongjiang.toml --overwrite
	$(BIN)/landkit rules idle sample_data/parcels.gpkg --as-of 2024-12-31 \
		--holidays sample_data/holidays/china_2024.toml -o $(OUT)/idle.csv --overwrite
	$(BIN)/landkit rules deadlines sample_data/procedure/events_2024.csv \
		--holidays sample_data/holidays/china_2024.toml -o $(OUT)/deadlines.csv --overwrite
	$(BIN)/landkit rules efficiency sample_data/parcels.gpkg \
		--criteria sample_data/criteria/hongjiang_2024_example.toml --as-of 2024-12-31 -o $(OUT)/low_efficiency.xlsx --overwrite
	$(BIN)/landkit rules grade sample_data/firms/per_mu_2024.csv \
		--scheme sample_data/criteria/per_mu_2024_example.toml -o $(OUT)/per_mu_grades.xlsx --overwrite
	$(BIN)/landkit recommend sample_data/parcels.gpkg --demand sample_data/demand/new_materials_30_60mu.toml \
		--zones sample_data/zones/hongjiang.toml -o $(OUT)/shortlist.csv --overwrite
	rm -f $(OUT)/ledger.gpkg
	for f in sample_data/snapshots/register_*.gpkg; do \
		d=$${f##*register_}; d=$${d%.gpkg}; \
		$(BIN)/landkit track record $$f --as-of $$d --ledger $(OUT)/ledger.gpkg \
			--source "洪江市自然资源局季度台账" || exit 1; \
	done
	$(BIN)/landkit track progress --ledger $(OUT)/ledger.gpkg --baseline 2023-12-31 --target-date 2024-12-31 \
		--zones sample_data/zones/hongjiang.toml --scope 洪江高新区
	$(BIN)/landkit track report --ledger $(OUT)/ledger.gpkg -o $(OUT)/clear_down --baseline 2023-12-31 \
		--target-date 2024-12-31 --zones sample_data/zones/hongjiang.toml --scope 洪江高新区 --overwrite
	$(BIN)/landkit indicators report sample_data/indicators/batches.gpkg sample_data/indicators/supplies.xlsx \
		--parcels sample_data/parcels.gpkg --as-of 2024-12-31 --holidays sample_data/holidays/china_2024.toml \
		--ledger $(OUT)/ledger.gpkg -o $(OUT)/indicators --overwrite
	@echo "demo outputs in $(OUT)/"

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q --doctest-modules landkit tests

lint: $(VENV)/.installed-test
	$(BIN)/ruff check landkit tests benchmarks
	$(BIN)/ruff format --check landkit tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_zones.py --sizes 100000
	$(BIN)/python benchmarks/bench_browse.py
	$(BIN)/python benchmarks/bench_raster.py
	$(BIN)/python benchmarks/bench_ledger.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

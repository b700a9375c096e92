# Two commands do all the setup on a fresh Linux machine with Python >= 3.11:
#   make demo   — create .venv, install landkit, run the main job on sample_data/ (outputs in out/)
#   make test   — create .venv with the test extras, lint (ruff, mypy) and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT := out
VENDOR := landkit/maps/assets/vendor/manifest.json
CASE_DATA := --parcels sample_data/cases/parcels_cases.gpkg --encumbrances sample_data/cases/encumbrances.xlsx

.PHONY: demo test lint bench bench-readme docs clean vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	touch $(VENV)/.installed $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $@

demo: $(VENV)/.installed $(VENDOR)
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
		--photo-root sample_data --zones sample_data/zones/hongjiang.toml --base sample_data/hongjiang_base.gpkg --overwrite \
		--panoramas --thumbnails sample_data/ortho/hongjiang_park_ortho_4546.tif \
		--thumbnails sample_data/dem/hongjiang_dem_4546.tif \
		--units sample_data/supply/units.xlsx --units-as-of 2024-12-31
	$(BIN)/landkit map browse $(OUT)/parcels_terrain.gpkg -o $(OUT)/land_internal.html --profile internal \
		--photo-root sample_data \
		--basemap none --zones sample_data/zones/hongjiang.toml --base sample_data/hongjiang_base.gpkg --overwrite
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
	$(BIN)/landkit case options sample_data/cases/parcels_cases.gpkg --encumbrances sample_data/cases/encumbrances.xlsx \
		--as-of 2024-06-30 -o $(OUT)/route_options.xlsx --overwrite
	$(BIN)/landkit case open 431281101002GB00001 transfer_with_mortgage --book $(OUT)/ledger.gpkg \
		--lead 不动产登记中心 --opened 2024-02-04 $(CASE_DATA)
	$(BIN)/landkit case open 431281101003GB00074 transfer --book $(OUT)/ledger.gpkg --lead 自然资源局 --opened 2024-01-27 \
		$(CASE_DATA)
	$(BIN)/landkit case open 431281101001GB00017 free_recovery --book $(OUT)/ledger.gpkg --lead 自然资源局 --opened 2024-01-17 \
		$(CASE_DATA)
	$(BIN)/landkit case open 431281101002GB00165 judicial --book $(OUT)/ledger.gpkg --lead 法院 --opened 2024-03-30 \
		$(CASE_DATA)
	$(BIN)/landkit case event 1 notify_mortgagee --date 2024-02-12 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case event 2 investor --date 2024-03-03 --book $(OUT)/ledger.gpkg --doc-no 洪自然资〔2024〕74号
	$(BIN)/landkit case event 2 contract --date 2024-05-02 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case event 2 registration --date 2024-05-17 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case event 2 restart --date 2024-07-25 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case event 3 hearing_notice --date 2024-02-10 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case event 4 coordination --date 2024-04-14 --book $(OUT)/ledger.gpkg
	$(BIN)/landkit case report --book $(OUT)/ledger.gpkg --as-of 2024-12-31 --holidays sample_data/holidays/china_2024.toml \
		-o $(OUT)/cases --overwrite
	$(BIN)/landkit case overdue --book $(OUT)/ledger.gpkg --as-of 2024-12-31
	$(BIN)/landkit indicators report sample_data/indicators/batches.gpkg sample_data/indicators/supplies.xlsx \
		--parcels sample_data/parcels.gpkg --as-of 2024-12-31 --holidays sample_data/holidays/china_2024.toml \
		--ledger $(OUT)/ledger.gpkg -o $(OUT)/indicators --overwrite
	$(BIN)/landkit supply vacancy sample_data/supply/units.xlsx --as-of 2024-12-31 --record $(OUT)/ledger.gpkg \
		-o $(OUT)/supply_vacancy.xlsx --overwrite
	$(BIN)/landkit supply match sample_data/supply/demands --parcels sample_data/parcels.gpkg \
		--units sample_data/supply/units.xlsx --zones sample_data/zones/hongjiang.toml --as-of 2024-12-31 \
		-o $(OUT)/supply_push_lists.xlsx --overwrite
	$(BIN)/landkit supply pipeline $(OUT)/ledger.gpkg --load sample_data/supply/events.csv --as-of 2024-12-31 \
		-o $(OUT)/supply_pipeline --overwrite
	@echo "demo outputs in $(OUT)/"

# The browse page's JavaScript dev tools (ESLint) and its panorama viewer (pannellum) from the npm registry,
# pinned with their integrity hashes by package-lock.json.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { echo "make: Node.js and npm are needed (apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# pannellum's built files and licence copied into the package (git-ignored) with a sha256 manifest.
$(VENDOR): node_modules/.installed landkit/maps/_vendor.py landkit/maps/_vendor_build.py | $(VENV)/.installed
	$(BIN)/python -c "import sys, landkit.maps._vendor as v; sys.exit(v.main(sys.argv[1:]))" .

vendor: $(VENDOR)

test: $(VENV)/.installed-test node_modules/.installed $(VENDOR) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q --doctest-modules landkit tests

lint: $(VENV)/.installed-test
	$(BIN)/ruff check landkit tests benchmarks setup.py
	$(BIN)/ruff format --check landkit tests benchmarks setup.py
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_read.py
	$(BIN)/python benchmarks/bench_zones.py --sizes 100000
	$(BIN)/python benchmarks/bench_browse.py
	$(BIN)/python benchmarks/bench_raster.py
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_cases.py
	$(BIN)/python benchmarks/bench_supply.py
	$(BIN)/python benchmarks/bench_indicators.py
	$(BIN)/python benchmarks/report.py

# The README's figures table, generated from benchmarks/results/*.json (run after a benchmark).
bench-readme: $(VENV)/.installed
	$(BIN)/python benchmarks/report.py

# Execute notebooks/ and render them with their outputs into an offline static site (site/index.html).
docs: $(VENV)/.installed-docs
	$(BIN)/mkdocs build --strict
	@echo "offline site: site/index.html"

clean:
	rm -rf $(OUT) site .pytest_cache .mypy_cache .ruff_cache

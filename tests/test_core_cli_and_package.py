"""The `landkit validate` CLI against the library, and the package's light import."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import landkit
from landkit.cli.main import cli


def test_validate_cli_matches_library(sample_dir: Path, tmp_path: Path) -> None:
    src = sample_dir / "delivered" / "low_efficiency.gpkg"
    out = tmp_path / "report.xlsx"
    res = CliRunner().invoke(cli, ["validate", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = landkit.validate(landkit.read_parcels(src))
    sheet = pd.read_excel(out, sheet_name="问题清单")
    assert len(sheet) == len(expected)
    assert sorted(sheet["问题代码"]) == sorted(expected["problem"])
    assert f"{len(landkit.read_parcels(src))} 宗" in res.output
    again = CliRunner().invoke(cli, ["validate", str(src), "-o", str(out)])
    assert again.exit_code == 2
    assert "--overwrite" in again.output


def test_cli_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.toml"
    bad.write_text("a=1")
    res = CliRunner().invoke(cli, ["validate", str(bad)])
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0
    assert "unsupported format" in res.output


def test_cli_strict_exit_code(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    g = gpd.GeoDataFrame(
        {"ZDDM": ["431281101001GB00001"] * 2}, geometry=[box(400000, 3010000, 400100, 3010100)] * 2, crs=4546
    )
    g.to_file(tmp_path / "dup.gpkg")
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "dup.gpkg"), "--strict"])
    assert res.exit_code == 1
    assert "duplicate_id" in res.output


def test_import_is_light() -> None:
    code = (
        "import sys, landkit; heavy = [m for m in ('folium', 'dask', 'rasterio', 'matplotlib', 'psycopg', "
        "'duckdb', 'playwright', 'openpyxl', 'distributed') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_names_resolve_to_their_home_modules() -> None:
    import importlib

    import landkit.raster

    assert len(set(landkit.__all__)) == len(landkit.__all__)
    assert not [n for n in landkit.__all__ if n.startswith("_") and n != "__version__"]
    # the lazily exported raster names are the raster package's own objects
    assert landkit.terrain_stats is landkit.raster.terrain_stats
    assert landkit.validate is importlib.import_module("landkit.validate").validate
    assert landkit.read_parcels is importlib.import_module("landkit.io").read_parcels


def test_public_api_reads_validates_and_measures(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyproj
    from shapely.geometry import box

    code = "431281101001GB00001"
    g = gpd.GeoDataFrame(
        {"ZDDM": [code, code], "TDSYQR": ["甲实业有限公司", "乙实业有限公司"]},
        geometry=[box(400000, 3010000, 400100, 3010150), box(400500, 3010000, 400560, 3010060)],
        crs=4546,
    )
    g.to_file(tmp_path / "two.gpkg")
    parcels = landkit.read_parcels(tmp_path / "two.gpkg")
    assert parcels["parcel_id"].tolist() == [code, code]
    assert parcels["holder"].tolist() == ["甲实业有限公司", "乙实业有限公司"]
    # areas in 亩 against an independent geodesic area (pyproj.Geod on GRS80)
    geod = pyproj.Geod(ellps="GRS80")
    m2 = [abs(geod.geometry_area_perimeter(geom)[0]) for geom in g.to_crs(4490).geometry]
    assert parcels["area_mu"].to_numpy() == pytest.approx([a * 15 / 10000 for a in m2], rel=1e-6)
    assert landkit.m2_to_mu(landkit.mu_to_m2(3.5)) == pytest.approx(3.5)
    # the duplicate 宗地代码 is reported, not dropped
    report = landkit.validate(parcels)
    assert (report["problem"] == "duplicate_id").sum() >= 1
    assert len(parcels) == 2
    assert "宗地代码" in landkit.to_chinese_labels(parcels).columns

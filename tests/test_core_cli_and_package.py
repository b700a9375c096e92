"""The `landkit validate` CLI against the library, and the package's light import."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
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


def test_public_api_is_curated() -> None:
    assert all(hasattr(landkit, n) for n in landkit.__all__)
    assert callable(landkit.read_parcels)
    assert callable(landkit.validate)

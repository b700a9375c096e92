"""``landkit raster``: the CLI writes what the library returns."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from click.testing import CliRunner
from shapely.geometry import box

from landkit.cli.main import cli
from landkit.raster import TERRAIN_COLUMNS, slope, terrain_stats, zonal_stats

X0, Y0 = 400_000.0, 3_000_000.0


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(1)
    z = (200 + np.cumsum(rng.normal(0, 3, (60, 80)), axis=1)).astype("float32")
    dem = tmp_path / "dem.tif"
    with rasterio.open(
        dem, "w", driver="GTiff", height=60, width=80, count=1, dtype="float32", crs="EPSG:4546",
        transform=Affine(10, 0, X0, 0, -10, Y0), nodata=-9999,
    ) as ds:  # fmt: skip
        ds.write(z, 1)
    xy = rng.uniform([X0 + 50, Y0 - 550], [X0 + 700, Y0 - 50], (25, 2))
    parcels = gpd.GeoDataFrame(
        {"parcel_id": [f"431281101001GB{i:05d}" for i in range(25)]},
        geometry=[box(x, y, x + rng.uniform(5, 80), y + rng.uniform(5, 80)) for x, y in xy],
        crs=4546,
    )
    path = tmp_path / "parcels.gpkg"
    parcels.to_file(path, layer="parcels")
    return path, dem


def _read(path: Path) -> gpd.GeoDataFrame:
    from landkit.io import read_parcels

    return read_parcels(path)


def test_stats_csv_matches_library(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    parcels, dem = inputs
    out = tmp_path / "stats.csv"
    result = CliRunner().invoke(
        cli, ["raster", "stats", str(parcels), str(dem), "-o", str(out), "--stats", "mean,max,std"]
    )
    assert result.exit_code == 0, result.output
    assert "25 parcels" in result.output
    got = pd.read_csv(out, encoding="utf-8-sig")
    assert list(got.columns) == ["宗地代码", "平均值", "最大值", "标准差", "有效覆盖占比", "超出栅格占比"]
    expected = zonal_stats(_read(parcels), dem, stats=("mean", "max", "std"))
    np.testing.assert_allclose(got["平均值"], expected["mean"], rtol=1e-12)
    np.testing.assert_allclose(got["标准差"], expected["std"], rtol=1e-12)
    assert got["宗地代码"].tolist() == [f"431281101001GB{i:05d}" for i in range(25)]


def test_stats_refuses_to_overwrite(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    parcels, dem = inputs
    out = tmp_path / "stats.csv"
    out.write_text("keep me")
    runner = CliRunner()
    result = runner.invoke(cli, ["raster", "stats", str(parcels), str(dem), "-o", str(out)])
    assert result.exit_code == 2
    assert "--overwrite" in result.output
    assert out.read_text() == "keep me"
    result = runner.invoke(cli, ["raster", "stats", str(parcels), str(dem), "-o", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig").startswith("宗地代码")


def test_stats_to_stdout_and_bad_statistic(inputs: tuple[Path, Path]) -> None:
    parcels, dem = inputs
    runner = CliRunner()
    result = runner.invoke(cli, ["raster", "stats", str(parcels), str(dem), "--stats", "min"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "parcel_id,min,valid_share,outside_share"
    assert len(lines) == 26
    expected = zonal_stats(_read(parcels), dem, stats=("min",))
    assert float(lines[1].split(",")[1]) == pytest.approx(expected["min"].iloc[0])
    bad = runner.invoke(cli, ["raster", "stats", str(parcels), str(dem), "--stats", "mode"])
    assert bad.exit_code == 2
    assert "unknown" in bad.output


def test_terrain_gpkg_and_slope(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    parcels, dem = inputs
    runner = CliRunner()
    out = tmp_path / "terrain.gpkg"
    result = runner.invoke(
        cli, ["raster", "terrain", str(parcels), str(dem), "-o", str(out), "--steep-deg", "10"]
    )
    assert result.exit_code == 0, result.output
    got = gpd.read_file(out)
    expected = terrain_stats(_read(parcels), dem, steep_deg=10)
    for col in TERRAIN_COLUMNS:
        np.testing.assert_allclose(got[col], expected[col], rtol=1e-9, err_msg=col)
    tif = tmp_path / "slope.tif"
    result = runner.invoke(cli, ["raster", "slope", str(dem), "-o", str(tif)])
    assert result.exit_code == 0, result.output
    with rasterio.open(tif) as ds:
        np.testing.assert_allclose(ds.read(1), slope(dem), rtol=1e-6)


def test_progress_bar_on_large_inputs(inputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import landkit.cli.raster as raster_cli

    parcels, dem = inputs
    monkeypatch.setattr(raster_cli, "PROGRESS_THRESHOLD", 10)
    result = CliRunner().invoke(cli, ["raster", "stats", str(parcels), str(dem)])
    assert result.exit_code == 0, result.output
    assert "25/25" in result.stderr
    calls: list[tuple[int, int]] = []
    zonal_stats(_read(parcels), dem, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (25, 25)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

"""``landkit zones`` with click's CliRunner, compared with the library calls."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from landkit.cli.main import cli
from landkit.zones import JOIN_LABELS, SUMMARY_LABELS, join_zones, read_zones, zone_summary

ROOT = Path(__file__).resolve().parents[1]
PARCELS = ROOT / "sample_data" / "parcels.gpkg"
TOML = ROOT / "sample_data" / "zones" / "hongjiang.toml"


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(PARCELS)
    return gdf.set_index("parcel_id", drop=False).rename_axis("parcel")


def back(table: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    return table.rename(columns={v: k for k, v in labels.items()})


def test_join_csv_equals_library(tmp_path: Path, parcels: gpd.GeoDataFrame) -> None:
    out = tmp_path / "join.csv"
    res = CliRunner().invoke(cli, ["zones", "join", str(PARCELS), "--zones", str(TOML), "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = back(pd.read_csv(out, encoding="utf-8-sig", dtype={"分区编码": object}), JOIN_LABELS)
    expected = join_zones(parcels, read_zones(TOML, crs=parcels.crs))
    assert got["parcel"].tolist() == expected["parcel"].tolist()
    assert got["zone_id"].fillna("").tolist() == expected["zone_id"].fillna("").tolist()
    np.testing.assert_allclose(got["overlap_m2"], expected["overlap_m2"], rtol=1e-12)
    np.testing.assert_allclose(got["share"], expected["share"], rtol=1e-12)
    assert f"{len(expected)} rows" in res.output


def test_summary_xlsx_equals_library(tmp_path: Path, parcels: gpd.GeoDataFrame) -> None:
    out = tmp_path / "summary.xlsx"
    args = ["zones", "summary", str(PARCELS), "--zones", str(TOML), "--kind", "城", "--kind", "板块"]
    res = CliRunner().invoke(cli, [*args, "--by", "status", "-o", str(out)])
    assert res.exit_code == 0, res.output
    got = back(pd.read_excel(out), SUMMARY_LABELS | {"status": "状态"})
    assert list(got.columns[:4]) == ["kind", "zone_id", "zone_name", "status"]
    expected = zone_summary(parcels, read_zones(TOML, crs=parcels.crs), by="status", kinds=["城", "板块"])
    assert got["zone_name"].tolist() == expected["zone_name"].tolist()
    assert got["parcels"].tolist() == expected["parcels"].tolist()
    np.testing.assert_allclose(got["area_mu"], expected["area_mu"], rtol=1e-12)


def test_refuses_to_overwrite_and_bad_inputs(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    out.write_text("keep", encoding="utf-8")
    base = ["zones", "summary", str(PARCELS), "--zones", str(TOML)]
    res = CliRunner().invoke(cli, [*base, "-o", str(out)])
    assert res.exit_code == 2
    assert "exists; pass --overwrite" in res.output
    assert out.read_text(encoding="utf-8") == "keep"
    res = CliRunner().invoke(cli, [*base, "-o", str(out), "--overwrite"])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8-sig").startswith("分区类型,")
    res = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "s.json")])
    assert res.exit_code == 2
    assert "use a .csv or .xlsx output" in res.output
    res = CliRunner().invoke(cli, [*base, "--by", "nosuch", "-o", str(tmp_path / "x.csv")])
    assert res.exit_code == 2
    assert "no column(s) nosuch" in res.output
    res = CliRunner().invoke(cli, [*base, "--kind", "村", "-o", str(tmp_path / "y.csv")])
    assert res.exit_code == 2
    assert "no zones of kind(s) 村" in res.output

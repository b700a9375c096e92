"""``landkit indicators``: output equals the library call; exit codes; no overwrite without the flag."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from click.testing import CliRunner

from landkit.cli.main import cli
from landkit.indicators import read_batches, read_supplies, supply_rate, unsupplied

DAY = "2024-12-31"


@pytest.fixture(scope="module")
def inputs(sample_dir: Path) -> list[str]:
    d = sample_dir / "indicators"
    return [str(d / "batches.gpkg"), str(d / "supplies.xlsx"), "--parcels", str(sample_dir / "parcels.gpkg")]


@pytest.fixture(scope="module")
def library(sample_dir: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    d = sample_dir / "indicators"
    return read_batches(d / "batches.gpkg"), read_supplies(
        d / "supplies.xlsx", parcels=sample_dir / "parcels.gpkg"
    )


def test_unsupplied_writes_the_geometry_the_library_computes(
    inputs: list[str], library, tmp_path: Path
) -> None:
    out = tmp_path / "u.gpkg"
    res = CliRunner().invoke(cli, ["indicators", "unsupplied", *inputs, "--as-of", DAY, "-o", str(out)])
    assert res.exit_code == 0, res.output
    written = gpd.read_file(out)
    expected = unsupplied(*library, as_of=DAY)
    assert len(written) == len(expected)
    assert written["unsupplied_m2"].sum() == pytest.approx(expected["unsupplied_m2"].sum(), rel=1e-9)
    assert f"{expected['unsupplied_mu'].sum():,.2f}" in res.output
    again = CliRunner().invoke(cli, ["indicators", "unsupplied", *inputs, "--as-of", DAY, "-o", str(out)])
    assert again.exit_code == 2
    assert "--overwrite" in again.output


def test_supply_rate_fail_if_below_exits_1(inputs: list[str], library) -> None:
    rate = supply_rate(*library, as_of=DAY)
    assert rate.below  # the synthetic sample's recent cohorts are mostly unsupplied
    ok = CliRunner().invoke(cli, ["indicators", "supply-rate", *inputs, "--as-of", DAY])
    assert ok.exit_code == 0
    assert f"{rate.rate:.1%}" in ok.output
    bad = CliRunner().invoke(cli, ["indicators", "supply-rate", *inputs, "--as-of", DAY, "--fail-if-below"])
    assert bad.exit_code == 1
    assert "低于考核线" in bad.output


def test_report_writes_workbook_and_page(inputs: list[str], sample_dir: Path, tmp_path: Path) -> None:
    hol = str(sample_dir / "holidays" / "china_2024.toml")
    res = CliRunner().invoke(
        cli, ["indicators", "report", *inputs, "--as-of", DAY, "--holidays", hol, "-o", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "批供用指标.xlsx")
    assert {"封面", "批而未供", "供地率", "供后监管", "批而未供_按乡镇", "批而未供_按园区"} <= set(
        wb.sheetnames
    )
    assert (tmp_path / "批供用指标.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_bad_date_is_a_one_line_error(inputs: list[str]) -> None:
    res = CliRunner().invoke(cli, ["indicators", "supply-rate", *inputs, "--as-of", "2024-13-45"])
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        "landkit: error: as_of must be a date such as 2024-12-31, not '2024-13-45'"
    ]

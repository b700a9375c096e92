"""``landkit supply``: the CLI writes what the library computes; bad input is a one-line error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from landkit.cli.main import cli
from landkit.supply import match, read_demands, read_units, vacancy

ROOT = Path(__file__).resolve().parents[1]
SUPPLY = ROOT / "sample_data" / "supply"
ZONES = ROOT / "sample_data" / "zones" / "hongjiang.toml"


def test_vacancy_cli_equals_library(tmp_path: Path) -> None:
    out = tmp_path / "v.xlsx"
    r = CliRunner().invoke(
        cli,
        [
            "supply",
            "vacancy",
            str(SUPPLY / "units.xlsx"),
            "--as-of",
            "2024-12-31",
            "-o",
            str(out),
            "--record",
            str(tmp_path / "ledger.gpkg"),
        ],
    )
    assert r.exit_code == 0, r.output
    sheet = pd.read_excel(out, sheet_name="空置汇总")
    lib = vacancy(read_units(SUPPLY / "units.xlsx"), as_of="2024-12-31")
    assert sheet["空置面积(m²)"].tolist() == lib["vacant_area_m2"].tolist()
    assert f"空置率 {lib['vacancy_rate'].iloc[-1]:.1%}" in r.output
    again = CliRunner().invoke(
        cli, ["supply", "vacancy", str(SUPPLY / "units.xlsx"), "--as-of", "2024-12-31", "-o", str(out)]
    )
    assert again.exit_code == 2
    assert "--overwrite" in again.output


def test_match_cli_equals_library(tmp_path: Path) -> None:
    out = tmp_path / "push.xlsx"
    args = [
        "supply",
        "match",
        str(SUPPLY / "demands"),
        "--parcels",
        str(ROOT / "sample_data" / "parcels.gpkg"),
        "--units",
        str(SUPPLY / "units.xlsx"),
        "--zones",
        str(ZONES),
        "--as-of",
        "2024-12-31",
        "--top",
        "5",
        "-o",
        str(out),
    ]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    sheet = pd.read_excel(out, sheet_name="为您推荐")
    from landkit.io import read_parcels

    lib = match(
        read_demands(SUPPLY / "demands"),
        parcels=read_parcels(ROOT / "sample_data" / "parcels.gpkg"),
        units=read_units(SUPPLY / "units.xlsx"),
        zones=ZONES,
        as_of="2024-12-31",
        top=5,
    )
    assert sheet["供给编号"].tolist() == lib["offer_id"].tolist()
    assert set(pd.read_excel(out, sheet_name="无法判断的条件")["条件"]) == set(
        lib.attrs["unjudged"]["criterion"]
    )


def test_unknown_zone_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "d"
    bad.mkdir()
    (bad / "x.toml").write_text('[zones]\nany = ["洪江高薪区"]\n', encoding="utf-8")
    r = CliRunner().invoke(
        cli,
        [
            "supply",
            "match",
            str(bad),
            "--parcels",
            str(ROOT / "sample_data" / "parcels.gpkg"),
            "--zones",
            str(ZONES),
            "-o",
            str(tmp_path / "o.xlsx"),
        ],
    )
    assert r.exit_code == 2
    assert "did you mean '洪江高新区'" in r.output
    rec = CliRunner().invoke(
        cli,
        [
            "recommend",
            str(ROOT / "sample_data" / "parcels.gpkg"),
            "--demand",
            str(bad / "x.toml"),
            "--zones",
            str(ZONES),
        ],
    )
    assert rec.exit_code == 2  # was an empty shortlist with exit 0
    assert not (tmp_path / "o.xlsx").exists()


def test_pipeline_cli(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "supply",
            "pipeline",
            str(tmp_path / "ledger.gpkg"),
            "--load",
            str(SUPPLY / "events.csv"),
            "--as-of",
            "2024-12-31",
            "-o",
            str(tmp_path / "f"),
        ],
    )
    assert r.exit_code == 0, r.output
    funnel = pd.read_excel(tmp_path / "f.xlsx", sheet_name="漏斗")
    events = pd.read_csv(SUPPLY / "events.csv")
    assert funnel["到达供给数"].iloc[0] == events.loc[events["stage"] != "放弃", "offer_id"].nunique()
    html = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained

"""`landkit rules …` and `landkit recommend` compared with the library calls."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from landkit.cli.main import cli
from landkit.recommend import read_demand, recommend
from landkit.rules import assess_efficiency, assess_idle, grade_per_mu, procedure_deadlines

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
PARCELS = SAMPLE / "parcels.gpkg"
HOLIDAYS = SAMPLE / "holidays" / "china_2024.toml"

pytestmark = pytest.mark.skipif(not PARCELS.exists(), reason="sample data not generated")


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    from landkit.io import read_parcels

    return read_parcels(PARCELS)


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_idle_csv_matches_library(parcels, tmp_path):
    out = tmp_path / "idle.csv"
    r = run("rules", "idle", PARCELS, "--as-of", "2024-12-31", "-o", out)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    lib = assess_idle(parcels, as_of="2024-12-31")
    assert table["宗地代码"].tolist() == parcels["parcel_id"].tolist()
    assert table["闲置认定依据"].tolist() == lib["idle_basis"].tolist()
    pd.testing.assert_series_equal(
        table["土地闲置费(万元)"], lib["idle_fee"].reset_index(drop=True), check_names=False
    )
    # refuse to overwrite, then replace with --overwrite
    again = run("rules", "idle", PARCELS, "--as-of", "2024-12-31", "-o", out)
    assert again.exit_code == 2
    assert "--overwrite" in again.output
    assert run("rules", "idle", PARCELS, "--as-of", "2024-12-31", "-o", out, "--overwrite").exit_code == 0


def test_idle_bad_date():
    r = run("rules", "idle", PARCELS, "--as-of", "31/12/2024")
    assert r.exit_code != 0
    assert "not a date" in r.output


def test_efficiency_gpkg_matches_library(parcels, tmp_path):
    crit = SAMPLE / "criteria" / "hongjiang_2024_example.toml"
    out = tmp_path / "eff.gpkg"
    r = run("rules", "efficiency", PARCELS, "--criteria", crit, "-o", out)
    assert r.exit_code == 0, r.output
    back = gpd.read_file(out)
    lib = assess_efficiency(parcels, criteria=crit)
    assert back["eff_reason_keys"].fillna("").tolist() == lib["eff_reason_keys"].tolist()
    assert (back["eff_criteria"] == "hongjiang-2024-example").all()
    assert len(back) == len(parcels)
    assert back.crs == parcels.crs


def test_deadlines_and_grades(tmp_path):
    events = tmp_path / "events.csv"
    pd.DataFrame(
        {"parcel_id": ["X1", "X2"], "event": ["fee_decision", "found"], "date": ["2024-09-01", "2024-01-12"]}
    ).to_csv(events, index=False)
    out = tmp_path / "deadlines.csv"
    r = run("rules", "deadlines", events, "--holidays", HOLIDAYS, "-o", out)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    lib = procedure_deadlines(pd.read_csv(events), holidays=HOLIDAYS)
    assert table["截止日"].tolist() == lib["proc_deadline"].dt.strftime("%Y-%m-%d").tolist()
    assert table["截止日"].tolist() == ["2024-10-08", "2024-02-18"]

    firms = tmp_path / "firms.csv"
    pd.DataFrame(
        {
            "user_unit": ["甲", "乙", "丙", "丁"],
            "area_mu": [20, 30, 12, 2],
            "tax_per_mu": [8.0, 2.0, 5.0, 1.0],
            "output_per_mu": [150.0, 60.0, 90.0, 10.0],
        }
    ).to_csv(firms, index=False)
    scheme = SAMPLE / "criteria" / "per_mu_2024_example.toml"
    out = tmp_path / "grades.xlsx"
    r = run("rules", "grade", firms, "--scheme", scheme, "-o", out)
    assert r.exit_code == 0, r.output
    table = pd.read_excel(out)
    lib = grade_per_mu(pd.read_csv(firms), scheme=scheme)
    assert table["亩均效益等级"].fillna("").tolist() == lib["grade"].fillna("").tolist()
    assert table["亩均效益等级"].iloc[3] == "不参评"
    # three graded firms cannot fill a top-25% band: said, not graded (issue 10 point 13)
    assert table["亩均效益等级"].iloc[:3].isna().all()
    assert table["说明"].iloc[0].endswith("无法按百分位分档")


def test_recommend_matches_library(parcels, tmp_path):
    demand = SAMPLE / "demand" / "new_materials_30_60mu.toml"
    zones = SAMPLE / "zones" / "hongjiang.toml"
    out = tmp_path / "shortlist.csv"
    r = run("recommend", PARCELS, "--demand", demand, "--zones", zones, "--top", "5", "-o", out)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    lib = recommend(parcels, read_demand(demand), zones=zones).head(5)
    assert table["宗地代码"].tolist() == lib["parcel_id"].tolist()
    assert table["推荐理由"].tolist() == lib["rec_reason"].tolist()
    assert table["推荐排名"].tolist() == [1, 2, 3, 4, 5]
    refused = run("recommend", PARCELS, "--demand", demand, "--zones", zones, "-o", out)
    assert refused.exit_code == 2
    assert "exists" in refused.output
    gpkg = tmp_path / "shortlist.gpkg"
    assert run("recommend", PARCELS, "--demand", demand, "--zones", zones, "-o", gpkg).exit_code == 0
    assert (
        gpd.read_file(gpkg)["parcel_id"].tolist()
        == recommend(parcels, read_demand(demand), zones=zones)["parcel_id"].tolist()
    )


def test_recommend_bad_demand(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[area_mu]\nmin = 60\nmax = 30\n", encoding="utf-8")
    r = run("recommend", PARCELS, "--demand", bad)
    assert r.exit_code == 2
    assert "empty" in r.output


def test_sample_firms_and_events_files(tmp_path):
    out = tmp_path / "grades.csv"
    scheme = SAMPLE / "criteria" / "per_mu_2024_example.toml"
    r = run("rules", "grade", SAMPLE / "firms" / "per_mu_2024.csv", "--scheme", scheme, "-o", out)
    assert r.exit_code == 0, r.output
    grades = pd.read_csv(out, encoding="utf-8-sig").set_index("用地单位")["亩均效益等级"]
    assert grades["洪江市沅湘医药有限公司"] == "A"  # highest tax, output and R&D per mu
    assert grades["洪江市宏隆木业有限公司"] == "D"  # no tax, lowest output
    assert grades["洪江市安盛物流有限公司"] == "不参评"  # 2.5 亩 < 3 亩
    assert grades["洪江市楚丰新材料有限公司"] == "免评"
    out = tmp_path / "deadlines.csv"
    r = run("rules", "deadlines", SAMPLE / "procedure" / "events_2024.csv", "--holidays", HOLIDAYS, "-o", out)
    assert r.exit_code == 0, r.output
    assert pd.read_csv(out, encoding="utf-8-sig")["截止日"].notna().sum() == 4

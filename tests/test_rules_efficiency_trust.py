"""Issue 10 point 13: efficiency and 亩均 grading never give a plausible wrong answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landkit.errors import ConfigError
from landkit.headers import map_headers
from landkit.rules.efficiency import assess_efficiency
from landkit.rules.grading import grade_per_mu, per_firm, read_scheme

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "sample_data" / "criteria" / "hongjiang_2024_example.toml"
GOOD = {
    "landuse_code": "100102",
    "landuse_system": "guide2023",
    "construction_status": "completed",
    "industry": "食品制造业",
    "far": 1.2,
    "coverage": 0.35,
    "area_m2": 10000.0,
    "invested": 15 * 150.0,
    "tax_per_mu": 5.0,
    "output_per_mu": 80.0,
    "no_tax_years": 0,
    "leased_share": 0.2,
}


def eff(criteria=LOCAL, as_of="2024-12-31", **fields):
    return assess_efficiency(pd.DataFrame([{**GOOD, **fields}]), criteria=criteria, as_of=as_of).iloc[0]


# --- efficiency -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "low"), [("25%", True), ("25％", True), (0.25, True), ("35%", False)])
def test_coverage_written_as_percent_is_parsed(raw, low):
    r = eff(coverage=raw)
    assert ("coverage" in r["eff_reason_keys"].split(",")) is low
    assert "coverage" not in r["eff_unchecked"]


@pytest.mark.parametrize("raw", [25, 25.0, "25", "约三成"])
def test_coverage_that_is_not_a_share_is_reported_never_passed(raw):
    r = eff(coverage=raw)
    assert "coverage" not in r["eff_reason_keys"]
    assert r["eff_unchecked"].startswith("coverage（建筑系数")
    assert pd.isna(r["low_efficiency"])
    assert r["eff_result"] == "未能判断"


def test_building_density_is_not_building_coverage():
    assert map_headers(["建筑密度", "建筑系数"]).mapping == {
        "建筑密度": "building_density",
        "建筑系数": "coverage",
    }
    r = eff(coverage=None, building_density=0.5)
    assert "建筑密度" in r["eff_unchecked"]
    assert pd.isna(r["low_efficiency"])


STALLED = {
    "construction_status": "stalled",
    "approved_area_m2": 300.0,
    "total_investment": 100.0,
    "built_area_m2": 200.0,
    "invested": 50.0,
}


def test_unfinished_needs_a_stop_of_a_full_year():
    # stopped 2024-11-30: on 2024-12-31 a month, not 烂尾; the day after 2025-11-30 it is
    assert (
        "unfinished"
        not in eff("national-2008", "2024-12-31", **STALLED, stop_date="2024-11-30")["eff_reason_keys"]
    )
    assert eff("national-2008", "2025-11-30", **STALLED, stop_date="2024-11-30")["eff_reason_keys"] == ""
    hit = eff("national-2008", "2025-12-01", **STALLED, stop_date="2024-11-30")
    assert hit["eff_reason_keys"] == "unfinished"
    assert "停工满1年" in hit["eff_reasons"]
    # a stop known only to the month: unknown in between, never guessed
    month = eff("national-2008", "2025-11-15", **STALLED, stop_date="2024-11-01", stop_date_precision="month")
    assert "停工日期不精确" in month["eff_unchecked"]
    # stalled without a stop date: reported
    assert "stop_date" in eff("national-2008", **STALLED)["eff_missing"]


def test_results_distinguish_not_applicable_from_undecided():
    out = assess_efficiency(
        pd.DataFrame(
            [
                GOOD,
                {**GOOD, "landuse_code": "0701"},  # housing: out of scope
                {**GOOD, "tax_per_mu": None},
                {**GOOD, "far": 0.5},
                {**GOOD, "construction_status": "not_started"},
            ]
        ),
        criteria=LOCAL,
        as_of="2024-12-31",
    )
    assert out["eff_result"].tolist() == ["不低效", "不适用", "未能判断", "低效", "不适用"]


def test_output_names_area_and_criteria_version():
    assert eff()["eff_area_basis"] == "宗地图形面积"
    assert eff(area_m2=None, approved_area_m2=10000.0)["eff_area_basis"] == "批准面积"
    assert eff(area_m2=None, declared_area_m2=10000.0)["eff_area_basis"] == "登记面积"
    r = assess_efficiency(pd.DataFrame([GOOD]), as_of=dt.date(2024, 12, 31)).iloc[0]
    assert r["eff_criteria"] == "national-2008"


# --- grading --------------------------------------------------------------------------------------------

SCHEME = {
    "meta": {"version": "t"},
    "score": {"method": "ratio_to_mean", "cap": 2.0},
    "indicator": [{"column": "tax_per_mu", "label": "亩均税收", "weight": 100}],
    "band": [
        {"grade": "A", "upto": "25%"},
        {"grade": "B", "upto": "70%"},
        {"grade": "C", "upto": "95%"},
        {"grade": "D", "upto": "100%"},
    ],
    "eligibility": {"min_area_mu": 3.0},
}


def firms(tax):
    return pd.DataFrame({"tax_per_mu": tax, "area_mu": 10.0})


def test_all_zero_tax_gives_no_grades():
    g = grade_per_mu(firms([0.0] * 8), scheme=SCHEME)
    assert g["grade"].isna().all()
    assert (g["grade_note"] == "所有参评企业得分相同（如均无税收），无法分档").all()


def test_negative_mean_does_not_invert_the_ranking():
    g = grade_per_mu(firms([-10.0, -8.0, 1.0, 2.0, -3.0, 0.0, -1.0, 3.0]), scheme=SCHEME)
    assert g["grade"].isna().all()
    assert g["grade_note"].str.contains("均值").all()
    # percentile ranks are fine with refunds: the best payer is A, the largest refund D
    pct = grade_per_mu(
        firms([-10.0, -8.0, 1.0, 2.0, -3.0, 0.0, -1.0, 3.0]),
        scheme={**SCHEME, "score": {"method": "percentile_rank"}},
    )
    assert pct.loc[7, "grade"] == "A"
    assert pct.loc[0, "grade"] == "D"


def test_lower_is_better_at_zero():
    low = {**SCHEME, "indicator": [{"column": "energy", "weight": 100, "direction": "lower"}]}
    g = grade_per_mu(pd.DataFrame({"energy": [0.0, 1.0, 2.0, 4.0], "area_mu": 10.0}), scheme=low)
    assert np.isfinite(g["grade_score"]).all()
    assert g.loc[0, "grade_score"] == pytest.approx(200.0)  # capped, not infinite
    assert g.loc[0, "grade"] == "A"
    no_cap = {**low, "score": {"method": "ratio_to_mean"}}
    with pytest.raises(ConfigError, match="cap"):
        read_scheme(no_cap)


def test_ties_across_a_band_edge_are_stated():
    # 4 firms, A = top 25% = rank 1; two firms tie for first: both A, and the note says so
    g = grade_per_mu(firms([5.0, 5.0, 1.0, 0.5]), scheme=SCHEME)
    assert g["grade"].tolist()[:2] == ["A", "A"]
    assert g.loc[0, "grade_note"] == "2家并列第1名，跨越A/B档边界，按较好的A档计"
    assert g.loc[2, "grade_note"] == ""


def test_too_few_firms_for_percentile_bands():
    g = grade_per_mu(firms([3.0, 2.0, 1.0]), scheme=SCHEME)
    assert g["grade"].isna().all()
    assert g.loc[0, "grade_note"] == "参评企业仅3家，A档（0%–25%）容纳不下一家企业，无法按百分位分档"
    assert g["grade_rank"].tolist() == [1, 2, 3]
    strict = {**SCHEME, "score": {**SCHEME["score"], "min_firms": 10}}
    assert grade_per_mu(firms([8.0, 7, 6, 5, 4, 3, 2, 1]), scheme=strict)["grade"].isna().all()


def test_firms_not_parcels_are_graded():
    rows = pd.DataFrame(
        {
            "user_unit": ["甲", "甲", "乙", "丙", "丁", "戊;己"],
            "area_mu": [2.0, 2.0, 10.0, 10.0, 10.0, 20.0],  # 甲 holds two 2 亩 parcels: 4 亩 in all
            "tax_per_mu": [1.0, 9.0, 4.0, 3.0, 2.0, 1.0],
        }
    )
    f = per_firm(rows, firm_column="user_unit", scheme=SCHEME)
    assert f.loc["甲", "area_mu"] == 4.0
    assert f.loc["甲", "tax_per_mu"] == pytest.approx((1.0 * 2 + 9.0 * 2) / 4)  # total tax / total land
    assert f.loc["戊", "area_mu"] == f.loc["己", "area_mu"] == 10.0  # a shared parcel, split equally
    g = grade_per_mu(rows, scheme=SCHEME, firm_column="user_unit")
    assert g.index.is_unique
    assert sorted(g.index) == sorted(["甲", "乙", "丙", "丁", "戊", "己"])
    assert g.loc["甲", "grade"] == "A"  # 5.0/mu on 4 亩: graded, not dropped as 不足3亩
    first = grade_per_mu(rows, scheme={**SCHEME, "firms": {"shared": "first"}}, firm_column="user_unit")
    assert "己" not in first.index
    assert first.loc["戊", "area_mu"] == 20.0
    with pytest.raises(ConfigError, match="firm_column"):
        grade_per_mu(rows, scheme=SCHEME, firm_column="holder")


def test_sample_parcels_graded_once_per_firm():
    gpd = pytest.importorskip("geopandas")
    parcels = gpd.read_file(ROOT / "sample_data" / "parcels.gpkg")
    rows = parcels.loc[parcels["tax_per_mu"].notna()]
    g = grade_per_mu(
        rows, scheme=ROOT / "sample_data" / "criteria" / "per_mu_2024_example.toml", firm_column="user_unit"
    )
    assert g.index.is_unique
    assert len(g) == rows["user_unit"].nunique()
    assert set(g["grade"].dropna()) <= {"A", "B", "C", "D", "不参评", "免评"}

"""Low-efficiency criteria (one case per reason, both sides of each line) and per-mu grading by hand."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landkit.errors import ConfigError
from landkit.rules.efficiency import assess_efficiency, read_criteria
from landkit.rules.grading import grade_per_mu, read_scheme

ROOT = Path(__file__).resolve().parents[1]
CRITERIA = ROOT / "sample_data" / "criteria"
LOCAL = CRITERIA / "hongjiang_2024_example.toml"

# A parcel that passes every local check: 15 亩, food industry.
GOOD = {
    "landuse_code": "100102",
    "landuse_system": "guide2023",
    "construction_status": "completed",
    "industry": "食品制造业",
    "far": 1.2,
    "coverage": 0.35,
    "area_m2": 10000.0,  # 15 亩
    "invested": 15 * 150.0,  # 150 万元/亩
    "tax_per_mu": 5.0,
    "output_per_mu": 80.0,
    "no_tax_years": 0,
    "leased_share": 0.2,
}


def eff(criteria=LOCAL, **fields):
    return assess_efficiency(pd.DataFrame([{**GOOD, **fields}]), criteria=criteria).iloc[0]


def test_good_parcel_is_not_low_efficiency():
    r = eff()
    assert r["low_efficiency"] is False or not r["low_efficiency"]
    assert r["eff_reasons"] == ""
    assert r["eff_unchecked"] == ""
    assert r["eff_criteria"] == "hongjiang-2024-example"
    assert r["eff_investment_per_mu"] == pytest.approx(150.0)


@pytest.mark.parametrize(
    ("fields", "key", "text"),
    [
        ({"far": 0.9}, "far", "容积率0.90低于食品制造业最低1.0"),
        ({"industry": "化工", "far": 0.5}, "far", "低于化学原料和化学制品制造业最低0.6"),
        ({"coverage": 0.29}, "coverage", "建筑系数29%低于30%"),
        ({"invested": 15 * 100.0}, "investment", "投资强度100.0万元/亩低于120万元/亩"),
        ({"tax_per_mu": 2.9}, "tax", "亩均税收2.9万元/亩低于3万元/亩"),
        ({"output_per_mu": 59.0}, "output", "亩均产值59万元/亩低于60万元/亩"),
        ({"no_tax_years": 2}, "no_tax", "连续2年无税收"),
        ({"leased_share": 0.6}, "leased", "出租比例60%超过50%"),
    ],
)
def test_each_reason(fields, key, text):
    r = eff(**fields)
    assert r["low_efficiency"]
    assert r["eff_reason_keys"] == key
    assert text in r["eff_reasons"]


@pytest.mark.parametrize(
    "fields",
    [
        {"far": 1.0},  # exactly the sector minimum
        {"coverage": 0.30},  # exactly 30%
        {"invested": 15 * 120.0},  # exactly 120 万元/亩
        {"tax_per_mu": 3.0},
        {"output_per_mu": 60.0},
        {"no_tax_years": 1},
        {"leased_share": 0.5},  # exactly half is not "mainly" leased
    ],
)
def test_on_the_line_is_not_low_efficiency(fields):
    r = eff(**fields)
    assert not r["low_efficiency"]
    assert r["eff_reason_keys"] == ""


def test_tall_storeys_count_double_once():
    assert eff(far=0.8)["eff_reason_keys"] == "far"
    # computed from floor area: (8000 + 3000 counted again) / 10000 = 1.1
    r = eff(far=None, floor_area_m2=8000.0, tall_storey_floor_area_m2=3000.0)
    assert r["eff_far"] == pytest.approx(1.1)
    assert r["eff_reason_keys"] == ""
    # a registered 容积率 already counts the tall storeys twice: not doubled again (issue 10 point 13)
    r = eff(far=0.8, tall_storey_floor_area_m2=3000.0)
    assert r["eff_far"] == pytest.approx(0.8)
    assert r["eff_reason_keys"] == "far"


def test_far_from_floor_area_when_not_registered():
    r = eff(far=None, floor_area_m2=9000.0)
    assert r["eff_far"] == pytest.approx(0.9)
    assert r["eff_reason_keys"] == "far"


def test_investment_per_hectare_unit():
    crit = read_criteria(LOCAL)
    crit["investment"] = {"min": 2000.0, "unit": "万元/公顷"}
    r = eff(criteria=crit, invested=1900.0)  # site is exactly 1 公顷
    assert r["eff_reason_keys"] == "investment"
    assert "1900.0万元/公顷低于2000万元/公顷" in r["eff_reasons"]


STALLED = {
    "construction_status": "stalled",
    "stop_date": "2022-05-01",
    "approved_area_m2": 300.0,
    "total_investment": 100.0,
}


@pytest.mark.parametrize(
    ("built", "invested", "unfinished"),
    [
        (200.0, 50.0, True),
        (100.0, 50.0, True),  # exactly 1/3 developed: above the 53号令 line → 开发未完成
        (200.0, 25.0, True),  # exactly 25% invested
        (99.0, 50.0, False),  # below 1/3: idle land (assess_idle), not an efficiency reason
        (200.0, 24.0, False),
    ],
)
def test_unfinished_above_the_53_lines(built, invested, unfinished):
    r = eff(criteria="national-2008", **STALLED, built_area_m2=built, invested=invested)
    assert ("unfinished" in r["eff_reason_keys"].split(",")) is unfinished


def test_unknown_sector_and_missing_fields_are_named():
    r = eff(industry="游戏开发")
    assert pd.isna(r["low_efficiency"])
    assert "游戏开发" in r["eff_unchecked"]
    assert r["eff_missing"] == "industry"
    r = eff(industry="游戏开发", coverage=0.1)  # a reason applies: low efficiency whatever else is unknown
    assert r["low_efficiency"]
    r = eff(tax_per_mu=None, no_tax_years=None)
    assert r["eff_missing"] == "tax_per_mu,no_tax_years"


@pytest.mark.parametrize(
    ("code", "system", "scope"),
    [
        ("0601", "sandiao", "in_scope"),
        ("M2", "gb50137", "in_scope"),
        ("1001", "sandiao", "out_of_scope"),  # 1001 is 铁路用地 in 三调
        ("0701", "guide2023", "out_of_scope"),
        ("110101", "guide2023", "in_scope"),  # 物流仓储 is in the local scope …
    ],
)
def test_scope_through_the_crosswalk(code, system, scope):
    assert eff(landuse_code=code, landuse_system=system)["eff_scope"] == scope


def test_scope_national_and_unknowns():
    assert (
        eff(criteria="national-2008", landuse_code="110101")["eff_scope"] == "out_of_scope"
    )  # … not national
    r = eff(landuse_system=None)
    assert r["eff_scope"] == "unknown"
    assert r["eff_missing"] == "landuse_system"
    assert eff(construction_status="not_started")["eff_scope"] == "not_started"
    assert eff(criteria="national-2008")["eff_criteria"] == "national-2008"


def test_criteria_files():
    bundled = ROOT / "landkit" / "rules" / "criteria" / "national_2008.toml"
    assert bundled.read_bytes() == (CRITERIA / "national_2008.toml").read_bytes()
    doc = tomllib.loads(bundled.read_text(encoding="utf-8"))
    # the 2008 sector minimums confirmed in DOMAIN.md
    assert doc["far"]["sectors"]["食品制造业"] == 1.0
    assert doc["far"]["sectors"]["石油、煤炭及其他燃料加工业"] == 0.5
    assert doc["far"]["sectors"]["化学原料和化学制品制造业"] == 0.6
    local = read_criteria(LOCAL)
    assert local["coverage"]["min"] == "30%"  # inherited through extends
    assert local["meta"]["version"] == "hongjiang-2024-example"


def test_criteria_errors(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('[scope]\nlanduse_guide2023 = ["1001"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="version"):
        read_criteria(p)
    p.write_text('extends = "nowhere.toml"\n[meta]\nversion = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="nowhere"):
        read_criteria(p)


def test_sample_far_reasons_match_the_table():
    gpd = pytest.importorskip("geopandas")
    path = ROOT / "sample_data" / "parcels.gpkg"
    if not path.exists():
        pytest.skip("sample data not generated")
    parcels = gpd.read_file(path)
    out = assess_efficiency(parcels)
    assert out.index.equals(parcels.index)
    flagged = out["low_efficiency"].fillna(False).astype(bool)
    assert (out.loc[flagged, "eff_reasons"] != "").all()
    crit = read_criteria()
    sectors, aliases = crit["far"]["sectors"], crit["far"]["aliases"]
    minimum = parcels["industry"].map(lambda s: sectors.get(aliases.get(s, s), np.nan))
    far_hit = out["eff_reason_keys"].str.split(",").map(lambda k: "far" in k)
    inscope = out["eff_scope"] == "in_scope"
    expected = inscope & minimum.notna() & (parcels["far"] < minimum)
    pd.testing.assert_series_equal(far_hit, expected, check_names=False)


# --- per-mu grading -----------------------------------------------------------------------------------

SCHEME = {
    "meta": {"version": "test-1"},
    "score": {"method": "ratio_to_mean", "cap": 2.0, "missing": "zero"},
    "indicator": [
        {"column": "tax_per_mu", "label": "亩均税收", "weight": 60},
        {"column": "output_per_mu", "label": "亩均销售收入", "weight": 40},
    ],
    "band": [
        {"grade": "A", "label": "优先发展", "upto": "25%"},
        {"grade": "B", "label": "支持发展", "upto": "70%"},
        {"grade": "C", "label": "提升发展", "upto": "95%"},
        {"grade": "D", "label": "限制发展", "upto": "100%"},
    ],
    "eligibility": {
        "min_area_mu": 3.0,
        "small_grade": "不参评",
        "exempt_column": "exempt",
        "exempt_grade": "免评",
    },
}


def test_grading_hand_worked():
    # 8 graded firms: mean tax 5, mean output 100 (every firm scores 40 on output).
    # tax/5 × 60 → 120 96 72 48 24 0 12 108; totals 160 136 112 88 64 40 52 148.
    # n = 8: A ranks ≤ 2, B ≤ 5.6, C ≤ 7.6, D the rest.
    firms = pd.DataFrame(
        {
            "tax_per_mu": [10, 8, 6, 4, 2, 0, 1, 9, 100, 50],
            "output_per_mu": [100] * 8 + [900, 900],
            "area_mu": [10] * 8 + [2, 10],  # firm 8 is too small
            "exempt": [False] * 9 + [True],  # firm 9 is exempt
        },
        index=[f"f{i}" for i in range(10)],
    )
    g = grade_per_mu(firms, scheme=SCHEME)
    assert g["grade_score"].round(6).tolist()[:8] == [160, 136, 112, 88, 64, 40, 52, 148]
    assert g["grade"].tolist() == ["A", "B", "B", "B", "C", "D", "C", "A", "不参评", "免评"]
    assert g.loc["f7", "grade_rank"] == 2
    assert g.loc["f0", "grade_label"] == "优先发展"
    assert pd.isna(g.loc["f8", "grade_score"])
    assert g.loc["f8", "grade_note"] == "用地面积不足3亩"
    assert (g["grade_scheme"] == "test-1").all()


def test_grading_cap_ties_direction_and_missing():
    s = {**SCHEME, "indicator": [{"column": "v", "weight": 100}]}
    g = grade_per_mu(pd.DataFrame({"v": [90.0, 10.0, 20.0], "area_mu": 10}), scheme=s)
    assert g["grade_score"].tolist() == pytest.approx([200.0, 25.0, 50.0])  # 90/40 = 2.25 capped at 2
    tie = grade_per_mu(pd.DataFrame({"v": [5.0, 5.0, 1.0, 1.0], "area_mu": 10}), scheme=s)
    assert tie["grade_rank"].tolist() == [1, 1, 3, 3]
    assert tie["grade"].tolist() == ["A", "A", "C", "C"]  # rank 3 of 4 = 75% → C
    low = {**s, "indicator": [{"column": "v", "weight": 100, "direction": "lower"}]}
    g = grade_per_mu(pd.DataFrame({"v": [1.0, 2.0], "area_mu": 10}), scheme=low)
    assert g["grade_score"].tolist() == pytest.approx([150.0, 75.0])
    unknown = {**s, "score": {"missing": "unknown"}}
    g = grade_per_mu(pd.DataFrame({"v": [4.0, 3.0, 2.0, 1.0, np.nan], "area_mu": 10}), scheme=unknown)
    assert g["grade"].tolist() == ["A", "B", "C", "D", None]  # rank/4: 25% A, 50% B, 75% C, 100% D
    assert g.loc[4, "grade_note"] == "缺少 v"


def test_grading_percentile_rank():
    s = {**SCHEME, "score": {"method": "percentile_rank"}, "indicator": [{"column": "v", "weight": 100}]}
    g = grade_per_mu(pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0], "area_mu": 10}), scheme=s)
    assert g["grade_score"].tolist() == pytest.approx([25.0, 50.0, 75.0, 100.0])
    assert g["grade"].tolist() == ["D", "C", "B", "A"]  # ranks 4, 3, 2, 1 of 4


def test_scheme_file_and_errors():
    s = read_scheme(CRITERIA / "per_mu_2024_example.toml")
    assert sum(i["weight"] for i in s["indicator"]) == 100
    with pytest.raises(ConfigError, match="bands"):
        read_scheme({**SCHEME, "band": [{"grade": "A", "upto": "50%"}]})
    with pytest.raises(ConfigError, match="method"):
        read_scheme({**SCHEME, "score": {"method": "magic"}})

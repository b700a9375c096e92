"""Issue 10 point 7 and point 1 (rules): 53号令 causes, scope, imprecise dates, fee_years, Art. 18."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landkit.errors import DataFormatError
from landkit.rules import assess_idle, classify_cause, enforcement_gate, procedure_steps
from landkit.rules._config import load_statute
from landkit.rules.causes import cause_of, classify_cause_code
from landkit.rules.dates import date_interval

ROOT = Path(__file__).resolve().parents[1]
CAL = ROOT / "sample_data" / "holidays" / "china_2024.toml"
BASE = {
    "ownership": "国有",
    "supply_method": "挂牌出让",
    "agreed_start_date": "2022-03-15",
    "construction_status": "not_started",
    "idle_cause": "企业原因",
    "land_price": 500.0,
}


def one(as_of: str, **fields: object) -> pd.Series:
    return assess_idle(pd.DataFrame([{**BASE, **fields}]), as_of=as_of).iloc[0]


# --- causes (第八条) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "不属于政府原因",
        "企业未按规划条件建设",
        "使用权人自身原因，非因政府",
        "企业资金不足，与规划无关",
        "土地使用者原因",
        "非政府原因",
        "不是政府原因造成",
        "由于企业资金链断裂",
    ],
)
def test_holder_causes_written_with_negations_are_holder_causes(text):
    assert classify_cause(text) == ("holder", None)
    r = one("2025-01-01", idle_cause=text)
    assert r["idle_track"] == "penalty"
    assert r["idle_fee"] == pytest.approx(100.0)  # 20% of 500 万元


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("政府未按期交地", "（一）"),
        ("因政府未按约定交付土地", "（一）"),
        ("企业因规划调整无法开工", "（二）"),
        ("国家出台相关政策", "（三）"),
        ("军事管制", "（五）"),
    ],
)
def test_government_causes_from_text_are_claimed_until_reviewed(text, item):
    kind, art8 = classify_cause(text)
    assert kind == "government"
    assert art8 is not None
    assert art8.startswith(item)
    r = one("2025-01-01", idle_cause=text)
    assert (r["idle_track"], r["idle_cause_status"]) == ("review", "claimed")
    assert pd.isna(r["idle_fee"])
    assert pd.isna(r["recovery_eligible"])
    assert "第八条" in r["idle_article"]
    assert "审核" in r["idle_next_step"]


@pytest.mark.parametrize("text", ["企业资金不足，且规划调整", "情况复杂", "原因待查", "其他"])
def test_ambiguous_or_silent_text_is_unknown_never_a_track(text):
    assert classify_cause(text)[0] == "unknown"
    r = one("2025-01-01", idle_cause=text)
    assert r["idle_track"] == "unknown"
    assert r["idle_missing"] == "idle_cause"
    assert pd.isna(r["idle_fee"])
    assert pd.isna(r["recovery_eligible"])
    assert "请核实" in r["idle_note"]


def test_structured_cause_code_wins_over_text():
    r = one("2025-01-01", idle_cause="企业原因", idle_cause_code="政府原因（二）")
    assert (r["idle_cause"], r["idle_track"], r["idle_cause_status"]) == (
        "government",
        "negotiated",
        "verified",
    )
    assert r["idle_art8"].startswith("（二）")
    assert r["idle_fee"] == 0.0
    r = one("2025-01-01", idle_cause="规划调整", idle_cause_code="企业原因")
    assert (r["idle_cause"], r["idle_track"]) == ("holder", "penalty")
    # a code the vocabulary does not know falls back to the text and says so
    r = one("2025-01-01", idle_cause="企业资金不足", idle_cause_code="乙类")
    assert r["idle_cause"] == "holder"
    assert "无法识别" in r["idle_note"]
    assert classify_cause_code("government:3")[1].startswith("（三）")
    assert classify_cause_code("不可抗力") == ("force_majeure", None)


def test_explicit_not_verified_keeps_a_coded_government_cause_claimed():
    c = cause_of({"idle_cause_code": "政府原因", "idle_cause_verified": "否"}, load_statute())
    assert (c.kind, c.status) == ("government", "claimed")


# --- scope (第二条) --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "basis", "missing"),
    [
        ({"ownership": "非国有"}, "not_applicable", ""),
        ({"ownership": "集体所有"}, "not_applicable", ""),
        ({"ownership": "国 有"}, "not_started", ""),
        ({"ownership": "国有（待核）"}, "unknown", "ownership"),
        ({"supply_method": "非出让"}, "not_applicable", ""),
        ({"supply_method": "出让划拨混合"}, "unknown", "supply_method"),
        ({"supply_method": "作价出资"}, "not_applicable", ""),
    ],
)
def test_scope_matches_whole_values(fields, basis, missing):
    r = one("2025-01-01", **fields)
    assert r["idle_basis"] == basis
    assert r["idle_missing"] == missing


# --- imprecise dates (point 1, rule side) -----------------------------------------------------------------


def test_date_interval():
    assert date_interval("2024-02-01", "month") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert date_interval(pd.Timestamp("2023-01-01"), "year") == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert date_interval("2023-05-06", pd.NA) == (dt.date(2023, 5, 6), dt.date(2023, 5, 6))
    assert date_interval(None, "month") is None
    with pytest.raises(DataFormatError, match="precision"):
        date_interval("2023-05-01", "quarter")


def _month(**fields: object) -> dict[str, object]:
    # "2023.10" as the reader hands it over: first day + precision
    return {"agreed_start_date": "2023-10-01", "agreed_start_date_precision": "month", **fields}


def test_month_precision_agreed_date_between_possible_idle_days_is_unknown():
    # any day of October 2023 + one full year → idle from 2024-10-02 … 2024-11-01
    r = one("2024-10-15", **_month())
    assert r["idle_basis"] == "unknown"
    assert r["idle_missing"] == "agreed_start_date"
    assert "未知——需要精确日期" in r["idle_note"]
    assert "2023-10" in r["idle_note"]
    assert pd.isna(r["idle_fee"])
    assert pd.isna(r["recovery_eligible"])


def test_month_precision_same_answer_for_every_day_is_given():
    before = one("2024-10-01", **_month())  # not idle whatever the day in October
    assert before["idle_basis"] == "none"
    assert before["idle_next_date"] == pd.Timestamp("2024-10-02")  # the earliest possible day
    after = one("2024-11-02", **_month())  # idle whatever the day
    assert after["idle_basis"] == "not_started"
    assert after["idle_years"] == 1
    assert pd.isna(after["idle_since"])  # but the first idle day itself is unknown
    # … and no fee nor recovery from an imprecise date, even when every day would give one
    late = one("2026-06-01", **_month())
    assert late["idle_basis"] == "not_started"
    assert late["idle_track"] == "penalty"
    assert pd.isna(late["idle_fee"])
    assert pd.isna(late["recovery_eligible"])
    assert late["idle_missing"] == "agreed_start_date"
    # the negotiated track has no fee for any day: that answer stands
    gov = one("2026-06-01", **_month(idle_cause_code="不可抗力"))
    assert (gov["idle_track"], gov["idle_fee"], bool(gov["recovery_eligible"])) == ("negotiated", 0.0, False)


def test_year_precision_and_imprecise_start_and_stop_dates():
    r = one("2024-06-01", agreed_start_date="2023-01-01", agreed_start_date_precision="year")
    assert r["idle_basis"] == "unknown"
    assert "只精确到年" in r["idle_note"]
    # started some day in March 2024: on 2024-03-10 it is unknown whether it had started
    started = {"actual_start_date": "2024-03-01", "actual_start_date_precision": "month"}
    assert one("2024-03-10", **started)["idle_missing"] == "actual_start_date"
    assert one("2024-04-01", **started)["idle_basis"] == "none"  # started, no stop recorded
    stalled = {
        "construction_status": "stalled",
        "actual_start_date": "2020-05-01",
        "stop_date": "2022-01-01",
        "stop_date_precision": "year",
        "built_area_m2": 100.0,
        "approved_area_m2": 1000.0,
    }
    assert one("2022-12-31", **stalled)["idle_basis"] == "none"  # a full year cannot have passed yet
    assert one("2023-06-01", **stalled)["idle_basis"] == "unknown"
    late = one("2024-01-02", **stalled)
    assert late["idle_basis"] == "stalled"
    assert pd.isna(late["idle_fee"])


def test_exact_dates_are_unchanged_by_an_empty_precision_column():
    a = one("2025-01-01")
    b = one("2025-01-01", agreed_start_date_precision=None)
    assert a["idle_fee"] == b["idle_fee"] == pytest.approx(100.0)
    assert a["idle_since"] == b["idle_since"] == pd.Timestamp("2023-03-16")


# --- fee_years, articles, Art. 18 -------------------------------------------------------------------------


def test_fee_years_is_read(tmp_path):
    text = (ROOT / "landkit" / "rules" / "statute_53.toml").read_text(encoding="utf-8")
    assert "fee_years = 1" in text
    path = tmp_path / "statute.toml"
    path.write_text(text.replace("fee_years = 1", "fee_years = 2"), encoding="utf-8")
    frame = pd.DataFrame([BASE])
    r = assess_idle(frame, as_of="2024-01-01", statute=path).iloc[0]  # idle 1 full year, fee needs 2
    assert r["idle_basis"] == "not_started"
    assert pd.isna(r["idle_fee"])
    assert "2024-03-16起可征缴土地闲置费" in r["idle_note"]
    assert assess_idle(frame, as_of="2024-01-01").iloc[0]["idle_fee"] == pytest.approx(100.0)


def test_article_references_follow_the_statute_text():
    steps = procedure_steps()
    assert steps.loc["investigation_notice", "article"] == "第五条"  # the holder's 30-day reply
    assert steps.loc["found", "article"] == "第五条"
    assert "复议" in steps.loc["overdue", "action"]
    stalled = one(
        "2025-01-01",
        construction_status="stalled",
        actual_start_date="2021-01-01",
        stop_date="2022-06-30",
        invested=10.0,
        total_investment=100.0,
        built_area_m2=900.0,
        approved_area_m2=1000.0,
    )
    assert stalled["idle_basis"] == "stalled"
    assert "第三十条" in stalled["idle_article"]


def test_enforcement_gate_needs_both_no_challenge_and_non_performance():
    d = pd.DataFrame(
        {
            "served_date": ["2024-03-01"] * 5 + [None],
            "performed": [False, True, False, None, False, False],
            "challenged": [False, False, True, False, None, False],
        }
    )
    g = enforcement_gate(d, as_of="2024-12-01", holidays=CAL)
    # 30 days → Sun 31 Mar → Mon 1 Apr; 60 days → Tue 30 Apr; 6 months → Sun 1 Sep → Mon 2 Sep
    assert (g.loc[0, "enforce_from"]) == pd.Timestamp("2024-09-03")
    assert g["enforce_allowed"].tolist()[:3] == [True, False, False]
    assert pd.isna(g.loc[3, "enforce_allowed"])
    assert "是否履行" in g.loc[3, "enforce_note"]
    assert pd.isna(g.loc[4, "enforce_allowed"])
    assert "复议" in g.loc[4, "enforce_note"]
    assert pd.isna(g.loc[5, "enforce_allowed"])
    assert "送达日期" in g.loc[5, "enforce_note"]
    early = enforcement_gate(d.iloc[[0]], as_of="2024-09-02", holidays=CAL)
    assert not early.loc[0, "enforce_allowed"]  # the lawsuit window is still open
    assert enforcement_gate(d.iloc[[0]], as_of="2024-12-01").loc[0, "enforce_date_check"].startswith("未核实")


def test_procedure_deadline_from_an_imprecise_date_is_unknown():
    from landkit.rules import procedure_deadlines

    ev = pd.DataFrame(
        {
            "event": ["fee_decision", "fee_decision"],
            "date": ["2024-09-01", "2024-09-01"],
            "date_precision": ["month", None],
        }
    )
    out = procedure_deadlines(ev, holidays=CAL)
    assert pd.isna(out.loc[0, "proc_deadline"])
    assert out.loc[0, "proc_date_check"].startswith("未知——需要精确日期")
    assert out.loc[1, "proc_deadline"] == pd.Timestamp("2024-10-08")


def test_a_replacement_statute_without_the_new_tables_still_works(tmp_path):
    text = (ROOT / "landkit" / "rules" / "statute_53.toml").read_text(encoding="utf-8")
    kept = [
        part
        for part in text.split("\n[")
        if not part.startswith(("cause_text]", "cause_codes]", "enforcement]"))
    ]
    path = tmp_path / "old_statute.toml"
    path.write_text("\n[".join(kept), encoding="utf-8")
    assert "[cause_codes]" not in path.read_text(encoding="utf-8")
    r = assess_idle(
        pd.DataFrame([{**BASE, "idle_cause": "企业资金不足，与规划无关", "idle_cause_code": "企业原因"}]),
        as_of="2025-01-01",
        statute=path,
    ).iloc[0]
    assert r["idle_track"] == "penalty"
    served = pd.DataFrame({"served_date": ["2024-03-01"], "performed": [False], "challenged": [False]})
    assert bool(enforcement_gate(served, as_of="2025-01-01", statute=path).loc[0, "enforce_allowed"])

"""Idle land under 53号令, 民法典 period arithmetic and procedure deadlines: hand-worked cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landkit.errors import ConfigError, LandkitWarning
from landkit.rules.dates import (
    add_months,
    add_years,
    day_after_period,
    full_years,
    is_rest_day,
    next_working_day,
    period_end,
    read_holidays,
)
from landkit.rules.idle import assess_idle, classify_cause
from landkit.rules.procedure import procedure_deadlines

ROOT = Path(__file__).resolve().parents[1]
HOLIDAYS = ROOT / "sample_data" / "holidays" / "china_2024.toml"
D = dt.date


@pytest.fixture(scope="module")
def cal():
    return read_holidays(HOLIDAYS)


# --- 民法典 arts. 201–203 -------------------------------------------------------------------------


def test_year_period_ends_on_corresponding_day():
    assert period_end(D(2022, 3, 15), years=1) == D(2023, 3, 15)
    assert day_after_period(D(2022, 3, 15), years=1) == D(2023, 3, 16)


def test_feb_29_maps_to_feb_28():
    assert add_years(D(2020, 2, 29), 1) == D(2021, 2, 28)
    assert add_years(D(2020, 2, 29), 4) == D(2024, 2, 29)
    assert day_after_period(D(2020, 2, 29), years=1) == D(2021, 3, 1)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)


@pytest.mark.parametrize(
    ("start", "as_of", "years"),
    [
        (D(2022, 3, 15), D(2022, 3, 15), 0),
        (D(2022, 3, 15), D(2023, 3, 15), 0),  # anniversary day: the year runs to 24:00
        (D(2022, 3, 15), D(2023, 3, 16), 1),
        (D(2022, 3, 15), D(2024, 3, 15), 1),
        (D(2022, 3, 15), D(2024, 3, 16), 2),
        (D(2020, 2, 29), D(2021, 2, 28), 0),
        (D(2020, 2, 29), D(2021, 3, 1), 1),
        (D(2020, 2, 29), D(2022, 2, 28), 1),
        (D(2020, 2, 29), D(2022, 3, 1), 2),
        (D(2020, 2, 29), D(2024, 2, 29), 3),
        (D(2020, 2, 29), D(2024, 3, 1), 4),
    ],
)
def test_full_years(start, as_of, years):
    assert full_years(start, as_of) == years


def test_calendar_2024_working_days(cal):
    # 366 days - 104 weekend days - 19 holidays on weekdays + 8 make-up working days = 251
    days = [D(2024, 1, 1) + dt.timedelta(days=k) for k in range(366)]
    assert sum(not is_rest_day(d, cal) for d in days) == 251
    assert all(d.weekday() >= 5 for d in cal.workdays)  # 调休上班日 all fall on weekends
    assert len(cal.holidays) == 1 + 8 + 3 + 5 + 1 + 3 + 7


@pytest.mark.parametrize(
    ("day", "rest"),
    [
        (D(2024, 1, 1), True),  # 元旦, Monday
        (D(2024, 2, 4), False),  # Sunday, make-up working day
        (D(2024, 2, 12), True),  # 春节, Monday
        (D(2024, 2, 18), False),  # Sunday, make-up working day
        (D(2024, 6, 10), True),  # 端午, Monday
        (D(2024, 6, 15), True),  # ordinary Saturday
        (D(2024, 9, 14), False),  # Saturday, make-up working day
        (D(2024, 10, 7), True),  # 国庆, Monday
        (D(2024, 10, 12), False),  # Saturday, make-up working day
    ],
)
def test_rest_days(cal, day, rest):
    assert is_rest_day(day, cal) is rest


def test_next_working_day(cal):
    assert next_working_day(D(2024, 5, 1), cal) == D(2024, 5, 6)
    assert next_working_day(D(2024, 9, 15), cal) == D(2024, 9, 18)
    assert next_working_day(D(2024, 2, 11), cal) == D(2024, 2, 18)  # a Sunday working day ends the block
    assert next_working_day(D(2024, 9, 14), cal) == D(2024, 9, 14)


def test_calendar_outside_years_warns(cal):
    with pytest.warns(LandkitWarning, match="outside the holiday calendar"):
        assert is_rest_day(D(2025, 1, 4), cal)


def test_bad_calendar(tmp_path):
    p = tmp_path / "h.toml"
    p.write_text('[[holiday]]\nname = "x"\ndates = ["2024-13-01"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a date"):
        read_holidays(p)
    with pytest.raises(ConfigError, match="does not exist"):
        read_holidays(tmp_path / "missing.toml")


# --- assess_idle ------------------------------------------------------------------------------------

BASE = {
    "ownership": "国有",
    "supply_method": "挂牌出让",
    "agreed_start_date": "2022-03-15",
    "construction_status": "not_started",
    "idle_cause": "企业原因",
    "land_price": 500.0,
}


def one(as_of: str, **fields: object) -> pd.Series:
    row = {**BASE, **fields}
    return assess_idle(pd.DataFrame([row]), as_of=as_of).iloc[0]


def test_not_started_anniversary_day_is_not_idle():
    r = one("2023-03-15")
    assert r["idle_basis"] == "none"
    assert r["idle_next_date"] == pd.Timestamp("2023-03-16")
    assert pd.isna(r["idle_fee"])


def test_not_started_day_after_anniversary_is_idle_with_fee():
    r = one("2023-03-16")
    assert r["idle_basis"] == "not_started"
    assert r["idle_since"] == pd.Timestamp("2023-03-16")
    assert r["idle_years"] == 1
    assert r["idle_cause"] == "holder"
    assert r["idle_track"] == "penalty"
    assert r["idle_fee"] == pytest.approx(100.0)  # 20% of 500 万元
    assert not r["recovery_eligible"]
    assert r["recovery_from"] == pd.Timestamp("2024-03-16")
    assert "第二条第一款" in r["idle_article"]
    assert "第十四条第一项" in r["idle_article"]


def test_chinese_status_labels_are_understood():
    assert one("2023-03-16", construction_status="未动工")["idle_basis"] == "not_started"
    assert one("2023-03-16", construction_status="已竣工")["idle_basis"] == "none"


def test_recovery_after_two_full_years():
    assert not one("2024-03-15")["recovery_eligible"]
    r = one("2024-03-16")
    assert r["idle_years"] == 2
    assert r["recovery_eligible"]
    assert "第十四条第二项" in r["idle_article"]
    assert "无偿收回" in r["idle_next_step"]


def test_feb_29_agreed_start():
    assert one("2021-02-28", agreed_start_date="2020-02-29")["idle_basis"] == "none"
    r = one("2021-03-01", agreed_start_date="2020-02-29")
    assert r["idle_basis"] == "not_started"
    assert r["idle_since"] == pd.Timestamp("2021-03-01")


STALLED = {
    "construction_status": "stalled",
    "actual_start_date": "2021-09-01",
    "stop_date": "2022-06-30",
    "approved_area_m2": 300.0,
    "built_area_m2": 200.0,
    "total_investment": 100.0,
    "invested": 50.0,
}


def test_stalled_exactly_one_third_is_not_below_the_line():
    r = one("2024-01-01", **{**STALLED, "built_area_m2": 100.0})
    assert r["idle_basis"] == "none"
    assert "开发未完成" in r["idle_note"]
    r = one("2024-01-01", **{**STALLED, "built_area_m2": 99.99})
    assert r["idle_basis"] == "stalled"
    assert "第二条第二款" in r["idle_article"]


def test_stalled_exactly_25_percent_is_not_below_the_line():
    assert one("2024-01-01", **{**STALLED, "invested": 25.0})["idle_basis"] == "none"
    r = one("2024-01-01", **{**STALLED, "invested": 24.99})
    assert r["idle_basis"] == "stalled"
    assert "已投资额不足25%" in r["idle_note"]


def test_stalled_full_year_after_stop():
    below = {**STALLED, "built_area_m2": 50.0}
    assert one("2023-06-30", **below)["idle_basis"] == "none"
    r = one("2023-07-01", **below)
    assert r["idle_basis"] == "stalled"
    assert r["idle_since"] == pd.Timestamp("2023-07-01")
    assert r["idle_clock_start"] == pd.Timestamp("2022-06-30")


def test_started_and_completed_is_not_idle():
    r = one("2024-01-01", construction_status="completed", actual_start_date="2022-04-01")
    assert r["idle_basis"] == "none"


def test_started_late_counts_as_not_started_before_the_start():
    r = one("2023-05-01", construction_status="completed", actual_start_date="2023-06-01")
    assert r["idle_basis"] == "not_started"


@pytest.mark.parametrize(
    ("cause", "item"),
    [
        ("政府原因:未按约定交付土地", "（一）"),
        ("政府原因:规划依法修改", "（二）"),
        ("文物保护", "（五）"),
    ],
)
def test_government_cause_negotiated_track(cause, item):
    r = one("2025-01-01", idle_cause=cause, idle_cause_verified=True)  # 第八条: 经审核属实
    assert r["idle_basis"] == "not_started"
    assert r["idle_cause"] == "government"
    assert r["idle_art8"].startswith(item)
    assert r["idle_track"] == "negotiated"
    assert r["idle_fee"] == 0.0
    assert not r["recovery_eligible"]
    assert "第十二条" in r["idle_article"]
    assert "第十三条" in r["idle_article"]
    assert r["idle_cause_status"] == "verified"
    # the same text, not yet reviewed: claimed, no fee and no "never recoverable"
    claimed = one("2025-01-01", idle_cause=cause)
    assert (claimed["idle_track"], claimed["idle_cause_status"]) == ("review", "claimed")
    assert pd.isna(claimed["idle_fee"])
    assert pd.isna(claimed["recovery_eligible"])


def test_force_majeure_and_negations():
    assert one("2025-01-01", idle_cause="不可抗力", idle_cause_verified="是")["idle_track"] == "negotiated"
    assert classify_cause("非政府原因") == ("holder", None)
    assert classify_cause("政府原因") == ("government", None)


def test_unknown_cause_named():
    r = one("2025-01-01", idle_cause=None)
    assert r["idle_basis"] == "not_started"
    assert r["idle_track"] == "unknown"
    assert r["idle_missing"] == "idle_cause"
    assert pd.isna(r["recovery_eligible"])
    assert pd.isna(r["idle_fee"])


def test_restarted_clock_after_art12_extension_keeps_old_date():
    frame = pd.DataFrame(
        [{**BASE, "original_agreed_start_date": "2021-01-10", "agreed_start_date": "2022-06-01"}]
    )
    before = frame.copy()
    r = assess_idle(frame, as_of="2023-01-01").iloc[0]
    assert r["idle_basis"] == "none"  # idle by the old date (since 2022-01-11), not by the new one
    assert r["idle_next_date"] == pd.Timestamp("2023-06-02")
    assert "原约定2021-01-10" in r["idle_note"]
    pd.testing.assert_frame_equal(frame, before)  # the history stays as it was
    r = assess_idle(frame, as_of="2023-06-02").iloc[0]
    assert r["idle_since"] == pd.Timestamp("2023-06-02")


@pytest.mark.parametrize(
    ("fields", "basis", "missing"),
    [
        ({"ownership": "集体"}, "not_applicable", ""),
        ({"supply_method": "租赁"}, "not_applicable", ""),
        ({"supply_method": None, "categories": "reserve"}, "not_applicable", ""),
        ({"supply_method": None}, "unknown", "supply_method"),
        ({"ownership": None}, "unknown", "ownership"),
        ({"agreed_start_date": None}, "unknown", "agreed_start_date"),
        ({"construction_status": None}, "unknown", "actual_start_date"),
        ({**STALLED, "stop_date": None}, "unknown", "stop_date"),
        ({**STALLED, "built_area_m2": None, "invested": None}, "unknown", "built_area_m2,invested"),
    ],
)
def test_scope_and_missing_facts(fields, basis, missing):
    r = one("2025-01-01", **fields)
    assert r["idle_basis"] == basis
    assert r["idle_missing"] == missing


def test_missing_price_named_fee_unknown():
    r = one("2025-01-01", land_price=None)
    assert r["idle_track"] == "penalty"
    assert pd.isna(r["idle_fee"])
    assert r["idle_missing"] == "land_price"


def test_holiday_shift_of_the_idle_date(cal):
    frame = pd.DataFrame([{**BASE, "agreed_start_date": "2023-10-01"}])
    plain = assess_idle(frame, as_of="2024-12-01").iloc[0]
    shifted = assess_idle(frame, as_of="2024-12-01", holidays=cal).iloc[0]
    assert plain["idle_since"] == pd.Timestamp("2024-10-02")
    assert plain["idle_date_check"] == "未核实：缺少2024年节假日日历；未核实：缺少2025年节假日日历"
    assert shifted["idle_since"] == pd.Timestamp("2024-10-09")  # 1 Oct → next working day 8 Oct
    # the recovery period ends on 2025-10-01, beyond the 2024 calendar: not moved, and said so
    assert shifted["recovery_from"] == pd.Timestamp("2025-10-02")
    assert shifted["idle_date_check"] == "未核实：缺少2025年节假日日历"


def test_index_alignment_and_absent_columns():
    frame = pd.DataFrame([BASE, {**BASE, "ownership": "集体"}], index=["z", "a"])
    out = assess_idle(frame.drop(columns=["land_price"]), as_of="2025-01-01")
    assert list(out.index) == ["z", "a"]
    assert out.loc["z", "idle_missing"] == "land_price"
    assert out.loc["a", "idle_basis"] == "not_applicable"


def test_sample_register_consistency():
    gpd = pytest.importorskip("geopandas")
    path = ROOT / "sample_data" / "parcels.gpkg"
    if not path.exists():
        pytest.skip("sample data not generated")
    parcels = gpd.read_file(path)
    out = assess_idle(parcels, as_of="2024-12-31")
    assert out.index.equals(parcels.index)
    assert (out.loc[parcels["ownership"] == "集体", "idle_basis"] == "not_applicable").all()
    pen = out["idle_track"] == "penalty"
    expected = parcels.loc[pen, "land_price"] * 0.2
    pd.testing.assert_series_equal(out.loc[pen, "idle_fee"], expected, check_names=False, atol=1e-3)
    assert (out.loc[pen, "recovery_eligible"] == (out.loc[pen, "idle_years"] >= 2)).all()
    idle = out["idle_basis"].isin(["not_started", "stalled"])
    assert (out.loc[idle, "idle_since"] <= pd.Timestamp("2024-12-31")).all()


# --- procedure deadlines ------------------------------------------------------------------------------


def test_procedure_deadlines(cal):
    events = pd.DataFrame(
        {
            "event": [
                "fee_decision",
                "investigation_notice",
                "found",
                "送达《收回国有建设用地使用权决定书》",
                "identification",
                "payment_received",
            ],
            "date": ["2024-09-01", "2024-01-05", "2024-01-12", "2024-04-05", "2024-03-01", "2024-03-01"],
        },
        index=[10, 11, 12, 13, 14, 15],
    )
    out = procedure_deadlines(events, holidays=cal)
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    # 2024-09-01 + 30 days = 1 Oct (国庆) → 8 Oct
    assert out.loc[10, "proc_last_day"] == pd.Timestamp("2024-10-01")
    assert out.loc[10, "proc_deadline"] == pd.Timestamp("2024-10-08")
    assert out.loc[10, "proc_shifted"]
    assert out.loc[10, "proc_article"].endswith("第十七条")
    # 2024-01-05 + 30 = Sunday 4 Feb, a make-up working day: no shift
    assert out.loc[11, "proc_deadline"] == pd.Timestamp("2024-02-04")
    assert not out.loc[11, "proc_shifted"]
    # 2024-01-12 + 30 = 11 Feb (春节) → first working day is Sunday 18 Feb
    assert out.loc[12, "proc_deadline"] == pd.Timestamp("2024-02-18")
    assert out.loc[12, "proc_next"] == "investigation_notice"
    # Chinese label accepted; 5 Apr + 30 = 5 May (劳动节) → 6 May
    assert out.loc[13, "proc_event"] == "recovery_decision"
    assert out.loc[13, "proc_deadline"] == pd.Timestamp("2024-05-06")
    assert pd.isna(out.loc[14, "proc_deadline"])
    assert out.loc[14, "proc_next"] == "disclosure"
    assert out.loc[15, "proc_action"] == "未知程序节点"


def test_procedure_without_calendar_moves_nothing_and_says_so(cal):
    events = pd.DataFrame(
        {
            "event": ["fee_decision", "fee_decision", "found"],
            "date": ["2024-09-01", "2024-09-06", "2024-01-19"],
        }
    )
    out = procedure_deadlines(events, holidays=None)
    assert out.loc[0, "proc_deadline"] == pd.Timestamp("2024-10-01")  # a holiday, but no calendar given
    assert out.loc[1, "proc_deadline"] == pd.Timestamp("2024-10-06")  # a Sunday, not moved either
    # 2024-02-18 is a Sunday and a 调休 working day: moving it to Monday would be wrong
    assert out.loc[2, "proc_deadline"] == pd.Timestamp("2024-02-18")
    assert not out["proc_shifted"].any()
    assert (out["proc_date_check"] == "未核实：缺少2024年节假日日历").all()
    with_cal = procedure_deadlines(events, holidays=cal)
    assert with_cal["proc_deadline"].dt.date.astype(str).tolist() == [
        "2024-10-08",
        "2024-10-08",
        "2024-02-18",
    ]
    assert (with_cal["proc_date_check"] == "").all()

"""批供用补查 indicators against hand-worked cases and an independent pyproj.Geod area."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from ledger_support import geod_area_m2, register

from landkit.errors import ConfigError, LandkitError, LandkitWarning, OutputExistsError
from landkit.indicators import (
    disposal_rates,
    indicator_report,
    post_supply_watch,
    read_batches,
    read_supplies,
    supply_rate,
    unsupplied,
    window_years_of,
    write_indicator_report,
)
from landkit.ledger import Ledger
from landkit.units import MU_M2

X0, Y0 = 400_000.0, 3_000_000.0
HOLIDAYS = Path(__file__).resolve().parents[1] / "sample_data" / "holidays" / "china_2024.toml"


def box(x0: float, y0: float, x1: float, y1: float, *, row: int = 0) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0 + 1000 * row, X0 + x1, Y0 + y1 + 1000 * row)


def batches(*specs: tuple[str, str, shapely.Polygon]) -> gpd.GeoDataFrame:
    names, dates, geoms = zip(*specs, strict=True)
    return gpd.GeoDataFrame(
        {"batch_name": list(names), "approval_date": pd.to_datetime(list(dates))},
        geometry=list(geoms),
        crs=4546,
    )


def supplies(*specs: tuple[str, shapely.Polygon], method: str = "出让") -> gpd.GeoDataFrame:
    dates, geoms = zip(*specs, strict=True)
    return gpd.GeoDataFrame(
        {"contract_date": pd.to_datetime(list(dates)), "supply_method": method},
        geometry=list(geoms),
        crs=4546,
    )


# -- 批而未供 --------------------------------------------------------------------------------------
def test_overlapping_and_partly_outside_supplies_count_once_and_only_inside() -> None:
    """A 100 m square batch; supplies A and B overlap (their union is 75 × 50 m), C is a quarter inside.

    By hand: supplied = 3,750 + 20 × 20 = 4,150 m² of 10,000 → share 0.415.
    """
    b = batches(("甲", "2020-05-01", box(0, 0, 100, 100)))
    s = supplies(
        ("2021-01-01", box(0, 0, 50, 50)),
        ("2021-02-01", box(25, 0, 75, 50)),
        ("2021-03-01", box(80, 80, 120, 120)),
    )
    r = unsupplied(b, s, as_of="2024-12-31")
    assert r["supply_share"].iloc[0] == pytest.approx(0.415, abs=1e-6)
    assert r["approved_m2"].iloc[0] == pytest.approx(geod_area_m2(b.geometry)[0], rel=1e-6)
    covered = gpd.GeoSeries([shapely.union_all([box(0, 0, 75, 50), box(80, 80, 100, 100)])], crs=4546)
    assert r["supplied_m2"].iloc[0] == pytest.approx(geod_area_m2(covered)[0], rel=1e-6)
    # the geometry left is the unsupplied part, and its area is the unsupplied figure
    assert geod_area_m2(r.geometry)[0] == pytest.approx(r["unsupplied_m2"].iloc[0], rel=1e-6)
    assert r["unsupplied_mu"].iloc[0] == pytest.approx(r["unsupplied_m2"].iloc[0] / MU_M2)


def test_supplies_after_as_of_and_batches_after_as_of_are_left_out() -> None:
    b = batches(("早", "2019-01-01", box(0, 0, 100, 100)), ("晚", "2023-06-01", box(0, 0, 100, 100, row=1)))
    s = supplies(("2020-01-01", box(0, 0, 100, 50)), ("2022-01-01", box(0, 50, 100, 100)))
    r = unsupplied(b, s, as_of="2021-12-31")
    assert r["batch_name"].tolist() == ["早"]
    assert r["supply_share"].iloc[0] == pytest.approx(0.5, abs=1e-6)
    assert unsupplied(b, s, as_of="2023-12-31")["supply_share"].tolist() == pytest.approx(
        [1.0, 0.0], abs=1e-6
    )


def test_a_contract_month_that_straddles_as_of_is_not_guessed() -> None:
    b = batches(("甲", "2019-01-01", box(0, 0, 100, 100)))
    s = supplies(("2024-06-01", box(0, 0, 100, 50)))
    s["contract_date_precision"] = "month"  # 2024年6月: signed some day in June
    with pytest.warns(LandkitWarning, match="1 supply record"):
        r = unsupplied(b, s, as_of="2024-06-15")
    assert r["supplied_m2"].iloc[0] == 0.0
    assert unsupplied(b, s, as_of="2024-06-30")["supply_share"].iloc[0] == pytest.approx(0.5, abs=1e-6)


def test_a_supply_crossing_two_batches_is_split_between_them() -> None:
    b = batches(("西", "2020-01-01", box(0, 0, 100, 100)), ("东", "2020-01-01", box(100, 0, 200, 100)))
    s = supplies(("2021-01-01", box(50, 0, 150, 100)))
    r = unsupplied(b, s, as_of="2024-12-31")
    assert r["supply_share"].tolist() == pytest.approx([0.5, 0.5], abs=1e-6)


# -- 供地率 -------------------------------------------------------------------------------------------
def test_cohort_supply_rate_by_hand() -> None:
    """2020: one batch half supplied; 2021: one batch fully, one not at all → 50 % each; window 50 %."""
    b = batches(
        ("a", "2020-03-01", box(0, 0, 100, 100)),
        ("b", "2021-03-01", box(0, 0, 100, 100, row=1)),
        ("c", "2021-08-01", box(0, 0, 100, 100, row=2)),
    )
    s = supplies(("2021-01-01", box(0, 0, 100, 50)), ("2021-09-01", box(0, 0, 100, 100, row=1)))
    r = supply_rate(b, s, as_of="2021-12-31", window_years=2)
    years = r.table.dropna(subset=["approval_year"]).set_index("approval_year")
    assert years.loc[2020, "supply_rate"] == pytest.approx(0.5, abs=1e-6)
    assert years.loc[2021, "supply_rate"] == pytest.approx(0.5, abs=1e-6)
    assert r.window == [2020, 2021]
    assert r.rate == pytest.approx(15_000 / 30_000, abs=1e-6)
    assert r.threshold == 0.6
    assert r.below is True


def test_window_years_count_complete_years() -> None:
    assert window_years_of(dt.date(2024, 12, 31), window_years=5) == [2020, 2021, 2022, 2023, 2024]
    assert window_years_of(dt.date(2025, 3, 31), window_years=5) == [2020, 2021, 2022, 2023, 2024]


def test_threshold_comes_from_config_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    b = batches(("a", "2020-03-01", box(0, 0, 100, 100)))
    s = supplies(("2021-01-01", box(0, 0, 100, 50)))
    cfg = tmp_path / "i.toml"
    cfg.write_text("[supply_rate]\nthreshold = 0.4\n", encoding="utf-8")
    assert supply_rate(b, s, as_of="2021-12-31", config=cfg).below is False
    cfg.write_text("[supply_rate]\nthreshhold = 0.4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'threshold'"):
        supply_rate(b, s, as_of="2021-12-31", config=cfg)


# -- 供后监管 ------------------------------------------------------------------------------------------
def watch_row(**dates: str) -> pd.DataFrame:
    return pd.DataFrame({"supply_method": ["出让"], **{k: pd.to_datetime([v]) for k, v in dates.items()}})


def test_start_deadline_on_a_tiaoxiu_working_sunday_is_not_moved() -> None:
    """2024-02-18 was a Sunday but a working day (调休): a start due then is overdue on the 19th."""
    s = watch_row(agreed_start_date="2024-02-18")
    on_day = post_supply_watch(s, as_of="2024-02-18", holidays=HOLIDAYS)
    next_day = post_supply_watch(s, as_of="2024-02-19", holidays=HOLIDAYS)
    assert on_day.loc[0, "overdue_start_days"] == 0
    assert on_day.loc[0, "watch_status"] == "正常"
    assert next_day.loc[0, "overdue_start_days"] == 1
    assert next_day.loc[0, "watch_status"] == "逾期开工"


def test_start_deadline_in_the_spring_festival_moves_to_the_next_working_day() -> None:
    s = watch_row(agreed_start_date="2024-02-10")  # 春节 2024-02-10..17; the 18th is a working day
    assert post_supply_watch(s, as_of="2024-02-18", holidays=HOLIDAYS).loc[0, "overdue_start_days"] == 0
    assert post_supply_watch(s, as_of="2024-02-20", holidays=HOLIDAYS).loc[0, "overdue_start_days"] == 2


def test_weekend_deadline_without_a_calendar_is_reported_unverified() -> None:
    s = watch_row(agreed_start_date="2024-02-18")
    w = post_supply_watch(s, as_of="2024-03-01")
    assert "未核验：无2024年节假日安排" in w.loc[0, "watch_note"]


def test_idle_suspicion_uses_the_53_arithmetic() -> None:
    """Agreed start 2022-03-15, not started: idle from 2023-03-16 (53号令 第二条, 民法典 期间)."""
    s = watch_row(agreed_start_date="2022-03-15")
    before = post_supply_watch(s, as_of="2023-03-15")
    after = post_supply_watch(s, as_of="2023-03-16")
    assert before.loc[0, "watch_status"] == "逾期开工"
    assert after.loc[0, "watch_status"] == "疑似闲置"
    assert after.loc[0, "idle_since"] == pd.Timestamp("2023-03-16")
    assert "逾期开工" in after.loc[0, "watch_flags"]


def test_register_statuses_and_completed_supplies() -> None:
    s = pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "supply_method": ["出让"] * 3,
            "agreed_start_date": pd.to_datetime(["2023-01-01"] * 3),
            "actual_start_date": pd.to_datetime(["2023-01-01"] * 3),
            "agreed_completion_date": pd.to_datetime(["2024-01-01"] * 3),
            "actual_completion_date": pd.to_datetime(["2023-12-01", None, "2023-12-01"]),
        }
    )
    reg = pd.DataFrame(
        {
            "parcel_id": ["P1", "P3"],
            "categories": ["low_efficiency", "idle"],
            "status": ["identified", "recovered"],
        }
    )
    w = post_supply_watch(s, as_of="2024-03-01", parcels=reg)
    assert w["watch_status"].tolist() == ["低效", "逾期竣工", "正常"]
    assert w["overdue_completion_days"].tolist() == [0, 60, 0]


def test_imprecise_agreed_date_gives_unknown_days_inside_the_period() -> None:
    s = watch_row(agreed_start_date="2024-05-01")
    s["agreed_start_date_precision"] = "month"
    inside = post_supply_watch(s, as_of="2024-05-20", holidays=HOLIDAYS)
    assert pd.isna(inside.loc[0, "overdue_start_days"])
    assert "需要精确日期" in inside.loc[0, "watch_note"]
    assert post_supply_watch(s, as_of="2024-06-05", holidays=HOLIDAYS).loc[0, "overdue_start_days"] == 5


# -- 处置率 --------------------------------------------------------------------------------------------
def _square(i: int, side: float) -> shapely.Polygon:
    return shapely.box(380_000 + i * 1000, 3_010_000, 380_000 + i * 1000 + side, 3_010_000 + side)


@pytest.fixture
def idle_ledger(tmp_path: Path) -> Ledger:
    """2023-12-31: A, B idle. 2024-06-30: A recovered; B split into B1, B2; C newly found.
    2024-12-31: B1 revitalized."""
    led = Ledger(tmp_path / "l.gpkg")
    half = shapely.box(381_000, 3_010_000, 381_100, 3_010_200)
    other = shapely.box(381_100, 3_010_000, 381_200, 3_010_200)
    regs = {
        "2023-12-31": [
            ("A", "identified", None, None, _square(0, 100)),
            ("B", "identified", None, None, _square(1, 200)),
        ],
        "2024-06-30": [
            ("A", "recovered", "无偿收回", None, _square(0, 100)),
            ("B1", "identified", None, "B", half),
            ("B2", "identified", None, "B", other),
            ("C", "suspected", None, None, _square(2, 150)),
        ],
        "2024-12-31": [
            ("B1", "revitalized", "企业自行盘活", "B", half),
            ("B2", "identified", None, "B", other),
            ("C", "identified", None, None, _square(2, 150)),
        ],
    }
    for day, rows in regs.items():
        recs = [
            {
                "parcel_id": p,
                "status": st,
                "categories": "idle",
                "disposal_method": m,
                "previous_ids": prev,
                "geometry": g,
            }
            for p, st, m, prev, g in rows
        ]
        led.record(register(recs), as_of=day, source="测试", validate=False)
    return led


def test_idle_disposal_by_identification_cohort(idle_ledger: Ledger) -> None:
    d = disposal_rates(idle_ledger, cohort="identified_year", as_of="2024-12-31")
    c = d.cohorts.set_index("cohort")
    a, b, b1, cc = (
        geod_area_m2(gpd.GeoSeries([g], crs=4546))[0]
        for g in (
            _square(0, 100),
            _square(1, 200),
            shapely.box(381_000, 3_010_000, 381_100, 3_010_200),
            _square(2, 150),
        )
    )
    assert c.loc["基期及以前", "stock_mu"] == pytest.approx((a + b) / MU_M2, rel=1e-6)
    assert c.loc["基期及以前", "disposed_mu"] == pytest.approx((a + b1) / MU_M2, rel=1e-6)
    assert c.loc["基期及以前", "disposal_rate"] == pytest.approx((a + b1) / (a + b), rel=1e-6)
    assert c.loc["2024年", "stock_mu"] == pytest.approx(cc / MU_M2, rel=1e-6)
    assert c.loc["2024年", "disposed_mu"] == 0
    assert c.loc["基期及以前", "by_无偿收回_mu"] == pytest.approx(a / MU_M2, rel=1e-6)
    # stock = disposed + outstanding for the whole table (the split keeps B's area)
    total = c.loc["合计"]
    assert total["stock_mu"] == pytest.approx(total["disposed_mu"] + total["outstanding_mu"], rel=1e-6)


def test_excess_new_idle_deduction_is_local_and_off_by_default(idle_ledger: Ledger, tmp_path: Path) -> None:
    plain = disposal_rates(idle_ledger, as_of="2024-12-31").flows.set_index("year")
    assert plain.loc[2024, "deducted_mu"] == 0
    cfg = tmp_path / "d.toml"
    cfg.write_text("[disposal]\ndeduct_excess_new_idle = true\nexcess_share = 0.5\n", encoding="utf-8")
    on = disposal_rates(idle_ledger, as_of="2024-12-31", config=cfg).flows.set_index("year")
    new, done = on.loc[2024, "new_mu"], on.loc[2024, "disposed_mu"]
    assert on.loc[2024, "deducted_mu"] == pytest.approx(min(max(new - 0.5 * done, 0.0), done))
    assert on.loc[2024, "counted_mu"] == pytest.approx(done - on.loc[2024, "deducted_mu"])


def test_unsupplied_disposal_by_approval_year_and_method() -> None:
    b = batches(("a", "2020-03-01", box(0, 0, 100, 100)))
    s = pd.concat(
        [
            supplies(("2021-01-01", box(0, 0, 100, 50)), method="出让"),
            supplies(("2021-01-01", box(0, 25, 100, 75)), method="划拨"),
        ],
        ignore_index=True,
    )
    d = disposal_rates(b, cohort="approval_year", supplies=s, as_of="2024-12-31").cohorts.set_index("cohort")
    assert d.loc["2020年", "disposal_rate"] == pytest.approx(0.75, abs=1e-6)
    share = d.loc["2020年", "by_出让_mu"] / d.loc["2020年", "stock_mu"]
    assert share == pytest.approx(0.5, abs=1e-6)  # 出让 first; 划拨 adds only what 出让 left
    assert d.loc["2020年", "by_划拨_mu"] / d.loc["2020年", "stock_mu"] == pytest.approx(0.25, abs=1e-6)


# -- reading and the report ------------------------------------------------------------------------------
def test_read_batches_from_an_excel_ledger_with_units_and_partial_dates(tmp_path: Path) -> None:
    path = tmp_path / "批次.xlsx"
    pd.DataFrame(
        {
            "批次名称": ["2019年第1批次"],
            "批准文号": ["湘政地〔2019〕1号"],
            "批准日期": ["2019年5月6日"],
            "批准面积(公顷)": [1.0],
            "WKT": [box(0, 0, 100, 100).wkt],
        }
    ).to_excel(path, index=False)
    b = read_batches(path, crs=4546)
    assert b["approval_date"].iloc[0] == pd.Timestamp("2019-05-06")
    assert b["approved_area_m2"].iloc[0] == pytest.approx(10_000.0)
    no_date = tmp_path / "无日期.xlsx"
    pd.DataFrame({"批次名称": ["x"], "WKT": [box(0, 0, 100, 100).wkt]}).to_excel(no_date, index=False)
    with pytest.raises(LandkitError, match="批准日期"):
        read_batches(no_date, crs=4546)


def test_sample_supplies_join_to_parcels(sample_dir: Path) -> None:
    s = read_supplies(sample_dir / "indicators" / "supplies.xlsx", parcels=sample_dir / "parcels.gpkg")
    parcels = gpd.read_file(sample_dir / "parcels.gpkg")
    assert len(s) == int(parcels["supply_method"].notna().sum())
    assert s.geometry.notna().all()
    assert set(s["supply_method"]) <= {"出让", "划拨"}
    assert "land_price" in s  # 成交价款(万元)


def test_report_workbook_and_page(tmp_path: Path) -> None:
    b = batches(('=HYPERLINK("http://x")', "2020-03-01", box(0, 0, 100, 100)))
    s = supplies(("2021-01-01", box(0, 0, 100, 50)))
    s["agreed_start_date"] = pd.Timestamp("2021-06-01")
    rep = indicator_report(b, s, as_of="2024-12-31", holidays=HOLIDAYS, sources={"批次": "测试"})
    xlsx, page = write_indicator_report(rep, tmp_path)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:3] == ["封面", "批而未供", "供地率"]
    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(min_row=2, values_only=True)}
    assert cover["统计日"] == "2024-12-31"
    assert "面积加权" in cover["口径：供地率"]
    name_cell = wb["批而未供"]["A2"]
    assert name_cell.data_type == "s"
    assert name_cell.value.startswith("=HYPERLINK")
    html = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "供地率" in html
    assert 'src="http' not in html
    assert "<script" not in html
    with pytest.raises(OutputExistsError):
        write_indicator_report(rep, tmp_path)

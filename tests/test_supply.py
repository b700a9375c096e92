"""供需平台: hand-worked cases for units, vacancy, 腾笼换鸟, demands, match and the pipeline."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from landkit.errors import ConfigError, OutputExistsError
from landkit.recommend import recommend
from landkit.supply import (
    Demand,
    exit_candidates,
    match,
    read_demand,
    read_demands,
    read_units,
    supply_units,
    unit_state,
    vacancy,
)
from landkit.supply.funnel import pipeline_report, write_pipeline_report
from landkit.supply.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    rows = pd.DataFrame(
        {
            "园区": ["标厂一期"] * 4,
            "楼栋": ["1#", "1#", "2#", "2#"],
            "楼层": [1, 2, 1, 1],
            "单元号": ["101", "201", "101", "102"],
            "建筑面积（平方米）": ["1,200", "800", "1000", "600"],
            "层高（米）": [8, 4.5, 8, "八米"],
            "承租企业": ["甲公司", None, "乙公司", None],
            "租期起止": ["2022-01-01至2025-03-31", None, "2023-07-01至2028-06-30", None],
            "租金（元/m²·年）": [120, 96, 144, 108],
            "空置起始日期": [None, "2024年6月30日", None, "2024.13.40"],
            "宗地代码": ["431281101003GB00002"] * 4,
        }
    )
    path = tmp_path / "units.xlsx"
    rows.to_excel(path, index=False)
    return path


def test_read_units_maps_headers_and_reports(register: Path) -> None:
    u = read_units(register)
    assert u["unit_id"].tolist() == [
        "标厂一期-1#-101",
        "标厂一期-1#-201",
        "标厂一期-2#-101",
        "标厂一期-2#-102",
    ]
    assert u["floor_area_m2"].tolist() == [1200.0, 800.0, 1000.0, 600.0]
    assert u["rent_yuan_m2_month"].tolist() == [10.0, 8.0, 12.0, 9.0]  # 元/m²·年 ÷ 12
    assert u.loc[0, "lease_end"] == pd.Timestamp("2025-03-31")
    assert u.loc[1, "vacant_since"] == pd.Timestamp("2024-06-30")
    problems = pd.DataFrame(u.attrs["landkit"]["problems"])
    assert set(problems["field"]) == {"storey_height_m", "vacant_since"}  # 八米 and 2024.13.40 reported
    assert np.isnan(u.loc[3, "storey_height_m"])
    assert pd.isna(u.loc[3, "vacant_since"])


def test_unknown_unit_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "u.xlsx"
    pd.DataFrame({"楼栋": ["1#"], "单元号": ["101"], "建筑面积（亩）": [2.0]}).to_excel(path, index=False)
    u = read_units(path)
    assert np.isnan(u.loc[0, "floor_area_m2"])
    assert any(p["problem"] == "unknown_unit" for p in u.attrs["landkit"]["problems"])


def test_vacancy_by_hand(register: Path) -> None:
    u = read_units(register)
    state = unit_state(u, as_of="2024-12-31")
    assert state["state"].tolist() == ["occupied", "vacant", "occupied", "vacant"]
    assert state.loc[1, "vacant_days"] == 184  # 2024-06-30 → 2024-12-31
    v = vacancy(u, as_of="2024-12-31").set_index(["level", "building"])
    assert v.loc[("building", "1#"), "vacancy_rate"] == pytest.approx(800 / 2000)
    assert v.loc[("building", "2#"), "vacant_since_unknown"] == 1
    park = v.loc[("park", None)] if ("park", None) in v.index else v.xs("park", level="level").iloc[0]
    assert park["vacant_area_m2"] == 1400.0
    assert park["vacancy_rate"] == pytest.approx(1400 / 3600)
    later = unit_state(u, as_of="2025-06-30")
    assert later.loc[0, "state"] == "lease_expired"  # lease ended, no renewal recorded: not called vacant


def test_exit_candidates_and_freed_space(register: Path) -> None:
    u = read_units(register)
    grades = pd.DataFrame({"tenant": ["甲公司", "乙公司"], "grade": ["B", "D"]})
    e = exit_candidates(u, grades, as_of="2024-12-31", lease_within_months=6)
    assert dict(zip(e["tenant"], e["exit_reasons"], strict=True)) == {
        "乙公司": "亩均效益评价D级",
        "甲公司": "租期 2025-03-31 到期 (6个月内)",
    }
    offer = supply_units(u, as_of="2024-12-31", candidates=e[e["tenant"] == "乙公司"])
    assert offer["offer_source"].tolist() == ["空置", "腾笼换鸟", "空置"]
    assert offer["available_from"].iloc[1] == pd.Timestamp("2028-06-30")


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "area_mu": [40.0, 45.0, 100.0],
            "landuse_code": ["100102", "100101", "100102"],
            "landuse_system": ["guide2023"] * 3,
            "zone_s": ["洪江高新区", "洪江高新区", "洪江高新区"],
            "status": ["for_sale"] * 3,
            "asking_price": [800.0, 900.0, 2000.0],
            "slope_mean_deg": [22.0, np.nan, 3.0],
        },
        geometry=[box(i * 1000, 0, i * 1000 + 100, 100) for i in range(3)],
        crs=4546,
    )


def test_only_match_fails_one_hard_filter() -> None:
    d = Demand(
        id="D", area_mu_min=30, area_mu_max=42, landuse=("1001",), max_slope_deg=15, zones=("洪江高新区",)
    )
    m = match(d, parcels=_parcels(), keep_excluded=True).set_index("offer_id")
    assert not (~m["excluded"]).any()
    assert m.loc["P1", "excluded_reasons"] == "平均坡度 22.0°, 超过 15°"
    assert m.loc["P2", "excluded_reasons"] == "面积 45 亩, 大于 42 亩"


def test_unjudged_criteria_are_counted() -> None:
    d = Demand(id="D", area_mu_min=30, area_mu_max=60, max_slope_deg=15, utilities=("电力",))
    m = match(d, parcels=_parcels(), keep_excluded=True)
    counts = dict(
        zip(m.attrs["unjudged"]["criterion"], m.attrs["unjudged"]["offers_not_judged"], strict=True)
    )
    assert counts == {"坡度": 1, "配套": 3}  # P2 has no slope; no parcel carries utilities
    r = recommend(_parcels().drop(columns="slope_mean_deg"), d)
    assert r.attrs["unjudged"].set_index("criterion").loc["坡度", "offers_not_judged"] == 3


def test_typo_in_section_and_unknown_zone_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "d.toml"
    p.write_text("[area_mu]\nmin = 30\nmaxx = 60\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'maxx' \\(did you mean 'max'\\?\\)"):
        read_demand(p)
    with pytest.raises(ConfigError, match="did you mean '洪江高新区'"):
        match(Demand(id="D", zones=("洪江高薪区",)), parcels=_parcels())
    with pytest.raises(ConfigError, match="did you mean '洪江高新区'"):
        recommend(_parcels(), Demand(zones=("洪江高薪区",)))


def _row_wise(d: Demand, parcels: pd.DataFrame) -> set[str]:
    """Independent reference: the hard filters written out one parcel at a time."""
    keep = set()
    for row in parcels.itertuples():
        if not (d.area_mu_min <= row.area_mu <= d.area_mu_max):
            continue
        if d.max_slope_deg is not None and row.slope_mean_deg > d.max_slope_deg:
            continue
        if d.max_total_price is not None and row.asking_price > d.max_total_price:
            continue
        if d.zones and row.zone_s not in d.zones:
            continue
        keep.add(row.parcel_id)
    return keep


def test_match_equals_row_wise_reference() -> None:
    rng = np.random.default_rng(1)
    n = 300
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{i}" for i in range(n)],
            "area_mu": rng.uniform(5, 120, n),
            "slope_mean_deg": rng.uniform(0, 30, n),
            "asking_price": rng.uniform(100, 3000, n),
            "zone_s": rng.choice(["甲区", "乙区", "丙区"], n),
        },
        geometry=[box(i, 0, i + 0.5, 0.5) for i in range(n)],
        crs=4546,
    )
    ds = [
        Demand(id=f"D{k}", area_mu_min=lo, area_mu_max=lo + 30, max_slope_deg=s, max_total_price=p, zones=z)
        for k, (lo, s, p, z) in enumerate(
            [(10, 15, 1500, ("甲区",)), (40, 25, None, ()), (60, 10, 2500, ("乙区", "丙区"))]
        )
    ]
    m = match(ds, parcels=parcels)
    for d in ds:
        assert set(m.loc[m["demand_id"] == d.id, "offer_id"]) == _row_wise(d, parcels)


def test_sample_register_and_demands() -> None:
    u = read_units(ROOT / "sample_data" / "supply" / "units.xlsx")
    assert u["building"].nunique() == 8
    ds = read_demands(ROOT / "sample_data" / "supply" / "demands")
    assert len(ds) == 30
    parcels = gpd.read_file(ROOT / "sample_data" / "parcels.gpkg")
    zones = ROOT / "sample_data" / "zones" / "hongjiang.toml"
    m = match(ds, parcels=parcels, units=u, zones=zones, as_of="2024-12-31", top=10)
    assert set(m["offer_kind"]) == {"parcel", "unit"}
    assert (m.groupby("demand_id")["rank"].max() <= 10).all()
    units_for_floor = m[m["demand_id"] == "D25"]
    assert (units_for_floor["offer_kind"] == "unit").all()


def _hand_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "offer_id": ["A", "A", "A", "B", "B", "C", "C"],
            "lead": ["x", "x", "x", "y", "y", "z", "z"],
            "stage": ["推介", "看地", "签约", "推介", "意向登记", "推介", "放弃"],
            "date": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-01-11",
                    "2024-03-01",
                    "2024-02-01",
                    "2024-02-21",
                    "2024-03-01",
                    "2024-03-05",
                ]
            ),
            "note": [None] * 6 + ["价格超出预算"],
            "industry": ["电子", "电子", "电子", "食品", "食品", None, None],
            "source_firm": ["甲厂", "甲厂", "甲厂", None, None, None, None],
        }
    )


def test_funnel_counted_by_hand(tmp_path: Path) -> None:
    rep = pipeline_report(_hand_events(), as_of="2024-06-30")
    f = rep["漏斗"].set_index("阶段")
    # reached: 推介 A,B,C=3; 意向登记 A (skipped, passed), B = 2; 看地 A = 1; 洽谈 A = 1; 签约 A = 1; 供地 0
    assert f["到达供给数"].tolist() == [3, 2, 1, 1, 1, 0]
    assert f.loc["意向登记", "较上阶段转化率"] == pytest.approx(2 / 3)
    assert f.loc["推介", "距下一阶段中位天数"] == 20.0  # only B has 推介 → 意向登记 (20 days)
    stalled = rep["停滞线索"]
    assert stalled["供给编号"].tolist() == ["A", "B"]  # C is closed (放弃)
    xlsx, page = write_pipeline_report(rep, tmp_path / "pipe")
    assert xlsx.exists()
    assert "<svg" in page.read_text(encoding="utf-8")
    with pytest.raises(OutputExistsError):
        write_pipeline_report(rep, tmp_path / "pipe")


def _pipeline_spots(tmp_path: Path) -> list[tuple[str, str, str]]:
    spots = [("gpkg", str(tmp_path / "ledger.gpkg"), "public")]
    url = os.environ.get("LANDKIT_TEST_PG_URL")
    if url:
        spots.append(("postgis", url, f"lk_test_{uuid.uuid4().hex[:12]}"))
    return spots


@pytest.mark.parametrize("backend", ["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_pipeline_is_append_only(tmp_path: Path, backend: str) -> None:
    spots = {b: (loc, schema) for b, loc, schema in _pipeline_spots(tmp_path)}
    if backend not in spots:
        pytest.skip("LANDKIT_TEST_PG_URL is not set")
    loc, schema = spots[backend]
    try:
        p = Pipeline(loc, schema=schema)
        for row in _hand_events().itertuples(index=False):
            p.add(
                row.offer_id,
                row.lead,
                row.stage,
                row.date,
                note=row.note,
                industry=row.industry,
                source_firm=row.source_firm,
            )
        again = Pipeline(loc, schema=schema).events()
        assert len(again) == 7
        assert pipeline_report(again, as_of="2024-06-30")["漏斗"]["到达供给数"].tolist() == [3, 2, 1, 1, 1, 0]
        with pytest.raises(ConfigError, match="closed"):
            p.add("C", "z", "看地", "2024-04-01")
        with pytest.raises(ConfigError, match="reason"):
            p.add("B", "y", "放弃", "2024-04-01")
        with pytest.raises(ConfigError, match="did you mean '看地'"):
            p.add("B", "y", "看的", "2024-04-01")
        if backend == "gpkg":
            con = sqlite3.connect(loc)
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute("DELETE FROM supply_pipeline")
            con.close()
        else:
            import psycopg

            with psycopg.connect(loc) as con, pytest.raises(psycopg.Error, match="append-only"):
                con.execute(f'UPDATE "{schema}".supply_pipeline SET note = %s', ("x",))
        assert len(p.events()) == 7
    finally:
        if backend == "postgis":
            import psycopg

            with psycopg.connect(loc, autocommit=True) as con:
                con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_committed_supply_sample_is_the_generator_output(tmp_path: Path) -> None:
    from landkit.supply._sample import write_supply_sample

    parcels = gpd.read_file(ROOT / "sample_data" / "parcels.gpkg")
    fresh = write_supply_sample(tmp_path, parcels)
    committed = ROOT / "sample_data" / "supply"
    a, b = read_units(fresh / "units.xlsx"), read_units(committed / "units.xlsx")
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    for name in ("tenants.csv", "events.csv", "tenant_grading.toml", "demands/D07.toml", "demands/D25.toml"):
        assert (fresh / name).read_text(encoding="utf-8") == (committed / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("backend", ["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_floor_space_clear_down_reconciles(register: Path, tmp_path: Path, backend: str) -> None:
    from landkit.errors import SnapshotExistsError
    from landkit.supply.space_ledger import SpaceLedger

    spots = {b: (loc, schema) for b, loc, schema in _pipeline_spots(tmp_path)}
    if backend not in spots:
        pytest.skip("LANDKIT_TEST_PG_URL is not set")
    loc, schema = spots[backend]
    u = read_units(register)  # 1#-201 and 2#-102 vacant
    try:
        led = SpaceLedger(loc, schema=schema)
        led.record(u, as_of="2023-12-31")
        q2 = u.copy()
        q2.loc[1, "tenant"] = "丙公司"  # 1#-201 let
        q2.loc[2, "tenant"] = None  # 2#-101 becomes vacant (新增)
        led.record(q2, as_of="2024-06-30")
        q4 = q2.drop(index=3)  # 2#-102 disappears from the register
        led.record(q4, as_of="2024-12-31")
        with pytest.raises(SnapshotExistsError):
            led.record(q4, as_of="2024-12-31")
        with pytest.raises(ConfigError, match="empty"):
            led.record(q4.iloc[:0], as_of="2024-11-30")
        with pytest.raises(ConfigError, match="future"):
            led.record(q4, as_of="2099-01-01")
        p = led.progress(baseline="2023-12-31", as_of="2024-12-31").set_index("item")
        assert p["units"].to_dict() == {"基期": 2, "新增": 1, "未清零": 1, "已清零": 1, "消失待核实": 1}
        assert p.loc["基期", "floor_area_m2"] == 800.0 + 600.0
        lhs = p.loc[["基期", "新增"], "floor_area_m2"].sum()
        assert lhs == p.loc[["未清零", "已清零", "消失待核实"], "floor_area_m2"].sum()
    finally:
        if backend == "postgis":
            import psycopg

            with psycopg.connect(loc, autocommit=True) as con:
                con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

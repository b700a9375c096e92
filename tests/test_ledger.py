"""Ledger: recording, refusal, revisions, history, progress and changes on a hand-worked case.

Every test runs on GeoPackage and (marked ``postgis``) on PostGIS when LANDKIT_TEST_PG_URL is set.
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from ledger_support import PG_ENV, LedgerSpot, geod_area_m2, ledger_spot, register

from landkit.errors import CRSError, LedgerError, SnapshotExistsError, ValidationError
from landkit.ledger import Ledger
from landkit.units import MU_M2

__all__ = ["ledger_spot"]

X0, Y0 = 380_000.0, 3_010_000.0
BASE, Q1, Q2, END = "2023-12-31", "2024-03-31", "2024-06-30", "2024-12-31"


def slot(
    i: int, size: float, *, row: int = 0, dx: float = 0.0, width: float | None = None
) -> shapely.Polygon:
    x = X0 + i * 1000 + dx
    return shapely.box(x, Y0 + row * 1000, x + (width or size), Y0 + row * 1000 + size)


GEOM = {
    "A": slot(0, 100),
    "B": slot(1, 200),
    "C": slot(2, 150),
    "D": slot(3, 120),
    "D1": slot(3, 120, width=60),
    "D2": slot(3, 120, dx=60, width=60),
    "E": slot(4, 80),
    "F": slot(5, 90),
    "G": slot(0, 110, row=5),
    "H": slot(6, 60),
    "K": slot(7, 70),
    "N": slot(8, 50),
}
UNIT = {"A": "U1", "B": "U1", "C": "U1"}
TOWN = {"G": "安江镇"}


def rec(pid: str, status: str, categories: str, **extra: object) -> dict[str, object]:
    out: dict[str, object] = {
        "parcel_id": pid,
        "status": status,
        "categories": categories,
        "responsible_unit": UNIT.get(pid, "U2"),
        "township": TOWN.get(pid, "黔城镇"),
        "geometry": GEOM[pid],
    }
    out.update(extra)
    return out


def scenario() -> dict[str, pd.DataFrame]:
    """Three quarterly registers with every case the progress rules distinguish."""
    base = [
        rec("A", "identified", "idle"),
        rec("B", "in_disposal", "low_efficiency"),
        rec("C", "identified", "idle"),
        rec("D", "identified", "idle,mortgaged"),
        rec("E", "for_sale", "mortgaged"),
        rec("F", "revitalized", "idle"),
        rec("G", "identified", "idle"),
        rec("H", "in_disposal", "idle"),
        rec("K", "identified", "low_efficiency"),
    ]
    q1 = [
        rec("A", "revitalized", "idle", disposal_method="二次招商"),
        rec("B", "in_disposal", "low_efficiency"),
        rec("D1", "identified", "idle", previous_ids="D"),
        rec("D2", "identified", "idle", previous_ids="D"),
        rec("E", "identified", "idle,mortgaged"),
        rec("F", "revitalized", "idle"),
        rec("G", "identified", "idle"),
        rec("H", "recovered", "idle"),
        rec("K", "identified", "low_efficiency"),
        rec("N", "identified", "idle"),
    ]
    q2 = [
        rec("B", "disposed", "low_efficiency"),
        rec("D1", "revitalized", "idle", previous_ids="D"),
        rec("D2", "identified", "idle", previous_ids="D"),
        rec("E", "identified", "idle,mortgaged"),
        rec("F", "revitalized", "idle"),
        rec("G", "identified", "idle"),
        rec("K", "identified", "mortgaged"),
        rec("N", "identified", "idle"),
    ]
    return {BASE: register(base), Q1: register(q1), Q2: register(q2)}


def mu(*ids: str) -> float:
    import geopandas as gpd

    return float(geod_area_m2(gpd.GeoSeries([GEOM[i] for i in ids], crs=4546)).sum() / MU_M2)


@pytest.fixture
def filled(ledger_spot: LedgerSpot) -> Ledger:
    ledger = ledger_spot.open()
    for day, reg in scenario().items():
        ledger.record(reg, as_of=day, source="测试台账")
    return ledger


# -- recording -------------------------------------------------------------------------------
def test_record_round_trip_keeps_every_column(ledger_spot: LedgerSpot) -> None:
    reg = scenario()[BASE]
    reg["declared_area_m2"] = np.arange(len(reg), dtype=float) * 10.5
    reg["contract_date"] = [dt.date(2020, 1, i + 1) for i in range(len(reg))]
    reg["n_floors"] = np.arange(len(reg), dtype="int64")
    reg["holder"] = ["洪江市某某有限公司"] * len(reg)
    ledger = ledger_spot.open()
    info = ledger.record(reg, as_of=BASE, source="县局台账", note="第一期")
    assert (info.as_of, info.version, info.n_parcels) == (dt.date(2023, 12, 31), 1, len(reg))

    back = ledger_spot.open().snapshot(BASE)  # a fresh object: reopen
    assert back.crs.to_epsg() == 4546
    assert back["parcel_id"].tolist() == reg["parcel_id"].tolist()
    assert back["status"].tolist() == reg["status"].tolist()
    assert back["declared_area_m2"].tolist() == reg["declared_area_m2"].tolist()
    assert back["contract_date"].tolist() == reg["contract_date"].tolist()
    assert back["n_floors"].tolist() == list(range(len(reg)))
    assert set(back["holder"]) == {"洪江市某某有限公司"}
    assert shapely.equals_exact(back.geometry.values, reg.geometry.values, tolerance=1e-6).all()
    # area stored is geodesic: compare with pyproj.Geod
    np.testing.assert_allclose(back["area_m2"], geod_area_m2(reg.geometry), rtol=1e-6)
    assert info.area_mu == pytest.approx(float(geod_area_m2(reg.geometry).sum() / MU_M2), rel=1e-6)
    cat = ledger.snapshots()
    assert cat[["source", "note", "n_parcels"]].iloc[0].tolist() == ["县局台账", "第一期", len(reg)]


def test_chinese_status_labels_are_normalised(ledger_spot: LedgerSpot) -> None:
    reg = scenario()[BASE]
    reg["status"] = ["已认定"] * len(reg)
    reg["categories"] = ["闲置土地"] * len(reg)
    ledger = ledger_spot.open()
    ledger.record(reg, as_of=BASE, source="t")
    back = ledger.snapshot()
    assert set(back["status"]) == {"identified"}
    assert set(back["categories"]) == {"idle"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g.drop(columns=["status"]), "missing required field"),
        (lambda g: g.assign(parcel_id=["A"] * len(g)), "duplicate parcel_id"),
        (lambda g: g.assign(status=["sold"] * len(g)), "unknown status"),
        (lambda g: g.assign(categories=["vacant"] * len(g)), "unknown categories"),
        (lambda g: g.set_geometry([None] * len(g), crs=4546), "without geometry"),
    ],
)
def test_bad_register_is_refused_and_nothing_written(ledger_spot: LedgerSpot, change, message) -> None:
    ledger = ledger_spot.open()
    ledger.record(scenario()[BASE], as_of=BASE, source="t")
    before = ledger.snapshots()
    with pytest.raises(ValidationError, match=message):
        ledger.record(change(scenario()[Q1]), as_of=Q1, source="t")
    after = ledger_spot.open().snapshots()
    pd.testing.assert_frame_equal(before, after)


def test_register_without_crs_is_refused(ledger_spot: LedgerSpot) -> None:
    reg = scenario()[BASE].set_crs(None, allow_override=True)
    with pytest.raises(ValidationError, match="no CRS"):
        ledger_spot.open().record(reg, as_of=BASE, source="t")
    assert isinstance(ValidationError("x"), ValueError)
    assert issubclass(CRSError, ValueError)


def test_existing_date_refused_and_revision_keeps_history(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    first = scenario()[BASE]
    ledger.record(first, as_of=BASE, source="v1")
    with pytest.raises(SnapshotExistsError, match="revise=True"):
        ledger.record(scenario()[Q1], as_of=BASE, source="v2")
    fixed = first.assign(status=["disposed"] * len(first))
    info = ledger.record(fixed, as_of=BASE, source="v2", note="更正", revise=True)
    assert info.version == 2
    cat = ledger.snapshots()
    assert cat["version"].tolist() == [1, 2]
    assert cat["current"].tolist() == [False, True]
    assert set(ledger.snapshot(BASE)["status"]) == {"disposed"}
    assert ledger.snapshot(BASE, version=1)["status"].tolist() == first["status"].tolist()
    assert ledger.dates() == [dt.date(2023, 12, 31)]


def test_later_register_in_another_crs_is_reprojected(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    ledger.record(scenario()[BASE], as_of=BASE, source="t")
    q1 = scenario()[Q1]
    ledger.record(q1.to_crs(4490), as_of=Q1, source="t")
    back = ledger.snapshot(Q1)
    assert back.crs.to_epsg() == 4546
    assert shapely.equals_exact(back.geometry.values, q1.geometry.values, tolerance=1e-3).all()


def test_no_snapshot_and_unknown_date_errors(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    with pytest.raises(LedgerError, match="no snapshot"):
        ledger.snapshot()
    ledger.record(scenario()[BASE], as_of=BASE, source="t")
    with pytest.raises(LedgerError, match="recorded dates: 2023-12-31"):
        ledger.snapshot("2024-01-01")
    with pytest.raises(LedgerError, match="no snapshot on or before"):
        ledger.progress(baseline="2023-01-01", target_date=END)


def test_gpkg_ledger_opens_in_gdal(tmp_path) -> None:
    path = tmp_path / "l.gpkg"
    ledger = Ledger(path)
    for day, reg in scenario().items():
        ledger.record(reg, as_of=day, source="t")
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"ledger_parcels", "ledger_snapshots"}
    parcels = pyogrio.read_dataframe(path, layer="ledger_parcels")
    assert parcels.crs.to_epsg() == 4546
    assert len(parcels) == sum(len(r) for r in scenario().values())
    np.testing.assert_allclose(parcels.geometry.area.iloc[0], 100 * 100)
    with pytest.raises(LedgerError, match=r"\.gpkg"):
        Ledger(tmp_path / "ledger.sqlite")
    other = tmp_path / "other.gpkg"
    scenario()[BASE].to_file(other, layer="x")
    with pytest.raises(LedgerError, match="not a landkit ledger"):
        Ledger(other)


# -- history ---------------------------------------------------------------------------------
def test_history_and_lineage(filled: Ledger) -> None:
    h = filled.history("A")
    assert h["as_of"].tolist() == [dt.date(2023, 12, 31), dt.date(2024, 3, 31)]
    assert h["status"].tolist() == ["identified", "revitalized"]
    assert h["status_changed"].tolist() == [False, True]
    assert h["disposal_method"].tolist()[1] == "二次招商"
    assert h["cleared"].tolist() == [False, True]
    assert h["shape_changed"].tolist() == [False, False]
    lin = filled.lineage("D")
    assert lin.to_dict("list") == {"parcel_id": ["D1", "D2"], "relation": ["descendant", "descendant"]}
    assert filled.lineage("D2").to_dict("list") == {"parcel_id": ["D"], "relation": ["ancestor"]}


# -- progress on the hand-worked case --------------------------------------------------------
def test_progress_hand_worked(filled: Ledger) -> None:
    p = filled.progress(baseline=BASE, target_date=END)
    s = p.summary
    assert list(s.index) == [dt.date(2023, 12, 31), dt.date(2024, 3, 31), dt.date(2024, 6, 30)]
    counts = s[
        [
            "baseline_count",
            "new_count",
            "cleared_count",
            "remaining_count",
            "disappeared_count",
            "reclassified_count",
            "superseded_count",
        ]
    ]
    assert counts.iloc[0].tolist() == [7, 0, 0, 7, 0, 0, 0]
    assert counts.iloc[1].tolist() == [7, 2, 2, 7, 1, 0, 1]  # A, H cleared; C gone; D split
    assert counts.iloc[2].tolist() == [7, 2, 4, 4, 1, 1, 1]  # + B, D1 cleared; K reclassified
    last = s.iloc[-1]
    assert last["baseline_mu"] == pytest.approx(mu("A", "B", "C", "D", "G", "H", "K"), rel=1e-6)
    assert last["new_mu"] == pytest.approx(mu("E", "N"), rel=1e-6)
    assert last["cleared_mu"] == pytest.approx(mu("A", "B", "D1", "H"), rel=1e-6)
    assert last["remaining_mu"] == pytest.approx(mu("D2", "E", "G", "N"), rel=1e-6)
    assert last["disappeared_mu"] == pytest.approx(mu("C"), rel=1e-6)
    assert last["outstanding_mu"] == pytest.approx(mu("D2", "E", "G", "N", "C"), rel=1e-6)
    listed = mu("A", "B", "C", "D", "G", "H", "K", "E", "N")
    assert last["pct_cleared"] == pytest.approx(100 * mu("A", "B", "D1", "H") / listed, rel=1e-6)
    # plan line: straight from the baseline stock on 2023-12-31 to 0 on 2024-12-31 (366 days)
    assert last["days_left"] == 184
    assert last["plan_mu"] == pytest.approx(last["baseline_mu"] * (1 - 182 / 366), rel=1e-9)
    assert last["monthly_rate_needed_mu"] == pytest.approx(last["outstanding_mu"] / (184 / (365.2425 / 12)))
    assert bool(last["on_track"]) == (last["outstanding_mu"] <= last["plan_mu"])
    states = p.parcels.set_index("parcel_id")["state"].to_dict()
    assert states == {
        "A": "cleared",
        "B": "cleared",
        "C": "disappeared",
        "D": "superseded",
        "D1": "cleared",
        "D2": "remaining",
        "E": "remaining",
        "G": "remaining",
        "H": "cleared",
        "K": "reclassified",
        "N": "remaining",
    }
    assert p.disappeared["parcel_id"].tolist() == ["C"]
    assert p.settings["cleared_statuses"] == ("disposed", "recovered", "revitalized")


def test_progress_scope_zones_units(filled: Ledger) -> None:
    import geopandas as gpd

    park = gpd.GeoDataFrame(
        {"name": ["园区", "东片"]},
        geometry=[
            shapely.box(X0 - 10, Y0 - 10, X0 + 9000, Y0 + 500),
            shapely.box(X0 + 3500, Y0 - 10, X0 + 9000, Y0 + 500),
        ],
        crs=4546,
    )
    by_name = filled.progress(baseline=BASE, target_date=END, scope="园区", zones=park)
    by_geom = filled.progress(baseline=BASE, target_date=END, scope=park.iloc[[0]].to_crs(4490))
    assert by_name.settings["scope"] == "园区"
    pd.testing.assert_frame_equal(by_name.summary, by_geom.summary)
    last = by_name.summary.iloc[-1]
    assert (last["baseline_count"], last["remaining_count"]) == (6, 3)  # G lies outside
    assert last["baseline_mu"] == pytest.approx(mu("A", "B", "C", "D", "H", "K"), rel=1e-6)
    zone = by_name.by_zone[by_name.by_zone["as_of"] == dt.date(2024, 6, 30)].set_index("zone")
    # overlapping zones: D2 (rep point x≈3090) is only in 园区, E and N in both
    assert zone.loc["东片", "remaining_count"] == 2
    assert zone.loc["园区", "remaining_count"] == 3
    unit = by_name.by_unit[by_name.by_unit["as_of"] == dt.date(2024, 6, 30)].set_index("responsible_unit")
    assert unit.loc["U1", "baseline_count"] == 3
    assert unit.loc["U1", "cleared_count"] == 2
    assert unit.loc["U1", "disappeared_count"] == 1
    town = filled.progress(baseline=BASE, target_date=END, zones="township").by_zone
    town = town[town["as_of"] == dt.date(2024, 6, 30)].set_index("zone")
    assert town.loc["安江镇", "baseline_count"] == 1
    assert town.loc["黔城镇", "baseline_count"] == 6
    with pytest.raises(LedgerError, match="no zone named"):
        filled.progress(baseline=BASE, target_date=END, scope="火星", zones=park)
    with pytest.raises(LedgerError, match="pass zones="):
        filled.progress(baseline=BASE, target_date=END, scope="园区")


def test_progress_configurable_cleared_statuses_and_target(filled: Ledger) -> None:
    strict = filled.progress(baseline=BASE, target_date=END, cleared_statuses=("disposed",))
    last = strict.summary.iloc[-1]
    # only B counts as cleared; A and H left the register with a non-cleared status → disappeared
    assert last["cleared_count"] == 1
    assert last["disappeared_count"] == 3
    lenient = filled.progress(baseline=BASE, target_date=Q2, target=1e6)
    assert bool(lenient.summary.iloc[-1]["on_track"])
    assert not lenient.behind
    assert np.isnan(lenient.summary.iloc[-1]["monthly_rate_needed_mu"])
    with pytest.raises(LedgerError, match="unknown cleared statuses"):
        filled.progress(baseline=BASE, target_date=END, cleared_statuses=("sold",))


def test_changes_between_snapshots(filled: Ledger) -> None:
    first = filled.changes(BASE, Q1)
    got = set(zip(first["parcel_id"], first["change"], strict=True))
    assert got == {
        ("A", "cleared"),
        ("A", "disposal"),
        ("C", "disappeared"),
        ("D", "superseded"),
        ("D1", "successor"),
        ("D2", "successor"),
        ("E", "listed"),
        ("E", "status"),
        ("E", "categories"),
        ("H", "cleared"),
        ("N", "added"),
        ("N", "listed"),
    }
    second = filled.changes(Q1, Q2)
    got = set(zip(second["parcel_id"], second["change"], strict=True))
    assert got == {
        ("A", "removed_closed"),
        ("B", "cleared"),
        ("D1", "cleared"),
        ("H", "removed_closed"),
        ("K", "categories"),
    }
    row = second.set_index(["parcel_id", "change"]).loc[("B", "cleared")]
    assert (row["from_status"], row["to_status"], row["change_label"]) == (
        "in_disposal",
        "disposed",
        "已清零",
    )


def test_changes_area_and_geometry(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    base = scenario()[BASE]
    ledger.record(base, as_of=BASE, source="t")
    moved = base.copy()
    moved.loc[moved["parcel_id"] == "A", "geometry"] = slot(0, 120)  # bigger
    moved.loc[moved["parcel_id"] == "B", "geometry"] = shapely.affinity.translate(GEOM["B"], 5, 0)  # moved
    ledger.record(moved, as_of=Q1, source="t")
    ch = ledger.changes(BASE, Q1)
    got = set(zip(ch["parcel_id"], ch["change"], strict=True))
    assert got == {("A", "area"), ("A", "geometry"), ("B", "geometry")}
    assert ledger.history("A")["shape_changed"].tolist() == [False, True]
    assert ledger.history("C")["shape_changed"].tolist() == [False, False]
    a = ch[(ch["parcel_id"] == "A") & (ch["change"] == "area")].iloc[0]
    assert a["to_area_mu"] - a["from_area_mu"] == pytest.approx(mu("A") * (120**2 / 100**2 - 1), rel=1e-3)


@pytest.mark.postgis
def test_postgis_url_from_env_and_password_hidden(monkeypatch) -> None:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    monkeypatch.setenv("LANDKIT_PG_URL", url)
    ledger = Ledger("postgis", schema="lk_test_env")
    try:
        assert ledger.backend == "postgis"
        from urllib.parse import urlsplit

        password = urlsplit(url).password
        if password:
            assert f":{password}@" not in repr(ledger)
            assert ":***@" in repr(ledger)
    finally:
        from ledger_support import _drop_schema

        _drop_schema(url, "lk_test_env")
    monkeypatch.delenv("LANDKIT_PG_URL")
    with pytest.raises(LedgerError, match="LANDKIT_PG_URL"):
        Ledger("postgis")


def test_landkit_validate_errors_refuse_unless_disabled(ledger_spot: LedgerSpot) -> None:
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    reg = register([rec("A", "identified", "idle"), {**rec("B", "identified", "idle"), "geometry": bowtie}])
    ledger = ledger_spot.open()
    with pytest.raises(ValidationError, match="invalid_geometry") as info:
        ledger.record(reg, as_of=BASE, source="t")
    report = info.value.report
    assert isinstance(report, pd.DataFrame)
    assert report.loc[report["severity"] == "error", "parcel_id"].tolist() == ["B"]
    assert ledger.snapshots().empty
    ledger.record(reg, as_of=BASE, source="t", validate=False)  # the ledger's own checks pass
    assert len(ledger.snapshot()) == 2

"""Progress on the sample 洪江市 registers checked against an independent plain-pandas computation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from ledger_support import LedgerSpot, geod_area_m2, ledger_spot

from landkit.ledger import Ledger
from landkit.schema import CLEARED_STATUSES
from landkit.units import MU_M2

__all__ = ["ledger_spot"]

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
FILES = sorted((SAMPLE / "snapshots").glob("register_*.gpkg"))
pytestmark = pytest.mark.skipif(len(FILES) < 2, reason="sample registers not generated")
STOCK = {"idle", "low_efficiency"}


def _registers() -> dict[dt.date, gpd.GeoDataFrame]:
    return {dt.date.fromisoformat(f.stem.removeprefix("register_")): gpd.read_file(f) for f in FILES}


def _park() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "hongjiang_base.gpkg", layer="park")


def independent_progress(regs: dict[dt.date, gpd.GeoDataFrame], park) -> dict[dt.date, dict[str, float]]:
    """The progress rules written out plainly with dicts and sets, from the files themselves."""
    poly = park.to_crs(next(iter(regs.values())).crs).union_all()
    frames = {}
    for day, g in regs.items():
        f = g.drop(columns="geometry").copy()
        f["in_park"] = g.representative_point().within(poly).to_numpy()
        f["tagged"] = g["categories"].map(lambda v: bool(set(str(v).split(",")) & STOCK))
        f["closed"] = g["status"].isin(CLEARED_STATUSES)
        f["active"] = f["tagged"] & f["in_park"] & ~f["closed"]
        frames[day] = f.set_index("parcel_id")
    parents: dict[str, set[str]] = {}
    for f in frames.values():
        for pid, prev in f["previous_ids"].dropna().items():
            parents.setdefault(pid, set()).update(p for p in str(prev).replace(",", ";").split(";") if p)

    def ancestors(pid: str) -> set[str]:
        out, todo = set(), list(parents.get(pid, ()))
        while todo:
            p = todo.pop()
            if p not in out:
                out.add(p)
                todo.extend(parents.get(p, ()))
        return out

    days = sorted(frames)
    base = frames[days[0]]
    listed = {pid: (base.loc[pid, "area_m2"], 0.0) for pid in base.index[base["active"]]}
    is_new: set[str] = set()
    last: dict[str, object] = {}
    result = {}
    for day in days:
        f = frames[day]
        for pid in f.index:
            if pid in listed:
                continue
            inherited = bool(ancestors(pid) & set(listed))
            if inherited:  # a successor of a tracked parcel: tracked whatever its status
                listed[pid] = (0.0, 0.0)
            elif f.loc[pid, "active"]:
                listed[pid] = (0.0, f.loc[pid, "area_m2"])
                is_new.add(pid)
        for pid in listed:
            if pid in f.index:
                last[pid] = f.loc[pid]
        held = _held_areas(listed, last, parents, set(f.index))
        with_successor = set().union(*(ancestors(p) for p in f.index)) if len(f) else set()
        fig = dict.fromkeys(("remaining", "cleared", "disappeared", "reclassified", "superseded"), 0.0)
        count = dict.fromkeys(fig, 0)
        for pid in listed:
            row = last[pid]
            if pid in f.index:
                state = "cleared" if row["closed"] else "remaining" if row["active"] else "reclassified"
            elif pid in with_successor:
                state = "superseded"
            else:
                state = "cleared" if row["closed"] else "disappeared"
            fig[state] += held[pid]
            count[state] += 1
        result[day] = {
            "baseline_count": sum(1 for b, _ in listed.values() if b > 0),
            "baseline_mu": sum(b for b, _ in listed.values()) / MU_M2,
            "new_count": len(is_new),
            "new_mu": sum(n for _, n in listed.values()) / MU_M2,
            **{f"{k}_count": v for k, v in count.items()},
            **{f"{k}_mu": v / MU_M2 for k, v in fig.items() if k != "superseded"},
        }
    return result


def _held_areas(
    listed: dict[str, tuple[float, float]], last: dict, parents: dict[str, set[str]], present: set[str]
) -> dict[str, float]:
    """Listed area each tracked parcel carries, written recursively: a parent's listed area is shared
    among its tracked successors (and itself while still registered) by their current areas."""
    children = {q: [c for c in listed if q in parents.get(c, ())] for q in listed}
    area = {pid: float(row["area_m2"]) for pid, row in last.items()}

    def pool(q: str) -> float:
        return sum(area[c] for c in children[q]) + (area[q] if q in present else 0.0)

    def received(pid: str) -> float:
        own = sum(listed[pid])
        return own + sum(received(q) * area[pid] / pool(q) for q in parents.get(pid, ()) if q in listed)

    return {
        pid: received(pid)
        * (1.0 if not children[pid] else (area[pid] / pool(pid) if pid in present else 0.0))
        for pid in listed
    }


@pytest.fixture
def sample_ledger(ledger_spot: LedgerSpot) -> Ledger:
    ledger = ledger_spot.open()
    for day, reg in _registers().items():
        ledger.record(reg, as_of=day, source=f"样例台账 {day}")
    return ledger


def test_stored_areas_are_geodesic(sample_ledger: Ledger) -> None:
    regs = _registers()
    day = max(regs)
    back = sample_ledger.snapshot(day)
    ref = geod_area_m2(regs[day].geometry.iloc[:200])
    np.testing.assert_allclose(back["area_m2"].iloc[:200], ref, rtol=1e-6)
    np.testing.assert_allclose(back["area_m2"], regs[day]["area_m2"], rtol=1e-6)


def test_park_clear_down_matches_independent_computation(sample_ledger: Ledger) -> None:
    park = _park()
    expected = independent_progress(_registers(), park)
    got = sample_ledger.progress(
        baseline=min(expected), target_date="2024-12-31", scope=park.iloc[[0]], zone_field="name"
    ).summary
    assert list(got.index) == sorted(expected)
    for day, exp in expected.items():
        row = got.loc[day]
        for key, value in exp.items():
            if key.endswith("_count"):
                assert row[key] == value, (day, key)
            else:
                assert row[key] == pytest.approx(value, rel=1e-6, abs=1e-6), (day, key)
    # the sample park has a real clear-down going on, with newly listed land
    last = got.iloc[-1]
    # issue 10 point 12: every date reconciles; 基期 4,319.19 + 新增 89.08 = 4,408.27 亩
    assert (got["reconcile_mu"].abs() < 1e-6).all()
    listed = got["baseline_mu"] + got["new_mu"]
    accounted = got["remaining_mu"] + got["cleared_mu"] + got["reclassified_mu"] + got["disappeared_mu"]
    np.testing.assert_allclose(listed, accounted, rtol=1e-12)
    assert (round(last["baseline_mu"], 2), round(last["new_mu"], 2)) == (4319.19, 89.08)
    assert round(last["baseline_mu"], 2) + round(last["new_mu"], 2) == pytest.approx(4408.27, abs=1e-9)
    assert last["baseline_count"] > 100
    assert last["cleared_count"] > 0
    assert last["new_count"] > 0


def test_split_parcel_cleared_through_its_successors(sample_ledger: Ledger) -> None:
    park = _park()
    p = sample_ledger.progress(baseline="2023-12-31", target_date="2024-12-31", scope=park.iloc[[0]])
    states = p.parcels.set_index("parcel_id")
    assert states.loc["431281101002GB00310", "state"] == "superseded"
    assert states.loc["431281101002GB00310", "counted_mu"] == 0.0
    kids = states.loc[["431281101002GB90001", "431281101002GB90002"]]
    assert (kids["state"] == "cleared").all()
    assert not kids["is_new"].any()
    regs = _registers()
    parent_mu = (
        regs[dt.date(2023, 12, 31)].set_index("parcel_id").loc["431281101002GB00310", "area_m2"] / MU_M2
    )
    assert kids["counted_mu"].sum() == pytest.approx(parent_mu, rel=1e-9)  # its listed area, all cleared
    last = p.summary.iloc[-1]
    assert round(last["pct_cleared"], 1) == round(
        100 * last["cleared_mu"] / (last["baseline_mu"] + last["new_mu"]), 1
    )
    # every table reconciles, at every date
    for table in (p.summary, p.by_unit):
        assert (table["reconcile_mu"].abs() < 1e-6).all()


def test_zone_breakdown_sums_to_total_for_townships(sample_ledger: Ledger) -> None:
    p = sample_ledger.progress(baseline="2023-12-31", target_date="2024-12-31", zones="township")
    latest = p.by_zone[p.by_zone["as_of"] == p.summary.index[-1]]
    # townships do not overlap: the breakdown adds up to the whole
    for col in ("baseline_count", "remaining_count", "cleared_count", "new_count"):
        assert latest[col].sum() == p.summary.iloc[-1][col]
    assert (p.by_zone["reconcile_mu"].abs() < 1e-6).all()
    units = p.by_unit[p.by_unit["as_of"] == p.summary.index[-1]]
    assert units["baseline_mu"].sum() == pytest.approx(p.summary.iloc[-1]["baseline_mu"], rel=1e-9)

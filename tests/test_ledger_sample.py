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
    tracked = {pid: {"base": base.loc[pid, "area_m2"], "new": 0.0} for pid in base.index[base["active"]]}
    last: dict[str, object] = {}
    result = {}
    for day in days:
        f = frames[day]
        for pid in f.index[f["active"]]:
            if pid not in tracked:
                inherited = bool(ancestors(pid) & set(tracked))
                tracked[pid] = {
                    "base": 0.0,
                    "new": 0.0 if inherited else f.loc[pid, "area_m2"],
                    "is_new": not inherited,
                }
        for pid in tracked:
            if pid in f.index:
                last[pid] = f.loc[pid]
        with_successor = set().union(*(ancestors(p) for p in f.index)) if len(f) else set()
        fig = dict.fromkeys(("remaining", "cleared", "disappeared", "reclassified", "superseded"), 0.0)
        count = dict.fromkeys(fig, 0)
        for pid in tracked:
            row = last[pid]
            if pid in f.index:
                state = "cleared" if row["closed"] else "remaining" if row["active"] else "reclassified"
            elif pid in with_successor:
                state = "superseded"
            else:
                state = "cleared" if row["closed"] else "disappeared"
            fig[state] += row["area_m2"]
            count[state] += 1
        result[day] = {
            "baseline_count": sum(1 for t in tracked.values() if t["base"] > 0),
            "baseline_mu": sum(t["base"] for t in tracked.values()) / MU_M2,
            "new_count": sum(1 for t in tracked.values() if t.get("is_new")),
            "new_mu": sum(t["new"] for t in tracked.values()) / MU_M2,
            **{f"{k}_count": v for k, v in count.items()},
            **{f"{k}_mu": v / MU_M2 for k, v in fig.items() if k != "superseded"},
        }
    return result


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
    assert last["baseline_count"] > 100
    assert last["cleared_count"] > 0
    assert last["new_count"] > 0


def test_zone_breakdown_sums_to_total_for_townships(sample_ledger: Ledger) -> None:
    p = sample_ledger.progress(baseline="2023-12-31", target_date="2024-12-31", zones="township")
    latest = p.by_zone[p.by_zone["as_of"] == p.summary.index[-1]]
    # townships do not overlap: the breakdown adds up to the whole
    for col in ("baseline_count", "remaining_count", "cleared_count", "new_count"):
        assert latest[col].sum() == p.summary.iloc[-1][col]
    units = p.by_unit[p.by_unit["as_of"] == p.summary.index[-1]]
    assert units["baseline_mu"].sum() == pytest.approx(p.summary.iloc[-1]["baseline_mu"], rel=1e-9)

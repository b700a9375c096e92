"""Benchmark: match() for 200 demands × 50k parcels + 5k units (goal ≤ 5 s) beside a row-wise loop.

The peer is the row-wise loop the shortlist used to run (one Python pass over the offers per demand,
the same hard filters). It runs on ``--peer-demands`` demands (a full 200-demand loop takes minutes);
its time is reported per demand and ×200, and its pass sets must equal match()'s exactly (exit 1
otherwise). Figures go to ``benchmarks/results/supply.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from landkit.supply import Demand, match

ZONES = ["甲区", "乙区", "丙区", "丁区", "标厂一期"]


def _data(
    n_parcels: int, n_units: int, n_demands: int, seed: int = 7
) -> tuple[list[Demand], gpd.GeoDataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(380_000, 420_000, n_parcels)
    y = rng.uniform(2_990_000, 3_030_000, n_parcels)
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{i}" for i in range(n_parcels)],
            "area_mu": rng.uniform(2, 200, n_parcels),
            "landuse_code": rng.choice(["100101", "100102", "0701", "1101"], n_parcels),
            "landuse_system": "guide2023",
            "zone_s": rng.choice(ZONES[:-1], n_parcels),
            "status": rng.choice(["for_sale", "identified", "revitalized"], n_parcels),
            "asking_price": np.where(rng.random(n_parcels) < 0.2, np.nan, rng.uniform(100, 5000, n_parcels)),
            "slope_mean_deg": rng.uniform(0, 30, n_parcels),
        },
        geometry=gpd.points_from_xy(x, y),
        crs=4546,
    )
    units = pd.DataFrame(
        {
            "unit_id": [f"U{i}" for i in range(n_units)],
            "park": "标厂一期",
            "floor_area_m2": rng.uniform(300, 3000, n_units),
            "storey_height_m": rng.choice([4.5, 6.0, 8.0], n_units),
            "floor_load_kn_m2": rng.choice([5.0, 8.0, 30.0], n_units),
            "rent_yuan_m2_month": rng.uniform(6, 16, n_units),
            "available_from": pd.Timestamp("2024-12-31")
            + pd.to_timedelta(rng.integers(0, 900, n_units), "D"),
        }
    )
    demands = []
    for k in range(n_demands):
        if k % 4 == 3:
            lo = float(rng.choice([300, 800, 1500]))
            demands.append(
                Demand(
                    id=f"D{k}",
                    floor_m2_min=lo,
                    floor_m2_max=lo * 2,
                    max_rent_m2_month=12,
                    min_storey_height_m=float(rng.choice([4.0, 6.0])),
                    zones=("标厂一期",),
                    wanted_by=dt.date(2025, 12, 31),
                )
            )
        else:
            lo = float(rng.choice([10, 30, 50, 80]))
            demands.append(
                Demand(
                    id=f"D{k}",
                    area_mu_min=lo,
                    area_mu_max=lo * 1.8,
                    landuse=("1001",),
                    zones=tuple(rng.choice(ZONES[:-1], 2, replace=False)),
                    max_unit_price=30,
                    max_slope_deg=float(rng.choice([10, 15, 25])),
                )
            )
    return demands, parcels, units


def row_wise(d: Demand, parcels: pd.DataFrame, units: pd.DataFrame) -> set[str]:
    """The peer: one Python pass over the offers, the same hard filters as match()."""
    keep = set()
    if d.wants_land:
        for r in parcels.itertuples(index=False):
            if not (d.area_mu_min <= r.area_mu <= d.area_mu_max):
                continue
            if d.landuse and not any(str(r.landuse_code).startswith(c) for c in d.landuse):
                continue
            if d.zones and r.zone_s not in d.zones:
                continue
            if r.status == "revitalized":
                continue
            if d.max_unit_price is not None and r.asking_price / r.area_mu > d.max_unit_price:
                continue
            if d.max_slope_deg is not None and r.slope_mean_deg > d.max_slope_deg:
                continue
            keep.add(r.parcel_id)
    if d.wants_units:
        for u in units.itertuples(index=False):
            if not (d.floor_m2_min <= u.floor_area_m2 <= d.floor_m2_max):
                continue
            if d.zones and u.park not in d.zones:
                continue
            if d.max_rent_m2_month is not None and u.rent_yuan_m2_month > d.max_rent_m2_month:
                continue
            if d.min_storey_height_m is not None and u.storey_height_m < d.min_storey_height_m:
                continue
            if d.wanted_by is not None and u.available_from > pd.Timestamp(d.wanted_by):
                continue
            keep.add(u.unit_id)
    return keep


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parcels", type=int, default=50_000)
    ap.add_argument("--units", type=int, default=5_000)
    ap.add_argument("--demands", type=int, default=200)
    ap.add_argument("--peer-demands", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    demands, parcels, units = _data(args.parcels, args.units, args.demands)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        m = match(demands, parcels=parcels, units=units, as_of="2024-12-31")
        times.append(time.perf_counter() - t0)
    peer_ds = demands[: args.peer_demands]
    t0 = time.perf_counter()
    peer = {d.id: row_wise(d, parcels, units) for d in peer_ds}
    peer_s = time.perf_counter() - t0
    ok = all(set(m.loc[m["demand_id"] == d.id, "offer_id"]) == peer[d.id] for d in peer_ds)
    figures = {
        "demands": args.demands,
        "parcels": args.parcels,
        "units": args.units,
        "pairs_passing": len(m),
        "match_best_s": round(min(times), 3),
        "goal_s": 5.0,
        "row_wise_s_per_demand": round(peer_s / len(peer_ds), 3),
        "row_wise_s_for_all_demands_estimated": round(peer_s / len(peer_ds) * args.demands, 1),
        "peer_demands_compared": len(peer_ds),
        "equal_pass_sets": ok,
    }
    out = {
        "benchmark": "supply",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "figures": figures,
    }
    path = Path(__file__).with_name("results") / "supply.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

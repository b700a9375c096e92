"""Ledger benchmark: record a 100k-parcel snapshot; progress over 12 snapshots of 100k parcels.

Goals (issue 5): record ≤ 5 s on GeoPackage, progress ≤ 2 s. Figures are printed for both
backends beside two peers measured in the same run: writing the same frame with
``pyogrio.write_dataframe`` (a plain GeoPackage layer, no checks, no history) and reading the
12 registers back with pyogrio for a pandas-only count.

Run::

    .venv/bin/python benchmarks/bench_ledger.py [--parcels 100000] [--snapshots 12] [--pg URL]

PostGIS is measured when ``--pg`` or ``LANDKIT_TEST_PG_URL`` gives a URL (``.ci/start-postgis.sh``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from landkit.ledger import Ledger

__all__ = ["main", "registers"]

log = logging.getLogger("bench_ledger")

STATUSES = np.array(["suspected", "identified", "in_disposal", "for_sale"])
CATEGORIES = np.array(
    ["idle", "low_efficiency", "idle,mortgaged", "low_efficiency,mortgaged", "mortgaged", "reserve"]
)
UNITS = np.array(["洪江高新区管委会", "黔城镇人民政府", "安江镇人民政府", "托口镇人民政府", "市自然资源局"])


def registers(n: int, months: int, *, seed: int = 5) -> list[tuple[dt.date, gpd.GeoDataFrame]]:
    """Monthly registers of ``n`` parcels: ~7% of the stock cleared and ~0.5% new each month."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(355_000, 450_000, n)
    y = rng.uniform(2_990_000, 3_040_000, n)
    side = rng.uniform(30, 150, n)
    base = gpd.GeoDataFrame(
        {
            "parcel_id": [f"431281101{i // 100_000 + 1:03d}GB{i % 100_000:05d}" for i in range(n)],
            "status": STATUSES[rng.integers(0, len(STATUSES), n)],
            "categories": CATEGORIES[rng.integers(0, len(CATEGORIES), n)],
            "responsible_unit": UNITS[rng.integers(0, len(UNITS), n)],
            "township": "黔城镇",
            "holder": [f"企业{i % 997}" for i in range(n)],
            "declared_area_m2": side**2,
        },
        geometry=shapely.box(x, y, x + side, y + side),
        crs=4546,
    )
    out = []
    current = base
    for m in range(months):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=31 * m)
        if m:
            current = current.copy()
            clear = rng.random(len(current)) < 0.07
            current.loc[clear, "status"] = "revitalized"
            k = n // 200
            fresh = base.iloc[:k].copy()
            fresh["parcel_id"] = [f"431281102{m:03d}GB{i:05d}" for i in range(k)]
            fresh["status"] = "identified"
            current = gpd.GeoDataFrame(current.iloc[k:], crs=4546)  # keep the size at n
            current = gpd.GeoDataFrame(gpd.pd.concat([current, fresh], ignore_index=True), crs=4546)
        out.append((day, current))
    return out


def _timed(fn, *args, **kwargs) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t0, result


def bench_backend(
    name: str, ledger: Ledger, regs: list[tuple[dt.date, gpd.GeoDataFrame]]
) -> dict[str, float]:
    times = []
    for day, reg in regs:
        t, _ = _timed(ledger.record, reg, as_of=day, source="bench")
        times.append(t)
    day, reg = regs[-1]
    t_fast, _ = _timed(ledger.record, reg, as_of=day, source="bench", revise=True, validate=False)
    t_prog, prog = _timed(ledger.progress, baseline=regs[0][0], target_date=dt.date(2024, 12, 31))
    t_scope, _ = _timed(
        ledger.progress,
        baseline=regs[0][0],
        target_date=dt.date(2024, 12, 31),
        scope=shapely.box(355_000, 2_990_000, 400_000, 3_040_000),
        zones="responsible_unit",
    )
    t_snap, _ = _timed(ledger.snapshot, regs[-1][0])
    last = prog.summary.iloc[-1]  # type: ignore[attr-defined]
    print(
        f"{name:8s} record (with landkit.validate) first {times[0]:5.2f} s, mean {np.mean(times):5.2f} s | "
        f"record validate=False {t_fast:5.2f} s | progress ({len(regs)} snapshots) {t_prog:5.2f} s | "
        f"with scope+zones {t_scope:5.2f} s | read snapshot {t_snap:5.2f} s | "
        f"remaining {last['remaining_mu']:.0f} 亩"
    )
    return {"record": float(np.mean(times)), "progress": t_prog}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument("--pg", default=os.environ.get("LANDKIT_TEST_PG_URL"))
    args = parser.parse_args()
    t_gen, regs = _timed(registers, args.parcels, args.snapshots)
    print(f"{args.snapshots} registers of {args.parcels} parcels generated in {t_gen:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        first = regs[0][1]
        t_peer, _ = _timed(pyogrio.write_dataframe, first, Path(tmp) / "peer.gpkg", layer="r", use_arrow=True)
        print(f"peer     pyogrio.write_dataframe GPKG (no checks, no history): {t_peer:.2f} s")
        for i, (_, reg) in enumerate(regs):
            pyogrio.write_dataframe(reg, Path(tmp) / f"r{i}.gpkg", layer="r", use_arrow=True)
        t0 = time.perf_counter()
        frames = [
            pyogrio.read_dataframe(Path(tmp) / f"r{i}.gpkg", read_geometry=False, use_arrow=True)
            for i in range(len(regs))
        ]
        base_ids = set(frames[0].loc[frames[0]["status"] != "revitalized", "parcel_id"])
        _ = [int(f["parcel_id"].isin(base_ids).sum()) for f in frames]
        print(
            f"peer     read {len(regs)} GPKG registers with pyogrio (attributes only) + a pandas count: "
            f"{time.perf_counter() - t0:.2f} s"
        )
        res = bench_backend("gpkg", Ledger(Path(tmp) / "ledger.gpkg"), regs)
        print(
            f"goal     record ≤ 5 s: {'met' if res['record'] <= 5 else 'MISSED'}; "
            f"progress ≤ 2 s: {'met' if res['progress'] <= 2 else 'MISSED'}"
        )
    if args.pg:
        import psycopg
        from psycopg import sql

        schema = f"lk_bench_{uuid.uuid4().hex[:8]}"
        try:
            bench_backend("postgis", Ledger(args.pg, schema=schema), regs)
        finally:
            with psycopg.connect(args.pg, autocommit=True) as con:
                con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
    else:
        print("postgis  skipped (no --pg / LANDKIT_TEST_PG_URL)")


if __name__ == "__main__":
    main()

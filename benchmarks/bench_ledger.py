"""Ledger benchmark: record a 100k-parcel snapshot; progress over 12 snapshots of 100k parcels.

Goals (issue 5): record ≤ 5 s on GeoPackage, progress ≤ 2 s. Figures are printed for both
backends beside two peers measured in the same run: writing the same frame with
``pyogrio.write_dataframe`` (a plain GeoPackage layer, no checks, no history) and reading the
12 registers back with pyogrio for a pandas-only count. The ledger's remaining count per register must equal
that pandas count, and the last snapshot read back must hold the register's ids, else the script exits 1 (also
when a backend crashes). Figures go to ``benchmarks/results/bench_ledger.json``.

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
import pandas as pd
import pyogrio
import shapely
from _results import agree, assert_agree, best_of, crashed, row, write_results

from landkit.ledger import Ledger
from landkit.schema import CLEARED_STATUSES

__all__ = ["main", "registers"]

log = logging.getLogger("bench_ledger")

STATUSES = np.array(["suspected", "identified", "in_disposal", "for_sale"])
CATEGORIES = np.array(
    ["idle", "low_efficiency", "idle,mortgaged", "low_efficiency,mortgaged", "mortgaged", "reserve"]
)
STOCK = {"idle", "low_efficiency"}
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


def peer_remaining(frames: list[pd.DataFrame]) -> list[int]:
    """The peer's count of parcels in the stock per register: idle or low-efficiency, status not cleared."""
    out = []
    for f in frames:
        tags = f["categories"].str.split(",")
        stock = tags.map(lambda t: bool(STOCK & set(t))) & ~f["status"].isin(CLEARED_STATUSES)
        out.append(int(stock.sum()))
    return out


def bench_backend(
    name: str, ledger: Ledger, regs: list[tuple[dt.date, gpd.GeoDataFrame]], repeat: int
) -> tuple[dict[str, float], list[int], set[str]]:
    """Record every register and time progress: figures, remaining count per date, last snapshot's ids."""
    times = [_timed(ledger.record, reg, as_of=day, source="bench")[0] for day, reg in regs]
    day, reg = regs[-1]
    t_fast, _ = _timed(ledger.record, reg, as_of=day, source="bench", revise=True, validate=False)
    t_prog, prog = best_of(
        lambda: ledger.progress(baseline=regs[0][0], target_date=dt.date(2024, 12, 31)), repeat
    )
    t_scope, _ = best_of(
        lambda: ledger.progress(
            baseline=regs[0][0],
            target_date=dt.date(2024, 12, 31),
            scope=shapely.box(355_000, 2_990_000, 400_000, 3_040_000),
            zones="responsible_unit",
        ),
        repeat,
    )
    t_snap, snap = best_of(lambda: ledger.snapshot(regs[-1][0]), repeat)
    print(
        f"{name:8s} record (with landkit.validate) best {min(times):5.2f} s, mean {np.mean(times):5.2f} s | "
        f"record validate=False {t_fast:5.2f} s | progress ({len(regs)} snapshots) {t_prog:5.2f} s | "
        f"with scope+zones {t_scope:5.2f} s | read snapshot {t_snap:5.2f} s"
    )
    figures = {
        "record_best_s": min(times),
        "record_mean_s": float(np.mean(times)),
        "record_no_validate_s": t_fast,
        "progress_s": t_prog,
        "progress_scope_zones_s": t_scope,
        "snapshot_read_s": t_snap,
    }
    return figures, [int(v) for v in prog.summary["remaining_count"]], set(snap["parcel_id"])


def run_peer(regs: list[tuple[dt.date, gpd.GeoDataFrame]], tmp: Path, repeat: int) -> tuple[dict, list[int]]:
    """pyogrio: write a register (best of N), read all registers back and count the stock (best of N)."""
    t_write, _ = best_of(
        lambda: pyogrio.write_dataframe(regs[0][1], tmp / "peer.gpkg", layer="r", use_arrow=True), repeat
    )
    for i, (_, reg) in enumerate(regs):
        pyogrio.write_dataframe(reg, tmp / f"r{i}.gpkg", layer="r", use_arrow=True)

    def read_and_count() -> list[int]:
        return peer_remaining(
            [
                pyogrio.read_dataframe(tmp / f"r{i}.gpkg", read_geometry=False, use_arrow=True)
                for i in range(len(regs))
            ]
        )

    t_read, counts = best_of(read_and_count, repeat)
    print(f"peer     pyogrio.write_dataframe GPKG (no checks, no history): {t_write:.2f} s")
    print(
        f"peer     read {len(regs)} GPKG registers with pyogrio (attributes only) + a pandas count: "
        f"{t_read:.2f} s"
    )
    return {"write_s": t_write, "read_count_s": t_read}, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=12)
    parser.add_argument(
        "--repeat", type=int, default=3, help="best of N for progress, snapshot and the peers"
    )
    parser.add_argument("--pg", default=os.environ.get("LANDKIT_TEST_PG_URL"))
    args = parser.parse_args()
    t_gen, regs = _timed(registers, args.parcels, args.snapshots)
    print(f"{args.snapshots} registers of {args.parcels} parcels generated in {t_gen:.1f} s")
    figures: dict[str, dict] = {}
    checks: list[dict] = []
    last_ids = set(regs[-1][1]["parcel_id"])
    with tempfile.TemporaryDirectory() as tmp:
        figures["pyogrio"], counts = run_peer(regs, Path(tmp), args.repeat)
        backends = [("gpkg", lambda: Ledger(Path(tmp) / "ledger.gpkg"), lambda: None)]
        if args.pg:
            backends.append(_postgis(args.pg))
        for name, open_, close in backends:
            try:
                figures[name], remaining, ids = bench_backend(name, open_(), regs, args.repeat)
            except Exception as exc:  # noqa: BLE001 - a crashing backend is a failed check
                checks.append(crashed(name, exc))
                continue
            finally:
                close()
            checks += [
                agree(
                    name, remaining, counts, what="parcels in the stock per register (ledger vs pandas count)"
                ),
                agree(name, last_ids, ids, what="parcel ids of the last snapshot read back (exact)"),
            ]
    if not args.pg:
        print("postgis  skipped (no --pg / LANDKIT_TEST_PG_URL)")
    write_results("bench_ledger", figures=figures, checks=checks, params={**vars(args), "pg": bool(args.pg)},
                  table=_rows(figures, args.parcels, args.snapshots), libraries=("psycopg",))  # fmt: skip
    assert_agree(checks)


def _postgis(url: str) -> tuple[str, object, object]:
    import psycopg
    from psycopg import sql

    schema = f"lk_bench_{uuid.uuid4().hex[:8]}"

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    return "postgis", lambda: Ledger(url, schema=schema), drop


def _rows(fig: dict[str, dict], n: int, snapshots: int) -> list[dict[str, str]]:
    ours = "; ".join(
        f"{'GeoPackage' if b == 'gpkg' else 'PostGIS'} "
        f"{fig[b]['record_best_s']:.2f} s / {fig[b]['progress_s']:.2f} s"
        for b in ("gpkg", "postgis")
        if b in fig
    )
    peer = fig["pyogrio"]
    return [
        row(
            f"record a {n:,}-parcel snapshot (best of {snapshots}) / progress over {snapshots} snapshots "
            "(goals ≤ 5 s / ≤ 2 s)",
            landkit=ours,
            peers=f"pyogrio GPKG write {peer['write_s']:.2f} s / read {snapshots} registers + pandas count "
            f"{peer['read_count_s']:.2f} s",
        )
    ]


if __name__ == "__main__":
    main()

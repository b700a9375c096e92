"""Benchmark: 批而未供 per batch, landkit.indicators.unsupplied vs geopandas.overlay + dissolve.

Both peers start from the same synthetic GeoDataFrames in EPSG:4546 — ``--batches`` approval batches
(blocks of 8–40 ha on a county-sized grid) and ``--supplies`` supply polygons (plots on a grid
inside their batch with about 30 % of the cells empty, about 5 % overlapping the next plot, about
5 % crossing the batch edge, some signed after the as-of day) — and end with the supplied area in
m² per batch (each square metre once, only inside the batch, geodesic on GRS80):

* ``landkit`` — ``landkit.indicators.unsupplied(batches, supplies, as_of=..., geometry=False)``
  (supply pieces dissolved where they overlap, joined to the batches with the zone-join engine);
* ``overlay_dissolve`` — the plain way: filter supplies by date, ``geopandas.overlay(batches,
  supplies, how="intersection")``, ``dissolve(by="batch")``, then ``landkit.area.geodesic_area``;
* ``landkit_geometry`` / ``overlay_dissolve_difference`` — the same two with the unsupplied geometry
  too (landkit's default; the peer adds ``batches.difference(covered)``), remainder areas compared.

Data generation is not timed; each peer's best of ``--repeat`` runs is reported. The script exits
non-zero when the peers' supplied areas differ by more than 1e-6 relative (1e-3 m² absolute) on any
batch, and writes ``benchmarks/results/indicators.json``.

Usage::

    .venv/bin/python benchmarks/bench_indicators.py                    # 2,000 × 50,000 (the goal)
    .venv/bin/python benchmarks/bench_indicators.py --batches 200 --supplies 5000 --repeat 1  # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landkit.area import geodesic_area
from landkit.indicators import unsupplied

AS_OF = "2024-12-31"
RESULTS = Path(__file__).resolve().parent / "results" / "indicators.json"


def make_data(n_batches: int, n_supplies: int, seed: int = 15) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Batches on a jittered grid and supplies scattered mostly inside them."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_batches)))
    pitch = 700.0
    k = np.arange(n_batches)
    cx = 380_000 + (k % side) * pitch + rng.uniform(-50, 50, n_batches)
    cy = 3_000_000 + (k // side) * pitch + rng.uniform(-50, 50, n_batches)
    half = np.sqrt(rng.uniform(8e4, 4e5, n_batches)) / 2
    batches = gpd.GeoDataFrame(
        {
            "batch_name": [f"批次{i:04d}" for i in k],
            "approval_date": pd.to_datetime("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 3650, n_batches), unit="D"),
        },
        geometry=shapely.buffer(shapely.box(cx - half, cy - half, cx + half, cy + half), 15, quad_segs=2),
        crs=4546,
    )
    # plots on a grid inside their batch, about 30 % of the cells left empty (unsupplied)
    owner = np.sort(rng.integers(0, n_batches, n_supplies))
    count = np.bincount(owner, minlength=n_batches)
    rank = np.arange(n_supplies) - np.concatenate([[0], np.cumsum(count)[:-1]])[owner]
    m = np.ceil(np.sqrt(np.maximum(count, 1) / 0.7)).astype(int)[owner]
    slot = rank * (m * m) // count[owner]
    cell = 2 * half[owner] / m
    x0 = cx[owner] - half[owner] + (slot % m) * cell
    y0 = cy[owner] - half[owner] + (slot // m) * cell
    gap = cell * rng.uniform(0.03, 0.15, n_supplies)
    grow = np.where(rng.random(n_supplies) < 0.05, cell * 0.4, 0.0)  # overlapping the next plot
    edge = np.where(rng.random(n_supplies) < 0.05, half[owner], 0.0)  # crossing the batch edge
    geoms = shapely.box(x0 + gap + edge, y0 + gap, x0 + cell - gap + grow + edge, y0 + cell - gap)
    signed = pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.integers(0, 3650, n_supplies), unit="D")
    supplies = gpd.GeoDataFrame({"contract_date": signed}, geometry=geoms, crs=4546)
    return batches, supplies


def run_landkit(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Figures only (what 供地率 and the disposal tables use)."""
    r = unsupplied(batches, supplies, as_of=AS_OF, geometry=False)
    return r["supplied_m2"].to_numpy(), np.zeros(0)


def run_landkit_geometry(
    batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Figures and the unsupplied geometry."""
    r = unsupplied(batches, supplies, as_of=AS_OF)
    return r["supplied_m2"].to_numpy(), geodesic_area(r).to_numpy()


def _overlay(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    day = pd.Timestamp(AS_OF)
    b = batches[batches["approval_date"] <= day].reset_index(drop=True)
    b["batch"] = np.arange(len(b))
    s = supplies[supplies["contract_date"] <= day]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pieces = gpd.overlay(
            b[["batch", "geometry"]], s[["geometry"]], how="intersection", keep_geom_type=True
        )
    merged = pieces.dissolve(by="batch")
    covered = gpd.GeoSeries([shapely.Polygon()] * len(b), crs=b.crs)
    covered.iloc[merged.index.to_numpy()] = merged.geometry.to_numpy()
    return b, covered


def run_overlay(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """overlay(intersection) + dissolve per batch, geodesic area of what is covered."""
    _, covered = _overlay(batches, supplies)
    return geodesic_area(covered).to_numpy(), np.zeros(0)


def run_overlay_geometry(
    batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """The same plus the remainder (batch minus what is covered), as landkit returns it."""
    b, covered = _overlay(batches, supplies)
    rest = b.geometry.difference(covered, align=False)
    return geodesic_area(covered).to_numpy(), geodesic_area(rest).to_numpy()


def best_of(fn, repeat: int, *args) -> tuple[float, np.ndarray]:
    best, result = float("inf"), np.zeros(0)
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, result


def machine() -> dict[str, object]:
    import geopandas
    import shapely as shp

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "geopandas": geopandas.__version__,
        "shapely": shp.__version__,
        "geos": shp.geos_version_string,
        "note": "shared 2-core machine; other sessions' load moves timings",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=2000)
    ap.add_argument("--supplies", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--no-write", action="store_true", help="Do not write benchmarks/results/indicators.json."
    )
    args = ap.parse_args()
    batches, supplies = make_data(args.batches, args.supplies)
    runs = {
        name: best_of(fn, args.repeat, batches, supplies)
        for name, fn in (
            ("landkit", run_landkit),
            ("overlay_dissolve", run_overlay),
            ("landkit_geometry", run_landkit_geometry),
            ("overlay_dissolve_difference", run_overlay_geometry),
        )
    }
    supplied = {k: v[1][0] for k, v in runs.items()}
    rest = {k: v[1][1] for k, v in runs.items() if len(v[1][1])}
    diffs = [np.abs(a - supplied["landkit"]) for a in supplied.values()]
    diffs += [np.abs(rest["landkit_geometry"] - rest["overlay_dissolve_difference"])]
    scales = [supplied["landkit"]] * (len(diffs) - 1) + [rest["landkit_geometry"]]
    ok = all(bool(np.all(d <= np.maximum(1e-6 * sc, 1e-3))) for d, sc in zip(diffs, scales, strict=True))
    secs = {f"{k}_s": round(v[0], 3) for k, v in runs.items()}
    figures = {
        "batches": args.batches,
        "supplies": args.supplies,
        "repeat": args.repeat,
        **secs,
        "speedup_figures": round(runs["overlay_dissolve"][0] / runs["landkit"][0], 1),
        "speedup_with_geometry": round(
            runs["overlay_dissolve_difference"][0] / runs["landkit_geometry"][0], 1
        ),
        "supplied_mu_total": round(float(supplied["landkit"].sum()) / (10000 / 15), 2),
        "max_abs_diff_m2": float(max(d.max() for d in diffs)),
        "agree": ok,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    if not args.no_write:
        RESULTS.parent.mkdir(exist_ok=True)
        record = {"benchmark": "indicators", "date": dt.date.today().isoformat(), "machine": machine()}
        RESULTS.write_text(json.dumps({**record, "figures": figures}, ensure_ascii=False, indent=1) + "\n")
    if not ok:
        print(f"peers disagree: max difference {figures['max_abs_diff_m2']:.6f} m²", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

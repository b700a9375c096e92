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

Data generation is not timed; the peers take turns, and each one's best of ``--repeat`` runs is
reported. The script exits non-zero when the peers' supplied areas differ by more than 1e-6 relative
+ 1e-3 m² on any batch (or a peer crashes), and writes ``benchmarks/results/bench_indicators.json``
(``benchmarks/_results.py``).

Usage::

    .venv/bin/python benchmarks/bench_indicators.py                    # 2,000 × 50,000 (the goal)
    .venv/bin/python benchmarks/bench_indicators.py --batches 200 --supplies 5000 --repeat 1  # quick
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from _results import agree, assert_agree, best_of_each, crashed, row, write_results

from landkit.area import geodesic_area
from landkit.indicators import unsupplied

AS_OF = "2024-12-31"


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


Result = tuple[np.ndarray, gpd.GeoSeries | None]  # supplied m² per batch, unsupplied geometry


def run_landkit(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> Result:
    """Figures only (what 供地率 and the disposal tables use)."""
    r = unsupplied(batches, supplies, as_of=AS_OF, geometry=False)
    return r["supplied_m2"].to_numpy(), None


def run_landkit_geometry(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> Result:
    """Figures and the unsupplied geometry."""
    r = unsupplied(batches, supplies, as_of=AS_OF)
    return r["supplied_m2"].to_numpy(), r.geometry


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


def run_overlay(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> Result:
    """overlay(intersection) + dissolve per batch, geodesic area of what is covered."""
    _, covered = _overlay(batches, supplies)
    return geodesic_area(covered).to_numpy(), None


def run_overlay_geometry(batches: gpd.GeoDataFrame, supplies: gpd.GeoDataFrame) -> Result:
    """The same plus the remainder (batch minus what is covered), as landkit returns it."""
    b, covered = _overlay(batches, supplies)
    rest = b.geometry.difference(covered, align=False)
    return geodesic_area(covered).to_numpy(), rest


PEERS = (
    ("landkit", run_landkit),
    ("overlay_dissolve", run_overlay),
    ("landkit_geometry", run_landkit_geometry),
    ("overlay_dissolve_difference", run_overlay_geometry),
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=2000)
    ap.add_argument("--supplies", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    batches, supplies = make_data(args.batches, args.supplies)
    runs, checks = {}, []
    fns = {name: (lambda f=fn: f(batches, supplies)) for name, fn in PEERS}
    for name, got in best_of_each(fns, args.repeat).items():  # the peers take turns
        if isinstance(got, Exception):
            checks.append(crashed(name, got))
        else:
            runs[name] = got
    checks += _checks(runs)
    secs = {f"{k}_s": round(v[0], 3) for k, v in runs.items()}
    figures = {"batches": args.batches, "supplies": args.supplies, **secs}
    if "landkit" in runs:
        figures["supplied_mu_total"] = round(float(runs["landkit"][1][0].sum()) / (10000 / 15), 2)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    write_results("bench_indicators", figures=figures, checks=checks, params=vars(args), table=_rows(figures))
    assert_agree(checks)
    return 0


def _checks(runs: dict[str, tuple[float, Result]]) -> list[dict]:
    """Supplied m² per batch against landkit's; the two geometry peers' remainders against each other
    (their geodesic areas, measured after the timing), and landkit's remainders valid."""
    if "landkit" not in runs:
        return []
    ref = runs["landkit"][1][0]
    checks = [
        agree(k, ref, v[1][0], rtol=1e-6, atol=1e-3, what="supplied m² per batch")
        for k, v in runs.items()
        if k != "landkit"
    ]
    if {"landkit_geometry", "overlay_dissolve_difference"} <= set(runs):
        mine, theirs = runs["landkit_geometry"][1][1], runs["overlay_dissolve_difference"][1][1]
        assert mine is not None
        assert theirs is not None
        checks.append(
            agree(
                "overlay_dissolve_difference",
                geodesic_area(mine).to_numpy(),
                geodesic_area(theirs).to_numpy(),
                rtol=1e-6,
                atol=1e-3,
                what="unsupplied m² per batch",
            )
        )
        valid = shapely.is_valid(mine.to_numpy())
        checks.append(
            agree("shapely", np.ones(1), np.array([valid.mean()]), what="share of landkit remainders valid")
        )
    return checks


def _rows(fig: dict) -> list[dict[str, str]]:
    nan = float("nan")
    lk, lkg = fig.get("landkit_s", nan), fig.get("landkit_geometry_s", nan)
    ov, ovg = fig.get("overlay_dissolve_s", nan), fig.get("overlay_dissolve_difference_s", nan)
    return [
        row(
            f"批而未供: {fig['batches']:,} batches × {fig['supplies']:,} supplies "
            "(figures only / with geometry)",
            landkit=f"{lk:.2f} s / {lkg:.2f} s",
            peers=f"overlay + dissolve {ov:.2f} s ({ov / lk:.1f}×) / "
            f"+ difference {ovg:.2f} s ({ovg / lkg:.1f}×)",
        )
    ]


if __name__ == "__main__":
    sys.exit(main())

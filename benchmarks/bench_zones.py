"""Benchmark: parcel × zone overlap areas, landkit vs geopandas.overlay vs DuckDB spatial.

All peers start from the same synthetic GeoDataFrames (parcels and ~30 overlapping zones in
EPSG:4546, a county-sized square) and end with geodesic overlap areas in m² per parcel × zone pair:

* ``landkit``       — ``landkit.zones.join_zones(parcels, zones, outside=False)`` in memory (default
                      threads: up to 4, here the 2 cores);
* ``landkit_serial`` — the same with ``threads=1``;
* ``landkit_dask``  — the same on ``dask_geopandas`` (8 partitions) on a ``distributed.LocalCluster``
                      with 2 workers × 1 thread (processes=False; cluster start-up not timed);
* ``overlay``       — ``geopandas.overlay(how="intersection")`` then ``landkit.area.geodesic_area``;
* ``duckdb``        — DuckDB spatial: parcels and zones projected to the same equal-area CRS in Python
                      (timed), WKB into DuckDB, ``ST_Intersects`` join and ``ST_Area(ST_Intersection)``.

Each peer runs in a fresh child process so its peak memory (ru_maxrss, whole process incl. the
input data) is its own; data generation is not timed. Results are checked against landkit's: the
same pairs (slivers < 1e-4 m² aside) and the same areas to 1e-6 relative.

Measured here (2 cores, 2026-11-27, quiet machine; other sessions' load moves these by up to 3×):

======================  =========  =========  ========  ========  ========
parcels                 landkit    serial     dask      overlay   duckdb
======================  =========  =========  ========  ========  ========
100k (s, best of 3)     0.66       0.92       0.98      6.27      6.93
1M (s)                  5.09       7.93       6.91      68.85     71.01
1M peak RSS (MB)        1497       1272       1812      2855      1206
======================  =========  =========  ========  ========  ========

(peak RSS includes ~1.1 GB of input data at 1M; all peers found the same 2,239,896 pairs, areas equal
to 1.3e-6 relative on overlaps ≥ 1 m² against overlay and to 1e-15 against DuckDB.)

Usage::

    .venv/bin/python benchmarks/bench_zones.py --sizes 100000 --repeat 3  # quick
    .venv/bin/python benchmarks/bench_zones.py --sizes 100000 1000000    # full
    .venv/bin/python benchmarks/bench_zones.py --sizes 1000000 --peers landkit landkit_dask
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from landkit.sample import synthetic_parcels

log = logging.getLogger("bench_zones")

PEERS = ("landkit", "landkit_serial", "landkit_dask", "overlay", "duckdb")
EXTENT = (380_000.0, 3_000_000.0, 440_000.0, 3_060_000.0)  # 60 km × 60 km in EPSG:4546


def make_data(n: int, seed: int = 42) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``n`` irregular 19-vertex parcels (40–130 m radius, ``landkit.sample.synthetic_parcels``, as
    bureau parcels have ~19 vertices) and 30 zones: 16 tiling townships (Voronoi), 6 river/road belts
    (buffered polylines), 4 blocks (township unions ∩ discs), 4 parks."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = EXTENT
    to_lonlat = pyproj.Transformer.from_crs(4546, 4490, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([x0 + 200, x1 - 200], [y0 + 200, y1 - 200])
    synthetic = synthetic_parcels(n, seed=seed, vertices=19, extent=(lon0, lat0, lon1, lat1), crs=4546)
    parcels = gpd.GeoDataFrame({"parcel_id": np.arange(n)}, geometry=synthetic.geometry.to_numpy(), crs=4546)
    frame = shapely.box(*EXTENT)
    seeds = shapely.multipoints(np.column_stack([rng.uniform(x0, x1, 16), rng.uniform(y0, y1, 16)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    towns = [shapely.segmentize(shapely.intersection(c, frame), 200.0) for c in cells]
    rows = [
        {"zone_id": f"t{i:02d}", "name": f"乡镇{i}", "kind": "乡镇", "geometry": g}
        for i, g in enumerate(towns)
    ]
    for i in range(6):
        if i % 2:  # north–south
            pts = np.column_stack([rng.uniform(x0, x1, 6), np.linspace(y0, y1, 6)])
        else:  # west–east
            pts = np.column_stack([np.linspace(x0, x1, 6), rng.uniform(y0, y1, 6)])
        belt = shapely.LineString(pts).buffer(rng.uniform(1_500, 3_000), quad_segs=16)
        rows.append({"zone_id": f"b{i}", "name": f"带{i}", "kind": "带", "geometry": belt})
    for i in range(4):
        group = shapely.union_all([towns[i * 3], towns[i * 3 + 1], towns[i * 3 + 2]])
        disc = shapely.centroid(group).buffer(rng.uniform(8_000, 14_000), quad_segs=32)
        block = shapely.intersection(group, disc)
        rows.append({"zone_id": f"k{i}", "name": f"板块{i}", "kind": "板块", "geometry": block})
    for i in range(4):
        ang = np.linspace(0, 2 * np.pi, 60, endpoint=False)
        r = rng.uniform(2_000, 5_000) * (1 + 0.25 * rng.uniform(-1, 1, 60))
        px, py = rng.uniform(x0, x1), rng.uniform(y0, y1)
        park = shapely.Polygon(np.column_stack([px + r * np.cos(ang), py + r * np.sin(ang)]))
        rows.append({"zone_id": f"p{i}", "name": f"园区{i}", "kind": "园区", "geometry": park})
    zones = gpd.GeoDataFrame(rows, crs=4546)
    zones = zones[~zones.geometry.is_empty].reset_index(drop=True)
    return parcels, zones


def _laea_for(zones: gpd.GeoDataFrame) -> str:
    b = zones.to_crs(4490).total_bounds
    lat0, lon0 = (b[1] + b[3]) / 2, (b[0] + b[2]) / 2
    return f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +ellps=GRS80 +units=m +no_defs"


def run_landkit(
    parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, threads: int | None = None
) -> pd.DataFrame:
    from landkit.zones import join_zones, zones_from_frame

    j = join_zones(parcels, zones_from_frame(zones), outside=False, threads=threads)
    return pd.DataFrame(
        {"parcel": j["parcel"].to_numpy(), "zone_id": j["zone_id"].to_numpy(), "m2": j["overlap_m2"]}
    )


def run_overlay(parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    from landkit.area import geodesic_area

    ov = gpd.overlay(parcels, zones[["zone_id", "geometry"]], how="intersection", keep_geom_type=True)
    m2 = geodesic_area(ov)
    out = pd.DataFrame({"parcel": ov["parcel_id"].to_numpy(), "zone_id": ov["zone_id"].to_numpy(), "m2": m2})
    return out.groupby(["parcel", "zone_id"], as_index=False)["m2"].sum()


def run_duckdb(parcels: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    import duckdb
    import duckdb_extension_spatial

    ext = next(Path(duckdb_extension_spatial.__file__).parent.glob("extensions/*/spatial.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"LOAD '{ext}'")
    laea = _laea_for(zones)
    p = pd.DataFrame({"pid": parcels["parcel_id"].to_numpy(), "wkb": parcels.geometry.to_wkb()})
    z = pd.DataFrame({"zone_id": zones["zone_id"].to_numpy(), "wkb": zones.geometry.to_wkb()})
    con.register("p_raw", p)
    con.register("z_raw", z)
    con.execute("CREATE TABLE p AS SELECT pid, ST_GeomFromWKB(wkb) AS g FROM p_raw")
    con.execute("CREATE TABLE z AS SELECT zone_id, ST_GeomFromWKB(wkb) AS g FROM z_raw")
    # intersect in the parcels' CRS (like the others), measure in the same equal-area CRS
    out = con.execute(
        "SELECT p.pid AS parcel, z.zone_id, "
        f"ST_Area(ST_Transform(ST_Intersection(p.g, z.g), 'EPSG:4546', '{laea}', always_xy := true)) AS m2 "
        "FROM p JOIN z ON ST_Intersects(p.g, z.g)"
    ).df()
    return out[out["m2"] > 0].reset_index(drop=True)


def _child(peer: str, n: int, out: Path, repeat: int) -> dict[str, float]:
    parcels, zones = make_data(n)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if peer == "landkit_dask":
        import dask_geopandas
        import distributed

        from landkit.zones import join_zones, zones_from_frame

        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
            ) as c,
            distributed.Client(c),
        ):
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                ddf = dask_geopandas.from_geopandas(parcels, npartitions=8)
                j = join_zones(ddf, zones_from_frame(zones), outside=False).compute()
                times.append(time.perf_counter() - t0)
        res = pd.DataFrame(
            {"parcel": j["parcel"].to_numpy(), "zone_id": j["zone_id"].to_numpy(), "m2": j["overlap_m2"]}
        )
    else:
        import landkit.zones  # noqa: F401  (imports are not timed)

        fn = {
            "landkit": run_landkit,
            "landkit_serial": lambda p, z: run_landkit(p, z, threads=1),
            "overlay": run_overlay,
            "duckdb": run_duckdb,
        }[peer]
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = fn(parcels, zones)
            times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res.astype({"zone_id": str}).to_parquet(out)
    return {"seconds": min(times), "peak_mb": peak, "data_mb": base_rss, "pairs": len(res)}


def _compare(ref: pd.DataFrame, other: pd.DataFrame) -> tuple[float, float, int]:
    """Max relative difference on overlaps ≥ 1 m², max absolute difference (m²), unmatched pairs ≥ 1e-4 m²."""
    both = ref.merge(other, on=["parcel", "zone_id"], how="outer", suffixes=("_ref", "_other"))
    real = both[(both["m2_ref"].fillna(0) > 1e-4) | (both["m2_other"].fillna(0) > 1e-4)]
    missing = int(real[["m2_ref", "m2_other"]].isna().any(axis=1).sum())
    diff = (real["m2_other"] - real["m2_ref"]).abs()
    big = real["m2_ref"] >= 1.0
    return float((diff[big] / real["m2_ref"][big]).max()), float(diff.max()), missing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=PEERS)
    ap.add_argument("--repeat", type=int, default=1, help="Runs per peer; the best time is shown.")
    ap.add_argument("--child", nargs=4, metavar=("PEER", "N", "OUT", "REPEAT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        peer, n, out, repeat = args.child
        sys.stdout.write(json.dumps(_child(peer, int(n), Path(out), int(repeat))) + "\n")
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            parcels, zones = make_data(n)
            log.info(
                "== %d parcels, %d zones (%s) ==",
                n,
                len(zones),
                ", ".join(zones["kind"].value_counts().index),
            )
            del parcels
            stats: dict[str, dict[str, float]] = {}
            for peer in args.peers:
                out = Path(tmp) / f"{peer}_{n}.parquet"
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", peer, str(n), str(out), str(args.repeat)],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                if proc.returncode != 0:
                    log.info("%-13s FAILED: %s", peer, proc.stderr.strip().splitlines()[-1:])
                    continue
                stats[peer] = json.loads(proc.stdout.strip().splitlines()[-1])
            ref = pd.read_parquet(Path(tmp) / f"landkit_{n}.parquet") if "landkit" in stats else None
            base = stats.get("landkit", {}).get("seconds")
            head = (
                "peer",
                "seconds",
                "× landkit",
                "peak MB",
                "data MB",
                "pairs",
                "max rel diff",
                "max abs m²",
            )
            log.info("%-13s %9s %9s %10s %10s %10s %12s %11s", *head)
            for peer, st in stats.items():
                rel_s = abs_s = ""
                if ref is not None and peer != "landkit":
                    rel, absd, missing = _compare(ref, pd.read_parquet(Path(tmp) / f"{peer}_{n}.parquet"))
                    rel_s, abs_s = (
                        f"{rel:.1e}",
                        f"{absd:.1e}" + (f" ({missing} unmatched)" if missing else ""),
                    )
                ratio = f"{st['seconds'] / base:.1f}" if base else "-"
                row = (peer, st["seconds"], ratio, st["peak_mb"], st["data_mb"], st["pairs"], rel_s, abs_s)
                log.info("%-13s %9.2f %9s %10.0f %10.0f %10d %12s %11s", *row)


if __name__ == "__main__":
    main()

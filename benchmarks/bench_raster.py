"""Benchmark: per-parcel raster statistics, landkit vs exactextract vs rasterstats.

10,000 parcels (300 m² … 5 ha, rotated irregular polygons) over a 5,000 × 5,000 DEM
(int16, 10 m pixels, EPSG:4546, tiled + deflate, with a nodata patch). Every tool computes
mean, min and max on the same files in the same run; each run is a fresh subprocess whose
wall time (computation only, inputs already loaded) and peak RSS (``ru_maxrss``) are reported,
with the RSS after loading as the baseline. Best time of ``--repeat`` runs.

landkit and exactextract weight pixels by exact coverage (exactextract is run with both its
``feature-sequential`` default and ``raster-sequential`` strategies); rasterstats counts pixel
centres (not coverage-weighted). The agreement of the means with landkit is printed too;
``landkit-terrain`` (elevation + slope + steep share) is timed beside them.

Usage::

    .venv/bin/python benchmarks/bench_raster.py            # builds inputs in benchmarks/_data/
    .venv/bin/python benchmarks/bench_raster.py --repeat 1 --skip rasterstats
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

__all__ = ["main"]

log = logging.getLogger("bench_raster")
DATA = Path(__file__).resolve().parent / "_data"
DEM = DATA / "bench_dem_5000.tif"
PARCELS = DATA / "bench_parcels_10k.gpkg"
SIZE, PIXEL, N = 5000, 10.0, 10_000
X0, Y0 = 380_000.0, 3_050_000.0
TOOLS = ("landkit", "landkit-2threads", "exactextract", "exactextract-rs", "rasterstats", "landkit-terrain")


def build_inputs() -> None:
    """Write the DEM and the parcels once (cached under benchmarks/_data/)."""
    import geopandas as gpd
    import rasterio
    import shapely
    from affine import Affine

    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(20261126)
    if not DEM.exists():
        y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
        z = 300 + 800 * x * y + 150 * np.sin(9 * x) * np.cos(7 * y) + 40 * np.sin(60 * x + 35 * y)
        z += rng.normal(0, 2, z.shape).astype(np.float32)
        dem = z.astype(np.int16)
        dem[4200:4600, 100:700] = -32768
        with rasterio.open(
            DEM, "w", driver="GTiff", height=SIZE, width=SIZE, count=1, dtype="int16", crs="EPSG:4546",
            transform=Affine(PIXEL, 0, X0, 0, -PIXEL, Y0), nodata=-32768, tiled=True,
            blockxsize=256, blockysize=256, compress="deflate",
        ) as ds:  # fmt: skip
            ds.write(dem, 1)
    if not PARCELS.exists():
        area = np.exp(rng.uniform(np.log(300), np.log(50_000), N))
        r = np.sqrt(area / np.pi)
        cx = rng.uniform(X0 + 300, X0 + SIZE * PIXEL - 300, N)
        cy = rng.uniform(Y0 - SIZE * PIXEL + 300, Y0 - 300, N)
        geoms = []
        for i in range(N):
            k = int(rng.integers(5, 12))
            ang = np.sort(rng.uniform(0, 2 * np.pi, k))
            rad = r[i] * rng.uniform(0.7, 1.3, k)
            geoms.append(shapely.Polygon(np.c_[cx[i] + rad * np.cos(ang), cy[i] + rad * np.sin(ang)]))
        geoms = shapely.make_valid(np.array(geoms))
        gdf = gpd.GeoDataFrame({"pid": np.arange(N)}, geometry=geoms, crs=4546)
        gdf.to_file(PARCELS, layer="parcels", engine="pyogrio")


def _run_one(tool: str, out: Path) -> None:
    """Child process: load inputs, time one tool, write results and figures."""
    import geopandas as gpd

    warnings.simplefilter("ignore")
    parcels = gpd.read_file(PARCELS, engine="pyogrio")
    base = _peak_mb()
    t0 = time.perf_counter()
    if tool.startswith("landkit") and tool != "landkit-terrain":
        from landkit.raster import zonal_stats

        threads = 2 if tool.endswith("2threads") else 1
        table = zonal_stats(parcels, DEM, stats=("mean", "min", "max"), threads=threads)
        means = table["mean"].to_numpy()
    elif tool == "landkit-terrain":
        from landkit.raster import terrain_stats

        table = terrain_stats(parcels, DEM)
        means = table["elev_mean_m"].to_numpy()
    elif tool.startswith("exactextract"):
        from exactextract import exact_extract

        strategy = "raster-sequential" if tool.endswith("-rs") else "feature-sequential"
        table = exact_extract(str(DEM), parcels, ["mean", "min", "max"], output="pandas", strategy=strategy)
        means = table["mean"].to_numpy()
    elif tool == "rasterstats":
        from rasterstats import zonal_stats as rs_zonal

        rows = rs_zonal(parcels, str(DEM), stats=["mean", "min", "max"])
        means = np.array([np.nan if r["mean"] is None else r["mean"] for r in rows], dtype=float)
    else:
        raise ValueError(tool)
    seconds = time.perf_counter() - t0
    peak = _peak_mb()
    np.save(out.with_suffix(".npy"), means)
    out.write_text(json.dumps({"seconds": seconds, "peak_mb": peak, "base_mb": base}))


def _peak_mb() -> float:
    """Peak resident memory of this process (MB): VmHWM, which starts afresh at exec
    (``ru_maxrss`` would carry over the parent's peak on Linux)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Build inputs, run every tool in its own subprocess, print a comparison table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip", action="append", default=[], choices=TOOLS)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child == "build":
        build_inputs()
        return 0
    if args.child:
        _run_one(args.child, Path(args.out))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", "build", "--out", "-"], check=True)
    log.info("inputs ready in %.1f s: %s, %s", time.perf_counter() - t, DEM.name, PARCELS.name)
    results: dict[str, dict[str, float]] = {}
    means: dict[str, np.ndarray] = {}
    for tool in TOOLS:
        if tool in args.skip:
            continue
        runs = []
        for _ in range(1 if tool == "rasterstats" else args.repeat):
            out = DATA / f"result_{tool}.json"
            subprocess.run(
                [sys.executable, __file__, "--child", tool, "--out", str(out)],
                check=True,
                cwd=DATA.parent.parent,
            )
            runs.append(json.loads(out.read_text()))
            means[tool] = np.load(out.with_suffix(".npy"))
        best = min(runs, key=lambda r: r["seconds"])
        results[tool] = {**best, "peak_mb": max(r["peak_mb"] for r in runs)}
    log.info(
        "\n%d parcels over a %d×%d int16 DEM (10 m), mean/min/max; best of %d runs",
        N,
        SIZE,
        SIZE,
        args.repeat,
    )
    log.info(
        "%-16s %9s %12s %12s %12s %s",
        "tool",
        "time s",
        "peak RSS MB",
        "base MB",
        "stats MB",
        "mean vs landkit",
    )
    ref = means.get("landkit")
    for tool, r in results.items():
        agree = ""
        if ref is not None and tool in means and tool != "landkit":
            d = np.abs(means[tool] - ref)
            agree = f"max |Δ| {np.nanmax(d):.2e} m, median {np.nanmedian(d):.2e} m"
        log.info(
            "%-16s %9.2f %12.0f %12.0f %12.0f %s",
            tool, r["seconds"], r["peak_mb"], r["base_mb"], r["peak_mb"] - r["base_mb"], agree,
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

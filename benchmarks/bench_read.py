"""Benchmark: read + validate + geodesic area of a 100k-parcel GBK shapefile, beside pyogrio's plain read.

Goal (issue 2): landkit's full load (read_parcels + validate) within 2x of ``pyogrio.read_dataframe`` on the
same file, measured in the same run. Usage::

    python benchmarks/bench_read.py [--parcels 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

import landkit
from landkit.sample import synthetic_parcels

DATA = Path(__file__).resolve().parent / "_data"


def make_shapefile(n: int) -> Path:
    """A GBK shapefile without .cpg/.prj: 19-vertex parcels over 洪江市 (synthetic_parcels), pinyin
    headers, Chinese text."""
    path = DATA / f"gbk_{n}.shp"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    src = synthetic_parcels(n, seed=0, crs=4525)  # CGCS2000 3° GK zone 37, easting with zone prefix
    polys = src.geometry.to_numpy()
    g = gpd.GeoDataFrame(
        {
            "ZDDM": src["parcel_id"].to_numpy(),
            "XMMC": src["name"].to_numpy(),
            "TDSYQR": [f"洪江市某某实业有限公司{k % 977}" for k in range(n)],
            "SZX": src["township"].to_numpy(),
            "DLBM": np.where(np.arange(n) % 2 == 0, "100101", "100102"),
            "FLTX": "用地用海分类",
            "YDDGRQ": [f"20{15 + k % 8}年{k % 12 + 1}月{k % 28 + 1}日" for k in range(n)],
            "CRJK": src["asking_price"].fillna(100.0).round(2).to_numpy(),
            "TDMJ": (shapely.area(polys) / (10000 / 15)).round(4),
        },
        geometry=polys,
        crs=None,
    )
    pyogrio.write_dataframe(g, path, encoding="GBK")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    with open(path.with_suffix(".dbf"), "r+b") as fh:
        fh.seek(29)
        fh.write(b"\x00")
    return path


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = make_shapefile(args.parcels)
    size = sum(p.stat().st_size for p in path.parent.glob(f"{path.stem}.*")) / 2**20

    def plain() -> None:
        pyogrio.read_dataframe(path, encoding="GB18030", use_arrow=True)

    def plain_no_arrow() -> None:
        pyogrio.read_dataframe(path, encoding="GB18030")

    def full() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = landkit.read_parcels(path, category="idle")
        landkit.validate(g)

    t_plain = timed(plain, args.repeat)
    t_plain_na = timed(plain_no_arrow, args.repeat)
    t_full = timed(full, args.repeat)
    print(f"{args.parcels:,} parcels, 19 vertices each, GBK DBF without .cpg/.prj ({size:.1f} MB)")
    print(f"  pyogrio.read_dataframe (arrow, encoding given) : {t_plain:7.2f} s")
    print(f"  pyogrio.read_dataframe (no arrow)              : {t_plain_na:7.2f} s")
    print(f"  landkit read_parcels + validate (detects GBK,  : {t_full:7.2f} s")
    print("    infers CRS, maps headers, parses dates, geodesic areas, all checks)")
    print(f"  ratio landkit / pyogrio arrow = {t_full / t_plain:.2f}x  (goal <= 2x)")
    print(f"  ratio landkit / pyogrio no-arrow = {t_full / t_plain_na:.2f}x")


if __name__ == "__main__":
    main()

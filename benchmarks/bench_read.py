"""Benchmark: read + validate + geodesic area of a 100k-parcel GBK shapefile, beside pyogrio's plain read.

Goal (issue 2): landkit's full load (read_parcels + validate) within 2x of ``pyogrio.read_dataframe`` on the
same file, measured in the same run (best of ``--repeat`` for every peer). The peers must read the same
宗地代码, the same decoded names and the same vertices (to 1e-6 m), else the script exits 1. Figures go to
``benchmarks/results/bench_read.json``. Usage::

    python benchmarks/bench_read.py [--parcels 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from _results import agree, assert_agree, best_of, crashed, row, write_results

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = make_shapefile(args.parcels)
    size = sum(p.stat().st_size for p in path.parent.glob(f"{path.stem}.*")) / 2**20

    def full() -> gpd.GeoDataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = landkit.read_parcels(path, category="idle")
        landkit.validate(g)
        return g

    t_full, ours = best_of(full, args.repeat)
    times, checks = {}, []
    for peer, arrow in (("pyogrio_arrow", True), ("pyogrio", False)):
        try:
            times[peer], theirs = best_of(
                lambda a=arrow: pyogrio.read_dataframe(path, encoding="GB18030", use_arrow=a), args.repeat
            )
        except Exception as exc:  # noqa: BLE001 - a crashing peer is reported as a failed check
            checks.append(crashed(peer, exc))
            continue
        checks += [
            agree(peer, list(ours["parcel_id"]), list(theirs["ZDDM"]), what="宗地代码 (exact)"),
            agree(peer, list(ours["name"]), list(theirs["XMMC"]), what="GBK names decoded (exact)"),
            agree(peer, _coords(ours), _coords(theirs), atol=1e-6, what="vertex coordinates (m, atol 1e-6)"),
        ]
    print(f"{args.parcels:,} parcels, 19 vertices each, GBK DBF without .cpg/.prj ({size:.1f} MB); best of "
          f"{args.repeat}")  # fmt: skip
    print(f"  landkit read_parcels + validate (detects GBK, infers CRS, maps headers, parses dates, "
          f"geodesic areas, all checks): {t_full:.2f} s")  # fmt: skip
    for peer, t in times.items():
        print(
            f"  {peer:14s} read_dataframe (encoding given): {t:.2f} s  → landkit / peer = {t_full / t:.2f}×"
        )
    peers = ", ".join(f"{p} {t:.2f} s ({t_full / t:.2f}×)" for p, t in times.items())
    write_results(
        "bench_read",
        figures={"parcels": args.parcels, "file_mb": round(size, 1), "landkit_s": t_full, "peer_s": times},
        checks=checks,
        params=vars(args),
        table=[
            row(
                f"read + validate + geodesic area, {args.parcels:,}-parcel GBK shapefile without .cpg/.prj "
                f"(goal ≤ 2× pyogrio arrow)",
                landkit=f"{t_full:.2f} s",
                peers=peers,
            )
        ],
    )
    assert_agree(checks)


def _coords(g: gpd.GeoDataFrame) -> np.ndarray:
    return shapely.get_coordinates(g.geometry.to_numpy())


if __name__ == "__main__":
    main()

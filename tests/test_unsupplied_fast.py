"""The fast paths behind 批而未供: cached transforms, threaded shapely, zone pairs, remainders with holes.

Each is checked against the plain computation it replaces (pyproj ``Transformer.from_crs``, one
unthreaded shapely call, ``contains_properly`` and the long join, ``shapely.difference``).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from landkit._parallel import WORKER_PREFIX, threaded
from landkit._transformers import transformer
from landkit.area import geodesic_area
from landkit.errors import LandkitError
from landkit.indicators import unsupplied
from landkit.indicators._dates import last_day
from landkit.indicators._pieces import pieces as _pieces
from landkit.indicators._remainder import remainders, touching
from landkit.zones import join_zones, polygon_pairs, zone_pairs

LAEA = pyproj.CRS.from_proj4("+proj=laea +lat_0=27.2 +lon_0=110.1 +ellps=GRS80 +units=m +no_defs")


@pytest.mark.parametrize(
    ("src", "x", "y"),
    [
        (pyproj.CRS(4546), (380_000, 520_000), (2_990_000, 3_060_000)),  # Gauss-Krüger, CGCS2000
        (pyproj.CRS(4490), (109.5, 110.6), (26.9, 27.5)),  # CGCS2000 lon/lat
        (pyproj.CRS(4326), (109.5, 110.6), (26.9, 27.5)),  # WGS 84 lon/lat: PROJ's own operation
        (pyproj.CRS(32649), (380_000, 520_000), (2_990_000, 3_060_000)),  # UTM 49N
        (pyproj.CRS(2383), (380_000, 520_000), (2_990_000, 3_060_000)),  # Xian 1980 GK
    ],
)
def test_cached_equal_area_transform_equals_pyproj(src: pyproj.CRS, x: tuple, y: tuple) -> None:
    rng = np.random.default_rng(7)
    xs, ys = rng.uniform(*x, 500), rng.uniform(*y, 500)
    ref_x, ref_y = pyproj.Transformer.from_crs(src, LAEA, always_xy=True).transform(xs, ys)
    got_x, got_y = transformer(src, LAEA)(xs, ys)
    assert np.abs(got_x - ref_x).max() < 1e-6
    assert np.abs(got_y - ref_y).max() < 1e-6
    assert transformer(src, LAEA) is transformer(src, LAEA)


def test_threaded_shapely_equals_one_call() -> None:
    rng = np.random.default_rng(3)
    c = rng.uniform(0, 1000, (30_000, 2))
    a = shapely.box(c[:, 0], c[:, 1], c[:, 0] + 20, c[:, 1] + 20)
    b = shapely.buffer(shapely.points(c + 15), 8)
    assert (threaded(shapely.intersects, a, b, threads=2) == shapely.intersects(a, b)).all()
    assert threaded(shapely.area, shapely.union(a, b), threads=2, min_size=1) == pytest.approx(
        shapely.area(shapely.union(a, b)), rel=1e-12
    )
    assert threaded(shapely.is_valid, a[:10], threads=2).tolist() == [True] * 10  # small: one call


def test_threaded_runs_inline_inside_a_worker() -> None:
    """Work started inside a landkit worker (a zone-join chunk) stays in that thread: no nested pools."""
    names: list[str] = []

    def record(a: np.ndarray) -> np.ndarray:
        names.append(threading.current_thread().name)
        return a

    assert (threaded(record, np.arange(50_000), threads=2) == np.arange(50_000)).all()
    assert len(names) == 2  # split in two at the top level
    names.clear()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=WORKER_PREFIX) as pool:
        pool.submit(threaded, record, np.arange(50_000), threads=2).result()
    assert len(names) == 1
    assert names[0].startswith(WORKER_PREFIX)


def _parcels_and_zones() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(11)
    zones = gpd.GeoDataFrame(
        {"zone_id": list("abcd"), "name": list("甲乙丙丁"), "kind": ["乡镇"] * 4},
        geometry=[shapely.box(400_000 + 500 * k, 3e6, 400_500 + 500 * k, 3_000_500) for k in range(4)],
        crs=4546,
    )
    c = rng.uniform([399_900, 2_999_900], [402_100, 3_000_600], (600, 2))
    parcels = gpd.GeoDataFrame(geometry=shapely.box(c[:, 0], c[:, 1], c[:, 0] + 40, c[:, 1] + 30), crs=4546)
    return parcels, zones


def test_zone_pairs_equal_the_long_join_and_contains_properly() -> None:
    parcels, zones = _parcels_and_zones()
    pairs = zone_pairs(parcels, zones)
    long = join_zones(parcels, zones, outside=False)
    mine = pd.Series(pairs.area_m2, index=pd.MultiIndex.from_arrays([pairs.parcel_pos, pairs.zone_pos]))
    theirs = pd.Series(
        long["overlap_m2"].to_numpy(),
        index=pd.MultiIndex.from_arrays(
            [long["parcel"].to_numpy(), long["zone_id"].map("abcd".index).to_numpy()]
        ),
    )
    assert mine.sort_index().index.equals(theirs.sort_index().index)
    assert mine.sort_index().to_numpy() == pytest.approx(theirs.sort_index().to_numpy(), rel=1e-12)
    z, p = zones.geometry.to_numpy(), parcels.geometry.to_numpy()
    assert pairs.inside.tolist() == shapely.contains_properly(z[pairs.zone_pos], p[pairs.parcel_pos]).tolist()
    assert pairs.n_zones == 4


@pytest.mark.parametrize("n_zones", [4, 900])  # fewer zones than parcels, and more: the tree on either side
def test_polygon_pairs_equal_a_plain_shapely_overlay(n_zones: int) -> None:
    rng = np.random.default_rng(n_zones)
    side = int(np.ceil(np.sqrt(n_zones)))
    k = np.arange(n_zones)
    zx, zy = 400_000 + 2000 * (k % side) / side, 3e6 + 2000 * (k // side) / side
    size = 2000 / side
    zones = shapely.box(zx, zy, zx + size * 0.95, zy + size * 0.95)
    c = rng.uniform([399_900, 2_999_900], [402_100, 3_002_100], (600, 2))
    parcels = shapely.box(c[:, 0], c[:, 1], c[:, 0] + 40, c[:, 1] + 30)
    got = polygon_pairs(parcels, zones, crs=4546, kind="批次")
    zi, pi = shapely.STRtree(parcels).query(zones, predicate="intersects")
    cut = shapely.intersection(zones[zi], parcels[pi])
    area = geodesic_area(gpd.GeoSeries(cut, crs=4546), method="geod").to_numpy()
    keep = area > 0
    ref = pd.Series(area[keep], index=pd.MultiIndex.from_arrays([pi[keep], zi[keep]])).sort_index()
    mine = pd.Series(
        got.area_m2, index=pd.MultiIndex.from_arrays([got.parcel_pos, got.zone_pos])
    ).sort_index()
    assert mine.index.equals(ref.index)
    assert mine.to_numpy() == pytest.approx(ref.to_numpy(), rel=1e-7, abs=1e-4)  # Geod: ≈ 1e-5 m² noise
    assert (
        got.inside.tolist()
        == shapely.contains_properly(zones[got.zone_pos], parcels[got.parcel_pos]).tolist()
    )
    assert got.n_zones == n_zones


def test_batches_without_an_outline_are_refused() -> None:
    b = gpd.GeoDataFrame(
        {"batch_name": ["甲批次", "乙批次"], "approval_date": pd.to_datetime(["2020-05-01", "2020-06-01"])},
        geometry=[shapely.box(400_000, 3e6, 400_100, 3_000_100), None],
        crs=4546,
    )
    s = gpd.GeoDataFrame(
        {"contract_date": pd.to_datetime(["2021-01-01"])},
        geometry=[shapely.box(400_000, 3e6, 400_050, 3_000_050)],
        crs=4546,
    )
    with pytest.raises(LandkitError, match="乙批次"):
        unsupplied(b, s, as_of="2024-12-31")


def _remainder_case() -> tuple[np.ndarray, np.ndarray]:
    """Batches (one with a hole, one multi-part) and disjoint-interior pieces: inside, touching each
    other, crossing an edge, touching the shell from inside, with a hole, filling a batch."""
    with_hole = shapely.Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(40, 40), (60, 40), (60, 60), (40, 60)]]
    )
    two_parts = shapely.MultiPolygon([shapely.box(200, 0, 250, 50), shapely.box(260, 0, 300, 50)])
    batches = np.array([with_hole, two_parts, shapely.box(400, 0, 500, 100), shapely.box(600, 0, 700, 100)])
    donut = shapely.box(410, 10, 440, 40).difference(shapely.box(420, 20, 430, 30))
    pieces = np.array(
        [
            shapely.box(10, 10, 20, 20),  # a hole
            shapely.box(25, 10, 35, 20),  # a hole
            shapely.box(70, 70, 80, 80),  # touches the next: GEOS
            shapely.box(80, 70, 90, 80),
            shapely.box(90, 5, 110, 15),  # crosses the edge: GEOS
            shapely.box(210, 10, 220, 20),  # inside a multi-part batch
            donut,  # has a hole of its own
            shapely.box(460, 60, 470, 70),  # a hole next to the donut
            shapely.box(450, 0, 460, 10),  # touches the shell from inside
            shapely.box(600, 0, 700, 100),  # the whole batch
            shapely.box(10, 60, 20, 70),  # a hole
        ]
    )
    return batches, pieces


@pytest.mark.parametrize("z", [False, True])  # built from coordinates, or from rings keeping Z
def test_remainders_equal_shapely_difference_and_are_valid(z: bool) -> None:
    batches, pieces = _remainder_case()
    if z:
        batches, pieces = shapely.force_3d(batches, 5.0), shapely.force_3d(pieces, 5.0)
    b, p = shapely.STRtree(pieces).query(batches, predicate="intersects")
    overlap = shapely.area(shapely.intersection(batches[b], pieces[p])) > 0
    b, p = b[overlap], p[overlap]
    inside = shapely.contains_properly(batches[b], pieces[p])
    got = remainders(batches, pieces, batch_pos=b, piece_pos=p, inside=inside)
    expected = np.array(
        [shapely.difference(batches[k], shapely.union_all(pieces[p[b == k]])) for k in range(4)]
    )
    assert shapely.is_valid(got).all()
    assert shapely.area(shapely.symmetric_difference(got, expected)) == pytest.approx([0] * 4, abs=1e-9)
    assert shapely.get_num_interior_rings(got[0]) >= 4  # the batch's own hole and the three piece holes
    assert shapely.is_empty(got[3]) or shapely.area(got[3]) == 0
    assert bool(shapely.has_z(got[0])) == z


def test_pieces_know_which_supplies_touch_nothing() -> None:
    """Supply pieces flag the pieces that touch no other (their holes skip GEOS): the same answer as
    ``touching``, for supplies standing alone and for dissolved ones."""
    rng = np.random.default_rng(8)
    c = rng.uniform(0, 2000, (3000, 2))
    w = rng.uniform(5, 60, (3000, 2))
    geoms = shapely.box(c[:, 0], c[:, 1], c[:, 0] + w[:, 0], c[:, 1] + w[:, 1])
    geoms[:50] = shapely.box(c[50:100, 0] + w[50:100, 0], c[50:100, 1], c[50:100, 0] + 80, c[50:100, 1] + 9)
    pieces, lonely = _pieces(geoms)
    dissolved = ~np.isin(shapely.to_wkb(pieces), shapely.to_wkb(geoms))
    assert lonely.tolist() == (~touching(pieces)).tolist()
    assert 0 < lonely.sum() < len(pieces)
    assert (lonely & dissolved).any()
    assert (~lonely & dissolved).any()


def test_touching_sees_shared_edges_and_corners() -> None:
    polys = np.array(
        [shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2), shapely.box(3, 0, 4, 1), shapely.box(5, 5, 6, 6)]
    )
    polys = np.concatenate([polys, np.array([shapely.box(3.5, 0.5, 4.5, 1.5)])])
    assert touching(polys).tolist() == [True, True, True, False, True]


def test_last_day_takes_the_widest_period_for_an_unknown_precision() -> None:
    f = pd.DataFrame(
        {
            "d": pd.to_datetime(["2023-02-01", "2023-02-01", "2023-02-01", "2023-02-07"]),
            "d_precision": ["month", "year", "quarter", "day"],
        }
    )
    assert [str(x.date()) for x in last_day(f, "d")] == [
        "2023-02-28",
        "2023-12-31",
        "2023-12-31",
        "2023-02-07",
    ]

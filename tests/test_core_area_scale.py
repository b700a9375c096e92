"""The interpolated areal scale factor and numpy centroids behind the Transverse Mercator area shortcut."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from landkit.area import _areal_scale, _centroids, geodesic_area
from landkit.zones import join_zones, zone_totals


def _exact(crs: pyproj.CRS, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lon, lat = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(x, y)
    return np.asarray(pyproj.Proj(crs).get_factors(lon, lat).areal_scale)


@pytest.mark.parametrize(
    ("epsg", "x", "y"),
    [
        (4546, (470_000, 530_000), (3_000_000, 3_060_000)),  # a county near the central meridian
        (4546, (340_000, 660_000), (2_000_000, 4_500_000)),  # a whole 3° zone, edge to edge
        (32649, (200_000, 800_000), (10_000, 5_000_000)),  # a UTM zone
        (2383, (300_000, 700_000), (2_500_000, 4_000_000)),  # Xian 1980
    ],
)
def test_interpolated_scale_matches_pyproj(epsg: int, x: tuple[float, float], y: tuple[float, float]) -> None:
    crs = pyproj.CRS(epsg)
    rng = np.random.default_rng(epsg)
    # clustered points (the interpolated path) and a scattered handful (the exact path)
    centres = np.column_stack([rng.uniform(*x, 40), rng.uniform(*y, 40)])
    pts = centres[rng.integers(0, 40, 20_000)] + rng.normal(0, 3_000, (20_000, 2))
    for xs, ys in ((pts[:, 0], pts[:, 1]), (rng.uniform(*x, 50), rng.uniform(*y, 50))):
        got = _areal_scale(crs, xs, ys)
        assert np.abs(got / _exact(crs, xs, ys) - 1).max() < 1e-10


def test_scale_of_missing_points_is_nan() -> None:
    got = _areal_scale(pyproj.CRS(4546), np.array([np.nan, 500_000.0]), np.array([3e6, 3e6]))
    assert np.isnan(got[0])
    assert got[1] == pytest.approx(_exact(pyproj.CRS(4546), np.array([5e5]), np.array([3e6]))[0])


def test_numpy_centroids_match_geos() -> None:
    rng = np.random.default_rng(3)
    c = rng.uniform(3_000_000, 3_100_000, (500, 2))
    geoms = np.concatenate(
        [
            shapely.buffer(shapely.points(c[:300]), rng.uniform(5, 300, 300), quad_segs=3),  # one ring
            [shapely.box(*p, *(p + 100)).difference(shapely.box(*(p + 10), *(p + 30))) for p in c[300:350]],
            [
                shapely.MultiPolygon([shapely.box(*p, *(p + 5)), shapely.box(*(p + 50), *(p + 80))])
                for p in c[350:]
            ],
            [shapely.Polygon(), None],
        ]
    )
    coords, part = shapely.get_coordinates(geoms, return_index=True)
    cx, cy = _centroids(geoms, coords, part)
    ref = shapely.centroid(geoms[:-2])
    assert np.allclose(cx[:-2], shapely.get_x(ref), rtol=0, atol=1e-6)
    assert np.allclose(cy[:-2], shapely.get_y(ref), rtol=0, atol=1e-6)
    assert np.isnan(cx[-2:]).all()


def test_tm_areas_still_match_geod() -> None:
    rng = np.random.default_rng(9)
    c = rng.uniform([380_000, 2_950_000], [620_000, 3_150_000], (300, 2))
    g = gpd.GeoSeries(shapely.buffer(shapely.points(c), rng.uniform(20, 400, 300), quad_segs=4), crs=4546)
    fast, ref = geodesic_area(g).to_numpy(), geodesic_area(g, method="geod").to_numpy()
    assert np.abs(fast / ref - 1).max() < 1e-7


def test_zone_totals_equal_the_long_join() -> None:
    rng = np.random.default_rng(4)
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a", "b", "c"], "name": ["甲", "乙", "丙"], "kind": ["乡镇"] * 3},
        geometry=[shapely.box(400_000 + 1000 * k, 3e6, 401_000 + 1000 * k, 3_001_000) for k in range(3)],
        crs=4546,
    )
    c = rng.uniform([399_800, 2_999_800], [403_200, 3_001_200], (400, 2))
    parcels = gpd.GeoDataFrame(geometry=shapely.box(c[:, 0], c[:, 1], c[:, 0] + 90, c[:, 1] + 60), crs=4546)
    m2, n = zone_totals(parcels, zones)
    long = join_zones(parcels, zones, outside=False)
    by = long.groupby("zone_id")
    assert m2 == pytest.approx(by["overlap_m2"].sum().reindex(["a", "b", "c"]).to_numpy(), rel=1e-12)
    assert n.tolist() == by.size().reindex(["a", "b", "c"]).tolist()

"""The interpolated areal scale factor and numpy centroids behind the Transverse Mercator area shortcut."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
import shapely.affinity

from landkit.area import (
    _EDGE_BOUND,
    _areal_scale,
    _centroids_and_areas,
    _extent,
    _tm_areas,
    geodesic_area,
)
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
    cx, cy, area = _centroids_and_areas(geoms, coords, part)
    ref = shapely.centroid(geoms[:-2])
    assert np.allclose(cx[:-2], shapely.get_x(ref), rtol=0, atol=1e-6)
    assert np.allclose(cy[:-2], shapely.get_y(ref), rtol=0, atol=1e-6)
    assert np.isnan(cx[-2:]).all()
    assert area[:-1] == pytest.approx(shapely.area(geoms[:-1]), rel=1e-12, abs=1e-9)
    bounds = shapely.bounds(geoms[:-2])
    assert _extent(coords[:, 0], part, len(geoms))[:-2] == pytest.approx(
        bounds[:, 2] - bounds[:, 0], abs=1e-9
    )


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


def _star_polygons(rng: np.random.Generator, x: tuple[float, float], n: int) -> np.ndarray:
    """Simple polygons of 3–8 vertices, 10 m to 20 km across, some squeezed thin, all rotated."""
    out = []
    for _ in range(n):
        c = np.array([rng.uniform(*x), rng.uniform(3.0e6, 3.2e6)])
        m = int(rng.integers(3, 9))
        ang = np.sort(rng.uniform(0, 2 * np.pi, m))
        r = 10 ** rng.uniform(1, 4.3) * rng.uniform(0.2, 1, m)
        pts = np.column_stack([r * np.cos(ang), r * np.sin(ang) * rng.choice([1, 0.3, 0.02])])
        th = rng.uniform(0, np.pi)
        rot = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
        out.append(shapely.Polygon(c + pts @ rot.T))
    return np.array(out)


@pytest.mark.parametrize(("epsg", "x"), [(4546, (340_000, 660_000)), (32649, (180_000, 820_000))])
def test_tm_error_bound_covers_the_error(epsg: int, x: tuple[float, float]) -> None:
    """The shortcut's a-priori bound against pyproj.Geod on the CRS's own ellipsoid, over shapes from
    compact to thin and 10 m to 20 km, across a whole zone (Geod's own noise: ≈ 1e-5 m²)."""
    crs = pyproj.CRS(epsg)
    geoms = _star_polygons(np.random.default_rng(epsg), x, 300)
    areas, bound = _tm_areas(geoms, crs, 0.0)
    to_ll = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    geod = pyproj.Geod(ellps="GRS80" if epsg == 4546 else "WGS84")
    ref = np.array([abs(geod.polygon_area_perimeter(*to_ll.transform(*g.exterior.xy))[0]) for g in geoms])
    assert (np.abs(areas - ref) <= bound * ref + 1e-4).all()
    taken = bound < _EDGE_BOUND
    assert 0.2 < taken.mean() < 0.8  # the bound decides: neither all nor none
    assert (np.abs(areas / ref - 1)[taken & (ref > 1e4)] < 1e-7).all()


def test_compact_parcels_far_from_the_central_meridian_take_the_shortcut() -> None:
    """Opposite edges bow the same way: a 600 m block 130 km off the meridian is within 1e-7 (the
    unsigned sum of the edges' bows alone would be 6e-7 and send it to the slower projection)."""
    g = np.array([shapely.box(370_000, 3e6, 370_600, 3_000_600), shapely.Polygon([(0, 0), (1, 0), (0, 1)])])
    g[1] = shapely.affinity.rotate(shapely.box(640_000, 3.1e6, 640_900, 3_100_400), 25)
    _, bound = _tm_areas(g, pyproj.CRS(4546), 0.0)
    assert (bound < _EDGE_BOUND).all()


def test_other_ellipsoids_are_measured_on_grs80() -> None:
    """Xian 1980's Gauss-Krüger CRS is on IAG 1975: its scale factor would measure ≈ 1e-6 off GRS80."""
    rng = np.random.default_rng(5)
    c = rng.uniform([380_000, 2_950_000], [620_000, 3_150_000], (50, 2))
    g = gpd.GeoSeries(shapely.box(c[:, 0], c[:, 1], c[:, 0] + 300, c[:, 1] + 200), crs=2383)
    fast, ref = geodesic_area(g).to_numpy(), geodesic_area(g, method="geod").to_numpy()
    assert np.abs(fast / ref - 1).max() < 2e-7

"""CRS inference, legacy datums, geodesic areas and GCJ-02/BD-09 shifts against independent answers."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely.geometry import box

import landkit
from landkit.crs import CRSInferenceWarning, DatumWarning, check_datum, gk_epsg, infer_crs, to_cgcs2000
from landkit.errors import CRSInferenceError
from landkit.gcj02 import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    shift_geometries,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from landkit.units import MU_M2

SEAT = (109.819, 27.191)  # 黔城镇, lon/lat


def _gk(epsg: int) -> tuple[float, float]:
    return pyproj.Transformer.from_crs(4490, epsg, always_xy=True).transform(*SEAT)


@pytest.mark.parametrize("epsg", [4525, 4546, 4497, 4508])
def test_inference_recovers_the_true_crs(epsg: int) -> None:
    x, y = _gk(epsg)
    with pytest.warns(CRSInferenceWarning, match=f"EPSG:{4546 if epsg == 4508 else epsg}"):
        got = infer_crs((x - 500, y - 500, x + 500, y + 500))
    # 3° CM 111 and 6° CM 111 (4546/4508) are the same projection: either is right
    assert pyproj.CRS.from_epsg(epsg).equals(got) or {epsg, got.to_epsg()} == {4546, 4508}
    back = pyproj.Transformer.from_crs(got, 4490, always_xy=True).transform(x, y)
    assert back == pytest.approx(SEAT, abs=1e-9)


def test_lonlat_is_taken_as_cgcs2000_with_a_warning() -> None:
    with pytest.warns(CRSInferenceWarning, match="4490"):
        assert infer_crs((109.6, 27.0, 110.4, 27.4)).to_epsg() == 4490


def test_inference_refuses_when_it_cannot_decide() -> None:
    with pytest.raises(CRSInferenceError, match="crs="):
        infer_crs((5_000_000, 100, 5_000_100, 200), warn=False)  # no system has such eastings
    with pytest.raises(CRSInferenceError, match="region"):
        infer_crs((400000, 3_000_000, 400100, 3_000_100), region=(80.0, 40.0, 81.0, 41.0), warn=False)
    with pytest.raises(CRSInferenceError, match="prefixes"):
        infer_crs((37_900_000, 3_000_000, 38_100_000, 3_000_100), warn=False)


def test_gk_epsg_table() -> None:
    assert gk_epsg(zone_width=3, central_meridian=111, prefixed=True) == 4525
    assert gk_epsg(zone_width=3, central_meridian=111, prefixed=False) == 4546
    assert gk_epsg(zone_width=6, central_meridian=111, prefixed=True) == 4497
    assert gk_epsg(zone_width=6, central_meridian=111, prefixed=False) == 4508
    for w, cm, pre in [(3, 75, True), (3, 135, False), (6, 75, True), (6, 135, False)]:
        crs = pyproj.CRS.from_epsg(gk_epsg(zone_width=w, central_meridian=cm, prefixed=pre))  # type: ignore[arg-type]
        assert ("CGCS2000" in crs.name and str(cm) in crs.name.replace("zone", "")) or crs.name.startswith(
            "CGCS2000"
        )


def test_legacy_datums_warn() -> None:
    with pytest.warns(DatumWarning, match="to_cgcs2000"):
        assert check_datum(2382) == "xian1980"
    with pytest.warns(DatumWarning):
        assert check_datum(2434) == "beijing1954"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_datum(4546) == "cgcs2000"


def test_seven_parameter_transformation_matches_pyproj_helmert() -> None:
    params = (-20.0, 130.0, 80.0, 1.2, -0.8, 2.5, 3.0)  # dx dy dz [m], rx ry rz ["], ds [ppm]
    with pytest.warns(DatumWarning):
        check_datum(2382)
    x, y = pyproj.Transformer.from_crs(4490, 2382, always_xy=True).transform(*SEAT)
    src = gpd.GeoDataFrame(geometry=gpd.points_from_xy([x], [y]), crs=2382)
    out = to_cgcs2000(src, params=params, convention="position_vector")
    assert out.crs.to_epsg() == 4546
    # independent: geocentric Helmert with PROJ's own pipeline (Xian 1980 = IAG 1975 ellipsoid)
    pipe = pyproj.Transformer.from_pipeline(
        "+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=500000 +y_0=0 +ellps=IAU76 "
        "+step +proj=cart +ellps=IAU76 "
        f"+step +proj=helmert +x={params[0]} +y={params[1]} +z={params[2]} +rx={params[3]} +ry={params[4]} "
        f"+rz={params[5]} +s={params[6]} +convention=position_vector "
        "+step +inv +proj=cart +ellps=GRS80 "
        "+step +proj=tmerc +lat_0=0 +lon_0=111 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80"
    )
    ex, ey = pipe.transform(x, y)
    assert out.geometry.x.iloc[0] == pytest.approx(ex, abs=0.01)
    assert out.geometry.y.iloc[0] == pytest.approx(ey, abs=0.01)
    shift = np.hypot(out.geometry.x.iloc[0] - x, out.geometry.y.iloc[0] - y)
    assert 50 < shift < 400  # parameters of this size move points by tens to hundreds of metres


def test_four_parameter_transformation_by_hand() -> None:
    src = gpd.GeoDataFrame(geometry=gpd.points_from_xy([400000.0], [3000000.0]), crs=2382)
    out = to_cgcs2000(src, params=(10.0, -20.0, 0.0, 1.0))  # no rotation, +1 ppm
    assert out.geometry.x.iloc[0] == pytest.approx(400000 * (1 + 1e-6) + 10.0, abs=1e-6)
    assert out.geometry.y.iloc[0] == pytest.approx(3000000 * (1 + 1e-6) - 20.0, abs=1e-6)
    assert out.crs.to_epsg() == 4546


def test_geodesic_area_matches_pyproj_geod_on_sample_parcels(sample_dir: Path) -> None:
    parcels = gpd.read_file(sample_dir / "parcels.gpkg").iloc[:300]
    geod = pyproj.Geod(ellps="GRS80")
    ll = parcels.to_crs(4490)
    expected = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in ll.geometry])
    got = landkit.geodesic_area(parcels).to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    planar = parcels.area.to_numpy()
    assert np.median(np.abs(planar / expected - 1)) > 1e-4  # planar GK areas are measurably off


def test_mu_is_exact() -> None:
    assert MU_M2 == 10000 / 15
    assert landkit.m2_to_mu(10000.0) == 15.0
    g = landkit.add_area_columns(gpd.GeoDataFrame(geometry=[box(109.8, 27.19, 109.81, 27.2)], crs=4490))
    assert g["area_mu"].iloc[0] * MU_M2 == pytest.approx(g["area_m2"].iloc[0], rel=1e-12)
    assert g["area_ha"].iloc[0] * 15 == pytest.approx(g["area_mu"].iloc[0], rel=1e-12)


def test_real_boundary_area_and_gcj02_shift(realdata: Path) -> None:
    hj = gpd.read_file(realdata / "hongjiang_431281_datav_gcj02.json")
    km2 = landkit.geodesic_area(hj).iloc[0] / 1e6
    assert km2 == pytest.approx(2293, rel=0.005)  # larger than the official 2173.54 km² (generalised)
    wgs = shift_geometries(hj, source="gcj02", target="wgs84")
    c0, c1 = hj.to_crs(4546).geometry.iloc[0].centroid, wgs.to_crs(4546).geometry.iloc[0].centroid
    assert c1.x - c0.x == pytest.approx(
        -460, abs=40
    )  # data moves back W/N: GCJ-02 shifted it +460 m E, −373 m N
    assert c1.y - c0.y == pytest.approx(373, abs=40)
    assert landkit.geodesic_area(wgs).iloc[0] / 1e6 == pytest.approx(
        km2, rel=1e-3
    )  # the shift varies a little


VECTORS = [  # DOMAIN.md §5: WGS84 (lat, lon) -> GCJ-02 (lat, lon)
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_gcj02_published_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert (float(lat), float(lon)) == pytest.approx(gcj, abs=1e-9)
    blon, blat = gcj02_to_wgs84(lon, lat)
    geod = pyproj.Geod(ellps="WGS84")
    assert geod.inv(float(blon), float(blat), wgs[1], wgs[0])[2] < 0.001  # < 1 mm


def test_gcj02_hongjiang_seat_and_no_shift_abroad() -> None:
    lon, lat = wgs84_to_gcj02(109.8083, 27.1928)
    assert (round(float(lat), 6), round(float(lon), 6)) == (27.189374, 109.812897)
    lon, lat = wgs84_to_gcj02(2.35, 48.85)  # Paris is outside China: unchanged
    assert (float(lon), float(lat)) == (2.35, 48.85)


def test_bd09_round_trips_vectorised() -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(100, 120, 1000), rng.uniform(20, 40, 1000)
    blon, blat = wgs84_to_bd09(lon, lat)
    # BD-09 lies ~ 1 km NE of GCJ-02, which lies ~ 0.5 km from WGS84
    glon, glat = wgs84_to_gcj02(lon, lat)
    d = pyproj.Geod(ellps="WGS84").inv(glon, glat, blon, blat)[2]
    assert (d > 100).all()
    assert (d < 2000).all()
    back = bd09_to_wgs84(blon, blat)
    d2 = pyproj.Geod(ellps="WGS84").inv(back[0], back[1], lon, lat)[2]
    assert d2.max() < 0.001
    g2 = bd09_to_gcj02(*gcj02_to_bd09(glon, glat))
    np.testing.assert_allclose(g2[0], glon, atol=1e-9)

"""Slope and terrain facts: planes with known slopes, geodesic pixel sizes, a real DEM vs rasterio.mask."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import rasterio
import rasterio.features
import rasterio.mask
import shapely
from affine import Affine
from shapely.geometry import box

from landkit.errors import DataFormatError
from landkit.raster import TERRAIN_COLUMNS, slope, terrain_stats, zonal_stats
from landkit.raster.slope import SLOPE_NODATA
from landkit.raster.terrain import terrain_config

X0, Y0 = 400_000.0, 3_000_000.0
REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
FORT_WORTH = REALDATA / "fortworth_dem_3arcsec.tif"


def write_dem(
    path: Path, z: np.ndarray, transform: Affine, *, crs: str = "EPSG:4546", nodata: float = -9999
) -> Path:
    with rasterio.open(
        path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32",
        crs=crs, transform=transform, nodata=nodata,
    ) as ds:  # fmt: skip
        ds.write(z.astype("float32"), 1)
    return path


def plane(
    tmp_path: Path, gx: float, gy: float, *, shape: tuple[int, int] = (30, 40), pixel: float = 10.0
) -> Path:
    """z = gx·east + gy·north (metres) on a 10 m grid: slope atan(hypot(gx, gy))."""
    rows, cols = np.indices(shape)
    east, north = cols * pixel, -rows * pixel
    return write_dem(
        tmp_path / "plane.tif", 100 + gx * east + gy * north, Affine(pixel, 0, X0, 0, -pixel, Y0)
    )


# --- slope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("gx", "gy"), [(0.5, 0.0), (0.0, 1.0), (0.3, -0.4), (0.0, 0.0)])
def test_slope_of_planes_is_exact_up_to_the_edges(tmp_path: Path, gx: float, gy: float) -> None:
    s = slope(plane(tmp_path, gx, gy))
    assert s.shape == (30, 40)
    assert s.dtype == np.float32
    np.testing.assert_allclose(s, np.degrees(np.arctan(np.hypot(gx, gy))), atol=1e-4)


def test_slope_keeps_nodata_and_fills_neighbours(tmp_path: Path) -> None:
    _rows, cols = np.indices((20, 20))
    z = 10.0 + 0.5 * cols * 10
    z[5:8, 6:9] = -9999
    z[0, 0] = -9999
    path = write_dem(tmp_path / "holes.tif", z, Affine(10, 0, X0, 0, -10, Y0))
    s = slope(path)
    assert np.isnan(s[5:8, 6:9]).all()
    assert np.isnan(s[0, 0])
    assert np.isfinite(s).sum() == 400 - 10
    np.testing.assert_allclose(s[np.isfinite(s)], np.degrees(np.arctan(0.5)), atol=1e-4)


def test_slope_on_a_geographic_dem_uses_geodesic_pixel_sizes(tmp_path: Path) -> None:
    # 0.001° pixels around 27.2° N (洪江): ~99 m wide, ~111 m high. Build ramps from pyproj.Geod
    # distances: the true slope is atan(g) everywhere.
    geod = pyproj.Geod(ellps="GRS80")
    h, w, g = 40, 50, 0.2
    lon0, lat0, step = 109.8, 27.2, 0.001
    lat = lat0 - step * (np.arange(h) + 0.5)
    lon = lon0 + step * (np.arange(w) + 0.5)
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    _, _, east = geod.inv(np.full_like(lon2, lon0), lat2, lon2, lat2)
    _, _, south = geod.inv(lon2, np.full_like(lat2, lat0), lon2, lat2)
    t = Affine(step, 0, lon0, 0, -step, lat0)
    s_east = slope(write_dem(tmp_path / "e.tif", g * east, t, crs="EPSG:4490"))
    np.testing.assert_allclose(s_east, np.degrees(np.arctan(g)), atol=2e-3)
    s_north = slope(write_dem(tmp_path / "n.tif", g * south, t, crs="EPSG:4490"))
    np.testing.assert_allclose(s_north, np.degrees(np.arctan(g)), atol=2e-3)
    # a naive 111.32 km-per-degree width would be 12% too wide here and give a wrong slope
    naive = np.degrees(np.arctan(g * (east[20, 21] - east[20, 20]) / (step * 111_320)))
    assert abs(naive - s_east[20, 20]) > 0.5


def test_slope_written_to_file(tmp_path: Path) -> None:
    src = plane(tmp_path, 0.3, 0.4, shape=(700, 30))  # taller than one 512-row strip
    out = slope(src, out=tmp_path / "slope.tif")
    assert out == tmp_path / "slope.tif"
    with rasterio.open(out) as ds, rasterio.open(src) as dem:
        assert ds.nodata == SLOPE_NODATA
        assert ds.transform == dem.transform
        assert ds.crs == dem.crs
        np.testing.assert_allclose(ds.read(1), np.degrees(np.arctan(0.5)), atol=1e-4)


def test_slope_refuses_rotated_rasters(tmp_path: Path) -> None:
    path = write_dem(tmp_path / "rot.tif", np.zeros((3, 3)), Affine(0, 10, X0, 10, 0, Y0))
    with pytest.raises(DataFormatError, match="rotated"):
        slope(path)


# --- terrain_stats ----------------------------------------------------------------------------


def test_terrain_stats_on_a_plane(tmp_path: Path) -> None:
    dem = plane(tmp_path, 0.5, 0.0)  # 26.57°, z = 100 + 0.5·east
    parcels = gpd.GeoDataFrame(geometry=[box(X0 + 100, Y0 - 200, X0 + 200, Y0 - 100)], crs=4546, index=[42])
    got = terrain_stats(parcels, dem)
    assert list(got.columns) == list(TERRAIN_COLUMNS)
    assert got.index.tolist() == [42]
    row = got.loc[42]
    # the parcel covers columns 10 … 19 whole, valued 100 + 5·column: mean 100 + 5·14.5
    assert row["elev_mean_m"] == pytest.approx(172.5)
    assert (row["elev_min_m"], row["elev_max_m"]) == pytest.approx((150.0, 195.0))
    assert row["slope_mean_deg"] == pytest.approx(26.565, abs=1e-3)
    assert row["slope_max_deg"] == pytest.approx(26.565, abs=1e-3)
    assert row["steep_share"] == 1.0
    assert terrain_stats(parcels, dem, steep_deg=30).loc[42, "steep_share"] == 0.0
    assert row["dem_valid_share"] == pytest.approx(1.0)
    assert terrain_config()["steep_deg"] == 25.0


def test_steep_share_is_area_weighted(tmp_path: Path) -> None:
    # flat west of east = 200 m, 0.8 (38.7°) east of it: compare with slope() and exact
    # pixel-box intersection areas from shapely
    _rows, cols = np.indices((30, 40))
    east = cols * 10.0
    z = np.where(east < 200, 0.0, 0.8 * (east - 200))
    dem = write_dem(tmp_path / "kink.tif", z, Affine(10, 0, X0, 0, -10, Y0))
    parcel = box(X0 + 133, Y0 - 210, X0 + 288, Y0 - 47)
    got = terrain_stats(gpd.GeoDataFrame(geometry=[parcel], crs=4546), dem)
    s = slope(dem)
    r, c = np.indices(s.shape)
    pixels = shapely.box(X0 + c * 10, Y0 - (r + 1) * 10, X0 + (c + 1) * 10, Y0 - r * 10)
    w = shapely.area(shapely.intersection(pixels, parcel))
    assert got.loc[0, "steep_share"] == pytest.approx((w * (s > 25)).sum() / w.sum())
    assert got.loc[0, "slope_mean_deg"] == pytest.approx((w * s).sum() / w.sum(), rel=1e-6)
    assert got.loc[0, "slope_max_deg"] == pytest.approx(s[w > 0].max())


# --- the real DEM (Fort Worth, 3″, EPSG:4326) --------------------------------------------------


@pytest.fixture(scope="module")
def real_parcels(realdata: Path) -> gpd.GeoDataFrame:
    assert FORT_WORTH.parent == realdata
    rng = np.random.default_rng(2026)
    with rasterio.open(FORT_WORTH) as ds:
        b = ds.bounds
    utm = gpd.GeoSeries([box(b.left, b.bottom, b.right, b.top)], crs=4326).to_crs(32614).total_bounds
    xy = rng.uniform(utm[:2] + 2000, utm[2:] - 2000, (60, 2))
    geoms = [
        shapely.affinity.rotate(
            box(x, y, x + rng.uniform(150, 1500), y + rng.uniform(150, 1500)), rng.uniform(0, 90)
        )
        for x, y in xy
    ]
    return gpd.GeoDataFrame({"n": range(60)}, geometry=geoms, crs=32614)


# rasterio.mask / rasterio.features still multiply Affine objects with `*` (affine ≥ 3.1 warns)
AFFINE_MUL = pytest.mark.filterwarnings("ignore:Use `@` matmul:PendingDeprecationWarning")


def _mask_values(ds: rasterio.io.DatasetReader, geom: object, *, all_touched: bool) -> np.ndarray:
    data, _ = rasterio.mask.mask(ds, [geom], crop=True, all_touched=all_touched, filled=False)
    return data[0].compressed().astype(float)


@AFFINE_MUL
def test_real_dem_against_rasterio_mask(real_parcels: gpd.GeoDataFrame) -> None:
    got = zonal_stats(real_parcels, FORT_WORTH, stats=("mean", "min", "max"))
    in_dem_crs = real_parcels.to_crs(4326).geometry
    with rasterio.open(FORT_WORTH) as ds:
        for i, geom in in_dem_crs.items():
            touched = _mask_values(ds, geom, all_touched=True)
            centres = _mask_values(ds, geom, all_touched=False)
            # min/max: every pixel the parcel covers with positive area
            assert got.loc[i, "min"] == touched.min()
            assert got.loc[i, "max"] == touched.max()
            # mean: coverage-weighted vs pixel-centre; they agree closely on real terrain
            assert got.loc[i, "mean"] == pytest.approx(centres.mean(), abs=1.5)
            # and match a 16× supersampled rasterio coverage estimate much more tightly
            assert got.loc[i, "mean"] == pytest.approx(_supersampled_mean(ds, geom), abs=0.05)
    np.testing.assert_allclose(got["valid_share"], 1.0)


def _supersampled_mean(ds: rasterio.io.DatasetReader, geom: object, k: int = 16) -> float:
    window = rasterio.features.geometry_window(ds, [geom])
    values = ds.read(1, window=window).astype(float)
    t = ds.window_transform(window)
    fine = Affine(t.a / k, t.b, t.c, t.d, t.e / k, t.f)
    inside = rasterio.features.geometry_mask(
        [geom], out_shape=(values.shape[0] * k, values.shape[1] * k), transform=fine, invert=True
    )
    weight = inside.reshape(values.shape[0], k, values.shape[1], k).mean(axis=(1, 3))
    return float((weight * values).sum() / weight.sum())


@AFFINE_MUL
def test_real_dem_terrain_stats(real_parcels: gpd.GeoDataFrame, tmp_path: Path) -> None:
    got = terrain_stats(real_parcels, FORT_WORTH)
    elev = zonal_stats(real_parcels, FORT_WORTH, stats=("mean",))
    np.testing.assert_allclose(got["elev_mean_m"], elev["mean"])
    slope_path = slope(FORT_WORTH, out=tmp_path / "fw_slope.tif")
    with rasterio.open(slope_path) as ds:
        for i, geom in real_parcels.to_crs(4326).geometry.items():
            touched = _mask_values(ds, geom, all_touched=True)
            assert got.loc[i, "slope_max_deg"] == pytest.approx(touched.max(), rel=1e-6)
    # Fort Worth is gentle: slopes of a few degrees, nothing near 25°
    assert 0 < got["slope_mean_deg"].median() < 5
    assert (got["steep_share"] == 0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(got.to_numpy()).all()


def test_terrain_threads_give_identical_results(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    z = np.cumsum(rng.normal(0, 4, (300, 300)), axis=0)
    dem = write_dem(tmp_path / "rough.tif", z, Affine(10, 0, X0, 0, -10, Y0))
    xy = rng.uniform([X0 + 100, Y0 - 2900], [X0 + 2900, Y0 - 100], (800, 2))
    parcels = gpd.GeoDataFrame(geometry=shapely.buffer(shapely.points(xy), rng.uniform(5, 90, 800)), crs=4546)
    one = terrain_stats(parcels, dem)
    two = terrain_stats(parcels, dem, threads=2)
    assert one.equals(two)
    assert one["steep_share"].between(0, 1).all()
    assert (one["steep_share"] > 0).any()

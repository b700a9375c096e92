"""Zonal statistics: hand-worked cases on tiny rasters, exact coverage vs shapely, exactextract."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from shapely.geometry import Polygon, box

from landkit.errors import CRSError, DataFormatError, LandkitWarning
from landkit.raster import STATS, zonal_stats
from landkit.raster._accumulate import Accumulator
from landkit.raster._blocks import plan_chunks
from landkit.raster._coverage import cell_coverage
from landkit.raster._engine import band_reader, run
from landkit.raster._source import to_pixels

X0, Y0 = 400_000.0, 3_000_000.0  # upper-left corner, EPSG:4546 (CGCS2000 GK zone 37)


def write_raster(
    path: Path, data: np.ndarray, *, pixel: float = 10.0, crs: str = "EPSG:4546", nodata: float | None = None
) -> Path:
    """A north-up GeoTIFF with its upper-left corner at (X0, Y0)."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype=data.dtype,
        crs=crs,
        transform=Affine(pixel, 0.0, X0, 0.0, -pixel, Y0),
        nodata=nodata,
    ) as ds:
        ds.write(data, 1)
    return path


def cells(x0: float, y0: float, x1: float, y1: float, *, pixel: float = 10.0) -> Polygon:
    """A box given in pixel units (column, row from the top-left), returned in map units."""
    return box(X0 + x0 * pixel, Y0 - y1 * pixel, X0 + x1 * pixel, Y0 - y0 * pixel)


def frame(*geoms: object, crs: str = "EPSG:4546", index: list[object] | None = None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms), crs=crs, index=index)


@pytest.fixture
def ramp(tmp_path: Path) -> Path:
    """20 × 20 pixels of 10 m; value = column index (0 … 19)."""
    return write_raster(tmp_path / "ramp.tif", np.tile(np.arange(20, dtype="float32"), (20, 1)))


# --- exact coverage ---------------------------------------------------------------------------


def _reference_fractions(g: Polygon) -> dict[tuple[int, int], float]:
    xmin, ymin, xmax, ymax = g.bounds
    keys = [
        (r, c)
        for r in range(int(np.floor(ymin)), int(np.ceil(ymax)))
        for c in range(int(np.floor(xmin)), int(np.ceil(xmax)))
    ]
    boxes = np.array([box(c, r, c + 1, r + 1) for r, c in keys])
    areas = shapely.area(shapely.intersection(boxes, g))
    return {k: a for k, a in zip(keys, areas, strict=True) if a > 1e-12}


def test_cell_coverage_matches_shapely_intersection_areas() -> None:
    rng = np.random.default_rng(7)
    geoms: list[object] = []
    for i in range(120):
        cx, cy = rng.uniform(-5, 40, 2)
        ang = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(3, 16)))
        rad = rng.uniform(0.05, 5, len(ang))
        p = shapely.make_valid(Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]))
        if i % 4 == 0:  # a hole
            p = p.difference(shapely.Point(cx, cy).buffer(0.4))
        if i % 7 == 0:  # clockwise exterior
            p = shapely.orient_polygons(p, exterior_cw=True)
        geoms.append(p)
    geoms += [shapely.MultiPolygon([box(0.1, 0.1, 0.2, 0.3), box(3, 3, 4.5, 4.5)]), None, box(2, 2, 5, 5)]
    arr = np.array(geoms, dtype=object)
    cov = cell_coverage(arr)
    assert np.all(np.diff(cov.geom) >= 0)
    worst = 0.0
    for gi, g in enumerate(arr):
        sel = cov.geom == gi
        if g is None:
            assert not sel.any()
            continue
        ref = _reference_fractions(g)
        got = {(int(r), int(c)): f for r, c, f in zip(cov.row[sel], cov.col[sel], cov.frac[sel], strict=True)}
        for key in set(ref) | set(got):
            worst = max(worst, abs(ref.get(key, 0.0) - got.get(key, 0.0)))
    assert worst < 1e-9
    # the pixel-aligned box covers exactly 9 whole cells
    last = cov.geom == len(arr) - 1
    assert last.sum() == 9
    assert np.allclose(cov.frac[last], 1.0)


# --- hand-worked statistics -------------------------------------------------------------------


def test_constant_raster(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "c.tif", np.full((10, 10), 7, dtype="int16"))
    got = zonal_stats(frame(cells(1.3, 2.2, 6.9, 8.1)), path, stats=("mean", "min", "max", "std", "median"))
    assert got.loc[0, ["mean", "min", "max", "median"]].tolist() == pytest.approx([7.0] * 4, abs=1e-12)
    assert got.loc[0, "std"] == pytest.approx(0.0, abs=1e-12)
    assert got.loc[0, "valid_share"] == pytest.approx(1.0)
    assert got.loc[0, "outside_share"] == 0.0


def test_linear_ramp_weights_partial_pixels(ramp: Path) -> None:
    # columns 2.5 … 5.5: cells 2 and 5 half covered, 3 and 4 whole -> mean (1 + 3 + 4 + 2.5) / 3
    got = zonal_stats(frame(cells(2.5, 4, 5.5, 6)), ramp, stats=("mean", "min", "max", "count", "sum"))
    row = got.loc[0]
    assert row["mean"] == pytest.approx(3.5)
    assert (row["min"], row["max"]) == (2.0, 5.0)
    assert row["count"] == pytest.approx(3 * 2)  # 3 pixel widths × 2 rows
    assert row["sum"] == pytest.approx(3.5 * 6)


def test_parcel_smaller_than_a_pixel_gets_a_value(tmp_path: Path) -> None:
    # 30 m pixels; left column 10, right column 20. A 300 m² parcel (10 m × 30 m) spanning the
    # boundary with 1/3 of its area on the left: mean = 10/3 + 2·20/3.
    data = np.array([[10, 20], [10, 20]], dtype="float32")
    path = write_raster(tmp_path / "p30.tif", data, pixel=30.0)
    x = X0 + 30 - 10 / 3
    parcel = box(x, Y0 - 30, x + 10, Y0)  # the top row only
    assert parcel.area == pytest.approx(300.0)
    inside_one = box(X0 + 5, Y0 - 15, X0 + 15, Y0 - 5)  # 100 m² inside a single pixel
    got = zonal_stats(frame(parcel, inside_one), path, stats=("mean", "count", "min", "max"))
    assert got.loc[0, "mean"] == pytest.approx(10 / 3 + 40 / 3)
    assert got.loc[0, "count"] == pytest.approx(300 / 900)
    assert got.loc[1, ["mean", "min", "max"]].tolist() == pytest.approx([10.0] * 3, abs=1e-12)
    assert got.loc[1, "count"] == pytest.approx(100 / 900)


def test_parcel_half_outside_and_wholly_outside(ramp: Path) -> None:
    half = cells(18, 0, 22, 2)  # columns 18, 19 inside, 20, 21 beyond the east edge
    away = cells(30, 0, 31, 1)
    with pytest.warns(LandkitWarning, match="1 parcel\\(s\\) lie partly and 1 wholly outside"):
        got = zonal_stats(frame(half, away, cells(1, 1, 2, 2)), ramp, stats=("mean", "count"))
    assert got.loc[0, "outside_share"] == pytest.approx(0.5)
    assert got.loc[0, "valid_share"] == pytest.approx(0.5)
    assert got.loc[0, "mean"] == pytest.approx(18.5)
    assert got.loc[1, "outside_share"] == 1.0
    assert got.loc[1, "count"] == 0.0
    assert np.isnan(got.loc[1, "mean"])
    assert got.loc[2, "outside_share"] == 0.0


def test_nodata_pixels_are_left_out(tmp_path: Path) -> None:
    data = np.array([[1, 2], [3, -32768]], dtype="int16")
    path = write_raster(tmp_path / "nd.tif", data, nodata=-32768)
    got = zonal_stats(
        frame(cells(0, 0, 2, 2), cells(1.2, 1.2, 1.8, 1.8)), path, stats=("mean", "max", "count")
    )
    assert got.loc[0, "mean"] == pytest.approx(2.0)
    assert got.loc[0, "max"] == 3.0  # never -32768
    assert got.loc[0, "valid_share"] == pytest.approx(0.75)
    assert got.loc[0, "count"] == pytest.approx(3.0)
    assert np.isnan(got.loc[1, "mean"])
    assert got.loc[1, "valid_share"] == 0.0
    assert got.loc[1, "outside_share"] == 0.0


def test_nan_values_are_nodata(tmp_path: Path) -> None:
    data = np.array([[1.0, np.nan]], dtype="float32")
    path = write_raster(tmp_path / "nan.tif", data)
    got = zonal_stats(frame(cells(0, 0, 2, 1)), path)
    assert got.loc[0, ["mean", "min", "max"]].tolist() == [1.0, 1.0, 1.0]


def test_parcels_in_another_crs_are_reprojected(ramp: Path) -> None:
    parcels = frame(cells(2.5, 4, 5.5, 6), cells(10.25, 3, 14.75, 9))
    lonlat = parcels.to_crs(4490)
    got = zonal_stats(lonlat, ramp, stats=("mean", "count"))
    # second: columns 10 and 14 three-quarters covered -> (7.5 + 36 + 10.5) / 4.5
    assert got["mean"].tolist() == pytest.approx([3.5, 12.0], abs=1e-6)
    assert got["count"].tolist() == pytest.approx([6.0, 27.0], rel=1e-6)


def test_geographic_raster_with_projected_parcels(tmp_path: Path) -> None:
    # a lon/lat raster whose value is the column; a parcel reprojected from GK must land on the
    # same columns as its lon/lat twin
    data = np.tile(np.arange(50, dtype="float32"), (50, 1))
    with rasterio.open(
        tmp_path / "ll.tif",
        "w",
        driver="GTiff",
        height=50,
        width=50,
        count=1,
        dtype="float32",
        crs="EPSG:4490",
        transform=Affine(0.001, 0.0, 109.8, 0.0, -0.001, 27.2),
    ) as ds:
        ds.write(data, 1)
    ll = box(109.8105, 27.18, 109.8205, 27.19)
    gk = gpd.GeoSeries([ll], crs=4490).to_crs(4546)
    got = zonal_stats(gk, tmp_path / "ll.tif", stats=("mean",))
    assert got.loc[0, "mean"] == pytest.approx(15.0, abs=0.01)  # columns 10.5 … 20.5


def test_categorical_shares(tmp_path: Path) -> None:
    data = np.array([[1, 1, 2, 2]] * 2, dtype="uint8")
    path = write_raster(tmp_path / "cls.tif", data)
    got = zonal_stats(frame(cells(1.5, 0, 4, 2), cells(0, 0, 1, 1)), path, categorical=True)
    assert got.loc[0, "share_1"] == pytest.approx(0.5 / 2.5)
    assert got.loc[0, "share_2"] == pytest.approx(2 / 2.5)
    assert got.loc[0, "majority"] == 2
    assert got.loc[1, "share_1"] == 1.0
    assert got.loc[1, "share_2"] == 0.0
    minority = zonal_stats(frame(cells(1.5, 0, 4, 2)), path, stats=("minority",))
    assert minority.loc[0, "minority"] == 1


def test_weighted_median_and_std(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "m.tif", np.array([[1, 2, 3, 100]], dtype="float32"))
    # weights 1, 1, 0.25, 0.5 on values 1, 2, 3, 100 -> half of 2.75 reached at value 2
    got = zonal_stats(frame(cells(0, 0, 2.25, 1).union(cells(3.5, 0, 4, 1))), path, stats=("median", "std"))
    assert got.loc[0, "median"] == 2.0
    v, w = np.array([1, 2, 3, 100.0]), np.array([1, 1, 0.25, 0.5])
    mean = (v * w).sum() / w.sum()
    assert got.loc[0, "std"] == pytest.approx(np.sqrt((w * (v - mean) ** 2).sum() / w.sum()))


def test_index_alignment_missing_and_invalid_geometry(ramp: Path) -> None:
    bowtie = Polygon([(X0 + 20, Y0 - 20), (X0 + 60, Y0 - 60), (X0 + 60, Y0 - 20), (X0 + 20, Y0 - 60)])
    parcels = frame(cells(2.5, 4, 5.5, 6), None, bowtie, index=["b", "z", "a"])
    with pytest.warns(LandkitWarning, match="1 invalid parcel geometries were repaired"):
        got = zonal_stats(parcels, ramp, stats=("mean",), prefix="v_")
    assert got.index.tolist() == ["b", "z", "a"]
    assert got.columns.tolist() == ["v_mean", "v_valid_share", "v_outside_share"]
    assert got.loc["b", "v_mean"] == pytest.approx(3.5)
    assert np.isnan(got.loc["z", "v_mean"])
    # two triangles mirrored about x = 40 m: columns 2|5 and 3|4 carry equal weights
    assert got.loc["a", "v_mean"] == pytest.approx(3.5)


def test_open_dataset_stays_open(ramp: Path) -> None:
    with rasterio.open(ramp) as ds:
        got = zonal_stats(frame(cells(2.5, 4, 5.5, 6)), ds)
        assert not ds.closed
    assert got.loc[0, "mean"] == pytest.approx(3.5)


def test_errors(ramp: Path, tmp_path: Path) -> None:
    with pytest.raises(CRSError, match="no CRS"):
        zonal_stats(gpd.GeoDataFrame(geometry=[cells(0, 0, 1, 1)]), ramp)
    with pytest.raises(DataFormatError, match="band=2"):
        zonal_stats(frame(cells(0, 0, 1, 1)), ramp, band=2)
    with pytest.raises(ValueError, match="unknown statistic"):
        zonal_stats(frame(cells(0, 0, 1, 1)), ramp, stats=("mode",))
    with pytest.raises(DataFormatError, match="cannot open raster"):
        zonal_stats(frame(cells(0, 0, 1, 1)), tmp_path / "missing.tif")
    assert set(STATS) >= {"mean", "min", "max", "count", "sum", "std", "median", "majority"}
    one = zonal_stats(frame(cells(0, 0, 1, 1)), ramp, stats="max")  # a single name as a string
    assert one.columns.tolist() == ["max", "valid_share", "outside_share"]


def test_rotated_raster(tmp_path: Path) -> None:
    # a raster rotated by 90°: columns run south; the value is the column index
    t = Affine(0.0, 10.0, X0, 10.0, 0.0, Y0)  # x = X0 + 10·row, y = Y0 + 10·col
    with rasterio.open(
        tmp_path / "rot.tif", "w", driver="GTiff", height=4, width=6, count=1, dtype="float32",
        crs="EPSG:4546", transform=t,
    ) as ds:  # fmt: skip
        ds.write(np.tile(np.arange(6, dtype="float32"), (4, 1)), 1)
    parcel = box(X0, Y0 + 15, X0 + 40, Y0 + 45)  # y from 15 to 45 m -> columns 1.5 … 4.5
    got = zonal_stats(frame(parcel), tmp_path / "rot.tif", stats=("mean", "min", "max"))
    # columns 1 and 4 half covered, 2 and 3 whole: (0.5 + 2 + 3 + 2) / 3
    assert got.loc[0, ["mean", "min", "max"]].tolist() == pytest.approx([2.5, 1.0, 4.0])


# --- windows and pieces -----------------------------------------------------------------------


def test_windows_stay_bounded_by_parcel_footprint() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 5000, (3000, 2))
    geoms = shapely.buffer(shapely.points(xy), rng.uniform(1, 20, 3000))
    chunks = list(plan_chunks(np.asarray(geoms), height=5000, width=5000, block=256))
    assert sorted(np.concatenate([c.pos for c in chunks]).tolist()) == list(range(3000))
    for c in chunks:
        assert c.window is not None
        _, _, h, w = c.window
        assert h <= 256 + 2 * 21
        assert w <= 256 + 2 * 21


def test_large_parcels_cut_into_tiles_give_the_same_answer(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    data = rng.normal(50, 10, (300, 300)).astype("float32")
    path = write_raster(tmp_path / "big.tif", data)
    parcels = [shapely.Point(X0 + 1500, Y0 - 1500).buffer(1200), cells(3.3, 4.4, 200.7, 150.1)]
    with rasterio.open(path) as ds:
        px = to_pixels(np.array(parcels, dtype=object), ds.transform)
        results = []
        for max_cells in (1_000_000, 400):
            acc = Accumulator(2, stats=("mean", "min", "max", "std", "count", "median"))
            totals = run(
                px, height=300, width=300, bands={"b": (band_reader(ds, 1), acc)}, max_cells=max_cells
            )
            results.append((acc.result(), totals.area))
    (a, area_a), (b, area_b) = results
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-9)
    assert area_a == pytest.approx(area_b, rel=1e-12)
    assert area_a == pytest.approx([parcels[0].area / 100, parcels[1].area / 100], rel=1e-12)


# --- an independent implementation: exactextract ----------------------------------------------


def test_matches_exactextract_on_random_parcels(tmp_path: Path) -> None:
    exactextract = pytest.importorskip("exactextract")
    rng = np.random.default_rng(11)
    data = rng.normal(300, 40, (400, 500)).astype("float32")
    data[50:60, 50:80] = -9999
    path = write_raster(tmp_path / "ee.tif", data, pixel=30.0, nodata=-9999)
    xy = rng.uniform([X0, Y0 - 400 * 30], [X0 + 500 * 30, Y0], (400, 2))
    geoms = shapely.buffer(shapely.points(xy), rng.uniform(5, 300, 400), quad_segs=3)
    parcels = frame(*geoms)
    parcels = parcels[shapely.within(geoms, box(X0, Y0 - 400 * 30, X0 + 500 * 30, Y0))]
    ours = zonal_stats(parcels, path, stats=("mean", "min", "max", "count", "sum", "std"))
    theirs = exactextract.exact_extract(
        str(path), parcels, ["mean", "min", "max", "count", "sum", "stdev"], output="pandas"
    )
    theirs.index = parcels.index
    for a, b in [("mean", "mean"), ("min", "min"), ("max", "max"), ("count", "count"), ("std", "stdev")]:
        np.testing.assert_allclose(ours[a], theirs[b], rtol=1e-5, atol=1e-5, err_msg=a)
    np.testing.assert_allclose(ours["sum"], theirs["sum"], rtol=1e-5)
    assert isinstance(ours, pd.DataFrame)
    assert len(ours) == len(parcels)


def test_second_band_nan_nodata_and_internal_mask(tmp_path: Path) -> None:
    path = tmp_path / "multi.tif"
    data = np.stack([np.full((2, 2), 1.0), np.array([[10.0, 20.0], [30.0, np.nan]])]).astype("float32")
    with rasterio.open(
        path, "w", driver="GTiff", height=2, width=2, count=2, dtype="float32", crs="EPSG:4546",
        transform=Affine(10, 0, X0, 0, -10, Y0), nodata=float("nan"),
    ) as ds:  # fmt: skip
        ds.write(data)
    got = zonal_stats(frame(cells(0, 0, 2, 2)), path, band=2, stats=("mean", "max"))
    assert got.loc[0, "mean"] == pytest.approx(20.0)
    assert got.loc[0, "valid_share"] == pytest.approx(0.75)
    masked = tmp_path / "masked.tif"
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True), rasterio.open(
        masked, "w", driver="GTiff", height=2, width=2, count=1, dtype="uint8", crs="EPSG:4546",
        transform=Affine(10, 0, X0, 0, -10, Y0),
    ) as ds:  # fmt: skip
        ds.write(np.array([[1, 2], [3, 4]], dtype="uint8"), 1)
        ds.write_mask(np.array([[255, 0], [255, 255]], dtype="uint8"))
    got = zonal_stats(frame(cells(0, 0, 2, 2)), masked, stats=("mean",))
    assert got.loc[0, "mean"] == pytest.approx((1 + 3 + 4) / 3)


def test_import_stays_light() -> None:
    import subprocess
    import sys

    heavy = "{'exactextract', 'rasterstats', 'tqdm'}"
    code = f"import sys, landkit.raster, landkit.cli.raster; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_threads_give_identical_results(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    path = write_raster(tmp_path / "t.tif", rng.normal(0, 1, (600, 700)).astype("float32"))
    xy = rng.uniform([X0, Y0 - 6000], [X0 + 7000, Y0], (2000, 2))
    parcels = frame(*shapely.buffer(shapely.points(xy), rng.uniform(3, 200, 2000)))
    with pytest.warns(LandkitWarning, match="outside the raster"):
        one = zonal_stats(parcels, path, stats=("mean", "std", "median", "min"))
    with pytest.warns(LandkitWarning, match="outside the raster"):
        two = zonal_stats(parcels, path, stats=("mean", "std", "median", "min"), threads=2)
    pd.testing.assert_frame_equal(one, two)

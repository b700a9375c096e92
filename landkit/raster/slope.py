"""Slope in degrees from a DEM, with true ground distances in projected and geographic CRSs."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import overload

import numpy as np
import pyproj
import rasterio
from rasterio.io import DatasetReaderBase
from rasterio.windows import Window

from .._atomic import atomic_path
from ..errors import DataFormatError
from ._engine import Reader, band_reader
from ._source import RasterLike, check_band, open_raster

__all__ = ["SLOPE_NODATA", "pixel_ground_size", "slope", "slope_reader"]

#: Nodata value of slope rasters written by :func:`slope` (arrays use NaN).
SLOPE_NODATA = -9999.0
_STRIP = 512


def pixel_ground_size(ds: DatasetReaderBase, rows: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """Ground width and height (metres) of one pixel on each of ``rows``.

    Projected CRS: the pixel size times the CRS's linear unit (map-projection scale error,
    about 1e-4 within a Gauss-Krüger zone, is ignored). Geographic CRS: geodesic lengths on
    the CRS's ellipsoid at each row's latitude, so pixel widths shrink with ``cos(latitude)``.

    Raises
    ------
    DataFormatError
        If the raster is rotated or has no CRS.
    """
    t = ds.transform
    if t.b != 0 or t.d != 0:
        raise DataFormatError(f"{ds.name} has a rotated transform; warp it north-up before computing slope")
    if ds.crs is None:
        raise DataFormatError(f"{ds.name} has no CRS; slope needs ground distances")
    crs = pyproj.CRS.from_user_input(ds.crs)
    rows = np.asarray(rows, dtype=np.float64)
    if crs.is_geographic:
        ell = crs.ellipsoid
        if ell is None:
            raise DataFormatError(f"{ds.name}: geographic CRS without an ellipsoid; cannot measure distances")
        geod = pyproj.Geod(a=ell.semi_major_metre, rf=ell.inverse_flattening)
        lat = t.f + t.e * (rows + 0.5)
        lon = np.full_like(lat, t.c)
        _, _, dx = geod.inv(lon, lat, lon + abs(t.a), lat)
        _, _, dy = geod.inv(lon, lat - abs(t.e) / 2, lon, lat + abs(t.e) / 2)
        return np.asarray(dx), np.asarray(dy)
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return np.full(len(rows), abs(t.a) * unit), np.full(len(rows), abs(t.e) * unit)


def _horn(get: Callable[[int, int], np.ndarray], dx: np.ndarray, dy: np.ndarray, *, gaps: bool) -> np.ndarray:
    """Horn slope (degrees) from the 3×3 neighbours ``get(dr, dc)`` (NaN = no data).

    With ``gaps``, a missing neighbour (edge or nodata) is extrapolated linearly through the
    centre from the opposite neighbour (the centre value if that is missing too), so a plane
    keeps its exact slope up to the edges; a missing centre stays NaN.
    """
    centre = get(0, 0)

    def nb(dr: int, dc: int, fallback: np.ndarray) -> np.ndarray:
        v = get(dr, dc)
        if not gaps:
            return v
        opposite = get(-dr, -dc)
        fill = np.where(np.isnan(opposite), fallback, 2 * centre - opposite)
        return np.where(np.isnan(v), fill, v)

    b, d, f, h = nb(-1, 0, centre), nb(0, -1, centre), nb(0, 1, centre), nb(1, 0, centre)
    # a diagonal with no opposite either lies on the plane through its two orthogonal neighbours
    a, c = nb(-1, -1, b + d - centre), nb(-1, 1, b + f - centre)
    g, i = nb(1, -1, h + d - centre), nb(1, 1, h + f - centre)
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * dx)
    dzdy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * dy)
    return np.degrees(np.arctan(np.hypot(dzdx, dzdy)))


def _padded(ds: DatasetReaderBase, elev: Reader, win: tuple[int, int, int, int]) -> np.ndarray:
    """Elevations of ``win`` with a one-cell margin (NaN beyond the raster and at nodata)."""
    r0, c0, h, w = win
    pr0, pc0 = max(r0 - 1, 0), max(c0 - 1, 0)
    pr1, pc1 = min(r0 + h + 1, ds.height), min(c0 + w + 1, ds.width)
    values, invalid = elev((pr0, pc0, pr1 - pr0, pc1 - pc0), None, None)
    z = np.full((h + 2, w + 2), np.nan)
    z[1 + pr0 - r0 : 1 + pr1 - r0, 1 + pc0 - c0 : 1 + pc1 - c0] = np.where(invalid, np.nan, values)
    return z


def _slope_window(ds: DatasetReaderBase, elev: Reader, win: tuple[int, int, int, int]) -> np.ndarray:
    """float32 slope of every cell of ``win``."""
    z = _padded(ds, elev, win)
    r0, _, h, w = win
    dx, dy = pixel_ground_size(ds, np.arange(r0, r0 + h))

    def get(dr: int, dc: int) -> np.ndarray:
        return z[1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]

    return _horn(get, dx[:, None], dy[:, None], gaps=bool(np.isnan(z).any())).astype(np.float32)


def slope_reader(ds: DatasetReaderBase, band: int = 1, /) -> Reader:
    """A :data:`Reader` giving slope (degrees) at the requested cells instead of elevation.

    Only the requested cells are computed (from the window's elevations plus a one-cell
    margin); the last result is cached so several bands can share it.
    """
    elev = band_reader(ds, band)
    local = threading.local()  # the cache is per thread: chunks may be prepared in parallel

    def read(
        win: tuple[int, int, int, int], rr: np.ndarray | None, cc: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if rr is None or cc is None:
            s = _slope_window(ds, elev, win).astype(np.float64)
            return s, np.isnan(s)
        last = getattr(local, "last", None)
        if last is not None and last[0] == win and last[1] is rr:
            return last[2]
        z = _padded(ds, elev, win)
        dx, dy = pixel_ground_size(ds, np.arange(win[0], win[0] + win[2]))

        def get(dr: int, dc: int) -> np.ndarray:
            return z[rr + 1 + dr, cc + 1 + dc]

        nine = z[rr[:, None] + 1 + _DR, cc[:, None] + 1 + _DC]
        s = _horn(get, dx[rr], dy[rr], gaps=bool(np.isnan(nine).any()))
        result = (s, np.isnan(s))
        local.last = (win, rr, result)
        return result

    return read


_DR = np.array([-1, -1, -1, 0, 0, 0, 1, 1, 1])
_DC = np.array([-1, 0, 1, -1, 0, 1, -1, 0, 1])


@overload
def slope(dem: RasterLike, /, *, out: None = None, band: int = 1) -> np.ndarray: ...
@overload
def slope(dem: RasterLike, /, *, out: str | os.PathLike[str], band: int = 1) -> Path: ...
def slope(
    dem: RasterLike, /, *, out: str | os.PathLike[str] | None = None, band: int = 1
) -> np.ndarray | Path:
    """Slope in degrees (Horn's 3×3 method) with true ground distances.

    Horizontal distances are in metres: the pixel size for projected CRSs, geodesic pixel
    widths and heights per row for geographic ones (a 3″ pixel is ~92 m wide at the
    equator, ~82 m at 27° N). Elevations must be in metres. Nodata cells stay nodata; a
    missing neighbour (edge or nodata) is extrapolated linearly from the opposite one, so
    edges get a slope too (unlike plain ``gdaldem``, which leaves them nodata).

    Parameters
    ----------
    dem : path or open rasterio dataset
        Elevation raster (metres), north-up.
    out : path, optional
        Write a float32 GeoTIFF (nodata :data:`SLOPE_NODATA`) here, strip by strip so memory
        stays bounded, and return its path. Replaced atomically if it exists.
    band : int
        1-based band number.

    Returns
    -------
    numpy.ndarray or pathlib.Path
        float32 slope in degrees with NaN for nodata, shaped like the DEM; or ``out``.

    Raises
    ------
    DataFormatError
        If the DEM cannot be read, is rotated, or has no CRS.

    Examples
    --------
    >>> from landkit.raster import slope
    >>> s = slope("sample_data/dem/hongjiang_dem_4546.tif")
    >>> s.shape, 0 < float(np.nanmax(s)) < 90
    ((503, 884), True)
    """
    with open_raster(dem) as ds:
        check_band(ds, band)
        elev = band_reader(ds, band)
        if out is None:
            return _slope_window(ds, elev, (0, 0, ds.height, ds.width))
        profile = ds.profile.copy()
        profile.update(driver="GTiff", count=1, dtype="float32", nodata=SLOPE_NODATA, compress="deflate")
        profile.pop("photometric", None)
        with atomic_path(out, suffix=".tif") as tmp, rasterio.open(tmp, "w", **profile) as dst:
            for r0 in range(0, ds.height, _STRIP):
                h = min(_STRIP, ds.height - r0)
                s = _slope_window(ds, elev, (r0, 0, h, ds.width))
                filled = np.where(np.isnan(s), SLOPE_NODATA, s).astype(np.float32)
                dst.write(filled, 1, window=Window(0, r0, ds.width, h))
        return Path(out)

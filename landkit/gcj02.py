"""GCJ-02 (高德/腾讯) and BD-09 (百度) coordinate shifts, both ways, vectorised.

The forward GCJ-02 transform is the public Krassowsky-ellipsoid series (a = 6378245.0,
ee = 0.00669342162296594323); points outside 72.004–137.8347 E / 0.8293–55.8271 N are not
shifted. Inverses iterate the forward transform until the residual is below 1e-10 degrees
(≈ 0.01 mm). CGCS2000 and WGS84 are treated as equal here (they differ by centimetres).

Examples
--------
>>> lon, lat = wgs84_to_gcj02(121.5272106, 31.1774276)
>>> round(float(lat), 8), round(float(lon), 8)
(31.17530398, 121.53154186)
>>> back = gcj02_to_wgs84(lon, lat)
>>> round(float(back[0]), 9), round(float(back[1]), 9)
(121.5272106, 31.1774276)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "shift_geometries",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0

Pair = tuple[NDArray[np.float64], NDArray[np.float64]]
G = TypeVar("G", gpd.GeoSeries, gpd.GeoDataFrame)


def _in_china(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _delta(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> Pair:
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    s6x = np.sin(6.0 * x * np.pi)
    s2x = np.sin(2.0 * x * np.pi)
    common = (20.0 * s6x + 20.0 * s2x) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _arrays(lon: ArrayLike, lat: ArrayLike) -> Pair:
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Shift WGS84/CGCS2000 lon/lat (degrees) to GCJ-02. Returns ``(lon, lat)`` arrays."""
    lo, la = _arrays(lon, lat)
    dlon, dlat = _delta(lo, la)
    return lo + dlon, la + dlat


def _invert(forward: Callable[[ArrayLike, ArrayLike], Pair], lon: ArrayLike, lat: ArrayLike) -> Pair:
    tlo, tla = _arrays(lon, lat)
    lo, la = tlo.copy(), tla.copy()
    for _ in range(30):
        flo, fla = forward(lo, la)
        elo, ela = flo - tlo, fla - tla
        lo, la = lo - elo, la - ela
        if np.all(np.abs(elo) < 1e-10) and np.all(np.abs(ela) < 1e-10):
            break
    return lo, la


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Shift GCJ-02 lon/lat back to WGS84/CGCS2000 by iteration (residual < 0.01 mm)."""
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Convert GCJ-02 lon/lat to Baidu BD-09."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Convert Baidu BD-09 lon/lat to GCJ-02 (iterative inverse of :func:`gcj02_to_bd09`)."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Convert WGS84/CGCS2000 lon/lat to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> Pair:
    """Convert BD-09 lon/lat to WGS84/CGCS2000."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_SHIFTS: dict[tuple[str, str], Callable[[ArrayLike, ArrayLike], Pair]] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def shift_geometries(data: G, /, *, source: str, target: str) -> G:
    """Shift the geometries of a GeoSeries/GeoDataFrame between ``wgs84``, ``gcj02`` and ``bd09``.

    The input must be in geographic coordinates (EPSG:4326 or 4490); the result keeps the
    input's CRS label (GCJ-02 has no EPSG code) and index.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoSeries([Point(109.8083, 27.1928)], crs=4326)
    >>> p = shift_geometries(s, source="wgs84", target="gcj02").iloc[0]
    >>> round(p.x, 6), round(p.y, 6)
    (109.812897, 27.189374)
    """
    key = (source.lower().replace("-", ""), target.lower().replace("-", ""))
    if key[0] == key[1]:
        return data.copy()
    if key not in _SHIFTS:
        raise ValueError(f"cannot shift {source!r} → {target!r}; use wgs84, gcj02 or bd09")
    if data.crs is not None and not data.crs.is_geographic:
        raise ValueError("shift_geometries needs lon/lat input; call .to_crs(4490) first")
    fn = _SHIFTS[key]

    def _tf(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, la = fn(coords[:, 0], coords[:, 1])
        return np.column_stack([lo, la])

    out = data.copy()
    geoms = shapely.transform(np.asarray(out.geometry.values), _tf)
    if isinstance(out, gpd.GeoDataFrame):
        out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=out.crs)
        return out
    return gpd.GeoSeries(geoms, index=out.index, crs=out.crs, name=out.name)

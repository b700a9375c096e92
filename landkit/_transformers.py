"""Cached coordinate transformations.

Building a :class:`pyproj.Transformer` makes PROJ search its database for the operation between two
CRSs; for the custom Lambert azimuthal equal-area CRS landkit measures areas in, that search takes
15–30 ms — longer than transforming 100,000 vertices — and the zone engine and the area code ask for
the same few pairs over and over. So transformers are built once per pair (keyed on the CRSs' WKT),
and a transformation *to* such an equal-area CRS on GRS80 goes through CGCS2000 lon/lat (an
EPSG-to-EPSG operation, found in under a millisecond) and a PROJ pipeline step, which needs no
search and gives the same coordinates. pyproj Transformers are safe to share between threads since
pyproj 3.1.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyproj
import shapely

__all__ = ["transform_geoms", "transformer"]

XY = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
_LONLAT = pyproj.CRS.from_epsg(4490)


def transformer(src: pyproj.CRS, dst: pyproj.CRS, /) -> XY:
    """A (cached) function ``(x, y) -> (x, y)`` from ``src`` to ``dst``, lon/lat ordered.

    Examples
    --------
    >>> a, b = pyproj.CRS(4546), pyproj.CRS(4490)
    >>> transformer(a, b) is transformer(pyproj.CRS(4546), b)
    True
    >>> lon, lat = transformer(a, b)(np.array([500000.0]), np.array([3000000.0]))
    >>> round(float(lon[0]), 6)
    111.0
    >>> laea = pyproj.CRS.from_proj4("+proj=laea +lat_0=27 +lon_0=110 +ellps=GRS80 +units=m +no_defs")
    >>> x, y = transformer(a, laea)(np.array([400000.0]), np.array([3000000.0]))
    >>> ref = pyproj.Transformer.from_crs(a, laea, always_xy=True).transform(400000.0, 3000000.0)
    >>> bool(abs(x[0] - ref[0]) < 1e-6 and abs(y[0] - ref[1]) < 1e-6)
    True
    """
    return _cached(pyproj.CRS.from_user_input(src).to_wkt(), pyproj.CRS.from_user_input(dst).to_wkt())


@lru_cache(maxsize=32)
def _cached(src_wkt: str, dst_wkt: str) -> XY:
    src, dst = pyproj.CRS.from_wkt(src_wkt), pyproj.CRS.from_wkt(dst_wkt)
    pipeline = _equal_area_step(dst)
    if pipeline is None or (src.is_geographic and not src.equals(_LONLAT)):
        tf = pyproj.Transformer.from_crs(src, dst, always_xy=True)
        return lambda x, y: tf.transform(x, y)
    to_lonlat = None if src.equals(_LONLAT) else pyproj.Transformer.from_crs(src, _LONLAT, always_xy=True)
    step = pyproj.Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {pipeline}"
    )

    def fn(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if to_lonlat is not None:
            x, y = to_lonlat.transform(x, y)
        return step.transform(x, y)

    return fn


def _equal_area_step(crs: pyproj.CRS) -> str | None:
    """The PROJ step of a custom Lambert azimuthal equal-area CRS on GRS80 in metres, else None."""
    op = crs.coordinate_operation
    if not crs.is_projected or op is None or crs.to_epsg() is not None:
        return None
    if op.method_name != "Lambert Azimuthal Equal Area" or crs.ellipsoid is None:
        return None
    if crs.ellipsoid.name != "GRS 1980" or crs.axis_info[0].unit_name != "metre":
        return None
    params = {p.name: float(p.value) for p in op.params}
    if params.get("False easting", 0.0) or params.get("False northing", 0.0):
        return None
    lat0, lon0 = params["Latitude of natural origin"], params["Longitude of natural origin"]
    return f"+proj=laea +lat_0={lat0!r} +lon_0={lon0!r} +ellps=GRS80"


def transform_geoms(geoms: np.ndarray, src: pyproj.CRS, dst: pyproj.CRS, /) -> np.ndarray:
    """Geometries reprojected from ``src`` to ``dst`` (returned as they are when the CRSs are equal).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> out = transform_geoms(np.array([Point(500000, 3000000)]), pyproj.CRS(4546), pyproj.CRS(4490))
    >>> round(out[0].x, 6)
    111.0
    """
    if src.equals(dst):
        return geoms
    tf = transformer(src, dst)

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = tf(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)

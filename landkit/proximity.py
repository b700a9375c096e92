"""Geodesic distance from each parcel to the nearest point feature (高速出口, 火车站, 镇区 …).

:func:`nearest_features` measures from each parcel's centre (its representative point, the
point the browse card shows as 中心坐标) to the nearest point of a feature layer, on the
CGCS2000 ellipsoid, and names that feature. The search is vectorised: a shapely ``STRtree``
finds the nearest feature in a local azimuthal equidistant projection, then every feature
within a safety margin of that projected distance is measured geodesically (``pyproj.Geod``)
and the geodesically nearest wins — so a projection's small scale error can never pick the
wrong feature.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point, box
>>> parcels = gpd.GeoDataFrame(geometry=[box(109.80, 27.19, 109.801, 27.191)], crs=4490)
>>> exits = gpd.GeoDataFrame({"name": ["黔城出口", "安江出口"]},
...                          geometry=[Point(109.83, 27.21), Point(110.10, 27.22)], crs=4490)
>>> nearest_features(parcels, exits).round(2)
   distance_km  name
0         3.63  黔城出口
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .errors import CRSError, DataFormatError

__all__ = ["nearest_features", "nearest_features_by_layer"]

_EARTH_RADIUS_M = 6_371_000.0


def _points_4490(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> gpd.GeoSeries:
    if frame.crs is None:
        raise CRSError(f"{what} have no CRS; set one with .set_crs(...) (CGCS2000 is EPSG:4490)")
    return frame.geometry.to_crs(4490) if isinstance(frame, gpd.GeoDataFrame) else frame.to_crs(4490)


def _feature_points(
    features: gpd.GeoDataFrame, name_column: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lon, lat (CGCS2000) and names of the usable point features."""
    if name_column not in features.columns:
        raise DataFormatError(f"the features lack a {name_column!r} column naming each feature")
    feats = _points_4490(features, "features")
    ok = ~(feats.isna() | feats.is_empty).to_numpy()
    if not ok.any():
        raise DataFormatError("the features have no usable point")
    if not (feats[ok].geom_type == "Point").all():
        raise DataFormatError("nearest_features measures to points; pass point features (e.g. .centroid)")
    return feats[ok].x.to_numpy(), feats[ok].y.to_numpy(), features[name_column].to_numpy()[ok]


def _local_crs(lon: np.ndarray, lat: np.ndarray) -> tuple[pyproj.Transformer, float]:
    """To an azimuthal equidistant CRS centred on the points, and the relative margin it needs.

    Distances through the centre are exact; others are off by at most about ``(ρ/R)²/2`` for
    points within ``ρ`` of the centre (ρ bounded by the bounding box's corners and edge middles).
    The margin is four times that bound, at least 1 %.
    """
    x0, x1, y0, y1 = float(lon.min()), float(lon.max()), float(lat.min()), float(lat.max())
    lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
    crs = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=GRS80 +units=m +no_defs")
    ring_x = np.array([x0, x1, x1, x0, lon0, lon0, x0, x1])
    ring_y = np.array([y0, y0, y1, y1, y0, y1, lat0, lat0])
    _, _, reach = pyproj.Geod(ellps="GRS80").inv(np.full(8, lon0), np.full(8, lat0), ring_x, ring_y)
    rho = float(np.max(reach))
    margin = max(0.01, 4 * (rho / _EARTH_RADIUS_M) ** 2 / 2)
    return pyproj.Transformer.from_crs(4490, crs, always_xy=True), margin


def nearest_features_by_layer(
    parcels: gpd.GeoDataFrame | gpd.GeoSeries,
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    name_column: str = "name",
) -> dict[str, pd.DataFrame]:
    """:func:`nearest_features` for several point layers at once (parcel centres computed once).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> here = gpd.GeoSeries([Point(110.01, 27.0)], crs=4490)
    >>> towns = gpd.GeoDataFrame({"name": ["甲镇区"]}, geometry=[Point(110.0, 27.0)], crs=4490)
    >>> exits = gpd.GeoDataFrame({"name": ["乙出口"]}, geometry=[Point(110.0, 27.1)], crs=4490)
    >>> near = nearest_features_by_layer(here, {"towns": towns, "exits": exits})
    >>> near["towns"]["name"].tolist(), near["exits"]["name"].tolist()
    (['甲镇区'], ['乙出口'])
    """
    points = {key: _feature_points(layer, name_column) for key, layer in layers.items()}
    centres = _points_4490(parcels, "parcels").representative_point()
    ok_p = ~(centres.isna() | centres.is_empty).to_numpy()
    px, py = centres[ok_p].x.to_numpy(), centres[ok_p].y.to_numpy()
    all_x = np.concatenate([px, *(f[0] for f in points.values())])
    all_y = np.concatenate([py, *(f[1] for f in points.values())])
    to_local, margin = _local_crs(all_x, all_y)
    local = shapely.points(*to_local.transform(px, py))
    rows_ok = np.flatnonzero(ok_p)
    out = {}
    for key, (fx, fy, names) in points.items():
        tree = shapely.STRtree(shapely.points(*to_local.transform(fx, fy)))
        (q, _), dmin = tree.query_nearest(local, return_distance=True, all_matches=False)
        reach = np.empty(len(local))
        reach[q] = dmin * (1 + margin) + 1.0  # every feature that could be geodesically nearer
        q, t = tree.query(local, predicate="dwithin", distance=reach)
        _, _, dist = pyproj.Geod(ellps="GRS80").inv(px[q], py[q], fx[t], fy[t])
        order = np.lexsort((dist, q))  # per parcel, the geodesically nearest candidate first
        first = order[np.r_[True, q[order][1:] != q[order][:-1]]]
        distance = np.full(len(centres), np.nan)
        chosen = np.full(len(centres), None, dtype=object)
        distance[rows_ok[q[first]]] = dist[first] / 1000.0
        chosen[rows_ok[q[first]]] = names[t[first]]
        out[key] = pd.DataFrame({"distance_km": distance, "name": chosen}, index=centres.index)
    return out


def nearest_features(
    parcels: gpd.GeoDataFrame | gpd.GeoSeries,
    features: gpd.GeoDataFrame,
    /,
    *,
    name_column: str = "name",
) -> pd.DataFrame:
    """Geodesic distance (km) from each parcel's centre to the nearest feature, and its name.

    Parameters
    ----------
    parcels : GeoDataFrame or GeoSeries
        Parcels in any CRS; the centre is the representative point (inside the parcel).
    features : GeoDataFrame
        Point features in any CRS, with a ``name_column``.
    name_column : str, default "name"
        Column naming each feature.

    Returns
    -------
    DataFrame
        ``distance_km`` (float, full precision) and ``name`` per parcel, aligned on the
        parcels' index; parcels without geometry get missing values.

    Raises
    ------
    CRSError
        Either input has no CRS.
    DataFormatError
        ``features`` are not all points, have no usable point, or lack ``name_column``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> towns = gpd.GeoDataFrame({"name": ["甲镇区", "乙镇区"]},
    ...                          geometry=[Point(110.0, 27.0), Point(110.1, 27.0)], crs=4490)
    >>> here = gpd.GeoSeries([Point(110.01, 27.0), Point(110.08, 27.0)], crs=4490)
    >>> nearest_features(here, towns)["name"].tolist()
    ['甲镇区', '乙镇区']
    """
    return nearest_features_by_layer(parcels, {"": features}, name_column=name_column)[""]

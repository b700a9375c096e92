"""Scope ("in the park") and zone lookup for ledger rows by representative point.

A parcel belongs to a polygon when its representative point (``shapely.point_on_surface``,
stored when the snapshot was recorded) lies inside: each parcel counts once, whatever its
shape, and no geometry has to be read back to compute progress.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import LedgerError

__all__ = ["resolve_scope", "zones_of_points"]


def _to_crs(gs: gpd.GeoSeries, crs: pyproj.CRS | None) -> gpd.GeoSeries:
    if crs is None or gs.crs is None:
        return gs
    return gs if gs.crs.equals(crs) else gs.to_crs(crs)


def resolve_scope(
    scope: Any,
    /,
    *,
    zones: gpd.GeoDataFrame | None,
    zone_field: str = "name",
    crs: pyproj.CRS | None,
) -> tuple[BaseGeometry, str]:
    """Return the scope polygon (in ``crs``) and a label for reports.

    Parameters
    ----------
    scope : str, shapely geometry, GeoSeries or GeoDataFrame
        A zone name (looked up in ``zones[zone_field]``), a polygon already in ``crs``, or
        a GeoSeries/GeoDataFrame (reprojected to ``crs``; all its shapes are merged).
    zones : GeoDataFrame, optional
        Zone set to resolve a name against.
    zone_field : str
        Name column of ``zones``.
    crs : pyproj.CRS
        The ledger CRS.

    Raises
    ------
    LedgerError
        If a name is given without zones, or no zone carries it.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> geom, label = resolve_scope(box(0, 0, 1, 1), zones=None, crs=None)
    >>> label, geom.area
    ('自定义范围', 1.0)
    """
    if isinstance(scope, str):
        if zones is None:
            raise LedgerError(f"scope {scope!r} is a zone name: pass zones=<zone GeoDataFrame> to resolve it")
        if zone_field not in zones.columns:
            raise LedgerError(f"the zones have no {zone_field!r} column; pass zone_field=")
        hit = zones[zones[zone_field].astype(str) == scope]
        if hit.empty and "zone_id" in zones.columns:
            hit = zones[zones["zone_id"].astype(str) == scope]
        if hit.empty:
            names = ", ".join(map(str, zones[zone_field].unique()[:10]))
            raise LedgerError(f"no zone named {scope!r}; zones: {names}")
        return shapely.union_all(np.asarray(_to_crs(hit.geometry, crs).values)), scope
    if isinstance(scope, gpd.GeoDataFrame | gpd.GeoSeries):
        gs = scope.geometry if isinstance(scope, gpd.GeoDataFrame) else scope
        label = "自定义范围"
        if isinstance(scope, gpd.GeoDataFrame) and zone_field in scope.columns and len(scope) == 1:
            label = str(scope[zone_field].iloc[0])
        return shapely.union_all(np.asarray(_to_crs(gs, crs).values)), label
    if isinstance(scope, BaseGeometry):
        return scope, "自定义范围"
    raise LedgerError(f"scope must be a zone name, a polygon or a GeoDataFrame, not {type(scope).__name__}")


def zones_of_points(
    rows: pd.DataFrame, zones: gpd.GeoDataFrame, /, *, zone_field: str = "name", crs: pyproj.CRS | None
) -> pd.Series:
    """For each row (``rep_x``, ``rep_y``), the list of zone names containing its point.

    Zones may overlap, so a parcel can lie in several zones (or none: an empty list).

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[box(0, 0, 2, 2), box(1, 1, 3, 3)])
    >>> r = pd.DataFrame({"rep_x": [1.5, 0.5, 9.0], "rep_y": [1.5, 0.5, 9.0]})
    >>> zones_of_points(r, z, crs=None).tolist()
    [['A', 'B'], ['A'], []]
    """
    if zone_field not in zones.columns:
        raise LedgerError(f"the zones have no {zone_field!r} column; pass zone_field=")
    geoms = np.asarray(_to_crs(zones.geometry, crs).values)
    names = zones[zone_field].astype(str).to_numpy()
    pts = shapely.points(rows["rep_x"].to_numpy(dtype=float), rows["rep_y"].to_numpy(dtype=float))
    tree = shapely.STRtree(pts)
    zone_idx, pt_idx = tree.query(geoms, predicate="contains")
    out: list[list[str]] = [[] for _ in range(len(rows))]
    for z, p in zip(zone_idx.tolist(), pt_idx.tolist(), strict=True):
        out[p].append(str(names[z]))
    return pd.Series(out, index=rows.index, dtype=object)

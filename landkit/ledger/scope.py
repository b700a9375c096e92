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

__all__ = ["points_in", "resolve_scope", "zone_pairs"]


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


def _unique_points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct points (a parcel repeats across snapshots) and, per input point, its distinct index."""
    inverse, uniq = pd.factorize(x.astype(np.float64) + 1j * y.astype(np.float64))  # hashing: O(n)
    return np.column_stack([uniq.real, uniq.imag]), np.asarray(inverse)


def points_in(geom: BaseGeometry, x: np.ndarray, y: np.ndarray, /) -> np.ndarray:
    """Boolean array: which points (``x``, ``y``) lie inside ``geom``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> points_in(box(0, 0, 1, 1), np.array([0.5, 2.0, 0.5]), np.array([0.5, 2.0, 0.5])).tolist()
    [True, False, True]
    """
    if len(x) == 0:
        return np.zeros(0, dtype=bool)
    uniq, inverse = _unique_points(x, y)
    shapely.prepare(geom)
    return np.asarray(shapely.contains_xy(geom, uniq[:, 0], uniq[:, 1]))[inverse]


def zone_pairs(
    x: np.ndarray,
    y: np.ndarray,
    zones: gpd.GeoDataFrame,
    /,
    *,
    zone_field: str = "name",
    crs: pyproj.CRS | None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Zone membership of points as (point positions, zone numbers, zone names).

    Zones may overlap, so a point can appear in several pairs (or none).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[box(0, 0, 2, 2), box(1, 1, 3, 3)])
    >>> rows, idx, names = zone_pairs(np.array([1.5, 0.5, 9.0]), np.array([1.5, 0.5, 9.0]), z, crs=None)
    >>> sorted(zip(rows.tolist(), [names[i] for i in idx]))
    [(0, 'A'), (0, 'B'), (1, 'A')]
    """
    if zone_field not in zones.columns:
        raise LedgerError(f"the zones have no {zone_field!r} column; pass zone_field=")
    geoms = np.asarray(_to_crs(zones.geometry, crs).values)
    names, z_of_row = np.unique(zones[zone_field].astype(str).to_numpy(), return_inverse=True)
    if len(x) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [str(n) for n in names]
    uniq, inverse = _unique_points(x, y)
    tree = shapely.STRtree(shapely.points(uniq[:, 0], uniq[:, 1]))
    zone_idx, pt_idx = tree.query(geoms, predicate="contains")
    # expand distinct points back to every row holding them
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    counts = np.diff(starts)[pt_idx]
    rows = (
        np.concatenate([order[starts[p] : starts[p + 1]] for p in pt_idx])
        if len(pt_idx)
        else np.zeros(0, int)
    )
    zones_out = np.repeat(z_of_row.ravel()[zone_idx], counts)
    return rows.astype(np.int64), zones_out.astype(np.int64), [str(n) for n in names]

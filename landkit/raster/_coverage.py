"""Exact fraction of each raster cell covered by each polygon, vectorised with numpy.

Geometries are given in *pixel space* (column ``u`` to the right, row ``t`` downwards, cell
``(r, c)`` is the unit square ``[c, c+1] × [r, r+1]``), so any affine raster transform,
rotated ones included, is handled by the caller mapping coordinates through ``~transform``.

The method is the one exactextract uses, written as array operations. By Green's theorem the
area of a polygon ``R`` inside cell ``(r, c)`` is ``Σ_edges ∫ h_r(t(u)) du`` over the ring
pieces inside the column ``[c, c+1]`` (signed by ring orientation), where
``h_r(t) = clamp(t, r, r+1) - r``. After splitting every edge where it crosses a grid line,
each piece lies in one cell: it contributes ``Δu·(t_mid - r)`` to its own cell and ``Δu`` to
every cell above it in the same column. The second part is a cumulative sum along each
column of the polygon's bounding box. Work is proportional to perimeter plus bounding-box
cells, memory to the bounding-box cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

__all__ = ["CellCoverage", "cell_coverage"]

_POLYGON = 3


@dataclass(frozen=True)
class CellCoverage:
    """Covered cells, grouped by geometry (``geom`` is non-decreasing).

    Attributes
    ----------
    geom : ndarray of intp
        Position of the geometry in the input array.
    row, col : ndarray of int64
        Cell indices in pixel space (may lie outside the raster).
    frac : ndarray of float64
        Covered fraction of the cell, in (0, 1].
    """

    geom: np.ndarray
    row: np.ndarray
    col: np.ndarray
    frac: np.ndarray


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + n)`` for every pair (vectorised)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    rep_start = np.repeat(starts - (ends - counts), counts)
    return np.arange(total, dtype=np.int64) + rep_start


def _crossings(a0: np.ndarray, a1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edge index and parameter ``s`` in (0, 1) where each edge crosses an integer grid line."""
    lo = np.floor(np.minimum(a0, a1))
    hi = np.ceil(np.maximum(a0, a1))
    n = np.maximum(hi - lo - 1, 0).astype(np.int64)
    edge = np.repeat(np.arange(len(a0)), n)
    k = _ranges(lo.astype(np.int64) + 1, n)
    s = (k - a0[edge]) / (a1[edge] - a0[edge])
    return edge, s


def _cell_boxes(geoms: np.ndarray, ring_geom: np.ndarray) -> tuple[np.ndarray, ...]:
    """Bounding box of each geometry in cells (first column, first row, columns, rows), laid out
    column-major one after another (``offset``: start of each box in the flat cell array)."""
    n = len(geoms)
    bounds = shapely.bounds(geoms)
    valid = np.isin(np.arange(n), ring_geom) & np.isfinite(bounds).all(axis=1)
    b = np.where(valid[:, None], bounds, 0.0)
    c0 = np.floor(b[:, 0]).astype(np.int64)
    r0 = np.floor(b[:, 1]).astype(np.int64)
    ncol = np.where(valid, np.maximum(np.ceil(b[:, 2]).astype(np.int64) - c0, 1), 0)
    nrow = np.where(valid, np.maximum(np.ceil(b[:, 3]).astype(np.int64) - r0, 1), 0)
    offset = np.concatenate([[0], np.cumsum(ncol * nrow)])
    return c0, r0, ncol, nrow, offset


def cell_coverage(geoms: np.ndarray, /) -> CellCoverage:
    """Exact covered fraction of every cell touched by each polygon (pixel-space coordinates).

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        Polygons or multipolygons in pixel space; other or missing geometries cover nothing.
        Rings may have any orientation; polygons should be valid.

    Returns
    -------
    CellCoverage
        One entry per (geometry, cell) with a positive covered fraction.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cov = cell_coverage(np.array([box(0.5, 0.0, 1.5, 1.0)]))
    >>> cov.col.tolist(), cov.frac.tolist()
    ([0, 1], [0.5, 0.5])
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    parts, part_geom = shapely.get_parts(geoms, return_index=True)
    # a second pass flattens collections of multipolygons (as make_valid may return)
    parts, sub = shapely.get_parts(parts, return_index=True)
    part_geom = part_geom[sub]
    keep = shapely.get_type_id(parts) == _POLYGON
    parts, part_geom = parts[keep], part_geom[keep]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    empty = CellCoverage(*(np.zeros(0, dtype=d) for d in (np.intp, np.int64, np.int64, np.float64)))
    if len(rings) == 0:
        return empty
    ring_geom = part_geom[ring_part]
    is_exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    u, t = xy[:, 0], xy[:, 1]
    # edges join consecutive vertices of the same ring
    first = np.flatnonzero(ring_of[1:] == ring_of[:-1])
    u0, u1, t0, t1 = u[first], u[first + 1], t[first], t[first + 1]
    edge_ring = ring_of[first]
    # orient rings: exteriors count positive, holes negative, whatever the input orientation
    twice_area = np.bincount(edge_ring, u0 * t1 - u1 * t0, minlength=len(rings))
    ring_sign = np.sign(twice_area) * np.where(is_exterior, 1.0, -1.0)
    edge_sign = ring_sign[edge_ring]
    edge_geom = ring_geom[edge_ring]

    c0, r0, ncol, nrow, offset = _cell_boxes(geoms, ring_geom)
    total = int(offset[-1])

    # split every edge at its grid crossings; sort pieces along each edge
    eu, su = _crossings(u0, u1)
    et, st = _crossings(t0, t1)
    ne = len(u0)
    edge = np.concatenate([np.arange(ne), np.arange(ne), eu, et])
    s = np.concatenate([np.zeros(ne), np.ones(ne), su, st])
    order = np.lexsort((s, edge))
    edge, s = edge[order], s[order]
    j = np.flatnonzero(edge[1:] == edge[:-1])
    e = edge[j]
    sa, sb = s[j], s[j + 1]
    du_e = u1 - u0
    dt_e = t1 - t0
    ua = u0[e] + sa * du_e[e]
    ub = u0[e] + sb * du_e[e]
    tm = t0[e] + 0.5 * (sa + sb) * dt_e[e]
    um = 0.5 * (ua + ub)
    g = edge_geom[e]
    # a piece lying on a grid line belongs to either cell; clamping keeps it in the box
    col = np.clip(np.floor(um).astype(np.int64), c0[g], c0[g] + ncol[g] - 1)
    row = np.clip(np.floor(tm).astype(np.int64), r0[g], r0[g] + nrow[g] - 1)
    du = (ub - ua) * edge_sign[e]
    idx = offset[g] + (col - c0[g]) * nrow[g] + (row - r0[g])
    own = np.bincount(idx, du * (tm - row), minlength=total)
    acc = np.bincount(idx, du, minlength=total)

    # "Δu to every cell above": inclusive cumulative sum restarted at each column
    cs = np.cumsum(acc)
    col_count = ncol
    col_start = offset[:-1][np.repeat(np.arange(n), col_count)] + _ranges(
        np.zeros(n, dtype=np.int64), col_count
    ) * np.repeat(nrow, col_count)
    base = np.where(col_start > 0, cs[np.maximum(col_start - 1, 0)], 0.0)
    below = cs - np.repeat(base, np.repeat(nrow, col_count))
    frac = -(own - below)
    hit = np.flatnonzero(frac > 1e-12)
    gi = np.searchsorted(offset, hit, side="right") - 1
    local = hit - offset[gi]
    return CellCoverage(
        geom=gi.astype(np.intp),
        row=r0[gi] + local % nrow[gi],
        col=c0[gi] + local // nrow[gi],
        frac=np.minimum(frac[hit], 1.0),
    )

"""Supply pieces: supply polygons with the ones whose interiors overlap dissolved, so each square metre
counts once.

Most supplies overlap nothing and stay as they are (singles); each cluster of overlapping ones becomes
one union. The meeting pairs found on the way also tell which pieces touch no other one (``lonely``),
which lets the unsupplied geometry take those as plain holes.
"""

from __future__ import annotations

import numpy as np
import shapely

from .._parallel import box_pairs, threaded

__all__ = ["dissolve", "pieces", "polygons"]


def polygons(geoms: np.ndarray, /) -> np.ndarray:
    """The present geometries, repaired where invalid, as polygons (multi-part ones split into theirs).

    Examples
    --------
    >>> bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> [round(float(a), 6) for a in shapely.area(polygons(np.array([bowtie, None])))]
    [1.0, 1.0]
    """
    present = shapely.get_num_coordinates(geoms) > 0  # neither missing nor empty, in one pass
    geoms = geoms if present.all() else geoms[present]
    invalid = ~threaded(shapely.is_valid, geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    if (shapely.get_type_id(geoms) != 3).any():  # multipolygons and collections: their polygons
        geoms = shapely.get_parts(geoms)
        geoms = geoms[shapely.get_type_id(geoms) == 3]
    return geoms


def dissolve(polys: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """Dissolve valid polygons whose interiors overlap: the pieces (the polygons that overlap nothing,
    then one union per cluster) and which pieces touch no other one.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> p, lonely = dissolve(np.array([box(0, 0, 2, 2), box(1, 1, 3, 3), box(5, 5, 6, 6), box(6, 5, 7, 6)]))
    >>> [float(a) for a in shapely.area(p)], lonely.tolist()
    ([1.0, 1.0, 7.0], [False, False, True])
    """
    i, j = box_pairs(polys)
    meet = shapely.intersects(polys[i], polys[j])
    i, j = i[meet], j[meet]
    inner = ~shapely.touches(polys[i], polys[j])  # they meet: interiors overlap unless they only touch
    labels = _components(len(polys), i[inner], j[inner])
    single = np.bincount(labels, minlength=len(polys))[labels] == 1
    # a piece (named by its label) touches another where a meeting pair joins two pieces
    touch = np.zeros(len(polys), dtype=bool)
    across = labels[i] != labels[j]
    touch[labels[i[across]]], touch[labels[j[across]]] = True, True
    if single.all():
        return polys, ~touch
    clusters = np.unique(labels[~single])  # the order of the unions
    merged, at = shapely.get_parts(_union_clusters(polys, labels, np.flatnonzero(~single)), return_index=True)
    polygon = shapely.get_type_id(merged) == 3  # (polys are polygons already)
    merged, at = merged[polygon], at[polygon]
    split = np.bincount(at, minlength=len(clusters)) > 1  # parts of one union may touch each other
    lonely = np.concatenate([~touch[single], ~(touch[clusters] | split)[at]])
    return np.concatenate([polys[single], merged]), lonely


def pieces(geoms: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """The supply pieces of a geometry array and which of them touch no other one."""
    return dissolve(polygons(geoms))


def _components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label of each of ``n`` nodes joined by edges ``i``–``j`` (label propagation)."""
    labels = np.arange(n)
    while len(i):
        low = np.minimum(labels[i], labels[j])
        before = labels.copy()
        np.minimum.at(labels, i, low)
        np.minimum.at(labels, j, low)
        labels = labels[labels]  # jump to the root found so far
        if np.array_equal(labels, before):
            break
    return labels


def _union_clusters(polys: np.ndarray, labels: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The union of each cluster of overlapping polygons (pairs vectorised, larger clusters one by one)."""
    order = members[np.argsort(labels[members], kind="stable")]
    lab = labels[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]]) if len(lab) else np.zeros(0, dtype=int)
    sizes = np.diff(np.r_[starts, len(lab)])
    out = np.empty(len(starts), dtype=object)
    two = sizes == 2
    out[two] = shapely.union(polys[order[starts[two]]], polys[order[starts[two] + 1]])
    for k in np.flatnonzero(~two):
        out[k] = shapely.union_all(polys[order[starts[k] : starts[k] + sizes[k]]])
    return out

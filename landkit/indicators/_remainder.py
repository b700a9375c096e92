"""The unsupplied geometry of each batch: the batch minus the supply pieces inside it.

Most supplies lie properly inside their batch and touch no other supply: each of those becomes a
hole of the remainder, built directly without an overlay (a valid polygon, since such holes touch
neither each other nor the shell). The other pieces of a batch (crossing its edge, sharing edges
with neighbours, with holes of their own) are grouped, dissolved and subtracted with GEOS first;
where that leaves several parts, the hole pieces are subtracted with GEOS too.
"""

from __future__ import annotations

import numpy as np
import shapely

from .._parallel import box_pairs, threaded

__all__ = ["remainders", "touching"]


def touching(polys: np.ndarray, /) -> np.ndarray:
    """Which polygons intersect (overlap or touch) another one of ``polys``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> touching(np.array([box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)])).tolist()
    [True, True, False]
    """
    i, j = box_pairs(polys)
    hit = shapely.intersects(polys[i], polys[j])
    out = np.zeros(len(polys), dtype=bool)
    out[i[hit]] = True
    out[j[hit]] = True
    return out


def remainders(
    batches: np.ndarray,
    pieces: np.ndarray,
    /,
    *,
    batch_pos: np.ndarray,
    piece_pos: np.ndarray,
    inside: np.ndarray,
    lonely: np.ndarray | None = None,
) -> np.ndarray:
    """Each batch minus the pieces that overlap it.

    ``pieces`` have disjoint interiors; ``batch_pos``/``piece_pos`` list the overlapping pairs and
    ``inside`` whether the batch contains the piece properly (from :func:`landkit.zones.zone_pairs`).
    ``lonely`` may say which pieces are known to touch no other (True only where that is certain);
    by default :func:`touching` finds out.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> b = np.array([box(0, 0, 10, 10), box(20, 0, 30, 10)])
    >>> p = np.array([box(1, 1, 2, 2), box(3, 3, 4, 4), box(25, 5, 35, 6)])
    >>> r = remainders(b, p, batch_pos=np.array([0, 0, 1]), piece_pos=np.array([0, 1, 2]),
    ...                inside=np.array([True, True, False]))
    >>> [float(a) for a in shapely.area(r)], shapely.get_num_interior_rings(r).tolist()
    ([98.0, 95.0], [2, 0])
    """
    out = batches.copy()
    if not len(batch_pos):
        return out
    simple_piece = (shapely.get_type_id(pieces) == 3) & (shapely.get_num_interior_rings(pieces) == 0)
    if lonely is None:
        lonely = ~touching(pieces)
    hole = inside & (simple_piece & lonely)[piece_pos]  # becomes a hole of the remainder
    n = len(batches)
    first = np.unique(batch_pos[~hole])  # pieces that cross the edge or touch others: GEOS first
    if len(first):
        rows = ~hole
        out[first] = _subtract(out, pieces, batch_pos[rows], piece_pos[rows], first)
    then = np.zeros(n, dtype=bool)
    then[batch_pos[hole]] = True
    polygon = shapely.get_type_id(out) == 3
    for which, fn in ((then & polygon, _with_holes), (then & ~polygon, _subtract)):
        rows = hole & which[batch_pos]
        if rows.any():
            out[which] = fn(out, pieces, batch_pos[rows], piece_pos[rows], np.flatnonzero(which))
    return out


def _with_holes(
    batches: np.ndarray, pieces: np.ndarray, batch_pos: np.ndarray, piece_pos: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """``which`` batches (polygons) with their own holes plus one hole per piece (pairs given per batch).

    Built from coordinates in one call (:func:`shapely.from_ragged_array`): each batch's own rings,
    then its pieces' outlines, without a geometry object per ring. Batches with Z keep it (one ring
    object each).
    """
    if shapely.has_z(batches[which]).any():  # holes take the batch's dimension
        return _with_hole_rings(batches, pieces, batch_pos, piece_pos, which)
    _, b_xy, (b_ring, b_geom) = shapely.to_ragged_array(batches[which], include_z=False)
    # every piece's coordinates in one sequential pass (cheaper than picking the pieces out first)
    p_xy, p_part = shapely.get_coordinates(pieces, return_index=True)
    p_start = np.searchsorted(p_part, np.arange(len(pieces)))
    p_len = np.diff(np.r_[p_start, len(p_part)])
    # one record per ring: its batch (slot), where its coordinates start, how many, batch rings first
    b_rings = np.diff(b_geom)
    slot = np.concatenate([np.repeat(np.arange(len(which)), b_rings), np.searchsorted(which, batch_pos)])
    start = np.concatenate([b_ring[:-1], len(b_xy) + p_start[piece_pos]])
    length = np.concatenate([np.diff(b_ring), p_len[piece_pos]])
    second = np.r_[np.zeros(len(b_ring) - 1, dtype=bool), np.ones(len(piece_pos), dtype=bool)]
    order = np.lexsort((second, slot))  # stable: a batch's shell, its own holes, then the pieces
    start, length = start[order], length[order]
    ends = np.cumsum(length)
    gather = np.repeat(start - (ends - length), length) + np.arange(ends[-1] if len(ends) else 0)
    xy = np.concatenate([b_xy, p_xy])[gather]
    rings_per = np.bincount(slot, minlength=len(which))
    offsets = (np.r_[0, ends], np.r_[0, np.cumsum(rings_per)])
    return shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy, offsets)


def _with_hole_rings(
    batches: np.ndarray, pieces: np.ndarray, batch_pos: np.ndarray, piece_pos: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """:func:`_with_holes` from ring geometries (slower; keeps Z)."""
    own = shapely.get_num_interior_rings(batches[which])
    ring_parts = [shapely.get_exterior_ring(batches[which]), shapely.get_exterior_ring(pieces[piece_pos])]
    slot_parts = [np.arange(len(which)), np.searchsorted(which, batch_pos)]
    for k in range(int(own.max(initial=0))):
        have = own > k
        ring_parts.append(shapely.get_interior_ring(batches[which][have], k))
        slot_parts.append(np.flatnonzero(have))
    rings, slot = np.concatenate(ring_parts), np.concatenate(slot_parts)
    is_shell = np.zeros(len(rings), dtype=bool)
    is_shell[: len(which)] = True
    order = np.lexsort((~is_shell, slot))  # per batch: its shell first, then the holes
    return shapely.polygons(rings[order], indices=slot[order])


def _subtract(
    batches: np.ndarray, pieces: np.ndarray, batch_pos: np.ndarray, piece_pos: np.ndarray, which: np.ndarray
) -> np.ndarray:
    """``which`` batches minus the union of their pieces, with GEOS."""
    order = np.argsort(batch_pos, kind="stable")
    b, p = batch_pos[order], piece_pos[order]
    groups = shapely.multipolygons(pieces[p], indices=np.searchsorted(which, b))
    # pieces may share edges (neighbouring plots): the "structure" repair dissolves those groups
    bad = ~shapely.is_valid(groups)
    groups[bad] = shapely.make_valid(groups[bad], method="structure")
    return threaded(shapely.difference, batches[which], groups, min_size=500)

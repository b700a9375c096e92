"""Group parcels (in pixel space) into chunks that share one bounded raster window.

Parcels are grouped by the raster block their bounding-box centre falls in, so each chunk
reads one window about the size of a block plus its parcels' reach. A parcel whose bounding
box spans more than ``max_cells`` cells is cut into pixel-aligned tiles (exact: tiles meet on
cell edges) that are processed as separate pieces of the same parcel. Memory therefore stays
bounded by the parcels' footprint, never by the raster's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely

__all__ = ["Chunk", "plan_chunks"]


@dataclass(frozen=True)
class Chunk:
    """Pieces processed together and the raster window they need.

    Attributes
    ----------
    geoms : ndarray of shapely geometries
        Pieces in pixel space.
    pos : ndarray of intp
        Position of each piece's parcel in the input.
    window : tuple of int or None
        ``(row_off, col_off, height, width)`` clipped to the raster; None when every piece
        lies outside it.
    """

    geoms: np.ndarray
    pos: np.ndarray
    window: tuple[int, int, int, int] | None


def _cells(bounds: np.ndarray) -> np.ndarray:
    w = np.ceil(bounds[:, 2]) - np.floor(bounds[:, 0])
    h = np.ceil(bounds[:, 3]) - np.floor(bounds[:, 1])
    return np.maximum(w, 1) * np.maximum(h, 1)


def _tile_large(geoms: np.ndarray, pos: np.ndarray, *, max_cells: int) -> tuple[np.ndarray, np.ndarray]:
    bounds = shapely.bounds(geoms)
    big = np.flatnonzero(_cells(np.nan_to_num(bounds)) > max_cells)
    if len(big) == 0:
        return geoms, pos
    side = max(int(np.sqrt(max_cells)), 1)
    pieces, owners = [geoms[np.setdiff1d(np.arange(len(geoms)), big)]], [np.delete(pos, big)]
    for i in big:
        x0, y0, x1, y1 = bounds[i]
        xs = np.arange(np.floor(x0), np.ceil(x1), side)
        ys = np.arange(np.floor(y0), np.ceil(y1), side)
        gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
        tiles = shapely.intersection(geoms[i], shapely.box(gx, gy, gx + side, gy + side))
        tiles = tiles[~shapely.is_empty(tiles)]
        pieces.append(tiles)
        owners.append(np.full(len(tiles), pos[i]))
    return np.concatenate(pieces), np.concatenate(owners)


def plan_chunks(
    geoms: np.ndarray,
    /,
    *,
    height: int,
    width: int,
    block: int = 512,
    max_cells: int = 1_000_000,
) -> Iterator[Chunk]:
    """Yield chunks of parcel pieces, grouped spatially, each bounded to ``max_cells`` cells.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        Parcels in pixel space; missing or empty ones are skipped.
    height, width : int
        Raster size in pixels.
    block : int
        Side of the square blocks (pixels) used to group parcels.
    max_cells : int
        Upper bound on bounding-box cells per piece and (softly) per chunk.
    """
    pos = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    geoms, pos = _tile_large(geoms[pos], pos, max_cells=max_cells)
    if len(geoms) == 0:
        return
    bounds = shapely.bounds(geoms)
    cells = _cells(bounds)
    cx = (bounds[:, 0] + bounds[:, 2]) / 2
    cy = (bounds[:, 1] + bounds[:, 3]) / 2
    bx = np.clip(np.floor(cx / block), -1, width // block + 1).astype(np.int64)
    by = np.clip(np.floor(cy / block), -1, height // block + 1).astype(np.int64)
    order = np.lexsort((bx, by))
    key = by[order] * (width // block + 3) + bx[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for s, e in zip(starts, ends, strict=True):
        members = order[s:e]
        # cut the group where the running cell count passes max_cells
        cut = np.floor(np.cumsum(cells[members]) / max_cells).astype(np.int64)
        for c in np.unique(cut):
            idx = members[cut == c]
            yield Chunk(geoms[idx], pos[idx], _window(bounds[idx], height=height, width=width))


def _window(bounds: np.ndarray, *, height: int, width: int) -> tuple[int, int, int, int] | None:
    c0 = max(int(np.floor(bounds[:, 0].min())), 0)
    r0 = max(int(np.floor(bounds[:, 1].min())), 0)
    c1 = min(int(np.ceil(bounds[:, 2].max())), width)
    r1 = min(int(np.ceil(bounds[:, 3].max())), height)
    if c1 <= c0 or r1 <= r0:
        return None
    return r0, c0, r1 - r0, c1 - c0

"""Drive coverage and accumulation over chunks: one window read per chunk and band."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from rasterio.enums import MaskFlags
from rasterio.io import DatasetReaderBase
from rasterio.windows import Window

from ._accumulate import Accumulator
from ._blocks import Chunk, plan_chunks
from ._coverage import cell_coverage

__all__ = ["Progress", "Reader", "Totals", "band_reader", "run"]

#: ``reader(window, rows, cols)``: float64 values and an invalid mask at the given cells
#: (indices relative to ``window = (row_off, col_off, height, width)``), or for the whole
#: window when ``rows`` and ``cols`` are None.
Reader = Callable[
    [tuple[int, int, int, int], np.ndarray | None, np.ndarray | None], tuple[np.ndarray, np.ndarray]
]
#: Called after each chunk with (pieces done, pieces in total).
Progress = Callable[[int, int], None]

#: GDAL dataset handles are not safe for concurrent reads: every read goes through this lock
#: while coverage and statistics of other chunks run in parallel.
READ_LOCK = threading.Lock()


@dataclass(frozen=True)
class Totals:
    """Covered pixels per parcel: whole area, the part on the raster's extent."""

    area: np.ndarray
    inside: np.ndarray


def band_reader(ds: DatasetReaderBase, band: int, /) -> Reader:
    """A :data:`Reader` for one band: nodata, NaN and internal masks count as invalid."""
    flags = ds.mask_flag_enums[band - 1]
    nodata = ds.nodatavals[band - 1]
    flags_simple = MaskFlags.all_valid in flags or (MaskFlags.nodata in flags and nodata is not None)

    def read(
        win: tuple[int, int, int, int], rr: np.ndarray | None, cc: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        r0, c0, h, w = win
        window = Window(c0, r0, w, h)
        with READ_LOCK:
            raw = ds.read(band, window=window)
            mask = None if flags_simple else ds.read_masks(band, window=window)
        if rr is not None and cc is not None:  # convert and test only the cells asked for
            raw = raw[rr, cc]
        data = raw.astype(np.float64, copy=False)
        invalid = ~np.isfinite(data)
        if MaskFlags.all_valid in flags:
            pass
        elif MaskFlags.nodata in flags and nodata is not None:
            if not np.isnan(nodata):
                invalid |= raw == nodata
        elif mask is not None:
            invalid |= (mask if rr is None or cc is None else mask[rr, cc]) == 0
        return data, invalid

    return read


@dataclass(frozen=True)
class _Prepared:
    """Coverage and band values of one chunk, ready to accumulate."""

    parcels: np.ndarray
    local: np.ndarray
    frac: np.ndarray
    inside: np.ndarray
    bands: list[tuple[np.ndarray, np.ndarray]]
    pieces: int


def _prepare(chunk: Chunk, readers: Sequence[Reader], height: int, width: int) -> _Prepared:
    cov = cell_coverage(chunk.geoms)
    # distinct parcels of the chunk (a large parcel may come as several tiles)
    parcels, piece_parcel = np.unique(chunk.pos, return_inverse=True)
    local = piece_parcel[cov.geom]
    ok = (cov.row >= 0) & (cov.row < height) & (cov.col >= 0) & (cov.col < width)
    bands = []
    if chunk.window is not None and ok.any():
        r0, c0 = chunk.window[:2]
        rr, cc = cov.row[ok] - r0, cov.col[ok] - c0
        bands = [reader(chunk.window, rr, cc) for reader in readers]
    return _Prepared(parcels, local, cov.frac, ok, bands, len(chunk.pos))


def _ordered(
    chunks: list[Chunk], readers: Sequence[Reader], height: int, width: int, threads: int
) -> Iterator[_Prepared]:
    """Prepared chunks in order; with threads, a few chunks ahead are prepared in parallel."""
    if threads <= 1:
        for chunk in chunks:
            yield _prepare(chunk, readers, height, width)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[_Prepared]] = deque()
        it = iter(chunks)
        for chunk in it:
            pending.append(pool.submit(_prepare, chunk, readers, height, width))
            if len(pending) >= 2 * threads:
                break
        while pending:
            yield pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_prepare, nxt, readers, height, width))


def run(
    geoms: np.ndarray,
    /,
    *,
    height: int,
    width: int,
    bands: Mapping[str, tuple[Reader, Accumulator]],
    block: int = 512,
    max_cells: int = 1_000_000,
    threads: int = 1,
    progress: Progress | None = None,
) -> Totals:
    """Accumulate every band's statistics for parcels given in pixel space.

    With ``threads > 1`` coverage and window reads of upcoming chunks run in worker threads
    (reads serialised by :data:`READ_LOCK`); accumulation stays in order in this thread, so
    results do not depend on ``threads``.
    """
    n = len(geoms)
    area = np.zeros(n)
    inside = np.zeros(n)
    chunks = list(plan_chunks(geoms, height=height, width=width, block=block, max_cells=max_cells))
    total = sum(len(c.pos) for c in chunks)
    readers = [reader for reader, _ in bands.values()]
    accs = [acc for _, acc in bands.values()]
    done = 0
    for prep in _ordered(chunks, readers, height, width, threads):
        k = len(prep.parcels)
        area[prep.parcels] += np.bincount(prep.local, prep.frac, minlength=k)
        if prep.bands:
            local, frac = prep.local[prep.inside], prep.frac[prep.inside]
            inside[prep.parcels] += np.bincount(local, frac, minlength=k)
            for (values, invalid), acc in zip(prep.bands, accs, strict=True):
                good = ~invalid
                acc.add(prep.parcels, local[good], values[good], frac[good])
        done += prep.pieces
        if progress is not None:
            progress(done, total)
    return Totals(area=area, inside=inside)

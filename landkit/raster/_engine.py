"""Drive coverage and accumulation over chunks: one window read per chunk and band."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from rasterio.enums import MaskFlags
from rasterio.io import DatasetReaderBase
from rasterio.windows import Window

from ._accumulate import Accumulator
from ._blocks import plan_chunks
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


@dataclass(frozen=True)
class Totals:
    """Covered pixels per parcel: whole area, the part on the raster's extent."""

    area: np.ndarray
    inside: np.ndarray


def band_reader(ds: DatasetReaderBase, band: int, /) -> Reader:
    """A :data:`Reader` for one band: nodata, NaN and internal masks count as invalid."""
    flags = ds.mask_flag_enums[band - 1]
    nodata = ds.nodatavals[band - 1]

    def read(
        win: tuple[int, int, int, int], rr: np.ndarray | None, cc: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        r0, c0, h, w = win
        window = Window(c0, r0, w, h)
        raw = ds.read(band, window=window)
        if rr is not None and cc is not None:  # convert and test only the cells asked for
            raw = raw[rr, cc]
        data = raw.astype(np.float64, copy=False)
        invalid = ~np.isfinite(data)
        if MaskFlags.all_valid in flags:
            pass
        elif MaskFlags.nodata in flags and nodata is not None:
            if not np.isnan(nodata):
                invalid |= raw == nodata
        else:
            mask = ds.read_masks(band, window=window)
            invalid |= (mask if rr is None or cc is None else mask[rr, cc]) == 0
        return data, invalid

    return read


def run(
    geoms: np.ndarray,
    /,
    *,
    height: int,
    width: int,
    bands: Mapping[str, tuple[Reader, Accumulator]],
    block: int = 512,
    max_cells: int = 1_000_000,
    progress: Progress | None = None,
) -> Totals:
    """Accumulate every band's statistics for parcels given in pixel space."""
    n = len(geoms)
    area = np.zeros(n)
    inside = np.zeros(n)
    chunks = list(plan_chunks(geoms, height=height, width=width, block=block, max_cells=max_cells))
    total = sum(len(c.pos) for c in chunks)
    done = 0
    for chunk in chunks:
        cov = cell_coverage(chunk.geoms)
        # distinct parcels of the chunk (a large parcel may come as several tiles)
        parcels, piece_parcel = np.unique(chunk.pos, return_inverse=True)
        k = len(parcels)
        local = piece_parcel[cov.geom]
        area[parcels] += np.bincount(local, cov.frac, minlength=k)
        ok = (cov.row >= 0) & (cov.row < height) & (cov.col >= 0) & (cov.col < width)
        if chunk.window is not None and ok.any():
            local, frac = local[ok], cov.frac[ok]
            inside[parcels] += np.bincount(local, frac, minlength=k)
            r0, c0 = chunk.window[:2]
            rr, cc = cov.row[ok] - r0, cov.col[ok] - c0
            for reader, acc in bands.values():
                values, invalid = reader(chunk.window, rr, cc)
                good = ~invalid
                acc.add(parcels, local[good], values[good], frac[good])
        done += len(chunk.pos)
        if progress is not None:
            progress(done, total)
    return Totals(area=area, inside=inside)

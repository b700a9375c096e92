"""Per-parcel orthophoto thumbnails: the RGB image around a parcel, clipped with rasterio at write time.

The window is a square centred on the parcel (at least ``min_window_m`` wide, else ``margin`` × the
parcel's larger side, so the parcel fills most of it). rasterio reads only that window, resampled
to ``px`` × ``px`` (``average`` when shrinking, ``bilinear`` when enlarging); pixels outside the
parcel are blended ``dim`` of the way to white so the parcel stands out, the outline is drawn in
red, and the result is a small JPEG ``data:`` URI. A parcel not wholly on the image gets none (a
half-empty picture would mislead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DataFormatError

__all__ = ["OrthoSpec", "check_ortho", "ortho_window"]


@dataclass(frozen=True)
class OrthoSpec:
    """How orthophoto thumbnails are made (``panorama.toml`` ``[orthophoto]``)."""

    px: int = 96
    quality: int = 70
    min_window_m: float = 300.0
    margin: float = 1.6
    dim: float = 0.4


def check_ortho(src: Any, name: object, /) -> None:
    """Refuse a raster that is not an 8-bit image of 1 (grey), 3 (RGB) or 4 (RGBA/RGBN) bands.

    Examples
    --------
    >>> class Fake:
    ...     count, dtypes = 2, ("uint8", "uint8")
    >>> try:
    ...     check_ortho(Fake(), "x.tif")
    ... except DataFormatError as exc:
    ...     print(str(exc)[:40])
    x.tif has 2 uint8 band(s): an orthophoto
    """
    if src.count not in (1, 3, 4) or src.dtypes[0] != "uint8":
        hint = "; convert it first, e.g. gdal_translate -ot Byte -scale" if src.count in (1, 3, 4) else ""
        raise DataFormatError(
            f"{name} has {src.count} {src.dtypes[0]} band(s): an orthophoto thumbnail needs "
            f"1 (grey), 3 (RGB) or 4 8-bit bands{hint}"
        )


def _read_clipped(
    src: Any, bounds: tuple[float, ...], px: int
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The whole pixels of ``src`` round ``bounds`` (RGB float, off-image and masked pixels 235) and
    the box of ``bounds`` in them; read decimated (at most about 4 × ``px`` across) when large."""
    from rasterio.windows import Window, from_bounds

    win = from_bounds(*bounds, transform=src.transform)
    col0, row0 = int(np.floor(win.col_off)), int(np.floor(win.row_off))
    cols = int(np.ceil(win.col_off + win.width)) - col0
    rows = int(np.ceil(win.row_off + win.height)) - row0
    step = max(1, int(win.width // (4 * px)))  # decimation: whole source pixels per read pixel
    out = np.full((3, -(-rows // step), -(-cols // step)), 235.0)
    r0, c0 = max(row0, 0), max(col0, 0)
    r1, c1 = min(row0 + rows, src.height), min(col0 + cols, src.width)
    if r1 > r0 and c1 > c0:
        shape = (3, -(-(r1 - r0) // step), -(-(c1 - c0) // step))
        part = src.read(
            [1, 1, 1] if src.count == 1 else [1, 2, 3],
            window=Window(c0, r0, c1 - c0, r1 - r0),
            out_shape=shape,
            masked=True,
        )
        # Off-image margins are whole source pixels; decimated, they round to read pixels (< ¼ thumbnail px).
        top, left = round((r0 - row0) / step), round((c0 - col0) / step)
        h, w = min(shape[1], out.shape[1] - top), min(shape[2], out.shape[2] - left)
        out[:, top : top + h, left : left + w] = np.ma.filled(part[:, :h, :w].astype("float64"), 235.0)
    box = (
        win.col_off - col0,
        win.row_off - row0,
        win.col_off - col0 + win.width,
        win.row_off - row0 + win.height,
    )
    x0, y0, x1, y1 = box
    return out.transpose(1, 2, 0), (x0 / step, y0 / step, x1 / step, y1 / step)


def ortho_window(src: Any, geom: Any, bounds: tuple[float, ...], spec: OrthoSpec, /) -> np.ndarray | None:
    """RGB (uint8, ``px`` × ``px`` × 3) of ``src`` over ``bounds``, ``geom``'s outside dimmed; or None.

    ``geom`` and ``bounds`` are in the raster's CRS; None when ``geom`` is not wholly on the image.
    Pixels the raster masks (nodata, alpha) or that fall off it are light grey. The window is
    resampled to ``px`` with a box filter when shrinking, bilinear when enlarging.
    """
    from affine import Affine
    from PIL import Image
    from rasterio.features import geometry_mask
    from shapely.geometry import box

    if not box(*src.bounds).contains(geom):
        return None
    pixels, frame = _read_clipped(src, bounds, spec.px)
    shrink = frame[2] - frame[0] > spec.px
    img = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype("uint8")).resize(
        (spec.px, spec.px),
        Image.Resampling.BOX if shrink else Image.Resampling.BILINEAR,
        box=frame,
    )
    rgb = np.asarray(img, dtype="float64").copy()
    cell = (bounds[2] - bounds[0]) / spec.px
    to_pixels = Affine(cell, 0.0, bounds[0], 0.0, -cell, bounds[3])
    inside = geometry_mask([geom], out_shape=(spec.px, spec.px), transform=to_pixels, invert=True)
    rgb[~inside] = rgb[~inside] * (1 - spec.dim) + 255.0 * spec.dim
    return np.clip(np.rint(rgb), 0, 255).astype("uint8")

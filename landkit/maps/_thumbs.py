"""Per-parcel thumbnails: a hillshade of the DEM, or the orthophoto, around the parcel, outline drawn.

A one-band raster gives a terrain hillshade, an 8-bit RGB(A) image an orthophoto clip
(:mod:`landkit.maps._ortho`); ``kind=`` chooses explicitly. For the hillshade:

Computed at write time with rasterio: the window is a square centred on the parcel (at least
``min_window_m`` wide, else ``margin`` × the parcel's larger side) read in
cells of the DEM's own resolution, shaded (Lambertian, light from the north-west), resampled to
``px`` × ``px``, the parcel's outline drawn in red, and encoded as a small JPEG ``data:`` URI (a few KB).
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np

from ..errors import ConfigError, CRSError, DataFormatError
from ._ortho import OrthoSpec, check_ortho, ortho_window

__all__ = [
    "THUMB_KINDS",
    "ThumbSpec",
    "hillshade_window",
    "raster_thumbnails",
    "thumbnail_kind",
    "thumbnail_uris",
    "window_bounds",
]

#: Values of ``kind=``: by the raster's bands, a DEM hillshade, an orthophoto clip.
THUMB_KINDS = ("auto", "hillshade", "ortho")


@dataclass(frozen=True)
class ThumbSpec:
    """How thumbnails are made (``panorama.toml`` ``[thumbnails]``)."""

    px: int = 96
    quality: int = 60
    min_window_m: float = 2000.0
    margin: float = 4.0
    azimuth_deg: float = 315.0
    altitude_deg: float = 45.0
    vert_exag: float = 3.0


def window_bounds(
    bounds: tuple[float, float, float, float], spec: ThumbSpec | OrthoSpec, /
) -> tuple[float, ...]:
    """The square window (minx, miny, maxx, maxy) around a parcel's ``bounds`` (raster CRS units).

    Examples
    --------
    >>> window_bounds((0.0, 0.0, 100.0, 50.0), ThumbSpec(min_window_m=1000))
    (-450.0, -475.0, 550.0, 525.0)
    """
    minx, miny, maxx, maxy = bounds
    side = max(spec.min_window_m, spec.margin * max(maxx - minx, maxy - miny))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)


def _shade(z: np.ndarray, cell: float, spec: ThumbSpec) -> np.ndarray:
    """Lambertian hillshade (0–1, not stretched) of a north-up grid (heights × ``vert_exag``)."""
    dz_drow, dz_dx = np.gradient(z * spec.vert_exag, cell)
    dz_dy = -dz_drow  # rows run south
    az, alt = np.radians(90.0 - spec.azimuth_deg), np.radians(spec.altitude_deg)
    light = np.array([np.cos(az) * np.cos(alt), np.sin(az) * np.cos(alt), np.sin(alt)])
    normal = np.stack([-dz_dx, -dz_dy, np.ones_like(z)], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    return np.clip(normal @ light, 0.0, 1.0)


def hillshade_window(src: Any, bounds: tuple[float, ...], spec: ThumbSpec, /) -> np.ndarray | None:
    """Hillshade (0–1, ``px`` × ``px``) of ``src`` band 1 over ``bounds``; None when mostly off the DEM.

    The DEM is shaded at its own resolution over the window plus one cell, then resampled
    (bicubic) to exactly ``bounds`` — interpolating elevations first would facet the shading.
    """
    from PIL import Image
    from rasterio.windows import Window, from_bounds

    win = from_bounds(*bounds, transform=src.transform)
    col0, row0 = int(np.floor(win.col_off)) - 1, int(np.floor(win.row_off)) - 1
    cols = int(np.ceil(win.col_off + win.width)) + 1 - col0
    rows = int(np.ceil(win.row_off + win.height)) + 1 - row0
    r0, c0 = max(row0, 0), max(col0, 0)  # the part of the window on the DEM; the rest stays masked
    r1, c1 = min(row0 + rows, src.height), min(col0 + cols, src.width)
    if r1 <= r0 or c1 <= c0:
        return None
    z = np.ma.masked_all((rows, cols), dtype="float64")
    z[r0 - row0 : r1 - row0, c0 - col0 : c1 - col0] = src.read(
        1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True
    )
    z = np.ma.masked_invalid(z)
    bad = np.ma.getmaskarray(z)
    if bad.mean() > 0.5:
        return None
    grid = z.filled(float(z.mean()))
    shade = _shade(grid, abs(src.transform.a), spec).astype("float32")
    box = (
        win.col_off - col0,
        win.row_off - row0,
        win.col_off - col0 + win.width,
        win.row_off - row0 + win.height,
    )
    img = Image.fromarray(shade, mode="F").resize((spec.px, spec.px), Image.Resampling.BICUBIC, box=box)
    return np.clip(np.asarray(img, dtype="float64"), 0.0, 1.0)


def _outline_pixels(geom: Any, bounds: tuple[float, ...], px: int) -> list[list[tuple[float, float]]]:
    side = bounds[2] - bounds[0]
    polys = getattr(geom, "geoms", [geom])
    return [
        [((x - bounds[0]) / side * px, (bounds[3] - y) / side * px) for x, y in poly.exterior.coords]
        for poly in polys
        if hasattr(poly, "exterior")
    ]


def _grey(shade: np.ndarray) -> np.ndarray:
    grey = np.clip(np.rint(shade * 255), 0, 255).astype("uint8")
    return np.dstack([grey] * 3)


def _jpeg_uri(rgb: np.ndarray, rings: list[list[tuple[float, float]]], quality: int) -> str:
    from PIL import Image, ImageDraw

    img = Image.fromarray(rgb)
    draw = ImageDraw.Draw(img)
    for ring in rings:
        draw.line(ring, fill=(215, 38, 61), width=2, joint="curve")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def thumbnail_kind(src: Any, kind: str, name: object, /) -> str:
    """The thumbnail kind of the open raster ``src``: ``kind``, or by its bands when ``"auto"``.

    One band is a DEM (hillshade); 3 or 4 8-bit bands an orthophoto. Anything else, or a
    ``kind`` that does not fit the bands, is refused (:class:`~landkit.errors.DataFormatError`).

    Examples
    --------
    >>> import rasterio
    >>> with rasterio.open("sample_data/ortho/hongjiang_park_ortho_4546.tif") as src:
    ...     thumbnail_kind(src, "auto", "ortho.tif")
    'ortho'
    """
    if kind not in THUMB_KINDS:
        raise ConfigError(f"thumbnail kind {kind!r} is not one of {', '.join(THUMB_KINDS)}")
    if kind == "auto":
        kind = "hillshade" if src.count == 1 else "ortho"
    if kind == "ortho":
        check_ortho(src, name)
    elif src.count != 1:
        raise DataFormatError(
            f"{name} has {src.count} bands: a hillshade thumbnail needs a one-band DEM "
            "(pass kind='ortho' / --thumbnail-kind ortho for an image)"
        )
    return kind


def _one(src: Any, geom: Any, kind: str, spec: ThumbSpec, ortho: OrthoSpec) -> str | None:
    """The thumbnail URI of one parcel (raster CRS), or None."""
    if geom is None or geom.is_empty:
        return None
    if kind == "ortho":
        bounds = window_bounds(geom.bounds, ortho)
        rgb = ortho_window(src, geom, bounds, ortho)
        px, quality = ortho.px, ortho.quality
    else:
        bounds = window_bounds(geom.bounds, spec)
        shade = hillshade_window(src, bounds, spec)
        rgb = None if shade is None else _grey(shade)
        px, quality = spec.px, spec.quality
    return None if rgb is None else _jpeg_uri(rgb, _outline_pixels(geom, bounds, px), quality)


def raster_thumbnails(
    geometry: gpd.GeoSeries,
    raster: str | os.PathLike[str],
    /,
    *,
    kind: str = "auto",
    spec: ThumbSpec | None = None,
    ortho: OrthoSpec | None = None,
) -> tuple[str, list[str | None]]:
    """The kind used and one thumbnail (JPEG ``data:`` URI or None) per parcel from one raster.

    A DEM gives a hillshade of the window (``spec``), an orthophoto the clipped image (``ortho``);
    see :func:`thumbnail_kind`. None for parcels off the raster or without geometry.

    Raises
    ------
    DataFormatError
        The raster cannot be opened or its bands do not fit ``kind``.
    CRSError
        The raster or the parcels have no CRS.

    Examples
    --------
    >>> import landkit
    >>> p = landkit.read_parcels("sample_data/parcels.gpkg").iloc[[2, 7]]
    >>> kind, uris = raster_thumbnails(p.geometry, "sample_data/ortho/hongjiang_park_ortho_4546.tif")
    >>> kind, [u[:23] for u in uris]
    ('ortho', ['data:image/jpeg;base64,', 'data:image/jpeg;base64,'])
    """
    import rasterio

    try:
        src = rasterio.open(raster)
    except (OSError, rasterio.errors.RasterioIOError) as exc:
        raise DataFormatError(f"cannot open the raster {raster} for thumbnails: {exc}") from exc
    with src:
        if src.crs is None or geometry.crs is None:
            raise CRSError(f"thumbnails need a CRS on both the raster ({raster}) and the parcels")
        used = thumbnail_kind(src, kind, raster)
        spec, ortho = spec or ThumbSpec(), ortho or OrthoSpec()
        return used, [_one(src, g, used, spec, ortho) for g in geometry.to_crs(src.crs)]


def thumbnail_uris(
    geometry: gpd.GeoSeries, dem: str | os.PathLike[str], /, *, spec: ThumbSpec | None = None
) -> list[str | None]:
    """One hillshade thumbnail (JPEG ``data:`` URI) per parcel; None off the DEM or without geometry.

    Raises
    ------
    DataFormatError
        The DEM cannot be opened or has more than one band.
    CRSError
        The DEM or the parcels have no CRS.

    Examples
    --------
    >>> import landkit
    >>> p = landkit.read_parcels("sample_data/parcels.gpkg").head(2)
    >>> uris = thumbnail_uris(p.geometry, "sample_data/dem/hongjiang_dem_4546.tif")
    >>> [u[:23] for u in uris], all(len(u) < 8000 for u in uris)
    (['data:image/jpeg;base64,', 'data:image/jpeg;base64,'], True)
    """
    return raster_thumbnails(geometry, dem, kind="hillshade", spec=spec)[1]

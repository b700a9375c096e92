"""Synthetic 360° panoramas (equirectangular JPEGs) for the sample parcels' 全景式看地.

Each panorama is a sky/ground gradient with a seeded hills silhouette on the horizon, a fence
line and a 北/东/南/西 compass marking (north in the middle of the image, east a quarter to
the right, as a viewer shows yaw 0 first). Deterministic: the same seed gives the same pixels
(the compass letters use the installed CJK font, N/E/S/W when there is none).
"""

from __future__ import annotations

import functools
import io
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

__all__ = ["PANORAMA_COUNT", "add_sample_panoramas", "synthetic_panorama"]

log = logging.getLogger(__name__)

#: How many sample parcels (the first parcels for sale) get a panorama.
PANORAMA_COUNT = 4

_COMPASS = (("北", "N", 0.5), ("东", "E", 0.75), ("南", "S", 0.0), ("西", "W", 0.25))


@functools.cache
def _font_path() -> str | None:
    """The file of an installed CJK font (for the compass letters), or None."""
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if font.name in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei"):
            return str(font.fname)
    return None


def _sky_and_ground(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """An RGB float image: a blue sky fading to haze at the horizon, green-brown ground below."""
    y = (np.arange(height) / (height - 1))[:, None, None]
    sky = np.array([70, 130, 210]) * (1 - 2 * y) + np.array([200, 220, 235]) * (2 * y)
    ground = np.array([120, 150, 90]) * (2 - 2 * y) + np.array([80, 70, 50]) * (2 * y - 1)
    img = np.where(y < 0.5, sky, ground) * np.ones((1, width, 1))
    # Hills: a sum of a few seeded sine waves over the full circle (so the seam at ±180° closes).
    x = np.arange(width) / width * 2 * np.pi
    ridge = np.zeros(width)
    for k in (2, 3, 5, 8):
        ridge += rng.uniform(0.3, 1.0) / k * np.sin(k * x + rng.uniform(0, 2 * np.pi))
    ridge = 0.5 - (0.04 + 0.06 * (ridge - ridge.min()) / np.ptp(ridge))
    rows = np.arange(height)[:, None] / (height - 1)
    hills = (rows >= ridge[None, :]) & (rows < 0.5)
    img[hills] = np.array([60, 95, 70]) + 25 * rows[hills.any(axis=1)].mean()
    return img


def synthetic_panorama(seed: int = 0, /, *, width: int = 2048, quality: int = 80) -> bytes:
    """Return one synthetic equirectangular panorama as JPEG bytes (``width`` × ``width / 2``).

    Parameters
    ----------
    seed : int
        Random seed of the hills (same seed, same image).
    width : int
        Image width in pixels (even); the height is half of it (equirectangular, 360° × 180°).
    quality : int
        JPEG quality.

    Returns
    -------
    bytes
        A baseline JPEG, a few tens of KB at 2048 × 1024.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> data = synthetic_panorama(1, width=512)
    >>> Image.open(io.BytesIO(data)).size, data == synthetic_panorama(1, width=512)
    ((512, 256), True)
    """
    from PIL import Image, ImageDraw, ImageFont

    height = width // 2
    img = _sky_and_ground(width, height, np.random.default_rng(seed))
    im = Image.fromarray(np.clip(img, 0, 255).astype("uint8"))
    draw = ImageDraw.Draw(im)
    fence = int(height * 0.62)
    draw.line([(0, fence), (width, fence)], fill=(235, 235, 225), width=max(1, width // 512))
    for x in range(0, width, max(8, width // 64)):
        draw.line([(x, fence - height // 40), (x, fence + height // 80)], fill=(235, 235, 225), width=1)
    path = _font_path()
    size = max(12, height // 12)
    font: Any = ImageFont.truetype(path, size) if path else ImageFont.load_default()
    for zh, en, pos in _COMPASS:  # 南 sits on the seam: drawn half at each edge, whole in a viewer
        for mark in (0.0, float(width)) if pos == 0.0 else (pos * width,):
            draw.text((mark, height * 0.75), zh if path else en, font=font, fill=(200, 30, 45), anchor="mm")
            draw.line([(mark, height * 0.5), (mark, height * 0.7)], fill=(200, 30, 45), width=3)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def add_sample_panoramas(
    parcels: gpd.GeoDataFrame, folder: Path, /, *, count: int = PANORAMA_COUNT
) -> gpd.GeoDataFrame:
    """Write ``count`` panoramas into ``folder`` and return ``parcels`` with a ``panorama`` column.

    The first ``count`` parcels for sale (``status == "for_sale"``) get ``panoramas/pano_N.jpg``
    (relative to the sample folder, as photos are); the others none.

    Examples
    --------
    >>> import tempfile
    >>> from landkit.sample import synthetic_parcels
    >>> g = synthetic_parcels(20, seed=2)
    >>> out = add_sample_panoramas(g, Path(tempfile.mkdtemp()) / "panoramas", count=2)
    >>> out["panorama"].dropna().tolist()
    ['panoramas/pano_1.jpg', 'panoramas/pano_2.jpg']
    """
    folder.mkdir(parents=True, exist_ok=True)
    out = parcels.copy()
    out["panorama"] = None
    chosen = out.index[out["status"] == "for_sale"][:count]
    for i, idx in enumerate(chosen, start=1):
        (folder / f"pano_{i}.jpg").write_bytes(synthetic_panorama(431281 + i))
        out.loc[idx, "panorama"] = f"{folder.name}/pano_{i}.jpg"
    log.info("%d sample panoramas written to %s", len(chosen), folder)
    return out

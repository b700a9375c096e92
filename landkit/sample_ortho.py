"""A synthetic RGB orthophoto (正射影像) of the sample's 高新区 for the browse page's card thumbnails.

The image is painted, not photographed: a patchwork of fields and woods (seeded), the roads and
the 沅水 of the base layers, and the sample parcels coloured by what an aerial photo would show
(bare soil on land for sale, roofs on built-up land, grass on reserve land). 4 m pixels over the
park's bounding box plus 500 m, EPSG:4546, three uint8 bands, JPEG-compressed (YCbCr) GeoTIFF —
a few hundred KB. Deterministic: the same parcels and seed give the same pixels.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np

__all__ = ["ORTHO_NAME", "ORTHO_RES_M", "write_sample_ortho"]

log = logging.getLogger(__name__)

#: The file's name inside the sample folder.
ORTHO_NAME = "ortho/hongjiang_park_ortho_4546.tif"
#: Pixel size of the sample orthophoto (metres).
ORTHO_RES_M = 4.0

_GK = 4546
# Colours (RGB) an aerial photo of a Hunan county shows in summer.
_FIELDS = np.array([[118, 150, 78], [150, 168, 92], [96, 132, 70], [176, 170, 110], [132, 160, 96]])
_WOOD = np.array([58, 92, 52])
_ROAD, _WATER = (168, 166, 160), (70, 104, 118)
_BY_STATUS = {  # what the parcel looks like from above
    "for_sale": (186, 150, 112),  # bare, levelled soil
    "identified": (150, 140, 120),  # half-built: soil and concrete
    "in_disposal": (196, 198, 202),  # roofs
    "reserved": (124, 158, 88),  # grass
}


def _ground(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Fields (rotated 60 m × 120 m patches, one colour each) and woods (smooth blobs): float RGB."""
    rows, cols = np.indices(shape, dtype="float64")
    angle = rng.uniform(0.2, 0.5)
    u = (cols * np.cos(angle) + rows * np.sin(angle)) * ORTHO_RES_M
    v = (-cols * np.sin(angle) + rows * np.cos(angle)) * ORTHO_RES_M
    field_id = (np.floor(u / 60) * 7919 + np.floor(v / 120) * 104729).astype("int64")
    palette = rng.integers(0, len(_FIELDS), size=4096)
    img = _FIELDS[palette[field_id % 4096]].astype("float64")
    waves = np.zeros(shape)
    for _ in range(4):
        k = rng.uniform(1 / 900, 1 / 300, size=2)
        waves += np.sin(cols * ORTHO_RES_M * k[0] + rng.uniform(0, 6.3)) * np.cos(
            rows * ORTHO_RES_M * k[1] + rng.uniform(0, 6.3)
        )
    wood = np.clip((waves - 1.0) / 0.6, 0, 1)[..., None]
    return img * (1 - wood) + _WOOD * wood


def _paint(img: np.ndarray, shapes: list[tuple[object, tuple[int, int, int]]], transform: object) -> None:
    """Burn each (geometry, colour) into ``img`` in order (later shapes over earlier ones)."""
    from rasterio.features import rasterize

    if not shapes:
        return
    index = rasterize(
        ((g, i + 1) for i, (g, _) in enumerate(shapes)),
        out_shape=img.shape[:2],
        transform=transform,
        fill=0,
        dtype="int32",
    )
    colours = np.vstack([[0, 0, 0], [c for _, c in shapes]]).astype("float64")
    hit = index > 0
    img[hit] = colours[index[hit]]


def _features(
    parcels: gpd.GeoDataFrame, base: dict[str, gpd.GeoDataFrame]
) -> list[tuple[object, tuple[int, int, int]]]:
    shapes: list[tuple[object, tuple[int, int, int]]] = []
    river = base["yuan_river"].to_crs(_GK).geometry.iloc[0]
    shapes.append((river.buffer(60), _WATER))
    for road in base["roads"].to_crs(_GK).geometry:
        shapes.append((road.buffer(8), _ROAD))
    gk = parcels.to_crs(_GK)
    for geom, status in zip(gk.geometry, gk["status"], strict=True):
        colour = _BY_STATUS.get(status, (150, 140, 120))
        shapes.append((geom, colour))
        if status == "in_disposal" and geom.area > 3000:  # a yard round the building
            shapes.append((geom.buffer(-12), (212, 214, 220)))
    return shapes


def write_sample_ortho(
    parcels: gpd.GeoDataFrame, base: dict[str, gpd.GeoDataFrame], path: Path, /, *, seed: int
) -> Path:
    """Paint the sample orthophoto of the park (see the module docstring) into ``path``.

    Parameters
    ----------
    parcels : GeoDataFrame
        The sample parcels (``status`` column; any CRS).
    base : dict of GeoDataFrame
        The sample base layers (``park``, ``roads``, ``yuan_river``).
    path : Path
        The GeoTIFF to write (its folder is created).
    seed : int
        Seed of the fields and woods.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, rasterio
    >>> from landkit.sample import synthetic_parcels, _base_layers
    >>> import numpy as np
    >>> base = _base_layers(np.random.default_rng(1))
    >>> path = Path(tempfile.mkdtemp()) / "o.tif"
    >>> out = write_sample_ortho(synthetic_parcels(20, seed=2), base, path, seed=3)
    >>> with rasterio.open(out) as src:
    ...     src.count, src.dtypes[0], src.res, src.crs.to_epsg()
    (3, 'uint8', (4.0, 4.0), 4546)
    """
    import rasterio
    from affine import Affine

    park = base["park"].to_crs(_GK)
    minx, miny, maxx, maxy = (float(v) for v in park.total_bounds)
    minx, miny = np.floor((minx - 500) / 100) * 100, np.floor((miny - 500) / 100) * 100
    maxx, maxy = np.ceil((maxx + 500) / 100) * 100, np.ceil((maxy + 500) / 100) * 100
    shape = (int((maxy - miny) / ORTHO_RES_M), int((maxx - minx) / ORTHO_RES_M))
    transform = Affine(ORTHO_RES_M, 0.0, minx, 0.0, -ORTHO_RES_M, maxy)
    rng = np.random.default_rng(seed)
    img = _ground(shape, rng)
    _paint(img, _features(parcels, base), transform)
    img += rng.normal(0, 4, size=img.shape)  # texture, small enough for JPEG to stay compact
    data = np.clip(np.rint(img), 0, 255).astype("uint8").transpose(2, 0, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": shape[1],
        "height": shape[0],
        "count": 3,
        "dtype": "uint8",
        "crs": f"EPSG:{_GK}",
        "transform": transform,
        "compress": "jpeg",
        "jpeg_quality": 70,
        "photometric": "ycbcr",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        dst.set_band_description(1, "red")
        dst.set_band_description(2, "green")
        dst.set_band_description(3, "blue")
    log.info("sample orthophoto written to %s", path)
    return path

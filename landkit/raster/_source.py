"""Open a raster given as a path or a dataset, and bring parcels into its CRS and pixel space."""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pyproj
import rasterio
import shapely
from affine import Affine
from rasterio.io import DatasetReaderBase

from ..errors import CRSError, DataFormatError, LandkitWarning

__all__ = ["RasterLike", "check_band", "open_raster", "parcels_to_pixels", "to_pixels"]

#: A raster given as a path or an open rasterio dataset.
RasterLike: TypeAlias = str | os.PathLike[str] | DatasetReaderBase


@contextlib.contextmanager
def open_raster(raster: RasterLike, /) -> Iterator[DatasetReaderBase]:
    """Yield an open dataset; a path is opened here and closed afterwards, a dataset is left open."""
    if isinstance(raster, DatasetReaderBase):
        if raster.closed:
            raise DataFormatError(f"raster dataset {raster.name} is closed; open it again")
        yield raster
        return
    try:
        ds = rasterio.open(raster)
    except rasterio.errors.RasterioIOError as exc:
        raise DataFormatError(f"cannot open raster {os.fspath(raster)}: {exc}") from exc
    with ds:
        yield ds


def check_band(ds: DatasetReaderBase, band: int, /) -> None:
    """Raise a clear error unless ``band`` (1-based) exists in ``ds``."""
    if not 1 <= band <= ds.count:
        raise DataFormatError(f"{ds.name} has {ds.count} band(s); band={band} does not exist")


def parcels_to_pixels(parcels: gpd.GeoDataFrame | gpd.GeoSeries, ds: DatasetReaderBase, /) -> np.ndarray:
    """Parcel geometries in the raster's CRS, mapped to pixel space (column, row) by ``~transform``.

    Parcels are reprojected to the raster's CRS (the raster is never resampled). Invalid
    geometries are repaired with :func:`shapely.make_valid` and a warning says how many.

    Raises
    ------
    CRSError
        If the parcels or the raster have no CRS.
    """
    gs = parcels.geometry if isinstance(parcels, gpd.GeoDataFrame) else parcels
    if gs.crs is None:
        raise CRSError("parcels have no CRS; set it with .set_crs(...) before raster statistics")
    if ds.crs is None:
        raise CRSError(f"raster {ds.name} has no CRS; assign one (e.g. gdal_edit.py -a_srs) first")
    if not pyproj.CRS.from_user_input(gs.crs).equals(pyproj.CRS.from_user_input(ds.crs)):
        gs = gs.to_crs(ds.crs)
    geoms = np.asarray(gs.array, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        warnings.warn(
            f"{int(bad.sum())} invalid parcel geometries were repaired (make_valid) for raster statistics",
            LandkitWarning,
            stacklevel=3,
        )
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return to_pixels(geoms, ds.transform)


def to_pixels(geoms: np.ndarray, transform: Affine, /) -> np.ndarray:
    """Map geometries from CRS coordinates to pixel space (column, row) of ``transform``."""
    inv = ~transform

    def _apply(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([inv.a * x + inv.b * y + inv.c, inv.d * x + inv.e * y + inv.f])

    return np.asarray(shapely.transform(geoms, _apply), dtype=object)

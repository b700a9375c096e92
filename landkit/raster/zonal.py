"""Zonal statistics of a raster band per parcel, coverage-weighted and read in windows."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import LandkitWarning
from ._accumulate import STATS, Accumulator
from ._engine import Progress, Totals, band_reader, run
from ._source import RasterLike, check_band, open_raster, parcels_to_pixels

__all__ = ["STATS", "STAT_LABELS", "zonal_stats"]

#: Chinese display labels of the columns returned by :func:`zonal_stats`.
STAT_LABELS = {
    "count": "有效像元数",
    "sum": "总和",
    "mean": "平均值",
    "min": "最小值",
    "max": "最大值",
    "std": "标准差",
    "median": "中位数",
    "majority": "众数",
    "minority": "最少值",
    "valid_share": "有效覆盖占比",
    "outside_share": "超出栅格占比",
}


def zonal_stats(
    parcels: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: RasterLike,
    /,
    *,
    stats: Sequence[str] | None = None,
    band: int = 1,
    categorical: bool = False,
    prefix: str = "",
    threads: int = 1,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Coverage-weighted statistics of one raster band for each parcel.

    Each pixel counts with the exact fraction of its area that the parcel covers, so a
    parcel smaller than a pixel still gets a value and large parcels are not biased by
    pixel centres. Parcels are reprojected to the raster's CRS (the raster is never
    resampled). The raster is read in windows around spatially grouped parcels, so memory
    is bounded by the parcels' footprint rather than the raster's size.

    Parameters
    ----------
    parcels : GeoDataFrame or GeoSeries
        Polygons with a CRS. Missing geometries give NaN; invalid ones are repaired (with a
        :class:`~landkit.errors.LandkitWarning`).
    raster : path or open rasterio dataset
        A dataset passed in stays open.
    stats : sequence of str, optional
        Any of ``count`` (covered valid pixels), ``sum``, ``mean``, ``min``, ``max``, ``std``,
        ``median``, ``majority``, ``minority`` (see :data:`STATS`). Default
        ``("mean", "min", "max")``, or ``("majority",)`` when ``categorical``.
    band : int
        1-based band number.
    categorical : bool
        Treat values as classes: add one ``share_<value>`` column per class found, the share
        (0–1) of the parcel's valid covered area in that class.
    prefix : str
        Put before every column name (e.g. ``"ndvi_"``), to join several rasters' results.
    threads : int
        Worker threads preparing windows (coverage and reads) ahead of accumulation;
        results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` (parcel pieces) after each window.

    Returns
    -------
    pandas.DataFrame
        Aligned on the input index: one column per statistic, then ``share_*`` columns
        (categorical), ``valid_share`` (share of the parcel's area over valid pixels, 0–1)
        and ``outside_share`` (share of its area beyond the raster's extent, 0–1), all
        prefixed with ``prefix``. The part on nodata pixels is
        ``1 - valid_share - outside_share``. (Not ``coverage``: that canonical field is the
        building coverage 建筑系数.) Statistics are NaN where no valid
        pixel is covered (``count`` is then 0).

    Raises
    ------
    CRSError
        If the parcels or the raster have no CRS.
    DataFormatError
        If the raster cannot be opened or the band does not exist.
    ValueError
        For an unknown statistic.

    Warns
    -----
    LandkitWarning
        When parcels lie partly or wholly outside the raster (see ``outside_share``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from landkit.raster import zonal_stats
    >>> parcels = gpd.read_file("sample_data/parcels.gpkg").head(3)
    >>> zonal_stats(parcels, "sample_data/dem/hongjiang_dem_4546.tif").round(1)
        mean    min    max  valid_share  outside_share
    0  185.4  175.0  199.0          1.0            0.0
    1  294.0  294.0  294.0          1.0            0.0
    2  369.8  366.0  374.0          1.0            0.0
    """
    if isinstance(stats, str):
        stats = [stats]
    names = list(stats) if stats is not None else (["majority"] if categorical else ["mean", "min", "max"])
    unknown = [s for s in names if s not in STATS]
    if unknown:
        raise ValueError(f"unknown statistic(s) {unknown}; choose from {sorted(STATS)}")
    index = parcels.index
    with open_raster(raster) as ds:
        check_band(ds, band)
        geoms = parcels_to_pixels(parcels, ds)
        acc = Accumulator(len(geoms), stats=names, shares=categorical)
        totals = run(
            geoms,
            height=ds.height,
            width=ds.width,
            bands={"band": (band_reader(ds, band), acc)},
            threads=threads,
            progress=progress,
        )
    out = pd.DataFrame(acc.result(), index=index).add_prefix(prefix)
    if categorical:
        table = acc.class_weights()
        shares = table.to_numpy() / np.where(acc.weight > 0, acc.weight, np.nan)[:, None]
        cols = [f"{prefix}share_{_label(v)}" for v in table.columns]
        out = pd.concat([out, pd.DataFrame(shares, index=index, columns=cols)], axis=1)
    return pd.concat([out, coverage_columns(totals, acc.weight, index=index, prefix=prefix)], axis=1)


def coverage_columns(
    totals: Totals, valid: np.ndarray, /, *, index: pd.Index, prefix: str = ""
) -> pd.DataFrame:
    """``valid_share`` and ``outside_share`` columns; warn when parcels leave the raster."""
    area = np.where(totals.area > 0, totals.area, np.nan)
    outside = np.clip(1.0 - totals.inside / area, 0.0, 1.0)
    outside[np.abs(outside) < 1e-9] = 0.0
    shares = {f"{prefix}valid_share": np.clip(valid / area, 0.0, 1.0), f"{prefix}outside_share": outside}
    frame = pd.DataFrame(shares, index=index)
    wholly = int((outside >= 1.0 - 1e-9).sum())
    partly = int(((outside > 0) & (outside < 1.0 - 1e-9)).sum())
    if wholly or partly:
        warnings.warn(
            f"{partly} parcel(s) lie partly and {wholly} wholly outside the raster "
            f"(see column {prefix}outside_share; statistics use the part inside)",
            LandkitWarning,
            stacklevel=3,
        )
    return frame


def _label(value: object) -> str:
    v = float(value)  # type: ignore[arg-type]
    return str(int(v)) if v.is_integer() else str(v)

"""Terrain facts per parcel from a DEM: elevation, slope and the share of steep ground."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from .._toml import load_config, required
from ._accumulate import Accumulator
from ._engine import Progress, band_reader, run
from ._source import RasterLike, check_band, open_raster, parcels_to_pixels
from .slope import slope_reader
from .zonal import coverage_columns

__all__ = ["TERRAIN_COLUMNS", "terrain_config", "terrain_stats"]

#: Columns returned by :func:`terrain_stats`, with their Chinese display labels.
TERRAIN_COLUMNS = {
    "elev_mean_m": "平均高程（米）",
    "elev_min_m": "最低高程（米）",
    "elev_max_m": "最高高程（米）",
    "slope_mean_deg": "平均坡度（度）",
    "slope_max_deg": "最大坡度（度）",
    "steep_share": "陡坡占比",
    "dem_valid_share": "高程数据覆盖占比",
    "dem_outside_share": "超出高程范围占比",
}


@cache
def terrain_config() -> dict[str, float]:
    """Thresholds from the packaged ``terrain.toml`` (``steep_deg``)."""
    schema = {"steep_deg": required(float)}
    data = load_config("terrain.toml", package=__package__, what="terrain thresholds", schema=schema)
    return {"steep_deg": float(data["steep_deg"])}


def terrain_stats(
    parcels: gpd.GeoDataFrame | gpd.GeoSeries,
    dem: RasterLike,
    /,
    *,
    steep_deg: float | None = None,
    band: int = 1,
    threads: int = 1,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Elevation and slope facts for each parcel, coverage-weighted, from one DEM.

    Slope is computed window by window (Horn's method with true ground distances, as
    :func:`~landkit.raster.slope`), so no slope raster needs to exist and memory stays
    bounded by the parcels' footprint.

    Parameters
    ----------
    parcels : GeoDataFrame or GeoSeries
        Polygons with a CRS; reprojected to the DEM's CRS.
    dem : path or open rasterio dataset
        Elevation in metres, north-up.
    steep_deg : float, optional
        Slope limit in degrees; default ``steep_deg`` from ``terrain.toml`` (25°).
    band : int
        1-based band number.
    threads : int
        Worker threads preparing windows (coverage and reads) ahead of accumulation;
        results do not depend on it.
    progress : callable, optional
        Called as ``progress(done, total)`` after each window.

    Returns
    -------
    pandas.DataFrame
        Aligned on the input index, columns :data:`TERRAIN_COLUMNS`:

        - ``elev_mean_m``, ``elev_min_m``, ``elev_max_m``: elevation (m); mean weighted by
          covered area, min/max over pixels the parcel touches;
        - ``slope_mean_deg``, ``slope_max_deg``: slope (degrees), same weighting;
        - ``steep_share``: share (0–1) of the parcel's valid area steeper than ``steep_deg``;
        - ``dem_valid_share``, ``dem_outside_share``: ``valid_share`` and ``outside_share``
          of :func:`~landkit.raster.zonal_stats` (share of the area on valid DEM pixels,
          share beyond the DEM's extent).

    Raises
    ------
    CRSError
        If the parcels or the DEM have no CRS.
    DataFormatError
        If the DEM cannot be read or is rotated.

    Warns
    -----
    LandkitWarning
        When parcels lie partly or wholly outside the DEM.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from landkit.raster import terrain_stats
    >>> parcels = gpd.read_file("sample_data/parcels.gpkg").head(3)
    >>> facts = terrain_stats(parcels, "sample_data/dem/hongjiang_dem_4546.tif")
    >>> facts[["elev_mean_m", "slope_mean_deg", "steep_share"]].round(1)
       elev_mean_m  slope_mean_deg  steep_share
    0        185.4             5.8          0.0
    1        294.0             4.0          0.0
    2        369.8             2.7          0.0
    """
    limit = terrain_config()["steep_deg"] if steep_deg is None else float(steep_deg)
    index = parcels.index
    with open_raster(dem) as ds:
        check_band(ds, band)
        geoms = parcels_to_pixels(parcels, ds)
        n = len(geoms)
        elev = Accumulator(n, stats=("mean", "min", "max"))
        slope = Accumulator(n, stats=("mean", "max"))
        steep = Accumulator(n, stats=("mean",))
        slopes = slope_reader(ds, band)

        def steep_reader(
            win: tuple[int, int, int, int], rr: np.ndarray | None, cc: np.ndarray | None
        ) -> tuple[np.ndarray, np.ndarray]:
            s, invalid = slopes(win, rr, cc)
            return (s > limit).astype(float), invalid

        totals = run(
            geoms,
            height=ds.height,
            width=ds.width,
            bands={
                "elev": (band_reader(ds, band), elev),
                "slope": (slopes, slope),
                "steep": (steep_reader, steep),
            },
            threads=threads,
            progress=progress,
        )
    e, s, st = elev.result(), slope.result(), steep.result()
    out = pd.DataFrame(
        {
            "elev_mean_m": e["mean"],
            "elev_min_m": e["min"],
            "elev_max_m": e["max"],
            "slope_mean_deg": s["mean"],
            "slope_max_deg": s["max"],
            "steep_share": st["mean"],
        },
        index=index,
    )
    return pd.concat([out, coverage_columns(totals, elev.weight, index=index, prefix="dem_")], axis=1)

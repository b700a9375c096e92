"""Rasters per parcel: coverage-weighted zonal statistics, slope and terrain facts.

- :func:`zonal_stats` — statistics or class shares of a raster band per parcel;
- :func:`slope` — slope in degrees with true ground distances;
- :func:`terrain_stats` — elevation, slope and steep share per parcel from a DEM.
"""

from .slope import slope
from .terrain import TERRAIN_COLUMNS, terrain_stats
from .zonal import STAT_LABELS, STATS, zonal_stats

__all__ = ["STATS", "STAT_LABELS", "TERRAIN_COLUMNS", "slope", "terrain_stats", "zonal_stats"]

"""Rasters per parcel: coverage-weighted zonal statistics, slope and terrain facts.

- :func:`zonal_stats` — statistics or class shares of a raster band per parcel;
- :func:`slope` — slope in degrees with true ground distances;
- :func:`terrain_stats` — elevation, slope and steep share per parcel from a DEM.

How it works, and what it will not do:

- Every pixel is weighted by the exact fraction of its area inside the parcel (computed in
  the raster's pixel space by a vectorised version of exactextract's algorithm), so parcels
  smaller than a pixel get values and results match exactextract to ~1e-7.
- Parcels are reprojected to the raster's CRS; a raster is never resampled or warped.
- The raster is read in windows around spatially grouped parcels; parcels spanning more
  than a million pixels are cut into pixel-aligned tiles. Memory follows the parcels'
  footprint, not the raster's size.
- ``min``/``max`` cover every pixel a parcel overlaps with positive area; ``median`` is the
  lower weighted median (exactextract interpolates between values).
- Slope needs a north-up raster with elevations in metres; scale/offset metadata of a band
  is not applied.
"""

from .slope import slope
from .terrain import TERRAIN_COLUMNS, terrain_stats
from .zonal import STAT_LABELS, STATS, zonal_stats

__all__ = ["STATS", "STAT_LABELS", "TERRAIN_COLUMNS", "slope", "terrain_stats", "zonal_stats"]

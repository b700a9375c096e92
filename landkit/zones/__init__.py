"""Planning zones and the parcel–zone join (两城两带四板块, townships, villages, parks).

* :func:`read_zones` builds a :class:`ZoneSet` from a TOML config (polygon layers with filters,
  lines buffered by metres, unions / intersections / differences of zones);
  :func:`zones_from_frame` wraps an existing GeoDataFrame.
* :func:`join_zones` gives the long parcel × zone table with geodesic overlap areas and shares,
  :func:`assign_zones` the primary zone per kind, :func:`zone_summary` counts and areas per zone.
* All three accept a ``dask_geopandas.GeoDataFrame`` and run partition-wise with the same result.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> z = gpd.GeoDataFrame({"zone_id": ["a"], "name": ["甲镇"], "kind": ["乡镇"]},
...                      geometry=[box(400000, 3000000, 401000, 3001000)], crs=4546)
>>> p = gpd.GeoDataFrame(geometry=[box(400100, 3000100, 400200, 3000200)], crs=4546)
>>> assign_zones(p, zones_from_frame(z))["zone_township"].tolist()
['甲镇']
"""

from ._overlap import OUTSIDE_NAME, ZoneJoinWarning
from .config import read_zones
from .join import (
    JOIN_LABELS,
    SUMMARY_LABELS,
    ZonePairs,
    assign_zones,
    join_zones,
    outside_parcels,
    polygon_pairs,
    zone_pairs,
    zone_summary,
    zone_totals,
)
from .zoneset import DEFAULT_KIND_SUFFIXES, ZONE_COLUMNS, ZoneSet, kind_suffix, zones_from_frame

__all__ = [
    "DEFAULT_KIND_SUFFIXES",
    "JOIN_LABELS",
    "OUTSIDE_NAME",
    "SUMMARY_LABELS",
    "ZONE_COLUMNS",
    "ZoneJoinWarning",
    "ZonePairs",
    "ZoneSet",
    "assign_zones",
    "join_zones",
    "kind_suffix",
    "outside_parcels",
    "polygon_pairs",
    "read_zones",
    "zone_pairs",
    "zone_summary",
    "zone_totals",
    "zones_from_frame",
]

"""landkit: find, track and re-use idle land (闲置土地、低效用地、烂尾地、抵押地).

The public API is re-exported here; see the README for a tour.

Examples
--------
>>> import landkit
>>> landkit.MU_M2 * 15
10000.0
"""

from typing import TYPE_CHECKING, Any

from ._problems import read_problems
from ._version import __version__
from .area import add_area_columns, geodesic_area
from .crs import check_datum, infer_crs, to_cgcs2000
from .errors import LandkitError
from .gcj02 import bd09_to_wgs84, gcj02_to_wgs84, shift_geometries, wgs84_to_bd09, wgs84_to_gcj02
from .indicators import (
    disposal_rates,
    indicator_report,
    post_supply_watch,
    read_batches,
    read_supplies,
    supply_rate,
    unsupplied,
    write_indicator_report,
)
from .io import canonicalise, combine_parcels, read_layer, read_parcels, write_parcels
from .landuse import landuse_name, to_guide2023
from .ledger import Ledger, Progress, write_progress_excel, write_progress_html
from .maps import browse_map, write_browse_map
from .recommend import Demand, read_demand, recommend
from .rules import (
    assess_efficiency,
    assess_idle,
    grade_per_mu,
    procedure_deadlines,
    read_criteria,
    read_holidays,
    read_scheme,
)
from .schema import CATEGORIES, FIELDS, STATUSES, has_category, to_chinese_labels
from .units import MU_M2, m2_to_mu, mu_to_m2
from .validate import repair_geometries, summarise, validate
from .zones import (
    ZoneJoinWarning,
    ZoneSet,
    assign_zones,
    join_zones,
    outside_parcels,
    read_zones,
    zone_summary,
    zones_from_frame,
)

__all__ = [
    "CATEGORIES",
    "FIELDS",
    "MU_M2",
    "STATUSES",
    "TERRAIN_COLUMNS",
    "Demand",
    "LandkitError",
    "Ledger",
    "Progress",
    "ZoneJoinWarning",
    "ZoneSet",
    "__version__",
    "add_area_columns",
    "assess_efficiency",
    "assess_idle",
    "assign_zones",
    "bd09_to_wgs84",
    "browse_map",
    "canonicalise",
    "check_datum",
    "combine_parcels",
    "disposal_rates",
    "gcj02_to_wgs84",
    "geodesic_area",
    "grade_per_mu",
    "has_category",
    "indicator_report",
    "infer_crs",
    "join_zones",
    "landuse_name",
    "m2_to_mu",
    "mu_to_m2",
    "outside_parcels",
    "post_supply_watch",
    "procedure_deadlines",
    "read_batches",
    "read_criteria",
    "read_demand",
    "read_holidays",
    "read_layer",
    "read_parcels",
    "read_problems",
    "read_scheme",
    "read_supplies",
    "read_zones",
    "recommend",
    "repair_geometries",
    "shift_geometries",
    "slope",
    "summarise",
    "supply_rate",
    "terrain_stats",
    "to_cgcs2000",
    "to_chinese_labels",
    "to_guide2023",
    "unsupplied",
    "validate",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
    "write_browse_map",
    "write_indicator_report",
    "write_parcels",
    "write_progress_excel",
    "write_progress_html",
    "zonal_stats",
    "zone_summary",
    "zones_from_frame",
]

# rasterio takes a while to import: the raster functions load on first use (PEP 562).
_LAZY = dict.fromkeys(("TERRAIN_COLUMNS", "slope", "terrain_stats", "zonal_stats"), "landkit.raster")

if TYPE_CHECKING:
    from .raster import TERRAIN_COLUMNS, slope, terrain_stats, zonal_stats


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'landkit' has no attribute {name!r}")

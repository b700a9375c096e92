"""landkit: find, track and re-use idle land (闲置土地、低效用地、烂尾地、抵押地).

The public API is re-exported here; see the README for a tour.
"""

from ._version import __version__
from .area import add_area_columns, geodesic_area
from .crs import check_datum, infer_crs, to_cgcs2000
from .errors import LandkitError
from .gcj02 import gcj02_to_wgs84, shift_geometries, wgs84_to_gcj02
from .units import m2_to_mu, mu_to_m2

__all__ = [
    "LandkitError",
    "__version__",
    "add_area_columns",
    "check_datum",
    "gcj02_to_wgs84",
    "geodesic_area",
    "infer_crs",
    "m2_to_mu",
    "mu_to_m2",
    "shift_geometries",
    "to_cgcs2000",
    "wgs84_to_gcj02",
]

"""Maps: the 淘宝式选地 browse page (:func:`browse_map`, :func:`write_browse_map`).

Examples
--------
>>> from landkit.maps import BASEMAPS
>>> "none" in BASEMAPS
True
"""

from __future__ import annotations

from .browse import BASEMAPS, ZONE_KINDS, browse_map, write_browse_map
from .profiles import PROFILES, profile_fields
from .sheets import write_offer_sheets

__all__ = [
    "BASEMAPS",
    "PROFILES",
    "ZONE_KINDS",
    "browse_map",
    "profile_fields",
    "write_browse_map",
    "write_offer_sheets",
]

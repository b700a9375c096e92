"""Load the browse page settings (``browse.toml``) and basemap presets (``basemaps.toml``)."""

from __future__ import annotations

import functools
from typing import Any

from .._toml import load_config, required

__all__ = ["basemap_presets", "settings"]

_SETTINGS_SCHEMA = {
    "encoding": {"precision_deg": float, "zone_simplify_deg": float, "float_decimals": int},
    "budget": {"max_bytes": int},
    "photos": {"max_px": int, "jpeg_quality": int, "max_per_parcel": int},
    "profile": {"public_extra": [str]},
    "colors": {"*": str},
    "zone_colors": {"*": str},
    "strings": {"*": {"*": str}},
    "labels_en": {"*": str},
}
_LAYER = {
    "label": required(str),
    "tiles": required([str]),
    "subdomains": str,
    "max_zoom": int,
    "attribution": str,
    "overlay": bool,
}
_BASEMAPS_SCHEMA = {"*": {"datum": required(str), "token": bool, "layers": required([_LAYER])}}


@functools.cache
def settings() -> dict[str, Any]:
    """Return the parsed ``browse.toml`` (cached)."""
    return load_config(
        "browse.toml", package=__package__, what="browse page settings", schema=_SETTINGS_SCHEMA
    )


@functools.cache
def basemap_presets() -> dict[str, Any]:
    """Return the parsed ``basemaps.toml`` (cached): preset name → spec."""
    return load_config("basemaps.toml", package=__package__, what="basemap presets", schema=_BASEMAPS_SCHEMA)

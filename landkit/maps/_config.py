"""Load the browse page settings (``browse.toml``) and basemap presets (``basemaps.toml``)."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

__all__ = ["basemap_presets", "settings"]


@functools.cache
def settings() -> dict[str, Any]:
    """Return the parsed ``browse.toml`` (cached)."""
    return tomllib.loads(resources.files(__package__).joinpath("browse.toml").read_text("utf-8"))


@functools.cache
def basemap_presets() -> dict[str, Any]:
    """Return the parsed ``basemaps.toml`` (cached): preset name → spec."""
    return tomllib.loads(resources.files(__package__).joinpath("basemaps.toml").read_text("utf-8"))

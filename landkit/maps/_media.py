"""全景式看地 on the browse page: panoramas and terrain thumbnails, gathered and budgeted in one place.

:func:`page_media` is what :func:`landkit.maps.browse_map` calls for ``panoramas=`` / ``thumbnails=``:
it checks the bundled viewer first (only when panoramas are asked for), reads the panoramas and
computes the thumbnails, warns when either is over its budget, and returns the payload entries and
a hook that adds the viewer and the panorama elements to the page.
"""

from __future__ import annotations

import difflib
import functools
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from .._toml import load_config
from ..errors import ConfigError, LandkitWarning
from ._assets import own_asset, raw_element
from ._ortho import OrthoSpec
from ._panorama import PanoramaSet, add_viewer, read_panoramas
from ._thumbs import ThumbSpec, raster_thumbnails
from ._vendor import Pannellum, pannellum_assets

__all__ = ["BUDGET_KEYS", "PageMedia", "media_settings", "page_media"]

_SCHEMA = {
    "panoramas": {"max_px": int, "jpeg_quality": int},
    "thumbnails": {
        "px": int,
        "jpeg_quality": int,
        "min_window_m": float,
        "margin": float,
        "azimuth_deg": float,
        "altitude_deg": float,
        "vert_exag": float,
    },
    "orthophoto": {"px": int, "jpeg_quality": int, "min_window_m": float, "margin": float, "dim": float},
    "budget": {"panorama_bytes": int, "per_parcel_bytes": int},
    "strings": {"*": {"*": str}},
}
#: Keys of ``media_budget=``: all panoramas together, and thumbnail bytes per parcel.
BUDGET_KEYS = ("panorama_bytes", "per_parcel_bytes")


@functools.cache
def media_settings() -> dict[str, Any]:
    """Return the parsed ``panorama.toml`` (cached)."""
    return load_config("panorama.toml", package=__package__, what="panorama settings", schema=_SCHEMA)


def _budget(given: Mapping[str, int] | None) -> dict[str, int]:
    """The defaults of ``panorama.toml`` updated by ``given``; unknown keys refused, closest named."""
    out = {k: int(v) for k, v in media_settings()["budget"].items()}
    for key, value in (given or {}).items():
        if key not in BUDGET_KEYS:
            close = difflib.get_close_matches(str(key), BUDGET_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; use {', '.join(BUDGET_KEYS)}"
            raise ConfigError(f"unknown media_budget key {key!r}{hint}")
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"media_budget[{key!r}] must be a positive number of bytes, not {value!r}")
        out[key] = value
    return out


@dataclass
class PageMedia:
    """What :func:`page_media` found: payload entries and what to add to the page."""

    payload: dict[str, Any] = field(default_factory=dict)
    panoramas: PanoramaSet | None = None
    viewer: Pannellum | None = None
    thumb_bytes: int = 0

    def add_to(self, m: Any, /) -> None:
        """Add the media CSS, and the viewer and panorama elements when there are panoramas."""
        if not self.payload:
            return
        m.get_root().header.add_child(
            raw_element(f"<style>{own_asset('panorama.css')}</style>"), name="landkit_media_css"
        )
        if self.panoramas is not None and self.panoramas.entries and self.viewer is not None:
            add_viewer(m, self.panoramas, self.viewer)


def _warn_skipped(panos: PanoramaSet) -> None:
    if panos.missing:
        warnings.warn(
            f"{len(panos.missing)} panorama(s) could not be read (e.g. {panos.missing[0]}); pass "
            "photo_root= the folder the panorama paths are relative to (URLs cannot be embedded)",
            LandkitWarning,
            stacklevel=5,
        )
    if panos.not_equirect:
        warnings.warn(
            f"{len(panos.not_equirect)} panorama(s) are not equirectangular 2:1 images and were left out "
            f"(e.g. {panos.not_equirect[0]})",
            LandkitWarning,
            stacklevel=5,
        )


def _warn_budget(media: PageMedia, n: int, budget: dict[str, int]) -> None:
    pano = media.panoramas.nbytes if media.panoramas is not None else 0
    if pano > budget["panorama_bytes"]:
        warnings.warn(
            f"the panoramas add {pano:,} B, over the panorama budget of "
            f"{budget['panorama_bytes']:,} B (media_budget['panorama_bytes']): use fewer or "
            "smaller panoramas (2048 × 1024 is plenty on a phone)",
            LandkitWarning,
            stacklevel=5,
        )
    per = media.thumb_bytes / max(n, 1)
    if per > budget["per_parcel_bytes"]:
        warnings.warn(
            f"the thumbnails add {per:,.0f} B per parcel, over the per-parcel budget of "
            f"{budget['per_parcel_bytes']:,} B (media_budget['per_parcel_bytes']): lower "
            "px or jpeg_quality under [thumbnails] (DEM) or [orthophoto] in panorama.toml",
            LandkitWarning,
            stacklevel=5,
        )


def _specs() -> tuple[ThumbSpec, OrthoSpec]:
    """The ``[thumbnails]`` (DEM) and ``[orthophoto]`` settings of ``panorama.toml`` (absent: defaults)."""

    def named(section: str) -> dict[str, Any]:
        return {("quality" if k == "jpeg_quality" else k): v for k, v in media_settings()[section].items()}

    return ThumbSpec(**named("thumbnails")), OrthoSpec(**named("orthophoto"))


#: What ``thumbnails=`` takes: one raster or several (the first that covers a parcel wins).
Rasters = str | os.PathLike[str] | list[str | os.PathLike[str]] | tuple[str | os.PathLike[str], ...]


def _thumbnails(parcels: gpd.GeoDataFrame, rasters: Rasters, kind: str) -> tuple[dict[str, Any], int]:
    """The ``thumbs`` payload entry and its bytes: per parcel the first raster's thumbnail that exists.

    ``{"k": rows, "src": data URIs, "s": raster number per row, "kinds": kind per raster}``.
    """
    paths = [rasters] if isinstance(rasters, str | os.PathLike) else list(rasters)
    uris: list[str | None] = [None] * len(parcels)
    source = [0] * len(parcels)
    kinds: list[str] = []
    spec, ortho = _specs()
    for n, path in enumerate(paths):
        todo = [k for k, u in enumerate(uris) if u is None]
        used, found = raster_thumbnails(parcels.geometry.iloc[todo], path, kind=kind, spec=spec, ortho=ortho)
        kinds.append(used)
        for k, u in zip(todo, found, strict=True):
            uris[k], source[k] = u, n
    rows = [k for k, u in enumerate(uris) if u is not None]
    entry = {"k": rows, "src": [uris[k] for k in rows], "s": [source[k] for k in rows], "kinds": kinds}
    return entry, sum(len(uris[k] or "") + 2 for k in rows)


def page_media(
    parcels: gpd.GeoDataFrame,
    published: list[str],
    panoramas: bool,
    thumbnails: Rasters | None,
    budget: Mapping[str, int] | None,
    /,
    *,
    photo_root: str | os.PathLike[str] | None,
    lang: str,
    thumbnail_kind: str = "auto",
) -> PageMedia:
    """Gather the page's panoramas (``panorama`` column) and thumbnails (from the rasters ``thumbnails``).

    Each raster of ``thumbnails`` (a DEM: hillshade; an 8-bit RGB image: orthophoto clip; or as
    ``thumbnail_kind`` says) gives the parcels it covers and that no earlier raster did a thumbnail.

    ``published`` are the fields the profile lets through (it must include ``panorama`` for
    panoramas); ``budget`` overrides ``panorama.toml``'s (:data:`BUDGET_KEYS`). The viewer is verified
    before anything is read, so a page that asks for panoramas without a built viewer is refused at
    once (:class:`~landkit.errors.VendorAssetError`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"name": ["示例"]}, geometry=[box(109.8, 27.19, 109.801, 27.191)], crs=4490)
    >>> media = page_media(g, ["name"], False, "sample_data/dem/hongjiang_dem_4546.tif", None,
    ...                    photo_root=None, lang="zh")
    >>> media.payload["thumbs"]["k"], media.panoramas is None
    ([0], True)
    """
    limits = _budget(budget)
    media = PageMedia()
    if not panoramas and thumbnails is None:
        return media
    if panoramas:
        if "panorama" not in parcels.columns:
            raise ConfigError("panoramas=True needs a 'panorama' column (file paths relative to photo_root)")
        if "panorama" not in published:
            raise ConfigError("panoramas=True but the profile leaves out the 'panorama' field; add it")
        media.viewer = pannellum_assets()
        conf = media_settings()["panoramas"]
        media.panoramas = read_panoramas(
            parcels["panorama"].tolist(),
            root=Path(photo_root) if photo_root is not None else None,
            max_px=conf["max_px"],
            quality=conf["jpeg_quality"],
        )
        _warn_skipped(media.panoramas)
        media.payload["panos"] = media.panoramas.payload()
    if thumbnails is not None:
        media.payload["thumbs"], media.thumb_bytes = _thumbnails(parcels, thumbnails, thumbnail_kind)
    media.payload["mediaStrings"] = media_settings()["strings"][lang]
    _warn_budget(media, len(parcels), limits)
    return media

"""The zone set: a small, immutable table of planning zones.

A :class:`ZoneSet` holds one GeoDataFrame with the columns of :data:`ZONE_COLUMNS` (one row per
zone: ``zone_id``, ``name``, ``kind``, ``plan``, ``plan_version``, ``geometry``) and the mapping
from zone kinds (often Chinese: 城, 带, 板块, 乡镇 …) to the ASCII suffixes used for column names
by :func:`landkit.zones.assign_zones`. Zones of one kind may overlap, and zones of different
kinds overlap by design (a parcel can be in 黔城镇, the 沅水 belt and 黔城主城区 at once).

Build one from a TOML file with :func:`landkit.zones.read_zones` or from a GeoDataFrame with
:func:`zones_from_frame`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .._toml import load_config, required
from ..errors import ConfigError, CRSError

__all__ = ["DEFAULT_KIND_SUFFIXES", "ZONE_COLUMNS", "ZoneSet", "densify", "kind_suffix", "zones_from_frame"]

#: Columns of :attr:`ZoneSet.zones`, in order.
ZONE_COLUMNS: tuple[str, ...] = ("zone_id", "name", "kind", "plan", "plan_version", "geometry")

_ASCII_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


_KINDS_SCHEMA = {"suffixes": required({"*": str})}


@cache
def _default_suffixes() -> Mapping[str, str]:
    doc = load_config("kinds.toml", package=__package__, what="zone kinds", schema=_KINDS_SCHEMA)
    return MappingProxyType(dict(doc["suffixes"]))


#: Default kind → column suffix mapping (from ``landkit/zones/kinds.toml``): 城→city, 带→belt,
#: 板块→block, 乡镇→township, 村→village, 园区→park, 片区→area, 开发区→devzone.
DEFAULT_KIND_SUFFIXES: Mapping[str, str] = _default_suffixes()


def kind_suffix(kind: str, /, suffixes: Mapping[str, str] | None = None) -> str:
    """ASCII column suffix of a zone kind.

    Parameters
    ----------
    kind : str
        Zone kind, e.g. ``"城"`` or ``"township"``.
    suffixes : mapping, optional
        Extra or overriding kind → suffix entries (a zone config's ``[kinds]`` table).

    Returns
    -------
    str
        The mapped suffix; a kind that is already a lower-case ASCII identifier is its own suffix.

    Raises
    ------
    ConfigError
        When a kind has no mapping and is not an ASCII identifier.

    Examples
    --------
    >>> kind_suffix("板块")
    'block'
    >>> kind_suffix("watershed")
    'watershed'
    """
    table = {**DEFAULT_KIND_SUFFIXES, **(suffixes or {})}
    if kind in table:
        return table[kind]
    if _ASCII_NAME.match(kind):
        return kind
    raise ConfigError(
        f"zone kind {kind!r} has no column suffix; add it to the [kinds] table of the zone config, "
        f'e.g. [kinds] {kind} = "my_kind"'
    )


@dataclass(frozen=True, eq=False)
class ZoneSet:
    """An immutable set of planning zones.

    Attributes
    ----------
    zones : GeoDataFrame
        One row per zone with the columns of :data:`ZONE_COLUMNS`, indexed 0..n-1.
    plan : str
        Name of the plan the zones come from (e.g. ``洪江市"两城两带四板块"空间布局``).
    plan_version : str
        Version of the plan.
    suffixes : mapping
        Kind → ASCII column suffix for every kind in the set.
    source : str or None
        Where the set was read from (a TOML path), for reports.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"zone_id": ["a"], "name": ["甲"], "kind": ["乡镇"]},
    ...                      geometry=[box(0, 0, 1, 1)], crs=4546)
    >>> zs = zones_from_frame(g, plan="test", plan_version="1")
    >>> zs.kinds, zs.suffixes["乡镇"]
    (('乡镇',), 'township')
    """

    zones: gpd.GeoDataFrame
    plan: str = ""
    plan_version: str = ""
    suffixes: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None

    @property
    def crs(self) -> pyproj.CRS:
        """CRS of the zone geometries."""
        return self.zones.crs

    @property
    def kinds(self) -> tuple[str, ...]:
        """Zone kinds in order of first appearance."""
        return tuple(pd.unique(self.zones["kind"]))

    def of_kind(self, kind: str, /) -> gpd.GeoDataFrame:
        """The zones of one kind (a copy)."""
        if kind not in self.kinds:
            raise KeyError(f"no zones of kind {kind!r}; kinds are {', '.join(self.kinds)}")
        return self.zones[self.zones["kind"] == kind].copy()

    def to_crs(self, crs: Any, /, *, densify_m: float = 20.0) -> ZoneSet:
        """Return the same zones reprojected to ``crs``.

        Edges are first split so none is longer than ``densify_m`` metres: a straight edge in one
        CRS is a curve in another, and the extra vertices keep its shape.
        """
        out = self.zones.copy()
        out["geometry"] = densify(out.geometry, densify_m)
        return ZoneSet(out.to_crs(crs), self.plan, self.plan_version, dict(self.suffixes), self.source)

    def __len__(self) -> int:
        return len(self.zones)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}×{int((self.zones['kind'] == k).sum())}" for k in self.kinds)
        crs = self.crs.to_string() if self.crs is not None else "no CRS"
        return f"ZoneSet({self.plan!r} {self.plan_version!r}: {len(self)} zones [{kinds}], {crs})"


def densify(geoms: gpd.GeoSeries, metres: float, /) -> gpd.GeoSeries:
    """Split edges longer than ``metres`` (for lon/lat data: ``metres`` / 111 320 degrees)."""
    step = metres / 111_320.0 if geoms.crs is not None and geoms.crs.is_geographic else metres
    return gpd.GeoSeries(shapely.segmentize(np.asarray(geoms.values), step), index=geoms.index, crs=geoms.crs)


def zones_from_frame(
    frame: gpd.GeoDataFrame,
    /,
    *,
    plan: str = "",
    plan_version: str = "",
    suffixes: Mapping[str, str] | None = None,
    source: str | None = None,
) -> ZoneSet:
    """Build a :class:`ZoneSet` from a GeoDataFrame of polygons.

    Parameters
    ----------
    frame : GeoDataFrame
        Columns ``zone_id`` (unique), ``name`` and ``kind``; ``plan`` / ``plan_version`` columns are
        filled from the keywords when absent. The CRS must be set.
    plan, plan_version : str
        Plan name and version for rows that carry none.
    suffixes : mapping, optional
        Kind → column suffix for kinds not in :data:`DEFAULT_KIND_SUFFIXES`.
    source : str, optional
        Provenance note.

    Returns
    -------
    ZoneSet

    Raises
    ------
    ConfigError
        Missing columns, duplicate ids, empty or non-polygonal geometry, or a kind without suffix.
    CRSError
        When the frame has no CRS.
    """
    missing = [c for c in ("zone_id", "name", "kind") if c not in frame.columns]
    if missing:
        raise ConfigError(f"zone frame lacks column(s) {', '.join(missing)}")
    if frame.crs is None:
        raise CRSError("zone frame has no CRS; set one with .set_crs(...)")
    out = frame.copy()
    out["zone_id"] = out["zone_id"].astype(str)
    dup = out["zone_id"][out["zone_id"].duplicated()].unique().tolist()
    if dup:
        raise ConfigError(f"duplicate zone id(s): {', '.join(dup)}")
    for col, default in (("plan", plan), ("plan_version", plan_version)):
        out[col] = out[col].fillna(default).astype(str) if col in out.columns else default
    geom = out.geometry
    bad = out["zone_id"][geom.isna() | geom.is_empty | ~geom.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(bad):
        raise ConfigError(f"zone(s) {', '.join(bad)} have no polygon geometry")
    table: dict[str, str] = {}
    for kind in pd.unique(out["kind"]):
        try:
            table[str(kind)] = kind_suffix(str(kind), suffixes)
        except ConfigError as exc:
            first = out["zone_id"][out["kind"] == kind].iloc[0]
            raise ConfigError(f"zone {first!r}: {exc}") from None
    clash = pd.Series(table).duplicated(keep=False)
    if clash.any():
        raise ConfigError(f"zone kinds {', '.join(clash[clash].index)} map to the same column suffix")
    out = out.rename_geometry("geometry") if out.geometry.name != "geometry" else out
    out = out[list(ZONE_COLUMNS)].reset_index(drop=True)
    return ZoneSet(out, plan, plan_version, MappingProxyType(table), source)

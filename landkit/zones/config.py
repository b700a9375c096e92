"""Zone sets from TOML: parse the config, read the source layers, build the zone geometries.

A zone config describes each zone by an id, a Chinese name, a kind (城, 带, 板块, 乡镇, 村, 园区 or
user-defined), the plan it belongs to and **one** source:

* ``layer = "townships"`` — polygons of a layer, with an optional ``where`` filter
  (``where = { name = "黔城镇" }`` or a list of accepted values), dissolved into one zone;
* ``line = "yuan_river"`` with ``buffer_m = 3000`` — a line layer buffered by a distance in metres
  (the buffer is drawn in an azimuthal equidistant projection on GRS80 centred on the line, so the
  distance holds on the ground);
* ``union = [...]``, ``intersection = [...]`` or ``difference = [...]`` of other zones (the first
  minus the rest for ``difference``).

Any zone may also carry ``clip = "<zone id>"`` (intersect with that zone) and ``output = false``
(a helper used by other zones but not part of the set). ``[[zones_from_layer]]`` tables make one
zone per feature of a polygon layer (the 20 townships). See ``sample_data/zones/hongjiang.toml``.

Geometry work is done in a Lambert azimuthal equal-area projection on GRS80 centred on the source
layers (never on lon/lat); the zones are returned in ``[plan].crs`` (default: the CRS of the first
source layer) or the ``crs=`` given to :func:`read_zones`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .._toml import read_toml
from ..errors import ConfigError
from .zoneset import ZoneSet, zones_from_frame

__all__ = ["read_zones"]

_DENSIFY_M = 100.0  # max edge length (m) of built zones before they leave the work CRS
_SOURCES = ("layer", "line", "union", "intersection", "difference")
_ZONE_KEYS = {"id", "name", "kind", "plan", "plan_version", "file", "where", "buffer_m", "clip", "output"}
_ZONE_KEYS |= set(_SOURCES)
_GROUP_KEYS = {
    "layer",
    "file",
    "kind",
    "id_field",
    "name_field",
    "id_prefix",
    "where",
    "plan",
    "plan_version",
}


def read_zones(config: str | Path, /, *, crs: Any = None) -> ZoneSet:
    """Build a :class:`ZoneSet` from a TOML zone config.

    Parameters
    ----------
    config : str or Path
        Path of the TOML file. Relative ``source`` / ``file`` paths are resolved against its folder.
    crs : CRS-like, optional
        CRS of the returned zones (e.g. the parcels' CRS, so later joins need no reprojection).
        Default: ``[plan].crs``, else the CRS of the first source layer.

    Returns
    -------
    ZoneSet

    Raises
    ------
    ConfigError
        When the file cannot be parsed or a zone is invalid; the message names the zone and the problem.

    Examples
    --------
    >>> zs = read_zones("sample_data/zones/hongjiang.toml")
    >>> zs.kinds
    ('城', '带', '板块', '园区', '乡镇')
    """
    path = Path(config)
    doc = read_toml(path, what="zone config")
    return _Builder(doc, base=path.parent, name=str(path)).build(crs)


class _Builder:
    """Holds the state of one config evaluation (layer cache, specs, built geometries)."""

    def __init__(self, doc: Mapping[str, Any], *, base: Path, name: str) -> None:
        self.doc, self.base, self.name = doc, base, name
        plan = doc.get("plan", {})
        if not isinstance(plan, Mapping):
            raise ConfigError(f"{name}: [plan] must be a table")
        unknown = set(doc) - {"plan", "kinds", "zone", "zones_from_layer"}
        if unknown:
            raise ConfigError(f"{name}: unknown top-level key(s) {', '.join(sorted(unknown))}")
        self.plan_name = str(plan.get("name", ""))
        self.plan_version = str(plan.get("version", ""))
        self.default_file = plan.get("source")
        self.plan_crs = plan.get("crs")
        self.suffixes = {str(k): str(v) for k, v in doc.get("kinds", {}).items()}
        self.layers: dict[tuple[Path, str], gpd.GeoDataFrame] = {}
        self.specs: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.built: dict[str, BaseGeometry] = {}

    # -- parsing ---------------------------------------------------------------------------
    def _file(self, spec: Mapping[str, Any], zid: str) -> Path:
        file = spec.get("file", self.default_file)
        if file is None:
            raise ConfigError(f"zone {zid!r}: no file; give file = '...' or [plan] source = '...'")
        path = (self.base / str(file)).resolve()
        if not path.exists():
            raise ConfigError(f"zone {zid!r}: source file {path} does not exist")
        return path

    def _layer(self, spec: Mapping[str, Any], name: str, zid: str) -> gpd.GeoDataFrame:
        path = self._file(spec, zid)
        key = (path, name)
        if key not in self.layers:
            available = [row[0] for row in pyogrio.list_layers(path)]
            if name not in available:
                raise ConfigError(
                    f"zone {zid!r}: layer {name!r} not in {path.name} (layers: {', '.join(available)})"
                )
            gdf = gpd.read_file(path, layer=name)
            if gdf.crs is None:
                raise ConfigError(f"zone {zid!r}: layer {name!r} of {path.name} has no CRS")
            self.layers[key] = gdf
        return self.layers[key]

    def _filtered(self, spec: Mapping[str, Any], name: str, zid: str) -> gpd.GeoDataFrame:
        gdf = self._layer(spec, name, zid)
        where = spec.get("where", {})
        if not isinstance(where, Mapping):
            raise ConfigError(f"zone {zid!r}: where must be a table such as {{ name = '黔城镇' }}")
        mask = pd.Series(True, index=gdf.index)
        for field, value in where.items():
            if field not in gdf.columns:
                raise ConfigError(f"zone {zid!r}: layer {name!r} has no field {field!r} for where")
            values = value if isinstance(value, list) else [value]
            col = gdf[field]
            mask &= col.isin(values) | col.astype(str).isin([str(v) for v in values])
        out = gdf[mask]
        if out.empty:
            raise ConfigError(f"zone {zid!r}: where {dict(where)} matches no feature of layer {name!r}")
        return out

    def _parse(self) -> None:
        zones = self.doc.get("zone", [])
        groups = self.doc.get("zones_from_layer", [])
        if not isinstance(zones, list) or not isinstance(groups, list):
            raise ConfigError(f"{self.name}: use [[zone]] and [[zones_from_layer]] arrays of tables")
        for i, spec in enumerate(zones):
            zid = str(spec.get("id", "")).strip()
            if not zid:
                raise ConfigError(f"{self.name}: [[zone]] number {i + 1} has no id")
            self._check_zone(zid, spec)
            self._add(zid, dict(spec))
        for i, group in enumerate(groups):
            self._expand_group(i, group)
        if not any(s.get("output", True) for s in self.specs.values()):
            raise ConfigError(f"{self.name}: the config defines no output zone")

    def _add(self, zid: str, spec: dict[str, Any]) -> None:
        if zid in self.specs:
            raise ConfigError(f"zone {zid!r} is defined twice")
        self.specs[zid] = spec

    def _check_zone(self, zid: str, spec: Mapping[str, Any]) -> None:
        unknown = set(spec) - _ZONE_KEYS
        if unknown:
            raise ConfigError(f"zone {zid!r}: unknown key(s) {', '.join(sorted(unknown))}")
        sources = [k for k in _SOURCES if k in spec]
        if len(sources) != 1:
            raise ConfigError(
                f"zone {zid!r}: give exactly one source of {', '.join(_SOURCES)} (got {sources or 'none'})"
            )
        if spec.get("output", True):
            for key in ("name", "kind"):
                if not str(spec.get(key, "")).strip():
                    raise ConfigError(f"zone {zid!r}: missing {key}")
        src = sources[0]
        if src == "line":
            dist = spec.get("buffer_m")
            if not isinstance(dist, int | float) or isinstance(dist, bool) or not dist > 0:
                raise ConfigError(f"zone {zid!r}: a line source needs buffer_m > 0 (metres), got {dist!r}")
        elif "buffer_m" in spec:
            raise ConfigError(f"zone {zid!r}: buffer_m applies to a line source only")
        if src in ("union", "intersection", "difference"):
            refs = spec[src]
            if not isinstance(refs, list) or len(refs) < (1 if src == "union" else 2):
                raise ConfigError(f"zone {zid!r}: {src} needs a list of zone ids")

    def _expand_group(self, i: int, group: Mapping[str, Any]) -> None:
        label = f"[[zones_from_layer]] number {i + 1}"
        unknown = set(group) - _GROUP_KEYS
        if unknown:
            raise ConfigError(f"{label}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("layer", "kind", "id_field", "name_field"):
            if key not in group:
                raise ConfigError(f"{label}: missing {key}")
        gdf = self._filtered(group, str(group["layer"]), label)
        for key in ("id_field", "name_field"):
            if group[key] not in gdf.columns:
                raise ConfigError(f"{label}: layer {group['layer']!r} has no field {group[key]!r}")
        prefix = str(group.get("id_prefix", ""))
        for _, row in gdf.iterrows():
            zid = f"{prefix}{row[group['id_field']]}"
            spec = {
                "layer": group["layer"],
                "where": {group["id_field"]: row[group["id_field"]]},
                "name": str(row[group["name_field"]]),
                "kind": group["kind"],
            }
            for key in ("file", "plan", "plan_version"):
                if key in group:
                    spec[key] = group[key]
            self._add(zid, spec)

    # -- building ---------------------------------------------------------------------------
    def _refs(self, zid: str) -> list[str]:
        spec = self.specs[zid]
        refs = [str(r) for k in ("union", "intersection", "difference") for r in spec.get(k, [])]
        if "clip" in spec:
            refs.append(str(spec["clip"]))
        for ref in refs:
            if ref not in self.specs:
                raise ConfigError(f"zone {zid!r}: refers to unknown zone {ref!r}")
        return refs

    def _sort(self) -> None:
        state: dict[str, int] = {}

        def visit(zid: str, path: list[str]) -> None:
            if state.get(zid) == 2:
                return
            if state.get(zid) == 1:
                cycle = " → ".join([*path[path.index(zid) :], zid])
                raise ConfigError(f"zone {zid!r}: circular reference {cycle}")
            state[zid] = 1
            for ref in self._refs(zid):
                visit(ref, [*path, zid])
            state[zid] = 2
            self.order.append(zid)

        for zid in self.specs:
            visit(zid, [])

    def _work_crs(self) -> pyproj.CRS:
        for zid, spec in self.specs.items():  # read every layer once, so the extent is known
            for key in ("layer", "line"):
                if key in spec:
                    self._layer(spec, str(spec[key]), zid)
        boxes = np.array([gdf.to_crs(4490).total_bounds for gdf in self.layers.values()])
        lon0 = (np.nanmin(boxes[:, 0]) + np.nanmax(boxes[:, 2])) / 2
        lat0 = (np.nanmin(boxes[:, 1]) + np.nanmax(boxes[:, 3])) / 2
        return _laea(lon0, lat0)

    def _source_geometry(self, zid: str, work: pyproj.CRS) -> BaseGeometry:
        spec = self.specs[zid]
        if "layer" in spec:
            gdf = self._filtered(spec, str(spec["layer"]), zid)
            if not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
                raise ConfigError(f"zone {zid!r}: layer {spec['layer']!r} is not a polygon layer")
            geoms = shapely.make_valid(np.asarray(_densified(gdf).to_crs(work).geometry.values))
            return _polygonal(shapely.union_all(geoms))
        if "line" in spec:
            gdf = self._filtered(spec, str(spec["line"]), zid)
            if not gdf.geom_type.isin(["LineString", "MultiLineString"]).all():
                raise ConfigError(f"zone {zid!r}: layer {spec['line']!r} is not a line layer")
            return _buffer_metres(gdf, float(spec["buffer_m"]), work)
        for op in ("union", "intersection", "difference"):
            if op in spec:
                parts = [self.built[str(r)] for r in spec[op]]
                if op == "union":
                    return _polygonal(shapely.union_all(parts))
                if op == "intersection":
                    return _polygonal(shapely.intersection_all(parts))
                return _polygonal(shapely.difference(parts[0], shapely.union_all(parts[1:])))
        raise AssertionError(zid)  # unreachable: _check_zone guarantees one source

    def build(self, crs: Any) -> ZoneSet:
        self._parse()
        self._sort()
        work = self._work_crs()
        for zid in self.order:
            geom = self._source_geometry(zid, work)
            spec = self.specs[zid]
            if "clip" in spec:
                geom = _polygonal(shapely.intersection(geom, self.built[str(spec["clip"])]))
            if geom.is_empty or geom.area <= 0:
                raise ConfigError(f"zone {zid!r}: the geometry is empty; check its source and clip")
            self.built[zid] = geom
        rows = [
            {
                "zone_id": zid,
                "name": str(self.specs[zid]["name"]),
                "kind": str(self.specs[zid]["kind"]),
                "plan": str(self.specs[zid].get("plan", self.plan_name)),
                "plan_version": str(self.specs[zid].get("plan_version", self.plan_version)),
                "geometry": self.built[zid],
            }
            for zid in self.specs
            if self.specs[zid].get("output", True)
        ]
        if crs is None:
            crs = self.plan_crs if self.plan_crs is not None else next(iter(self.layers.values())).crs
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=work)
        # densify in the metric work CRS so the stored (possibly lon/lat) zones keep the built shape
        frame["geometry"] = shapely.segmentize(np.asarray(frame.geometry.values), _DENSIFY_M)
        frame = frame.to_crs(crs)
        return zones_from_frame(
            frame,
            plan=self.plan_name,
            plan_version=self.plan_version,
            suffixes=self.suffixes,
            source=self.name,
        )


def _laea(lon0: float, lat0: float) -> pyproj.CRS:
    return pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +ellps=GRS80 +units=m +no_defs"
    )


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygonal part of a geometry (set operations may leave lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = shapely.get_parts(geom)
    polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _densified(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Source geometries with edges no longer than ~100 m, so they keep their shape when reprojected."""
    step = _DENSIFY_M / 111_320.0 if gdf.crs.is_geographic else _DENSIFY_M
    return gpd.GeoSeries(shapely.segmentize(np.asarray(gdf.geometry.values), step), crs=gdf.crs)


def _buffer_metres(lines: gpd.GeoDataFrame, distance_m: float, work: pyproj.CRS) -> BaseGeometry:
    """Buffer lines by metres in an azimuthal equidistant projection (GRS80) centred on them."""
    lonlat = _densified(lines).to_crs(4490)
    x0, y0, x1, y1 = lonlat.total_bounds
    aeqd = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={(y0 + y1) / 2:.6f} +lon_0={(x0 + x1) / 2:.6f} +ellps=GRS80 +units=m +no_defs"
    )
    merged = shapely.union_all(np.asarray(lonlat.to_crs(aeqd).geometry.values))
    buffered = gpd.GeoSeries([shapely.buffer(merged, distance_m, quad_segs=16)], crs=aeqd)
    return _polygonal(buffered.to_crs(work).iloc[0])

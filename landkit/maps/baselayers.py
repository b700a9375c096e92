"""Offline context for the browse page: the county's own base layers and distances per parcel.

:func:`read_base_layers` reads the layers of a base GeoPackage (``sample_data/hongjiang_base.gpkg``:
county, townships, yuan_river, xuefeng_ridge, roads, park, agri_park, expressway_exits,
railway_stations, town_centres) and gives each a role (``baselayers.toml`` ``[roles]``).
:func:`base_payload` turns them into what the page draws under the parcels: lines (roads, rivers,
boundaries; township borders once per shared edge) simplified at write time — a tolerance from
the page's scale, topology kept (``coverage_simplify`` for the township coverage), coordinates
quantised and delta-encoded like the parcels — doubled until the page budget fits, and labels in
Chinese (township, river, road, park, zone names; exits, stations, town centres).
:func:`distance_columns` adds, per parcel, the geodesic distance (km, one decimal) to the nearest
expressway exit, railway station and town centre and that feature's name
(:func:`landkit.proximity.nearest_features`).

Examples
--------
>>> from pathlib import Path
>>> layers = read_base_layers(Path("sample_data/hongjiang_base.gpkg"))
>>> sorted(layers)[:4]
['county', 'exits', 'park', 'ridge']
>>> data = base_payload(layers, origin=(109.0, 27.0), precision=1e-5,
...                     view_bounds=(109.5, 27.0, 110.5, 27.5))
>>> "黔城镇" in [label["t"] for label in data["labels"]]
True
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import ConfigError, CRSError, DataFormatError, LandkitWarning
from ..gcj02 import shift_geometries
from ._encode import _varint_chars

__all__ = [
    "ROLES",
    "base_payload",
    "context_payload",
    "distance_columns",
    "distance_facts",
    "encode_lines",
    "read_base_layers",
]

#: What a base layer can be.
ROLES: tuple[str, ...] = (
    "county",
    "townships",
    "river",
    "ridge",
    "roads",
    "park",
    "exits",
    "stations",
    "towns",
)
_POINT_ROLES = ("exits", "stations", "towns")
_STYLE = {"color": str, "weight": float, "opacity": float, "dash": str}
_SCHEMA = {
    "budget": {"max_bytes": int},
    "simplify": {"page_px": int, "detail_zoom": int, "max_rounds": int},
    "roles": {"*": str},
    "groups": {"*": [str]},
    "styles": {"*": _STYLE},
    "distances": {"*": [str]},
}


@functools.cache
def base_settings() -> dict[str, Any]:
    """The parsed ``baselayers.toml`` (cached)."""
    from .._toml import load_config

    conf = load_config("baselayers.toml", package=__package__, what="base layer settings", schema=_SCHEMA)
    bad = sorted(set(conf["roles"].values()) - set(ROLES))
    if bad:
        raise ConfigError(
            f"baselayers.toml [roles] names unknown role(s) {', '.join(bad)}; use {', '.join(ROLES)}"
        )
    return conf


def _role(name: str) -> str | None:
    return name if name in ROLES else base_settings()["roles"].get(name)


def read_base_layers(
    source: str | os.PathLike[str] | Mapping[str, gpd.GeoDataFrame], /
) -> dict[str, gpd.GeoDataFrame]:
    """Read base layers and key them by role (several layers of one role are concatenated).

    Parameters
    ----------
    source : path or mapping
        A GeoPackage (every layer is read) or a dict of layer name → GeoDataFrame. A name is
        either a role (:data:`ROLES`) or a layer name listed in ``baselayers.toml`` ``[roles]``.

    Returns
    -------
    dict
        Role → GeoDataFrame in EPSG:4490.

    Raises
    ------
    CRSError
        A layer has no CRS.

    Warns
    -----
    LandkitWarning
        A layer with no role (it is skipped; add it to ``[roles]``).

    Examples
    --------
    >>> layers = read_base_layers("sample_data/hongjiang_base.gpkg")
    >>> layers["exits"]["name"].tolist()
    ['托口出口', '洪江出口', '安江出口', '雪峰出口']
    """
    if isinstance(source, Mapping):
        frames = dict(source)
    else:
        import pyogrio

        path = Path(source)
        try:
            frames = {str(n): gpd.read_file(path, layer=str(n)) for n, _ in pyogrio.list_layers(path)}
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise DataFormatError(
                f"{path.name}: cannot read base layers from it ({exc}); pass a GeoPackage such as "
                "sample_data/hongjiang_base.gpkg"
            ) from exc
    out: dict[str, list[gpd.GeoDataFrame]] = {}
    for name, frame in frames.items():
        role = _role(name)
        if role is None:
            warnings.warn(
                f"base layer {name!r} has no role and is not drawn; name it in baselayers.toml [roles] "
                f"as one of {', '.join(ROLES)}",
                LandkitWarning,
                stacklevel=2,
            )
            continue
        if frame.crs is None:
            raise CRSError(f"base layer {name!r} has no CRS; set one with .set_crs(...)")
        out.setdefault(role, []).append(frame.to_crs(4490))
    return {r: gpd.GeoDataFrame(pd.concat(fs, ignore_index=True), crs=4490) for r, fs in out.items()}


def distance_columns(parcels: gpd.GeoDataFrame, layers: Mapping[str, gpd.GeoDataFrame], /) -> pd.DataFrame:
    """Distance (km, 1 decimal) to the nearest exit, station and town centre, and its name.

    Columns come from ``baselayers.toml`` ``[distances]`` (e.g. ``dist_exit_km`` and
    ``nearest_exit``), only for the point layers present; aligned on the parcels' index.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> layers = read_base_layers("sample_data/hongjiang_base.gpkg")
    >>> p = gpd.GeoDataFrame(geometry=[box(109.84, 27.22, 109.841, 27.221)], crs=4490)
    >>> row = distance_columns(p, layers).iloc[0]
    >>> float(row["dist_exit_km"]), row["nearest_exit"]
    (0.9, '洪江出口')
    """
    from ..proximity import nearest_features_by_layer

    wanted = {role: spec for role, spec in base_settings()["distances"].items() if len(layers.get(role, ()))}
    near = nearest_features_by_layer(parcels, {role: layers[role] for role in wanted})
    cols: dict[str, pd.Series] = {}
    for role, (km, name, _label) in wanted.items():
        cols[km] = near[role]["distance_km"].round(1)
        cols[name] = near[role]["name"]
    return pd.DataFrame(cols, index=parcels.index)


def _road_kind(name: object) -> str:
    text = str(name) if isinstance(name, str) else ""
    if "高速" in text or re.fullmatch(r"G\d{4}.*", text):
        return "expressway"
    if re.match(r"G\d", text) or "国道" in text:
        return "national"
    if re.match(r"S\d", text) or "省道" in text:
        return "provincial"
    return "road"


def _names(frame: gpd.GeoDataFrame) -> list[str | None]:
    if "name" not in frame.columns:
        return [None] * len(frame)
    return [v if isinstance(v, str) and v.strip() else None for v in frame["name"].tolist()]


def encode_lines(geoms: Any, /, *, origin: tuple[float, float], precision: float) -> list[str]:
    """Encode (multi)linestrings like the parcels: quantised, delta-encoded, parts joined by ``,``.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> from landkit.maps._encode import decode_geometry
    >>> text = encode_lines([LineString([(0, 0), (0.001, 0.002)])], origin=(0.0, 0.0), precision=1e-5)[0]
    >>> decode_geometry(text, origin=(0.0, 0.0), precision=1e-5)
    [[[(0.0, 0.0), (0.001, 0.002)]]]
    """
    out = []
    for geom in geoms:
        parts = []
        for part in shapely.get_parts(geom) if geom is not None else []:
            q = np.rint((shapely.get_coordinates(part) - np.asarray(origin)) / precision).astype(np.int64)
            delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
            delta = delta[np.r_[True, (delta[1:] != 0).any(axis=1)]]
            if len(delta) >= 2:
                parts.append(_varint_chars(delta.reshape(-1))[0].decode("ascii"))
        out.append(",".join(parts))
    return out


def _longest_midpoint(geom: Any) -> Any:
    parts = shapely.get_parts(geom)
    if not len(parts):
        return None
    longest = parts[int(np.argmax(shapely.length(parts)))]
    return shapely.line_interpolate_point(longest, 0.5, normalized=True)


def _labels(
    layers: Mapping[str, gpd.GeoDataFrame], zones: gpd.GeoDataFrame | None
) -> list[tuple[str, str, Any]]:
    """(kind, text, point) for every name the page writes on the map."""
    out: list[tuple[str, str, Any]] = []
    for role, frame in layers.items():
        if role == "county":
            continue
        for (
            name,
            geom,
        ) in zip(_names(frame), frame.geometry.to_numpy(), strict=True):
            if name is None or geom is None or shapely.is_empty(geom):
                continue
            dim = shapely.get_dimensions(geom)
            kind = _road_kind(name) if role == "roads" else role
            point = geom if dim == 0 else _longest_midpoint(geom) if dim == 1 else geom.representative_point()
            out.append((kind, name, point))
    if zones is not None:
        for name, geom in zip(_names(zones), zones.geometry.to_numpy(), strict=True):
            if name is not None and geom is not None and not shapely.is_empty(geom):
                out.append(("zone", name, geom.representative_point()))
    unique: dict[str, tuple[str, str, Any]] = {}  # one label per name: a 乡镇 zone repeats its township's
    for kind, text, point in out:
        if point is not None:
            unique.setdefault(text, (kind, text, point))
    return list(unique.values())


def _as_lines(geoms: Any, tol: float) -> Any:
    """Outlines of polygons and the lines themselves, simplified keeping each one's topology."""
    geoms = np.asarray(geoms)
    polygonal = shapely.get_dimensions(geoms) == 2
    geoms = np.where(polygonal, shapely.boundary(shapely.make_valid(geoms)), geoms)
    return shapely.simplify(geoms, tol, preserve_topology=True)


def _lines(layers: Mapping[str, gpd.GeoDataFrame], tol: float) -> list[tuple[str, Any]]:
    """(kind, line geometry) to draw; the township coverage once per shared edge."""
    out: list[tuple[str, Any]] = []
    for role, frame in layers.items():
        geoms = frame.geometry.to_numpy()
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if role in _POINT_ROLES or not len(geoms):
            continue
        if role == "townships":  # a coverage: simplified together, so neighbours keep one shared border
            cover = shapely.coverage_simplify(shapely.make_valid(geoms), tol)
            out.append(("townships", shapely.line_merge(shapely.union_all(shapely.boundary(cover)))))
            continue
        simple = _as_lines(geoms, tol)
        kinds = [_road_kind(n) for n in _names(frame)] if role == "roads" else [role] * len(frame)
        keep = ~(shapely.is_missing(frame.geometry.to_numpy()) | shapely.is_empty(frame.geometry.to_numpy()))
        out.extend(zip(np.asarray(kinds, dtype=object)[keep].tolist(), simple.tolist(), strict=True))
    return out


def _shifted(frame: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    return frame if datum == "wgs84" else shift_geometries(frame, source="wgs84", target=datum)


def base_payload(
    layers: Mapping[str, gpd.GeoDataFrame],
    /,
    *,
    origin: tuple[float, float],
    precision: float,
    view_bounds: tuple[float, float, float, float],
    zones: gpd.GeoDataFrame | None = None,
    datum: str = "wgs84",
    max_bytes: int | None = None,
) -> dict[str, Any]:
    """What the page draws under the parcels: simplified lines, labels, styles, layer groups.

    Parameters
    ----------
    layers : mapping
        Role → GeoDataFrame (:func:`read_base_layers`).
    origin, precision : see :func:`landkit.maps._encode.encode_geometries`
        The page's coordinate origin and quantisation step (degrees).
    view_bounds : (minx, miny, maxx, maxy)
        The parcels' extent (degrees): the page opens on it, so it sets the first tolerance,
        ``extent / page_px / 2**detail_zoom`` (``baselayers.toml``).
    zones : GeoDataFrame, optional
        Zones (lon/lat) whose names are written at a point inside each.
    datum : {"wgs84", "gcj02"}, default "wgs84"
        Shift to the basemap's datum, as the parcels are.
    max_bytes : int, optional
        Budget for the encoded lines and labels (default ``baselayers.toml`` ``[budget]``).

    Returns
    -------
    dict
        ``lines`` ([{k, g}]), ``labels`` ([{k, t, x, y}] in ``precision`` steps from ``origin``),
        ``styles``, ``groups``, ``tolerance_deg`` and ``bytes``.

    Warns
    -----
    LandkitWarning
        The base layers do not fit ``max_bytes`` even at the coarsest tolerance tried.
    """
    conf = base_settings()
    budget = int(conf["budget"]["max_bytes"]) if max_bytes is None else int(max_bytes)
    layers = {role: _shifted(frame.to_crs(4326), datum) for role, frame in layers.items()}
    zones = _shifted(zones.to_crs(4326), datum) if zones is not None else None
    labels = []
    for kind, text, point in _labels(layers, zones):
        x, y = np.rint((np.array([point.x, point.y]) - np.asarray(origin)) / precision).astype(int).tolist()
        labels.append({"k": kind, "t": text, "x": x, "y": y})
    label_bytes = sum(len(lb["t"].encode("utf-8")) + 30 for lb in labels)
    extent = max(view_bounds[2] - view_bounds[0], view_bounds[3] - view_bounds[1], precision)
    tol = max(precision, extent / conf["simplify"]["page_px"] / 2 ** conf["simplify"]["detail_zoom"])
    for _round in range(int(conf["simplify"]["max_rounds"])):
        drawn = _lines(layers, tol)
        encoded = encode_lines([g for _, g in drawn], origin=origin, precision=precision)
        size = sum(len(g) + 14 for g in encoded) + label_bytes
        if size <= budget:
            break
        tol *= 2
    else:
        warnings.warn(
            f"the base layers take {size / 1e3:.0f} kB of the page, over the {budget / 1e3:.0f} kB "
            "base-layer budget (baselayers.toml [budget] max_bytes) even simplified at "
            f"{tol / 2:.5f}°: pass fewer layers or clip them to the parcels' area",
            LandkitWarning,
            stacklevel=3,
        )
    lines = [{"k": k, "g": g} for (k, _), g in zip(drawn, encoded, strict=True) if g]
    groups = [[name, kinds] for name, kinds in conf["groups"].items()]
    return {
        "lines": lines,
        "labels": labels,
        "styles": conf["styles"],
        "groups": groups,
        "tolerance_deg": tol if size <= budget else tol / 2,
        "bytes": size,
    }


def context_payload(
    layers: Mapping[str, gpd.GeoDataFrame] | None,
    parcels: gpd.GeoDataFrame,
    /,
    *,
    origin: tuple[float, float],
    precision: float,
    zones: gpd.GeoDataFrame | None,
    datum: str,
) -> dict[str, Any]:
    """The page's ``base`` (None without layers) and ``distanceRows`` (how the card shows distances)."""
    rows = [list(v) for v in base_settings()["distances"].values()]
    if not layers:
        return {"base": None, "distanceRows": rows}
    import pyproj

    to_lonlat = pyproj.Transformer.from_crs(parcels.crs, 4326, always_xy=True)
    bounds = to_lonlat.transform_bounds(*parcels.total_bounds)
    base = base_payload(
        layers, origin=origin, precision=precision, view_bounds=bounds, zones=zones, datum=datum
    )
    return {"base": base, "distanceRows": rows}


def distance_facts(row: Mapping[str, Any] | pd.Series, /) -> list[tuple[str, str]]:
    """``("距高速出口", "3.2 km（洪江出口）")`` rows for a parcel that carries distance columns.

    Examples
    --------
    >>> distance_facts({"dist_exit_km": 3.24, "nearest_exit": "洪江出口", "dist_town_km": None})
    [('距高速出口', '3.2 km（洪江出口）')]
    """
    out = []
    for km, name, text in base_settings()["distances"].values():
        value = row.get(km)
        if value is None or pd.isna(value):
            continue
        where = row.get(name)
        suffix = f"（{where}）" if isinstance(where, str) and where else ""
        out.append((text, f"{float(value):.1f} km{suffix}"))
    return out

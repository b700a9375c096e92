"""Build the compact JSON payload of a browse page from a parcel table.

Columns are stored column-wise: short strings repeated across parcels (status, township,
land use, contact …) as a dictionary plus integer codes, dates as days since 1970-01-01,
numbers rounded, categories as a bit mask over :data:`landkit.schema.CATEGORIES`. Zone
membership is one code per parcel into a list of distinct zone combinations.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..schema import CATEGORIES, FIELDS, split_categories
from ._encode import PACK_LIMIT, encode_geometries, pack_ints

__all__ = ["column_payload", "geometry_payload", "zone_payload"]

_CAT_BITS = {key: 1 << i for i, key in enumerate(CATEGORIES)}
_EPOCH = pd.Timestamp("1970-01-01")


def _kind(name: str, values: pd.Series) -> str:
    f = FIELDS.get(name)
    if f is not None and f.kind in ("tags", "date", "float", "int"):
        return "float" if f.kind == "int" else f.kind
    if pd.api.types.is_bool_dtype(values):
        return "str"
    if pd.api.types.is_numeric_dtype(values):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    return "str"


def _numbers(values: pd.Series, decimals: int) -> list[float | int | None]:
    num = pd.to_numeric(values, errors="coerce").astype("float64").round(decimals).to_numpy()
    return [None if np.isnan(v) else (int(v) if v.is_integer() else float(v)) for v in num.tolist()]


def _packed_numbers(values: pd.Series, decimals: int) -> dict[str, Any]:
    """Numbers rounded to ``decimals`` as integers times ``10**-s`` (``s`` as small as the values allow),
    packed in one string (:func:`~landkit.maps._encode.pack_ints`); the page divides by ``10**s``, which
    gives the very double the rounded number is. Unpackable values (inf, huge) keep the plain list."""
    num = pd.to_numeric(values, errors="coerce").astype("float64").round(decimals).to_numpy()
    known = num[~np.isnan(num)]
    scale = next(
        (d for d in range(decimals + 1) if np.array_equal(np.rint(known * 10.0**d) / 10.0**d, known)), None
    )
    if scale is None or not np.isfinite(known).all() or (np.abs(known) * 10.0**scale >= PACK_LIMIT).any():
        return {"t": "n", "v": _numbers(values, decimals)}
    return {"t": "n", "s": scale, "p": pack_ints(np.rint(num * 10.0**scale))}


def _strings(values: pd.Series) -> dict[str, Any]:
    missing = values.isna().to_numpy()
    text: list[str | None] = [
        None if miss else (v if isinstance(v, str) else str(v))
        for v, miss in zip(values.tolist(), missing.tolist(), strict=True)
    ]
    codes, uniques = pd.factorize(pd.Series(text, dtype=object), use_na_sentinel=True)
    if len(uniques) <= max(1, len(text) // 2):
        return {"t": "s", "d": [str(u) for u in uniques], "p": pack_ints(codes)}
    return {"t": "s", "v": text}


def column_payload(values: pd.Series, name: str, /, *, decimals: int) -> dict[str, Any]:
    """Encode one column; the result's ``t`` says what (``s``/``n``/``d``/``c``).

    Strings repeated across rows are a dictionary ``d`` and codes; numbers, dates (days since
    1970), category masks and codes are packed integers ``p`` (:func:`~landkit.maps._encode.pack_ints`,
    numbers times ``10**s``); other strings are a plain list ``v``.
    """
    kind = _kind(name, values)
    if kind == "tags":
        masks = values.map(lambda v: sum(_CAT_BITS.get(t, 0) for t in split_categories(v)))
        extra = values.map(lambda v: ",".join(t for t in split_categories(v) if t not in _CAT_BITS))
        out: dict[str, Any] = {"t": "c", "p": pack_ints(masks.to_numpy(dtype="float64"))}
        if extra.str.len().gt(0).any():
            out["x"] = _strings(extra.where(extra.str.len() > 0))
        return out
    if kind == "date":
        dates = pd.to_datetime(values, errors="coerce")
        days = ((dates - _EPOCH) // pd.Timedelta(days=1)).astype("float64")
        return {"t": "d", "p": pack_ints(days.to_numpy())}
    if kind == "float":
        return _packed_numbers(values, 0 if name.endswith("_m2") else decimals)
    return _strings(values)


def geometry_payload(geoms: gpd.GeoSeries, /, *, origin: tuple[float, float], precision: float) -> list[str]:
    """Encoded parcel geometries (see :func:`landkit.maps._encode.encode_geometries`)."""
    return encode_geometries(geoms, origin=origin, precision=precision)


def zone_payload(
    parcels: gpd.GeoSeries,
    zones: gpd.GeoDataFrame,
    /,
    *,
    origin: tuple[float, float],
    precision: float,
    simplify: float,
) -> dict[str, Any]:
    """Zone outlines and each parcel's zone membership (``intersects``).

    Both inputs must be in the same lon/lat CRS. Returns ``{"list": [...], "combos": [...],
    "i": [...]}`` where ``i[k]`` indexes ``combos`` (``-1`` = in no zone).
    """
    zones = zones.reset_index(drop=True)
    left = gpd.GeoDataFrame(geometry=parcels.reset_index(drop=True))
    pairs = gpd.sjoin(left, zones[["geometry"]], how="inner", predicate="intersects")
    members: dict[int, list[int]] = {}
    for p, z in zip(pairs.index.to_numpy().tolist(), pairs["index_right"].to_numpy().tolist(), strict=True):
        members.setdefault(int(p), []).append(int(z))
    combos: dict[tuple[int, ...], int] = {}
    codes = [-1] * len(left)
    for p, zs in members.items():
        key = tuple(sorted(set(zs)))
        codes[p] = combos.setdefault(key, len(combos))
    simple = zones.geometry.simplify(simplify, preserve_topology=True)
    polygonal = simple.geom_type.isin(["Polygon", "MultiPolygon"])
    geoms = [""] * len(zones)
    if polygonal.any():
        enc = encode_geometries(simple[polygonal], origin=origin, precision=precision)
        for k, text in zip(np.flatnonzero(polygonal.to_numpy()).tolist(), enc, strict=True):
            geoms[k] = text
    listing = [
        {"id": str(r.zone_id), "name": str(r.name), "kind": str(r.kind), "g": g}
        for r, g in zip(zones[["zone_id", "name", "kind"]].itertuples(index=False), geoms, strict=True)
    ]
    return {"list": listing, "combos": [list(k) for k in combos], "i": codes}

"""Compact encodings for the browse page: polyline geometries, columnar values, safe JSON.

Geometries are quantised to a grid (``precision`` degrees), delta-encoded within each ring
and written with the polyline varint alphabet (ASCII 63–126), one string per parcel: rings
are separated by ``,`` and polygons by ``;``. The closing vertex of each ring and repeated
vertices after quantisation are dropped. Everything is vectorised with numpy.

Examples
--------
>>> from shapely.geometry import box
>>> import geopandas as gpd
>>> enc = encode_geometries(gpd.GeoSeries([box(0, 0, 0.001, 0.001)]), origin=(0.0, 0.0), precision=1e-5)
>>> enc
['gE??gEfE??fE']
>>> decode_geometry(enc[0], origin=(0.0, 0.0), precision=1e-5)
[[[(0.001, 0.0), (0.001, 0.001), (0.0, 0.001), (0.0, 0.0)]]]
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from ..errors import DataFormatError

__all__ = [
    "PACK_LIMIT",
    "decode_geometry",
    "encode_geometries",
    "geometry_size",
    "json_for_script",
    "pack_ints",
    "unpack_ints",
]

_MAX_CHUNKS = 7  # 35 bits: enough for any zig-zagged quantised delta on Earth at 1e-7 deg
_PACK_CHUNKS = 11  # 55 bits: every zig-zagged integer below PACK_LIMIT
#: Largest magnitude :func:`pack_ints` takes: the page decodes with float arithmetic, exact below 2**53.
PACK_LIMIT = 2**52
_MISSING = ord("!")  # outside the varint alphabet (63-126)


def _varint_chars(
    values: NDArray[np.int64], chunks_max: int = _MAX_CHUNKS, missing: NDArray[np.bool_] | None = None
) -> tuple[bytes, NDArray[np.int64]]:
    """Polyline-encode signed ints; return the bytes and the number of chars per value.

    With ``missing``, those values are written as the one character ``!``.
    """
    z = np.where(values < 0, ~(values << 1), values << 1).astype(np.int64)
    shifts = np.arange(chunks_max, dtype=np.int64) * 5
    rest = z[:, None] >> shifts[None, :]
    chunks = rest & 31
    needed = (rest > 0) | (shifts[None, :] == 0)
    more = np.zeros_like(needed)
    more[:, :-1] = needed[:, 1:]
    chars = (chunks | (more.astype(np.int64) << 5)) + 63
    if missing is not None and missing.any():
        chars[missing, 0] = _MISSING
        needed[missing, 1:] = False
    count = needed.sum(axis=1)
    return chars[needed].astype(np.uint8).tobytes(), count


def pack_ints(values: Any, /) -> str:
    """Integers as one string of zig-zag varints (the polyline alphabet), missing (NaN/None) as ``!``.

    A page column of numbers costs one JSON string instead of one JSON number per parcel: fewer
    bytes, and the browser's ``JSON.parse`` does not build an array element per value.

    Examples
    --------
    >>> pack_ints([0, -1, 16, None, 123456])
    '?@_@!_cpF'
    >>> unpack_ints(pack_ints([0, -1, 16, None, 123456]))
    [0, -1, 16, None, 123456]
    """
    if isinstance(values, list):
        values = [np.nan if v is None else v for v in values]
    arr = np.asarray(values, dtype="float64")
    missing = ~np.isfinite(arr)
    ints = np.where(missing, 0.0, arr)
    if (np.abs(ints) >= PACK_LIMIT).any() or not np.array_equal(ints, np.rint(ints)):
        raise ValueError(f"pack_ints takes integers below {PACK_LIMIT:,} in magnitude")
    return _varint_chars(ints.astype(np.int64), _PACK_CHUNKS, missing)[0].decode("ascii")


def unpack_ints(text: str, /) -> list[int | None]:
    """The integers of :func:`pack_ints` (the page's JavaScript does the same; this twin is for tests)."""
    out: list[int | None] = []
    value = shift = 0
    for ch in text:
        if ord(ch) == _MISSING:
            out.append(None)
            continue
        b = ord(ch) - 63
        value |= (b & 31) << shift
        shift += 5
        if b < 32:
            out.append(~(value >> 1) if value & 1 else value >> 1)
            value = shift = 0
    return out


def encode_geometries(geoms: gpd.GeoSeries, /, *, origin: tuple[float, float], precision: float) -> list[str]:
    """Encode (multi)polygons in lon/lat as compact polyline strings, one per geometry.

    Parameters
    ----------
    geoms : GeoSeries
        Polygons or MultiPolygons in degrees (lon/lat); empty or missing geometries give ``""``.
    origin : (float, float)
        ``(lon, lat)`` subtracted before quantisation (the first vertex of each ring is stored
        relative to it).
    precision : float
        Quantisation step in degrees.

    Returns
    -------
    list of str
    """
    arr = np.asarray(geoms.values)
    out = [""] * len(arr)
    ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not ok.any():
        return out
    idx = np.flatnonzero(ok)
    polys = arr[idx]
    kind = shapely.get_type_id(polys)
    if not np.isin(kind, (3, 6)).all():
        raise DataFormatError(
            "browse pages draw polygons only; buffer points/lines first (e.g. gdf.to_crs(4546).buffer(10))"
        )
    if (kind == 3).all():  # all Polygons: wrap so the offsets always have three levels
        polys = shapely.multipolygons(polys[:, None])
    _, coords, offsets = shapely.to_ragged_array(polys)
    ring_off, poly_off, geom_off = (np.asarray(o, dtype=np.int64) for o in offsets)
    q = np.rint((coords - np.asarray(origin)) / precision).astype(np.int64)
    n_rings = len(ring_off) - 1
    ring_of_vertex = np.repeat(np.arange(n_rings), np.diff(ring_off))
    first = np.zeros(len(q), dtype=bool)
    first[ring_off[:-1]] = True
    last = np.zeros(len(q), dtype=bool)
    last[ring_off[1:] - 1] = True
    delta = q.copy()
    delta[1:] -= q[:-1]
    delta[first] = q[first]
    keep = ~last & (first | (delta != 0).any(axis=1))
    # Re-delta after dropping repeated vertices (dropped ones had zero delta, so sums hold).
    delta = delta[keep]
    ring_of_kept = ring_of_vertex[keep]
    data, count = _varint_chars(delta.reshape(-1))
    chars_per_vertex = count.reshape(-1, 2).sum(axis=1)
    chars_per_ring = np.bincount(ring_of_kept, weights=chars_per_vertex, minlength=n_rings).astype(np.int64)
    ring_end = np.cumsum(chars_per_ring)
    ring_start = ring_end - chars_per_ring
    text = data.decode("ascii")
    rings = [text[s:e] for s, e in zip(ring_start.tolist(), ring_end.tolist(), strict=True)]
    poly_strings = [
        ",".join(rings[a:b]) for a, b in zip(poly_off[:-1].tolist(), poly_off[1:].tolist(), strict=True)
    ]
    for k, (a, b) in enumerate(zip(geom_off[:-1].tolist(), geom_off[1:].tolist(), strict=True)):
        out[int(idx[k])] = ";".join(poly_strings[a:b])
    return out


def geometry_size(encoded: list[str], /) -> list[int]:
    """``[vertices, rings]`` of strings from :func:`encode_geometries` (the page sizes its arrays by it).

    Every value ends on a character below ``_`` (ASCII 95) and a vertex is two values; ``,`` and
    ``;`` separate rings.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> geoms = gpd.GeoSeries([box(0, 0, 1e-3, 1e-3), None])
    >>> enc = encode_geometries(geoms, origin=(0.0, 0.0), precision=1e-5)
    >>> geometry_size(enc)
    [4, 1]
    """
    chars = np.frombuffer("".join(encoded).encode("ascii"), dtype=np.uint8)
    separators = int(np.count_nonzero((chars == ord(",")) | (chars == ord(";"))))
    ends = int(np.count_nonzero(chars < 95)) - separators
    return [ends // 2, separators + sum(1 for s in encoded if s)]


def decode_geometry(
    text: str, /, *, origin: tuple[float, float], precision: float
) -> list[list[list[tuple[float, float]]]]:
    """Decode one string of :func:`encode_geometries` into polygons → rings → (lon, lat).

    The page's JavaScript does the same; this Python twin exists for tests and debugging.
    """
    polygons = []
    for poly in text.split(";") if text else []:
        rings = []
        for ring in poly.split(","):
            nums: list[int] = []
            value = shift = 0
            for ch in ring:
                b = ord(ch) - 63
                value |= (b & 31) << shift
                shift += 5
                if b < 32:
                    nums.append(~(value >> 1) if value & 1 else value >> 1)
                    value = shift = 0
            x = y = 0
            pts = []
            for i in range(0, len(nums), 2):
                x += nums[i]
                y += nums[i + 1]
                pts.append((round(origin[0] + x * precision, 9), round(origin[1] + y * precision, 9)))
            rings.append(pts)
        polygons.append(rings)
    return polygons


def json_for_script(data: Any, /) -> str:
    """Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and ``\\u0026`` so no value
    can close the script tag or open a comment; U+2028/2029 are escaped for old parsers.

    Examples
    --------
    >>> json_for_script({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )

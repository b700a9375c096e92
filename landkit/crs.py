"""Coordinate reference systems as Chinese bureaus use them.

Official data is in CGCS2000 (EPSG:4490), usually projected to Gauss-Krüger 3° or 6° zones,
with or without the zone number prefixed to the easting. Layers often arrive without a .prj:
:func:`infer_crs` decides the CRS from the coordinate ranges (and, when the easting carries
no zone prefix, from the region the data should lie in), or refuses.

Xian 1980 and Beijing 1954 data cannot be told from CGCS2000 by their numbers, and PROJ has
no real transformation between them (only a "ballpark" no-op). :func:`check_datum` warns;
:func:`to_cgcs2000` applies user-supplied 7- or 4-parameter sets.

Examples
--------
>>> infer_crs((37_380_000, 3_000_000, 37_420_000, 3_020_000), warn=False).to_epsg()
4525
>>> infer_crs((380_000, 3_000_000, 420_000, 3_020_000), warn=False).to_epsg()
4546
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import geopandas as gpd
import numpy as np
import pyproj

from .errors import CRSInferenceError, CRSMismatchError, LandkitWarning

__all__ = [
    "CGCS2000",
    "CHINA_LONLAT",
    "HONGJIANG_EXTENT",
    "CRSInferenceWarning",
    "DatumWarning",
    "check_datum",
    "ensure_same_crs",
    "gk_epsg",
    "infer_crs",
    "to_cgcs2000",
]

#: CGCS2000 geographic (lon/lat).
CGCS2000 = pyproj.CRS.from_epsg(4490)
#: Lon/lat box of China used to recognise geographic coordinates.
CHINA_LONLAT = (73.0, 3.0, 136.0, 54.0)
#: Extent of 洪江市 (431281) in lon/lat, the default region for inference and validation.
HONGJIANG_EXTENT = (109.533, 26.993, 110.523, 27.481)


_LONLAT_REASON = (
    "lon/lat within China: taken as CGCS2000 geographic (web-sourced boundaries — DataV, 高德, 腾讯 — are "
    "often GCJ-02 and 百度 BD-09, about 600 m off: read those with crs='GCJ-02' or crs='BD-09')"
)


class CRSInferenceWarning(LandkitWarning):
    """A CRS was inferred from coordinates; the message names it and how to override it."""


class DatumWarning(LandkitWarning):
    """Data is on a legacy datum (Xian 1980 / Beijing 1954) with no real PROJ transformation."""


def gk_epsg(*, zone_width: Literal[3, 6], central_meridian: float, prefixed: bool) -> int:
    """EPSG code of a CGCS2000 Gauss-Krüger CRS.

    Parameters
    ----------
    zone_width : {3, 6}
        Zone width in degrees.
    central_meridian : float
        Central meridian in degrees east (75–135 for 3° zones, 75–135 for 6° zones).
    prefixed : bool
        True when eastings carry the zone number (37 3xx xxx).

    Examples
    --------
    >>> gk_epsg(zone_width=3, central_meridian=111, prefixed=True)
    4525
    >>> gk_epsg(zone_width=6, central_meridian=111, prefixed=False)
    4508
    """
    if zone_width == 3:
        zone = round(central_meridian / 3)
        if not 25 <= zone <= 45 or zone * 3 != central_meridian:
            raise ValueError(f"no CGCS2000 3° zone with central meridian {central_meridian}")
        return 4513 + zone - 25 if prefixed else 4534 + zone - 25
    zone = round((central_meridian + 3) / 6)
    if not 13 <= zone <= 23 or zone * 6 - 3 != central_meridian:
        raise ValueError(f"no CGCS2000 6° zone with central meridian {central_meridian}")
    return 4491 + zone - 13 if prefixed else 4502 + zone - 13


def _inside(x: float, y: float, box: Sequence[float], margin: float = 0.0) -> bool:
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def infer_crs(
    bounds: Sequence[float],
    /,
    *,
    region: Sequence[float] = HONGJIANG_EXTENT,
    warn: bool = True,
) -> pyproj.CRS:
    """Infer the CRS of coordinates that came without one.

    Parameters
    ----------
    bounds : (minx, miny, maxx, maxy)
        Coordinate ranges of the layer, x = easting (or longitude).
    region : (min lon, min lat, max lon, max lat)
        Where the data should lie (default 洪江市); decides the zone when eastings carry no
        zone prefix.
    warn : bool
        Issue a :class:`CRSInferenceWarning` naming the EPSG chosen.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    CRSInferenceError
        When the ranges fit no CGCS2000 CRS, or fit several different ones.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    how = "pass crs='EPSG:xxxx' to override"
    chosen: int | None = None
    reason = ""
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        raise CRSInferenceError("layer has no CRS and no finite coordinates; pass crs='EPSG:xxxx'")
    if _inside(minx, miny, CHINA_LONLAT) and _inside(maxx, maxy, CHINA_LONLAT):
        chosen, reason = 4490, _LONLAT_REASON
    elif minx >= 1_000_000 and maxx < 46_000_000 and miny > 0 and maxy < 6_500_000:
        zone_lo, zone_hi = int(minx // 1_000_000), int(maxx // 1_000_000)
        if zone_lo != zone_hi:
            raise CRSInferenceError(
                f"eastings span zone prefixes {zone_lo} and {zone_hi}; pass crs='EPSG:xxxx'"
            )
        if 25 <= zone_lo <= 45:
            chosen = gk_epsg(zone_width=3, central_meridian=zone_lo * 3, prefixed=True)
            reason = f"eastings carry zone prefix {zone_lo}: CGCS2000 3° Gauss-Krüger zone {zone_lo}"
        elif 13 <= zone_lo <= 23:
            chosen = gk_epsg(zone_width=6, central_meridian=zone_lo * 6 - 3, prefixed=True)
            reason = f"eastings carry zone prefix {zone_lo}: CGCS2000 6° Gauss-Krüger zone {zone_lo}"
    elif minx > 0 and maxx < 1_000_000 and miny > 0 and maxy < 6_500_000:
        chosen, reason = _infer_unprefixed((minx, miny, maxx, maxy), region)
    if chosen is None:
        raise CRSInferenceError(
            f"layer has no CRS and coordinates {minx:.0f}..{maxx:.0f} / {miny:.0f}..{maxy:.0f} fit no "
            f"CGCS2000 system; {how}"
        )
    crs = pyproj.CRS.from_epsg(chosen)
    if warn:
        warnings.warn(
            f"layer has no CRS; {reason} (EPSG:{chosen}, {crs.name}); the numbers cannot tell CGCS2000 "
            f"from Xian 1980 / Beijing 1954; {how}",
            CRSInferenceWarning,
            stacklevel=2,
        )
    return crs


def _infer_unprefixed(bounds: tuple[float, float, float, float], region: Sequence[float]) -> tuple[int, str]:
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    lon_mid = (region[0] + region[2]) / 2
    candidates: dict[float, int] = {}  # central meridian → EPSG
    cm3 = float(round(lon_mid / 3) * 3)
    cm6 = float(round((lon_mid + 3) / 6) * 6 - 3)
    for width, cm in ((3, cm3), (3, cm3 - 3), (3, cm3 + 3), (6, cm6), (6, cm6 - 6), (6, cm6 + 6)):
        try:
            epsg = gk_epsg(zone_width=width, central_meridian=cm, prefixed=False)  # type: ignore[arg-type]
        except ValueError:
            continue
        tf = pyproj.Transformer.from_crs(epsg, 4490, always_xy=True)
        lon, lat = tf.transform(cx, cy)
        if _inside(lon, lat, region, margin=0.5):
            candidates.setdefault(cm, epsg)  # same CM: 3° and 6° zones are the same projection
    if len(candidates) == 1:
        cm, epsg = next(iter(candidates.items()))
        return epsg, f"eastings without zone prefix that fall in the region with central meridian {cm:g}°E"
    if not candidates:
        raise CRSInferenceError(
            "layer has no CRS and its projected coordinates do not fall in the expected region "
            f"{tuple(region)} for any Gauss-Krüger zone; pass crs='EPSG:xxxx' or region=(...)"
        )
    raise CRSInferenceError(
        "layer has no CRS and its eastings carry no zone prefix, so central meridians "
        f"{sorted(candidates)} are all possible; pass crs='EPSG:xxxx'"
    )


def check_datum(crs: pyproj.CRS | str | int, /, *, warn: bool = True) -> str:
    """Name the datum family of ``crs`` (``cgcs2000``, ``xian1980``, ``beijing1954``, ``wgs84``, ``other``).

    Warns with :class:`DatumWarning` for Xian 1980 / Beijing 1954, whose conversion to CGCS2000
    needs published parameters (see :func:`to_cgcs2000`).

    Examples
    --------
    >>> check_datum(4546)
    'cgcs2000'
    """
    c = pyproj.CRS.from_user_input(crs)
    geodetic = c.geodetic_crs
    name = (geodetic.datum.name if geodetic and geodetic.datum else c.name).lower()
    if "china 2000" in name or "cgcs2000" in name:
        return "cgcs2000"
    family = "other"
    if "xian 1980" in name or "xi'an 1980" in name:
        family = "xian1980"
    elif "beijing 1954" in name:
        family = "beijing1954"
    elif "world geodetic system 1984" in name or "wgs 84" in name or "wgs84" in name:
        return "wgs84"
    if family != "other" and warn:
        warnings.warn(
            f"{c.name} is on the {family} datum: PROJ has no real transformation to CGCS2000 (only a "
            "'ballpark' no-op, off by metres to tens of metres); call landkit.crs.to_cgcs2000(gdf, "
            "params=...) with the 7- or 4-parameter set published by your surveying authority",
            DatumWarning,
            stacklevel=2,
        )
    return family


def to_cgcs2000(
    gdf: gpd.GeoDataFrame,
    /,
    *,
    params: Sequence[float],
    convention: Literal["position_vector", "coordinate_frame"] = "coordinate_frame",
    to_crs: pyproj.CRS | str | int | None = None,
) -> gpd.GeoDataFrame:
    """Move Xian 1980 / Beijing 1954 data to CGCS2000 with a user-supplied parameter set.

    Parameters
    ----------
    gdf : GeoDataFrame
        Data on the legacy datum (its CRS must be set).
    params : sequence of float
        Seven parameters ``(dx, dy, dz [m], rx, ry, rz [arc-seconds], ds [ppm])`` for a 3-D
        Helmert (Bursa-Wolf) transformation, or four ``(dx, dy [m], rotation [arc-seconds],
        scale [ppm])`` for a plane similarity applied to the projected coordinates.
    convention : {"coordinate_frame", "position_vector"}
        Sign convention of the 7-parameter rotations (Chinese publications usually give
        coordinate frame / Bursa-Wolf).
    to_crs : CRS, optional
        CGCS2000 CRS of the result. Default: the CGCS2000 Gauss-Krüger CRS with the same
        projection parameters for projected input, EPSG:4490 for geographic input.

    Returns
    -------
    GeoDataFrame
    """
    if gdf.crs is None:
        raise CRSInferenceError("to_cgcs2000 needs the legacy CRS to be set; use .set_crs(...) first")
    src = pyproj.CRS.from_user_input(gdf.crs)
    target = pyproj.CRS.from_user_input(to_crs) if to_crs is not None else _cgcs_twin(src)
    p = [float(v) for v in params]
    if len(p) == 7:
        rx, ry, rz = p[3:6]
        if convention == "coordinate_frame":
            rx, ry, rz = -rx, -ry, -rz
        tow = f"+towgs84={p[0]},{p[1]},{p[2]},{rx},{ry},{rz},{p[6]}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # PROJ notes that proj strings lose metadata
            proj4 = " ".join(t for t in src.to_proj4().split() if not t.startswith("+towgs84"))
            staged = pyproj.CRS.from_proj4(f"{proj4} {tow}")
        out = gdf.set_crs(staged, allow_override=True).to_crs(4326)
        return out.set_crs(4490, allow_override=True).to_crs(target)
    if len(p) == 4:
        if src.is_geographic:
            raise CRSInferenceError("4-parameter sets apply to projected coordinates; project the data first")
        theta = np.deg2rad(p[2] / 3600.0)
        k = 1.0 + p[3] * 1e-6
        a, b = k * np.cos(theta), k * np.sin(theta)
        out = gdf.copy()
        out.geometry = out.geometry.affine_transform([a, -b, b, a, p[0], p[1]])
        twin = _cgcs_twin(src)
        return out.set_crs(twin, allow_override=True).to_crs(target)
    raise ValueError(f"params must have 7 or 4 values, got {len(p)}")


def _cgcs_twin(src: pyproj.CRS) -> pyproj.CRS:
    if src.is_geographic:
        return CGCS2000
    op = src.coordinate_operation
    params = {pv.name: pv.value for pv in op.params} if op else {}
    cm = params.get("Longitude of natural origin")
    fe = params.get("False easting", 500000.0)
    if cm is None:
        raise CRSInferenceError(f"cannot find the CGCS2000 equivalent of {src.name}; pass to_crs=")
    width: Literal[3, 6] = 3 if float(cm) % 3 == 0 and "6-degree" not in src.name else 6
    return pyproj.CRS.from_epsg(
        gk_epsg(zone_width=width, central_meridian=float(cm), prefixed=float(fe) > 1_000_000)
    )


def ensure_same_crs(a: gpd.GeoDataFrame | gpd.GeoSeries, b: gpd.GeoDataFrame | gpd.GeoSeries, /) -> None:
    """Raise :class:`CRSMismatchError` naming both CRSs unless ``a`` and ``b`` share one."""
    if a.crs is None or b.crs is None or not pyproj.CRS.from_user_input(a.crs).equals(b.crs):
        an = a.crs.name if a.crs else "no CRS"
        bn = b.crs.name if b.crs else "no CRS"
        raise CRSMismatchError(
            f"inputs are in different CRSs ({an} vs {bn}); reproject one with .to_crs(...)"
        )

"""Decide the CRS of a layer just read: stated, given, web-shifted (GCJ-02/BD-09) or inferred.

Coordinates are checked against the CRS they end up with: metres under a lon/lat CRS, or
lon/lat under a projected one, are refused with :class:`CRSMismatchError` naming the CRS
the numbers look like (instead of a pyproj error later, or areas of 0.00 亩).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj

from ._problems import add_problem
from .crs import CGCS2000, check_datum, infer_crs
from .errors import CRSInferenceError, CRSMismatchError

__all__ = ["WEB_DATUMS", "crs_label", "resolve_crs"]

#: spellings of the web map datums accepted as ``crs=`` → shift name in :mod:`landkit.gcj02`
WEB_DATUMS = {
    "gcj02": "gcj02",
    "gcj-02": "gcj02",
    "gcj": "gcj02",
    "火星坐标": "gcj02",
    "bd09": "bd09",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "百度坐标": "bd09",
}
_WEB_HINT = (
    "从网上取得的边界（DataV、高德、腾讯）虽标为 WGS 84，实际常是火星坐标 GCJ-02，百度则是 BD-09，"
    "偏差约 600 米；如属这种情况，请用 crs='GCJ-02' 或 crs='BD-09' 读取"
)
_GK = re.compile(r"^(.*?) / (3|6)-degree Gauss-Kruger (zone (\d+)|CM (\d+)E)$")


def crs_label(crs: pyproj.CRS, /) -> str:
    """A short Chinese name of a CGCS2000/WGS 84 system for reports (pyproj's English name otherwise).

    Examples
    --------
    >>> crs_label(pyproj.CRS(4525)), crs_label(pyproj.CRS(4546)), crs_label(pyproj.CRS(4490))
    ('CGCS2000 3度分带 第37带', 'CGCS2000 3度分带 中央经线111°E', 'CGCS2000 经纬度')
    """
    name = crs.name
    m = _GK.match(name)
    if m is not None:
        where = f"第{m.group(4)}带" if m.group(4) else f"中央经线{m.group(5)}°E"
        return f"{m.group(1)} {m.group(2)}度分带 {where}"
    if crs.is_geographic:
        datum = "CGCS2000" if "2000" in name else name
        return f"{datum} 经纬度"
    return name


def _bounds(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geoms = gdf.geometry
    if not len(gdf):
        return np.full(4, np.nan)
    return np.asarray(geoms[~(geoms.isna() | geoms.is_empty)].total_bounds, dtype=float)


def _as_crs(crs: Any, *, name: str) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise CRSInferenceError(
            f"{name}: crs={crs!r} is not a known CRS; use e.g. 'EPSG:4546', 'EPSG:4490', 'GCJ-02' or 'BD-09'"
        ) from None


def _looks_like(bounds: np.ndarray, region: Sequence[float] | None) -> str:
    try:
        crs = infer_crs(tuple(float(v) for v in bounds), region=region, warn=False)
    except CRSInferenceError:
        return "no CGCS2000 system landkit can name"
    return f"EPSG:{crs.to_epsg()} ({crs.name})"


def check_coordinates(
    crs: pyproj.CRS, bounds: np.ndarray, *, region: Sequence[float] | None, name: str
) -> None:
    """Refuse coordinates that cannot be in ``crs`` (metres under lon/lat, lon/lat under metres, far off)."""
    if not np.isfinite(bounds).all():
        return
    lonlat_like = bool(np.all(np.abs(bounds[[0, 2]]) <= 180) and np.all(np.abs(bounds[[1, 3]]) <= 90))
    if crs.is_geographic and not lonlat_like:
        problem = "coordinates are metres, not degrees"
    elif crs.is_projected and lonlat_like:
        problem = "coordinates are degrees (lon/lat), not metres"
    elif crs.is_projected and crs.area_of_use is not None:
        lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(
            (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        )
        w, s, e, n = crs.area_of_use.bounds
        if np.isfinite([lon, lat]).all() and w - 3 <= lon <= e + 3 and s - 3 <= lat <= n + 3:
            return
        problem = f"coordinates fall outside where {crs.name} is used"
    else:
        return
    raise CRSMismatchError(
        f"{name}: the CRS is {crs.name} but the {problem} "
        f"({bounds[0]:.6g}..{bounds[2]:.6g} / {bounds[1]:.6g}..{bounds[3]:.6g}); they look like "
        f"{_looks_like(bounds, region)}; pass the right crs= (or fix the .prj)"
    )


def _from_web_datum(
    gdf: gpd.GeoDataFrame, datum: str, *, meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    from .gcj02 import shift_geometries

    if gdf.crs is not None and not gdf.crs.is_geographic:
        raise CRSMismatchError(f"{name} states {gdf.crs.name}; crs={datum!r} applies to lon/lat data only")
    bounds = _bounds(gdf)
    check_coordinates(CGCS2000, bounds, region=(73.0, 3.0, 136.0, 54.0), name=name)
    shifted = shift_geometries(gdf.set_crs(4326, allow_override=True), source=datum, target="wgs84")
    meta["converted_from"] = datum
    label = {"gcj02": "GCJ-02 (高德/腾讯)", "bd09": "BD-09 (百度)"}[datum]
    add_problem(
        meta["problems"], None, "geometry", "gcj02_converted", "info",
        f"坐标按 {label} 读取，已转换为 CGCS2000 经纬度（EPSG:4490）；请勿再次纠偏",
        "选地页面叠加高德底图时会自行转回 GCJ-02，无需处理",
    )  # fmt: skip
    return shifted.set_crs(4490, allow_override=True)


def _infer(
    gdf: gpd.GeoDataFrame, *, region: Sequence[float] | None, meta: dict[str, Any]
) -> gpd.GeoDataFrame:
    inferred = infer_crs(tuple(float(v) for v in _bounds(gdf)), region=region)
    meta["crs_inferred"] = inferred.to_epsg()
    add_problem(
        meta["problems"], None, "geometry", "crs_inferred", "info",
        f"文件未注明坐标系；按坐标数值推断为 EPSG:{inferred.to_epsg()}（{crs_label(inferred)}）"
        + (f"；{_WEB_HINT}" if inferred.is_geographic else ""),
        "如推断不对，读取时传入 crs='EPSG:xxxx'；最好补上 .prj 文件",
    )  # fmt: skip
    return gdf.set_crs(inferred)


def resolve_crs(
    gdf: gpd.GeoDataFrame, *, crs: Any, region: Sequence[float] | None, meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    """Give ``gdf`` its CRS (see module docstring); problems go to ``meta["problems"]``."""
    datum = WEB_DATUMS.get(str(crs).strip().lower()) if isinstance(crs, str) else None
    if datum is not None:
        return _from_web_datum(gdf, datum, meta=meta, name=name)
    if gdf.crs is not None:
        if crs is not None and not _as_crs(crs, name=name).equals(gdf.crs):
            raise CRSMismatchError(
                f"{name} states {gdf.crs.name} but crs={crs!r} was given; "
                "read without crs= and call .to_crs(...)"
            )
        check_datum(gdf.crs)
        check_coordinates(pyproj.CRS.from_user_input(gdf.crs), _bounds(gdf), region=region, name=name)
        if gdf.crs.is_geographic and check_datum(gdf.crs, warn=False) == "wgs84":
            add_problem(
                meta["problems"], None, "geometry", "lonlat_wgs84", "info",
                f"{name} 是标为 WGS 84 的经纬度（按 CGCS2000 处理）；{_WEB_HINT}",
                "如数据来自网络地图，请与已知边界比对",
            )  # fmt: skip
        return gdf
    if crs is not None:
        given = _as_crs(crs, name=name)
        check_datum(given)
        check_coordinates(given, _bounds(gdf), region=region, name=name)
        return gdf.set_crs(given)
    return _infer(gdf, region=region, meta=meta)

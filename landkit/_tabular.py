"""Excel and CSV ledgers (台账): find the geometry in WKT, a 界址点 sheet, X/Y columns or a join.

Chinese survey convention: **X is the northing** (≈ 3 000 000 in Hunan) and **Y the
easting**. When the numbers show the opposite, the columns are swapped and the swap is
reported.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import DataFormatError
from .headers import normalise_header

__all__ = ["read_table"]

_WKT = {"WKT", "GEOMETRY", "几何", "SHAPE", "GEOM", "坐标串", "图形"}
_X = {"X", "X坐标", "纵坐标", "XZB", "北坐标", "N"}
_Y = {"Y", "Y坐标", "横坐标", "YZB", "东坐标", "E"}
_LON = {"经度", "LON", "LONGITUDE", "LNG"}
_LAT = {"纬度", "LAT", "LATITUDE"}
_CODE = {"宗地代码", "ZDDM", "宗地编码", "地块编号", "DKBH", "宗地号"}
_POINT_NO = {"界址点号", "点号", "JZDH", "序号", "DH"}
_POINT_SHEETS = ("界址点", "界址点坐标", "坐标", "拐点坐标", "points")


def _find(columns: list[str], names: set[str]) -> str | None:
    for c in columns:
        if normalise_header(c)[0] in names:
            return c
    return None


def _read_sheets(
    p: Path, *, layer: str | int | None, encoding: str | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        raw = p.read_bytes()
        enc = encoding
        if enc is None:
            try:
                raw.decode("utf-8-sig")
                enc = "utf-8-sig"
            except UnicodeDecodeError:
                enc = "gb18030"
        import io as _io

        from ._sheets import read_csv  # undoes the formula escape landkit's CSV writer adds

        return read_csv(
            _io.BytesIO(raw), encoding=enc, dtype=str, keep_default_na=False, na_values=[""]
        ), None
    try:
        book = pd.ExcelFile(p)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise DataFormatError(f"{p.name}: cannot open as Excel ({exc})") from None
    with book:
        sheets = [str(s) for s in book.sheet_names]
        if isinstance(layer, str) and layer not in sheets:
            raise DataFormatError(f"{p.name} has no sheet {layer!r}; sheets: {', '.join(sheets)}")
        main = layer if layer is not None else next((s for s in sheets if s not in _POINT_SHEETS), sheets[0])
        table = pd.read_excel(book, sheet_name=main, dtype=object)
        pts_name = next((s for s in sheets if s in _POINT_SHEETS and s != main), None)
        points = pd.read_excel(book, sheet_name=pts_name, dtype=object) if pts_name else None
    return table, points


def _orient_xy(
    x: np.ndarray, y: np.ndarray, meta: dict[str, Any], *, xname: str, yname: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (easting, northing) from survey X/Y columns, swapping when the numbers demand it."""

    def northing(v: np.ndarray) -> bool:
        return bool(np.nanmin(v) > 0 and np.nanmax(v) < 6_500_000)

    def easting(v: np.ndarray) -> bool:
        return bool(
            (np.nanmin(v) > 0 and np.nanmax(v) < 1_000_000)
            or (np.nanmin(v) >= 13_000_000 and np.nanmax(v) < 46_000_000)
        )

    if northing(x) and easting(y):
        return y, x
    if northing(y) and easting(x):
        meta["problems"].append(
            {
                "row": None,
                "field": "geometry",
                "problem": "xy_swapped",
                "severity": "warning",
                "detail": f"{xname} holds eastings and {yname} northings (mathematical order); "
                "swapped to the survey convention X = northing",
                "suggestion": "check the coordinate columns",
            }
        )
        return x, y
    raise DataFormatError(
        f"coordinate columns {xname}/{yname} hold values that are neither Gauss-Krüger northings/eastings; "
        "pass a WKT column or geometry_from="
    )


def read_table(
    p: Path,
    *,
    layer: str | int | None,
    encoding: str | None,
    geometry_from: str | os.PathLike[str] | gpd.GeoDataFrame | None,
    meta: dict[str, Any],
) -> gpd.GeoDataFrame:
    """Read a ledger and resolve its geometry (see module docstring)."""
    table, points = _read_sheets(p, layer=layer, encoding=encoding)
    table = table.dropna(how="all")
    cols = [str(c) for c in table.columns]
    table.columns = cols
    problems = meta["problems"]
    wkt = _find(cols, _WKT)
    code = _find(cols, _CODE)
    if wkt is not None:
        texts = table[wkt]
        geoms = []
        for idx, t in texts.items():
            try:
                geoms.append(shapely.from_wkt(t) if isinstance(t, str) and t.strip() else None)
            except shapely.errors.GEOSException:
                problems.append(
                    {
                        "row": idx,
                        "field": "geometry",
                        "problem": "bad_wkt",
                        "severity": "error",
                        "detail": f"{wkt} is not valid WKT",
                        "suggestion": "fix the WKT text",
                    }
                )
                geoms.append(None)
        meta["geometry_source"] = f"WKT column {wkt}"
        crs_col = _find(cols, {"CRS"})
        crs = None
        if crs_col is not None and table[crs_col].notna().any():
            crs = str(table[crs_col].dropna().iloc[0])
        drop = [wkt] + ([crs_col] if crs_col else [])
        return gpd.GeoDataFrame(table.drop(columns=drop), geometry=geoms, crs=crs)
    if points is not None and code is not None:
        return _polygons_from_points(table, points, code=code, meta=meta, name=p.name)
    x, y = _find(cols, _X), _find(cols, _Y)
    lon, lat = _find(cols, _LON), _find(cols, _LAT)
    if lon is not None and lat is not None:
        meta["geometry_source"] = f"points from {lon}/{lat}"
        xs = pd.to_numeric(table[lon], errors="coerce").to_numpy(float)
        ys = pd.to_numeric(table[lat], errors="coerce").to_numpy(float)
        return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(xs, ys), crs=None)
    if x is not None and y is not None:
        xs = pd.to_numeric(table[x], errors="coerce").to_numpy(float)
        ys = pd.to_numeric(table[y], errors="coerce").to_numpy(float)
        e, n = _orient_xy(xs, ys, meta, xname=x, yname=y)
        meta["geometry_source"] = f"points from {x}/{y} (X = northing)"
        problems.append(
            {
                "row": None,
                "field": "geometry",
                "problem": "ledger_points",
                "severity": "info",
                "detail": "the ledger gives one point per parcel; areas come from the declared area only",
                "suggestion": "add a 界址点 sheet or pass geometry_from= for parcel polygons",
            }
        )
        return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(e, n), crs=None)
    if geometry_from is not None:
        if code is None:
            raise DataFormatError(f"{p.name}: geometry_from= needs a 宗地代码 column to join on")
        return _join_geometry(table, geometry_from, code=code, meta=meta)
    raise DataFormatError(
        f"{p.name}: no geometry found (no WKT column, no 界址点 sheet, no X/Y columns); "
        "pass geometry_from='parcels.shp' to join on 宗地代码"
    )


def _polygons_from_points(
    table: pd.DataFrame, points: pd.DataFrame, *, code: str, meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    pcols = [str(c) for c in points.columns]
    points.columns = pcols
    pcode = _find(pcols, _CODE)
    px, py = _find(pcols, _X), _find(pcols, _Y)
    if pcode is None or px is None or py is None:
        raise DataFormatError(f"{name}: the 界址点 sheet needs 宗地代码, X and Y columns")
    xs = pd.to_numeric(points[px], errors="coerce").to_numpy(float)
    ys = pd.to_numeric(points[py], errors="coerce").to_numpy(float)
    e, n = _orient_xy(xs, ys, meta, xname=px, yname=py)
    pts = pd.DataFrame({"code": points[pcode].astype(str).str.strip(), "e": e, "n": n})
    order = _find(pcols, _POINT_NO)
    if order is not None:
        pts["k"] = pd.to_numeric(points[order].astype(str).str.extract(r"(\d+)")[0], errors="coerce")
        pts = pts.sort_values(["code", "k"], kind="stable")
    pts = pts.dropna(subset=["e", "n"])
    sizes = pts.groupby("code", sort=False)["e"].transform("size")
    pts = pts[sizes >= 3]
    group, uniques = pd.factorize(pts["code"], sort=False)
    order_idx = np.argsort(group, kind="stable")
    rings = shapely.linearrings(pts[["e", "n"]].to_numpy()[order_idx], indices=group[order_idx])
    polys = dict(zip(uniques, shapely.polygons(rings), strict=True))
    meta["geometry_source"] = "界址点 sheet (X = northing, Y = easting)"
    keys = table[code].astype(str).str.strip()
    geoms = keys.map(polys)
    for idx_, k in keys[geoms.isna()].items():
        meta["problems"].append(
            {
                "row": idx_,
                "field": "geometry",
                "problem": "no_boundary_points",
                "severity": "error",
                "detail": f"宗地代码 {k} has fewer than 3 界址点",
                "suggestion": "add the parcel's boundary points",
            }
        )
    return gpd.GeoDataFrame(table, geometry=list(geoms.where(geoms.notna(), None)), crs=None)


def _join_geometry(
    table: pd.DataFrame, geometry_from: Any, *, code: str, meta: dict[str, Any]
) -> gpd.GeoDataFrame:
    if isinstance(geometry_from, gpd.GeoDataFrame):
        geo = geometry_from
    else:
        from .io import read_layer

        geo = read_layer(geometry_from)
    gcode = _find([str(c) for c in geo.columns], _CODE | {"PARCEL_ID"})
    if gcode is None:
        raise DataFormatError("geometry_from layer has no 宗地代码/parcel_id column to join on")
    keyed = geo.assign(_key=geo[gcode].astype(str).str.strip()).drop_duplicates(subset="_key")
    lookup = keyed.set_index("_key")
    keys = table[code].astype(str).str.strip()
    geoms = keys.map(lookup.geometry)
    for idx_, k in keys[geoms.isna()].items():
        meta["problems"].append(
            {
                "row": idx_,
                "field": "geometry",
                "problem": "no_geometry_match",
                "severity": "error",
                "detail": f"宗地代码 {k} not found in the geometry layer",
                "suggestion": "check the code or the geometry layer",
            }
        )
    meta["geometry_source"] = f"joined on {code}"
    return gpd.GeoDataFrame(table, geometry=list(geoms.where(geoms.notna(), None)), crs=geo.crs)

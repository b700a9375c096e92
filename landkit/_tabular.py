"""Excel and CSV ledgers (台账): find the geometry in WKT, a 界址点 sheet, X/Y columns or a join.

Chinese survey convention: **X is the northing** (≈ 3 000 000 in Hunan) and **Y the
easting**. When the numbers show the opposite, the columns are swapped and the swap is
reported.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._numbers import parse_quantities
from .errors import DataFormatError
from .headers import map_headers, normalise_header

__all__ = ["csv_encoding", "read_plain_table", "read_table"]

_WKT = {"WKT", "GEOMETRY", "几何", "SHAPE", "GEOM", "坐标串", "图形"}
_X = {"X", "X坐标", "纵坐标", "XZB", "北坐标", "N"}
_Y = {"Y", "Y坐标", "横坐标", "YZB", "东坐标", "E"}
_LON = {"经度", "LON", "LONGITUDE", "LNG"}
_LAT = {"纬度", "LAT", "LATITUDE"}
_CODE = {"宗地代码", "ZDDM", "宗地编码", "地块编号", "DKBH", "宗地号"}
_POINT_NO = {"界址点号", "点号", "JZDH", "序号", "DH"}
_POINT_SHEETS = ("界址点", "界址点坐标", "坐标", "拐点坐标", "points")
_RING = {"圈号", "QH", "环号", "RING", "圈"}
_GEOMETRY_HEADERS = _WKT | _X | _Y | _LON | _LAT | _POINT_NO | _RING


def _find(columns: list[str], names: set[str]) -> str | None:
    for c in columns:
        if normalise_header(c)[0] in names:
            return c
    return None


def _grid_csv(p: Path, *, encoding: str | None) -> pd.DataFrame:
    """A CSV as a grid of cells (no header yet; rows may be ragged, e.g. a title line)."""
    import csv
    import io as _io

    raw = p.read_bytes()
    enc = encoding or csv_encoding(raw)
    rows = list(csv.reader(_io.StringIO(raw.decode(enc))))
    width = max((len(r) for r in rows), default=0)
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    from ._sheets import restore_cells  # undoes the formula escape landkit's CSV writer adds

    grid = restore_cells(grid)
    return grid.where(grid != "", None)


def _known_cells(cells: list[object]) -> int:
    """How many cells of a row are headers landkit knows (canonical fields or geometry columns)."""
    texts = [str(c) for c in cells if isinstance(c, str) and c.strip()]
    geometry = sum(normalise_header(t)[0] in _GEOMETRY_HEADERS for t in texts)
    return len(map_headers(texts).mapping) + geometry


def _with_header(
    grid: pd.DataFrame, *, header_row: int | None, meta: dict[str, Any], what: str
) -> pd.DataFrame:
    """Take the header from ``header_row`` (1-based, as Excel numbers rows) or the first known-header row."""
    if header_row is not None:
        if not 1 <= header_row <= len(grid):
            raise DataFormatError(f"{what}: header_row={header_row} but the sheet has {len(grid)} rows")
        h = header_row - 1
    else:
        h = next((k for k in range(min(len(grid), 30)) if _known_cells(list(grid.iloc[k])) >= 2), 0)
    if h > 0 and header_row is None:
        cells = grid.iloc[:h].to_numpy().ravel().tolist()
        skipped = " / ".join(str(v) for v in cells if v is not None and v == v)[:80]
        meta["problems"].append(
            {
                "row": None,
                "field": "",
                "problem": "title_rows_skipped",
                "severity": "info",
                "detail": f"{what}：表头在第 {h + 1} 行，其上方的标题行已跳过（{skipped}）",
                "suggestion": "如表头实际在另一行，读取时传入 header_row=（行号从1数起）",
                "value": None,
            }
        )
    names: list[str] = []
    for k, c in enumerate(grid.iloc[h]):
        name = (
            str(c).strip()
            if c is not None and not (isinstance(c, float) and np.isnan(c))
            else f"Unnamed: {k}"
        )
        base, n = name, 0
        while name in names:
            n += 1
            name = f"{base}.{n}"
        names.append(name)
    table = grid.iloc[h + 1 :].set_axis(names, axis=1).reset_index(drop=True)
    return table.dropna(how="all")


def _read_sheets(
    p: Path, *, layer: str | int | None, encoding: str | None, header_row: int | None, meta: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if p.suffix.lower() in (".csv", ".txt"):
        return _with_header(
            _grid_csv(p, encoding=encoding), header_row=header_row, meta=meta, what=p.name
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
        grid = pd.read_excel(book, sheet_name=main, dtype=object, header=None)
        table = _with_header(grid, header_row=header_row, meta=meta, what=f"{p.name} [{main}]")
        pts_name = next((s for s in sheets if s in _POINT_SHEETS and s != main), None)
        points = None
        if pts_name:
            pgrid = pd.read_excel(book, sheet_name=pts_name, dtype=object, header=None)
            points = _with_header(pgrid, header_row=None, meta=meta, what=f"{p.name} [{pts_name}]")
    return table, points


def csv_encoding(raw: bytes, /) -> str:
    """``utf-8-sig`` when the bytes decode as UTF-8 (with or without BOM), else ``gb18030`` (GBK superset).

    Examples
    --------
    >>> csv_encoding("宗地代码".encode("gbk")), csv_encoding("宗地代码".encode("utf-8"))
    ('gb18030', 'utf-8-sig')
    """
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def read_plain_table(p: Path, /, *, layer: str | int | None = None) -> pd.DataFrame:
    """A CSV (UTF-8 or GBK, detected) or an Excel sheet as a DataFrame with inferred column types.

    For tables without geometry (events, firm figures); parcel ledgers go through :func:`read_table`.
    """
    if p.suffix.lower() in (".csv", ".txt"):
        import io as _io

        raw = p.read_bytes()
        return pd.read_csv(_io.BytesIO(raw), encoding=csv_encoding(raw))
    try:
        return pd.read_excel(p, sheet_name=0 if layer is None else layer)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise DataFormatError(f"{p.name}: cannot read as Excel ({exc})") from None


def _orient_xy(
    x: np.ndarray, y: np.ndarray, meta: dict[str, Any], *, xname: str, yname: str
) -> tuple[np.ndarray, np.ndarray]:
    """Return (easting, northing) from survey X/Y columns, swapping when the numbers demand it."""

    def northing(v: np.ndarray) -> bool:
        v = v[np.isfinite(v)]
        return bool(np.nanmin(v) > 0 and np.nanmax(v) < 6_500_000)

    def easting(v: np.ndarray) -> bool:
        v = v[np.isfinite(v)]
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
                "detail": f"{xname} 列是东坐标、{yname} 列是北坐标（数学坐标系顺序）；"
                "已按测量习惯对调为 X=北坐标、Y=东坐标",
                "suggestion": "核对坐标列：测量坐标 X 应为北坐标（7位整数），Y 为东坐标",
                "value": None,
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
    geometry_from: gpd.GeoDataFrame | None,
    meta: dict[str, Any],
    header_row: int | None = None,
) -> gpd.GeoDataFrame:
    """Read a ledger and resolve its geometry (see module docstring).

    ``geometry_from`` is a layer already read (the caller reads a path), so this module
    never needs the reader that calls it.
    """
    table, points = _read_sheets(p, layer=layer, encoding=encoding, header_row=header_row, meta=meta)
    cols = [str(c) for c in table.columns]
    table.columns = cols
    wkt, code = _find(cols, _WKT), _find(cols, _CODE)
    if wkt is not None:
        return _geometry_from_wkt(table, wkt=wkt, meta=meta)
    if points is not None and code is not None:
        return _polygons_from_points(table, points, code=code, meta=meta, name=p.name)
    x, y = _find(cols, _X), _find(cols, _Y)
    lon, lat = _find(cols, _LON), _find(cols, _LAT)
    if lon is not None and lat is not None:
        xs, ys = _coordinates(table, lon, lat, meta=meta)
        meta["geometry_source"] = f"points from {lon}/{lat}"
        return gpd.GeoDataFrame(table, geometry=_points(xs, ys), crs=None)
    if x is not None and y is not None:
        return _points_from_xy(table, x, y, meta=meta, name=p.name)
    if geometry_from is not None:
        if code is None:
            raise DataFormatError(f"{p.name}: geometry_from= needs a 宗地代码 column to join on")
        return _join_geometry(table, geometry_from, code=code, meta=meta)
    raise DataFormatError(
        f"{p.name}: no geometry found (no WKT column, no 界址点 sheet, no X/Y columns); "
        "pass geometry_from='parcels.shp' to join on 宗地代码, or header_row= if the headers are not found"
    )


def _problem(
    meta: dict[str, Any],
    row: Any,
    problem: str,
    severity: str,
    detail: str,
    suggestion: str,
    value: Any = None,
) -> None:
    meta["problems"].append(
        {
            "row": row,
            "field": "geometry",
            "problem": problem,
            "severity": severity,
            "detail": detail,
            "suggestion": suggestion,
            "value": None if value is None else str(value),
        }
    )


def _geometry_from_wkt(table: pd.DataFrame, *, wkt: str, meta: dict[str, Any]) -> gpd.GeoDataFrame:
    geoms = []
    for idx, t in table[wkt].items():
        try:
            geoms.append(shapely.from_wkt(t) if isinstance(t, str) and t.strip() else None)
        except shapely.errors.GEOSException:
            _problem(
                meta,
                idx,
                "bad_wkt",
                "error",
                f"{wkt} 列的图形文字不是合法的 WKT，该宗无图形",
                "修正该单元格的 WKT 文字（如 POLYGON ((x y, …)) ）",
                str(t)[:60],
            )
            geoms.append(None)
    meta["geometry_source"] = f"WKT column {wkt}"
    crs_col = _find(list(table.columns), {"CRS"})
    crs = None
    if crs_col is not None and table[crs_col].notna().any():
        crs = str(table[crs_col].dropna().iloc[0])
    drop = [wkt] + ([crs_col] if crs_col else [])
    return gpd.GeoDataFrame(table.drop(columns=drop), geometry=geoms, crs=crs)


def _coordinates(
    frame: pd.DataFrame, xname: str, yname: str, *, meta: dict[str, Any], report: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Parse two coordinate columns; a row with an empty or non-numeric coordinate gets NaN and an error."""
    qx, qy = parse_quantities(frame[xname]), parse_quantities(frame[yname])
    xs, ys = qx["value"].to_numpy(float), qy["value"].to_numpy(float)
    bad = ~(np.isfinite(xs) & np.isfinite(ys))
    if report:
        for k in np.flatnonzero(bad):
            cells = f"{xname}={frame[xname].iloc[k]!r}, {yname}={frame[yname].iloc[k]!r}"
            _problem(
                meta, frame.index[int(k)], "bad_coordinates", "error",
                f"{cells}：坐标为空或不是数字，该宗无图形",
                "两个坐标都填纯数字（单位：米）", cells,
            )  # fmt: skip
    if bad.all():
        raise DataFormatError(f"coordinate columns {xname}/{yname} hold no usable numbers")
    return np.where(bad, np.nan, xs), np.where(bad, np.nan, ys)


def _points(xs: np.ndarray, ys: np.ndarray) -> list[Any]:
    ok = np.isfinite(xs) & np.isfinite(ys)
    pts = shapely.points(np.where(ok, xs, 0.0), np.where(ok, ys, 0.0))
    return [g if k else None for g, k in zip(pts, ok, strict=True)]


def _points_from_xy(
    table: pd.DataFrame, x: str, y: str, *, meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    xs, ys = _coordinates(table, x, y, meta=meta)
    e, n = _orient_xy(xs, ys, meta, xname=x, yname=y)
    meta["geometry_source"] = f"points from {x}/{y} (X = northing)"
    _problem(
        meta, None, "ledger_points", "info",
        "台账每宗地只有一个点坐标，没有界址范围；面积只能用登记面积",
        "增加“界址点”工作表，或读取时传入 geometry_from= 关联宗地图斑",
    )  # fmt: skip
    return gpd.GeoDataFrame(table, geometry=_points(e, n), crs=None)


def _polygons_from_points(
    table: pd.DataFrame, points: pd.DataFrame, *, code: str, meta: dict[str, Any], name: str
) -> gpd.GeoDataFrame:
    pcols = [str(c) for c in points.columns]
    points.columns = pcols
    pcode = _find(pcols, _CODE)
    px, py = _find(pcols, _X), _find(pcols, _Y)
    if pcode is None or px is None or py is None:
        raise DataFormatError(f"{name}: the 界址点 sheet needs 宗地代码, X and Y columns")
    xs, ys = _coordinates(points, px, py, meta=meta, report=False)
    e, n = _orient_xy(xs, ys, meta, xname=px, yname=py)
    pts = pd.DataFrame({"code": points[pcode].astype(str).str.strip(), "e": e, "n": n, "ring": 1})
    ring = _find(pcols, _RING)
    if ring is not None:
        pts["ring"] = pd.to_numeric(points[ring], errors="coerce").fillna(1).to_numpy()
    order = _find(pcols, _POINT_NO)
    if order is not None:
        pts["k"] = pd.to_numeric(
            points[order].astype(str).str.extract(r"(\d+)")[0], errors="coerce"
        ).to_numpy()
        pts = pts.sort_values(["code", "ring", "k"], kind="stable")
    pts = pts.dropna(subset=["e", "n"])
    polys = _rings_to_polygons(pts) if ring is not None else _single_rings(pts)
    meta["geometry_source"] = "界址点 sheet (X = northing, Y = easting)" + (
        f", rings by {ring}" if ring else ""
    )
    keys = table[code].astype(str).str.strip()
    geoms = keys.map(polys)
    for idx_, k in keys[geoms.isna()].items():
        _problem(
            meta, idx_, "no_boundary_points", "error", f"宗地代码 {k} 的界址点少于3个，构不成面",
            "在“界址点”工作表中补齐该宗地的界址点", k,
        )  # fmt: skip
    return gpd.GeoDataFrame(table, geometry=list(geoms.where(geoms.notna(), None)), crs=None)


def _single_rings(pts: pd.DataFrame) -> dict[str, Any]:
    """One ring per parcel (no 圈号 column), built in one vectorised call."""
    pts = pts[pts.groupby("code", sort=False)["e"].transform("size") >= 3]
    group, uniques = pd.factorize(pts["code"], sort=False)
    order_idx = np.argsort(group, kind="stable")
    rings = shapely.linearrings(pts[["e", "n"]].to_numpy()[order_idx], indices=group[order_idx])
    return dict(zip(uniques, shapely.polygons(rings), strict=True))


def _rings_to_polygons(pts: pd.DataFrame) -> dict[str, Any]:
    """Parcels whose 界址点 carry a 圈号: rings inside a larger ring are its holes, others more parts."""
    out: dict[str, Any] = {}
    for code, group in pts.groupby("code", sort=False):
        rings = [
            shapely.Polygon(r[["e", "n"]].to_numpy())
            for _, r in group.groupby("ring", sort=True)
            if len(r) >= 3
        ]
        if not rings:
            continue
        parts: list[tuple[shapely.Polygon, list[Any]]] = []
        for ring in sorted(rings, key=lambda g: g.area, reverse=True):
            host = next((shell for shell, _ in parts if shell.contains(ring)), None)
            if host is None:
                parts.append((ring, []))
            else:
                next(h for s_, h in parts if s_ is host).append(ring.exterior.coords)
        polys = [shapely.Polygon(shell.exterior.coords, holes) for shell, holes in parts]
        out[str(code)] = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    return out


def _join_geometry(
    table: pd.DataFrame, geo: gpd.GeoDataFrame, *, code: str, meta: dict[str, Any]
) -> gpd.GeoDataFrame:
    gcode = _find([str(c) for c in geo.columns], _CODE | {"PARCEL_ID"})
    if gcode is None:
        raise DataFormatError("geometry_from layer has no 宗地代码/parcel_id column to join on")
    keyed = geo.assign(_key=geo[gcode].astype(str).str.strip()).drop_duplicates(subset="_key")
    lookup = keyed.set_index("_key")
    keys = table[code].astype(str).str.strip()
    geoms = keys.map(lookup.geometry)
    for idx_, k in keys[geoms.isna()].items():
        _problem(
            meta, idx_, "no_geometry_match", "error", f"宗地代码 {k} 在图形图层中找不到，该宗无图形",
            "核对宗地代码，或所关联的图形图层是否完整", k,
        )  # fmt: skip
    meta["geometry_source"] = f"joined on {code}"
    return gpd.GeoDataFrame(table, geometry=list(geoms.where(geoms.notna(), None)), crs=geo.crs)

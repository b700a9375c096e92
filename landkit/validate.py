"""Validate a canonical parcel table and list every problem (nothing is dropped).

The report is a DataFrame with one row per problem: ``row`` (index label of the parcel, or
None for file-level notes), ``parcel_id``, ``field``, ``problem`` (a code, see
:data:`PROBLEMS` for the Chinese description), ``severity`` (``error``, ``warning``,
``info``), ``detail`` and ``suggestion``. Problems met while reading (encoding, CRS
inference, unparseable dates …) are carried in ``gdf.attrs["landkit"]`` and included.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Polygon, box
>>> bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
>>> g = gpd.GeoDataFrame({"parcel_id": ["431281101001GB00001", "431281101001GB00001"]},
...                      geometry=[box(400000, 3000000, 400100, 3000100), bowtie], crs=4546)
>>> report = validate(g)
>>> sorted(set(report["problem"]))
['duplicate_id', 'invalid_geometry', 'outside_extent']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._parallel import threaded
from ._transformers import transformer
from .area import geodesic_area
from .crs import CGCS2000
from .encoding import better_decodings, looks_mojibake
from .errors import ValidationError
from .landuse import SYSTEMS, is_known
from .profile import current as current_profile
from .schema import CATEGORIES, STATUSES, split_categories
from .units import MU_M2
from .values import check_parcel_id, check_unit_id

__all__ = ["PROBLEMS", "REPORT_COLUMNS", "raise_on_errors", "repair_geometries", "summarise", "validate"]

REPORT_COLUMNS = ["row", "parcel_id", "field", "value", "problem", "severity", "detail", "suggestion"]

#: Problem code → Chinese description (used for report headers and Excel output).
PROBLEMS: dict[str, str] = {
    "null_geometry": "几何为空值",
    "empty_geometry": "几何为空",
    "not_polygon": "几何不是面",
    "point_geometry": "仅有点位",
    "ledger_points": "台账仅有点坐标",
    "invalid_geometry": "几何无效(自相交等)",
    "repaired_geometry": "几何已修复",
    "duplicate_id": "宗地代码重复",
    "missing_id": "缺少宗地代码",
    "malformed_parcel_id": "宗地代码格式错误",
    "malformed_unit_id": "不动产单元号格式错误",
    "outside_extent": "超出行政区范围",
    "wrong_county": "整层不在本县范围(县域配置选错?)",
    "area_mismatch": "登记面积与图形面积不符",
    "unknown_landuse_code": "地类编码不在分类体系中",
    "missing_landuse_system": "地类编码未注明分类体系",
    "unknown_landuse_system": "未知的分类体系",
    "unknown_category": "未知类别",
    "unknown_status": "未知状态",
    "unparseable_date": "日期无法识别",
    "unparseable_number": "数值无法识别",
    "mojibake": "疑似乱码",
    "encoding_detected": "已识别编码",
    "crs_inferred": "已推断坐标系",
    "area_unit_inferred": "已推断面积单位",
    "area_unit_assumed": "面积单位按平方米处理",
    "bare_feature_array": "GeoJSON为要素数组",
    "xy_swapped": "X/Y坐标列已对调",
    "duplicate_header": "表头重复匹配",
    "bad_wkt": "WKT无法解析",
    "no_boundary_points": "界址点不足",
    "no_geometry_match": "未匹配到图形",
    "unknown_unit": "面积单位无法识别",
    "imprecise_date": "日期不精确(仅到年或月)",
    "ambiguous_date": "日期有歧义",
    "ambiguous_number": "数值有歧义(小数逗号或千分位错误)",
    "number_range": "数值为区间",
    "unit_mismatch": "单位与该列不符",
    "source_area_kept": "源数据面积已保留为登记面积",
    "bad_coordinates": "坐标为空或无法识别",
    "title_rows_skipped": "已跳过表头上方的标题行",
    "gcj02_converted": "已由火星坐标转换",
    "truncated_file": "文件被截断",
    "improbable_text": "文字不像正常中文(疑似编码错误)",
    "mixed_encoding": "同一文件混用编码",
    "duplicate_in_layer": "同一图层内宗地代码重复",
    "read_problems_lost": "读取时发现的问题已丢失(合并表格所致)",
    "lonlat_wgs84": "经纬度标为WGS84(网络来源常为火星坐标)",
}


_GEOM_TYPES = {
    "Point": "点",
    "MultiPoint": "多点",
    "LineString": "线",
    "MultiLineString": "多线",
    "LinearRing": "环线",
    "GeometryCollection": "几何集合",
}
#: GEOS validity reasons → Chinese (the location in brackets is kept)
_INVALID_REASONS = {
    "Ring Self-intersection": "边界环自相交",
    "Self-intersection": "边界自相交（如“8”字形）",
    "Too few points in geometry component": "边界点数太少，构不成面",
    "Hole lies outside shell": "内环（洞）在外边界之外",
    "Nested shells": "外边界相互嵌套",
    "Nested holes": "内环（洞）相互嵌套",
    "Interior is disconnected": "面的内部被分割成不相连的几块",
    "Invalid Coordinate": "坐标无效（空值或无穷大）",
    "Ring is not closed": "边界环没有闭合",
    "Duplicate Rings": "边界环重复",
}


def _invalid_reason(geom: shapely.Geometry) -> str:
    """Why ``geom`` is invalid, in Chinese, with GEOS's location (``边界自相交（如“8”字形），位置 [5 5]``)."""
    reason = str(shapely.is_valid_reason(geom))
    name, _, where = reason.partition("[")
    text = _INVALID_REASONS.get(name.strip(), f"图形无效（{name.strip()}）")
    return f"{text}，位置 [{where}" if where else text


def _masked(geoms: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``geoms`` with None where ``mask`` is False (shapely predicates then give False)."""
    out = np.empty(len(geoms), dtype=object)
    out[mask] = geoms[mask]
    return out


def _rows(gdf: pd.DataFrame, mask: np.ndarray | pd.Series, **fields: Any) -> list[dict[str, Any]]:
    idx = gdf.index[np.asarray(mask, dtype=bool)]
    pid = gdf["parcel_id"] if "parcel_id" in gdf else pd.Series(None, index=gdf.index, dtype=object)
    out = []
    for i in idx:
        rec = {"row": i, "parcel_id": pid.get(i)}
        for k, v in fields.items():
            rec[k] = v(i) if callable(v) else v
        out.append(rec)
    return out


def validate(
    parcels: gpd.GeoDataFrame,
    /,
    *,
    region: Sequence[float] | None = None,
    area_tolerance: float = 0.05,
    problems: pd.DataFrame | Sequence[dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """Check a canonical parcel table and return the problem report.

    Parameters
    ----------
    parcels : GeoDataFrame
        From :func:`landkit.read_parcels` (or any table in the canonical vocabulary).
    region : (min lon, min lat, max lon, max lat), optional
        Expected extent; parcels whose centre lies more than ~5 km outside are reported. Default:
        the region the table was read with, else the current county profile
        (:func:`landkit.profile.current`): its boundary with its ``tolerance_m``. A layer wholly
        outside the profile's county is one ``wrong_county`` line, not one line per parcel.
    area_tolerance : float
        Relative difference between the declared area and the geodesic geometry area
        above which a mismatch is reported (default 5 %).
    problems : DataFrame or list of dict, optional
        Problems met while reading (:func:`landkit.read_problems`), for a table that lost
        them in ``pd.concat``/``merge``. Default: those the table carries.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REPORT_COLUMNS`, errors first; ``detail`` (what was found) and
        ``suggestion`` (what to do) are Chinese, ``problem`` and ``field`` English codes.

    Raises
    ------
    ValidationError
        If the table's index labels repeat (a problem could not say which row it is about).
    """
    if not parcels.index.is_unique:
        raise ValidationError(
            "the table's row labels repeat (pd.concat without ignore_index=True?), so problems cannot "
            "name their row; use pd.concat(..., ignore_index=True) or .reset_index(drop=True) first"
        )
    meta = parcels.attrs.get("landkit", {})
    region = region or meta.get("region")  # None: the current county profile (landkit.profile)
    recs = _read_problem_rows(parcels, problems)
    geoms = np.asarray(parcels.geometry.values)
    null = pd.isna(geoms)
    recs += _rows(
        parcels,
        null,
        field="geometry",
        problem="null_geometry",
        severity="error",
        detail="该宗地没有图形（几何为空值）",
        suggestion="补充宗地界址范围（界址点或图斑）",
    )
    present = ~null
    empty = present & shapely.is_empty(_masked(geoms, present))
    recs += _rows(
        parcels,
        empty,
        field="geometry",
        problem="empty_geometry",
        severity="error",
        detail="该宗地的图形为空（没有任何坐标）",
        suggestion="补充宗地界址范围（界址点或图斑）",
    )
    types = shapely.get_type_id(geoms)
    usable = present & ~empty
    points = usable & np.isin(types, [0, 4])
    recs += _rows(
        parcels,
        points,
        field="geometry",
        problem="point_geometry",
        severity="warning",
        detail="只有一个点位，没有界址范围；面积只能用登记面积",
        suggestion="补充界址点，或按宗地代码关联图斑（geometry_from=）",
    )
    nonpoly = usable & ~np.isin(types, [0, 4, 3, 6])
    recs += _rows(
        parcels,
        nonpoly,
        field="geometry",
        problem="not_polygon",
        severity="error",
        detail=lambda i: (
            f"图形是{_GEOM_TYPES.get(parcels.geometry[i].geom_type, parcels.geometry[i].geom_type)}，不是面"
        ),
        suggestion="宗地图形须为面（Polygon/MultiPolygon）；请核对图层",
    )
    polys = usable & np.isin(types, [3, 6])
    invalid = polys & ~threaded(shapely.is_valid, _masked(geoms, polys))
    recs += _rows(
        parcels,
        invalid,
        field="geometry",
        problem="invalid_geometry",
        severity="error",
        detail=lambda i: _invalid_reason(parcels.geometry[i]),
        suggestion="用 landkit.repair_geometries 修复（会报告修复前后面积），或在GIS软件中修正边界",
    )
    recs += _id_checks(parcels)
    recs += _extent_check(parcels, polys | points, region)
    recs += _area_check(parcels, polys & ~invalid, area_tolerance)
    recs += _landuse_check(parcels)
    recs += _vocabulary_check(parcels)
    recs += _mojibake_check(parcels)
    report = pd.DataFrame(recs, columns=REPORT_COLUMNS)
    order = report["severity"].map({"error": 0, "warning": 1, "info": 2}).fillna(3)
    return report.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)


def _read_problem_rows(
    parcels: pd.DataFrame, problems: pd.DataFrame | Sequence[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The read problems (given, or carried by the table) of the rows present, with their 宗地代码."""
    if problems is None:
        carried = parcels.attrs.get("landkit", {}).get("problems")
        if carried is None and {"area_m2", "area_mu"} <= set(parcels.columns):
            return [_LOST]  # read by landkit, then passed through concat/merge
        records = list(carried or [])
    else:
        records = problems.to_dict("records") if isinstance(problems, pd.DataFrame) else list(problems)
    pid = (
        parcels["parcel_id"] if "parcel_id" in parcels else pd.Series(None, index=parcels.index, dtype=object)
    )
    present = set(parcels.index)
    out = []
    for p in records:
        row = p.get("row")
        row = None if row is None or (isinstance(row, float) and np.isnan(row)) else row
        if row is not None and row not in present:
            continue  # a row sliced away: its problem left with it
        out.append({**p, "row": row, "parcel_id": pid.get(row) if row is not None else None})
    return out


_LOST = {
    "row": None,
    "parcel_id": None,
    "field": "",
    "value": None,
    "problem": "read_problems_lost",
    "severity": "info",
    "detail": "表格没有携带读取时发现的问题：若由 read_parcels 读取后经 pd.concat 或 merge 合并"
    "（二者会丢掉这些问题），读取时的问题（无法识别的单元格、不精确日期等）不会出现在本报告中",
    "suggestion": "每张表读取后分别校验，或为每张表传入 problems=landkit.read_problems(表)",
}


def _text(col: pd.Series) -> pd.Series:
    """A column as stripped text (missing stays missing), without copying text columns needlessly."""
    return (
        col if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object else col.astype("str")
    ).str.strip()


def _id_checks(g: pd.DataFrame) -> list[dict[str, Any]]:
    if "parcel_id" not in g:
        return [
            {
                "row": None,
                "parcel_id": None,
                "field": "parcel_id",
                "problem": "missing_id",
                "severity": "warning",
                "detail": "表中没有宗地代码列",
                "suggestion": "用 field_map= 指明哪一列是宗地代码",
            }
        ]
    recs: list[dict[str, Any]] = []
    ids = _text(g["parcel_id"])
    missing = ids.isna() | (ids == "")
    recs += _rows(
        g,
        missing,
        field="parcel_id",
        problem="missing_id",
        severity="warning",
        detail="该宗地没有填宗地代码",
        suggestion="补填宗地代码；关联图层和历史台账都要用它",
    )
    dup = ids.duplicated(keep=False) & ~missing
    recs += _rows(
        g,
        dup,
        field="parcel_id",
        problem="duplicate_id",
        severity="error",
        detail=lambda i: f"宗地代码 {g['parcel_id'][i]} 出现了不止一次",
        suggestion="每宗地只保留一行，或用 combine_parcels 合并",
    )
    ok = ids.str.fullmatch(r"\d{12}[GJZ][ABSXCDEFHGWY]\d{5}").fillna(False).astype(bool)
    bad = ~ok & ~missing
    recs += _rows(
        g,
        bad,
        field="parcel_id",
        problem="malformed_parcel_id",
        severity="warning",
        detail=lambda i: str(check_parcel_id(g["parcel_id"][i])),
        suggestion="宗地代码: 6位县代码+3位地籍区+3位地籍子区+2位特征码+5位顺序号",
    )
    if "unit_id" in g:
        uid = _text(g["unit_id"])
        has = uid.notna() & (uid != "")
        good = uid.str.fullmatch(r"\d{12}[GJZ][ABSXCDEFHGWY]\d{5}[FLQW]\d{8}").fillna(False).astype(bool)
        recs += _rows(
            g,
            has & ~good,
            field="unit_id",
            problem="malformed_unit_id",
            severity="warning",
            detail=lambda i: str(check_unit_id(g["unit_id"][i])),
            suggestion="不动产单元号: 宗地代码+F/L/Q/W+8位数字",
        )
    return recs


def _extent_check(
    g: gpd.GeoDataFrame, mask: np.ndarray, region: Sequence[float] | None
) -> list[dict[str, Any]]:
    if g.crs is None or not mask.any():
        return []
    b = shapely.bounds(np.asarray(g.geometry.values)[mask])
    x, y = transformer(pyproj.CRS.from_user_input(g.crs), CGCS2000)(
        (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    )
    if region is None:  # the county profile: its boundary (or extent) with its tolerance
        profile = current_profile()
        out = ~np.asarray(profile.contains_lonlat(x, y), dtype=bool)
        if out.all():
            detail = profile.elsewhere(float(np.median(x)), float(np.median(y)), n=len(x))
            hint = "选择该图层所在县的配置（landkit.toml、LANDKIT_PROFILE 或 use_profile），或核对坐标系"
            rec = {"row": None, "parcel_id": None, "field": "geometry", "problem": "wrong_county"}
            return [rec | {"severity": "warning", "detail": detail, "suggestion": hint}]
        where = profile.name
    else:
        m = 0.05
        out = (x < region[0] - m) | (x > region[2] + m) | (y < region[1] - m) | (y > region[3] + m)
        where = f"所给范围 {tuple(region)} "
    full = np.zeros(len(g), dtype=bool)
    full[np.flatnonzero(mask)[out]] = True
    shown = np.flatnonzero(out)  # only the rows reported need their coordinates
    lonlat = dict(
        zip(g.index[np.flatnonzero(mask)[shown]], zip(x[shown], y[shown], strict=True), strict=True)
    )
    return _rows(
        g,
        full,
        field="geometry",
        problem="outside_extent",
        severity="warning",
        detail=lambda i: f"位于东经{lonlat[i][0]:.4f}°、北纬{lonlat[i][1]:.4f}°，在{where}范围之外",
        suggestion="核对坐标系（投影带号、X/Y 是否颠倒）或所给范围",
    )


def _area_check(g: gpd.GeoDataFrame, polys: np.ndarray, tol: float) -> list[dict[str, Any]]:
    """Compare every stated area (the declared one, a source area_m2 kept beside it) with the geometry."""
    stated = [c for c in ("declared_area_m2", "source_area_m2") if c in g]
    if not stated or g.crs is None:
        return []
    area = g["area_m2"] if "area_m2" in g else geodesic_area(g)
    recs: list[dict[str, Any]] = []
    for col in stated:
        declared = pd.to_numeric(g[col], errors="coerce")
        rel = (declared - area).abs() / area.where(area > 0)
        bad = polys & (rel > tol).fillna(False).to_numpy()
        recs += _rows(
            g,
            bad,
            field=col,
            problem="area_mismatch",
            severity="warning",
            detail=lambda i, d=declared: (
                f"登记面积 {d[i] / MU_M2:.2f} 亩，图形面积 {area[i] / MU_M2:.2f} 亩"
                f"（相差 {(d[i] - area[i]) / area[i]:+.1%}）"
            ),
            suggestion="核对登记面积的单位（平方米/亩/公顷）或宗地边界",
        )
    return recs


def _landuse_check(g: pd.DataFrame) -> list[dict[str, Any]]:
    if "landuse_code" not in g:
        return []
    codes = g["landuse_code"]
    has = codes.notna() & (_text(codes) != "")
    if "landuse_system" not in g:
        return _rows(
            g,
            has,
            field="landuse_system",
            problem="missing_landuse_system",
            severity="warning",
            detail="有地类编码，但没有注明所用的分类体系",
            suggestion="读取时传入 landuse_system=（'guide2023'、'gbt21010_2017'、'sandiao' 或 'gb50137'）",
        )
    systems = g["landuse_system"]
    recs = _rows(
        g,
        has & systems.isna(),
        field="landuse_system",
        problem="missing_landuse_system",
        severity="warning",
        detail="有地类编码，但该行没有注明分类体系",
        suggestion="补填分类体系列，或读取时传入 landuse_system=",
    )
    unknown_sys = has & systems.notna() & ~systems.isin(list(SYSTEMS))
    recs += _rows(
        g,
        unknown_sys,
        field="landuse_system",
        problem="unknown_landuse_system",
        severity="warning",
        detail=lambda i: f"分类体系“{systems[i]}”不认识",
        suggestion=f"分类体系请用其中之一：{'、'.join(SYSTEMS)}",
    )
    check = has & systems.isin(list(SYSTEMS))
    keys = codes[check].astype(str) + "\t" + systems[check].astype(str)
    unknown = {k for k in pd.unique(keys) if not is_known(k.split("\t")[0], system=k.split("\t")[1])}
    flags = np.zeros(len(g), dtype=bool)
    flags[np.flatnonzero(check.to_numpy())] = keys.isin(list(unknown)).to_numpy()
    bad = pd.Series(flags, index=g.index)
    recs += _rows(
        g,
        bad,
        field="landuse_code",
        problem="unknown_landuse_code",
        severity="warning",
        detail=lambda i: f"地类编码 {codes[i]} 不在分类体系 {systems[i]} 中",
        suggestion="核对编码或所注分类体系（例如1001在三调中是铁路用地，在2023年指南中是工业用地）",
    )
    return recs


def _vocabulary_check(g: pd.DataFrame) -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = []
    if "categories" in g:
        cats = g["categories"].astype(object)
        table = {v: [t for t in split_categories(v) if t not in CATEGORIES] for v in pd.unique(cats.dropna())}
        bad_cat = cats.map(table).map(lambda v: v if isinstance(v, list) else [])
        recs += _rows(
            g,
            bad_cat.map(bool),
            field="categories",
            problem="unknown_category",
            severity="warning",
            detail=lambda i: f"类别“{'、'.join(bad_cat[i])}”不认识",
            suggestion="类别请用 闲置/低效/烂尾/抵押/储备（或对应英文代码）",
        )
    if "status" in g:
        st = g["status"]
        bad = st.notna() & ~st.isin(list(STATUSES))
        recs += _rows(
            g,
            bad,
            field="status",
            problem="unknown_status",
            severity="warning",
            detail=lambda i: f"状态“{st[i]}”不在状态词表中",
            suggestion=f"状态请用：{'、'.join(STATUSES.values())}",
        )
    return recs


_SUSPECT = re.compile("锟斤拷|烫烫烫|\ufffd|[\u00a1-\u00ff]{3,}")


def _suspect_values(values: list[Any]) -> set[str]:
    """The strings among ``values`` that contain a mojibake marker (RE2 in pyarrow when it can)."""
    texts = [v for v in values if isinstance(v, str)]
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(texts, type=pa.string())
        hit = pc.match_substring_regex(arr, "锟斤拷|烫烫烫|\\x{fffd}|[\\x{a1}-\\x{ff}]{3,}")
        return set(pc.filter(arr, hit).to_pylist())
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return {t for t in texts if not t.isascii() and _SUSPECT.search(t)}


def _improbable_text(g: pd.DataFrame, c: str, values: pd.Series, uniq: list[Any]) -> list[dict[str, Any]]:
    """Text valid in its encoding but improbable as Chinese, when another decoding reads well."""
    better = better_decodings(uniq)
    if not better:
        return []
    return _rows(
        g,
        values.isin(list(better)),
        field=c,
        value=lambda i: str(g[c][i]),
        problem="improbable_text",
        severity="warning",
        detail=lambda i: f"{c}列“{str(g[c][i])[:30]}”大多是生僻字，换一种编码读作“{better[g[c][i]]}”",
        suggestion="换一种编码重新读取（encoding='utf-8' 或 'gbk'），或修正 .cpg 文件",
    )


def _mojibake_check(g: pd.DataFrame) -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = []
    for c in g.columns:
        if c == g.geometry.name or not (pd.api.types.is_string_dtype(g[c]) or g[c].dtype == object):
            continue
        values = g[c].astype(object)
        uniq: list[Any]
        try:
            uniq = list(pd.unique(values.dropna()))
        except TypeError:  # object columns may hold lists (e.g. GeoJSON "center"): look at the strings only
            uniq = list({v for v in values if isinstance(v, str)})
        recs += _improbable_text(g, c, values, uniq)
        suspects = _suspect_values(uniq)
        if suspects:
            hit = values.isin(list(suspects))
            hit = hit & g[c].map(looks_mojibake)
            recs += _rows(
                g,
                hit,
                field=c,
                problem="mojibake",
                severity="warning",
                detail=lambda i, c=c: f"{c}列“{str(g[c][i])[:30]}”像是乱码（编码读错）",
                suggestion="用 encoding='gbk' 重新读取，或修正源数据中的文字",
            )
    return recs


def raise_on_errors(report: pd.DataFrame, /, *, what: str) -> None:
    """Raise :class:`ValidationError` (carrying ``report``) when the report holds any error.

    Examples
    --------
    >>> ok = pd.DataFrame({"severity": ["warning"], "problem": ["area_mismatch"]})
    >>> raise_on_errors(ok, what="register") is None
    True
    """
    errors = report[report["severity"] == "error"]
    if len(errors):
        first = errors.iloc[0]
        where = (
            f"parcel {first['parcel_id']}" if pd.notna(first.get("parcel_id")) else f"row {first.get('row')}"
        )
        raise ValidationError(
            f"{what}: {len(errors)} validation error(s) (first: {where}, {first['problem']}: "
            f"{first['detail']}); see landkit.validate(...) for all",
            report=report,
        )


def repair_geometries(parcels: gpd.GeoDataFrame, /) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Repair only the invalid polygons (``make_valid``, polygonal parts kept) and report changes.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        The repaired copy (same index) and a report with one ``repaired_geometry`` row per
        repaired parcel giving the geodesic area before and after.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Polygon
    >>> bowtie = Polygon([(400000, 3000000), (400010, 3000010), (400010, 3000000), (400000, 3000010)])
    >>> fixed, rep = repair_geometries(gpd.GeoDataFrame(geometry=[bowtie], crs=4546))
    >>> bool(fixed.is_valid.all()), rep["problem"].tolist()
    (True, ['repaired_geometry'])
    """
    out = parcels.copy()
    geoms = np.asarray(out.geometry.values)
    present = ~pd.isna(geoms)
    bad = present & ~threaded(shapely.is_valid, _masked(geoms, present))
    if not bad.any():
        return out, pd.DataFrame(columns=REPORT_COLUMNS)
    before = geodesic_area(gpd.GeoSeries(geoms[bad], crs=out.crs))
    fixed = shapely.make_valid(geoms[bad])
    fixed = np.array([_polygonal(f) for f in fixed], dtype=object)
    after = geodesic_area(gpd.GeoSeries(fixed, crs=out.crs))
    geoms = geoms.copy()
    geoms[bad] = fixed
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=out.crs)
    if "area_m2" in out:
        from .area import add_area_columns

        out = add_area_columns(out)
    b, a = before.to_numpy(), after.to_numpy()
    rows = _rows(out, bad, field="geometry", problem="repaired_geometry", severity="info")
    for k, rec in enumerate(rows):
        rec["detail"] = f"图形已修复，面积 {b[k] / MU_M2:.4f} 亩 → {a[k] / MU_M2:.4f} 亩"
        rec["suggestion"] = "对照勘测定界成果核对修复后的边界"
    return out, pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def summarise(report: pd.DataFrame, /) -> pd.DataFrame:
    """Count problems by severity and code, with the Chinese description.

    Examples
    --------
    >>> summarise(pd.DataFrame({"severity": ["error"], "problem": ["duplicate_id"]}))["说明"].tolist()
    ['宗地代码重复']
    """
    if report.empty:
        return pd.DataFrame(columns=["severity", "problem", "count", "说明"])
    s = report.groupby(["severity", "problem"]).size().rename("count").reset_index()
    s["说明"] = s["problem"].map(PROBLEMS).fillna("")
    s["_o"] = s["severity"].map({"error": 0, "warning": 1, "info": 2})
    return s.sort_values(["_o", "count"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)

"""Map a raw layer onto the canonical parcel vocabulary: headers, then values, field by field.

Each step is one function: map the headers, keep any source area figure, parse every date,
number, tag and text column (reporting each cell that does not parse whole), normalise the
vocabularies (status, construction status, land-use system), add category tags, then add
the geodesic areas. Problems go to the list the reader keeps (see :mod:`landkit._problems`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ._dates import MONTH, YEAR, parse_dates_precision
from ._numbers import PROBLEM_TEXT, parse_quantities, unit_of
from ._problems import add_problem, problems_of, set_problems
from .area import geodesic_area
from .headers import HeaderMapping, map_headers
from .schema import CONSTRUCTION_STATUSES, FIELDS, STATUSES, join_categories, split_categories
from .units import HA_M2, MU_M2
from .values import precision_column

__all__ = ["canonicalise"]

AREA_FIELDS = (
    "declared_area_m2",
    "approved_area_m2",
    "built_area_m2",
    "floor_area_m2",
    "tall_storey_floor_area_m2",
    "farmland_m2",
    "cropland_m2",
    "unused_land_m2",
)
#: computed by landkit from the geometry; a source column of that name is the source's own figure
COMPUTED_AREAS = {"area_m2": 1.0, "area_mu": MU_M2, "area_ha": HA_M2}
_MONEY_FIELDS = tuple(n for n, f in FIELDS.items() if f.unit == "万元")
_STATUS_BY_LABEL = {v: k for k, v in STATUSES.items()} | {
    "已盘活利用": "revitalized",
    "在售": "for_sale",
    "招商": "for_sale",
    "处置完成": "disposed",
}
_CONSTRUCTION_BY_LABEL = {v: k for k, v in CONSTRUCTION_STATUSES.items()} | {
    "未开工": "not_started",
    "停工": "stalled",
    "停建": "stalled",
    "已开工未竣工": "under_construction",
    "已建成": "completed",
    "竣工": "completed",
}
_NUMBER_HINT = {
    "unparseable_number": "请填一个数字，如 1234.5；在补正前该值按缺失处理",
    "ambiguous_number": "小数点请用“.”（12.5），千分位逗号只能每三位一个（1,234）；在补正前该值按缺失处理",
    "number_range": "请填一个数（区间无法参与计算）；在补正前该值按缺失处理",
    "unit_mismatch": "请按该列的单位填写；在补正前该值按缺失处理",
}
_PRECISION_WORDS = {MONTH: "月份", YEAR: "年份"}


def canonicalise(
    raw: gpd.GeoDataFrame,
    /,
    *,
    category: str | Sequence[str] | None = None,
    field_map: Mapping[str, str] | None = None,
    area_unit: str | None = None,
    landuse_system: str | None = None,
) -> gpd.GeoDataFrame:
    """Map headers and parse values of a raw layer into the canonical vocabulary.

    Used by :func:`landkit.read_parcels`; public for data already in memory.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame({"约定动工日期": ["2023.10"], "面积": ["1.2万"]},
    ...                        geometry=[box(400000, 3000000, 400100, 3000120)], crs=4546)
    >>> out = canonicalise(raw)
    >>> str(out["agreed_start_date"].iloc[0].date()), out["agreed_start_date_precision"].iloc[0]
    ('2023-10-01', 'month')
    >>> float(out["declared_area_m2"].iloc[0])
    12000.0
    """
    problems = problems_of(raw)
    hm = _map_headers(raw, field_map=field_map, problems=problems)
    gdf = gpd.GeoDataFrame(
        raw.drop(columns=[raw.geometry.name]).rename(columns=hm.mapping),
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    gdf.index = raw.index
    geo_area = geodesic_area(gdf)
    for name in [c for c in gdf.columns if c in FIELDS and c != "geometry"]:
        src = next((s for s, d in hm.mapping.items() if d == name), name)
        _parse_field(gdf, name, src=src, hm=hm, area_unit=area_unit, geo_area=geo_area, problems=problems)
    _keep_source_areas(gdf, geo_area=geo_area, problems=problems)
    _normalise_vocabularies(gdf, landuse_system=landuse_system)
    _add_categories(gdf, category)
    gdf["area_m2"] = geo_area
    gdf["area_mu"] = geo_area / MU_M2
    gdf["area_ha"] = geo_area / HA_M2
    out = gpd.GeoDataFrame(gdf[_column_order(gdf)], geometry=gdf.geometry, crs=gdf.crs)
    out.attrs["landkit"] = raw.attrs.get("landkit", {})
    return set_problems(out, problems)


def _map_headers(
    raw: gpd.GeoDataFrame, *, field_map: Mapping[str, str] | None, problems: list[dict[str, Any]]
) -> HeaderMapping:
    hm = map_headers([c for c in raw.columns if c != raw.geometry.name], field_map=field_map)
    raw.attrs.setdefault("landkit", {})["header_map"] = dict(hm.mapping)
    for src, dst in hm.duplicates.items():
        add_problem(
            problems,
            None,
            src,
            "duplicate_header",
            "warning",
            f"“{src}”列也对应标准字段“{FIELDS[dst].label}”（{dst}），但该字段已由另一列填写；"
            f"本列按原名“{src}”保留",
            "用 field_map= 指定哪一列对应该字段",
        )
    return hm


def _parse_field(
    gdf: gpd.GeoDataFrame,
    name: str,
    *,
    src: str,
    hm: HeaderMapping,
    area_unit: str | None,
    geo_area: pd.Series,
    problems: list[dict[str, Any]],
) -> None:
    kind = FIELDS[name].kind
    col = gdf[name]
    if kind == "date":
        _parse_date_field(gdf, name, src=src, problems=problems)
    elif kind == "float":
        gdf[name] = _parse_number_field(
            col, name, src=src, header_unit=hm.units.get(src), area_unit=area_unit, geo_area=geo_area,
            problems=problems,
        )  # fmt: skip
    elif kind == "tags":
        gdf[name] = map_unique(col, lambda v: join_categories(split_categories(v)) or None)
    else:
        text = (col if col.dtype == "str" else col.astype("str")).str.strip()
        gdf[name] = text.where(text != "")


def _failed(raw: pd.Series, parsed: pd.Series) -> pd.Series:
    """Cells that hold something but gave no value."""
    failed = raw.notna() & parsed.isna()
    if failed.any():
        failed &= raw.astype(str).str.strip() != ""
    return failed


def _parse_date_field(gdf: gpd.GeoDataFrame, name: str, *, src: str, problems: list[dict[str, Any]]) -> None:
    raw = gdf[name]
    dates, precision, ambiguous = parse_dates_precision(raw)
    amb = ambiguous.to_numpy()
    for k in np.flatnonzero(_failed(raw, dates).to_numpy()):
        cell = raw.iloc[k]
        add_problem(
            problems, raw.index[k], name, "ambiguous_date" if amb[k] else "unparseable_date", "warning",
            f"{src}“{cell}”" + ("可能指不止一个日期，已留空" if amb[k] else "不是日期，已留空"),
            "日期请写成 2023-05-01 或 2023年5月1日" + ("（2023.1 也可能是 2023.10）" if amb[k] else ""),
            value=cell,
        )  # fmt: skip
    imprecise = precision.isin([MONTH, YEAR]).to_numpy()
    if imprecise.any():
        gdf[precision_column(name)] = precision.where(imprecise).astype("string")
        for k in np.flatnonzero(imprecise):
            cell, prec = raw.iloc[k], precision.iloc[k]
            add_problem(
                problems, raw.index[k], name, "imprecise_date", "warning",
                f"{src}“{cell}”只到{_PRECISION_WORDS[prec]}，已按不精确日期处理"
                f"（记为 {dates.iloc[k].date()}，精度记在 {precision_column(name)} 列）",
                "请补全到日；补全前，按该日期计算的期限（如动工、竣工期限）不作判断",
                value=cell,
            )  # fmt: skip
    gdf[name] = dates


def _column_unit(name: str, *, src: str, header_unit: str | None, area_unit: str | None) -> str | None:
    if header_unit is not None:
        return header_unit
    if name in AREA_FIELDS:
        return "m2" if src == name else area_unit
    return FIELDS[name].unit


def _parse_number_field(
    col: pd.Series,
    name: str,
    *,
    src: str,
    header_unit: str | None,
    area_unit: str | None,
    geo_area: pd.Series,
    problems: list[dict[str, Any]],
) -> pd.Series:
    unit = _column_unit(name, src=src, header_unit=header_unit, area_unit=area_unit)
    if name in AREA_FIELDS and unit is not None and unit_of(unit) is None:
        add_problem(
            problems,
            None,
            name,
            "unknown_unit",
            "warning",
            f"{src}：单位“{unit}”无法识别，已按平方米处理",
            "表头中请写明单位，如 面积(亩)、面积(平方米)、面积(公顷)",
        )
        unit = "m2"
    target = "m2" if name in AREA_FIELDS and unit is None else unit
    q = parse_quantities(col, unit=target)
    _report_numbers(col, q, name=name, src=src, unit=target, problems=problems)
    values = q["value"]
    if name in AREA_FIELDS:
        bare = ~q["explicit"]
        known = unit_of(unit)
        factor = (
            known[1]
            if known is not None
            else _infer_area_factor(
                values.where(bare), name=name, src=src, geo_area=geo_area, problems=problems
            )
        )
        return values.where(~bare, values * factor)
    if name in _MONEY_FIELDS and unit in ("元", "yuan"):
        return values / 1e4
    return values


def _report_numbers(
    raw: pd.Series, q: pd.DataFrame, *, name: str, src: str, unit: str | None, problems: list[dict[str, Any]]
) -> None:
    codes = q["problem"].to_numpy()
    for k in np.flatnonzero(q["problem"].notna().to_numpy()):
        code, cell = str(codes[k]), raw.iloc[k]
        where = f"（该列单位：{unit}）" if code == "unit_mismatch" and unit else ""
        add_problem(
            problems, raw.index[int(k)], name, code, "warning", f"{src}“{cell}”{PROBLEM_TEXT[code]}{where}",
            _NUMBER_HINT[code], value=cell,
        )  # fmt: skip


def _infer_area_factor(
    values: pd.Series, *, name: str, src: str, geo_area: pd.Series, problems: list[dict[str, Any]]
) -> float:
    """m² per unit of an area column whose header states no unit, from the geometry when it can."""
    if name in ("declared_area_m2", "approved_area_m2"):
        ok = values.notna() & (geo_area > 0) & (values > 0)
        if ok.sum() >= 1:
            ratio = float(np.median(values[ok] / geo_area[ok]))
            for factor, label in ((1.0, "平方米"), (MU_M2, "亩"), (HA_M2, "公顷")):
                if 0.7 < ratio * factor < 1.4:
                    if factor != 1.0:
                        add_problem(
                            problems, None, name, "area_unit_inferred", "info",
                            f"{src}：表头未写单位；数值与图形面积按{label}相符，已按{label}换算",
                            "在表头写明单位，如 面积(亩)，或读取时传入 area_unit=",
                        )  # fmt: skip
                    return factor
    if values.notna().any():
        why = "没有图形可供比对" if not (geo_area > 0).any() else "数值与图形面积按哪种单位都对不上"
        add_problem(
            problems, None, name, "area_unit_assumed", "warning",
            f"{src}：表头未写单位，且{why}；已【假定】为平方米——如果实际是亩或公顷，本列所有面积都是错的",
            "在表头写明单位，如 面积(亩)，或读取时传入 area_unit='亩'",
        )  # fmt: skip
    return 1.0


def _keep_source_areas(gdf: gpd.GeoDataFrame, *, geo_area: pd.Series, problems: list[dict[str, Any]]) -> None:
    """A source column named area_m2/area_mu/area_ha is the source's figure, not landkit's: keep it.

    It becomes the declared area (or ``source_area_m2`` when a declared area exists) so the area
    check compares it with the geometry; a column equal to the computed area (landkit's own
    output read back) is simply recomputed.
    """
    for col, factor in COMPUTED_AREAS.items():
        if col not in gdf:
            continue
        m2 = pd.to_numeric(gdf.pop(col), errors="coerce") * factor
        both = m2.notna() & geo_area.notna()
        if both.any() and np.allclose(m2[both], geo_area[both], rtol=1e-6, atol=1e-6):
            continue
        if not m2.notna().any():
            continue
        target = "declared_area_m2" if "declared_area_m2" not in gdf else "source_area_m2"
        if target in gdf:
            continue
        gdf[target] = m2
        add_problem(
            problems, None, target, "source_area_kept", "info",
            f"源数据的 {col} 列与按图形计算的面积不同；已保留为 {target} 列，并参与面积核对",
            "landkit 的 area_m2/area_mu/area_ha 总是按图形椭球面积重新计算；源数据面积另列保留",
        )  # fmt: skip


def _normalise_vocabularies(gdf: gpd.GeoDataFrame, *, landuse_system: str | None) -> None:
    if "status" in gdf:
        gdf["status"] = map_unique(
            gdf["status"], lambda v: _STATUS_BY_LABEL.get(v, v) if isinstance(v, str) else v
        )
    if "construction_status" in gdf:
        gdf["construction_status"] = map_unique(
            gdf["construction_status"],
            lambda v: _CONSTRUCTION_BY_LABEL.get(v, v) if isinstance(v, str) else v,
        )
    if "landuse_code" not in gdf:
        return
    gdf["landuse_code"] = map_unique(
        gdf["landuse_code"],
        lambda v: v[:-2] if isinstance(v, str) and v.endswith(".0") and v[:-2].isdigit() else v,
    )
    from .landuse import normalise_system

    if landuse_system is not None:
        system = normalise_system(landuse_system)
        gdf["landuse_system"] = gdf["landuse_system"].fillna(system) if "landuse_system" in gdf else system
    if "landuse_system" in gdf:
        gdf["landuse_system"] = map_unique(
            gdf["landuse_system"], lambda v: _safe_system(v, normalise_system) if isinstance(v, str) else v
        )


def _add_categories(gdf: gpd.GeoDataFrame, category: str | Sequence[str] | None) -> None:
    tags = split_categories(",".join([category] if isinstance(category, str) else list(category or [])))
    if tags:
        existing = (
            gdf["categories"] if "categories" in gdf else pd.Series(None, index=gdf.index, dtype=object)
        )
        gdf["categories"] = map_unique(
            existing, lambda v: join_categories(set(split_categories(v)) | set(tags))
        )


def _column_order(gdf: gpd.GeoDataFrame) -> list[str]:
    """Canonical fields in schema order, each date followed by its precision column, then the rest."""
    ordered: list[str] = []
    for c in FIELDS:
        if c in gdf.columns and c != "geometry":
            ordered.append(c)
            if precision_column(c) in gdf.columns:
                ordered.append(precision_column(c))
    return ordered + [c for c in gdf.columns if c not in ordered and c not in FIELDS]


def map_unique(col: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply ``fn`` once per distinct value (registers repeat the same few values many times)."""
    obj = col.astype(object)
    isna = obj.isna().to_numpy()
    table = {v: fn(v) for v in pd.unique(obj[~isna])}
    out = obj.map(table).astype(object)
    out[isna] = fn(None)
    return out


def _safe_system(value: str, fn: Callable[[str], Any]) -> str:
    try:
        return str(fn(value))
    except ValueError:
        return value

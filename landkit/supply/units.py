"""Read a standard-factory unit register (标准厂房 楼栋/楼层/单元) into canonical columns.

The register is read with the same machinery as parcels: headers are matched by
:func:`landkit.headers.map_headers` (Chinese names, pinyin initials, bracketed units), values are
parsed by :mod:`landkit.values`, and every value that does not parse is reported as a problem row
(``attrs["landkit"]["problems"]``, the channel :func:`landkit.validate` reads) and left missing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._problems import add_problem as _problem
from ..errors import DataFormatError
from ..headers import map_headers, normalise_header
from ..schema import FIELDS
from ..values import check_parcel_id, parse_dates, parse_numbers
from ._sale import sale_terms

__all__ = ["UNIT_COLUMNS", "read_units"]

#: Columns of :func:`read_units` → Chinese labels (the contract other modules rely on).
UNIT_COLUMNS: dict[str, str] = {
    name: FIELDS[name].label
    for name in (
        "unit_id",
        "park",
        "building",
        "floor",
        "unit_no",
        "floor_area_m2",
        "storey_height_m",
        "floor_load_kn_m2",
        "tenant",
        "lease_start",
        "lease_end",
        "rent_yuan_m2_month",
        "move_in_date",
        "vacant_since",
        "parcel_id",
        "sale_mode",
        "sale_price_yuan_m2",
        "sale_price_wan",
    )
}
_LEASE_RANGE = {"租期起止", "租期", "租赁期限", "租赁期"}
_RANGE_SPLIT = re.compile(r"\s*(?:至|到|～|~|—|－|\s-\s|--)\s*")
_AREA_FACTORS = {
    None: 1.0,
    "m2": 1.0,
    "㎡": 1.0,
    "m²": 1.0,
    "平方米": 1.0,
    "平米": 1.0,
    "万平方米": 1e4,
    "万㎡": 1e4,
}
_RENT_FACTORS = {
    None: 1.0,
    "元/m2·月": 1.0,
    "元/㎡·月": 1.0,
    "元/m²·月": 1.0,
    "元/平方米·月": 1.0,
    "元/m2/月": 1.0,
    "元/㎡/月": 1.0,
    "元/m2·年": 1 / 12,
    "元/㎡·年": 1 / 12,
    "元/m²·年": 1 / 12,
    "元/平方米·年": 1 / 12,
    "元/m2/年": 1 / 12,
    "元/㎡/年": 1 / 12,
}
_SALE_FACTORS = {
    None: 1.0,
    "元/m2": 1.0,
    "元/㎡": 1.0,
    "元/m²": 1.0,
    "元/平方米": 1.0,
    "元/平米": 1.0,
    "万元/m2": 1e4,
    "万元/㎡": 1e4,
    "万元/m²": 1e4,
    "万元/平方米": 1e4,
}
_TOTAL_FACTORS = {None: 1.0, "万元": 1.0, "元": 1e-4}
_UNIT_FACTORS = {
    "floor_area_m2": _AREA_FACTORS,
    "rent_yuan_m2_month": _RENT_FACTORS,
    "sale_price_yuan_m2": _SALE_FACTORS,
    "sale_price_wan": _TOTAL_FACTORS,
}


def _cell_unit(name: str, header_unit: str | None) -> str | None:
    """The unit a money cell is read in: the header's (``360万`` in a 元 column is 3,600,000 元, in a
    万元 column 360 万元; a cell saying 元 or 万元 is converted); None for other columns."""
    if name != "sale_price_wan":
        return None
    return "元" if header_unit == "元" else "万元"


_WHAT = {"date": "日期", "number": "数字"}
_WHAT_HINT = {"date": "日期请写成 2023-05-01 或 2023年5月1日", "number": "请填一个数字，如 1234.5"}


def _report_unparsed(
    problems: list[dict[str, Any]], raw: pd.Series, parsed: pd.Series, *, name: str, src: str, what: str
) -> None:
    """One ``unparseable_<what>`` warning per non-empty cell that did not parse (left missing)."""
    if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return
    failed = raw[raw.notna() & parsed.isna()]
    for idx, v in failed[failed.astype(str).str.strip() != ""].items():
        _problem(
            problems, idx, name, f"unparseable_{what}", "warning", f"{src}“{v}”不是{_WHAT[what]}，已留空",
            _WHAT_HINT[what], value=v,
        )  # fmt: skip


def _raw_table(p: Path, *, layer: str | int | None) -> tuple[pd.DataFrame, Any, Any]:
    """(attribute table, geometry or None, crs) from Excel/CSV or a vector file with footprints."""
    from .._tabular import _read_sheets

    if p.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".csv", ".txt"):
        table, _ = _read_sheets(p, layer=layer, encoding=None, header_row=None, meta={"problems": []})
        table = table.dropna(how="all")
        table.columns = [str(c) for c in table.columns]
        return table.reset_index(drop=True), None, None
    from ..io import read_layer

    gdf = read_layer(p, layer=layer)
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), gdf.geometry.to_numpy(), gdf.crs


def _split_lease(table: pd.DataFrame, problems: list[dict[str, Any]]) -> pd.DataFrame:
    """Split one ``租期起止`` column (``2023-01-01至2025-12-31``) into start and end columns."""
    col = next((c for c in table.columns if normalise_header(c)[0] in _LEASE_RANGE), None)
    if col is None:
        return table
    parts = (
        table[col]
        .astype(object)
        .map(
            lambda v: (
                _RANGE_SPLIT.split(str(v).strip(), maxsplit=1) if isinstance(v, str) and v.strip() else None
            )
        )
    )
    bad = parts.map(lambda v: v is not None and len(v) != 2)
    for idx in table.index[bad]:
        _problem(
            problems,
            idx,
            "lease_start",
            "unparseable_date",
            "warning",
            f"{col}“{table.at[idx, col]!s}”不是起止日期，租期已留空",
            "请写成 2023-01-01至2025-12-31",
        )
    ok = parts.where(~bad)
    out = table.drop(columns=[col])
    out["租期起"] = ok.map(lambda v: v[0] if isinstance(v, list) else None)
    out["租期止"] = ok.map(lambda v: v[1] if isinstance(v, list) else None)
    return out


def _parse(frame: pd.DataFrame, hm: Any, problems: list[dict[str, Any]]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for src, name in hm.mapping.items():
        col, kind = frame[src], FIELDS[name].kind
        if kind == "date":
            out[name] = parse_dates(col)
            _report_unparsed(problems, col, out[name], name=name, src=src, what="date")
        elif kind == "float":
            parsed = parse_numbers(col, unit=_cell_unit(name, hm.units.get(src)))
            _report_unparsed(problems, col, parsed, name=name, src=src, what="number")
            factors = _UNIT_FACTORS.get(name)
            unit = hm.units.get(src)
            if factors is not None and unit not in factors:
                _problem(
                    problems,
                    None,
                    name,
                    "unknown_unit",
                    "error",
                    f"{src}：单位“{unit}”无法识别，本列已留空",
                    f"表头单位请用其中之一：{'、'.join(str(k) for k in factors if k)}",
                )
                parsed = pd.Series(np.nan, index=frame.index)
            elif factors is not None:
                parsed = parsed * factors[unit]
            out[name] = parsed
        else:
            text = col.astype(object).map(
                lambda v: None if v is None or pd.isna(v) else str(v).strip() or None
            )
            out[name] = text.map(lambda v: v[:-2] if isinstance(v, str) and re.fullmatch(r"\d+\.0", v) else v)
    return out


def _check_units(units: pd.DataFrame, problems: list[dict[str, Any]]) -> None:
    if "parcel_id" in units:
        for idx, code in units["parcel_id"].dropna().items():
            if (why := check_parcel_id(code)) is not None:
                _problem(problems, idx, "parcel_id", "bad_parcel_id", "warning", why, "请核对宗地代码")
    dup = units["unit_id"].duplicated(keep=False) & units["unit_id"].notna()
    for idx in units.index[dup]:
        _problem(
            problems,
            idx,
            "unit_id",
            "duplicate_id",
            "error",
            f"单元号 {units.at[idx, 'unit_id']} 出现了不止一次",  # type: ignore
            "每个单元使用自己的单元号",
        )
    both = units["tenant"].notna() & units["vacant_since"].notna()
    for idx in units.index[both]:
        _problem(
            problems,
            idx,
            "vacant_since",
            "tenant_and_vacant",
            "warning",
            f"单元 {units.at[idx, 'unit_id']} 既有承租企业又有空置起始日期；按有承租企业处理",  # type: ignore
            "两格只保留一格：已出租就清空空置起始日期，已空置就清空承租企业",
        )
    prices = ("sale_price_yuan_m2", "sale_price_wan")
    for name in ("floor_area_m2", "rent_yuan_m2_month", "storey_height_m", "floor_load_kn_m2", *prices):
        for idx in units.index[units[name] < 0]:
            _problem(
                problems, idx, name, "negative_value", "error", f"{FIELDS[name].label}为负数，已留空",
                "请核对该单元格",
            )  # fmt: skip
            units.at[idx, name] = np.nan


def read_units(
    path: str | os.PathLike[str], /, *, layer: str | int | None = None, park: str | None = None
) -> gpd.GeoDataFrame:
    """Read a building/floor/unit register (Excel, CSV or a GeoPackage of building footprints).

    Parameters
    ----------
    path : str or PathLike
        The register. Excel/CSV need no geometry; a vector file's footprints are kept.
    layer : str or int, optional
        Sheet (Excel) or layer (GeoPackage).
    park : str, optional
        Park name for registers without a 园区 column.

    Returns
    -------
    GeoDataFrame
        One row per unit with :data:`UNIT_COLUMNS` (missing ones as empty columns) and any other
        source columns; ``unit_id`` is the 不动产单元号 when the register has one, else
        ``园区-楼栋-单元号``. Problems met are in ``attrs["landkit"]["problems"]``.

    Raises
    ------
    DataFormatError
        When the register has no 楼栋 or 单元号 column, or no 建筑面积.

    Examples
    --------
    >>> u = read_units("sample_data/supply/units.xlsx")
    >>> len(u), u["building"].nunique()
    (196, 8)
    """
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"no such file: {p}")
    table, geoms, crs = _raw_table(p, layer=layer)
    problems: list[dict[str, Any]] = []
    table = _split_lease(table, problems)
    hm = map_headers(list(table.columns))
    units = _parse(table, hm, problems)
    missing = [FIELDS[n].label for n in ("building", "unit_no", "floor_area_m2") if n not in units]
    if missing:
        raise DataFormatError(f"{p.name}: the unit register needs column(s) {'、'.join(missing)}")
    if park is not None:
        units["park"] = units["park"].fillna(park) if "park" in units else park
    for name in UNIT_COLUMNS:
        if name not in units:
            kind = FIELDS[name].kind
            units[name] = pd.Series(
                np.nan if kind == "float" else (pd.NaT if kind == "date" else None),
                index=units.index,
                dtype="datetime64[ns]" if kind == "date" else (float if kind == "float" else object),
            )
    made = (
        units["park"].fillna("").astype(str)
        + "-"
        + units["building"].astype(str)
        + "-"
        + units["unit_no"].astype(str)
    )
    units["unit_id"] = units["unit_id"].where(units["unit_id"].notna(), made)
    _check_units(units, problems)
    sale_terms(units, problems)
    extra = [c for c in table.columns if c not in hm.mapping]
    frame = pd.concat(
        [units[list(UNIT_COLUMNS) + [c for c in units if c not in UNIT_COLUMNS]], table[extra]], axis=1
    )
    out = gpd.GeoDataFrame(frame, geometry=geoms if geoms is not None else [None] * len(frame), crs=crs)
    out.attrs["landkit"] = {"source": str(p), "problems": problems, "header_map": dict(hm.mapping)}
    return out

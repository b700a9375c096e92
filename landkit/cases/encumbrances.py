"""Read an encumbrance export (不动产登记: 抵押、查封、租赁) into one canonical table.

Mortgages (抵押), court seizures (查封, 轮候查封) and leases (租赁) come from Excel, CSV or
GeoPackage exports with Chinese or pinyin-initial headers. Headers are matched with the same
machinery as parcels (:func:`landkit.headers.map_headers` against
:data:`landkit.schema.ENCUMBRANCE_FIELDS`), values parsed by :mod:`landkit.values`. Nothing is
guessed: a value that cannot be read is reported in ``attrs["landkit"]["problems"]`` (see
:func:`encumbrance_report`) and left missing.

A date given only to the month or year (``2023年5月``, ``2023``) is kept as the first day of that
month or year with a companion ``<field>_precision`` column (``"month"``/``"year"``); the facts
treat it as unknown wherever the answer depends on the day.

Examples
--------
>>> enc = read_encumbrances("sample_data/cases/encumbrances.xlsx")
>>> sorted(enc["kind"].unique())
['lease', 'mortgage', 'seizure']
>>> bool(enc["mortgage_amount"].notna().any())
True
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataFormatError
from ..headers import map_headers, normalise_header
from ..schema import ENCUMBRANCE_FIELDS, ENCUMBRANCE_KINDS
from ..units import HA_M2, MU_M2, UNIT_ALIASES
from ..values import check_parcel_id, check_unit_id, parse_dates, parse_numbers

__all__ = ["ENCUMBRANCE_PROBLEMS", "encumbrance_report", "match_encumbrances", "read_encumbrances"]

#: Problem codes of the encumbrance reader → Chinese description.
ENCUMBRANCE_PROBLEMS: dict[str, str] = {
    "missing_key": "缺少宗地代码和不动产单元号",
    "malformed_parcel_id": "宗地代码格式错误",
    "malformed_unit_id": "不动产单元号格式错误",
    "key_mismatch": "不动产单元号与宗地代码不一致",
    "unknown_kind": "无法判断权利类型",
    "unparseable_date": "日期无法识别",
    "unparseable_number": "数值无法识别",
    "unparseable_flag": "是/否无法识别",
    "unparseable_term": "期限无法识别",
    "negative_value": "数值为负",
    "dates_out_of_order": "日期先后矛盾",
    "imprecise_date": "日期只精确到月或年",
    "missing_mortgagee": "抵押缺少抵押权人",
    "missing_registered_date": "抵押缺少登记日期",
    "missing_seized_date": "查封缺少查封日期",
    "unmatched_parcel": "未匹配到宗地",
    "duplicate_header": "表头重复匹配",
    "title_rows": "表头上方有标题行",
    "unknown_unit": "单位无法识别",
}

_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("轮候", "seizure"),
    ("查封", "seizure"),
    ("冻结", "seizure"),
    ("抵押", "mortgage"),
)
_KIND_WORDS += (("租", "lease"), ("mortgage", "mortgage"), ("seizure", "seizure"), ("lease", "lease"))
_YES = {"是", "有", "已缴清", "缴清", "已同意", "同意", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "未缴清", "未缴", "不同意", "未同意", "n", "no", "false", "0", "×"}
_MONTH = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
_RANGE = re.compile(r"^\s*(.+?)\s*(?:至|到|—|--|~|～)\s*(.+?)\s*$")
_TERM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(年|个月|月|日|天)\s*$")


def _pairs(values: pd.Series) -> list[tuple[Any, Any]]:
    """(index label, value) pairs typed for arithmetic and indexing."""
    return list(zip(values.index.tolist(), values.tolist(), strict=True))


def _label(field: str) -> str:
    """The Chinese label of an encumbrance field (the name itself when it has none)."""
    f = ENCUMBRANCE_FIELDS.get(field)
    return f.label if f is not None else field


def _problem(meta: dict[str, Any], row: Any, field: str, code: str, severity: str, detail: str) -> None:
    meta["problems"].append(
        {"row": row, "field": field, "problem": code, "severity": severity, "detail": detail}
    )


def _read_raw(p: Path, *, layer: str | int | None, encoding: str | None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet or layer name, raw table) pairs; every sheet of a workbook when ``layer`` is None."""
    from .._tabular import _read_sheets

    suffix = p.suffix.lower()
    if suffix in (".csv", ".txt"):
        return [
            (p.stem, _read_sheets(p, layer=None, encoding=encoding, header_row=1, meta={"problems": []})[0])
        ]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        if layer is not None:
            return [
                (
                    str(layer),
                    _read_sheets(p, layer=layer, encoding=None, header_row=1, meta={"problems": []})[0],
                )
            ]
        try:
            with pd.ExcelFile(p) as book:
                return [(str(s), pd.read_excel(book, sheet_name=s, dtype=object)) for s in book.sheet_names]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise DataFormatError(f"{p.name}: cannot open as Excel ({exc}); is the file complete?") from None
    if suffix == ".gpkg":
        import pyogrio

        names = [str(n) for n in pyogrio.list_layers(p)[:, 0]] if layer is None else [str(layer)]
        return [(n, pd.DataFrame(pyogrio.read_dataframe(p, layer=n, read_geometry=False))) for n in names]
    raise DataFormatError(
        f"{p.name}: unsupported encumbrance export {suffix or '(none)'}; use .xlsx, .csv or .gpkg"
    )


def read_encumbrances(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    kind: str | None = None,
    encoding: str | None = None,
    field_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read mortgages, seizures and leases from an export into the canonical encumbrance table.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xls`` (every sheet unless ``layer`` is given), ``.csv`` or ``.gpkg``.
    layer : str or int, optional
        One sheet or layer.
    kind : {"mortgage", "seizure", "lease"} or Chinese label, optional
        Kind of every row; otherwise taken from a 权利类型 column, the sheet name, or the fields
        a row fills (抵押权人 → mortgage, 查封法院 → seizure, 承租人 → lease).
    encoding : str, optional
        Text encoding of a CSV (detected when omitted).
    field_map : mapping, optional
        Extra header matches, source header → canonical field of
        :data:`landkit.schema.ENCUMBRANCE_FIELDS`.

    Returns
    -------
    pandas.DataFrame
        One row per encumbrance: ``kind``, ``queued`` (bool, 轮候查封), ``parcel_id`` (from the
        不动产单元号 when only that is given), the fields of
        :data:`~landkit.schema.ENCUMBRANCE_FIELDS` that the file has, ``*_precision`` columns for
        dates known to the month or year only, ``source`` (sheet) and ``row_ok`` (False where an
        error was reported). Problems are in ``attrs["landkit"]["problems"]``.

    Raises
    ------
    DataFormatError
        Missing file, unsupported format, or no sheet with a 宗地代码/不动产单元号 column.
    """
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"no such file: {p}")
    fixed = _kind_key(kind) if kind is not None else None
    if kind is not None and fixed is None:
        raise DataFormatError(f"kind={kind!r}: use one of {', '.join(ENCUMBRANCE_KINDS)} (or 抵押/查封/租赁)")
    meta: dict[str, Any] = {"source": str(p), "problems": []}
    frames = []
    offset = 0
    for name, raw in _read_raw(p, layer=layer, encoding=encoding):
        rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # spreadsheet row (header = row 1)
        raw = raw.dropna(how="all")
        rows = rows[raw.index]
        raw.index = rows.index = pd.RangeIndex(offset, offset + len(raw))
        raw, rows = _title_rows(raw, rows, meta=meta, sheet=name, field_map=field_map)
        frame = _canonical(raw, meta=meta, field_map=field_map, sheet=name) if len(raw) else None
        if frame is None:
            continue
        frame.insert(1, "source_row", rows)
        frame["kind"] = _kinds(frame, sheet=name, fixed=fixed)
        frames.append(frame)
        offset += len(raw)
    if not frames:
        raise DataFormatError(f"{p.name}: no sheet or layer has a 宗地代码 or 不动产单元号 column")
    out = pd.concat(frames)
    out = _check_rows(out, meta)
    out.attrs["landkit"] = meta
    return out


def _title_rows(
    raw: pd.DataFrame,
    rows: pd.Series,
    *,
    meta: dict[str, Any],
    sheet: str,
    field_map: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, pd.Series]:
    """A sheet that opens with a title (洪江市不动产抵押登记台账 …): use the row holding the headers."""

    def keyed(headers: list[str]) -> bool:
        found = map_headers(headers, field_map=field_map, fields=ENCUMBRANCE_FIELDS).mapping.values()
        return "parcel_id" in found or "unit_id" in found

    if keyed([str(c) for c in raw.columns]):
        return raw, rows
    for k in range(min(5, len(raw))):
        cells = ["" if pd.isna(v) else str(v) for v in raw.iloc[k].tolist()]
        if keyed(cells):
            _problem(
                meta,
                None,
                "",
                "title_rows",
                "info",
                f"{sheet}：表头在第 {int(rows.iloc[k])} 行，其上方是标题行，已跳过",
            )
            body = raw.iloc[k + 1 :].set_axis(cells, axis=1)
            return body, rows.iloc[k + 1 :]
    return raw, rows


def _canonical(
    raw: pd.DataFrame, *, meta: dict[str, Any], field_map: Mapping[str, str] | None, sheet: str
) -> pd.DataFrame | None:
    cols = [str(c) for c in raw.columns]
    raw = raw.set_axis(cols, axis=1)
    base = [c for c in cols if not _is_precision(c)]
    hm = map_headers(base, field_map=field_map, fields=ENCUMBRANCE_FIELDS)
    if "parcel_id" not in hm.mapping.values() and "unit_id" not in hm.mapping.values():
        return None
    for src, dst in hm.duplicates.items():
        _problem(
            meta,
            None,
            src,
            "duplicate_header",
            "warning",
            f"{sheet}：“{src}”列也对应字段{_label(dst)}（已由另一列填写），本列按原样保留；"
            "请用 field_map= 指定",
        )
    out = pd.DataFrame(index=raw.index)
    out["source"] = sheet
    for src, dst in hm.mapping.items():
        f = ENCUMBRANCE_FIELDS[dst]
        col = raw[src]
        if f.kind == "date":
            out[dst], prec = _dates(col, meta=meta, field=dst, src=src, sheet=sheet)
            given = _precision_column(raw, src)
            if given is not None:
                prec = prec.where(prec.notna(), given)
            if prec.notna().any():
                out[f"{dst}_precision"] = prec
        elif f.kind == "float":
            out[dst] = _numbers(col, meta=meta, field=dst, src=src, unit=hm.units.get(src), sheet=sheet)
        else:
            text = col.astype(object).map(lambda v: None if pd.isna(v) else str(v).strip() or None)
            out[dst] = text
    return out


def _is_precision(header: str) -> bool:
    key, _ = normalise_header(header)
    return key.endswith("_PRECISION") or key.endswith("精度")


def _precision_column(raw: pd.DataFrame, src: str) -> pd.Series | None:
    for c in raw.columns:
        key, _ = normalise_header(c)
        if key in (normalise_header(src)[0] + "_PRECISION", normalise_header(src)[0] + "精度"):
            vals = raw[c].astype(object).map(lambda v: None if pd.isna(v) else str(v).strip().lower())
            return vals.map(
                {"month": "month", "月": "month", "year": "year", "年": "year", "day": None, "日": None}
            )
    return None


def _dates(
    col: pd.Series, *, meta: dict[str, Any], field: str, src: str, sheet: str
) -> tuple[pd.Series, pd.Series]:
    parsed = parse_dates(col)
    prec = pd.Series(None, index=col.index, dtype=object)
    cells = col.astype(object).map(
        lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    )
    partial = cells.str.match(_MONTH.pattern) | cells.str.match(
        _YEAR.pattern
    )  # month/year only, however parsed
    failed = col[(col.notna() & parsed.isna() & (cells.str.strip() != "")) | partial]
    for idx, v in _pairs(failed):
        text = str(v)
        m, y = _MONTH.match(text), _YEAR.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            parsed[idx] = pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)
            prec[idx] = "month"
        elif y:
            parsed[idx] = pd.Timestamp(int(y.group(1)), 1, 1)
            prec[idx] = "year"
        else:
            _problem(
                meta, idx, field, "unparseable_date", "warning",
                f"{sheet}：{src}“{v}”不是日期，已留空；请写成 2023-05-01 或 2023年5月1日",
            )  # fmt: skip
            continue
        _problem(
            meta,
            idx,
            field,
            "imprecise_date",
            "info",
            f"{sheet}：{src}“{v}”只到{'月份' if prec[idx] == 'month' else '年份'}，已按不精确日期处理；"
            "请补全到日，补全前按该日期算的期限不作判断",
        )
    return parsed, prec


def _numbers(
    col: pd.Series, *, meta: dict[str, Any], field: str, src: str, unit: str | None, sheet: str
) -> pd.Series:
    parsed = parse_numbers(col)
    if not pd.api.types.is_numeric_dtype(col.dtype):
        bad = col[col.notna() & parsed.isna() & (col.astype(str).str.strip() != "")]
        for idx, v in _pairs(bad):
            _problem(
                meta,
                idx,
                field,
                "unparseable_number",
                "warning",
                f"{sheet}：{src}“{v}”不是数字，已留空；请填一个数字",
            )
    if unit is None:
        return parsed
    if field == "mortgage_area_m2":
        key = UNIT_ALIASES.get(unit.strip().lower())
        if key is None:
            _problem(
                meta,
                None,
                field,
                "unknown_unit",
                "error",
                f"{sheet}：{src} 的单位“{unit}”无法识别，本列已留空；请用 平方米、亩 或 公顷",
            )
            return parsed * np.nan
        return parsed * {"m2": 1.0, "mu": MU_M2, "ha": HA_M2}[key]
    if unit in ("元", "yuan"):
        return parsed / 1e4
    if unit not in ("万元", "万"):
        _problem(
            meta,
            None,
            field,
            "unknown_unit",
            "error",
            f"{sheet}：{src} 的单位“{unit}”无法识别，本列已留空；请用 万元 或 元",
        )
        return parsed * np.nan
    return parsed


def _kind_key(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    for word, key in _KIND_WORDS:
        if word in text:
            return key
    return None


def _kinds(frame: pd.DataFrame, *, sheet: str, fixed: str | None) -> pd.Series:
    if fixed is not None:
        return pd.Series(fixed, index=frame.index, dtype=object)
    out = (
        frame["kind"].map(_kind_key) if "kind" in frame else pd.Series(None, index=frame.index, dtype=object)
    )
    if "kind" in frame:
        queued = frame["kind"].astype(str).str.contains("轮候")
        frame["queued"] = frame.get("queued", pd.Series(None, index=frame.index)).where(~queued, "是")
    from_sheet = _kind_key(sheet)
    if from_sheet is not None:
        out = out.fillna(from_sheet)
    for field, key in (("mortgagee", "mortgage"), ("court", "seizure"), ("lessee", "lease")):
        if field in frame:
            out = out.where(out.notna() | frame[field].isna(), key)
    return out


def _flag(col: pd.Series, *, meta: dict[str, Any], field: str) -> pd.Series:
    """是/否 text → nullable boolean; anything else reported and left missing."""
    out = pd.Series(pd.NA, index=col.index, dtype="boolean")
    for idx, v in _pairs(col):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            continue
        text = str(v).strip().lower()
        if text in _YES:
            out[idx] = True
        elif text in _NO:
            out[idx] = False
        elif text:
            _problem(
                meta,
                idx,
                field,
                "unparseable_flag",
                "warning",
                f"{_label(field)}“{v}”无法判断，已留空；请填 是 或 否",
            )
    return out


def _terms(out: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Fill start/end dates from a 期限 range and the seizure term (in months) from 查封期限."""
    for field, lo, hi in (
        ("term", "start_date", "end_date"),
        ("seizure_term", "seized_date", "seizure_end_date"),
    ):
        if field not in out:
            continue
        for col in (lo, hi):
            if col not in out:
                out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        months = pd.Series(np.nan, index=out.index)
        for idx, v in _pairs(out[field].dropna()):
            rng, term = _RANGE.match(str(v)), _TERM.match(str(v))
            if rng:
                a, b = parse_dates([rng.group(1), rng.group(2)])
                if pd.notna(a) and pd.notna(b):
                    out.loc[idx, lo] = out.loc[idx, lo] if pd.notna(out.loc[idx, lo]) else a
                    out.loc[idx, hi] = out.loc[idx, hi] if pd.notna(out.loc[idx, hi]) else b
                    continue
            if term and field == "seizure_term":
                n, unit = float(term.group(1)), term.group(2)
                if unit == "年" and n == int(n):
                    months[idx] = 12 * n
                    continue
                if unit in ("个月", "月") and n == int(n):
                    months[idx] = n
                    continue
            _problem(
                meta,
                idx,
                field,
                "unparseable_term",
                "warning",
                f"{_label(field)}“{v}”无法识别，已留空；请写成 3年 或 2023-01-01至2026-01-01",
            )
        if field == "seizure_term":
            out["seizure_term_months"] = months


def _check_keys(out: pd.DataFrame, meta: dict[str, Any]) -> pd.Series:
    ok = pd.Series(True, index=out.index)
    pid = out["parcel_id"] if "parcel_id" in out else pd.Series(None, index=out.index, dtype=object)
    uid = out["unit_id"] if "unit_id" in out else pd.Series(None, index=out.index, dtype=object)
    for idx in out.index.tolist():
        p, u = (None if pd.isna(v) else v for v in (pid[idx], uid[idx]))
        if p is None and u is None:
            _problem(
                meta,
                idx,
                "parcel_id",
                "missing_key",
                "error",
                "宗地代码和不动产单元号都没有填，无法对应到宗地；请至少填一个",
            )
            ok[idx] = False
            continue
        bad_u = check_unit_id(u) if u is not None else None
        if bad_u:
            _problem(meta, idx, "unit_id", "malformed_unit_id", "error", f"{u}：{bad_u}")
        bad_p = check_parcel_id(p) if p is not None else None
        if bad_p:
            _problem(meta, idx, "parcel_id", "malformed_parcel_id", "error", f"{p}：{bad_p}")
        if p is None and u is not None and not bad_u:
            pid[idx] = str(u)[:19]
        elif p is not None and u is not None and not bad_u and str(u)[:19] != p:
            _problem(
                meta,
                idx,
                "unit_id",
                "key_mismatch",
                "error",
                f"不动产单元号 {u} 不属于宗地 {p}（单元号前19位应为宗地代码）；请核对两者",
            )
            ok[idx] = False
        ok[idx] = ok[idx] and not (bad_p or (p is None and bad_u))
    out["parcel_id"] = pid
    return ok


def _check_order(out: pd.DataFrame, meta: dict[str, Any]) -> pd.Series:
    ok = pd.Series(True, index=out.index)
    pairs = (
        ("registered_date", "released_date", "注销日期早于登记日期"),
        ("start_date", "end_date", "终止日期早于起始日期"),
        ("seized_date", "lifted_date", "解封日期早于查封日期"),
        ("seized_date", "seizure_end_date", "查封到期日早于查封日期"),
    )
    for a, b, text in pairs:
        if a in out and b in out:
            bad = out[b] < out[a]
            for idx in out.index[bad.to_numpy()]:
                _problem(
                    meta,
                    idx,
                    b,
                    "dates_out_of_order",
                    "error",
                    f"{text}：{out.loc[idx, a].date()} → {out.loc[idx, b].date()}；请核对两个日期",
                )
            ok &= ~bad
    for c in ("mortgage_amount", "appraised_value", "mortgage_area_m2"):
        if c in out:
            neg = out[c] < 0
            for idx in out.index[neg.to_numpy()]:
                _problem(
                    meta,
                    idx,
                    c,
                    "negative_value",
                    "error",
                    f"{_label(c)}为负数（{out.loc[idx, c]}）；请核对该单元格",
                )
            ok &= ~neg
    return ok


def _check_rows(out: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
    ok = _check_keys(out, meta)
    unknown = out["kind"].isna()
    for idx in out.index[unknown.to_numpy()]:
        _problem(meta, idx, "kind", "unknown_kind", "error", "看不出是抵押、查封还是租赁；请补填权利类型")
    _terms(out, meta)
    ok &= _check_order(out, meta) & ~unknown
    for c in ("queued", "consent", "transfer_banned"):
        if c in out:
            out[c] = _flag(out[c], meta=meta, field=c)
    if "queued" not in out:
        out["queued"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out["queued"] = out["queued"].fillna(False).astype(bool) & (out["kind"] == "seizure")
    checks = (
        ("mortgage", "mortgagee", "missing_mortgagee", "warning", "抵押没有填抵押权人；请补填"),
        (
            "mortgage",
            "registered_date",
            "missing_registered_date",
            "warning",
            "抵押没有填登记日期，无法判断是否仍有效；请补填",
        ),
        (
            "seizure",
            "seized_date",
            "missing_seized_date",
            "warning",
            "查封没有填查封日期，无法判断是否仍有效；请补填",
        ),
    )
    for kind, field, code, sev, text in checks:
        missing = (out["kind"] == kind) & (out[field].isna() if field in out else True)
        for idx in out.index[np.asarray(missing, dtype=bool)]:
            _problem(meta, idx, field, code, sev, text)
    out["row_ok"] = ok.astype(bool)
    return out


def encumbrance_report(encumbrances: pd.DataFrame, /) -> pd.DataFrame:
    """The problems met while reading (and matching) encumbrances, one row each, errors first.

    Columns: ``row`` (index label), ``source``, ``source_row`` (row in the sheet), ``parcel_id``,
    ``field``, ``problem``, ``说明`` (Chinese), ``severity``, ``detail``.
    """
    probs = pd.DataFrame(
        encumbrances.attrs.get("landkit", {}).get("problems", []),
        columns=["row", "field", "problem", "severity", "detail"],
    )
    where = encumbrances.reindex(probs["row"].where(probs["row"].notna(), -1).astype(int))
    probs["source"] = where["source"].to_numpy() if "source" in where else None
    probs["source_row"] = where["source_row"].to_numpy() if "source_row" in where else None
    probs["parcel_id"] = where["parcel_id"].to_numpy() if "parcel_id" in where else None
    probs["说明"] = probs["problem"].map(ENCUMBRANCE_PROBLEMS)
    order = probs["severity"].map({"error": 0, "warning": 1, "info": 2}).fillna(3)
    cols = ["row", "source", "source_row", "parcel_id", "field", "problem", "说明", "severity", "detail"]
    return probs.iloc[np.argsort(order.to_numpy(), kind="stable")][cols].reset_index(drop=True)


def match_encumbrances(encumbrances: pd.DataFrame, parcels: pd.DataFrame, /) -> pd.DataFrame:
    """Keep the encumbrances whose 宗地代码 is in ``parcels``; report the others.

    Returns a copy with ``matched`` (bool); every unmatched row adds an ``unmatched_parcel``
    error to ``attrs["landkit"]["problems"]`` (it never disappears silently).

    Examples
    --------
    >>> import pandas as pd
    >>> enc = pd.DataFrame({"parcel_id": ["431281101001GB00001", "431281101001GB00009"], "kind": "lease"})
    >>> m = match_encumbrances(enc, pd.DataFrame({"parcel_id": ["431281101001GB00001"]}))
    >>> m["matched"].tolist(), encumbrance_report(m)["problem"].tolist()
    ([True, False], ['unmatched_parcel'])
    """
    out = encumbrances.copy()
    meta = dict(encumbrances.attrs.get("landkit", {}))
    meta["problems"] = list(meta.get("problems", []))
    out["matched"] = out["parcel_id"].isin(set(parcels["parcel_id"].dropna()))
    for idx in out.index[~out["matched"].to_numpy()]:
        _problem(
            meta,
            idx,
            "parcel_id",
            "unmatched_parcel",
            "error",
            f"宗地代码 {out.loc[idx, 'parcel_id']} 不在宗地图层中；请核对宗地代码",
        )
    out.attrs["landkit"] = meta
    return out

"""Dates as bureau ledgers write them, with their precision (day, month or year).

A value is parsed only when the whole cell is a date: ``2023年5月1日``, ``2023.5.1``,
``2023-05-01``, ``20230501``, Chinese numerals (``二〇二三年五月一日``), a date object, or an
Excel serial day number — the last only from a *numeric* cell within 1950–2100 (text that
looks like a number is never a serial, and neither is a bare year). Year-month
(``2023.10``, ``2023年5月``) and year-only (``2023``, ``2023年``) values keep the first day of
the period and say so in their precision; ambiguous values (a numeric ``2023.1``, which a
spreadsheet may have cut from ``2023.10``) are left missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["DAY", "MONTH", "YEAR", "parse_dates_precision"]

DAY, MONTH, YEAR = "day", "month", "year"

_SEP = r"\s*[年./\-]\s*"
_SEP2 = r"\s*[月./\-]\s*"
_FULL = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP2}(\d{{1,2}})\s*日?$")
_YM = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*月?$")
_Y = re.compile(r"^(\d{4})\s*年?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九０１２３４５６７８９", "0001234567890123456789")
_CN_NUMBER = re.compile(r"[〇○零一二三四五六七八九十]+")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL_RANGE = (18264, 73415)  # 1950-01-01 … 2100-12-31 in the 1900 date system
_YEARS = (1900, 2100)


class AmbiguousDateError(ValueError):
    """The cell could be read as more than one date."""


def _cn_number(text: str) -> str:
    """``十二`` → ``12``, ``三十一`` → ``31``, ``二〇二三`` → ``2023`` (digit by digit without 十)."""
    if "十" not in text:
        return text.translate(_CN_DIGITS)
    tens, _, ones = text.partition("十")
    t = int(tens.translate(_CN_DIGITS)) if tens else 1
    o = int(ones.translate(_CN_DIGITS)) if ones else 0
    return str(t * 10 + o)


def _normalise(text: str) -> str:
    text = text.strip().translate(str.maketrans("０１２３４５６７８９．／－", "0123456789./-"))
    if _CN_NUMBER.search(text):
        text = _CN_NUMBER.sub(lambda m: _cn_number(m.group(0)), text)
    return text


def _stamp(y: int, m: int = 1, d: int = 1) -> pd.Timestamp:
    if not _YEARS[0] <= y <= _YEARS[1]:
        raise ValueError(f"year {y} out of range")
    return pd.Timestamp(dt.date(y, m, d))


def _from_text(text: str) -> tuple[pd.Timestamp, str] | None:
    text = _normalise(text)
    if not text:
        return None
    for pattern in (_FULL, _COMPACT, _ISO_TIME):
        m = pattern.match(text)
        if m:
            return _stamp(int(m.group(1)), int(m.group(2)), int(m.group(3))), DAY
    m = _YM.match(text)
    if m:
        return _stamp(int(m.group(1)), int(m.group(2))), MONTH
    m = _Y.match(text)
    if m:
        return _stamp(int(m.group(1))), YEAR
    if re.fullmatch(r"\d{6}", text):  # 202305: year and month run together
        return _stamp(int(text[:4]), int(text[4:])), MONTH
    raise ValueError(text)


def _from_number(n: float) -> tuple[pd.Timestamp, str]:
    """A value from a numeric cell: a compact date, a year, a year.month or an Excel serial."""
    if n != n:  # NaN
        raise ValueError(n)
    if n == int(n):
        k = int(n)
        if 19000101 <= k <= 21001231:
            return _stamp(k // 10000, k // 100 % 100, k % 100), DAY
        if _YEARS[0] <= k <= _YEARS[1]:
            return _stamp(k), YEAR
    elif _YEARS[0] <= n < _YEARS[1] + 1:
        text = repr(float(n))
        year, _, month = text.partition(".")
        if month == "1":  # 2023.1 may be 2023.10 with its zero cut by the spreadsheet
            raise AmbiguousDateError(n)
        return _stamp(int(year), int(month)), MONTH
    if _SERIAL_RANGE[0] <= n <= _SERIAL_RANGE[1]:
        return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=n)).normalize(), DAY
    raise ValueError(n)


def one_date(v: object) -> tuple[pd.Timestamp, str] | None:
    """Parse one cell; None for an empty cell, ValueError when it is not (exactly) a date."""
    if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp | dt.datetime | dt.date):
        return pd.Timestamp(v), DAY
    if isinstance(v, bool | np.bool_):
        raise ValueError(v)
    if isinstance(v, int | float | np.integer | np.floating):
        return _from_number(float(v))
    return _from_text(str(v))


def parse_dates_precision(values: Iterable[object], /) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse dates; return ``(dates, precision, ambiguous)`` aligned on the input.

    ``precision`` is ``"day"``, ``"month"`` or ``"year"`` (missing where nothing parsed);
    ``ambiguous`` is True where a value could be read as more than one date.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        dates = series.astype("datetime64[ns]")
        precision = pd.Series(DAY, index=series.index, dtype="string").where(dates.notna())
        return dates, precision, pd.Series(False, index=series.index)
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")  # last slot: missing
    prec = np.full(len(uniques) + 1, None, dtype=object)
    ambiguous = np.zeros(len(uniques) + 1, dtype=bool)
    for k, v in enumerate(uniques):  # ledgers repeat the same dates: parse each distinct value once
        try:
            got = one_date(v)
        except AmbiguousDateError:
            ambiguous[k] = True
            continue
        except (ValueError, OverflowError, TypeError):
            continue
        if got is not None:
            parsed[k], prec[k] = got[0].to_datetime64(), got[1]
    dates = pd.Series(parsed[codes], index=series.index, dtype="datetime64[ns]")
    precision = pd.Series(prec[codes], index=series.index, dtype="string")
    return dates, precision, pd.Series(ambiguous[codes], index=series.index)

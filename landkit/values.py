"""Parse values as bureau ledgers write them: dates, numbers, parcel codes.

Examples
--------
>>> parse_dates(["2023年5月1日", "2023.5.1", "2023/05/01", 45047, "soon"]).dt.date.tolist()[:4]
[datetime.date(2023, 5, 1), datetime.date(2023, 5, 1), datetime.date(2023, 5, 1), datetime.date(2023, 5, 1)]
>>> check_parcel_id("431281003002GB00017")
>>> check_parcel_id("431281003002G100017")
'宗地特征码应为2个字母 (第13–14位), 得到 G1'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ._dates import parse_dates_precision
from ._numbers import parse_quantities

__all__ = [
    "PRECISION_SUFFIX",
    "check_parcel_id",
    "check_unit_id",
    "is_parcel_id",
    "parse_dates",
    "parse_numbers",
    "parse_quantities",
    "precision_column",
]

_PID = re.compile(r"^\d{6}\d{3}\d{3}[GJZ][ABSXCDEFHGWY]\d{5}$")

#: Suffix of the companion column that holds a date column's precision (see :func:`precision_column`).
PRECISION_SUFFIX = "_precision"


def precision_column(name: str, /) -> str:
    """Name of the column holding the precision of date column ``name``.

    :func:`landkit.read_parcels` adds it beside a date column only when at least one value
    in that column is imprecise: ``"month"`` or ``"year"`` for a value written as a month
    (``2023.10``) or a year (``2023``), whose date is then the first day of the period, and
    missing for exact dates.

    Examples
    --------
    >>> precision_column("agreed_start_date")
    'agreed_start_date_precision'
    """
    return f"{name}{PRECISION_SUFFIX}"


def parse_dates(values: Iterable[object], /, *, with_precision: bool = False) -> Any:
    """Parse dates in the forms Chinese ledgers use; what is not a date becomes NaT.

    Accepts ``2023年5月1日``, ``2023.5.1``, ``2023/05/01``, ``2023-05-01``, ``20230501``,
    ``二〇二三年五月一日``, date/datetime objects and Excel serial numbers — the last only as
    numbers (a numeric Excel cell) within 1950–2100, never as text. Year-month (``2023.10``,
    ``2023年5月``) and year-only (``2023``) values give the first day of the period.

    Parameters
    ----------
    values : iterable
        Cells.
    with_precision : bool
        Also return the precision of each value (``"day"``, ``"month"``, ``"year"``, or
        missing where nothing parsed).

    Returns
    -------
    pandas.Series of datetime64[ns], or (dates, precision) when ``with_precision``
        Aligned on the input index when ``values`` is a Series.

    Examples
    --------
    >>> d, p = parse_dates(["2023.10", "2023", "二〇二三年五月一日"], with_precision=True)
    >>> [str(x.date()) for x in d], p.tolist()
    (['2023-10-01', '2023-01-01', '2023-05-01'], ['month', 'year', 'day'])
    """
    dates, precision, _ = parse_dates_precision(values)
    if not isinstance(values, pd.Series):
        dates, precision = dates.reset_index(drop=True), precision.reset_index(drop=True)
    return (dates, precision) if with_precision else dates


def parse_numbers(values: Iterable[object], /, *, unit: str | None = None) -> pd.Series:
    """Parse numbers written with thousands separators, full-width digits, 万/千 or unit suffixes.

    The whole cell must be a number: ranges (``50~60``), decimal commas (``12,5``), units that
    do not convert to ``unit`` and trailing text give NaN (:func:`parse_quantities` says why).

    Examples
    --------
    >>> parse_numbers(["1,234.5", "３２", "1.2万", "1 234", None, "n/a", "50~60"]).tolist()
    [1234.5, 32.0, 12000.0, 1234.0, nan, nan, nan]
    >>> parse_numbers(["12.5万元", "3000元", "120万"], unit="万元").tolist()
    [12.5, 0.3, 120.0]
    """
    if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    out = parse_quantities(values, unit=unit)["value"]
    return out if isinstance(values, pd.Series) else out.reset_index(drop=True)


def check_parcel_id(code: object, /) -> str | None:
    """Check the structure of a 19-character 宗地代码; return a problem description or None.

    Structure: 6-digit county code + 3-digit 地籍区 + 3-digit 地籍子区 + 2 letters (G/J/Z then
    A/B/S/X/C/D/E/F/H/G/W/Y) + 5-digit serial (GB/T 26317).
    """
    text = str(code).strip()
    if len(text) != 19:
        return f"宗地代码应为19位, 得到{len(text)}位"
    if not text[:12].isdigit():
        return "宗地代码前12位应为数字 (县级代码6位+地籍区3位+地籍子区3位)"
    if not (text[12] in "GJZ" and text[13] in "ABSXCDEFHGWY"):
        return f"宗地特征码应为2个字母 (第13–14位), 得到 {text[12:14]}"
    if not text[14:].isdigit():
        return "宗地顺序号 (后5位) 应为数字"
    return None


def check_unit_id(code: object, /) -> str | None:
    """Check a 28-character 不动产单元号: 宗地代码 + F/L/Q/W + 8 digits; return a problem or None.

    Examples
    --------
    >>> check_unit_id("431281003002GB00017W00000000") is None
    True
    """
    text = str(code).strip()
    if len(text) != 28:
        return f"不动产单元号应为28位, 得到{len(text)}位"
    problem = check_parcel_id(text[:19])
    if problem:
        return problem
    if text[19] not in "FLQW" or not text[20:].isdigit():
        return "不动产单元号第20位应为F/L/Q/W, 后8位为数字"
    return None


def is_parcel_id(code: object, /) -> bool:
    """True when ``code`` is a well-formed 宗地代码."""
    return bool(_PID.match(str(code).strip()))

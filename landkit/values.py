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

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["check_parcel_id", "check_unit_id", "is_parcel_id", "parse_dates", "parse_numbers"]

_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_PID = re.compile(r"^\d{6}\d{3}\d{3}[GJZ][ABSXCDEFHGWY]\d{5}$")


def _one_date(v: object) -> pd.Timestamp | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v
    if isinstance(v, dt.datetime | dt.date):
        return pd.Timestamp(v)
    if isinstance(v, int | float | np.integer | np.floating):
        n = float(v)
        if 1 <= n < 2958466:  # Excel serial day numbers (1900 system)
            if 19000000 <= n <= 21001231 and n == int(n):
                return _one_date(str(int(n)))
            return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=n)).normalize()
        raise ValueError(v)
    text = str(v).strip()
    if not text:
        return None
    m = _CN_DATE.match(text) or _COMPACT.match(text)
    if m:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _one_date(float(text))
    return pd.Timestamp(dt.date.fromisoformat(text[:10]))


def parse_dates(values: Iterable[object], /) -> pd.Series:
    """Parse dates in the forms Chinese ledgers use; unparseable values become NaT.

    Accepts ``2023年5月1日``, ``2023.5.1``, ``2023/05/01``, ``2023-05-01``, ``20230501``,
    Excel serial numbers (``45047``), and date/datetime objects. Compare the nulls before and
    after to find values that failed to parse.

    Returns
    -------
    pandas.Series of datetime64[ns]
        Aligned on the input index when ``values`` is a Series.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.astype("datetime64[ns]")
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")  # last slot: missing
    for k, v in enumerate(uniques):  # ledgers repeat the same dates: parse each distinct value once
        try:
            ts = _one_date(v)
        except (ValueError, OverflowError, TypeError):
            ts = None
        if ts is not None:
            parsed[k] = ts.to_datetime64()
    out = pd.Series(parsed[codes], index=series.index, dtype="datetime64[ns]")
    return out if isinstance(values, pd.Series) else out.reset_index(drop=True)


def parse_numbers(values: Iterable[object], /) -> pd.Series:
    """Parse numbers written with thousands separators, full-width digits or unit suffixes.

    Examples
    --------
    >>> parse_numbers(["1,234.5", "３２", "12.5万元", None, "n/a"]).tolist()
    [1234.5, 32.0, 12.5, nan, nan]
    """
    index = values.index if isinstance(values, pd.Series) else None
    if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64")
    table = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
    out = []
    for v in values:
        if v is None or isinstance(v, bool):
            out.append(np.nan)
            continue
        if isinstance(v, int | float | np.integer | np.floating):
            out.append(float(v))
            continue
        text = str(v).translate(table).replace(",", "").strip()
        m = re.match(r"^[-+]?\d*\.?\d+(e[-+]?\d+)?", text, re.IGNORECASE)
        out.append(float(m.group(0)) if m else np.nan)
    return pd.Series(out, index=index, dtype="float64")


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

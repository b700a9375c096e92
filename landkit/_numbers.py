"""Numbers as bureau ledgers write them: the whole cell is parsed, or the cell is reported.

A cell is a number with optional thousands separators (comma, space, thin space — in
groups of three), an optional multiplier (万, 千, 百, 亿) and an optional unit (亩, 公顷,
平方米, ㎡, m2, 元, %). A unit is converted to the column's unit when both measure the same
thing, and reported when they do not. Ranges (``50~60``), decimal commas (``12,5``) and
anything left over are reported and left missing, never truncated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .units import HA_M2, MU_M2

__all__ = ["PROBLEM_TEXT", "parse_quantities", "unit_of"]

#: unit spelling → (quantity, factor to the base unit of that quantity)
_UNITS: dict[str, tuple[str, float]] = {
    "m2": ("area", 1.0),
    "m²": ("area", 1.0),
    "㎡": ("area", 1.0),
    "平方米": ("area", 1.0),
    "平米": ("area", 1.0),
    "sqm": ("area", 1.0),
    "亩": ("area", MU_M2),
    "mu": ("area", MU_M2),
    "公顷": ("area", HA_M2),
    "ha": ("area", HA_M2),
    "hm2": ("area", HA_M2),
    "hm²": ("area", HA_M2),
    "元": ("money", 1.0),
    "yuan": ("money", 1.0),
    "万元": ("money", 1e4),
    "%": ("ratio", 0.01),
}
_MULTIPLIERS = {"万": 1e4, "千": 1e3, "百": 1e2, "亿": 1e8}
_GROUP_SEPS = ",\u0020\u2009\u202f\u00a0"
_TRANSLATE = str.maketrans("０１２３４５６７８９．，－＋％\u3000～", "0123456789.,-+% ~")
_LEAD = re.compile(rf"^[-+]?(?:\d[\d{_GROUP_SEPS}]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PLAIN = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_GROUPED = re.compile(
    r"^[-+]?\d{1,3}(?:(?P<sep>[,\u0020\u2009\u202f\u00a0])\d{3})(?:(?P=sep)\d{3})*(?:\.\d+)?$"
)
_RANGE = re.compile(r"^[-+]?[\d.,]+\s*\D{0,4}?\s*(?:~|-|—|–|至|到)\s*[-+]?[\d.,]+\D{0,4}$")

#: problem code → what is wrong with the cell (English; validate adds the Chinese label)
PROBLEM_TEXT = {
    "unparseable_number": "不是数字，已留空",
    "ambiguous_number": "有歧义（可能是小数逗号，或千分位逗号位置不对），已留空",
    "number_range": "是一个区间，不是一个数，已留空",
    "unit_mismatch": "所带单位与该列单位不能换算，已留空",
}


def unit_of(spelling: str | None, /) -> tuple[str, float] | None:
    """``(quantity, factor)`` of a unit spelling (``亩`` → ``("area", 666.67)``), None if unknown."""
    if spelling is None:
        return None
    return _UNITS.get(str(spelling).strip().lower().replace(" ", ""))


def _number(text: str) -> float | str:
    """The leading number of ``text`` (separators removed), or a problem code."""
    core = text.strip()
    if _PLAIN.match(core):
        return float(core)
    if _GROUPED.match(core):
        return float(re.sub(rf"[{_GROUP_SEPS}]", "", core))
    return "ambiguous_number" if re.search(r"\d[,.]\d", core) else "unparseable_number"


def _suffix(rest: str) -> tuple[float, str | None] | str:
    """Multiplier and unit after the number, or a problem code when something else is left."""
    rest = rest.strip()
    mult = 1.0
    if rest[:2] in ("百万",):
        mult, rest = 1e6, rest[2:]
    elif rest[:1] in _MULTIPLIERS and rest != "万元":
        mult, rest = _MULTIPLIERS[rest[:1]], rest[1:]
    rest = rest.strip()
    if not rest:
        return mult, None
    return (mult, rest) if unit_of(rest) else "unparseable_number"


def one_quantity(v: object, target: tuple[str, float] | None) -> tuple[float, bool, str | None]:
    """``(value in the target unit, the cell stated a unit, problem code or None)``."""
    if v is None or v is pd.NA or isinstance(v, bool | np.bool_):
        return np.nan, False, None
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v), False, None
    text = str(v).translate(_TRANSLATE).strip()
    if not text:
        return np.nan, False, None
    if _RANGE.match(text):
        return np.nan, False, "number_range"
    lead = _LEAD.match(text)
    head = lead.group(0) if lead else ""
    if not re.search(r"\d", head):
        return np.nan, False, "unparseable_number"
    number = _number(head)
    suffix = _suffix(text[len(head) :])
    if isinstance(number, str):
        return np.nan, False, number
    if isinstance(suffix, str):  # "1.234,5": a European decimal comma after the number
        return np.nan, False, "ambiguous_number" if re.match(r"^[,.]\d", text[len(head) :]) else suffix
    mult, unit = suffix
    if unit is None and mult != 1.0 and target is not None and target[0] == "money":
        unit = "元"  # 120万 in a 万元 column is 120 万元 (1,200,000 元), not the bare number 1,200,000
    if unit is None:
        return number * mult, False, None
    quantity, factor = _UNITS[unit.lower().replace(" ", "")]
    if target is None or target[0] != quantity:
        return np.nan, True, "unit_mismatch"
    return number * mult * factor / target[1], True, None


def parse_quantities(values: Iterable[object], /, *, unit: str | None = None) -> pd.DataFrame:
    """Parse a column of numbers into ``unit``; report what does not parse whole.

    Parameters
    ----------
    values : iterable
        Cells (text, numbers, None).
    unit : str, optional
        The column's unit (``m2``, ``亩``, ``公顷``, ``元``, ``万元``); cells that state a
        unit of the same quantity are converted to it.

    Returns
    -------
    DataFrame
        ``value`` (float, NaN where empty or reported), ``explicit`` (the cell stated its own
        unit) and ``problem`` (a code of :data:`PROBLEM_TEXT`, or None), on the input's index.

    Examples
    --------
    >>> parse_quantities(["1 234.5", "1.2万", "50亩", "50~60", "12,5"], unit="m2")["value"].round(2).tolist()
    [1234.5, 12000.0, 33333.33, nan, nan]
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    target = unit_of(unit)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return pd.DataFrame(
            {"value": series.astype("float64"), "explicit": False, "problem": None}, index=series.index
        )
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    got = [one_quantity(v, target) for v in uniques] + [(np.nan, False, None)]
    table = pd.DataFrame(got, columns=["value", "explicit", "problem"])
    out = table.iloc[codes].set_axis(series.index)
    return out.astype({"value": "float64", "explicit": bool})

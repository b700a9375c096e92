"""Dates as the indicators need them: as-of comparisons that respect imprecise (year/month) dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import DataFormatError
from ..rules.dates import to_date

__all__ = ["as_day", "last_day", "on_or_before"]


def as_day(value: object, /, *, what: str = "as_of") -> dt.date:
    """A date from ``value`` (date, ISO text, Timestamp), or :class:`DataFormatError` naming ``what``."""
    try:
        day = to_date(value)
    except (ValueError, TypeError):
        day = None
    if day is None:
        raise DataFormatError(f"{what} must be a date such as 2024-12-31, not {value!r}")
    return day


def _precision(frame: pd.DataFrame, column: str) -> pd.Series:
    """Precision of each value of ``column`` ("day", "month" or "year"), from ``<column>_precision``."""
    name = f"{column}_precision"
    if name not in frame:
        return pd.Series("day", index=frame.index, dtype=object)
    return frame[name].astype(object).where(frame[name].notna(), "day")


def last_day(frame: pd.DataFrame, column: str) -> pd.Series:
    """The last day each value of ``column`` may stand for (the value itself when exact).

    Examples
    --------
    >>> f = pd.DataFrame({"d": pd.to_datetime(["2023-10-01", "2023-01-01", "2023-05-04"]),
    ...                   "d_precision": ["month", "year", None]})
    >>> [str(x.date()) for x in last_day(f, "d")]
    ['2023-10-31', '2023-12-31', '2023-05-04']
    """
    first = pd.to_datetime(frame[column])
    if f"{column}_precision" not in frame:  # every value exact to the day
        return first
    prec = _precision(frame, column)
    out = first.copy()
    month = (prec == "month").to_numpy()
    wider = ~(month | (prec == "day").to_numpy())  # "year" and anything unrecognised: the widest period
    for rows, offset in ((month, pd.offsets.MonthEnd(0)), (wider, pd.offsets.YearEnd(0))):
        if rows.any():
            out[rows] = first[rows] + offset
    return out


def on_or_before(frame: pd.DataFrame, column: str, day: dt.date) -> pd.Series:
    """Is each date of ``column`` on or before ``day``? ``<NA>`` when missing or undecidable.

    A year-month or year-only date (see ``<column>_precision``) is decided only when the whole
    period lies on one side of ``day``.

    Examples
    --------
    >>> f = pd.DataFrame({"d": pd.to_datetime(["2024-06-01", "2024-12-01", None]),
    ...                   "d_precision": ["month", None, None]})
    >>> on_or_before(f, "d", dt.date(2024, 6, 15)).tolist()
    [<NA>, False, <NA>]
    """
    ts = pd.Timestamp(day)
    first = pd.to_datetime(frame[column])
    last = last_day(frame, column)
    before = (last <= ts).to_numpy()
    after = (first > ts).to_numpy()
    unknown = ~(before | after) | np.asarray(first.isna())  # NaT compares False both ways
    return pd.Series(pd.arrays.BooleanArray(before & ~unknown, unknown), index=frame.index)

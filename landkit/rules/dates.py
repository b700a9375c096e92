"""Period arithmetic under 《中华人民共和国民法典》 arts. 201–203, and holiday calendars.

- **Art. 201**: a period counted in years, months or days starts on the day *after* the
  starting day ("开始的当日不计入，自下一日开始计算").
- **Art. 202**: a period in years or months ends on the corresponding day of the last month;
  when that month has no corresponding day, on its last day (so 29 Feb + 1 year → 28 Feb).
- **Art. 203**: when the last day is a statutory rest day (法定休假日), the period ends on the
  day after the rest day ends; the last day ends at 24:00.

So a one-year period from an agreed start date of 2022-03-15 ends at the end of 2023-03-15, and
the first day *after* the period (the day a parcel becomes idle) is 2023-03-16; from 2020-02-29
the period ends on 2021-02-28 and the day after is 2021-03-01.

Rest days come from a :class:`HolidayCalendar` the user supplies (a TOML file such as
``sample_data/holidays/china_2024.toml``): weekends are rest days unless listed as adjusted
working days (调休上班), and the listed public holidays are rest days.

**Without a calendar for the year** of a period's last day (no calendar at all, or one that does
not cover that year) the last day is *not* moved — not even off a weekend, since a weekend may be a
调休 working day (2024-02-18) and a weekday a holiday (2024-10-01) — and the date is reported as
unverified: ``calendar_check`` gives ``"未核实：缺少2025年节假日日历"`` ("unverified: no holiday
calendar for 2025"). Only the 2024 calendar ships, because only the 2024 State Council notice
(国办发明电〔2023〕7号) has been checked day by day; 2025 and 2026 calendars are not shipped since no
verifiable copy of their notices is at hand.

**Imprecise dates** (a register that says only ``2023.10`` or ``2023``) are read as the first day of
the period with a companion column ``X_precision`` = ``"month"`` / ``"year"``;
:func:`date_interval` turns them into the interval [first day, last day] of the period.

Examples
--------
>>> import datetime as dt
>>> period_end(dt.date(2022, 3, 15), years=1)
datetime.date(2023, 3, 15)
>>> day_after_period(dt.date(2020, 2, 29), years=1)
datetime.date(2021, 3, 1)
>>> start = dt.date(2022, 3, 15)
>>> full_years(start, dt.date(2023, 3, 15)), full_years(start, dt.date(2023, 3, 16))
(0, 1)
"""

from __future__ import annotations

import calendar
import datetime as dt
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._toml import read_toml
from ..errors import ConfigError, DataFormatError, LandkitWarning

__all__ = [
    "HolidayCalendar",
    "add_months",
    "add_years",
    "calendar_check",
    "covers",
    "date_interval",
    "day_after_period",
    "full_years",
    "is_rest_day",
    "next_working_day",
    "period_end",
    "read_holidays",
    "to_calendar",
    "to_date",
]


@dataclass(frozen=True)
class HolidayCalendar:
    """Statutory rest days for the years it covers.

    Attributes
    ----------
    holidays : frozenset of datetime.date
        Public holidays (法定节假日, including the bridged days of a holiday block).
    workdays : frozenset of datetime.date
        Weekend days that are working days (调休上班日).
    years : frozenset of int
        Years the calendar covers; a date outside them is checked on weekends only, with a warning.
    weekend_rest : bool
        Whether Saturday and Sunday are rest days (they are in China).
    name, source : str
        Description and the official notice it was copied from.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()
    weekend_rest: bool = True
    name: str = ""
    source: str = ""
    names: dict[dt.date, str] = field(default_factory=dict, compare=False)


def _parse_day(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def read_holidays(path: str | Path, /) -> HolidayCalendar:
    """Read a holiday calendar from TOML.

    The file has ``years = [2024]``, ``workdays = [...]`` (调休上班日) and ``[[holiday]]`` tables
    with ``name`` and either ``dates = [...]`` or ``from``/``to`` (inclusive).

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    HolidayCalendar

    Raises
    ------
    ConfigError
        When the file is missing or a date cannot be read.

    Examples
    --------
    >>> cal = read_holidays("sample_data/holidays/china_2024.toml")
    >>> is_rest_day(dt.date(2024, 2, 12), cal), is_rest_day(dt.date(2024, 2, 18), cal)
    (True, False)
    """
    p = Path(path)
    doc = read_toml(p, what="holiday calendar")
    days: dict[dt.date, str] = {}
    for i, h in enumerate(doc.get("holiday", [])):
        name = str(h.get("name", f"holiday {i + 1}"))
        where = f"{p.name} [[holiday]] {name}"
        if "dates" in h:
            for d in h["dates"]:
                days[_parse_day(d, where)] = name
        elif "from" in h and "to" in h:
            a, b = _parse_day(h["from"], where), _parse_day(h["to"], where)
            if b < a:
                raise ConfigError(f"{where}: 'to' {b} is before 'from' {a}")
            for k in range((b - a).days + 1):
                days[a + dt.timedelta(days=k)] = name
        else:
            raise ConfigError(f"{where}: give dates = [...] or from/to")
    work = frozenset(_parse_day(d, f"{p.name} workdays") for d in doc.get("workdays", []))
    years = frozenset(int(y) for y in doc.get("years", sorted({d.year for d in days})))
    return HolidayCalendar(
        holidays=frozenset(days),
        workdays=work,
        years=years,
        weekend_rest=bool(doc.get("weekend_rest", True)),
        name=str(doc.get("name", p.stem)),
        source=str(doc.get("source", "")),
        names=days,
    )


def to_calendar(value: HolidayCalendar | str | Path | None, /) -> HolidayCalendar | None:
    """A :class:`HolidayCalendar` from a calendar, a TOML path, or ``None`` (no calendar)."""
    if value is None or isinstance(value, HolidayCalendar):
        return value
    return read_holidays(value)


def to_date(value: Any) -> dt.date | None:
    """Convert a date-like value to :class:`datetime.date`; ``None`` for missing values.

    Examples
    --------
    >>> to_date("2024-02-29"), to_date(None)
    (datetime.date(2024, 2, 29), None)
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def add_months(day: dt.date, months: int, /) -> dt.date:
    """The corresponding day ``months`` later; the month's last day when there is none (Art. 202).

    Examples
    --------
    >>> add_months(dt.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int, /) -> dt.date:
    """The corresponding day ``years`` later; 29 Feb → 28 Feb in a common year (Art. 202).

    Examples
    --------
    >>> add_years(dt.date(2020, 2, 29), 1), add_years(dt.date(2020, 2, 29), 4)
    (datetime.date(2021, 2, 28), datetime.date(2024, 2, 29))
    """
    return add_months(day, 12 * years)


def is_rest_day(day: dt.date, calendar_: HolidayCalendar | None, /) -> bool:
    """Is ``day`` a statutory rest day (法定休假日) under the calendar?

    Without a calendar only Saturdays and Sundays are rest days. A day outside the calendar's
    years is judged on the weekend rule alone and a :class:`~landkit.errors.LandkitWarning` says so.
    """
    if calendar_ is None:
        return day.weekday() >= 5
    if calendar_.years and day.year not in calendar_.years:
        warnings.warn(
            f"{day} is outside the holiday calendar {calendar_.name!r} (years "
            f"{', '.join(map(str, sorted(calendar_.years)))}); only weekends are treated as rest days",
            LandkitWarning,
            stacklevel=3,
        )
    if day in calendar_.workdays:
        return False
    if day in calendar_.holidays:
        return True
    return calendar_.weekend_rest and day.weekday() >= 5


def next_working_day(day: dt.date, calendar_: HolidayCalendar | None, /) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it (Art. 203).

    Examples
    --------
    >>> cal = read_holidays("sample_data/holidays/china_2024.toml")
    >>> next_working_day(dt.date(2024, 10, 1), cal)
    datetime.date(2024, 10, 8)
    """
    out = day
    while is_rest_day(out, calendar_):
        out += dt.timedelta(days=1)
    return out


def period_end(
    start: dt.date,
    /,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    holidays: HolidayCalendar | None = None,
) -> dt.date:
    """Last day of a period that starts the day after ``start`` (民法典 arts. 201–203).

    Parameters
    ----------
    start : datetime.date
        The starting day (not counted, Art. 201): the agreed start date, the day a document
        was served …
    years, months, days : int
        Length of the period. Years and months end on the corresponding day (Art. 202).
    holidays : HolidayCalendar, optional
        When it covers the last day's year, a last day that is a rest day moves to the next
        working day (Art. 203). Without one (or for a year it does not cover) no shift is made;
        :func:`calendar_check` reports the date as unverified.

    Returns
    -------
    datetime.date
        The last day of the period (the period ends at 24:00 of it).

    Examples
    --------
    >>> period_end(dt.date(2024, 9, 1), days=30)
    datetime.date(2024, 10, 1)
    >>> cal = read_holidays("sample_data/holidays/china_2024.toml")
    >>> period_end(dt.date(2024, 9, 1), days=30, holidays=cal)
    datetime.date(2024, 10, 8)
    """
    end = add_months(start, 12 * years + months) + dt.timedelta(days=days)
    if covers(holidays, end.year):
        assert holidays is not None
        end = next_working_day(end, holidays)
    return end


def covers(calendar_: HolidayCalendar | None, year: int, /) -> bool:
    """Does the calendar list the rest days of ``year``?"""
    return calendar_ is not None and (not calendar_.years or year in calendar_.years)


def calendar_check(day: dt.date | None, calendar_: HolidayCalendar | None, /) -> str:
    """``""`` when ``day``'s year is in the calendar, else ``"未核实：缺少YYYY年节假日日历"``.

    A period whose last day falls in a year without a calendar is not moved (see the module
    docstring); this says so beside the date.

    Examples
    --------
    >>> calendar_check(dt.date(2025, 10, 1), None)
    '未核实：缺少2025年节假日日历'
    >>> calendar_check(dt.date(2024, 10, 1), read_holidays("sample_data/holidays/china_2024.toml"))
    ''
    """
    if day is None or covers(calendar_, day.year):
        return ""
    return f"未核实：缺少{day.year}年节假日日历"


_PRECISIONS = {"month", "year"}


def date_interval(value: Any, precision: Any = None, /) -> tuple[dt.date, dt.date] | None:
    """The days a recorded date may stand for: ``(day, day)`` when exact, the whole month or year else.

    Parameters
    ----------
    value : date-like
        The date as read (the first day of the period for an imprecise date).
    precision : {"month", "year"} or None
        The companion ``X_precision`` value; missing means exact.

    Raises
    ------
    ValueError
        (:class:`~landkit.errors.DataFormatError`) for a precision other than month or year.

    Examples
    --------
    >>> date_interval("2023-10-01", "month")
    (datetime.date(2023, 10, 1), datetime.date(2023, 10, 31))
    >>> date_interval("2023-01-01", "year")[1], date_interval("2023-05-06")
    (datetime.date(2023, 12, 31), (datetime.date(2023, 5, 6), datetime.date(2023, 5, 6)))
    """
    day = to_date(value)
    if day is None:
        return None
    p = (
        None
        if precision is None or (not isinstance(precision, str) and pd.isna(precision))
        else str(precision)
    )
    if p in (None, "", "day", "exact"):
        return day, day
    if p not in _PRECISIONS:
        raise DataFormatError(
            f"date precision {p!r}: expected 'month' or 'year' (or empty for an exact date)"
        )
    if p == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def day_after_period(
    start: dt.date,
    /,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    holidays: HolidayCalendar | None = None,
) -> dt.date:
    """First day after the period of :func:`period_end` (e.g. the first day land is idle).

    Examples
    --------
    >>> day_after_period(dt.date(2022, 3, 15), years=1)
    datetime.date(2023, 3, 16)
    """
    return period_end(start, years=years, months=months, days=days, holidays=holidays) + dt.timedelta(days=1)


def full_years(start: dt.date, as_of: dt.date, /, *, holidays: HolidayCalendar | None = None) -> int:
    """Whole years after ``start`` whose period (arts. 201–203) has ended before ``as_of``.

    On the anniversary day itself the year is still running (it ends at 24:00); from the next day
    it is full. With ``holidays`` a last day that is a rest day moves to the next working day.

    Examples
    --------
    >>> leap = dt.date(2020, 2, 29)
    >>> full_years(leap, dt.date(2021, 2, 28)), full_years(leap, dt.date(2021, 3, 1))
    (0, 1)
    """
    if as_of <= start:
        return 0
    n = as_of.year - start.year + 1
    while n > 0 and as_of < day_after_period(start, years=n, holidays=holidays):
        n -= 1
    return n

"""供而未用: the post-supply watchlist — overdue handover, start and completion, and idle suspicion.

疑似闲置 comes from :func:`landkit.assess_idle` (the 53号令 arithmetic lives there only); 闲置 and
低效 (and 疑似低效) come from the parcel register's categories and status when ``parcels`` is given.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import LandkitWarning
from ..rules import assess_idle
from ..rules.dates import HolidayCalendar, next_working_day, to_calendar
from ..schema import has_category
from ._config import load_settings
from ._dates import as_day, last_day

__all__ = ["MILESTONES", "WATCH_LABELS", "WATCH_STATUSES", "post_supply_watch"]

#: Milestone → (agreed column, actual column, status when overdue).
MILESTONES = {
    "delivery": ("agreed_delivery_date", "actual_delivery_date", "逾期交地"),
    "start": ("agreed_start_date", "actual_start_date", "逾期开工"),
    "completion": ("agreed_completion_date", "actual_completion_date", "逾期竣工"),
}
#: Watch statuses, least to most severe (the packaged settings may reorder them).
WATCH_STATUSES = ("正常", "逾期交地", "逾期开工", "逾期竣工", "疑似低效", "低效", "疑似闲置", "闲置")
#: Output columns of :func:`post_supply_watch` → Chinese labels.
WATCH_LABELS = {
    "supervision_no": "电子监管号",
    "parcel_id": "宗地代码",
    "supply_method": "供地方式",
    "contract_date": "合同签订日期",
    "watch_status": "监管状态",
    "overdue_delivery_days": "逾期交地天数",
    "overdue_start_days": "逾期开工天数",
    "overdue_completion_days": "逾期竣工天数",
    "idle_since": "疑似闲置起始日",
    "watch_flags": "全部情形",
    "watch_note": "说明",
}
_ACTIVE = ("suspected", "identified", "in_disposal", "for_sale")


def _deadlines(days: pd.Series, calendar: HolidayCalendar | None) -> tuple[pd.Series, pd.Series]:
    """Milestone days moved off rest days where the calendar covers the year (民法典 第二百零三条);
    elsewhere a weekend day is kept and noted as unverified. One computation per distinct day."""
    moved: dict[pd.Timestamp, pd.Timestamp] = {}
    notes: dict[pd.Timestamp, str] = {}
    for day in pd.unique(days.dropna()):
        ts = pd.Timestamp(day)
        d = ts.date()
        if calendar is not None and d.year in calendar.years:
            moved[ts], notes[ts] = pd.Timestamp(next_working_day(d, calendar)), ""
        else:
            moved[ts] = ts
            notes[ts] = f"{d}为周末，未核验：无{d.year}年节假日安排" if d.weekday() >= 5 else ""
    return pd.to_datetime(days.map(moved)), days.map(notes).fillna("")


def _overdue(
    supplies: pd.DataFrame, milestone: str, day: dt.date, calendar: HolidayCalendar | None
) -> tuple[pd.Series, pd.Series]:
    """Days overdue for one milestone (0 when met or not yet due, <NA> when unknown) and notes."""
    agreed_col, actual_col, label = MILESTONES[milestone]
    days = pd.Series(pd.NA, index=supplies.index, dtype="Int64")
    notes = pd.Series("", index=supplies.index, dtype=object)
    if agreed_col not in supplies:
        return days, notes
    ts = pd.Timestamp(day)
    start, _ = _deadlines(pd.to_datetime(supplies[agreed_col]), calendar)
    end, end_note = _deadlines(last_day(supplies, agreed_col), calendar)
    done = pd.to_datetime(supplies[actual_col]).notna() if actual_col in supplies else start.isna() & False
    late = start.notna() & ~done & (ts > end)
    days[(start.notna() & (done | (ts <= start))).to_numpy()] = 0
    days[late.to_numpy()] = (ts - end[late]).dt.days.to_numpy()
    notes[late.to_numpy()] = end_note[late].to_numpy()
    between = start.notna() & ~done & (ts > start) & (ts <= end)
    notes[between.to_numpy()] = f"约定{label[2:]}日期不精确，未知——需要精确日期"
    return days, notes


def _idle_suspects(supplies: pd.DataFrame, day: dt.date, calendar: HolidayCalendar | None) -> pd.DataFrame:
    """53号令 not-started/stalled arithmetic for supplied land, via :func:`assess_idle`."""
    frame = supplies.reindex(
        columns=["supply_method", "agreed_start_date", "actual_start_date", "land_price", "stop_date"]
    )
    for c in supplies.columns:
        if c.endswith("_precision"):
            frame[c] = supplies[c]
    frame["ownership"] = "国有"  # supply records are state-owned construction land by definition
    started = (
        pd.to_datetime(supplies["actual_start_date"]).notna() if "actual_start_date" in supplies else False
    )
    completed = (
        pd.to_datetime(supplies["actual_completion_date"]).notna()
        if "actual_completion_date" in supplies
        else False
    )
    frame["construction_status"] = np.where(
        completed, "completed", np.where(started, "under_construction", "not_started")
    )
    with warnings.catch_warnings():  # calendar gaps are noted per row by post_supply_watch instead
        warnings.filterwarnings(
            "ignore", message=".*outside the (years of the )?holiday calendar", category=LandkitWarning
        )
        return assess_idle(frame, as_of=day, holidays=calendar)


def _register_flags(supplies: pd.DataFrame, parcels: pd.DataFrame | None) -> pd.DataFrame:
    """闲置/疑似闲置/低效/疑似低效 from the parcel register, matched on 宗地代码."""
    flags = pd.DataFrame(False, index=supplies.index, columns=["闲置", "疑似闲置", "低效", "疑似低效"])
    if parcels is None or "parcel_id" not in supplies or "parcel_id" not in parcels:
        return flags
    reg = parcels.drop_duplicates("parcel_id").set_index("parcel_id")
    status = (
        supplies["parcel_id"].map(reg["status"]) if "status" in reg else pd.Series(None, index=supplies.index)
    )
    cats = (
        supplies["parcel_id"].map(reg["categories"])
        if "categories" in reg
        else pd.Series(None, index=supplies.index)
    )
    active = status.isin(_ACTIVE)
    suspected = status == "suspected"
    idle, low = has_category(cats, "idle") & active, has_category(cats, "low_efficiency") & active
    flags["闲置"], flags["疑似闲置"] = idle & ~suspected, idle & suspected
    flags["低效"], flags["疑似低效"] = low & ~suspected, low & suspected
    return flags


def post_supply_watch(
    supplies: pd.DataFrame,
    /,
    *,
    as_of: object,
    holidays: HolidayCalendar | str | Path | None = None,
    parcels: pd.DataFrame | None = None,
    config: str | Path | None = None,
) -> pd.DataFrame:
    """One row per supply with its watch status and days overdue for each milestone.

    Parameters
    ----------
    supplies : DataFrame
        Supply records (:func:`read_supplies`): ``agreed_delivery_date``, ``agreed_start_date``,
        ``agreed_completion_date`` and the matching ``actual_*`` dates where known.
    as_of : date or str
        The day of the check. A milestone is overdue from the day after its deadline.
    holidays : HolidayCalendar or path, optional
        A deadline on a rest day moves to the next working day (民法典 第二百零三条) in the years the
        calendar covers — so a 调休 working Sunday (2024-02-18) stays a deadline. Outside them a
        weekend deadline is used as agreed and noted "未核验：无YYYY年节假日安排".
    parcels : DataFrame, optional
        The parcel register (``parcel_id``, ``categories``, ``status``) for 闲置/低效 statuses.
    config : path, optional
        Indicator settings (the severity order of the statuses).

    Returns
    -------
    DataFrame
        Aligned on ``supplies.index``: ``watch_status`` (the most severe of
        :data:`WATCH_STATUSES` that applies), ``watch_flags`` (all of them), ``overdue_*_days``
        (``<NA>`` when unknown: no agreed date, or an imprecise one), ``idle_since`` and
        ``watch_note``; see :data:`WATCH_LABELS`.

    Examples
    --------
    >>> s = pd.DataFrame({"supply_method": ["出让"], "agreed_start_date": pd.to_datetime(["2024-02-18"]),
    ...                   "agreed_delivery_date": pd.to_datetime(["2023-12-01"]),
    ...                   "actual_delivery_date": pd.to_datetime(["2023-12-01"])})
    >>> w = post_supply_watch(s, as_of="2024-02-20", holidays="sample_data/holidays/china_2024.toml")
    >>> w.loc[0, "watch_status"], int(w.loc[0, "overdue_start_days"])
    ('逾期开工', 2)
    """
    day = as_day(as_of)
    calendar = to_calendar(holidays)
    order = list(load_settings(config)["watch"]["statuses"])
    flags = _register_flags(supplies, parcels)
    out = pd.DataFrame(index=supplies.index)
    for c in ("supervision_no", "parcel_id", "supply_method", "contract_date"):
        if c in supplies:
            out[c] = supplies[c]
    notes = pd.Series("", index=supplies.index, dtype=object)
    for milestone, (_, _, label) in MILESTONES.items():
        days, note = _overdue(supplies, milestone, day, calendar)
        out[f"overdue_{milestone}_days"] = days
        flags[label] = (days > 0).fillna(False).to_numpy()
        notes = notes.str.cat(note, sep="；").str.strip("；")
    idle = _idle_suspects(supplies, day, calendar)
    suspect = idle["idle_basis"].isin(["not_started", "stalled"]).to_numpy()
    flags["疑似闲置"] |= suspect & ~flags["闲置"].to_numpy()
    out["idle_since"] = idle["idle_since"].where(suspect)
    years = calendar.years if calendar is not None else frozenset()
    unverified = suspect & ~out["idle_since"].dt.year.isin(list(years)).to_numpy()
    notes[unverified] = (notes[unverified] + "；疑似闲置起始日未按节假日安排核验").str.lstrip("；")
    ranked = [s for s in reversed(order) if s in flags.columns]
    out["watch_status"] = flags[ranked].idxmax(axis=1).where(flags[ranked].any(axis=1), "正常")
    joined = pd.Series("", index=flags.index, dtype=object)
    for name in ranked:
        joined = joined.where(~flags[name], joined + "、" + name)
    out["watch_flags"] = joined.str.lstrip("、").replace("", "正常")
    out["watch_note"] = notes
    return out

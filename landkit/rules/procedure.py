"""Deadlines of the idle-land procedure (《闲置土地处置办法》 arts. 5, 10, 15, 17, 18).

The procedure is a chain of events; each event opens the next step, some within a window of days:

====================  =====================================================  ======  =======
event                 next step                                              window  article
====================  =====================================================  ======  =======
found                 investigation, 《闲置土地调查通知书》                     30 d    Art. 5
investigation_notice  holder hands in facts and reasons                      30 d    Art. 5
identification        public disclosure until disposal ends                  —       Art. 10
hearing_notice        hearing on request, then the decision                  —       Art. 15
fee_decision          pay the 土地闲置费                                      30 d    Art. 17
recovery_decision     cancel the registration, hand back the certificate     30 d    Art. 17
overdue               cancellation by notice or court enforcement            —       Art. 18
====================  =====================================================  ======  =======

Windows run from the day after the event (民法典 art. 201); when the last day is a statutory rest
day the deadline moves to the next working day (art. 203), using a calendar the user supplies.
Without a calendar for the last day's year nothing is moved — a weekend may be a 调休 working day —
and ``proc_date_check`` says "未核实：缺少YYYY年节假日日历". The table itself lives in
``statute_53.toml``. Art. 18 enforcement has its own gate: :func:`landkit.rules.enforcement_gate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ._config import load_statute
from .dates import HolidayCalendar, calendar_check, date_interval, period_end, to_calendar, to_date

__all__ = ["PROCEDURE_COLUMNS", "procedure_deadlines", "procedure_steps"]

#: Output columns of :func:`procedure_deadlines` → Chinese labels.
PROCEDURE_COLUMNS: dict[str, str] = {
    "proc_event": "程序节点",
    "proc_event_label": "节点名称",
    "proc_next": "下一环节",
    "proc_action": "应办事项",
    "proc_days": "期限(日)",
    "proc_last_day": "期间末日(未顺延)",
    "proc_deadline": "截止日",
    "proc_shifted": "因休假日顺延",
    "proc_date_check": "日期核实",
    "proc_article": "依据条款",
}


def procedure_steps(statute: str | Path | None = None, /) -> pd.DataFrame:
    """The procedure table (one row per event) from ``statute_53.toml``.

    Examples
    --------
    >>> int(procedure_steps().loc["fee_decision", "days"])
    30
    """
    rows = load_statute(statute)["procedure"]
    table = pd.DataFrame(rows).set_index("event")
    table["days"] = table["days"].astype("Int64")
    return table


def procedure_deadlines(
    events: pd.DataFrame,
    /,
    *,
    holidays: HolidayCalendar | str | Path | None,
    event_column: str = "event",
    date_column: str = "date",
    statute: str | Path | None = None,
) -> pd.DataFrame:
    """Deadline of the step each procedure event opens.

    Parameters
    ----------
    events : DataFrame
        One row per event with ``event`` (a key such as ``fee_decision`` or its Chinese label
        such as ``送达《征缴土地闲置费决定书》``) and ``date`` (the day the document was served or
        the fact was found).
    holidays : HolidayCalendar, path or None
        Statutory rest days (e.g. ``sample_data/holidays/china_2024.toml``). ``None`` (or a year
        the calendar does not cover) means no shift at all, reported in ``proc_date_check`` — pass
        it explicitly, since Chinese holidays and make-up working days change the answer.
    event_column, date_column : str
        Column names in ``events``.
    statute : path, optional
        A replacement for the bundled ``statute_53.toml``.

    Returns
    -------
    DataFrame
        Aligned on ``events.index`` with :data:`PROCEDURE_COLUMNS`. Events with no window get no
        deadline; unknown events get ``proc_next`` = ``None`` and ``proc_action`` = ``未知程序节点``.
        An event date known only to the month or year (``<date_column>_precision``) gets no
        deadline and ``proc_date_check`` = ``未知——需要精确日期…``.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"event": ["fee_decision"], "date": ["2024-09-01"]})
    >>> d = procedure_deadlines(ev, holidays="sample_data/holidays/china_2024.toml")
    >>> str(d.loc[0, "proc_last_day"].date()), str(d.loc[0, "proc_deadline"].date())
    ('2024-10-01', '2024-10-08')
    """
    steps = procedure_steps(statute)
    by_label = {str(lbl): str(ev) for ev, lbl in steps["label"].items()}
    calendar = to_calendar(holidays)
    rows: list[dict[str, Any]] = []
    precision_col = f"{date_column}_precision"
    precisions = events[precision_col] if precision_col in events else [None] * len(events)
    for raw, when, precision in zip(events[event_column], events[date_column], precisions, strict=True):
        key = str(raw).strip() if raw is not None else ""
        key = key if key in steps.index else by_label.get(key, "")
        day = to_date(when)
        if not key:
            rows.append({"proc_event": raw, "proc_action": "未知程序节点"})
            continue
        step = steps.loc[key]
        row: dict[str, Any] = {
            "proc_event": key,
            "proc_event_label": step["label"],
            "proc_next": step["next"],
            "proc_action": step["action"],
            "proc_days": step["days"],
            "proc_article": f"《闲置土地处置办法》{step['article']}",
        }
        span = date_interval(when, precision)
        if span is not None and span[0] != span[1] and not pd.isna(step["days"]):
            row["proc_date_check"] = (
                f"未知——需要精确日期（{date_column}只精确到{'月' if precision == 'month' else '年'}）"
            )
        elif day is not None and not pd.isna(step["days"]):
            last = period_end(day, days=int(step["days"]))
            deadline = period_end(day, days=int(step["days"]), holidays=calendar)
            row.update(
                proc_last_day=last,
                proc_deadline=deadline,
                proc_shifted=deadline != last,
                proc_date_check=calendar_check(last, calendar),
            )
        rows.append(row)
    out = pd.DataFrame(rows, index=events.index).reindex(columns=list(PROCEDURE_COLUMNS))
    for c in ("proc_last_day", "proc_deadline"):
        out[c] = pd.to_datetime(out[c].astype(object))
    out["proc_days"] = out["proc_days"].astype("Int64")
    out["proc_shifted"] = out["proc_shifted"].astype("boolean")
    out["proc_date_check"] = out["proc_date_check"].astype(object).where(out["proc_date_check"].notna(), "")
    return out

"""The 第十八条 gate of 《闲置土地处置办法》: when a fee or recovery decision may be enforced.

Art. 18 allows enforcement (direct public cancellation of the registration and certificate, or an
application to the court) only when the holder **both**

- did not apply for 行政复议 nor sue (行政诉讼) within the time limit, **and**
- did not perform (pay the fee / surrender the land; Art. 17 gives 30 days from service).

The time limits are not in 53号令: 60 days for 行政复议 (《行政复议法》2023 第二十条) and six months for
a lawsuit (《行政诉讼法》第四十六条), counted here from the day the decision was served (the day the
holder knew of it). They live in ``statute_53.toml`` ``[enforcement]``; not checked against
``../shared/DOMAIN.md`` §7 — a bureau lawyer should confirm them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ._config import load_statute
from .dates import HolidayCalendar, calendar_check, period_end, to_calendar, to_date

__all__ = ["ENFORCEMENT_COLUMNS", "enforcement_gate"]

#: Output columns of :func:`enforcement_gate` → Chinese labels.
ENFORCEMENT_COLUMNS: dict[str, str] = {
    "enforce_allowed": "可强制执行",
    "enforce_from": "最早可强制执行日",
    "enforce_date_check": "日期核实",
    "enforce_note": "说明",
}
_YES = {"true", "1", "是", "yes", "y", "已履行", "已申请"}
_NO = {"false", "0", "否", "no", "n", "未履行", "未申请"}


def _flag(v: Any) -> bool | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, bool):
        return v
    t = str(v).strip().lower()
    return True if t in _YES else False if t in _NO else None


def _one(
    served: dt.date | None,
    performed: bool | None,
    challenged: bool | None,
    *,
    as_of: dt.date,
    rules: dict[str, Any],
    cal: HolidayCalendar | None,
) -> dict[str, Any]:
    if served is None:
        return {"enforce_note": "缺少决定书送达日期，无法判断（第十八条）"}
    if challenged:
        return {
            "enforce_allowed": False,
            "enforce_note": "已申请行政复议或提起行政诉讼，待其结论（第十八条）",
        }
    if performed:
        return {"enforce_allowed": False, "enforce_note": "已履行决定（第十七条），无需强制执行"}
    limits = rules.get("enforcement") or load_statute()["enforcement"]
    lasts = [
        period_end(served, days=30, holidays=cal),  # 第十七条: pay / surrender within 30 days
        period_end(served, days=int(limits["reconsideration_days"]), holidays=cal),
        period_end(served, months=int(limits["lawsuit_months"]), holidays=cal),
    ]
    start = max(lasts) + dt.timedelta(days=1)
    check = "；".join(sorted({c for c in (calendar_check(d, cal) for d in lasts) if c}))
    out: dict[str, Any] = {"enforce_from": start, "enforce_date_check": check}
    if as_of < start:
        return out | {
            "enforce_allowed": False,
            "enforce_note": f"复议、诉讼期限至{start - dt.timedelta(days=1)}届满；"
            "届满后未复议、未起诉且仍不履行的方可强制执行",
        }
    missing = [w for w, v in (("是否履行", performed), ("是否申请复议或起诉", challenged)) if v is None]
    if missing:
        return out | {"enforce_note": f"未记录{'、'.join(missing)}，无法判断（第十八条）"}
    return out | {
        "enforce_allowed": True,
        "enforce_note": "法定期限内未申请行政复议、未提起行政诉讼且不履行：可直接公告注销登记和土地权利证书，"
        "或申请人民法院强制执行（第十八条）",
    }


def enforcement_gate(
    decisions: pd.DataFrame,
    /,
    *,
    as_of: dt.date | str,
    holidays: HolidayCalendar | str | Path | None = None,
    served_column: str = "served_date",
    performed_column: str = "performed",
    challenged_column: str = "challenged",
    statute: str | Path | None = None,
) -> pd.DataFrame:
    """May each served fee or recovery decision be enforced under Art. 18 on ``as_of``?

    Parameters
    ----------
    decisions : DataFrame
        One row per decision: the day it was served, whether the holder performed (paid /
        surrendered) and whether they applied for 行政复议 or sued (bool or 是/否; missing = unknown).
    as_of : date or str
        The day of the question.
    holidays : HolidayCalendar or path, optional
        Rest days for the windows' last days (see :mod:`landkit.rules.dates`).
    served_column, performed_column, challenged_column : str
        Column names in ``decisions``.
    statute : path, optional
        A replacement for the bundled ``statute_53.toml``.

    Returns
    -------
    DataFrame
        Aligned on ``decisions.index`` with :data:`ENFORCEMENT_COLUMNS`: ``enforce_allowed``
        (nullable bool: ``<NA>`` when a fact is missing), ``enforce_from`` (the day after the last
        window ends), ``enforce_date_check`` and ``enforce_note``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"served_date": ["2024-03-01", "2024-03-01", "2024-03-01"],
    ...                   "performed": [False, False, None], "challenged": [False, True, False]})
    >>> g = enforcement_gate(d, as_of="2024-12-01", holidays="sample_data/holidays/china_2024.toml")
    >>> g["enforce_allowed"].tolist(), str(g.loc[0, "enforce_from"].date())
    ([True, False, <NA>], '2024-09-03')
    """
    day = to_date(as_of)
    if day is None:
        raise ValueError("as_of must be a date")
    rules = load_statute(statute)
    cal = to_calendar(holidays)

    def col(name: str) -> pd.Series:
        return decisions[name] if name in decisions else pd.Series(None, index=decisions.index, dtype=object)

    rows = [
        _one(to_date(s), _flag(p), _flag(c), as_of=day, rules=rules, cal=cal)
        for s, p, c in zip(col(served_column), col(performed_column), col(challenged_column), strict=True)
    ]
    out = pd.DataFrame(rows, index=decisions.index).reindex(columns=list(ENFORCEMENT_COLUMNS))
    out["enforce_allowed"] = out["enforce_allowed"].astype("boolean")
    out["enforce_from"] = pd.to_datetime(out["enforce_from"].astype(object))
    for c in ("enforce_date_check", "enforce_note"):
        out[c] = out[c].astype(object).where(out[c].notna(), "")
    return out

"""Where each case stands on a day: current step, days in step, next deadline, overdue.

A case's plan is the ordered list of its route's steps. Its **current step** is the first step of
the plan without a live event (one not superseded and not voided) dated on or before ``as_of``. The
step's clock starts on the latest completion date among the steps before it (the opening day for
the first step). Its **deadline** is the end of the step's window counted from that day under
民法典 arts. 201–203 (:func:`landkit.rules.dates.period_end`: the first day not counted, years and
months to the corresponding day, a last day on a rest day moved to the next working day when a
holiday calendar is given), or the step's local target date (``by``), whichever comes first. A case
is **overdue** from the day after its deadline. When every step is done the case is ``cleared`` on
the last step's date; a ``withdrawn`` event ends it without clearing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..rules.dates import HolidayCalendar, period_end, to_calendar
from ..units import MU_M2

__all__ = ["CASE_STATES", "CASE_STATE_COLUMNS", "SPECIAL_EVENTS", "case_states"]

#: Events that are not steps: key → Chinese label.
SPECIAL_EVENTS: dict[str, str] = {"withdrawn": "撤案", "void": "作废（更正）", "note": "备注"}

#: ``state`` values → Chinese labels.
CASE_STATES: dict[str, str] = {"in_progress": "办理中", "cleared": "已盘活", "withdrawn": "已撤案"}

#: Columns of :func:`case_states` → Chinese labels.
CASE_STATE_COLUMNS: dict[str, str] = {
    "case_id": "案件编号",
    "parcel_id": "宗地代码",
    "route": "路径代码",
    "route_label": "盘活路径",
    "lead": "牵头部门",
    "opened": "立案日期",
    "area_mu": "面积(亩)",
    "state": "状态",
    "current_step": "当前步骤代码",
    "current_label": "当前步骤",
    "step_lead": "步骤责任部门",
    "step_start": "步骤起算日",
    "days_in_step": "本步骤已用天数",
    "deadline": "办理期限",
    "overdue": "逾期",
    "days_overdue": "逾期天数",
    "steps_done": "已完成步骤",
    "steps_total": "步骤总数",
    "cleared_date": "盘活日期",
}

_NS = "datetime64[ns]"


def _plan_table(cases: pd.DataFrame) -> pd.DataFrame:
    """One row per case × plan step (plans repeat: each distinct plan is parsed once)."""
    codes, uniques = pd.factorize(cases["plan"])
    parsed = [json.loads(p) for p in uniques]
    lengths = np.array([len(p) for p in parsed])[codes]
    flat = pd.DataFrame([dict(s, pos=i) for p in parsed for i, s in enumerate(p)])
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in parsed])])
    take = (
        np.concatenate([np.arange(offsets[c], offsets[c + 1]) for c in codes])
        if len(codes)
        else np.array([], int)
    )
    steps = (
        flat.iloc[take].reset_index(drop=True)
        if len(take)
        else pd.DataFrame(columns=["key", "label", "lead", "days", "months", "years", "by", "pos"])
    )
    steps["case_id"] = np.repeat(cases["case_id"].to_numpy(), lengths)
    return steps


def _live_events(events: pd.DataFrame, day: np.datetime64) -> pd.DataFrame:
    sup = pd.to_numeric(events["supersedes"], errors="coerce")
    live = events[~events["event_id"].isin(set(sup.dropna().astype(int))) & (events["event"] != "void")]
    dates = pd.to_datetime(live["date"]).to_numpy(dtype=_NS)
    return live.assign(date=dates)[dates <= day]


def _deadlines(start: np.ndarray, steps: pd.DataFrame, cal: HolidayCalendar | None) -> np.ndarray:
    out = np.full(len(start), np.datetime64("NaT"), dtype=_NS)
    win = steps[["days", "months", "years"]].fillna(0).to_numpy(int)
    by = pd.to_datetime(steps["by"]).to_numpy(dtype=_NS)
    cache: dict[tuple[object, int, int, int], np.datetime64] = {}
    for k in np.flatnonzero(~np.isnat(start)):
        d, m, y = (int(v) for v in win[k])
        if d or m or y:
            key = (start[k], d, m, y)
            if key not in cache:
                s = pd.Timestamp(start[k]).date()
                cache[key] = np.datetime64(period_end(s, years=y, months=m, days=d, holidays=cal), "ns")
            out[k] = cache[key]
        if not np.isnat(by[k]) and (np.isnat(out[k]) or by[k] < out[k]):
            out[k] = by[k]
    return out


def case_states(
    cases: pd.DataFrame,
    events: pd.DataFrame,
    /,
    *,
    as_of: dt.date | str,
    holidays: HolidayCalendar | str | Path | None = None,
) -> pd.DataFrame:
    """Compute each case's state on ``as_of`` from stored case rows and events (see module docstring).

    Cases opened after ``as_of`` are left out. Returns one row per case with
    :data:`CASE_STATE_COLUMNS` (plus ``area_m2``), ``attrs["labels"]`` holding the Chinese headers.
    """
    day = pd.Timestamp(as_of).normalize().to_datetime64().astype(_NS)
    cal = to_calendar(holidays)
    cases = cases.assign(opened=pd.to_datetime(cases["opened"]).to_numpy(dtype=_NS))
    cases = cases[cases["opened"].to_numpy() <= day].reset_index(drop=True)
    live = _live_events(events, day)
    steps = _plan_table(cases)
    done = live.groupby(["case_id", "event"])["date"].max()
    idx = pd.MultiIndex.from_arrays([steps["case_id"].to_numpy(), steps["key"].to_numpy()])
    steps["done"] = done.reindex(idx).to_numpy(dtype=_NS)
    opened = cases.set_index("case_id")["opened"]
    steps["prev"] = steps.groupby("case_id")["done"].cummax().groupby(steps["case_id"]).shift(1)
    steps["prev"] = steps["prev"].fillna(steps["case_id"].map(opened))
    steps["is_done"] = steps["done"].notna()
    current = steps[~steps["is_done"]].groupby("case_id").head(1).set_index("case_id")
    n_done = steps.groupby("case_id")["is_done"].sum()
    n_all = steps.groupby("case_id").size()
    last = steps.groupby("case_id")["done"].max()
    withdrawn = set(live.loc[live["event"] == "withdrawn", "case_id"])
    out = cases[["case_id", "parcel_id", "route", "route_label", "lead", "opened", "area_m2"]].copy()
    out["area_mu"] = out["area_m2"].astype(float) / MU_M2
    cid = out["case_id"]
    cleared = cid.map(n_done).fillna(0).to_numpy() == cid.map(n_all).fillna(0).to_numpy()
    out["state"] = np.where(cid.isin(withdrawn), "withdrawn", np.where(cleared, "cleared", "in_progress"))
    cur = current.reindex(cid.to_numpy())
    running = (out["state"] == "in_progress").to_numpy()
    out["current_step"] = pd.Series(cur["key"].to_numpy(dtype=object), index=out.index).where(running)
    out["current_label"] = pd.Series(cur["label"].to_numpy(dtype=object), index=out.index).where(running)
    out["step_lead"] = pd.Series(cur["lead"].to_numpy(dtype=object), index=out.index).where(running)
    start = np.where(running, cur["prev"].to_numpy(dtype=_NS), np.datetime64("NaT"))
    out["step_start"] = start
    out["days_in_step"] = pd.array(
        np.where(running, (day - start).astype("timedelta64[D]").astype(float), np.nan)
    ).astype("Int64")
    dl = np.where(
        running,
        _deadlines(start, cur.reset_index(drop=True).fillna({"days": 0, "months": 0, "years": 0}), cal),
        np.datetime64("NaT"),
    )
    out["deadline"] = dl
    out["overdue"] = running & ~np.isnat(dl) & (day > dl)
    late = (day - dl).astype("timedelta64[D]").astype(float)
    out["days_overdue"] = pd.array(np.where(out["overdue"], late, np.nan)).astype("Int64")
    out["steps_done"] = cid.map(n_done).fillna(0).astype(int).to_numpy()
    out["steps_total"] = cid.map(n_all).fillna(0).astype(int).to_numpy()
    out["cleared_date"] = np.where(
        out["state"] == "cleared", cid.map(last).to_numpy(dtype=_NS), np.datetime64("NaT")
    )
    for c in ("step_start", "deadline", "cleared_date"):
        out[c] = pd.to_datetime(out[c])
    out = out[[*CASE_STATE_COLUMNS, "area_m2"]]
    out.attrs["labels"] = dict(CASE_STATE_COLUMNS)
    return out

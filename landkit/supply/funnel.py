"""二次招商 funnel: how far each offer got, conversion, median days per stage, stalled leads, per firm."""

from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .pipeline import CLOSED, STAGES, Pipeline, stage_key

__all__ = ["pipeline_report", "write_pipeline_report"]

_ORDER = [s for s in STAGES if s != "dropped"]


def _events(source: Pipeline | pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    ev = source.events() if isinstance(source, Pipeline) else source.copy()
    ev["stage"] = ev["stage"].map(stage_key)
    ev["date"] = pd.to_datetime(ev["date"])
    return ev[ev["date"] <= as_of]


def _funnel(ev: pd.DataFrame) -> pd.DataFrame:
    prog = ev[ev["stage"] != "dropped"].assign(k=lambda f: f["stage"].map(_ORDER.index))
    best = prog.groupby("offer_id")["k"].max()
    reached = [int((best >= i).sum()) for i in range(len(_ORDER))]
    first = prog.groupby(["offer_id", "lead", "k"])["date"].min().unstack("k")
    days = []
    for i in range(len(_ORDER)):
        if i + 1 < len(_ORDER) and i in first and i + 1 in first:
            days.append(float((first[i + 1] - first[i]).dt.days.median()))
        else:
            days.append(np.nan)
    out = pd.DataFrame(
        {"阶段": [STAGES[s] for s in _ORDER], "到达供给数": reached, "距下一阶段中位天数": days}
    )
    prev = np.r_[np.nan, reached[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["较上阶段转化率"] = np.where(prev > 0, np.array(reached) / prev, np.nan)
    return out


def pipeline_report(
    pipeline: Pipeline | pd.DataFrame,
    /,
    *,
    as_of: str | dt.date,
    by: tuple[str, ...] = ("offer", "industry", "source_firm"),
    stalled_days: int = 60,
) -> dict[str, pd.DataFrame]:
    """Funnel, stalled leads and per-group tables of the 二次招商 pipeline on ``as_of``.

    An offer *reaches* a stage when any lead on it got there or further (skipped stages count as
    passed); 放弃 is not a stage reached. A lead is stalled when it is open and its last event is more
    than ``stalled_days`` before ``as_of``.

    Returns
    -------
    dict of DataFrame
        ``漏斗`` (funnel), ``停滞线索`` (stalled leads), and one table per ``by`` key: ``按供给`` (each
        offer's furthest stage), ``按行业``, ``按原企业`` (each re-marketed firm's parcels and their stage).

    Examples
    --------
    >>> ev = pd.DataFrame({"offer_id": ["A", "A", "B", "C", "C"], "lead": ["x", "x", "y", "z", "z"],
    ...                    "stage": ["推介", "看地", "推介", "推介", "放弃"], "note": [None] * 5,
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-02-01",
    ...                                            "2024-03-01", "2024-03-05"]),
    ...                    "industry": None, "source_firm": None})
    >>> pipeline_report(ev, as_of="2024-12-31")["漏斗"]["到达供给数"].tolist()[:4]
    [3, 1, 1, 0]
    """
    day = pd.Timestamp(as_of).normalize()
    ev = _events(pipeline, day).sort_values(["date"], kind="stable")
    out = {"漏斗": _funnel(ev)}
    last = (
        ev.groupby(["offer_id", "lead"])
        .agg(
            last_stage=("stage", "last"),
            last_date=("date", "max"),
            industry=("industry", "last"),
            source_firm=("source_firm", "last"),
        )
        .reset_index()
    )
    open_ = ~last["last_stage"].isin(CLOSED)
    idle = (day - last["last_date"]).dt.days
    stalled = last[open_ & (idle > stalled_days)].assign(停滞天数=idle)
    out["停滞线索"] = stalled.assign(last_stage=stalled["last_stage"].map(STAGES)).rename(
        columns={
            "offer_id": "供给编号",
            "lead": "需求/投资方",
            "last_stage": "最近阶段",
            "last_date": "最近日期",
            "industry": "行业",
            "source_firm": "原企业",
        }
    )
    prog = last.assign(k=last["last_stage"].map(lambda s: -1 if s == "dropped" else _ORDER.index(s)))
    best = prog.sort_values("k").groupby("offer_id").last().reset_index()
    best["最远阶段"] = best.apply(lambda r: "放弃" if r["k"] < 0 else STAGES[_ORDER[int(r["k"])]], axis=1)
    names = {
        "offer": ("按供给", "offer_id"),
        "industry": ("按行业", "industry"),
        "source_firm": ("按原企业", "source_firm"),
    }
    for key in by:
        sheet, col = names[key]
        if key == "offer":
            out[sheet] = best[["offer_id", "source_firm", "最远阶段", "last_date"]].rename(
                columns={"offer_id": "供给编号", "source_firm": "原企业", "last_date": "最近日期"}
            )
        else:
            t = best.dropna(subset=[col]).groupby([col, "最远阶段"]).size().unstack(fill_value=0)
            out[sheet] = t.reset_index().rename(columns={col: "行业" if key == "industry" else "原企业"})
    return out


def _funnel_svg(funnel: pd.DataFrame) -> str:
    top = max(int(funnel["到达供给数"].max()), 1)
    bars = []
    for i, row in enumerate(funnel.itertuples(index=False)):
        w = 600 * row[1] / top
        x = (640 - w) / 2
        bars.append(
            f'<rect x="{x:.1f}" y="{i * 46}" width="{w:.1f}" height="38" fill="#2b7a78"/>'
            f'<text x="320" y="{i * 46 + 25}" text-anchor="middle" fill="#000">'
            f"{html.escape(str(row[0]))}: {int(row[1])}</text>"
        )
    head = f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{46 * len(funnel)}">'
    return head + "".join(bars) + "</svg>"


def write_pipeline_report(
    report: dict[str, pd.DataFrame], path: str | os.PathLike[str], /, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """Write the report as ``<path>.xlsx`` and a self-contained ``<path>.html`` with a funnel chart."""
    from .._atomic import atomic_path
    from .._sheets import write_workbook

    base = Path(path)
    xlsx, page = base.with_suffix(".xlsx"), base.with_suffix(".html")
    from ..errors import OutputExistsError

    for f in (xlsx, page):
        if f.exists() and not overwrite:
            raise OutputExistsError(f"{f} exists; pass overwrite=True to replace it")
    write_workbook(xlsx, report, overwrite=overwrite)
    tables = "".join(
        f"<h2>{html.escape(k)}</h2>{v.astype(object).where(v.notna(), '').to_html(index=False, escape=True)}"
        for k, v in report.items()
    )
    doc = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>二次招商进展</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body><h1>二次招商进展</h1>"
        f"{_funnel_svg(report['漏斗'])}{tables}</body></html>"
    )
    with atomic_path(page, overwrite=overwrite) as tmp:
        Path(tmp).write_text(doc, encoding="utf-8")
    return xlsx, page

"""Case reports: cases by route and department, stuck and overdue steps, cleared 亩 per month.

:func:`case_report` computes the tables (pure, nothing written); :func:`write_case_report` writes
them as an Excel workbook with Chinese headers (through :func:`landkit._sheets.write_workbook`) and a
self-contained HTML page (inline CSS and SVG chart, no external request, every value escaped).
The report is for internal use: it names parcels and departments but no mortgagee or court.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..errors import OutputExistsError
from .book import CaseBook, records
from .options import OPTION_COLUMNS
from .state import CASE_STATE_COLUMNS, CASE_STATES

__all__ = [
    "CaseReport",
    "case_report",
    "case_report_html",
    "options_to_chinese",
    "to_chinese_table",
    "write_case_report",
]

_GROUP_LABELS = {
    "route_label": "盘活路径",
    "route": "路径代码",
    "lead": "牵头部门",
    "state": "状态",
    "step_lead": "步骤责任部门",
}


@dataclass(frozen=True)
class CaseReport:
    """The tables of a case report (see :func:`case_report`)."""

    as_of: dt.date
    cases: pd.DataFrame
    summary: pd.DataFrame
    stuck: pd.DataFrame
    overdue: pd.DataFrame
    cleared_by_month: pd.DataFrame
    stuck_days: int


def _summary(cases: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    keys = ["route_label" if b == "route" else b for b in by]
    bad = [k for k in keys if k not in cases]
    if bad:
        raise ValueError(f"cannot group cases by {bad}; use route, lead, state or step_lead")
    c = cases.assign(
        running=cases["state"] == "in_progress",
        cleared=cases["state"] == "cleared",
        withdrawn=cases["state"] == "withdrawn",
        cleared_mu=cases["area_mu"].where(cases["state"] == "cleared", 0.0),
    )
    g = c.groupby(keys, sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "cases": g.size(),
            "in_progress": g["running"].sum(),
            "cleared": g["cleared"].sum(),
            "withdrawn": g["withdrawn"].sum(),
            "overdue": g["overdue"].sum(),
            "stuck": g["stuck"].sum(),
            "area_mu": g["area_mu"].sum(min_count=1).round(2),
            "cleared_mu": g["cleared_mu"].sum().round(2),
        }
    ).reset_index()
    return out


def case_report(
    book: CaseBook | pd.DataFrame,
    /,
    *,
    as_of: dt.date | str,
    by: Sequence[str] = ("route", "lead"),
    stuck_days: int = 90,
) -> CaseReport:
    """Compute the case report on ``as_of``.

    Parameters
    ----------
    book : CaseBook or DataFrame
        The case book, or a frame from :meth:`CaseBook.cases` already computed.
    as_of : date or str
        The reporting day.
    by : sequence of str
        Grouping of the summary: ``route``, ``lead``, ``state``, ``step_lead``.
    stuck_days : int
        A case is *stuck* when its current step has run longer than this many days.

    Returns
    -------
    CaseReport
        ``cases`` (every case with ``stuck``), ``summary`` (counts and 亩 per group), ``stuck``,
        ``overdue`` (most days over first) and ``cleared_by_month`` (cases cleared and 亩 per month).
    """
    day = pd.Timestamp(as_of).date()
    cases = book.cases(day) if isinstance(book, CaseBook) else book
    cases = cases.assign(
        stuck=(cases["state"] == "in_progress") & (cases["days_in_step"].fillna(0) > stuck_days)
    )
    stuck = (
        cases[cases["stuck"]]
        .sort_values("days_in_step", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    overdue = (
        cases[cases["overdue"]]
        .sort_values("days_overdue", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    done = cases[cases["state"] == "cleared"]
    month = done["cleared_date"].dt.strftime("%Y-%m")
    monthly = (
        done.assign(month=month)
        .groupby("month")
        .agg(cases=("case_id", "size"), cleared_mu=("area_mu", "sum"))
        .reset_index()
    )
    monthly["cleared_mu"] = monthly["cleared_mu"].round(2)
    return CaseReport(day, cases, _summary(cases, by), stuck, overdue, monthly, int(stuck_days))


_SUMMARY_LABELS = {
    "cases": "案件数",
    "in_progress": "办理中",
    "cleared": "已盘活",
    "withdrawn": "已撤案",
    "overdue": "逾期",
    "stuck": "卡滞",
    "area_mu": "面积(亩)",
    "cleared_mu": "已盘活面积(亩)",
    "month": "月份",
}


def to_chinese_table(frame: pd.DataFrame, /) -> pd.DataFrame:
    """A case table (states, summary, monthly) with Chinese headers and values, 亩 to 2 decimals."""
    out = frame.copy()
    if "state" in out:
        out["state"] = out["state"].map(lambda v: CASE_STATES.get(v, v))
    for c in ("overdue", "stuck"):
        if c in out and out[c].dtype == bool:
            out[c] = np.where(out[c], "是", "否")
    for c in ("opened", "step_start", "deadline", "cleared_date"):
        if c in out:
            out[c] = out[c].dt.strftime("%Y-%m-%d").where(out[c].notna(), "")
    for c in ("area_mu", "cleared_mu"):
        if c in out:
            out[c] = out[c].astype(float).round(2)
    out = out.drop(columns=[c for c in ("area_m2",) if c in out])
    labels = {**CASE_STATE_COLUMNS, **_GROUP_LABELS, **_SUMMARY_LABELS, "stuck": "卡滞"}
    return out.rename(columns={c: labels.get(c, c) for c in out.columns})


def options_to_chinese(options: pd.DataFrame, /) -> pd.DataFrame:
    """:func:`~landkit.cases.route_options` output with Chinese headers and values (for export).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"parcel_id": ["X"], "open": [True], "state": ["open"]})
    >>> options_to_chinese(frame).columns.tolist()
    ['宗地代码', '可行', '判断']
    """
    out = options.copy()
    if "open" in out:
        out["open"] = np.where(out["open"].astype(bool), "是", "否")
    if "state" in out:
        out["state"] = out["state"].map({"open": "可行", "blocked": "不满足条件", "unknown": "待核实"})
    return out.rename(columns={c: OPTION_COLUMNS.get(c, c) for c in out.columns})


def _with_total(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with a last 合计 row (counts and 亩 summed; the first key column says 合计)."""
    if summary.empty:
        return summary
    numbers = summary.select_dtypes("number").columns
    total = {c: (summary[c].sum(min_count=1) if c in numbers else "") for c in summary.columns}
    total[summary.columns[0]] = "合计"
    for c in ("area_mu", "cleared_mu"):
        if c in total and pd.notna(total[c]):
            total[c] = round(float(total[c]), 2)
    return pd.concat([summary, pd.DataFrame([total])], ignore_index=True)


def _sheets(report: CaseReport) -> dict[str, pd.DataFrame]:
    return {
        "汇总": to_chinese_table(_with_total(report.summary)),
        "逾期步骤": to_chinese_table(report.overdue.drop(columns=["stuck"])),
        "卡滞案件": to_chinese_table(report.stuck.drop(columns=["stuck"])),
        "每月盘活": to_chinese_table(report.cleared_by_month),
        "全部案件": to_chinese_table(report.cases),
    }


def _table(frame: pd.DataFrame, *, limit: int = 200) -> str:
    if frame.empty:
        return '<p class="none">无</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.head(limit).itertuples(index=False):
        cells = "".join(
            f"<td>{html.escape('' if pd.isna(v) else (f'{v:.2f}' if isinstance(v, float) else str(v)))}</td>"
            for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    more = f'<p class="none">另有 {len(frame) - limit} 行，见 Excel。</p>' if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _chart(monthly: pd.DataFrame) -> str:
    """Bars of cleared 亩 per month as inline SVG."""
    if monthly.empty:
        return '<p class="none">本期无已盘活案件</p>'
    w, h, pad = 640, 220, 40
    top = float(monthly["cleared_mu"].max()) or 1.0
    bw = (w - 2 * pad) / len(monthly)
    bars = []
    for k, r in enumerate(records(monthly)):
        bh = (h - 2 * pad) * float(r.cleared_mu) / top
        x, y = pad + k * bw + 4, h - pad - bh
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw - 8:.1f}" height="{bh:.1f}" fill="#3a7d44">'
            f"<title>{html.escape(str(r.month))}: {float(r.cleared_mu):.2f} 亩</title></rect>"
            f'<text x="{x + (bw - 8) / 2:.1f}" y="{h - pad + 14}" text-anchor="middle">'
            f"{html.escape(str(r.month))}</text>"
            f'<text x="{x + (bw - 8) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">'
            f"{float(r.cleared_mu):.2f}</text>"
        )
    head = f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="每月盘活面积(亩)">'
    return head + "".join(bars) + "</svg>"


_CSS = Path(__file__).with_name("report.css")


def case_report_html(report: CaseReport, /, *, title: str = "烂尾地·抵押地盘活案件报告") -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, every value escaped)."""
    c = report.cases
    done = c["state"] == "cleared"
    figures = (
        f"案件 {len(c)} 件，办理中 {int((c['state'] == 'in_progress').sum())} 件，"
        f"已盘活 {int(done.sum())} 件（{c.loc[done, 'area_mu'].sum():.2f} 亩），"
        f"逾期 {len(report.overdue)} 件，卡滞（本步骤超过 {report.stuck_days} 天） {len(report.stuck)} 件。"
    )
    sheets = _sheets(report)
    sections = [
        ("按路径和部门汇总", _table(sheets["汇总"])),
        ("逾期步骤", _table(sheets["逾期步骤"])),
        ("卡滞案件", _table(sheets["卡滞案件"])),
        ("每月盘活面积(亩)", _chart(report.cleared_by_month) + _table(sheets["每月盘活"])),
    ]
    body = "".join(f"<h2>{html.escape(t)}</h2>{s}" for t, s in sections)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS.read_text(encoding='utf-8')}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="meta">截至 {report.as_of.isoformat()}（内部资料，勿公开）</p>'
        f'<p class="figures">{html.escape(figures)}</p>{body}</body></html>'
    )


def write_case_report(
    report: CaseReport, out_dir: str | os.PathLike[str], /, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """Write ``case_report.xlsx`` and ``case_report.html`` into ``out_dir`` (atomically); return both paths.

    Raises
    ------
    OutputExistsError
        When either file exists and ``overwrite`` is False (nothing is written then).
    """
    from .._sheets import write_workbook

    out = Path(out_dir)
    xlsx, page = out / "case_report.xlsx", out / "case_report.html"
    if not overwrite and (xlsx.exists() or page.exists()):
        raise OutputExistsError(f"{out} already holds a case report; pass overwrite=True (CLI: --overwrite)")
    out.mkdir(parents=True, exist_ok=True)
    text = case_report_html(report)
    write_workbook(xlsx, _sheets(report), overwrite=overwrite)
    with atomic_path(page, overwrite=overwrite, suffix=".html") as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return xlsx, page

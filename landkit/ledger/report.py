"""Progress reports: an Excel 台账 (one sheet per view) and an HTML page with a burn-down chart.

Both writers are atomic (the file appears complete or not at all) and refuse to replace an
existing file unless ``overwrite=True``. Headers are Chinese; the definitions used (baseline,
target, categories, cleared statuses, scope) are written into every report.
"""

from __future__ import annotations

import base64
import html
import io
import os
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from .._atomic import write_text_atomic
from .._sheets import write_workbook
from .._version import __version__
from ..schema import CATEGORIES, STATUSES
from .progress import STATE_LABELS, Progress

__all__ = [
    "FIGURE_LABELS",
    "burndown_figure",
    "progress_tables",
    "write_progress_excel",
    "write_progress_html",
]

#: Chinese headers of the progress figures.
FIGURE_LABELS: dict[str, str] = {
    "as_of": "台账日期",
    "zone": "区域",
    "responsible_unit": "责任单位",
    "baseline_count": "基期宗数",
    "baseline_mu": "基期面积(亩)",
    "new_count": "新增宗数",
    "new_mu": "新增面积(亩)",
    "cleared_count": "已清零宗数",
    "cleared_mu": "已清零面积(亩)",
    "remaining_count": "未清零宗数",
    "remaining_mu": "未清零面积(亩)",
    "disappeared_count": "消失待核实宗数",
    "disappeared_mu": "消失待核实面积(亩)",
    "reclassified_count": "移出范围宗数",
    "reclassified_mu": "移出范围面积(亩)",
    "superseded_count": "分割合并宗数",
    "outstanding_mu": "待清零面积(亩)",
    "reconcile_mu": "核对差额(亩)",
    "counted_mu": "计入面积(亩)",
    "pct_cleared": "清零率(%)",
    "days_left": "剩余天数",
    "plan_mu": "计划剩余面积(亩)",
    "monthly_rate_needed_mu": "每月需清零(亩)",
    "on_track": "进度",
    "parcel_id": "宗地代码",
    "state": "清零状态",
    "status": "处置状态",
    "area_m2": "面积(平方米)",
    "area_mu": "面积(亩)",
    "last_seen": "最后出现台账日期",
    "is_baseline": "基期存量",
    "is_new": "基期后新增",
    "change": "变化代码",
    "change_label": "变化",
    "from_status": "原状态",
    "to_status": "现状态",
    "from_categories": "原类别",
    "to_categories": "现类别",
    "from_area_mu": "原面积(亩)",
    "to_area_mu": "现面积(亩)",
    "previous_ids": "原宗地代码",
}


def _cn_categories(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return "、".join(CATEGORIES.get(t, t) for t in value.split(",") if t)


def _chinese(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in ("as_of", "last_seen"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    if "on_track" in out.columns:
        out["on_track"] = out["on_track"].map({True: "正常", False: "滞后"})
    for col in ("status", "from_status", "to_status"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: STATUSES.get(v, v))
    for col in ("from_categories", "to_categories"):
        if col in out.columns:
            out[col] = out[col].map(_cn_categories)
    if "state" in out.columns:
        out["state"] = out["state"].map(lambda v: STATE_LABELS.get(v, v))
    for col in ("is_baseline", "is_new"):
        if col in out.columns:
            out[col] = out[col].map({True: "是", False: "否"})
    if "change_label" in out.columns:
        out = out.drop(columns=["change"])
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(2)
    return out.rename(columns=FIGURE_LABELS)


def _settings_rows(progress: Progress) -> list[tuple[str, str]]:
    s = progress.settings
    return [
        ("台账", str(s.get("ledger", ""))),
        ("范围", str(s.get("scope", "全部"))),
        ("类别", "、".join(CATEGORIES.get(c, c) for c in s.get("categories", ()))),
        ("计为清零的状态", "、".join(STATUSES.get(c, c) for c in s.get("cleared_statuses", ()))),
        ("基期台账日期", str(s.get("baseline", ""))),
        ("目标日期", str(s.get("target_date", ""))),
        ("目标剩余面积(亩)", f"{s.get('target_mu', 0.0):g}"),
        (
            "口径",
            "待清零 = 未清零 + 消失待核实;新增 = 基期后新列入且非基期宗地分割合并而来;"
            "消失待核实宗地不计为清零;计划线为基期面积到目标的直线;"
            "分割合并后的宗地沿原宗地计,按现面积比例承接原宗地的列入面积;"
            "每张表均满足 基期 + 新增 = 已清零 + 未清零 + 移出范围 + 消失待核实(核对差额为0)。",
        ),
    ]


def progress_tables(progress: Progress, /, *, changes: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The report views as DataFrames with Chinese headers, keyed by sheet name.

    Examples
    --------
    Sheet names: 说明, 进度汇总, 分区进度 (when zones were given), 责任单位进度, 宗地清零状态,
    消失待核实, 变化明细 (when ``changes`` is given).
    """
    tables: dict[str, pd.DataFrame] = {
        "说明": pd.DataFrame(_settings_rows(progress), columns=["项目", "内容"])
    }
    tables["进度汇总"] = _chinese(progress.summary.reset_index())
    if progress.by_zone is not None:
        tables["分区进度"] = _chinese(progress.by_zone)
    tables["责任单位进度"] = _chinese(progress.by_unit)
    tables["宗地清零状态"] = _chinese(progress.parcels)
    tables["消失待核实"] = _chinese(progress.disappeared)
    if changes is not None:
        tables["变化明细"] = _chinese(changes)
    return tables


def write_progress_excel(
    progress: Progress,
    path: str | os.PathLike[str],
    /,
    *,
    changes: pd.DataFrame | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the progress as an Excel 台账, one sheet per view (see :func:`progress_tables`).

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, pathlib, tempfile
    >>> from shapely.geometry import box
    >>> from landkit.ledger import Ledger
    >>> reg = gpd.GeoDataFrame(
    ...     {"parcel_id": ["431281101001GB00001"], "status": ["identified"], "categories": ["idle"]},
    ...     geometry=[box(400000, 3010000, 400100, 3010100)], crs=4546)
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> _ = ledger.record(reg, as_of="2024-03-31", source="县局台账")
    >>> _ = ledger.record(reg.assign(status="revitalized"), as_of="2024-06-30", source="县局台账")
    >>> p = ledger.progress(baseline="2024-03-31", target_date="2024-12-31")
    >>> out = write_progress_excel(p, pathlib.Path(tempfile.mkdtemp()) / "清零进度.xlsx")
    >>> list(pd.read_excel(out, sheet_name=None))[:2]
    ['说明', '进度汇总']
    """
    tables = progress_tables(progress, changes=changes)
    return write_workbook(path, tables, overwrite=overwrite, fit_columns=True)


def burndown_figure(progress: Progress, /) -> Any:
    """A matplotlib Figure: outstanding area (亩) per snapshot date vs the straight plan line.

    Text on the figure is ASCII only (dates, numbers): the Chinese legend lives in the HTML,
    so no CJK font is needed where reports are written.
    """
    from matplotlib.figure import Figure  # no pyplot: the caller's backend is left alone

    s = progress.summary
    base, deadline = progress.settings["baseline"], progress.settings["target_date"]
    target = float(progress.settings.get("target_mu", 0.0))
    dates = pd.to_datetime(pd.Series(list(s.index)))
    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.plot(dates, s["outstanding_mu"].to_numpy(), marker="o", color="#c62828", linewidth=2.5)
    start = float(s["baseline_mu"].iloc[0])
    ax.plot(pd.to_datetime([base, deadline]), [start, target], linestyle="--", color="#1565c0")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _table_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p>无。</p>"
    return df.to_html(index=False, escape=True, border=0, na_rep="")


def write_progress_html(
    progress: Progress,
    path: str | os.PathLike[str],
    /,
    *,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a self-contained HTML report: verdict, definitions, burn-down chart, tables.

    The chart is an SVG embedded as base64; the page makes no external request. The default
    title names the county of the current profile (``洪江市闲置低效用地清零进度``).

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.
    """
    if title is None:
        from ..profile import current

        title = f"{current().name}闲置低效用地清零进度"
    fig = burndown_figure(progress)
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    chart = base64.b64encode(buf.getvalue()).decode("ascii")
    latest = progress.latest
    verdict = (
        f"{latest.name}: 待清零 {latest['outstanding_mu']:.2f} 亩,计划 {latest['plan_mu']:.2f} 亩,"
        f"清零率 {latest['pct_cleared']:.1f}% — {'进度正常' if latest['on_track'] else '进度滞后'}"
    )
    settings = (
        "<dl>"
        + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in _settings_rows(progress))
        + "</dl>"
    )
    tables = progress_tables(progress)
    last_day = progress.summary.index[-1]

    def latest_only(df: pd.DataFrame | None) -> str:
        if df is None:
            return "<p>未指定分区。</p>"
        return _table_html(_chinese(df[df["as_of"] == last_day]))

    template = Template(resources.files("landkit.ledger").joinpath("report.html").read_text(encoding="utf-8"))
    page = template.substitute(
        title=html.escape(title),
        verdict=html.escape(verdict),
        verdict_class="on_track" if latest["on_track"] else "behind",
        settings=settings,
        chart=chart,
        summary=_table_html(tables["进度汇总"]),
        by_zone=latest_only(progress.by_zone),
        by_unit=latest_only(progress.by_unit),
        disappeared=_table_html(tables["消失待核实"]),
        version=html.escape(__version__),
    )
    return write_text_atomic(path, page, overwrite=overwrite)

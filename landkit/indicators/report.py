"""The quarter's indicator workbook and HTML summary (批供用补查指标).

:func:`indicator_report` computes every indicator once; :func:`write_indicator_report` writes the
workbook (a cover sheet with as-of, sources and each formula in words, then one sheet per
indicator, Chinese headers) and a self-contained HTML page with small charts.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import write_text_atomic
from .._sheets import write_workbook
from .._version import __version__
from ..errors import OutputExistsError
from ..rules.dates import HolidayCalendar
from ..units import MU_M2
from ._dates import as_day
from ._labels import to_chinese
from .disposal import DISPOSAL_LABELS, FLOW_LABELS, Disposal, disposal_rates
from .rates import RATE_LABELS, SupplyRate, supply_rate
from .unsupplied import UNSUPPLIED_LABELS, unsupplied
from .watch import WATCH_LABELS, WATCH_STATUSES, post_supply_watch

__all__ = ["FORMULAS", "IndicatorReport", "indicator_report", "write_indicator_report"]

#: Each indicator's formula in words (the cover sheet and the HTML page repeat them).
FORMULAS = {
    "批而未供面积": "批次批准范围内、截至统计日未被已签订供地合同（出让、划拨、作价出资、租赁）"
    "宗地覆盖的面积；"
    "多宗供地重叠部分只计一次，超出批次范围的部分不计。面积为CGCS2000椭球面积。",
    "供地率": "某批准年度批次的已供面积 ÷ 该年度批准面积。考核期平均供地率按面积加权："
    "考核期内各年度已供面积之和 ÷ 批准面积之和（不是各年供地率的算术平均）。",
    "考核期": "统计日所在年份之前的连续N个完整年度（统计日为12月31日时含当年），N默认为5。",
    "供后监管": "按约定交地、动工、竣工日期与实际日期比较；期限末日为法定休假日的顺延至次一工作日"
    "（民法典第二百零三条，需有该年节假日安排）；疑似闲置按《闲置土地处置办法》第二条计算。",
    "处置率": "队列（认定年度或批准年度）已处置面积 ÷ 队列存量面积；分割合并的宗地随其原宗地计入原队列。",
}


@dataclass(frozen=True)
class IndicatorReport:
    """Every indicator for one as-of date (see :func:`indicator_report`)."""

    as_of: dt.date
    unsupplied: pd.DataFrame
    by_area: dict[str, pd.DataFrame]
    supply_rate: SupplyRate
    watch: pd.DataFrame
    watch_counts: pd.DataFrame
    disposal: dict[str, Disposal]
    sources: dict[str, str] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        return _summary_html(self)


def _by(table: pd.DataFrame, key: str) -> pd.DataFrame:
    g = table.groupby(key, dropna=False)
    out = g[["approved_m2", "supplied_m2", "unsupplied_m2"]].sum()
    out.insert(0, "n_supplies", g["n_supplies"].sum())
    out = out.reset_index().rename(columns={key: "area_name"})
    out.loc[len(out)] = ["合计", *out.drop(columns="area_name").sum().tolist()]
    for c in ("approved", "supplied", "unsupplied"):
        out[f"{c}_mu"] = out[f"{c}_m2"] / MU_M2
    out["supply_share"] = out["supplied_m2"] / out["approved_m2"].where(out["approved_m2"] > 0)
    return out


def indicator_report(
    batches: pd.DataFrame,
    supplies: pd.DataFrame,
    /,
    *,
    as_of: object,
    ledger: Any = None,
    parcels: pd.DataFrame | None = None,
    holidays: HolidayCalendar | str | Path | None = None,
    by: Sequence[str] = ("township", "park"),
    sources: Mapping[str, str] | None = None,
    config: str | Path | None = None,
) -> IndicatorReport:
    """Compute 批而未供, 供地率, the post-supply watchlist and disposal rates for one date.

    Parameters
    ----------
    batches, supplies : GeoDataFrame
        From :func:`read_batches` and :func:`read_supplies`.
    as_of : date or str
        The reporting day.
    ledger : Ledger, optional
        The clear-down ledger, for the 闲置 disposal rate by identification year.
    parcels : DataFrame, optional
        The parcel register, for 闲置/低效 statuses on the watchlist.
    holidays : HolidayCalendar or path, optional
        Holiday calendar for milestone deadlines.
    by : sequence of str
        Batch columns to break 批而未供 down by (those missing are skipped).
    sources : mapping, optional
        Name → description of each input, for the cover sheet.
    config : path, optional
        Indicator settings (threshold, window, deduction rule).

    Returns
    -------
    IndicatorReport

    Examples
    --------
    >>> from landkit.indicators import read_batches, read_supplies
    >>> b = read_batches("sample_data/indicators/batches.gpkg")
    >>> s = read_supplies("sample_data/indicators/supplies.xlsx", parcels="sample_data/parcels.gpkg")
    >>> r = indicator_report(b, s, as_of="2024-12-31", holidays="sample_data/holidays/china_2024.toml")
    >>> sorted(r.by_area)
    ['park', 'township']
    """
    day = as_day(as_of)
    per_batch = unsupplied(batches, supplies, as_of=day)
    watch = post_supply_watch(supplies, as_of=day, holidays=holidays, parcels=parcels, config=config)
    disposal = {"批而未供": disposal_rates(batches, cohort="approval_year", as_of=day, supplies=supplies)}
    if ledger is not None:
        disposal["闲置土地"] = disposal_rates(ledger, cohort="identified_year", as_of=day, config=config)
    return IndicatorReport(
        as_of=day,
        unsupplied=per_batch,
        by_area={k: _by(per_batch, k) for k in by if k in per_batch},
        supply_rate=supply_rate(batches, supplies, as_of=day, config=config),
        watch=watch,
        watch_counts=_watch_counts(watch, supplies, parcels),
        disposal=disposal,
        sources=dict(sources or {}),
    )


def _watch_counts(watch: pd.DataFrame, supplies: pd.DataFrame, parcels: pd.DataFrame | None) -> pd.DataFrame:
    """宗数 per watch status (rows) and township (columns, where known), with 合计."""
    township = supplies.get("township")
    if township is None and parcels is not None and {"parcel_id", "township"} <= set(parcels.columns):
        reg = parcels.drop_duplicates("parcel_id").set_index("parcel_id")["township"]
        township = supplies["parcel_id"].map(reg) if "parcel_id" in supplies else None
    key = township.fillna("未知") if township is not None else pd.Series("全部", index=watch.index)
    table = pd.crosstab(watch["watch_status"], key.rename("乡镇"), margins=True, margins_name="合计")
    order = [s for s in WATCH_STATUSES if s in table.index] + ["合计"]
    return table.reindex(order).rename_axis("监管状态")


def _figure_svg(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _rate_chart(rate: SupplyRate) -> str:
    from matplotlib.figure import Figure  # no pyplot: the caller's backend is left alone

    t = rate.table.dropna(subset=["approval_year"])
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.add_subplot()
    colors = ["#1565c0" if w else "#90a4ae" for w in t["in_window"]]
    ax.bar(t["approval_year"].astype(int).astype(str), 100 * t["supply_rate"], color=colors)
    ax.axhline(100 * rate.threshold, color="#c62828", linestyle="--", linewidth=1)
    ax.set_ylabel("供地率 (%)", fontfamily=_cjk_font())
    ax.set_title("各批准年度供地率（深色为考核期，虚线为考核线）", fontfamily=_cjk_font(), fontsize=10)
    ax.set_ylim(0, 100)
    return _figure_svg(fig)


def _watch_chart(counts: pd.Series) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.add_subplot()
    ax.barh(list(counts.index), counts.to_numpy(), color="#ef6c00")
    ax.set_yticks(range(len(counts)), list(counts.index), fontfamily=_cjk_font())
    ax.set_xlabel("宗数", fontfamily=_cjk_font())
    ax.set_title("供后监管状态", fontfamily=_cjk_font(), fontsize=10)
    return _figure_svg(fig)


_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC")


def _cjk_font() -> str:
    """The first installed CJK font family (charts draw Chinese labels), else matplotlib's default."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in _CJK_FONTS if f in installed), "DejaVu Sans")


def _summary_html(report: IndicatorReport) -> str:
    rate = report.supply_rate
    total = report.unsupplied
    verdict = {True: "低于考核线", False: "达到考核线", None: "无法判断"}[rate.below]
    lines = [
        f"<p><b>统计日 {report.as_of}</b>：批而未供 {total['unsupplied_mu'].sum():,.2f} 亩"
        f"（{total['unsupplied_mu'].sum() * MU_M2 / 1e4:,.2f} 公顷），共 {len(total)} 个批次。</p>",
        f"<p>近{len(rate.window)}年平均供地率 <b>{rate.rate:.1%}</b>，{verdict}"
        f"（{rate.threshold:.0%}，{html.escape(rate.threshold_basis)}）。</p>",
    ]
    return "\n".join(lines)


def write_indicator_report(
    report: IndicatorReport,
    folder: str | os.PathLike[str],
    /,
    *,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Write 批供用指标.xlsx and 批供用指标.html into ``folder``; return both paths."""
    out = Path(folder)
    xlsx, page = out / "批供用指标.xlsx", out / "批供用指标.html"
    for p in (xlsx, page):
        if p.exists() and not overwrite:
            raise OutputExistsError(f"{p} exists; pass overwrite=True (--overwrite) to replace it")
    write_workbook(xlsx, _sheets(report), overwrite=overwrite)
    write_text_atomic(page, _page(report), overwrite=overwrite)
    return xlsx, page


def _cover(report: IndicatorReport) -> pd.DataFrame:
    rows = [("统计日", str(report.as_of)), ("生成", f"landkit {__version__}")]
    rows += [(f"数据来源：{k}", v) for k, v in report.sources.items()]
    rows += [(f"口径：{k}", v) for k, v in FORMULAS.items()]
    rate = report.supply_rate
    rows += [("考核线", f"{rate.threshold:.0%}（{rate.threshold_basis}）")]
    for d in report.disposal.values():
        if d.settings.get("deduct_excess_new_idle"):
            rows += [("处置量扣减", str(d.settings["deduct_basis"]))]
    return pd.DataFrame(rows, columns=["项目", "内容"])


def _sheets(report: IndicatorReport) -> dict[str, pd.DataFrame]:
    sheets = {"封面": _cover(report), "批而未供": to_chinese(report.unsupplied, UNSUPPLIED_LABELS)}
    area_labels = {"area_name": "区域", **UNSUPPLIED_LABELS}
    names = {"township": "乡镇", "park": "园区"}
    for key, table in report.by_area.items():
        sheets[f"批而未供_按{names.get(key, key)}"] = to_chinese(table, area_labels)
    rates = to_chinese(report.supply_rate.table, RATE_LABELS)
    rates["批准年度"] = rates["批准年度"].astype(object).fillna("考核期合计")
    sheets["供地率"] = rates
    sheets["供后监管"] = to_chinese(report.watch, WATCH_LABELS)
    sheets["供后监管汇总"] = report.watch_counts.reset_index()
    for kind, d in report.disposal.items():
        routes = [str(c) for c in d.cohorts.columns if str(c).startswith("by_")]
        labels = {**DISPOSAL_LABELS, **{c: f"其中{c[3:-3]}(亩)" for c in routes}}
        sheets[f"{kind}处置率"] = to_chinese(d.cohorts, labels)
        if len(d.flows):
            sheets[f"{kind}年度流量"] = to_chinese(d.flows, FLOW_LABELS)
    return sheets


def _page(report: IndicatorReport) -> str:
    parts = [_summary_html(report)]
    parts.append(f'<img alt="供地率" src="data:image/svg+xml;base64,{_rate_chart(report.supply_rate)}">')
    counts = report.watch["watch_status"].value_counts().reindex(list(WATCH_STATUSES)).fillna(0)
    parts.append(f'<img alt="供后监管" src="data:image/svg+xml;base64,{_watch_chart(counts)}">')
    parts.append("<p>逐批次的批而未供和逐宗的供后监管明细见同名工作簿（批供用指标.xlsx）。</p>")
    for name, table in _sheets(report).items():
        if name in ("批而未供", "供后监管"):
            continue
        parts.append(
            f"<h2>{html.escape(name)}</h2>" + table.to_html(index=False, escape=True, border=0, na_rep="")
        )
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>批供用补查指标 {report.as_of}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>批供用补查指标（{report.as_of}）</h1>\n{body}\n"
        f"<p><small>由 landkit {__version__} 生成。</small></p>\n</body>\n</html>\n"
    )


_CSS = (
    'body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;'
    "max-width:1100px;color:#222}h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.5em}"
    "table{border-collapse:collapse;font-size:.85em}th,td{border:1px solid #bbb;padding:3px 6px}"
    "th{background:#eef2f6}img{max-width:100%;display:block;margin:1em 0}"
)

"""Show landkit's results in Jupyter in Chinese: headers, values, 亩 to 2 decimals, 合计 rows, warnings.

The data keeps its canonical English columns for code; these functions make a display copy only.

* :func:`to_display` — a copy with Chinese headers (the labels of :mod:`landkit.schema` and of each
  capability's result columns), Chinese values (categories, statuses, idle basis/cause/track, problem codes,
  booleans as 是/否), 亩 rounded to 2 decimals, dates as ``YYYY-MM-DD``, no geometry, an optional 合计 row;
* :func:`show` — display that copy in a notebook (or print it outside one);
* :func:`warnings_table` — caught warnings (and log records, see :func:`caught_logs`) summarised as a
  short Chinese table: what was inferred or found, and what to check.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"status": ["for_sale", "identified"], "categories": ["idle,mortgaged", "idle"],
...                    "area_mu": [12.3456, 2.0]})
>>> table = to_display(df, total=True)
>>> table["处置状态"].tolist(), table["面积(亩)"].tolist()
(['招商中', '已认定', '合计'], [12.35, 2.0, 14.35])
>>> table["类别"].tolist()
['闲置、抵押', '闲置', '']
>>> table.index.tolist()
[0, 1, '合计']
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .schema import CATEGORIES, CONSTRUCTION_STATUSES, FIELDS, STATUSES, split_categories

__all__ = [
    "CJK_FONTS",
    "TOTAL",
    "caught_logs",
    "cjk_font",
    "column_labels",
    "show",
    "to_display",
    "warnings_table",
    "write_tables",
]

#: Fonts tried for Chinese chart text, in order (Debian: ``apt-get install fonts-noto-cjk``).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei")

#: Label of the total row.
TOTAL = "合计"

_YES_NO = {True: "是", False: "否"}
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_REPORT_LABELS = {
    "source": "文件",
    "row": "行号",
    "field": "字段",
    "problem": "问题",
    "severity": "严重程度",
    "detail": "说明",
    "suggestion": "建议",
    "count": "数量",
    "raw": "原始值",
    # ledger.history
    "status_changed": "状态有变化",
    "area_change_m2": "面积变化(平方米)",
    "shape_changed": "图形有变化",
    "cleared": "已清零",
}
#: Numeric columns whose names contain one of these do not add up (shares, rates, means, prices, ids …);
#: ``total=True`` sums every other numeric column.
_NOT_ADDITIVE = (
    "share", "pct", "rate", "mean", "ratio", "far", "coverage", "per_mu", "score", "year", "price", "deg",
    "elev", "slope", "rank", "row", "_id", "率", "比", "均", "度", "价", "排名", "行号", "得分",
)  # fmt: skip


def column_labels() -> dict[str, str]:
    """Every known column name → its Chinese label (schema fields and each capability's result columns)."""
    from .ledger.changes import CHANGE_LABELS  # noqa: F401  (values, not columns; kept for one import point)
    from .ledger.report import FIGURE_LABELS
    from .recommend import RECOMMEND_COLUMNS
    from .rules.efficiency import EFFICIENCY_COLUMNS
    from .rules.grading import GRADE_COLUMNS
    from .rules.idle import IDLE_COLUMNS
    from .rules.procedure import PROCEDURE_COLUMNS
    from .zones.join import JOIN_LABELS, SUMMARY_LABELS

    labels = _capability_labels() | {name: f.label for name, f in FIELDS.items()} | _REPORT_LABELS
    for extra in (
        JOIN_LABELS,
        SUMMARY_LABELS,
        FIGURE_LABELS,
        IDLE_COLUMNS,
        EFFICIENCY_COLUMNS,
        PROCEDURE_COLUMNS,
        GRADE_COLUMNS,
        RECOMMEND_COLUMNS,
    ):
        labels |= extra
    if "landkit.raster" in sys.modules:  # terrain columns exist only once the (slow) raster package is in use
        labels |= sys.modules["landkit.raster"].TERRAIN_COLUMNS
    return labels


def _capability_labels() -> dict[str, str]:
    """Result columns of cases, supply and indicators (the schema's and the rules' labels win on a clash)."""
    from .cases.facts import FACT_COLUMNS
    from .cases.options import OPTION_COLUMNS
    from .cases.state import CASE_STATE_COLUMNS
    from .indicators.disposal import DISPOSAL_LABELS, FLOW_LABELS
    from .indicators.rates import RATE_LABELS
    from .indicators.unsupplied import UNSUPPLIED_LABELS
    from .indicators.watch import WATCH_LABELS
    from .supply.exits import EXIT_COLUMNS
    from .supply.match import MATCH_COLUMNS
    from .supply.units import UNIT_COLUMNS
    from .supply.vacancy import VACANCY_COLUMNS

    labels: dict[str, str] = {}
    for extra in (
        UNIT_COLUMNS, VACANCY_COLUMNS, EXIT_COLUMNS, MATCH_COLUMNS, FACT_COLUMNS, OPTION_COLUMNS,
        CASE_STATE_COLUMNS, UNSUPPLIED_LABELS, RATE_LABELS, WATCH_LABELS, DISPOSAL_LABELS, FLOW_LABELS,
    ):  # fmt: skip
        labels |= extra
    return labels


def _value_maps() -> dict[str, Mapping[Any, str]]:
    from .ledger.changes import CHANGE_LABELS
    from .ledger.progress import STATE_LABELS
    from .rules.idle import BASES, CAUSES, TRACKS
    from .validate import PROBLEMS

    return {
        "status": STATUSES,
        "construction_status": CONSTRUCTION_STATUSES,
        "idle_basis": BASES,
        "idle_cause": CAUSES,
        "idle_track": TRACKS,
        "problem": PROBLEMS,
        "severity": _SEVERITY,
        "state": STATE_LABELS,
        "change": CHANGE_LABELS,
    }


def to_display(
    df: pd.DataFrame,
    /,
    *,
    total: bool | Iterable[str] = False,
    labels: Mapping[str, str] | None = None,
    decimals: int = 2,
) -> pd.DataFrame:
    """A display copy of ``df`` in Chinese; ``df`` itself is left unchanged.

    Parameters
    ----------
    df : DataFrame
        Any landkit result (parcels, summaries, reports); unknown columns keep their names and values.
    total : bool or iterable of str
        Add a 合计 row: ``True`` sums every numeric column except those that do not add up (names
        with share, rate, mean, price, 率, 均 …); a list names the columns to sum.
    labels : mapping, optional
        Extra or overriding column labels.
    decimals : int
        Decimals for 亩, 公顷 and other floats (亩 to 2 decimals by default).

    Returns
    -------
    DataFrame
        Chinese headers and values; the geometry column is dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> to_display(pd.DataFrame({"recovery_eligible": [True, False]})).iloc[:, 0].tolist()
    ['是', '否']
    """
    base = df.drop(columns=[c for c in df.columns if str(c) == "geometry"])
    if isinstance(base.index, pd.MultiIndex) or base.index.name:
        base = base.reset_index()
    maps = _value_maps()
    out = pd.DataFrame(
        {col: _translate(str(col), base[col], maps, decimals) for col in base.columns}, index=base.index
    )
    if total is not False:
        out = _with_total(base, out, total, decimals)
    names = column_labels() | dict(labels or {})
    return out.rename(columns={c: names.get(str(c), c) for c in out.columns})


def _translate(col: str, s: pd.Series, maps: dict[str, Mapping[Any, str]], decimals: int) -> pd.Series:
    if col == "categories" or col.endswith("categories"):
        return s.map(
            lambda v: (
                "、".join(CATEGORIES.get(t, t) for t in split_categories(v)) if isinstance(v, str) else v
            )
        )
    if col in maps:
        vocab = maps[col]
        return s.map(lambda v: vocab.get(v, v) if isinstance(v, str) else v)
    if pd.api.types.is_bool_dtype(s) or (s.dtype == object and _all_bool(s)):
        return s.map(_yes_no)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), "")
    if pd.api.types.is_float_dtype(s):  # shares keep 4 decimals, so a small share never shows as 0
        return s.round(max(decimals, 4) if "share" in col or "占比" in col else decimals)
    if s.dtype == object or pd.api.types.is_string_dtype(s):  # an empty cell, not NaN/None; True as 是
        return s.astype(object).map(_yes_no).where(s.notna(), "")
    return s


def _all_bool(s: pd.Series) -> bool:
    values = s.dropna()
    return len(values) > 0 and all(isinstance(v, bool | np.bool_) for v in values)


def _yes_no(value: object) -> object:
    return _YES_NO[bool(value)] if isinstance(value, bool | np.bool_) else value


def _with_total(
    base: pd.DataFrame, out: pd.DataFrame, total: bool | Iterable[str], decimals: int
) -> pd.DataFrame:
    """``out`` with a 合计 row summing ``base`` (unrounded values, so the total is rounded once)."""
    additive = [c for c in base.columns if not any(k in str(c).lower() for k in _NOT_ADDITIVE)]
    wanted = additive if total is True else list(total)  # type: ignore[arg-type]
    cols = [
        c
        for c in wanted
        if c in base.columns
        and pd.api.types.is_numeric_dtype(base[c])
        and not pd.api.types.is_bool_dtype(base[c])
    ]
    sums = {c: base[c].sum() for c in cols}
    row = {
        c: round(float(v), decimals) if pd.api.types.is_float_dtype(base[c]) else v for c, v in sums.items()
    }
    filler: dict[Any, Any] = {c: "" for c in out.columns if c not in cols}
    first = out.columns[0] if len(out.columns) else None
    if first is not None and first not in cols:
        filler[first] = TOTAL  # the label column says 合计 too (as it would in the workbook)
    return pd.concat([out, pd.DataFrame([filler | row], index=[TOTAL], columns=out.columns)])


def write_tables(
    path: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    /,
    *,
    overwrite: bool = False,
    **options: Any,
) -> Path:
    """Write each table's :func:`to_display` copy (Chinese headers and values) as one sheet of an .xlsx.

    ``options`` go to :func:`to_display` (e.g. ``total=True`` for 合计 rows). The file is written atomically
    and text cells are never formulas (:func:`landkit._sheets.write_workbook`); an existing file is refused
    unless ``overwrite=True``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> out = Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = write_tables(out, {"统计": pd.DataFrame({"township": ["甲镇", "乙镇"], "area_mu": [1.234, 2.0]})},
    ...                  total=True)
    >>> pd.read_excel(out).values.tolist()
    [['甲镇', 1.23], ['乙镇', 2.0], ['合计', 3.23]]
    """
    from ._sheets import write_workbook

    sheets = {name: to_display(df, **options).reset_index(drop=True) for name, df in tables.items()}
    return write_workbook(path, sheets, overwrite=overwrite)


def cjk_font() -> str:
    """Make matplotlib draw Chinese: put the first installed font of :data:`CJK_FONTS` first; its name.

    Raises
    ------
    DependencyError
        No CJK font is installed (charts would show empty boxes instead of Chinese): install
        ``fonts-noto-cjk`` (Debian/Ubuntu) and restart the kernel.
    """
    from matplotlib import font_manager, rcParams

    from .errors import DependencyError

    installed = {f.name for f in font_manager.fontManager.ttflist}
    name = next((f for f in CJK_FONTS if f in installed), None)
    if name is None:
        raise DependencyError(
            f"no CJK font found for matplotlib (tried {', '.join(CJK_FONTS)}); "
            "install fonts-noto-cjk (apt-get install fonts-noto-cjk) and restart the kernel"
        )
    rcParams["font.sans-serif"] = [name, *rcParams["font.sans-serif"]]
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    return name


def show(df: pd.DataFrame, /, **options: Any) -> None:
    """Display :func:`to_display` of ``df`` in Jupyter (printed outside a notebook); options as there.

    Missing numbers show as empty cells (not ``NaN``); long tables are cut as pandas cuts them.
    """
    table = to_display(df, **options)
    try:
        from IPython.display import HTML, display
    except ImportError:  # plain Python: print
        print(table.to_string(na_rep=""))  # noqa: T201
        return
    rows = pd.get_option("display.max_rows")
    display(HTML(table.to_html(na_rep="", max_rows=rows, show_dimensions=len(table) > rows)))


#: (pattern on the warning text, what was inferred or found, what to check); the first match wins
_WARNING_RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"no CRS.*?\((EPSG:\d+)",
        "图层无坐标系，按坐标数值推断为 {0}",
        "数值无法区分 CGCS2000 与西安80/北京54：核对交付说明，必要时用 crs= 指定",
    ),
    (
        r"(Xian 1980|Beijing 1954).*datum|datum.*(Xian|Beijing)",
        "{0} 坐标系：PROJ 没有到 CGCS2000 的严格转换",
        "向测绘部门索取七参数或四参数，用 landkit.crs.to_cgcs2000 转换",
    ),
    (r"outside the holiday calendar|holiday calendar", "期限日落在节假日历年份之外", "补充该年份的节假日历"),
    (
        r"invalid parcel geometries were repaired",
        "无效几何已自动修复后参与统计",
        "用 landkit.validate 查看并修正原图形",
    ),
    (r"outside the raster", "部分地块在栅格范围之外", "核对栅格覆盖范围（outside_share 列）"),
    (r"confidential", "自定义字段包含保密字段", "不要将此页面发布到公网"),
    (r"photo file", "部分照片文件无法读取", "核对照片路径或 photo_root"),
    (r"budget", "页面文件超过大小预算", "按乡镇或分区分页发布，或减少字段"),
    (r"reprojected", "分区与地块坐标系不同，已重投影", "确认分区图层的坐标系"),
    (
        r"recorded with warnings: (.+)",
        "录入的台账有校验警告：{0}",
        "用 landkit.validate 查看明细并核对这些宗地",
    ),
    (
        r"criterion (\S+) could not be judged for (\d+)",
        "条件“{0}”有 {1} 宗地块缺数据，无法判断（计为未知，不算满足也不算不满足）",
        "补充这些地块的该项数据，或在需求中去掉该条件",
    ),
)


@contextmanager
def caught_logs(name: str = "landkit", /) -> Iterator[list[logging.LogRecord]]:
    """Collect the log records (warnings and above) of ``name`` instead of printing them to stderr.

    For :func:`warnings_table`, which turns them into a short Chinese table.

    Examples
    --------
    >>> with caught_logs() as logs:
    ...     logging.getLogger("landkit.x").warning("criterion %s could not be judged for %d", "坡度", 3)
    >>> warnings_table(logs)["推断或发现"].tolist()
    ['条件“坡度”有 3 宗地块缺数据，无法判断（计为未知，不算满足也不算不满足）']
    """
    logger = logging.getLogger(name)
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, propagate = _Keep(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def warnings_table(
    caught: Iterable[warnings.WarningMessage | Warning | logging.LogRecord], /, *, original: bool = False
) -> pd.DataFrame:
    """Summarise caught warnings as a short Chinese table: 推断或发现, 请核对, 次数 (and the first 原文).

    ``original=True`` keeps the first warning text of each kind (English) for whoever debugs it.

    Examples
    --------
    >>> import warnings
    >>> w = [UserWarning("layer has no CRS; eastings without zone prefix (EPSG:4546, CGCS2000 / ...)")] * 2
    >>> warnings_table(w)[["推断或发现", "次数"]].to_dict("records")
    [{'推断或发现': '图层无坐标系，按坐标数值推断为 EPSG:4546', '次数': 2}]
    """
    rows = []
    for w in caught:
        text = w.getMessage() if isinstance(w, logging.LogRecord) else str(getattr(w, "message", w))
        found, check = "其他提示", "阅读原文"
        for pattern, what, todo in _WARNING_RULES:
            m = re.search(pattern, text, flags=re.IGNORECASE)
            if m:
                found, check = what.format(*(g for g in m.groups() if g)), todo
                break
        rows.append({"推断或发现": found, "请核对": check, "原文": text[:160]})
    cols = ["推断或发现", "请核对", "次数", *(["原文"] if original else [])]
    if not rows:
        return pd.DataFrame(columns=cols)
    table = pd.DataFrame(rows)
    counts = table.groupby(["推断或发现", "请核对"], sort=False).agg(
        次数=("原文", "size"), 原文=("原文", "first")
    )
    return counts.reset_index()[cols]

"""Show landkit's results in Jupyter in Chinese: headers, values, 亩 to 2 decimals, 合计 rows, warnings.

The data keeps its canonical English columns for code; these functions make a display copy only.

* :func:`to_display` — a copy with Chinese headers (the labels of :mod:`landkit.schema` and of each
  capability's result columns), Chinese values (categories, statuses, idle basis/cause/track, problem codes,
  booleans as 是/否), 亩 rounded to 2 decimals, dates as ``YYYY-MM-DD``, no geometry, an optional 合计 row;
* :func:`show` — display that copy in a notebook (or print it outside one);
* :func:`warnings_table` — caught warnings summarised as a short Chinese table: what was inferred or
  found, and what to check.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"status": ["for_sale", "identified"], "categories": ["idle,mortgaged", "idle"],
...                    "area_mu": [12.3456, 2.0]})
>>> table = to_display(df, total=True)
>>> table.to_dict("list")
{'处置状态': ['招商中', '已认定', ''], '类别': ['闲置、抵押', '闲置', ''], '面积(亩)': [12.35, 2.0, 14.35]}
>>> table.index.tolist()
[0, 1, '合计']
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .schema import CATEGORIES, CONSTRUCTION_STATUSES, FIELDS, STATUSES, split_categories

__all__ = ["TOTAL", "column_labels", "show", "to_display", "warnings_table"]

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
}
#: Column name endings whose values add up (a 合计 row sums them); shares, rates and means do not.
_ADDITIVE = ("_mu", "_m2", "_ha", "_count", "count", "_n", "宗数", "亩", "_fee", "fee")


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

    labels = {name: f.label for name, f in FIELDS.items()} | _REPORT_LABELS
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
        Add a 合计 row: ``True`` sums the additive columns (names ending in ``_mu``, ``_m2``, ``_ha``,
        ``_count`` …, never shares or means); a list names the columns to sum.
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
        return s.dt.strftime("%Y-%m-%d")
    if pd.api.types.is_float_dtype(s):
        return s.round(decimals)
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
    wanted = [c for c in base.columns if str(c).endswith(_ADDITIVE)] if total is True else list(total)  # type: ignore[arg-type]
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
    filler = {c: "" for c in out.columns if c not in cols}
    return pd.concat([out, pd.DataFrame([filler | row], index=[TOTAL], columns=out.columns)])


def show(df: pd.DataFrame, /, **options: Any) -> None:
    """Display :func:`to_display` of ``df`` in Jupyter (printed outside a notebook); options as there."""
    table = to_display(df, **options)
    try:
        from IPython.display import display
    except ImportError:  # plain Python: print
        print(table.to_string())  # noqa: T201
        return
    display(table)


#: (pattern on the warning text, what was inferred or found, what to check)
_WARNING_RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"inferred (EPSG:\d+)|assum\w* (EPSG:\d+)",
        "坐标系由坐标范围推断为 {0}",
        "核对数据来源的坐标系（.prj 或交付说明）",
    ),
    (
        r"EPSG:4490|lon/lat|longitude",
        "经纬度坐标按 CGCS2000 (EPSG:4490) 处理",
        "核对是否为 WGS84 或 GCJ-02 坐标",
    ),
    (r"Xian|Beijing|1980|1954", "西安80/北京54 坐标系没有严格转换参数", "向测绘部门索取七参数或四参数"),
    (r"encoding|GB18030|GBK|code page|cpg", "文字编码被自动判断", "打开表格抽查中文字段是否乱码"),
    (r"swap|northing|easting", "X/Y 坐标顺序被自动判断", "核对台账中 X 是否为北坐标"),
    (r"area unit|亩|hectare|unit", "面积单位被自动判断", "核对表头或交付说明中的面积单位"),
    (r"reproject|densif", "分区图层被重新投影", "确认分区与地块的坐标系"),
)


def warnings_table(caught: Iterable[warnings.WarningMessage | Warning], /) -> pd.DataFrame:
    """Summarise caught warnings as a short Chinese table: 推断或发现, 请核对, 次数, 原文 (first).

    Examples
    --------
    >>> import warnings
    >>> w = [UserWarning("no CRS; inferred EPSG:4546 from the coordinates")]
    >>> warnings_table(w)[["推断或发现", "次数"]].to_dict("records")
    [{'推断或发现': '坐标系由坐标范围推断为 EPSG:4546', '次数': 1}]
    """
    rows = []
    for w in caught:
        text = str(getattr(w, "message", w))
        found, check = "其他提示", "阅读原文"
        for pattern, what, todo in _WARNING_RULES:
            m = re.search(pattern, text, flags=re.IGNORECASE)
            if m:
                found, check = what.format(next((g for g in m.groups() if g), "")), todo
                break
        rows.append({"推断或发现": found, "请核对": check, "原文": text[:160]})
    if not rows:
        return pd.DataFrame(columns=["推断或发现", "请核对", "次数", "原文"])
    table = pd.DataFrame(rows)
    counts = table.groupby(["推断或发现", "请核对"], sort=False).agg(
        次数=("原文", "size"), 原文=("原文", "first")
    )
    return counts.reset_index()

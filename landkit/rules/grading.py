"""Per-mu benefit grading (亩均效益评价): A 优先发展 / B 支持发展 / C 提升发展 / D 限制发展.

Everything comes from a scheme file (``sample_data/criteria/per_mu_2024_example.toml``):

- **indicators** with column, label, weight and ``direction`` (``higher`` is better by default);
- **score**: ``ratio_to_mean`` (weight × min(value / mean over graded firms, cap) — the usual
  county method) or ``percentile_rank`` (weight × percentile rank of the value); ``missing = "zero"``
  scores a missing indicator 0, ``"unknown"`` leaves the firm ungraded;
- **bands**: grades by rank from the top, as inclusive shares of graded firms (A ≤ 25%, B ≤ 70%,
  C ≤ 95%, D the rest); tied scores share the better rank;
- **eligibility**: firms on less than ``min_area_mu`` get ``small_grade``; firms flagged in
  ``exempt_column`` get ``exempt_grade``. Neither takes part in the means or the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..units import MU_M2
from ._config import fraction, read_toml

__all__ = ["GRADE_COLUMNS", "grade_per_mu", "read_scheme"]

#: Output columns of :func:`grade_per_mu` → Chinese labels.
GRADE_COLUMNS: dict[str, str] = {
    "grade": "亩均效益等级",
    "grade_label": "等级名称",
    "grade_score": "综合得分",
    "grade_rank": "排名",
    "grade_note": "说明",
    "grade_scheme": "评价办法版本",
}


def read_scheme(scheme: str | Path | Mapping[str, Any], /) -> dict[str, Any]:
    """Load and check a grading scheme (TOML path or mapping).

    Raises
    ------
    ConfigError
        When indicators, bands or the version are missing or malformed.

    Examples
    --------
    >>> s = read_scheme("sample_data/criteria/per_mu_2024_example.toml")
    >>> [i["weight"] for i in s["indicator"]], [b["grade"] for b in s["band"]]
    ([45, 20, 15, 15, 5], ['A', 'B', 'C', 'D'])
    """
    doc = dict(scheme) if isinstance(scheme, Mapping) else read_toml(scheme, what="grading scheme")
    if not doc.get("meta", {}).get("version"):
        raise ConfigError("grading scheme has no [meta] version")
    if not doc.get("indicator"):
        raise ConfigError("grading scheme has no [[indicator]] tables")
    for ind in doc["indicator"]:
        if "column" not in ind or "weight" not in ind:
            raise ConfigError(f"indicator {ind!r} needs column and weight")
        if ind.get("direction", "higher") not in ("higher", "lower"):
            raise ConfigError(f"indicator {ind['column']}: direction must be 'higher' or 'lower'")
    bands = doc.get("band") or []
    uptos = [fraction(b.get("upto"), where=f"band {b.get('grade')}") for b in bands]
    if not bands or uptos != sorted(uptos) or uptos[-1] != 1:
        raise ConfigError("grading bands must be increasing 'upto' shares ending at 100%")
    method = doc.get("score", {}).get("method", "ratio_to_mean")
    if method not in ("ratio_to_mean", "percentile_rank"):
        raise ConfigError(f"score.method {method!r}: use ratio_to_mean or percentile_rank")
    return doc


def _area_mu(firms: pd.DataFrame) -> pd.Series:
    if "area_mu" in firms:
        return pd.to_numeric(firms["area_mu"], errors="coerce")
    if "area_m2" in firms:
        return pd.to_numeric(firms["area_m2"], errors="coerce") / MU_M2
    return pd.Series(np.nan, index=firms.index)


def grade_per_mu(firms: pd.DataFrame, /, *, scheme: str | Path | Mapping[str, Any]) -> pd.DataFrame:
    """Grade firms A/B/C/D from a weighted score of per-mu indicators.

    Parameters
    ----------
    firms : DataFrame
        One row per firm (or parcel) with the scheme's indicator columns (e.g. ``tax_per_mu``,
        ``output_per_mu`` in 万元/亩), ``area_mu`` or ``area_m2`` for the size threshold and
        the exemption column when the scheme names one.
    scheme : path or mapping
        The grading scheme (see the module docstring).

    Returns
    -------
    DataFrame
        Aligned on ``firms.index`` with :data:`GRADE_COLUMNS`: ``grade`` (a band grade, the small or
        exempt grade, or ``None`` when not gradable), ``grade_label``, ``grade_score`` (0–100 when
        every firm hits the mean), ``grade_rank`` (1 = best), ``grade_note``, ``grade_scheme``.

    Raises
    ------
    ConfigError
        When the scheme is invalid.

    Examples
    --------
    >>> import pandas as pd
    >>> scheme = {"meta": {"version": "t"}, "indicator": [{"column": "tax_per_mu", "weight": 100}],
    ...           "band": [{"grade": "A", "upto": "50%"}, {"grade": "B", "upto": "100%"}]}
    >>> g = grade_per_mu(pd.DataFrame({"tax_per_mu": [10.0, 30.0]}), scheme=scheme)
    >>> g["grade"].tolist(), g["grade_score"].round(1).tolist()
    (['B', 'A'], [50.0, 150.0])
    """
    s = read_scheme(scheme)
    score_cfg = s.get("score", {})
    method = score_cfg.get("method", "ratio_to_mean")
    cap = float(score_cfg.get("cap", np.inf))
    missing_policy = score_cfg.get("missing", "zero")
    elig = s.get("eligibility", {})
    out = pd.DataFrame(index=firms.index, columns=list(GRADE_COLUMNS), dtype=object)
    out["grade_scheme"] = s["meta"]["version"]
    out["grade_note"] = ""
    graded = pd.Series(True, index=firms.index)
    ex_col = elig.get("exempt_column")
    if ex_col and ex_col in firms:
        exempt = firms[ex_col].fillna(False).astype(bool)
        out.loc[exempt, "grade"] = elig.get("exempt_grade", "免评")
        out.loc[exempt, "grade_note"] = "免于评价"
        graded &= ~exempt
    if "min_area_mu" in elig:
        area = _area_mu(firms)
        small = graded & (area < float(elig["min_area_mu"]))
        out.loc[small, "grade"] = elig.get("small_grade", "不参评")
        out.loc[small, "grade_note"] = f"用地面积不足{float(elig['min_area_mu']):g}亩"
        no_area = graded & area.isna()
        out.loc[no_area, "grade_note"] = "缺少 area_m2（用地面积），无法判断是否参评"
        graded &= ~small & ~no_area
    values = pd.DataFrame(
        {i["column"]: pd.to_numeric(firms.get(i["column"]), errors="coerce") for i in s["indicator"]},
        index=firms.index,
    )
    if missing_policy == "unknown":
        lacking = graded & values.isna().any(axis=1)
        out.loc[lacking, "grade_note"] = [
            "缺少 " + ",".join(values.columns[values.loc[i].isna()]) for i in values.index[lacking]
        ]
        graded &= ~lacking
    score = pd.Series(0.0, index=firms.index)
    for ind in s["indicator"]:
        v = values.loc[graded, ind["column"]]
        weight = float(ind["weight"])
        lower = ind.get("direction", "higher") == "lower"
        if method == "percentile_rank":
            part = v.rank(pct=True, ascending=not lower) * weight
        else:
            mean = v.mean()
            if not mean or np.isnan(mean):
                part = pd.Series(0.0, index=v.index)
            else:
                ratio = (mean / v) if lower else (v / mean)
                part = ratio.clip(upper=cap) * weight
        score.loc[graded] += part.fillna(0.0)
    n = int(graded.sum())
    out["grade_score"] = score.where(graded).astype(float)
    rank = score[graded].rank(ascending=False, method="min")
    out["grade_rank"] = rank.reindex(firms.index).astype("Int64")
    labels = {b["grade"]: b.get("label", "") for b in s["band"]}
    for b in reversed(s["band"]):  # best band last so it wins
        within = rank <= float(fraction(b["upto"])) * n + 1e-9
        out.loc[within[within].index, "grade"] = b["grade"]
    out["grade_label"] = out["grade"].map(lambda g: labels.get(g, "") if isinstance(g, str) else None)
    out["grade"] = out["grade"].astype(object).where(out["grade"].notna(), None)
    return out

"""Per-mu benefit grading (亩均效益评价): A 优先发展 / B 支持发展 / C 提升发展 / D 限制发展.

Everything comes from a scheme file (``sample_data/criteria/per_mu_2024_example.toml``):

- **indicators** with column, label, weight and ``direction`` (``higher`` is better by default);
- **score**: ``ratio_to_mean`` (weight × min(value / mean over graded firms, cap) — the usual
  county method) or ``percentile_rank`` (weight × percentile rank of the value); ``missing = "zero"``
  scores a missing indicator 0, ``"unknown"`` leaves the firm ungraded;
- **bands**: grades by rank from the top, as inclusive shares of graded firms (A ≤ 25%, B ≤ 70%,
  C ≤ 95%, D the rest). **Ties**: tied scores share the better rank, so firms tied across a band
  edge all get the better band; their note names the edge, so a band that overflows or is left
  empty by a tie is never silent;
- **eligibility**: firms on less than ``min_area_mu`` get ``small_grade``; firms flagged in
  ``exempt_column`` get ``exempt_grade``. Neither takes part in the means or the ranking.

Grades are **per firm**: with ``firm_column`` the rows (parcels) are first aggregated per firm —
land summed, each per-mu indicator area-weighted (the firm's total over its total land). A row
naming several firms (``甲公司;乙公司``, a shared parcel) is split by ``[firms] shared``: ``"equal"``
(default; land and totals shared equally) or ``"first"`` (all to the first named). For leased land
point ``firm_column`` at the tenant column. Without ``firm_column`` each row must already be a firm.

No grade comes from a distribution that cannot carry one — the firms get ``grade`` None and a note:

- every graded firm has the same score (e.g. nobody paid tax);
- ``ratio_to_mean`` with an indicator whose mean is ≤ 0 (refunds): the ratio would invert the order;
- too few firms: a band's share of the graded firms cannot hold a single rank (3 firms, A = top 25%),
  or fewer than ``[score] min_firms``.

A ``lower``-is-better indicator under ``ratio_to_mean`` needs ``cap`` (a value of 0 would score
infinity); a value ≤ 0 scores the cap.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..units import MU_M2
from ._config import fraction, read_toml

__all__ = ["GRADE_COLUMNS", "grade_per_mu", "per_firm", "read_scheme"]

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
    lower = [i["column"] for i in doc["indicator"] if i.get("direction") == "lower"]
    if method == "ratio_to_mean" and lower and "cap" not in doc.get("score", {}):
        raise ConfigError(
            f"indicator {lower[0]} is lower-is-better under ratio_to_mean: set [score] cap "
            "(a value of 0 would otherwise score infinity)"
        )
    return doc


def _area_mu(firms: pd.DataFrame) -> pd.Series:
    if "area_mu" in firms:
        return pd.to_numeric(firms["area_mu"], errors="coerce")
    if "area_m2" in firms:
        return pd.to_numeric(firms["area_m2"], errors="coerce") / MU_M2
    return pd.Series(np.nan, index=firms.index)


def per_firm(rows: pd.DataFrame, /, *, firm_column: str, scheme: Mapping[str, Any]) -> pd.DataFrame:
    """Aggregate parcels (rows) to one row per firm: area summed, per-mu indicators area-weighted.

    Examples
    --------
    >>> rows = pd.DataFrame({"user_unit": ["甲", "甲", "乙;丙"], "area_mu": [2.0, 2.0, 6.0],
    ...                      "tax_per_mu": [1.0, 3.0, 4.0]})
    >>> s = {"indicator": [{"column": "tax_per_mu", "weight": 100}]}
    >>> f = per_firm(rows, firm_column="user_unit", scheme=s)
    >>> f.loc["甲", ["area_mu", "tax_per_mu", "n_rows"]].tolist(), f.loc["丙", "area_mu"]
    ([4.0, 2.0, 2.0], np.float64(3.0))
    """
    if firm_column not in rows:
        raise ConfigError(
            f"firm_column {firm_column!r} is not a column; columns: {', '.join(map(str, rows.columns))}"
        )
    rule = scheme.get("firms", {}).get("shared", "equal")
    if rule not in ("equal", "first"):
        raise ConfigError(f"firms.shared {rule!r}: use 'equal' or 'first'")
    names = rows[firm_column].map(
        lambda v: (
            [n.strip() for n in re.split(r"[;；、,，/]", str(v)) if n.strip()] if isinstance(v, str) else []
        )
    )
    if rule == "first":
        names = names.map(lambda ns: ns[:1])
    share = names.map(lambda ns: 1.0 / len(ns) if ns else np.nan)
    long = rows.assign(_firm=names, _share=share).explode("_firm").dropna(subset=["_firm"])
    area = _area_mu(long) * long["_share"]
    out = pd.DataFrame({"area_mu": area.groupby(long["_firm"], sort=False).sum(min_count=1)})
    for ind in scheme["indicator"]:
        col = ind["column"]
        v = pd.to_numeric(long[col], errors="coerce") if col in long else pd.Series(np.nan, index=long.index)
        has = v.notna() & area.notna()
        total = (v * area).where(has).groupby(long["_firm"], sort=False).sum(min_count=1)
        land = area.where(has).groupby(long["_firm"], sort=False).sum(min_count=1)
        out[ind["column"]] = total / land.where(land > 0)
    ex = scheme.get("eligibility", {}).get("exempt_column")
    if ex and ex in long:
        out[ex] = (
            long[ex]
            .map(lambda x: str(x).strip().lower() in ("true", "1", "是", "yes"))
            .groupby(long["_firm"], sort=False)
            .any()
        )
    out["n_rows"] = long.groupby("_firm", sort=False).size()
    return out.rename_axis(firm_column).sort_index()


def _eligible(firms: pd.DataFrame, s: Mapping[str, Any], out: pd.DataFrame) -> pd.Series:
    """Exempt and small firms get their grades; returns which firms take part in the ranking."""
    elig = s.get("eligibility", {})
    graded = pd.Series(True, index=firms.index)
    ex_col = elig.get("exempt_column")
    if ex_col and ex_col in firms:
        exempt = firms[ex_col].map(lambda x: str(x).strip().lower() in ("true", "1", "是", "yes"))
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
    return graded


def _scores(values: pd.DataFrame, graded: pd.Series, s: Mapping[str, Any]) -> tuple[pd.Series, str]:
    """Weighted score per graded firm, and why no grade can be given ('' when one can)."""
    cfg = s.get("score", {})
    method, cap = cfg.get("method", "ratio_to_mean"), float(cfg.get("cap", np.inf))
    score = pd.Series(0.0, index=values.index)
    for ind in s["indicator"]:
        v = values.loc[graded, ind["column"]]
        weight, lower = float(ind["weight"]), ind.get("direction", "higher") == "lower"
        label = ind.get("label", ind["column"])
        if method == "percentile_rank":
            part = v.rank(pct=True, ascending=not lower) * weight
        else:
            mean = v.mean()
            if np.isnan(mean):
                part = pd.Series(0.0, index=v.index)
            elif mean <= 0 and v.nunique() > 1:
                return (
                    score,
                    f"{label}的均值{mean:.4g}≤0（含退税等），按均值比计分会颠倒排序；请改用 percentile_rank",
                )
            elif mean <= 0:
                part = pd.Series(0.0, index=v.index)
            else:
                with np.errstate(divide="ignore"):
                    ratio = (mean / v).where(v > 0, cap) if lower else v / mean
                part = ratio.clip(upper=cap) * weight
        score.loc[graded] += part.fillna(0.0)
    sub = score[graded]
    if len(sub) > 1 and np.isclose(sub.max(), sub.min()):
        return score, "所有参评企业得分相同（如均无税收），无法分档"
    return score, ""


def _too_few(n: int, s: Mapping[str, Any]) -> str:
    """'' when ``n`` graded firms can fill every band, else why not."""
    minimum = int(s.get("score", {}).get("min_firms", 0))
    if n < max(minimum, 1):
        return f"参评企业{n}家，少于评价办法要求的{minimum}家，无法分档"
    prev = Fraction(0)
    for b in s["band"]:
        upto = fraction(b["upto"])
        if math.floor(upto * n) <= math.floor(prev * n) and not (upto == 1 and prev * n < n):
            return (
                f"参评企业仅{n}家，{b['grade']}档（{float(prev):.0%}–{float(upto):.0%}）容纳不下一家企业，"
                "无法按百分位分档"
            )
        prev = upto
    return ""


def _bands(score: pd.Series, graded: pd.Series, s: Mapping[str, Any], out: pd.DataFrame) -> None:
    """Grades by rank; tied firms share the better rank, and a tie across a band edge is noted."""
    n = int(graded.sum())
    rank = score[graded].rank(ascending=False, method="min")
    worst = score[graded].rank(ascending=False, method="max")
    out["grade_rank"] = rank.reindex(out.index).astype("Int64")
    edges = [(b["grade"], float(fraction(b["upto"])) * n + 1e-9) for b in s["band"]]

    def band(r: float) -> str:
        return next(g for g, upto in edges if r <= upto)

    for firm in rank.index:
        best, last = band(rank[firm]), band(worst[firm])
        out.loc[firm, "grade"] = best
        if best != last:
            tied = int(worst[firm] - rank[firm] + 1)
            out.loc[firm, "grade_note"] = (
                f"{tied}家并列第{int(rank[firm])}名，跨越{best}/{last}档边界，按较好的{best}档计"
            )


def grade_per_mu(
    firms: pd.DataFrame,
    /,
    *,
    scheme: str | Path | Mapping[str, Any],
    firm_column: str | None = None,
) -> pd.DataFrame:
    """Grade firms A/B/C/D from a weighted score of per-mu indicators.

    Parameters
    ----------
    firms : DataFrame
        One row per firm — or, with ``firm_column``, per parcel — with the scheme's indicator
        columns (e.g. ``tax_per_mu``, ``output_per_mu`` in 万元/亩), ``area_mu`` or ``area_m2``
        for the size threshold and the exemption column when the scheme names one.
    scheme : path or mapping
        The grading scheme (see the module docstring).
    firm_column : str, optional
        Column naming the firm of each row (``user_unit``, or a tenant column): rows are
        aggregated per firm first (:func:`per_firm`) and the result has one row per firm.

    Returns
    -------
    DataFrame
        Aligned on ``firms.index`` (or indexed by firm with ``firm_column``, with ``area_mu``,
        the aggregated indicators and ``n_rows`` in front) with :data:`GRADE_COLUMNS`:
        ``grade`` (a band grade, the small or exempt grade, or ``None`` when not gradable — the
        note says why), ``grade_label``, ``grade_score`` (0–100 when every firm hits the mean),
        ``grade_rank`` (1 = best), ``grade_note``, ``grade_scheme``.

    Raises
    ------
    ConfigError
        When the scheme is invalid or ``firm_column`` is not a column.

    Examples
    --------
    >>> import pandas as pd
    >>> scheme = {"meta": {"version": "t"}, "indicator": [{"column": "tax_per_mu", "weight": 100}],
    ...           "band": [{"grade": "A", "upto": "50%"}, {"grade": "B", "upto": "100%"}]}
    >>> g = grade_per_mu(pd.DataFrame({"tax_per_mu": [10.0, 30.0]}), scheme=scheme)
    >>> g["grade"].tolist(), g["grade_score"].round(1).tolist()
    (['B', 'A'], [50.0, 150.0])
    >>> grade_per_mu(pd.DataFrame({"tax_per_mu": [0.0, 0.0]}), scheme=scheme)["grade_note"].tolist()[0]
    '所有参评企业得分相同（如均无税收），无法分档'
    """
    s = read_scheme(scheme)
    base = per_firm(firms, firm_column=firm_column, scheme=s) if firm_column else firms
    out = pd.DataFrame(index=base.index, columns=list(GRADE_COLUMNS), dtype=object)
    out["grade_scheme"] = s["meta"]["version"]
    out["grade_note"] = ""
    graded = _eligible(base, s, out)
    values = pd.DataFrame(
        {i["column"]: pd.to_numeric(base.get(i["column"]), errors="coerce") for i in s["indicator"]},
        index=base.index,
    )
    if s.get("score", {}).get("missing", "zero") == "unknown":
        lacking = graded & values.isna().any(axis=1)
        out.loc[lacking, "grade_note"] = [
            "缺少 " + ",".join(values.columns[values.loc[i].isna()]) for i in values.index[lacking]
        ]
        graded &= ~lacking
    score, why_not = _scores(values, graded, s)
    out["grade_score"] = score.where(graded).astype(float)
    why_not = why_not or _too_few(int(graded.sum()), s)
    if why_not:
        out["grade_rank"] = (
            score[graded].rank(ascending=False, method="min").reindex(out.index).astype("Int64")
        )
        out.loc[graded, "grade_note"] = why_not
    elif graded.any():
        _bands(score, graded, s, out)
    labels = {b["grade"]: b.get("label", "") for b in s["band"]}
    out["grade_label"] = out["grade"].map(lambda g: labels.get(g, "") if isinstance(g, str) else None)
    out["grade"] = out["grade"].astype(object).where(out["grade"].notna(), None)
    out["grade_rank"] = out["grade_rank"].astype("Int64")
    if firm_column:
        return pd.concat([base, out], axis=1)
    return out

"""Push lists per demand (为您推荐) and per offer (who might want it), with Chinese headers."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .match import MATCH_COLUMNS, OFFER_KINDS

__all__ = ["offer_lists", "push_lists", "write_match_workbook"]


def push_lists(matched: pd.DataFrame, /) -> pd.DataFrame:
    """The passing offers of each demand, best first, with Chinese headers."""
    m = matched[~matched["excluded"]].assign(offer_kind=lambda f: f["offer_kind"].map(OFFER_KINDS))
    cols = ["demand_id", "demand_name", "rank", "offer_id", "offer_kind", "score", "reasons"]
    return m[cols].rename(columns=MATCH_COLUMNS).reset_index(drop=True)


def offer_lists(matched: pd.DataFrame, /) -> pd.DataFrame:
    """For each offer, the demands it passes, best score first (who might want it).

    Examples
    --------
    >>> m = pd.DataFrame({"demand_id": ["a", "b"], "demand_name": ["甲", "乙"], "offer_id": ["X", "X"],
    ...                   "offer_kind": "parcel", "rank": [1, 2], "score": [50.0, 80.0], "excluded": False,
    ...                   "reasons": ["r1", "r2"]})
    >>> offer_lists(m)["需求编号"].tolist()
    ['b', 'a']
    """
    m = matched[~matched["excluded"]].assign(offer_kind=lambda f: f["offer_kind"].map(OFFER_KINDS))
    m = m.sort_values(["offer_id", "score"], ascending=[True, False], kind="stable")
    cols = ["offer_id", "offer_kind", "demand_id", "demand_name", "score", "rank", "reasons"]
    return m[cols].rename(columns=MATCH_COLUMNS).reset_index(drop=True)


def write_match_workbook(
    matched: pd.DataFrame, path: str | os.PathLike[str], /, *, overwrite: bool = False
) -> Path:
    """Write 为您推荐 (per demand), 意向需求 (per offer) and 无法判断的条件 sheets to one .xlsx."""
    from .._sheets import write_workbook

    unjudged = matched.attrs.get("unjudged", pd.DataFrame()).rename(
        columns={"demand_id": "需求编号", "criterion": "条件", "offers_not_judged": "无法判断的供给数"}
    )
    sheets = {"为您推荐": push_lists(matched), "意向需求": offer_lists(matched), "无法判断的条件": unjudged}
    return write_workbook(path, sheets, overwrite=overwrite)

"""Chinese display of indicator tables: labelled headers, 亩 to 2 decimals, rates as percentages."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["to_chinese"]


def to_chinese(table: pd.DataFrame, labels: Mapping[str, str], /) -> pd.DataFrame:
    """Keep the labelled columns, in label order, rename them to Chinese and round for reading.

    Examples
    --------
    >>> t = pd.DataFrame({"approved_mu": [1.23456], "supply_rate": [0.61234], "x": [1]})
    >>> to_chinese(t, {"approved_mu": "批准面积(亩)", "supply_rate": "供地率"}).to_dict("records")
    [{'批准面积(亩)': 1.23, '供地率': '61.2%'}]
    """
    cols = [c for c in labels if c in table.columns]
    out = table[cols].copy()
    for c in cols:
        if c.endswith(("_mu", "_ha", "_m2")):
            out[c] = out[c].astype(float).round(2)
        elif c.endswith(("rate", "share")):
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else f"{v:.1%}")
        elif pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d").fillna("")
        elif out[c].dtype == bool or out[c].map(lambda v: isinstance(v, bool)).all():
            out[c] = out[c].map({True: "是", False: "否"})
    return out.rename(columns=dict(labels))

"""售价 of factory units offered for sale: the 招商方式 read, the two prices checked against each other.

A unit register may say how each unit is offered (招商方式: 出租, 出售 or 租售均可) and, for units
sold, a 售价 per m² and/or a 总价 in 万元. :func:`sale_terms` normalises the mode, fills the price
that is missing from the other and the floor area, and reports (leaving missing) what it cannot
trust: an unknown mode, a per-m² price and a total that disagree. A price on a unit offered only
for rent, or without a mode, is kept for the bureau but reported (the public page never shows it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._problems import add_problem

__all__ = ["SALE_MODES", "normalise_sale_mode", "sale_terms"]

#: The three 招商方式 and the spellings registers use for each.
SALE_MODES: dict[str, tuple[str, ...]] = {
    "出租": ("出租", "租", "租赁", "仅出租", "只租", "招租"),
    "出售": ("出售", "售", "销售", "仅出售", "只售", "转让"),
    "租售均可": (
        "租售均可",
        "租售",
        "可租可售",
        "租售皆可",
        "出租或出售",
        "出租/出售",
        "出租、出售",
        "租或售",
    ),
}
_SPELLING = {s: mode for mode, spellings in SALE_MODES.items() for s in spellings}
#: Modes under which a unit's 售价 may be published.
SOLD_MODES = ("出售", "租售均可")
_TOLERANCE = 0.01  # a total may differ from 单价 × 面积 by 1 % (rounded to 万元)


def normalise_sale_mode(value: object, /) -> str | None:
    """The 招商方式 of a cell (出租 / 出售 / 租售均可), None when empty; ValueError when unknown.

    Examples
    --------
    >>> [normalise_sale_mode(v) for v in ("出售", " 可租可售 ", "租", None, "")]
    ['出售', '租售均可', '出租', None, None]
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    if text not in _SPELLING:
        raise ValueError(text)
    return _SPELLING[text]


def _modes(units: pd.DataFrame, problems: list[dict[str, Any]]) -> pd.Series:
    out = []
    for idx, raw in units["sale_mode"].items():
        try:
            out.append(normalise_sale_mode(raw))
        except ValueError:
            out.append(None)
            add_problem(
                problems, idx, "sale_mode", "unknown_sale_mode", "warning",
                f"招商方式“{raw}”无法识别，已留空（按未出售处理，不公开售价）",
                "请填 出租、出售 或 租售均可", value=raw,
            )  # fmt: skip
    return pd.Series(out, index=units.index, dtype=object)


def _check_prices(units: pd.DataFrame, problems: list[dict[str, Any]]) -> None:
    """Fill the missing one of 单价/总价 from the other and the area; report and blank disagreeing pairs."""
    unit, total, area = units["sale_price_yuan_m2"], units["sale_price_wan"], units["floor_area_m2"]
    implied = unit * area / 1e4
    both = unit.notna() & total.notna() & area.notna()
    off = both & ((implied - total).abs() > _TOLERANCE * total.abs())
    for idx in units.index[off]:
        add_problem(
            problems, idx, "sale_price_wan", "sale_price_mismatch", "warning",
            f"售价 {unit[idx]:,.0f} 元/m² × 建筑面积 {area[idx]:,.0f} m² = {implied[idx]:,.2f} 万元，"
            f"与售价总价 {total[idx]:,.2f} 万元不符，两项均已留空",
            "请核对售价单价、总价和建筑面积", value=total[idx],
        )  # fmt: skip
    units.loc[off, ["sale_price_yuan_m2", "sale_price_wan"]] = np.nan
    unit, total = units["sale_price_yuan_m2"], units["sale_price_wan"]
    fill_total = unit.notna() & total.isna() & area.notna()
    units.loc[fill_total, "sale_price_wan"] = unit[fill_total] * area[fill_total] / 1e4
    fill_unit = total.notna() & unit.isna() & (area > 0)
    units.loc[fill_unit, "sale_price_yuan_m2"] = total[fill_unit] * 1e4 / area[fill_unit]


def sale_terms(units: pd.DataFrame, problems: list[dict[str, Any]], /) -> None:
    """Normalise ``sale_mode`` and check the 售价 columns of ``units`` in place (see the module doc).

    Examples
    --------
    >>> u = pd.DataFrame({"unit_id": ["A", "B", "C"], "sale_mode": ["出售", "可租可售", "出租"],
    ...                   "floor_area_m2": [500.0, 1000.0, 800.0],
    ...                   "sale_price_yuan_m2": [3000.0, np.nan, 2500.0],
    ...                   "sale_price_wan": [np.nan, 280.0, np.nan]})
    >>> problems = []
    >>> sale_terms(u, problems)
    >>> u["sale_mode"].tolist(), u["sale_price_wan"].tolist(), u["sale_price_yuan_m2"].tolist()
    (['出售', '租售均可', '出租'], [150.0, 280.0, 200.0], [3000.0, 2800.0, 2500.0])
    >>> [p["problem"] for p in problems]
    ['sale_price_not_for_sale']
    """
    units["sale_mode"] = _modes(units, problems)
    _check_prices(units, problems)
    priced = units["sale_price_yuan_m2"].notna() | units["sale_price_wan"].notna()
    for idx in units.index[priced & units["sale_mode"].eq("出租")]:
        add_problem(
            problems, idx, "sale_price_yuan_m2", "sale_price_not_for_sale", "warning",
            f"单元 {units.at[idx, 'unit_id']!s} 招商方式为出租却填了售价；公开页面不显示该售价",
            "该单元若也出售，请把招商方式改为 出售 或 租售均可；否则清空售价",
        )  # fmt: skip
    for idx in units.index[priced & units["sale_mode"].isna()]:
        add_problem(
            problems, idx, "sale_mode", "sale_mode_missing", "warning",
            f"单元 {units.at[idx, 'unit_id']!s} 填了售价但未填招商方式；公开页面不显示该售价",
            "请填招商方式：出售 或 租售均可",
        )  # fmt: skip

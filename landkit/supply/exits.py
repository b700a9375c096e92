"""腾笼换鸟: grade tenants per m² of floor space and list exit candidates with reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataFormatError
from ..rules.grading import grade_per_mu
from .vacancy import _as_date, unit_state

__all__ = ["EXIT_COLUMNS", "exit_candidates", "grade_tenants", "supply_units"]

#: Columns of :func:`exit_candidates` → Chinese labels.
EXIT_COLUMNS: dict[str, str] = {
    "tenant": "承租企业",
    "units": "单元数",
    "unit_ids": "单元",
    "floor_area_m2": "承租面积(m²)",
    "grade": "亩均效益等级(按面积)",
    "lease_end": "租期止",
    "arrears_yuan": "欠缴租金(元)",
    "exit_reasons": "腾退理由",
}


def grade_tenants(
    units: pd.DataFrame,
    firms: pd.DataFrame,
    /,
    *,
    scheme: str | Path | Mapping[str, Any],
    as_of: str | dt.date,
) -> pd.DataFrame:
    """Grade tenants with the 亩均 grading, per m² of the floor space they occupy on ``as_of``.

    ``firms`` has a ``tenant`` column and annual totals in 万元 named ``*_wan`` (``tax_wan``,
    ``output_wan`` …). Each total becomes ``*_per_m2`` in 元 per m² of occupied floor area, and the
    tenants are graded by :func:`landkit.rules.grade_per_mu` with a scheme whose indicators name those
    columns (``sample_data/supply/tenant_grading.toml``).

    Returns
    -------
    DataFrame
        One row per tenant: ``tenant``, ``floor_area_m2``, the ``*_per_m2`` indicators and the grading
        columns. A tenant in ``firms`` without occupied space is not graded (``grade`` missing, noted).
    """
    if "tenant" not in firms:
        raise DataFormatError("the tenant indicator table needs a tenant (承租企业) column")
    state = unit_state(units, as_of=as_of)
    occupied = units[state["state"] != "vacant"]
    area = pd.to_numeric(occupied["floor_area_m2"], errors="coerce").groupby(occupied["tenant"]).sum()
    frame = firms.copy()
    frame["floor_area_m2"] = frame["tenant"].map(area).astype(float)
    for col in [c for c in firms.columns if c.endswith("_wan")]:
        frame[col[:-4] + "_per_m2"] = (
            pd.to_numeric(frame[col], errors="coerce") * 1e4 / frame["floor_area_m2"]
        )
    no_space = frame["floor_area_m2"].isna() | (frame["floor_area_m2"] <= 0)
    graded = grade_per_mu(frame[~no_space], scheme=scheme)
    out = frame.join(graded)
    out.loc[no_space, "grade_note"] = "无在租厂房面积，不按面积评价"
    return out.reset_index(drop=True)


def _months_after(day: pd.Timestamp, months: int) -> pd.Timestamp:
    return day + pd.DateOffset(months=months)


def exit_candidates(
    units: pd.DataFrame,
    grades: pd.DataFrame,
    /,
    *,
    as_of: str | dt.date,
    exit_grades: Sequence[str] = ("D",),
    lease_within_months: int = 6,
    arrears_over_yuan: float = 0.0,
) -> pd.DataFrame:
    """Tenants to move out (腾笼换鸟), each with the reasons that put it on the list.

    A tenant is a candidate when its per-m² grade is in ``exit_grades``, **or** its lease ends within
    ``lease_within_months`` of ``as_of``, **or** its arrears (``arrears_yuan`` of its units) exceed
    ``arrears_over_yuan``. A tenant without a grade is listed only for the other reasons, and the
    missing grade is said ("等级未知").

    Returns
    -------
    DataFrame
        One row per candidate tenant with :data:`EXIT_COLUMNS`, worst grade first.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"unit_id": ["a", "b"], "tenant": ["甲", "乙"], "floor_area_m2": [500.0, 800.0],
    ...                   "lease_end": pd.to_datetime(["2025-03-31", "2028-12-31"]), "vacant_since": pd.NaT,
    ...                   "move_in_date": pd.NaT, "arrears_yuan": [0.0, 12000.0]})
    >>> g = pd.DataFrame({"tenant": ["甲", "乙"], "grade": ["B", "D"]})
    >>> exit_candidates(u, g, as_of="2024-12-31")["exit_reasons"].tolist()
    ['亩均效益评价D级; 欠缴租金 12,000 元', '租期 2025-03-31 到期 (6个月内)']
    """
    day = _as_date(as_of)
    state = unit_state(units, as_of=as_of)
    occ = units[state["state"] != "vacant"].copy()
    arrears = pd.to_numeric(occ["arrears_yuan"], errors="coerce") if "arrears_yuan" in occ else 0.0
    occ["_arrears"] = arrears
    occ["_lease_end"] = pd.to_datetime(occ.get("lease_end"), errors="coerce")  # type: ignore
    g = occ.groupby("tenant", sort=True)
    per = pd.DataFrame(
        {
            "units": g.size(),
            "unit_ids": g["unit_id"].agg(lambda s: "、".join(map(str, s))),
            "floor_area_m2": g["floor_area_m2"].sum(min_count=1),
            "lease_end": g["_lease_end"].min(),
            "arrears_yuan": g["_arrears"].sum(min_count=1),
        }
    )
    per["grade"] = per.index.map(grades.set_index("tenant")["grade"].to_dict()).astype(object)
    limit = _months_after(day, lease_within_months)
    reasons: list[str] = []
    for tenant, row in per.iterrows():  # one row per tenant (a few hundred at most)
        why = []
        grade = row["grade"]
        if isinstance(grade, str) and grade in exit_grades:
            why.append(f"亩均效益评价{grade}级")
        if pd.notna(row["lease_end"]) and day <= row["lease_end"] <= limit:
            why.append(f"租期 {row['lease_end']:%Y-%m-%d} 到期 ({lease_within_months}个月内)")
        if pd.notna(row["arrears_yuan"]) and row["arrears_yuan"] > arrears_over_yuan:
            why.append(f"欠缴租金 {row['arrears_yuan']:,.0f} 元")
        if why and not isinstance(grade, str):
            why.append("等级未知")
        reasons.append("; ".join(why))
        del tenant
    per["exit_reasons"] = reasons
    order = {k: i for i, k in enumerate(["D", "C", "B", "A"])}
    per = per[per["exit_reasons"] != ""].reset_index()
    per["_o"] = per["grade"].map(lambda v: order.get(v, 9))
    return per.sort_values(["_o", "tenant"], kind="stable")[list(EXIT_COLUMNS)].reset_index(drop=True)


def supply_units(
    units: pd.DataFrame, /, *, as_of: str | dt.date, candidates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Units on offer: the vacant ones (available on ``as_of``) plus the units of exit candidates
    (available when their lease ends), with ``available_from`` and ``offer_source``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"unit_id": ["a", "b"], "tenant": [None, "乙"], "floor_area_m2": [500.0, 800.0],
    ...                   "lease_end": pd.to_datetime([None, "2025-06-30"]), "vacant_since": pd.NaT,
    ...                   "move_in_date": pd.NaT})
    >>> s = supply_units(u, as_of="2024-12-31", candidates=pd.DataFrame({"tenant": ["乙"]}))
    >>> s[["unit_id", "offer_source"]].values.tolist()
    [['a', '空置'], ['b', '腾笼换鸟']]
    """
    day = _as_date(as_of)
    state = unit_state(units, as_of=as_of)
    vacant = state["state"] == "vacant"
    leaving = (
        units["tenant"].isin(set(candidates["tenant"])) & ~vacant
        if candidates is not None
        else vacant & False
    )
    out = units[vacant | leaving].copy()
    lease_end = pd.to_datetime(out.get("lease_end"), errors="coerce")  # type: ignore
    start = np.where(vacant[out.index], np.datetime64(day.to_datetime64()), lease_end.to_numpy())
    out["available_from"] = pd.to_datetime(start)
    out["offer_source"] = np.where(vacant[out.index], "空置", "腾笼换鸟")
    return out

"""Vacant floor space in standard-factory parks: per unit, per building, per park."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import DataFormatError

__all__ = ["UNIT_STATES", "VACANCY_COLUMNS", "unit_state", "vacancy"]

#: Unit states on a date → Chinese labels.
UNIT_STATES: dict[str, str] = {
    "occupied": "在租",
    "vacant": "空置",
    "lease_expired": "租期已满待核实",
}

#: Columns of :func:`vacancy` → Chinese labels.
VACANCY_COLUMNS: dict[str, str] = {
    "level": "层级",
    "park": "园区",
    "building": "楼栋",
    "units": "单元数",
    "units_vacant": "空置单元数",
    "floor_area_m2": "建筑面积(m²)",
    "vacant_area_m2": "空置面积(m²)",
    "vacancy_rate": "空置率",
    "vacant_since_earliest": "最早空置起始日期",
    "vacant_days_max": "最长空置天数",
    "vacant_since_unknown": "空置起始日期未知单元数",
    "lease_expired_units": "租期已满待核实单元数",
}


def _as_date(as_of: object) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(as_of)  # type: ignore
    except (TypeError, ValueError) as exc:
        raise DataFormatError(f"as_of {as_of!r} is not a date; write 2024-12-31") from exc
    if pd.isna(ts):
        raise DataFormatError("as_of is missing; write 2024-12-31")
    return ts.normalize()


def unit_state(units: pd.DataFrame, /, *, as_of: str | dt.date) -> pd.DataFrame:
    """State of each unit on ``as_of``: occupied, vacant (since when, how many days) or lease expired.

    A unit is **vacant** when it has no 承租企业, or its tenant moves in after ``as_of``; it is
    **lease_expired** when a tenant is recorded but the lease ended before ``as_of`` (the register
    may lack a renewal: confirm, it is not counted as vacant). Vacant days count from
    ``vacant_since`` (missing → unknown, never guessed).

    Returns
    -------
    DataFrame
        Aligned on ``units.index``: ``state``, ``state_label``, ``vacant_since``, ``vacant_days``.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"tenant": [None, "甲公司"], "vacant_since": pd.to_datetime(["2024-01-01", None]),
    ...                   "lease_end": pd.to_datetime([None, "2026-12-31"]), "move_in_date": pd.NaT})
    >>> unit_state(u, as_of="2024-12-31")[["state", "vacant_days"]].values.tolist()
    [['vacant', 365.0], ['occupied', nan]]
    """
    day = _as_date(as_of)
    tenant = units["tenant"].astype(object)
    has_tenant = tenant.notna() & (tenant.astype(str).str.strip() != "")
    move_in = pd.to_datetime(units.get("move_in_date"), errors="coerce")  # type: ignore
    lease_end = pd.to_datetime(units.get("lease_end"), errors="coerce")  # type: ignore
    since = pd.to_datetime(units.get("vacant_since"), errors="coerce")  # type: ignore
    if not isinstance(move_in, pd.Series):
        move_in = pd.Series(pd.NaT, index=units.index)
    if not isinstance(lease_end, pd.Series):
        lease_end = pd.Series(pd.NaT, index=units.index)
    if not isinstance(since, pd.Series):
        since = pd.Series(pd.NaT, index=units.index)
    future_tenant = has_tenant & (move_in > day)
    vacant = ~has_tenant | future_tenant
    expired = has_tenant & ~future_tenant & (lease_end < day)
    state = np.where(vacant, "vacant", np.where(expired, "lease_expired", "occupied"))
    since_v = since.where(vacant & (since <= day))
    days = (day - since_v).dt.days.astype(float)
    out = pd.DataFrame({"state": state, "vacant_since": since_v, "vacant_days": days}, index=units.index)
    out.insert(1, "state_label", out["state"].map(UNIT_STATES))
    return out


def vacancy(units: pd.DataFrame, /, *, as_of: str | dt.date) -> pd.DataFrame:
    """Vacant floor area, vacancy rate and vacant-since per building and per park on ``as_of``.

    Parameters
    ----------
    units : DataFrame
        From :func:`~landkit.supply.read_units` (``park``, ``building``, ``floor_area_m2``,
        ``tenant``, ``vacant_since``, ``lease_end``, ``move_in_date``).
    as_of : date
        The day the state is taken on.

    Returns
    -------
    DataFrame
        One row per building (``level = "building"``), then one per park (``level = "park"``), with
        :data:`VACANCY_COLUMNS`. ``vacancy_rate`` is vacant ÷ total floor area (units without an area
        are counted in ``units`` but not in the areas).

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"park": "P", "building": ["1", "1", "2"], "floor_area_m2": [100.0, 300.0, 200.0],
    ...                   "tenant": [None, "甲", "乙"],
    ...                   "vacant_since": pd.to_datetime(["2024-06-30", None, None]),
    ...                   "lease_end": pd.NaT, "move_in_date": pd.NaT})
    >>> v = vacancy(u, as_of="2024-12-31")
    >>> v[["level", "building", "vacant_area_m2", "vacancy_rate"]].values.tolist()
    [['building', '1', 100.0, 0.25], ['building', '2', 0.0, 0.0], ['park', None, 100.0, 0.16666666666666666]]
    """
    state = unit_state(units, as_of=as_of)
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce")
    vac = state["state"] == "vacant"
    work = pd.DataFrame(
        {
            "park": units["park"].astype(object).fillna("(未填园区)"),
            "building": units["building"].astype(str),
            "area": area,
            "vac_area": area.where(vac, 0.0),
            "vac": vac,
            "since": state["vacant_since"],
            "days": state["vacant_days"],
            "unknown": vac & state["vacant_since"].isna(),
            "expired": state["state"] == "lease_expired",
        }
    )
    rows = []
    for level, keys in (("building", ["park", "building"]), ("park", ["park"])):
        g = work.groupby(keys, sort=True, dropna=False)
        part = pd.DataFrame(
            {
                "units": g.size(),
                "units_vacant": g["vac"].sum(),
                "floor_area_m2": g["area"].sum(min_count=1),
                "vacant_area_m2": g["vac_area"].sum(),
                "vacant_since_earliest": g["since"].min(),
                "vacant_days_max": g["days"].max(),
                "vacant_since_unknown": g["unknown"].sum(),
                "lease_expired_units": g["expired"].sum(),
            }
        ).reset_index()
        part.insert(0, "level", level)
        if level == "park":
            part.insert(2, "building", None)
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    out["vacancy_rate"] = out["vacant_area_m2"] / out["floor_area_m2"]
    out["building"] = out["building"].astype(object).where(out["level"] == "building", None)
    return out[list(VACANCY_COLUMNS)]

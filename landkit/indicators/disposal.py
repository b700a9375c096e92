"""Disposal rates per cohort: 闲置土地 from the ledger's snapshots, 批而未供 from batches and supplies.

For idle land (``cohort="identified_year"``) a parcel joins the cohort of the year of the first
snapshot that lists it as idle; a parcel split or merged from tracked parcels (``previous_ids``)
belongs to its ancestors' cohort and is not new stock. It counts as **disposed** at the first
snapshot where its status is a cleared one (``CLEARED_STATUSES``), by the 盘活方式 it carries then.
Parcels in the first snapshot form the cohort "基期及以前" (their year of identification is not in
the ledger). Each calendar year's flow (newly found, disposed) is reported too, with the optional
local rule that deducts newly found idle land above a share of the year's disposal.

For 批而未供 (``cohort="approval_year"``) a batch's cohort is its approval year; its stock is the
approved area, disposed is the area covered by supply signed by ``as_of`` (each square metre once,
attributed to 出让, 划拨, 作价出资, 租赁 in that order of precedence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataFormatError
from ..ledger.history import ancestors, parents_map
from ..schema import CLEARED_STATUSES, has_category
from ..units import MU_M2
from ._config import load_settings
from ._dates import as_day
from .read import SUPPLY_METHODS
from .unsupplied import unsupplied

__all__ = ["BASE_COHORT", "DISPOSAL_LABELS", "Disposal", "disposal_rates"]

#: Cohort label of the parcels already in the first snapshot.
BASE_COHORT = "基期及以前"
#: Output columns of :func:`disposal_rates` → Chinese labels.
DISPOSAL_LABELS = {
    "cohort": "批次年度/认定年度",
    "n": "宗数",
    "stock_mu": "存量面积(亩)",
    "disposed_mu": "已处置面积(亩)",
    "outstanding_mu": "未处置面积(亩)",
    "disposal_rate": "处置率",
}
#: Yearly flow columns → Chinese labels.
FLOW_LABELS = {
    "year": "年度",
    "new_mu": "新增面积(亩)",
    "disposed_mu": "当年处置面积(亩)",
    "deducted_mu": "扣减面积(亩)",
    "counted_mu": "计入处置面积(亩)",
}


@dataclass(frozen=True)
class Disposal:
    """The answer of :func:`disposal_rates`.

    Attributes
    ----------
    cohorts : DataFrame
        Per cohort: ``n``, ``stock_mu``, ``disposed_mu``, ``outstanding_mu``, ``disposal_rate``
        and one ``by_<route>_mu`` column per disposal route, with a last 合计 row.
    flows : DataFrame
        Per calendar year: newly found, disposed, deducted (local rule) and counted 亩.
    settings : dict
        What the figures mean (kind, as_of, the deduction rule and its basis).
    """

    cohorts: pd.DataFrame
    flows: pd.DataFrame
    settings: dict[str, Any]


def _snapshots(ledger: Any, day: dt.date) -> pd.DataFrame:
    """Every current snapshot row up to ``day`` (as_of, parcel_id, status, categories, route, area)."""
    cols = ["parcel_id", "status", "categories", "disposal_method", "previous_ids", "area_m2"]
    frames = []
    for d in [d for d in ledger.dates() if d <= day]:
        snap = pd.DataFrame(ledger.snapshot(d)).reindex(columns=cols)
        snap.insert(0, "as_of", d)
        frames.append(snap)
    if not frames:
        raise DataFormatError(f"the ledger holds no snapshot on or before {day}")
    return pd.concat(frames, ignore_index=True)


def _idle_cohorts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per tracked parcel: cohort, stock area, disposed date/route/area (lineage-aware)."""
    first = rows["as_of"].min()
    idle = rows[has_category(rows["categories"], "idle").to_numpy()]
    seen = idle.groupby("parcel_id")["as_of"].min()
    parents = parents_map(rows)
    tracked = set(seen.index)
    cohort: dict[str, str] = {}
    stock: dict[str, float] = {}
    first_area = idle.sort_values("as_of").drop_duplicates("parcel_id").set_index("parcel_id")["area_m2"]
    for pid in seen.sort_values().index:
        roots = sorted(a for a in ancestors([pid], parents) if a in tracked and a in cohort)
        if roots:
            cohort[pid] = cohort[roots[0]]
            continue
        cohort[pid] = BASE_COHORT if seen[pid] == first else f"{seen[pid].year}年"
        stock[pid] = float(first_area[pid])
    cleared = rows[rows["status"].isin(CLEARED_STATUSES) & rows["parcel_id"].isin(cohort)]
    done = cleared.sort_values("as_of").drop_duplicates("parcel_id").set_index("parcel_id")
    out = pd.DataFrame({"parcel_id": list(cohort), "cohort": list(cohort.values())})
    out["found"] = out["parcel_id"].map(seen)
    out["stock_m2"] = out["parcel_id"].map(stock).fillna(0.0)
    out["disposed_on"] = out["parcel_id"].map(done["as_of"])
    out["route"] = out["parcel_id"].map(done["disposal_method"]).fillna("未注明方式")
    out["disposed_m2"] = out["parcel_id"].map(done["area_m2"]).fillna(0.0)
    superseded = {p for pid in cohort for p in parents.get(pid, ()) if p in cohort}
    latest = rows[rows["as_of"] == rows["as_of"].max()].set_index("parcel_id")
    live = out["parcel_id"].isin(latest.index) & out["disposed_on"].isna()
    out["outstanding_m2"] = np.where(
        live & ~out["parcel_id"].isin(superseded), out["parcel_id"].map(latest["area_m2"]), 0.0
    )
    gone = (
        ~out["parcel_id"].isin(latest.index) & out["disposed_on"].isna() & ~out["parcel_id"].isin(superseded)
    )
    out.loc[gone, "outstanding_m2"] = out.loc[gone, "stock_m2"]  # disappeared: reported, never cleared
    return out


def _cohort_table(members: pd.DataFrame) -> pd.DataFrame:
    """Sum a per-member table (cohort, stock_m2, disposed_m2, outstanding_m2, route) per cohort."""
    g = members.groupby("cohort", sort=True)
    table = pd.DataFrame(
        {
            "n": g["stock_m2"].apply(lambda s: int((s > 0).sum())),
            "stock_m2": g["stock_m2"].sum(),
            "disposed_m2": g["disposed_m2"].sum(),
            "outstanding_m2": g["outstanding_m2"].sum(),
        }
    )
    routes = members[members["disposed_m2"] > 0].pivot_table(
        index="cohort", columns="route", values="disposed_m2", aggfunc="sum", fill_value=0.0
    )
    for r in routes.columns:
        table[f"by_{r}_mu"] = routes[r].reindex(table.index).fillna(0.0) / MU_M2
    order = sorted(table.index, key=lambda c: (c != BASE_COHORT, c))
    table = table.reindex(order)
    table.loc["合计"] = table.sum(numeric_only=True)
    table["n"] = table["n"].astype(int)
    for c in ("stock", "disposed", "outstanding"):
        table[f"{c}_mu"] = table[f"{c}_m2"] / MU_M2
    stock = table["stock_m2"].to_numpy(float)
    table["disposal_rate"] = np.where(stock > 0, table["disposed_m2"] / np.where(stock > 0, stock, 1), np.nan)
    return table.reset_index(names="cohort")


def _flows(members: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Per calendar year: newly found (after the first snapshot), disposed, deducted, counted (亩)."""
    new = members[members["cohort"] != BASE_COHORT]
    new_by = new.groupby(new["found"].map(lambda d: d.year))["stock_m2"].sum() / MU_M2
    done = members[members["disposed_on"].notna()]
    done_by = done.groupby(done["disposed_on"].map(lambda d: d.year))["disposed_m2"].sum() / MU_M2
    years = sorted(set(new_by.index) | set(done_by.index))
    flows = pd.DataFrame({"year": years})
    flows["new_mu"] = flows["year"].map(new_by).fillna(0.0)
    flows["disposed_mu"] = flows["year"].map(done_by).fillna(0.0)
    share = float(settings["excess_share"])
    excess = (flows["new_mu"] - share * flows["disposed_mu"]).clip(lower=0.0)
    flows["deducted_mu"] = (
        np.minimum(excess, flows["disposed_mu"]) if settings["deduct_excess_new_idle"] else 0.0
    )
    flows["counted_mu"] = flows["disposed_mu"] - flows["deducted_mu"]
    return flows


def _unsupplied_members(batches: Any, supplies: Any, day: dt.date) -> pd.DataFrame:
    """Per batch: approval-year cohort, approved area, area supplied per method (precedence order)."""
    base = unsupplied(batches, supplies, as_of=day, geometry=False)
    members = pd.DataFrame(
        {"cohort": base["approval_year"].astype(str) + "年", "stock_m2": base["approved_m2"]}
    )
    members["outstanding_m2"] = base["unsupplied_m2"]
    members["disposed_m2"], members["route"] = base["supplied_m2"], "供地"
    done = np.zeros(len(base))
    parts = []
    for k in range(1, len(SUPPLY_METHODS) + 1):
        chosen = supplies[supplies["supply_method"].isin(SUPPLY_METHODS[:k]).to_numpy()]
        upto = unsupplied(batches, chosen, as_of=day, geometry=False)["supplied_m2"].to_numpy()
        part = members[["cohort"]].copy()
        part["stock_m2"], part["outstanding_m2"] = 0.0, 0.0
        part["disposed_m2"], part["route"] = upto - done, SUPPLY_METHODS[k - 1]
        parts.append(part)
        done = upto
    members["disposed_m2"] = 0.0  # the per-method rows carry the supplied area
    return pd.concat([members, *parts], ignore_index=True)


def disposal_rates(
    source: Any,
    /,
    *,
    cohort: str = "identified_year",
    as_of: object,
    supplies: Any = None,
    config: str | Path | None = None,
) -> Disposal:
    """Stock, disposal by route, newly found and disposal rate per cohort.

    Parameters
    ----------
    source : Ledger or GeoDataFrame
        A :class:`landkit.Ledger` for ``cohort="identified_year"`` (闲置土地); the approval
        batches for ``cohort="approval_year"`` (批而未供).
    cohort : {"identified_year", "approval_year"}
        What the cohorts are.
    as_of : date or str
        Snapshots (or supplies) up to this day count.
    supplies : GeoDataFrame, optional
        Supply records; required for ``cohort="approval_year"``.
    config : path, optional
        Indicator settings: ``[disposal] deduct_excess_new_idle`` (local practice, off by default).

    Returns
    -------
    Disposal

    Examples
    --------
    >>> import landkit, tempfile, pathlib
    >>> led = landkit.Ledger(pathlib.Path(tempfile.mkdtemp()) / "l.gpkg")
    >>> for d in ("2023-12-31", "2024-06-30"):
    ...     _ = led.record(landkit.read_parcels(f"sample_data/snapshots/register_{d}.gpkg"), as_of=d,
    ...                    source="样例", validate=False)
    >>> r = disposal_rates(led, as_of="2024-06-30")
    >>> r.cohorts["cohort"].iloc[0]
    '基期及以前'
    """
    day = as_day(as_of)
    settings = load_settings(config)["disposal"]
    if cohort == "identified_year":
        members = _idle_cohorts(_snapshots(source, day))
        flows = _flows(members, settings)
        kind = "闲置土地"
    elif cohort == "approval_year":
        if supplies is None:
            raise DataFormatError("cohort='approval_year' needs supplies= (the supply records)")
        members = _unsupplied_members(source, supplies, day)
        flows = pd.DataFrame(columns=list(FLOW_LABELS))
        kind = "批而未供"
    else:
        raise DataFormatError(f"cohort must be 'identified_year' or 'approval_year', not {cohort!r}")
    return Disposal(
        cohorts=_cohort_table(members),
        flows=flows,
        settings={"kind": kind, "cohort": cohort, "as_of": day, **settings},
    )

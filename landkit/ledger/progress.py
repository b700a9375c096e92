"""Clear-down progress (清零进度) from the stored snapshots.

Definitions (stated in every report):

* a parcel is **in the stock** (存量) at a snapshot date when it carries one of the chosen
  categories, lies in the scope (its representative point inside the scope polygon) and its
  status is not a cleared one;
* **baseline stock**: the parcels in the stock in the baseline snapshot;
* **newly listed** (新增): parcels entering the stock after the baseline that do not descend
  (``previous_ids``) from a parcel already tracked — newly found idle land counts against the
  target; their area is taken when first listed;
* at each date every tracked parcel is **remaining** (in the stock), **cleared** (its status
  is a cleared one, or it left the register after a cleared status), **reclassified**
  (still in the register, not cleared, but no longer in the categories or scope),
  **superseded** (split or merged: its successors are tracked instead) or **disappeared**
  (missing from the register while its last status was not a cleared one — reported, never
  counted as cleared);
* **outstanding** = remaining + disappeared. The plan line runs straight from the baseline
  stock at the baseline date to ``target`` 亩 at the target date; a date is **on track** when
  outstanding ≤ the plan line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..units import MU_M2
from .history import ancestors

__all__ = ["STATE_LABELS", "Progress", "compute_progress"]

#: Parcel states at a date, with Chinese labels.
STATE_LABELS: dict[str, str] = {
    "remaining": "未清零",
    "cleared": "已清零",
    "reclassified": "移出范围",
    "superseded": "分割合并",
    "disappeared": "消失待核实",
}

_DAYS_PER_MONTH = 365.2425 / 12
_SUMS = [f"{s}_{k}" for s in ("baseline", "new", *STATE_LABELS) for k in ("n", "m2")]


@dataclass(frozen=True)
class Progress:
    """The result of :meth:`Ledger.progress <landkit.ledger.Ledger.progress>`.

    Attributes
    ----------
    summary : DataFrame
        One row per snapshot date (index ``as_of``) with the figures described in the module.
    by_zone : DataFrame or None
        The same figures per snapshot date and zone (columns ``as_of``, ``zone`` …).
    by_unit : DataFrame
        The same figures per snapshot date and responsible unit (责任单位).
    parcels : DataFrame
        State of every tracked parcel at the latest date (``parcel_id``, ``state``, ``area_mu`` …).
    disappeared : DataFrame
        Parcels missing from the latest register whose last status was not a cleared one.
    settings : dict
        Baseline, target date, target (亩), categories, cleared statuses, scope: what the
        figures mean, repeated in every report.
    """

    summary: pd.DataFrame
    by_zone: pd.DataFrame | None
    by_unit: pd.DataFrame
    parcels: pd.DataFrame
    disappeared: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def latest(self) -> pd.Series:
        """The figures at the latest snapshot date."""
        return self.summary.iloc[-1]

    @property
    def behind(self) -> bool:
        """True when the latest snapshot is behind the plan line."""
        return bool(len(self.summary)) and not bool(self.latest["on_track"])


def _figures(
    sums: pd.DataFrame, *, as_of: dt.date, baseline: dt.date, target_date: dt.date, target_mu: float
) -> pd.DataFrame:
    out = pd.DataFrame(index=sums.index)
    for s in ("baseline", "new", *STATE_LABELS):
        out[f"{s}_count"] = sums[f"{s}_n"].astype("int64")
        if s != "superseded":
            out[f"{s}_mu"] = sums[f"{s}_m2"] / MU_M2
    out["outstanding_mu"] = out["remaining_mu"] + out["disappeared_mu"]
    listed = out["baseline_mu"] + out["new_mu"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct_cleared"] = np.where(listed > 0, 100.0 * out["cleared_mu"] / listed, np.nan)
    days_left = (target_date - as_of).days
    span = max((target_date - baseline).days, 1)
    frac = min(max((as_of - baseline).days / span, 0.0), 1.0)
    out["days_left"] = days_left
    out["plan_mu"] = out["baseline_mu"] + (target_mu - out["baseline_mu"]) * frac
    gap = (out["outstanding_mu"] - target_mu).clip(lower=0.0)
    out["monthly_rate_needed_mu"] = gap / (days_left / _DAYS_PER_MONTH) if days_left > 0 else np.nan
    out["on_track"] = out["outstanding_mu"] <= out["plan_mu"] + 1e-9
    return out


def _state_sums(state: pd.DataFrame) -> pd.DataFrame:
    """Per-parcel indicator columns (counts and m²) to be summed by group."""
    cols: dict[str, Any] = {}
    cols["baseline_n"] = state["is_baseline"].astype(int)
    cols["baseline_m2"] = state["baseline_m2"].where(state["is_baseline"], 0.0)
    cols["new_n"] = state["is_new"].astype(int)
    cols["new_m2"] = state["new_m2"].where(state["is_new"], 0.0)
    for s in STATE_LABELS:
        hit = state["state"] == s
        cols[f"{s}_n"] = hit.astype(int)
        cols[f"{s}_m2"] = state["area_m2"].where(hit, 0.0)
    return pd.DataFrame(cols, index=state.index)


def compute_progress(
    rows: pd.DataFrame,
    /,
    *,
    baseline: dt.date,
    target_date: dt.date,
    target_mu: float,
    in_stock_tags: Mapping[str, bool],
    cleared_statuses: Iterable[str],
    in_scope: pd.Series | None = None,
    zones: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame]:
    """Compute the progress tables from stored rows.

    Parameters
    ----------
    rows : DataFrame
        Rows of the current snapshot versions with ``as_of`` (date), ``parcel_id``, ``status``,
        ``categories``, ``area_m2``, ``previous_ids``, ``responsible_unit``; dates ≥ the baseline.
    baseline, target_date : datetime.date
        Baseline snapshot date (must be among the rows) and deadline.
    target_mu : float
        Outstanding area (亩) allowed at the target date (0 for 清零).
    in_stock_tags : mapping
        For each distinct ``categories`` value, whether it carries a chosen category.
    cleared_statuses : iterable of str
        Statuses that count as cleared.
    in_scope : Series of bool, optional
        Per row (aligned on ``rows``): is the parcel inside the scope.
    zones : Series, optional
        Per row: the zone names (a list, possibly empty) the parcel lies in.

    Returns
    -------
    summary, by_zone, by_unit, parcels
        See :class:`Progress`.
    """
    cleared = set(cleared_statuses)
    closed = rows["status"].isin(cleared).to_numpy()
    tagged = rows["categories"].map(in_stock_tags).fillna(False).to_numpy(dtype=bool)
    scope = np.ones(len(rows), dtype=bool) if in_scope is None else in_scope.to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "as_of": rows["as_of"].to_numpy(),
            "parcel_id": rows["parcel_id"].to_numpy(),
            "status": rows["status"].to_numpy(),
            "area_m2": rows["area_m2"].to_numpy(dtype=float),
            "unit": rows["responsible_unit"].fillna("(未填)").to_numpy(),
            "closed": closed,
            "active": tagged & scope & ~closed,
            "in_range": tagged & scope,
        }
    )
    if zones is not None:
        frame["zones"] = zones.to_numpy()
    from .history import parents_map

    parents = parents_map(rows)
    dates = sorted(frame["as_of"].unique())
    if not dates or dates[0] != baseline:
        raise ValueError("the rows must start at the baseline snapshot")

    tracked: pd.DataFrame | None = None  # index parcel_id: is_baseline, baseline_m2, is_new, new_m2
    last: pd.DataFrame | None = None  # last known row of each tracked parcel
    summaries, zone_tables, unit_tables = [], [], []
    state = pd.DataFrame()
    for d, snap in frame.groupby("as_of", sort=True):
        snap = snap.set_index("parcel_id")
        active_ids = snap.index[snap["active"].to_numpy()]
        if tracked is None:
            tracked = pd.DataFrame(
                {
                    "is_baseline": True,
                    "baseline_m2": snap.loc[active_ids, "area_m2"],
                    "is_new": False,
                    "new_m2": 0.0,
                },
                index=active_ids,
            )
        else:
            fresh = active_ids[~active_ids.isin(tracked.index)]
            known = set(tracked.index)
            is_new = np.array([not (ancestors([p], parents) & known) for p in fresh], dtype=bool)
            add = pd.DataFrame(
                {
                    "is_baseline": False,
                    "baseline_m2": 0.0,
                    "is_new": is_new,
                    "new_m2": snap.loc[fresh, "area_m2"],
                },
                index=fresh,
            )
            tracked = pd.concat([tracked, add]) if len(add) else tracked
        present = snap.loc[snap.index.isin(tracked.index)]
        last = present if last is None else pd.concat([last[~last.index.isin(present.index)], present])
        state = tracked.join(last, how="left")
        here = state.index.isin(snap.index)
        with_successor = ancestors(list(snap.index[snap.index.isin(list(parents))]), parents)
        st = np.where(
            here,
            np.where(state["closed"], "cleared", np.where(state["active"], "remaining", "reclassified")),
            np.where(
                state.index.isin(list(with_successor)),
                "superseded",
                np.where(state["closed"], "cleared", "disappeared"),
            ),
        )
        state["state"] = st
        state["last_seen"] = state["as_of"]
        sums = _state_sums(state)
        day: dt.date = d  # type: ignore[assignment]

        def figures(sums_: pd.DataFrame, day: dt.date = day) -> pd.DataFrame:
            return _figures(sums_, as_of=day, baseline=baseline, target_date=target_date, target_mu=target_mu)

        total = figures(sums.sum().to_frame().T)
        total.index = [d]
        summaries.append(total)
        by_unit = figures(sums.groupby(state["unit"]).sum())
        by_unit.insert(0, "as_of", d)
        unit_tables.append(by_unit.rename_axis("responsible_unit").reset_index())
        if zones is not None:
            zs = state["zones"].map(lambda z: z if isinstance(z, list) and z else ["(区外)"])
            exploded = sums.assign(zone=zs).explode("zone")
            by_zone = figures(exploded.groupby("zone").sum())
            by_zone.insert(0, "as_of", d)
            zone_tables.append(by_zone.rename_axis("zone").reset_index())

    summary = pd.concat(summaries).rename_axis("as_of")
    by_zone_all = pd.concat(zone_tables, ignore_index=True) if zone_tables else None
    by_unit_all = pd.concat(unit_tables, ignore_index=True)
    parcels = state.rename_axis("parcel_id").reset_index()
    parcels["area_mu"] = parcels["area_m2"] / MU_M2
    parcels = parcels[
        ["parcel_id", "state", "status", "unit", "area_m2", "area_mu", "last_seen", "is_baseline", "is_new"]
    ].rename(columns={"unit": "responsible_unit"})
    return summary, by_zone_all, by_unit_all, parcels

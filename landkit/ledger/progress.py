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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..units import MU_M2
from ._columns import Columns
from ._prepare import split_ids
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
    sums: pd.DataFrame, *, baseline: dt.date, target_date: dt.date, target_mu: float
) -> pd.DataFrame:
    """Turn summed indicators (with an ``as_of`` column) into the reported figures."""
    out = pd.DataFrame(index=sums.index)
    for s in ("baseline", "new", *STATE_LABELS):
        out[f"{s}_count"] = sums[f"{s}_n"].round().astype("int64")
        if s != "superseded":
            out[f"{s}_mu"] = sums[f"{s}_m2"] / MU_M2
    out["outstanding_mu"] = out["remaining_mu"] + out["disappeared_mu"]
    listed = (out["baseline_mu"] + out["new_mu"]).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct_cleared"] = np.where(listed > 0, 100.0 * out["cleared_mu"].to_numpy() / listed, np.nan)
    days_left = np.array([(target_date - d).days for d in sums["as_of"]], dtype=float)
    elapsed = np.array([(d - baseline).days for d in sums["as_of"]], dtype=float)
    frac = np.clip(elapsed / max((target_date - baseline).days, 1), 0.0, 1.0)
    out["days_left"] = days_left.astype("int64")
    out["plan_mu"] = out["baseline_mu"] + (target_mu - out["baseline_mu"]) * frac
    gap = (out["outstanding_mu"] - target_mu).clip(lower=0.0).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["monthly_rate_needed_mu"] = np.where(days_left > 0, gap / (days_left / _DAYS_PER_MONTH), np.nan)
    out["on_track"] = out["outstanding_mu"] <= out["plan_mu"] + 1e-9
    return out


_STATES = tuple(STATE_LABELS)


def _group_sums(ind: np.ndarray, groups: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Sum indicator rows (tid × k) by integer group (−1 rows dropped) into a frame indexed by name."""
    keep = groups >= 0
    g = groups[keep]
    columns = np.ascontiguousarray(ind[keep].T)
    out = np.column_stack([np.bincount(g, weights=c, minlength=len(names)) for c in columns])
    frame = pd.DataFrame(out, index=pd.Index(names), columns=_SUMS)
    return frame[(frame["baseline_n"] + frame["new_n"]) > 0]


def compute_progress(
    cols: Columns,
    dates: list[dt.date],
    /,
    *,
    target_date: dt.date,
    target_mu: float,
    stock_categories: Iterable[str],
    cleared_statuses: Iterable[str],
    in_scope: np.ndarray | None = None,
    zone_pairs: tuple[np.ndarray, np.ndarray, list[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame, pd.DataFrame]:
    """Compute the progress tables from the stacked columnar copies of the snapshots.

    Parameters
    ----------
    cols : Columns
        Core fields of the current snapshot versions from the baseline on, stacked in date
        order (see :mod:`landkit.ledger._columns`).
    dates : list of datetime.date
        The snapshot dates, in the stacked order; the first is the baseline.
    target_date : datetime.date
        Deadline.
    target_mu : float
        Outstanding area (亩) allowed at the target date (0 for 清零).
    stock_categories : iterable of str
        Category tags that make up the stock.
    cleared_statuses : iterable of str
        Statuses that count as cleared.
    in_scope : ndarray of bool, optional
        Per row: is the parcel inside the scope.
    zone_pairs : (rows, zones, names), optional
        Zone membership as pairs of row positions and zone numbers (a row may be in several
        zones), with the zone names.

    Returns
    -------
    summary, by_zone, by_unit, parcels
        See :class:`Progress`.
    """
    baseline = dates[0]
    n_rows = len(cols)
    wanted = set(stock_categories)
    cat_u = cols.uniques["categories"]
    tag_of = np.array([bool(set(str(v).split(",")) & wanted) for v in cat_u] + [False], dtype=bool)
    closed_of = np.array([v in set(cleared_statuses) for v in cols.uniques["status"]] + [False], dtype=bool)
    closed = closed_of[cols.codes["status"]]
    in_range = tag_of[cols.codes["categories"]]
    if in_scope is not None:
        in_range &= in_scope
    active = in_range & ~closed
    area = cols.floats["area_m2"]
    pid = cols.codes["parcel_id"]
    ids = cols.uniques["parcel_id"]
    n_ids = len(ids)

    # lineage on id codes: child -> parents
    parents: dict[int, set[int]] = {}
    code_of = {v: i for i, v in enumerate(ids)}
    prev_u = cols.uniques["previous_ids"]
    prev_codes = cols.codes["previous_ids"]
    for r in np.flatnonzero(prev_codes >= 0):
        ps = {code_of[p] for p in split_ids(prev_u[prev_codes[r]]) if p in code_of} - {int(pid[r])}
        if ps:
            parents.setdefault(int(pid[r]), set()).update(ps)

    unit_codes = cols.codes["responsible_unit"]
    unit_names = [*map(str, cols.uniques["responsible_unit"]), "(未填)"]
    unit_codes = np.where(unit_codes >= 0, unit_codes, len(unit_names) - 1)

    tracked = np.zeros(n_ids, dtype=bool)
    is_base = np.zeros(n_ids, dtype=bool)
    base_m2 = np.zeros(n_ids)
    is_new = np.zeros(n_ids, dtype=bool)
    new_m2 = np.zeros(n_ids)
    last_row = np.full(n_ids, -1, dtype=np.int64)
    summaries, zone_tables, unit_tables = [], [], []
    order = np.argsort(cols.snapshot, kind="stable")
    bounds = np.searchsorted(cols.snapshot[order], np.arange(len(dates) + 1))
    tid = np.array([], dtype=np.int64)
    st = np.array([], dtype=np.int64)
    for k, day in enumerate(dates):
        idx = order[bounds[k] : bounds[k + 1]]
        p = pid[idx]
        act = active[idx]
        if k == 0:
            tracked[p[act]] = True
            is_base[p[act]] = True
            base_m2[p[act]] = area[idx[act]]
        else:
            sel = act & ~tracked[p]
            fresh, fresh_rows = p[sel], idx[sel]
            new_flags = np.ones(len(fresh), dtype=bool)
            for j, f in enumerate(fresh.tolist()):
                if f in parents and any(tracked[a] for a in ancestors([f], parents)):
                    new_flags[j] = False
            tracked[fresh] = True
            is_new[fresh] = new_flags
            new_m2[fresh] = area[fresh_rows]
        present = np.zeros(n_ids, dtype=bool)
        present[p] = True
        upd = tracked[p]
        last_row[p[upd]] = idx[upd]
        succ_anc = ancestors([c for c in p.tolist() if c in parents], parents)
        superseded = np.zeros(n_ids, dtype=bool)
        if succ_anc:
            superseded[list(succ_anc)] = True

        tid = np.flatnonzero(tracked)
        lr = last_row[tid]
        here = present[tid]
        c_t, a_t = closed[lr], active[lr]
        st = np.where(
            here,
            np.where(c_t, 1, np.where(a_t, 0, 2)),
            np.where(superseded[tid], 3, np.where(c_t, 1, 4)),
        )
        ind = np.empty((len(tid), len(_SUMS)))
        ind[:, 0], ind[:, 1] = is_base[tid], base_m2[tid] * is_base[tid]
        ind[:, 2], ind[:, 3] = is_new[tid], new_m2[tid] * is_new[tid]
        a_lr = area[lr]
        for j in range(len(_STATES)):
            hit = st == j
            ind[:, 4 + 2 * j], ind[:, 5 + 2 * j] = hit, np.where(hit, a_lr, 0.0)

        summaries.append(pd.DataFrame([ind.sum(axis=0)], columns=_SUMS, index=[day]).assign(as_of=day))
        by_unit = _group_sums(ind, unit_codes[lr], unit_names)
        unit_tables.append(by_unit.rename_axis("responsible_unit").reset_index().assign(as_of=day))
        if zone_pairs is not None:
            z_rows, z_idx, z_names = zone_pairs
            row_to_t = np.full(n_rows, -1, dtype=np.int64)
            row_to_t[lr] = np.arange(len(tid))
            t_of_pair = row_to_t[z_rows]
            hit = t_of_pair >= 0
            zoned = np.zeros(len(tid), dtype=bool)
            zoned[t_of_pair[hit]] = True
            pair_ind = np.vstack([ind[t_of_pair[hit]], ind[~zoned]])
            pair_grp = np.concatenate([z_idx[hit], np.full(int((~zoned).sum()), len(z_names))])
            by_zone = _group_sums(pair_ind, pair_grp, [*z_names, "(区外)"])
            zone_tables.append(by_zone.rename_axis("zone").reset_index().assign(as_of=day))

    def table(parts: list[pd.DataFrame], key: str | None) -> pd.DataFrame:
        sums = pd.concat(parts, ignore_index=key is not None)
        figs = _figures(sums, baseline=baseline, target_date=target_date, target_mu=target_mu)
        if key is None:
            return figs.rename_axis("as_of")
        return pd.concat([sums[["as_of", key]], figs], axis=1)

    summary = table(summaries, None)
    by_zone_all = table(zone_tables, "zone") if zone_tables else None
    by_unit_all = table(unit_tables, "responsible_unit")
    lr = last_row[tid]
    day_arr = np.array(dates, dtype=object)
    parcels = pd.DataFrame(
        {
            "parcel_id": ids[tid],
            "state": np.array(_STATES, dtype=object)[st] if len(tid) else np.array([], dtype=object),
            "status": cols.text("status")[lr],
            "responsible_unit": np.array(unit_names, dtype=object)[unit_codes[lr]],
            "area_m2": area[lr],
            "area_mu": area[lr] / MU_M2,
            "last_seen": day_arr[cols.snapshot[lr]],
            "is_baseline": is_base[tid],
            "is_new": is_new[tid],
        }
    )
    return summary, by_zone_all, by_unit_all, parcels.sort_values("parcel_id", ignore_index=True)

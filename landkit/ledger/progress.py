"""Clear-down progress (清零进度) from the stored snapshots.

Definitions (stated in every report):

* a parcel is **in the stock** (存量) at a snapshot date when it carries one of the chosen
  categories, lies in the scope (its representative point inside the scope polygon) and its
  status is not a cleared one;
* **baseline stock**: the parcels in the stock in the baseline snapshot;
* **newly listed** (新增): parcels entering the stock after the baseline that do not descend
  (``previous_ids``) from a parcel already tracked — newly found idle land counts against the
  target; their area is taken when first listed;
* **splits and merges follow their lineage**: a parcel descending from a tracked parcel is tracked
  from its first appearance whatever its status (a successor already 已收回 when first seen counts
  as cleared), and the listed area of a parcel (its baseline or newly-listed area) passes to its
  successors in proportion to their current areas (a merge receives the whole of each parent).
  Every figure below counts that **listed area**, so each table reconciles exactly:
  基期 + 新增 = 未清零 + 已清零 + 移出范围 + 消失待核实 (``reconcile_mu`` is the difference, 0);
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
from functools import partial
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
_STATES = tuple(STATE_LABELS)


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
    accounted = out["remaining_mu"] + out["cleared_mu"] + out["reclassified_mu"] + out["disappeared_mu"]
    diff = (out["baseline_mu"] + out["new_mu"] - accounted).to_numpy()
    out["reconcile_mu"] = np.where(np.abs(diff) < 1e-9, 0.0, diff)  # never a "-0.00" in a report
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


def _group_sums(ind: np.ndarray, groups: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Sum indicator rows (tid × k) by integer group (−1 rows dropped) into a frame indexed by name."""
    keep = groups >= 0
    g = groups[keep]
    columns = np.ascontiguousarray(ind[keep].T)
    out = np.column_stack([np.bincount(g, weights=c, minlength=len(names)) for c in columns])
    frame = pd.DataFrame(out, index=pd.Index(names), columns=_SUMS)
    return frame[(frame["baseline_n"] + frame["new_n"]) > 0]


def _lineage(cols: Columns) -> dict[int, set[int]]:
    """Child id code → parent id codes, from ``previous_ids`` over every stacked row."""
    pid, ids = cols.codes["parcel_id"], cols.uniques["parcel_id"]
    code_of = {v: i for i, v in enumerate(ids)}
    prev_u, prev_codes = cols.uniques["previous_ids"], cols.codes["previous_ids"]
    parents: dict[int, set[int]] = {}
    for r in np.flatnonzero(prev_codes >= 0):
        ps = {code_of[p] for p in split_ids(prev_u[prev_codes[r]]) if p in code_of} - {int(pid[r])}
        if ps:
            parents.setdefault(int(pid[r]), set()).update(ps)
    return parents


@dataclass
class _Tracker:
    """Per parcel id: tracked since when, as baseline or new, with which listed area, last row."""

    n_ids: int
    tracked: np.ndarray = field(init=False)
    is_base: np.ndarray = field(init=False)
    is_new: np.ndarray = field(init=False)
    listed: np.ndarray = field(init=False)  # (n_ids, 2): baseline m², newly listed m²
    last_row: np.ndarray = field(init=False)
    has_parents: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.has_parents = np.zeros(self.n_ids, dtype=bool)
        self.tracked = np.zeros(self.n_ids, dtype=bool)
        self.is_base = np.zeros(self.n_ids, dtype=bool)
        self.is_new = np.zeros(self.n_ids, dtype=bool)
        self.listed = np.zeros((self.n_ids, 2))
        self.last_row = np.full(self.n_ids, -1, dtype=np.int64)


def _admit(
    t: _Tracker,
    k: int,
    idx: np.ndarray,
    p: np.ndarray,
    active: np.ndarray,
    area: np.ndarray,
    parents: dict[int, set[int]],
) -> None:
    """Start tracking: the baseline stock, then new stock and every successor of a tracked parcel."""
    act = active[idx]
    if k == 0:
        t.tracked[p[act]] = True
        t.is_base[p[act]] = True
        t.listed[p[act], 0] = area[idx[act]]
        return
    fresh = ~t.tracked[p]
    inherits = np.zeros(len(p), dtype=bool)
    for j in np.flatnonzero(fresh & t.has_parents[p]):
        inherits[j] = any(t.tracked[a] for a in ancestors([int(p[j])], parents))
    new = fresh & act & ~inherits
    t.tracked[p[fresh & (act | inherits)]] = True
    t.is_new[p[new]] = True
    t.listed[p[new], 1] = area[idx[new]]


def _depths(nodes: Iterable[int], parents: dict[int, set[int]]) -> dict[int, int]:
    """Longest distance from a root, so parents come before their successors."""
    depth: dict[int, int] = {}

    def walk(n: int, seen: frozenset[int]) -> int:
        if n not in depth:
            ps = [q for q in parents.get(n, ()) if q not in seen]
            depth[n] = 1 + max((walk(q, seen | {n}) for q in ps), default=-1)
        return depth[n]

    for n in nodes:
        walk(n, frozenset())
    return depth


def _carry(t: _Tracker, present: np.ndarray, area: np.ndarray, parents: dict[int, set[int]]) -> np.ndarray:
    """Listed area per id after passing each parcel's share down to its tracked successors."""
    held = t.listed.copy()
    children: dict[int, list[int]] = {}
    for child, ps in parents.items():
        if t.tracked[child]:
            for q in ps:
                if t.tracked[q]:
                    children.setdefault(q, []).append(child)
    if not children:
        return held
    depth = _depths(children, parents)
    for q in sorted(children, key=lambda n: depth[n]):
        takers = sorted(children[q]) + ([q] if present[q] else [])
        w = np.nan_to_num(area[t.last_row[takers]].astype(float), nan=0.0).clip(min=0.0)
        w = w / w.sum() if w.sum() > 0 else np.full(len(takers), 1.0 / len(takers))
        amount = held[q].copy()
        held[q] = 0.0
        held[takers] += w[:, None] * amount
    return held


def _states(
    t: _Tracker, p: np.ndarray, closed: np.ndarray, active: np.ndarray, parents: dict[int, set[int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tracked ids, their rows of record and their state numbers (positions in :data:`STATE_LABELS`)."""
    present = np.zeros(t.n_ids, dtype=bool)
    present[p] = True
    superseded = np.zeros(t.n_ids, dtype=bool)
    succ_anc = ancestors([c for c in p.tolist() if c in parents], parents)
    if succ_anc:
        superseded[list(succ_anc)] = True
    tid = np.flatnonzero(t.tracked)
    lr = t.last_row[tid]
    c_t, a_t = closed[lr], active[lr]
    st = np.where(
        present[tid],
        np.where(c_t, 1, np.where(a_t, 0, 2)),
        np.where(superseded[tid], 3, np.where(c_t, 1, 4)),
    )
    return tid, lr, st


def _indicators(t: _Tracker, tid: np.ndarray, st: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Per tracked id the 0/1 counts and m² of each figure (columns :data:`_SUMS`)."""
    ind = np.empty((len(tid), len(_SUMS)))
    ind[:, 0], ind[:, 1] = t.is_base[tid], held[tid, 0]
    ind[:, 2], ind[:, 3] = t.is_new[tid], held[tid, 1]
    total = held[tid].sum(axis=1)
    for j in range(len(_STATES)):
        hit = st == j
        ind[:, 4 + 2 * j], ind[:, 5 + 2 * j] = hit, np.where(hit, total, 0.0)
    return ind


def _by_zone(
    ind: np.ndarray, lr: np.ndarray, n_rows: int, zone_pairs: tuple[np.ndarray, np.ndarray, list[str]]
) -> pd.DataFrame:
    """Sum indicators per zone (a parcel counts in each zone holding it; the rest in 区外)."""
    z_rows, z_idx, z_names = zone_pairs
    row_to_t = np.full(n_rows, -1, dtype=np.int64)
    row_to_t[lr] = np.arange(len(lr))
    t_of_pair = row_to_t[z_rows]
    hit = t_of_pair >= 0
    zoned = np.zeros(len(lr), dtype=bool)
    zoned[t_of_pair[hit]] = True
    pair_ind = np.vstack([ind[t_of_pair[hit]], ind[~zoned]])
    pair_grp = np.concatenate([z_idx[hit], np.full(int((~zoned).sum()), len(z_names))])
    return _group_sums(pair_ind, pair_grp, [*z_names, "(区外)"])


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
    closed, active = _row_flags(cols, stock_categories, cleared_statuses, in_scope)
    area, pid = cols.floats["area_m2"], cols.codes["parcel_id"]
    parents = _lineage(cols)
    unit_names = [*map(str, cols.uniques["responsible_unit"]), "(未填)"]
    unit_codes = np.where(
        cols.codes["responsible_unit"] >= 0, cols.codes["responsible_unit"], len(unit_names) - 1
    )
    t = _Tracker(len(cols.uniques["parcel_id"]))
    t.has_parents[list(parents)] = True
    parts: dict[str, list[pd.DataFrame]] = {"summary": [], "zone": [], "unit": []}
    order = np.argsort(cols.snapshot, kind="stable")
    bounds = np.searchsorted(cols.snapshot[order], np.arange(len(dates) + 1))
    for k, day in enumerate(dates):
        idx = order[bounds[k] : bounds[k + 1]]
        p = pid[idx]
        _admit(t, k, idx, p, active, area, parents)
        upd = t.tracked[p]
        t.last_row[p[upd]] = idx[upd]
        tid, lr, st = _states(t, p, closed, active, parents)
        present = np.zeros(t.n_ids, dtype=bool)
        present[p] = True
        ind = _indicators(t, tid, st, _carry(t, present, area, parents))
        parts["summary"].append(pd.DataFrame([ind.sum(axis=0)], columns=_SUMS, index=[day]).assign(as_of=day))
        by_unit = _group_sums(ind, unit_codes[lr], unit_names)
        parts["unit"].append(by_unit.rename_axis("responsible_unit").reset_index().assign(as_of=day))
        if zone_pairs is not None:
            by_zone = _by_zone(ind, lr, len(cols), zone_pairs)
            parts["zone"].append(by_zone.rename_axis("zone").reset_index().assign(as_of=day))
    figures = partial(_figures, baseline=dates[0], target_date=target_date, target_mu=target_mu)
    summary = figures(pd.concat(parts["summary"])).rename_axis("as_of")
    by_zone_all = _keyed(parts["zone"], "zone", figures) if parts["zone"] else None
    by_unit_all = _keyed(parts["unit"], "responsible_unit", figures)
    parcels = _parcel_states(cols, t, dates, tid, st, ind, unit_codes, unit_names)
    return summary, by_zone_all, by_unit_all, parcels


def _row_flags(
    cols: Columns,
    stock_categories: Iterable[str],
    cleared_statuses: Iterable[str],
    in_scope: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stacked row: is its status a cleared one; is it in the stock (categories, scope, not cleared)."""
    wanted = set(stock_categories)
    tag_of = np.array(
        [bool(set(str(v).split(",")) & wanted) for v in cols.uniques["categories"]] + [False], dtype=bool
    )
    cleared = set(cleared_statuses)
    closed_of = np.array([v in cleared for v in cols.uniques["status"]] + [False], dtype=bool)
    closed = closed_of[cols.codes["status"]]
    in_range = tag_of[cols.codes["categories"]]
    if in_scope is not None:
        in_range &= in_scope
    return closed, in_range & ~closed


def _keyed(parts: list[pd.DataFrame], key: str, figures: Any) -> pd.DataFrame:
    sums = pd.concat(parts, ignore_index=True)
    return pd.concat([sums[["as_of", key]], figures(sums)], axis=1)


def _parcel_states(
    cols: Columns,
    t: _Tracker,
    dates: list[dt.date],
    tid: np.ndarray,
    st: np.ndarray,
    ind: np.ndarray,
    unit_codes: np.ndarray,
    unit_names: list[str],
) -> pd.DataFrame:
    """State of every tracked parcel at the latest date, with the listed area it carries."""
    lr = t.last_row[tid]
    area = cols.floats["area_m2"]
    counted = ind[:, 1] + ind[:, 3] if len(tid) else np.zeros(0)
    parcels = pd.DataFrame(
        {
            "parcel_id": cols.uniques["parcel_id"][tid],
            "state": np.array(_STATES, dtype=object)[st] if len(tid) else np.array([], dtype=object),
            "status": cols.text("status")[lr],
            "responsible_unit": np.array(unit_names, dtype=object)[unit_codes[lr]],
            "area_m2": area[lr],
            "area_mu": area[lr] / MU_M2,
            "counted_mu": counted / MU_M2,
            "last_seen": np.array(dates, dtype=object)[cols.snapshot[lr]],
            "is_baseline": t.is_base[tid],
            "is_new": t.is_new[tid],
        }
    )
    return parcels.sort_values("parcel_id", ignore_index=True)

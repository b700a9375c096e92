"""Hard criteria of :func:`~landkit.supply.match`, each evaluated for many demands × offers at once.

A criterion is computed only on the demands that state it (``rows``) and the block of offers it
applies to (``cols``: the parcels or the units), so a land criterion never touches units and a
demand without a slope limit costs nothing. ``unknown`` marks the offers of the block the criterion
cannot judge (missing value); it depends on the offer only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import CLEARED_STATUSES, STATUSES
from ._offers import Offers
from .demands import Demand

__all__ = ["Crit", "criteria", "demand_values"]


@dataclass
class Crit:
    """One hard criterion on a block: ``fail[i, j]`` for demand ``rows[i]`` and offer ``cols.start + j``."""

    name: str
    rows: np.ndarray
    cols: slice
    fail: np.ndarray
    unknown: np.ndarray

    def fails(self, k: int, j: int) -> bool:
        """Does demand ``k`` fail this criterion on offer ``j``?"""
        start, stop = self.cols.start, self.cols.stop
        if not start <= j < stop:
            return False
        hit = np.flatnonzero(self.rows == k)
        return bool(hit.size and self.fail[hit[0], j - start])


def demand_values(demands: Sequence[Demand], attr: str) -> np.ndarray:
    """One float per demand (NaN when the demand does not state ``attr``)."""
    return np.array([np.nan if getattr(d, attr) is None else float(getattr(d, attr)) for d in demands])


def _blocks(o: Offers) -> tuple[slice, slice]:
    n_p = int((~o.is_unit).sum())
    return slice(0, n_p), slice(n_p, len(o))


def _limit(
    name: str, value: np.ndarray, cap: np.ndarray, rows: np.ndarray, cols: slice, *, at_least: bool = False
) -> Crit:
    rows = rows & ~np.isnan(cap)
    idx = np.flatnonzero(rows)
    v = value[cols]
    c = cap[idx][:, None]
    fail = (v[None, :] < c) if at_least else (v[None, :] > c)
    return Crit(name, idx, cols, fail, np.isnan(v))


def _range(
    name: str, size: np.ndarray, lo: np.ndarray, hi: np.ndarray, rows: np.ndarray, cols: slice
) -> Crit:
    idx = np.flatnonzero(rows & (~np.isnan(lo) | ~np.isnan(hi)))
    s = size[cols][None, :]
    unknown = np.isnan(size[cols])
    fail = (s < lo[idx][:, None]) | (s > hi[idx][:, None]) | unknown[None, :]
    return Crit(name, idx, cols, fail, unknown)


def _landuse(demands: Sequence[Demand], o: Offers, rows: np.ndarray, cols: slice, *, unit: bool) -> Crit:
    from ..landuse import to_guide2023

    idx = np.flatnonzero(rows & np.array([bool(d.landuse) for d in demands]))
    codes, uniq = pd.factorize(pd.Series(o.guide[cols], dtype=object), use_na_sentinel=True)
    table = np.zeros((len(idx), len(uniq) + 1), dtype=bool)  # last column: unknown code
    for i, k in enumerate(idx):
        d = demands[int(k)]
        wanted = [
            c if d.landuse_system == "guide2023" else (to_guide2023(c, system=d.landuse_system) or c)
            for c in d.landuse
        ]
        table[i, :-1] = [any(str(g).startswith(w) for w in wanted) for g in uniq]
    unknown = codes < 0
    table[:, -1] = unit  # a unit not linked to a parcel is kept (and counted as not judged)
    return Crit("用途", idx, cols, ~table[:, codes], unknown)


def _zones(demands: Sequence[Demand], o: Offers, cols: slice) -> Crit:
    idx = np.flatnonzero([bool(d.zones) for d in demands])
    pos = {z: i for i, z in enumerate(o.zones)}
    want = np.zeros((len(idx), len(o.zones)), dtype=np.float32)
    for i, k in enumerate(idx):
        for z in demands[int(k)].zones:
            want[i, pos[z]] = 1.0
    block = o.zone_m[cols].T.astype(np.float32)
    inside = (want @ block) > 0 if len(o.zones) else np.zeros((len(idx), cols.stop - cols.start), dtype=bool)
    return Crit("片区", idx, cols, ~inside, np.zeros(cols.stop - cols.start, dtype=bool))


def _status(demands: Sequence[Demand], o: Offers, rows: np.ndarray, cols: slice) -> Crit:
    idx = np.flatnonzero(rows)
    codes, uniq = pd.factorize(pd.Series(o.status[cols], dtype=object), use_na_sentinel=True)
    table = np.zeros((len(idx), len(uniq) + 1), dtype=bool)
    for i, k in enumerate(idx):
        d = demands[int(k)]
        allowed = set(d.statuses) if d.statuses else set(STATUSES) - set(CLEARED_STATUSES)
        table[i, :-1] = [u not in allowed for u in uniq]
    return Crit("状态", idx, cols, table[:, codes], np.zeros(len(codes), dtype=bool))


def _price(demands: Sequence[Demand], o: Offers, land: np.ndarray, lb: slice) -> list[Crit]:
    total_cap, unit_cap = demand_values(demands, "max_total_price"), demand_values(demands, "max_unit_price")
    require = np.array([d.require_price for d in demands])
    either = land & (~np.isnan(total_cap) | ~np.isnan(unit_cap))
    idx = np.flatnonzero(either)
    price, unit = o.price[lb][None, :], o.unit_price[lb][None, :]
    over_total = price > np.nan_to_num(total_cap[idx], nan=np.inf)[:, None]
    over_unit = ~over_total & (unit > np.nan_to_num(unit_cap[idx], nan=np.inf)[:, None])
    pending = np.isnan(o.price[lb])
    total = Crit("挂牌价", idx, lb, over_total | (pending[None, :] & require[idx][:, None]), pending)
    return [total, Crit("单价", idx, lb, over_unit, np.zeros_like(pending))]


def _utilities(demands: Sequence[Demand], o: Offers, cols: slice) -> Crit:
    idx = np.flatnonzero([bool(d.utilities) for d in demands])
    pos = {u: i for i, u in enumerate(o.utilities)}
    n = cols.stop - cols.start
    fail = np.zeros((len(idx), n), dtype=bool)
    for i, k in enumerate(idx):
        for u in demands[int(k)].utilities:
            fail[i] |= ~o.util_m[cols, pos[u]] if u in pos else True
    unknown = ~o.util_known[cols]
    return Crit("配套", idx, cols, fail & ~unknown[None, :], unknown)


def _available(demands: Sequence[Demand], o: Offers, rows: np.ndarray, ub: slice) -> Crit:
    wanted = np.array(
        [np.datetime64(d.wanted_by, "ns") if d.wanted_by else np.datetime64("NaT", "ns") for d in demands]
    )
    idx = np.flatnonzero(rows & ~np.isnat(wanted))
    av = o.available[ub]
    return Crit("可入驻日期", idx, ub, av[None, :] > wanted[idx][:, None], np.isnat(av))


def _for_rent(o: Offers, rows: np.ndarray, ub: slice) -> Crit:
    """Floor-space demands rent: a unit offered only for sale (招商方式 出售, read_units) fails."""
    idx = np.flatnonzero(rows)
    sale_only = o.sale_only[ub] if o.sale_only is not None else np.zeros(ub.stop - ub.start, dtype=bool)
    return Crit(
        "招商方式", idx, ub, np.broadcast_to(sale_only, (len(idx), len(sale_only))), np.zeros_like(sale_only)
    )


def criteria(demands: Sequence[Demand], o: Offers) -> list[Crit]:
    """Every hard criterion of every demand (see the module docstring)."""
    lb, ub = _blocks(o)
    land = np.array([d.wants_land for d in demands])
    floor = np.array([d.wants_units for d in demands])
    v = lambda attr: demand_values(demands, attr)  # noqa: E731
    crits = [
        _range("面积", o.size, v("area_mu_min"), v("area_mu_max"), land, lb),
        _range("建筑面积", o.size, v("floor_m2_min"), v("floor_m2_max"), floor, ub),
        _landuse(demands, o, land, lb, unit=False),
        _landuse(demands, o, floor, ub, unit=True),
        _zones(demands, o, slice(0, len(o))),
        _status(demands, o, land, lb),
        *_price(demands, o, land, lb),
        _limit("租金", o.rent, v("max_rent_m2_month"), floor, ub),
        _limit("坡度", o.slope, v("max_slope_deg"), land, lb),
        _limit("层高", o.storey, v("min_storey_height_m"), floor, ub, at_least=True),
        _limit("荷载", o.load, v("min_floor_load_kn_m2"), floor, ub, at_least=True),
        _utilities(demands, o, slice(0, len(o))),
        _available(demands, o, floor, ub),
        _for_rent(o, floor, ub),
    ]
    return crits


def wanted_pairs(demands: Sequence[Demand], o: Offers) -> np.ndarray:
    """(n_demands, n_offers) bool: is the offer of a kind the demand wants (land, floor space)?"""
    land = np.array([d.wants_land for d in demands])[:, None] & ~o.is_unit[None, :]
    return land | (np.array([d.wants_units for d in demands])[:, None] & o.is_unit[None, :])


def failing(crits: Sequence[Crit], shape: tuple[int, int]) -> np.ndarray:
    """(n_demands, n_offers) bool: fails at least one criterion."""
    bad = np.zeros(shape, dtype=bool)
    for c in crits:
        if len(c.rows):
            bad[c.rows, c.cols] |= c.fail
    return bad


def unjudged(demands: Sequence[Demand], crits: Sequence[Crit], o: Offers) -> pd.DataFrame:
    """Per demand and criterion, how many offers of a wanted kind the criterion could not judge."""
    wants = {
        False: np.array([d.wants_land for d in demands]),
        True: np.array([d.wants_units for d in demands]),
    }
    counts: dict[tuple[int, str], int] = {}
    for c in crits:
        kinds = o.is_unit[c.cols]
        for k in c.rows:
            want = np.where(kinds, wants[True][k], wants[False][k])
            n = int((c.unknown & want).sum())
            if n:
                counts[(int(k), c.name)] = counts.get((int(k), c.name), 0) + n
    rows = [
        {"demand_id": demands[int(k)].id, "criterion": name, "offers_not_judged": n}
        for (k, name), n in sorted(counts.items())
    ]
    return pd.DataFrame(rows, columns=["demand_id", "criterion", "offers_not_judged"])

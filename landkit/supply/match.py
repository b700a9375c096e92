"""Many-to-many matching of investor demands to offers (parcels and factory units), vectorised.

Each hard criterion is evaluated for every demand × offer pair at once as a boolean matrix; reasons
are written only for the pairs returned. A criterion that cannot be applied to an offer (no slope
data, no utilities column, no asking price …) is counted per demand and criterion in
:func:`unjudged` and in ``attrs["unjudged"]`` of the result — never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..schema import CLEARED_STATUSES, STATUSES
from ._offers import Offers, attach_distances, build_offers, steep_deg
from .demands import Demand, check_demand, check_zone_names

__all__ = ["MATCH_COLUMNS", "match"]

#: Columns of :func:`match` → Chinese labels.
MATCH_COLUMNS: dict[str, str] = {
    "demand_id": "需求编号",
    "demand_name": "需求名称",
    "offer_id": "供给编号",
    "offer_kind": "供给类型",
    "rank": "推荐排名",
    "score": "匹配得分",
    "excluded": "不符合硬性条件",
    "reasons": "推荐理由",
    "excluded_reasons": "不符合原因",
    "dist_road_m": "距道路(米)",
    "dist_river_m": "距河流(米)",
}
OFFER_KINDS = {"parcel": "地块", "unit": "厂房单元"}


@dataclass
class _Crit:
    """One hard criterion: which pairs fail, which could not be judged, and the words for both."""

    name: str
    fail: np.ndarray  # (n_d, n_o) bool
    unknown: np.ndarray  # (n_d, n_o) bool


def _arr(demands: Sequence[Demand], attr: str) -> np.ndarray:
    return np.array([np.nan if getattr(d, attr) is None else float(getattr(d, attr)) for d in demands])


def _range(size: np.ndarray, lo: np.ndarray, hi: np.ndarray, kind: np.ndarray) -> _Crit:
    s = size[None, :]
    stated = ~np.isnan(lo) | ~np.isnan(hi)
    unknown = np.isnan(s) & stated[:, None]
    fail = ((s < lo[:, None]) | (s > hi[:, None]) | unknown) & kind
    return _Crit("面积", fail, unknown & kind)


def _landuse(demands: Sequence[Demand], o: Offers) -> _Crit:
    from ..landuse import to_guide2023

    codes, uniq = pd.factorize(pd.Series(o.guide, dtype=object), use_na_sentinel=True)
    n_d, n_o = len(demands), len(o)
    table = np.zeros((n_d, len(uniq) + 1), dtype=bool)  # last column: unknown code
    wants = np.zeros(n_d, dtype=bool)
    for i, d in enumerate(demands):
        if not d.landuse:
            continue
        wants[i] = True
        wanted = [
            c if d.landuse_system == "guide2023" else (to_guide2023(c, system=d.landuse_system) or c)
            for c in d.landuse
        ]
        table[i, :-1] = [any(str(g).startswith(w) for w in wanted) for g in uniq]
    hit = table[:, codes]
    unknown = (codes < 0)[None, :] & wants[:, None]
    # a parcel of unknown use is excluded; a unit not linked to a parcel is kept and counted unjudged
    fail = wants[:, None] & ~hit & ~(unknown & o.is_unit[None, :])
    return _Crit("用途", fail, unknown & np.ones((n_d, n_o), dtype=bool))


def _zones(demands: Sequence[Demand], o: Offers) -> tuple[_Crit, np.ndarray]:
    pos = {z: i for i, z in enumerate(o.zones)}
    want = np.zeros((len(demands), len(o.zones)), dtype=np.float32)
    stated = np.zeros(len(demands), dtype=bool)
    for i, d in enumerate(demands):
        stated[i] = bool(d.zones)
        for z in d.zones:
            want[i, pos[z]] = 1.0
    inside = (
        (want @ o.zone_m.T.astype(np.float32)) > 0 if len(o.zones) else np.zeros((len(demands), len(o)), bool)
    )
    return _Crit("片区", stated[:, None] & ~inside, np.zeros_like(inside)), stated


def _status(demands: Sequence[Demand], o: Offers) -> _Crit:
    codes, uniq = pd.factorize(pd.Series(o.status, dtype=object), use_na_sentinel=True)
    table = np.zeros((len(demands), len(uniq) + 1), dtype=bool)
    for i, d in enumerate(demands):
        allowed = set(d.statuses) if d.statuses else set(STATUSES) - set(CLEARED_STATUSES)
        table[i, :-1] = [u not in allowed for u in uniq]
    return _Crit("状态", table[:, codes], np.zeros((len(demands), len(o)), dtype=bool))


def _limit(
    value: np.ndarray,
    cap: np.ndarray,
    applies: np.ndarray,
    name: str,
    *,
    at_least: bool = False,
    require: np.ndarray | None = None,
) -> _Crit:
    v = value[None, :]
    stated = ~np.isnan(cap)[:, None] & applies
    unknown = stated & np.isnan(v)
    over = (v < cap[:, None]) if at_least else (v > cap[:, None])
    fail = stated & over
    if require is not None:
        fail |= unknown & require[:, None]
    return _Crit(name, fail, unknown)


def _price(demands: Sequence[Demand], o: Offers) -> list[_Crit]:
    land = ~o.is_unit[None, :]
    require = np.array([d.require_price for d in demands])
    total = _limit(o.price, _arr(demands, "max_total_price"), land, "挂牌总价", require=require)
    unit = _limit(o.unit_price, _arr(demands, "max_unit_price"), land, "单价", require=require)
    unit.fail &= ~total.fail  # one price reason per offer, total first (as the shortlist always did)
    either = ~np.isnan(_arr(demands, "max_total_price")) | ~np.isnan(_arr(demands, "max_unit_price"))
    price_unknown = land & np.isnan(o.price)[None, :] & either[:, None]
    total.unknown, unit.unknown = price_unknown, np.zeros_like(price_unknown)
    rent = _limit(o.rent, _arr(demands, "max_rent_m2_month"), o.is_unit[None, :], "租金", require=require)
    return [total, unit, rent]


def _utilities(demands: Sequence[Demand], o: Offers) -> _Crit:
    pos = {u: i for i, u in enumerate(o.utilities)}
    n_d, n_o = len(demands), len(o)
    fail = np.zeros((n_d, n_o), dtype=bool)
    stated = np.array([bool(d.utilities) for d in demands])
    for i, d in enumerate(demands):
        for u in d.utilities:
            has = o.util_m[:, pos[u]] if u in pos else np.zeros(n_o, dtype=bool)
            fail[i] |= ~has
    unknown = stated[:, None] & ~o.util_known[None, :]
    return _Crit("配套", fail & ~unknown, unknown)


def _available(demands: Sequence[Demand], o: Offers) -> _Crit:
    wanted = np.array(
        [np.datetime64(d.wanted_by, "ns") if d.wanted_by else np.datetime64("NaT", "ns") for d in demands]
    )
    stated = ~np.isnat(wanted)[:, None]
    av = o.available[None, :]
    unknown = stated & np.isnat(av) & o.is_unit[None, :]
    fail = stated & (av > wanted[:, None]) & o.is_unit[None, :]
    return _Crit("可入驻日期", fail, unknown)


def criteria(demands: Sequence[Demand], o: Offers) -> tuple[list[_Crit], np.ndarray]:
    """Every hard criterion as matrices, and which pairs are of a kind the demand wants."""
    land = np.array([d.wants_land for d in demands])[:, None] & ~o.is_unit[None, :]
    floor = np.array([d.wants_units for d in demands])[:, None] & o.is_unit[None, :]
    wanted = land | floor
    zone, _ = _zones(demands, o)
    crits = [
        _range(o.size, _arr(demands, "area_mu_min"), _arr(demands, "area_mu_max"), ~o.is_unit[None, :]),
        _range(o.size, _arr(demands, "floor_m2_min"), _arr(demands, "floor_m2_max"), o.is_unit[None, :]),
        _landuse(demands, o),
        zone,
        _status(demands, o),
        *_price(demands, o),
        _limit(o.slope, _arr(demands, "max_slope_deg"), ~o.is_unit[None, :], "坡度"),
        _limit(o.storey, _arr(demands, "min_storey_height_m"), o.is_unit[None, :], "层高", at_least=True),
        _limit(o.load, _arr(demands, "min_floor_load_kn_m2"), o.is_unit[None, :], "荷载", at_least=True),
        _utilities(demands, o),
        _available(demands, o),
    ]
    crits[1].name = "建筑面积"
    for c in crits:
        c.fail &= wanted
        c.unknown &= wanted
    return crits, wanted


def _unjudged_table(demands: Sequence[Demand], crits: list[_Crit], o: Offers) -> pd.DataFrame:
    rows = []
    for c in crits:
        counts = c.unknown.sum(axis=1)
        if c.name == "坡度" and not o.has_slope:
            counts = np.array([0 if d.max_slope_deg is None else int((~o.is_unit).sum()) for d in demands])
        for d, k in zip(demands, counts, strict=True):
            if k:
                rows.append({"demand_id": d.id, "criterion": c.name, "offers_not_judged": int(k)})
    return pd.DataFrame(rows, columns=["demand_id", "criterion", "offers_not_judged"])


def match(
    demands: Demand | Sequence[Demand],
    /,
    *,
    parcels: gpd.GeoDataFrame | None = None,
    units: pd.DataFrame | None = None,
    zones: Any = None,
    roads: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    as_of: str | dt.date | None = None,
    top: int | None = None,
    keep_excluded: bool = False,
) -> pd.DataFrame:
    """Match demands to parcels and factory units: hard filters, soft scores, reasons — all pairs at once.

    Parameters
    ----------
    demands : Demand or sequence of Demand
        From :func:`~landkit.supply.read_demands` (ids must be unique).
    parcels : GeoDataFrame, optional
        Parcels in canonical columns (see :func:`landkit.recommend.recommend`).
    units : DataFrame, optional
        Units from :func:`~landkit.supply.read_units` (or :func:`~landkit.supply.supply_units`, whose
        ``available_from`` is used). Units inherit land use and zones from their parcel (宗地代码).
    zones : ZoneSet, GeoDataFrame or path, optional
        Zones assigned to parcels without ``zone_*`` columns; their names are valid demand zones.
    roads, rivers : GeoDataFrame, optional
        Line layers for the distance preferences (default: each demand's ``[layers]``).
    as_of : date, optional
        The day vacancy and availability are judged on (default today).
    top : int, optional
        Keep at most this many passing offers per demand.
    keep_excluded : bool
        Also return the excluded pairs with ``excluded_reasons`` (one row per demand × offer of a
        kind the demand wants: use on small inputs).

    Returns
    -------
    DataFrame
        Long table with :data:`MATCH_COLUMNS` plus ``offer_index`` (the offer's index label in its
        input), best first within each demand. ``attrs["unjudged"]`` lists criteria that could not be
        applied (demand_id, criterion, offers_not_judged).

    Raises
    ------
    ConfigError
        When a demand names a zone found neither in the offers nor in ``zones`` (closest named).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"parcel_id": ["A", "B"], "area_mu": [42.0, 80.0], "slope_mean_deg": [5.0, 3.0]},
    ...                      geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=4546)
    >>> u = pd.DataFrame({"unit_id": ["U1"], "floor_area_m2": [1200.0], "tenant": [None], "lease_end": pd.NaT,
    ...                   "vacant_since": pd.NaT, "move_in_date": pd.NaT, "storey_height_m": [6.0]})
    >>> ds = [Demand(id="d1", area_mu_min=30, area_mu_max=60), Demand(id="d2", floor_m2_min=1000,
    ...       min_storey_height_m=8)]
    >>> m = match(ds, parcels=p, units=u, keep_excluded=True, as_of="2024-12-31")
    >>> m["excluded_reasons"].tolist()
    ['', '面积 80 亩, 大于 60 亩', '层高 6.0 米, 低于 8 米']
    """
    from ._explain import assemble

    ds = [demands] if isinstance(demands, Demand) else list(demands)
    for d in ds:
        check_demand(d, where=f"demand {d.id or d.name}")
    if zones is not None and parcels is not None and not any(c.startswith("zone_") for c in parcels.columns):
        from ..zones import assign_zones

        parcels = assign_zones(parcels, zones)
    day = pd.Timestamp(as_of if as_of is not None else dt.date.today()).normalize()
    o = build_offers(parcels, units, as_of=day)
    check_zone_names(ds, [*o.zones, *_zone_names(zones)])
    crits, wanted = criteria(ds, o)
    dist = {
        key: [attach_distances(o, parcels, key, lines, getattr(d, f"{key}s")) for d in ds]
        if lines is None
        else [attach_distances(o, parcels, key, lines, None)] * len(ds)
        for key, lines in (("road", roads), ("river", rivers))
    }
    out = assemble(ds, o, crits, wanted, dist, steep=steep_deg(), top=top, keep_excluded=keep_excluded)
    out.attrs["unjudged"] = _unjudged_table(ds, crits, o)
    return out


def _zone_names(zones: Any) -> list[str]:
    if zones is None:
        return []
    from ..zones import ZoneSet, read_zones

    zs = zones if isinstance(zones, ZoneSet) else None
    if zs is None and not isinstance(zones, gpd.GeoDataFrame):
        zs = read_zones(zones)
    if zs is not None:
        return [str(v) for v in zs.zones["name"]] if "name" in zs.zones else []
    return [str(v) for v in zones["name"]] if "name" in zones else []

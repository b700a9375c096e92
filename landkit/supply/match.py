"""Many-to-many matching of investor demands to offers (parcels and factory units), vectorised.

Each hard criterion is evaluated for every demand × offer pair at once as a boolean matrix; reasons
are written only for the pairs returned. A criterion that cannot be applied to an offer (no slope
data, no utilities column, no asking price …) is counted per demand and criterion in
:func:`unjudged` and in ``attrs["unjudged"]`` of the result — never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from ._criteria import criteria, unjudged, wanted_pairs
from ._offers import attach_distances, build_offers, steep_deg
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
    crits = criteria(ds, o)
    wanted = wanted_pairs(ds, o)
    dist = {
        key: [attach_distances(o, parcels, key, lines, getattr(d, f"{key}s")) for d in ds]
        if lines is None
        else [attach_distances(o, parcels, key, lines, None)] * len(ds)
        for key, lines in (("road", roads), ("river", rivers))
    }
    out = assemble(ds, o, crits, wanted, dist, steep=steep_deg(), top=top, keep_excluded=keep_excluded)
    out.attrs["unjudged"] = unjudged(ds, crits, o)
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

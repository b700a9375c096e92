"""智能式推地: rank parcels against an investor's demand and say why.

A :class:`Demand` (or a TOML file, see ``sample_data/demand/new_materials_30_60mu.toml``) states

- **hard constraints** that filter: area range in 亩, acceptable land uses (2023-guide codes or
  prefixes, matched *through the classification crosswalk* so 三调 ``0601`` and 控规 ``M2`` parcels
  are found by ``1001``), zones (any of the names), maximum total price (万元) and unit price
  (万元/亩), a slope limit when terrain columns exist (``slope_mean_deg`` from
  :func:`landkit.raster.terrain_stats`), and the register statuses on offer (default: every status
  except the cleared ones);
- **preferences** that score: distance to a road and to the river (metres, from line layers or
  the ``dist_road_m`` / ``dist_river_m`` columns), a central area, a low price, a gentle slope —
  each 0–1, combined with the demand's weights into a 0–100 score.

Every result row carries ``rec_reason``, a readable Chinese explanation
("面积 42 亩, 在需求 30–60 亩内; 二类工业用地; 沅水主干发展带内; …").
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .supply.demands import Demand, check_demand, read_demand

__all__ = ["RECOMMEND_COLUMNS", "Demand", "read_demand", "recommend"]

log = logging.getLogger(__name__)

#: Columns added by :func:`recommend` → Chinese labels.
RECOMMEND_COLUMNS: dict[str, str] = {
    "rec_rank": "推荐排名",
    "rec_score": "匹配得分",
    "rec_reason": "推荐理由",
    "rec_pass": "满足硬性条件",
    "rec_excluded": "不符合原因",
    "rec_dist_road_m": "距道路(米)",
    "rec_dist_river_m": "距河流(米)",
}


def _read_layer(spec: str) -> gpd.GeoDataFrame:
    from .io import read_layer

    path, _, layer = spec.rpartition(":") if spec.count(":") and not Path(spec).exists() else (spec, "", "")
    return read_layer(path, layer=layer or None)


def recommend(
    parcels: gpd.GeoDataFrame,
    demand: Demand | str | Path,
    /,
    *,
    roads: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    zones: Any = None,
    keep_all: bool = False,
) -> gpd.GeoDataFrame:
    """Rank parcels against a demand: filter on hard constraints, score preferences, explain.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels in canonical columns (``area_m2``, ``landuse_code`` + ``landuse_system``,
        ``asking_price``, ``status``, ``township``, ``zone_*`` columns from
        :func:`landkit.zones.assign_zones`, optionally ``slope_mean_deg``).
    demand : Demand or path
        The demand, or a TOML file read with :func:`read_demand`.
    roads, rivers : GeoDataFrame, optional
        Line layers for the distance preferences (default: the demand's ``[layers]``, else the
        ``dist_road_m`` / ``dist_river_m`` columns). Distances are measured in metres in the parcels'
        projected CRS (or a UTM CRS when the parcels are geographic).
    zones : ZoneSet, GeoDataFrame or path, optional
        When given and the parcels have no ``zone_*`` columns, zones are assigned first with
        :func:`landkit.zones.assign_zones`.
    keep_all : bool
        Return every parcel (with ``rec_pass`` and ``rec_excluded``) instead of the shortlist.

    Returns
    -------
    GeoDataFrame
        The passing parcels, best first (at most ``demand.top``), with the input columns and
        :data:`RECOMMEND_COLUMNS`. Index values are those of the input. ``attrs["unjudged"]`` lists
        the criteria that could not be applied (criterion, offers_not_judged), also logged as warnings.

    Notes
    -----
    This is the one-demand case of :func:`landkit.supply.match` (same criteria, same reasons).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"area_m2": [42 * 10000 / 15, 5 * 10000 / 15],
    ...                       "landuse_code": ["100102", "100102"], "landuse_system": ["guide2023"] * 2},
    ...                      geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=4546)
    >>> r = recommend(p, Demand(area_mu_min=30, area_mu_max=60, landuse=("1001",)))
    >>> r["rec_reason"].tolist()
    ['面积 42 亩, 在需求 30–60 亩内; 二类工业用地']
    """
    d = read_demand(demand) if isinstance(demand, str | Path) else demand
    d = dataclasses.replace(d, id=d.id or "demand")
    check_demand(d)
    if zones is not None and not any(c.startswith("zone_") for c in parcels.columns):
        from .zones import assign_zones

        parcels = assign_zones(parcels, zones)
    from .supply.match import match

    m = match(d, parcels=parcels, zones=zones, roads=roads, rivers=rivers, keep_excluded=True)
    m = m.set_index("offer_index")
    out = parcels.copy()
    out["rec_score"] = m["score"].reindex(out.index).astype(float)
    out["rec_reason"] = m["reasons"].reindex(out.index)
    out["rec_pass"] = ~m["excluded"].reindex(out.index).astype(bool)
    out["rec_excluded"] = m["excluded_reasons"].reindex(out.index)
    for key in ("road", "river"):
        dist = m[f"dist_{key}_m"].reindex(out.index)
        if dist.notna().any():
            out[f"rec_dist_{key}_m"] = dist
    out["rec_rank"] = m["rank"].reindex(out.index).astype("Int64")
    unjudged = m.attrs.get("unjudged", pd.DataFrame())
    for row in unjudged.itertuples(index=False):
        log.warning("criterion %s could not be judged for %d parcel(s)", row.criterion, row.offers_not_judged)
    out.attrs["unjudged"] = unjudged
    if keep_all:
        return out.sort_values(["rec_rank"], na_position="last", kind="stable")
    passing = out[out["rec_pass"]].sort_values("rec_rank", kind="stable")
    result = passing.drop(columns=["rec_pass", "rec_excluded"])
    return result.head(d.top) if d.top is not None else result

"""Tables derived from the long join: per-kind assignment columns and summary sums.

Shared by the in-memory and the dask paths so both give the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from ..schema import split_categories
from ..units import HA_M2, MU_M2
from ._overlap import Payload

__all__ = ["assign_columns", "finish_summary", "partial_summary"]

_SPLIT_TOL = 1e-9


def assign_columns(
    parcels: gpd.GeoDataFrame, joined: pd.DataFrame, payload: Payload, suffixes: Mapping[str, str]
) -> gpd.GeoDataFrame:
    """Add the per-kind primary zone, share and split flag to a copy of ``parcels``."""
    out = parcels.copy()
    inside = joined[joined["zone_id"].notna()]
    for kind in payload.kinds:
        sfx = suffixes[kind]
        rows = inside[inside["kind"] == kind]
        best = rows.loc[rows.groupby("parcel", sort=False)["share"].idxmax()].set_index("parcel")
        name = best["zone_name"].reindex(out.index)
        share = best["share"].reindex(out.index).fillna(0.0)
        out[f"zone_{sfx}"] = name.astype("string")
        out[f"zone_{sfx}_share"] = share.astype(float)
        out[f"zone_{sfx}_split"] = (name.notna() & (share < 1 - _SPLIT_TOL)).astype(bool)
    return out


def _tags(value: object) -> list[str | None]:
    tags: list[str | None] = list(split_categories(value))
    return tags or [None]


def partial_summary(parcels: pd.DataFrame, joined: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per-zone sums for one set of parcels (additive across disjoint sets of parcels)."""
    rows = joined
    if by:
        missing = [c for c in by if c not in parcels.columns]
        if missing:
            raise KeyError(f"parcels have no column(s) {', '.join(missing)} to summarise by")
        attrs = pd.DataFrame(parcels[by]).copy()
        if "categories" in by:  # a parcel with several categories counts under each of them
            attrs["categories"] = attrs["categories"].map(_tags)
            attrs = attrs.explode("categories")
        attrs.index.name = "parcel"
        rows = joined.merge(attrs.reset_index(), on="parcel", how="left")
    keys = ["kind", "zone_id", "zone_name", *by]
    agg = rows.groupby(keys, dropna=False, sort=False).agg(
        parcels=("parcel", "size"), parcels_share=("share", "sum"), area_m2=("overlap_m2", "sum")
    )
    return agg.reset_index()


def finish_summary(partials: pd.DataFrame, payload: Payload, by: list[str]) -> pd.DataFrame:
    """Combine partial sums, add 亩/公顷 and order rows by kind, zone (区外 last) and ``by``."""
    keys = ["kind", "zone_id", "zone_name", *by]
    out = partials.groupby(keys, dropna=False, sort=False).sum(numeric_only=True).reset_index()
    zone_rank = {z: i for i, z in enumerate(payload.zone_ids)}
    kind_rank = {k: i for i, k in enumerate(payload.kinds)}
    out["_k"] = out["kind"].map(kind_rank)
    out["_z"] = out["zone_id"].map(zone_rank).fillna(len(zone_rank))
    out = out.sort_values(["_k", "_z", *by], kind="stable").drop(columns=["_k", "_z"])
    out["parcels"] = out["parcels"].astype("int64")
    out["area_mu"] = out["area_m2"] / MU_M2
    out["area_ha"] = out["area_m2"] / HA_M2
    return out.reset_index(drop=True)

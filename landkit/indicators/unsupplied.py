"""批而未供: the part of each approval batch not yet covered by supply, with its geometry.

Supplies dated on or before ``as_of`` are dissolved into disjoint pieces first, so overlapping
supplies count once; the pieces are joined to the batches with the zone-join engine
(:func:`landkit.zones.zone_pairs`: geodesic overlap areas, CRS reconciled, invalid shapes repaired), so
only the part of a supply inside a batch counts. The unsupplied geometry is the batch minus the
pieces that touch it.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..area import geodesic_area
from ..errors import LandkitError, LandkitWarning
from ..units import HA_M2, MU_M2
from ..zones import ZonePairs, polygon_pairs
from ._dates import as_day, on_or_before
from ._pieces import pieces
from ._remainder import remainders

__all__ = ["UNSUPPLIED_LABELS", "supply_pieces", "unsupplied"]

#: Output columns of :func:`unsupplied` → Chinese labels.
UNSUPPLIED_LABELS = {
    "batch_name": "批次名称",
    "approval_no": "批准文号",
    "approval_date": "批准日期",
    "approval_year": "批准年度",
    "approved_mu": "批准面积(亩)",
    "supplied_mu": "已供面积(亩)",
    "unsupplied_mu": "批而未供面积(亩)",
    "unsupplied_ha": "批而未供面积(公顷)",
    "supply_share": "已供比例",
    "n_supplies": "供地宗数",
}


def _dated_supplies(supplies: gpd.GeoDataFrame, as_of: object) -> np.ndarray:
    """Which supplies were signed on or before ``as_of``; undated or undecidable ones are left out with a
    warning."""
    if "contract_date" not in supplies:
        raise LandkitError("supplies need a contract_date (合同签订日期) to be dated against as_of")
    on = on_or_before(supplies, "contract_date", as_day(as_of))
    unknown = int(on.isna().sum())
    if unknown:
        warnings.warn(
            f"{unknown} supply record(s) have no 合同签订日期 that decides whether they were signed by "
            f"{as_of}; they are not counted as supplied — complete the dates to count them",
            LandkitWarning,
            stacklevel=3,
        )
    return on.fillna(False).to_numpy(dtype=bool)


def supply_pieces(supplies: gpd.GeoDataFrame, /) -> gpd.GeoDataFrame:
    """Supply polygons with overlapping ones dissolved: pieces whose interiors are disjoint.

    Only polygons whose interiors overlap are merged (most supplies overlap nothing), so each
    square metre is counted once downstream.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> s = gpd.GeoDataFrame(geometry=[box(0, 0, 2, 2), box(1, 1, 3, 3), box(5, 5, 6, 6), box(6, 5, 7, 6)],
    ...                      crs=4546)
    >>> p = supply_pieces(s)
    >>> len(p), float(p.area.sum())
    (3, 9.0)
    """
    return gpd.GeoDataFrame(geometry=pieces(supplies.geometry.to_numpy())[0], crs=supplies.crs)


def unsupplied(
    batches: gpd.GeoDataFrame,
    supplies: gpd.GeoDataFrame,
    /,
    *,
    as_of: object,
    geometry: bool = True,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """批而未供 per approval batch as of a date: approved, supplied, unsupplied area and geometry.

    Parameters
    ----------
    batches : GeoDataFrame
        Approval batches (:func:`read_batches`), polygons with ``approval_date``.
    supplies : GeoDataFrame
        Supply records (:func:`read_supplies`) with ``contract_date`` and polygons.
    as_of : date or str
        Supplies signed on or before this day count; batches approved after it are left out.
    geometry : bool, default True
        Compute the unsupplied geometry (a GeoDataFrame); ``False`` returns the figures only as a
        DataFrame, which is faster (the rates and disposal tables use it).

    Returns
    -------
    GeoDataFrame
        One row per batch approved by ``as_of`` (aligned on the batches' index), with
        ``approved_m2`` (geodesic area of the batch polygon), ``supplied_m2`` (the part covered by
        supplies, each square metre once), ``unsupplied_m2`` and the same in 亩 and 公顷,
        ``supply_share``, ``n_supplies`` (supply pieces touching it) and ``approval_year``; the
        geometry is the unsupplied part (empty when fully supplied).

    Examples
    --------
    A 100 m × 100 m batch with two overlapping supplies and one half outside it:

    >>> from shapely.geometry import box
    >>> b = gpd.GeoDataFrame({"batch_name": ["甲"], "approval_date": pd.to_datetime(["2020-05-01"])},
    ...                      geometry=[box(400000, 3000000, 400100, 3000100)], crs=4546)
    >>> s = gpd.GeoDataFrame({"contract_date": pd.to_datetime(["2021-01-01"] * 3)},
    ...                      geometry=[box(400000, 3000000, 400050, 3000050),
    ...                                box(400025, 3000000, 400050, 3000050),
    ...                                box(400080, 3000080, 400120, 3000120)], crs=4546)
    >>> r = unsupplied(b, s, as_of="2024-12-31")
    >>> round(float(r["supplied_m2"].iloc[0] / r["approved_m2"].iloc[0]), 4)
    0.29
    """
    day = as_day(as_of)
    if batches.crs is None or supplies.crs is None:
        raise LandkitError("batches and supplies need a CRS; read them with read_batches/read_supplies")
    approved_on = on_or_before(batches, "approval_date", day).fillna(False).to_numpy()
    kept = batches[approved_on]
    signed = supplies.geometry[_dated_supplies(supplies, day)]
    if signed.crs != kept.crs:
        signed = signed.to_crs(kept.crs)
    outlines = _outlined(kept)
    pieces_, lonely = pieces(signed.to_numpy())
    approved = np.asarray(geodesic_area(kept), dtype=float)
    pairs = _pairs(outlines, pieces_, kept.crs)
    supplied = np.minimum(np.bincount(pairs.zone_pos, weights=pairs.area_m2, minlength=len(kept)), approved)
    n_pieces = np.bincount(pairs.zone_pos, minlength=len(kept))
    rest = approved - supplied
    names = ("batch_name", "approval_no", "approval_date", "township", "park")
    cols: dict[str, object] = {c: kept[c].array for c in names if c in kept}  # .array: positions, not labels
    cols["approval_year"] = pd.to_datetime(kept["approval_date"]).dt.year.astype("Int64").array
    m2 = {"approved": approved, "supplied": supplied, "unsupplied": rest}
    cols |= {f"{k}_m2": v for k, v in m2.items()}
    for k, v in m2.items():
        cols[f"{k}_mu"], cols[f"{k}_ha"] = v / MU_M2, v / HA_M2
    cols["supply_share"] = np.where(approved > 0, supplied / np.where(approved > 0, approved, 1), np.nan)
    cols["n_supplies"] = n_pieces
    out = pd.DataFrame(cols, index=kept.index)
    if not geometry:
        return out
    rest_geoms = remainders(
        outlines,
        pieces_,
        batch_pos=pairs.zone_pos,
        piece_pos=pairs.parcel_pos,
        inside=pairs.inside,
        lonely=lonely,
    )
    return gpd.GeoDataFrame(out, geometry=rest_geoms, crs=kept.crs)


def _pairs(batches: np.ndarray, pieces_: np.ndarray, crs: object) -> ZonePairs:
    """Batch × piece overlaps from the zone-join engine (none when either side is empty)."""
    if len(pieces_) and len(batches):
        return polygon_pairs(pieces_, batches, crs=crs, kind="批次", valid=True)  # pieces() repaired them
    none = np.zeros(0, dtype=int)
    return ZonePairs(none, none, np.zeros(0), np.zeros(0, dtype=bool), len(batches))


def _outlined(batches: gpd.GeoDataFrame) -> np.ndarray:
    """The batches' geometries; a batch without an outline is refused (its 批而未供 cannot be known)."""
    geoms = batches.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        names = batches["batch_name"] if "batch_name" in batches else batches.index.to_series()
        shown = "、".join(map(str, names[missing].head(5)))
        raise LandkitError(
            f"{int(missing.sum())} approval batch(es) have no outline (e.g. {shown}): 批而未供 needs "
            "each batch's polygon; add them to the batch layer, or leave those batches out"
        )
    return geoms

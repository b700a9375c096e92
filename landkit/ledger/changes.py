"""Differences between two register snapshots (台账变化).

One row per parcel and change, so a parcel cleared and re-surveyed shows twice. Parcels
that leave the register are told apart: split/merged into successors (``superseded``), left
after a cleared status (``removed_closed``) or simply gone (``disappeared``, to be checked).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..units import MU_M2
from .history import ancestors, parents_map

__all__ = ["CHANGE_LABELS", "compute_changes"]

#: Change kinds and their Chinese labels.
CHANGE_LABELS: dict[str, str] = {
    "listed": "新列入",
    "cleared": "已清零",
    "status": "状态变化",
    "categories": "类别变化",
    "disposal": "盘活方式变化",
    "area": "面积变化",
    "geometry": "图形变化",
    "added": "新增宗地",
    "successor": "分割合并新宗地",
    "superseded": "被分割合并",
    "removed_closed": "销号移出",
    "disappeared": "消失待核实",
}

_OUT_COLUMNS = [
    "parcel_id",
    "change",
    "change_label",
    "from_status",
    "to_status",
    "from_categories",
    "to_categories",
    "from_area_mu",
    "to_area_mu",
    "previous_ids",
]


def _tagged(cats: pd.Series, wanted: set[str]) -> pd.Series:
    return cats.map(lambda v: bool(set(str(v).split(",")) & wanted) if isinstance(v, str) else False)


def compute_changes(
    a: gpd.GeoDataFrame,
    b: gpd.GeoDataFrame,
    /,
    *,
    categories: Iterable[str] = ("idle", "low_efficiency"),
    cleared_statuses: Iterable[str] = frozenset({"revitalized", "recovered", "disposed"}),
    area_tolerance_m2: float = 1.0,
    geometry_tolerance: float | None = None,
) -> pd.DataFrame:
    """Compare snapshot ``a`` (earlier) with ``b`` (later).

    Parameters
    ----------
    a, b : GeoDataFrame
        Two snapshots as returned by :meth:`Ledger.snapshot <landkit.ledger.Ledger.snapshot>`
        (same CRS, ``area_m2`` present).
    categories : iterable of str
        Categories whose entry makes a parcel ``listed``.
    cleared_statuses : iterable of str
        Statuses that make a parcel ``cleared``.
    area_tolerance_m2 : float
        Area differences up to this many m² are ignored.
    geometry_tolerance : float, optional
        Vertex tolerance (CRS units) for ``geometry`` changes; default 1 cm in a projected CRS,
        1e-7° in a geographic one.

    Returns
    -------
    DataFrame
        Columns ``parcel_id``, ``change``, ``change_label``, ``from_status``, ``to_status``,
        ``from_categories``, ``to_categories``, ``from_area_mu``, ``to_area_mu``, ``previous_ids``.
    """
    wanted = set(categories)
    cleared = set(cleared_statuses)
    if geometry_tolerance is None:
        geographic = a.crs is not None and a.crs.is_geographic
        geometry_tolerance = 1e-7 if geographic else 0.01
    ia = a.set_index("parcel_id")
    ib = b.set_index("parcel_id")
    both = ia.index.intersection(ib.index)
    only_a = ia.index.difference(ib.index)
    only_b = ib.index.difference(ia.index)
    records: list[tuple[str, str]] = []

    pa, pb = ia.loc[both], ib.loc[both]
    status_a, status_b = pa["status"], pb["status"]
    closed_a, closed_b = status_a.isin(cleared), status_b.isin(cleared)
    tag_a, tag_b = _tagged(pa["categories"], wanted), _tagged(pb["categories"], wanted)
    masks = {
        "listed": tag_b & ~closed_b & ~(tag_a & ~closed_a),
        "cleared": closed_b & ~closed_a,
        "status": (status_a != status_b) & ~(closed_b & ~closed_a),
        "categories": pa["categories"].fillna("") != pb["categories"].fillna(""),
        "disposal": pa["disposal_method"].fillna("") != pb["disposal_method"].fillna(""),
        "area": (pa["area_m2"] - pb["area_m2"]).abs() > area_tolerance_m2,
        "geometry": pd.Series(
            ~shapely.equals_exact(
                np.asarray(pa.geometry.values), np.asarray(pb.geometry.values), tolerance=geometry_tolerance
            ),
            index=both,
        ),
    }
    for kind, mask in masks.items():
        records += [(pid, kind) for pid in both[mask.to_numpy(dtype=bool)]]

    parents = parents_map(b)
    sb = ib.loc[only_b]
    in_a = set(ia.index)
    stock_a = set(
        ia.index[
            _tagged(ia["categories"], wanted).to_numpy(dtype=bool) & ~ia["status"].isin(cleared).to_numpy()
        ]
    )
    for pid in only_b:
        origin = ancestors([pid], parents)
        records.append((pid, "successor" if origin & in_a else "added"))
        entering = (
            _tagged(sb.loc[[pid], "categories"], wanted).iloc[0] and sb.loc[pid, "status"] not in cleared
        )
        if entering and not origin & stock_a:
            records.append((pid, "listed"))
    superseded = ancestors([p for p in only_b if p in parents], parents)
    for pid in only_a:
        if pid in superseded:
            records.append((pid, "superseded"))
        elif ia.loc[pid, "status"] in cleared:
            records.append((pid, "removed_closed"))
        else:
            records.append((pid, "disappeared"))

    out = pd.DataFrame(records, columns=["parcel_id", "change"])
    order = {k: i for i, k in enumerate(CHANGE_LABELS)}
    out["change_label"] = out["change"].map(CHANGE_LABELS)
    for side, frame in (("from", ia), ("to", ib)):
        sub = frame.reindex(out["parcel_id"])
        out[f"{side}_status"] = sub["status"].to_numpy()
        out[f"{side}_categories"] = sub["categories"].to_numpy()
        out[f"{side}_area_mu"] = sub["area_m2"].to_numpy(dtype=float) / MU_M2
    out["previous_ids"] = ib.reindex(out["parcel_id"])["previous_ids"].to_numpy()
    out = out.assign(_o=out["change"].map(order)).sort_values(["_o", "parcel_id"]).drop(columns="_o")
    return out[_OUT_COLUMNS].reset_index(drop=True)

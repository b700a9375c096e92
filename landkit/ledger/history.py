"""Parcel lineage (splits and merges through ``previous_ids``) and per-parcel history.

A register row may name the parcels it came from in ``previous_ids`` (原宗地代码): one
parent for a split, several for a merge. These functions turn the stored rows into a
parent map and walk it both ways.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

import pandas as pd

from ..schema import CLEARED_STATUSES
from ._prepare import split_ids

K = TypeVar("K", bound=Hashable)

__all__ = ["ancestors", "descendants", "lineage_frame", "parcel_history", "parents_map"]


def parents_map(rows: pd.DataFrame, /) -> dict[str, set[str]]:
    """Map each parcel id to the ids it came from (``previous_ids`` over all rows).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"parcel_id": ["B1", "B2"], "previous_ids": ["A", "A"]})
    >>> parents_map(rows)
    {'B1': {'A'}, 'B2': {'A'}}
    """
    out: dict[str, set[str]] = {}
    sub = rows.loc[rows["previous_ids"].notna(), ["parcel_id", "previous_ids"]]
    for pid, prev in zip(sub["parcel_id"], sub["previous_ids"], strict=True):
        parents = {p for p in split_ids(prev) if p != pid}
        if parents:
            out.setdefault(str(pid), set()).update(parents)
    return out


def ancestors(ids: Iterable[K], parents: Mapping[K, set[K]], /) -> set[K]:
    """Every id the given parcels descend from (transitively), excluding the parcels themselves.

    Examples
    --------
    >>> sorted(ancestors(["C"], {"C": {"B"}, "B": {"A"}}))
    ['A', 'B']
    """
    start = set(ids)
    seen: set[K] = set()
    stack = [p for i in start for p in parents.get(i, ())]
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        stack.extend(parents.get(p, ()))
    return seen - start


def descendants(ids: Iterable[str], parents: Mapping[str, set[str]], /) -> set[str]:
    """Every id descending from the given parcels (transitively), excluding them.

    Examples
    --------
    >>> sorted(descendants(["A"], {"C": {"B"}, "B": {"A"}}))
    ['B', 'C']
    """
    children: dict[str, set[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, set()).add(child)
    start = set(ids)
    seen: set[str] = set()
    stack = [c for i in start for c in children.get(i, ())]
    while stack:
        c = stack.pop()
        if c in seen:
            continue
        seen.add(c)
        stack.extend(children.get(c, ()))
    return seen - start


def lineage_frame(parcel_id: str, parents: Mapping[str, set[str]], /) -> pd.DataFrame:
    """Ancestors and descendants of one parcel as a frame with ``parcel_id`` and ``relation``.

    Examples
    --------
    >>> lineage_frame("B", {"C": {"B"}, "B": {"A"}}).to_dict("list")
    {'parcel_id': ['A', 'C'], 'relation': ['ancestor', 'descendant']}
    """
    rows = [(p, "ancestor") for p in sorted(ancestors([parcel_id], parents))]
    rows += [(c, "descendant") for c in sorted(descendants([parcel_id], parents))]
    return pd.DataFrame(rows, columns=["parcel_id", "relation"])


def parcel_history(
    rows: pd.DataFrame, parcel_id: str, /, *, cleared_statuses: Iterable[str] = CLEARED_STATUSES
) -> pd.DataFrame:
    """One parcel across snapshots: status, categories, disposal, area and what changed.

    Parameters
    ----------
    rows : DataFrame
        Stored rows with ``as_of``, ``parcel_id``, ``status``, ``categories``, ``disposal_method``,
        ``responsible_unit``, ``previous_ids`` and ``area_m2`` (one row per snapshot date).
    parcel_id : str
        The parcel.
    cleared_statuses : iterable of str
        Statuses that close a parcel (marked in the ``cleared`` column).

    Returns
    -------
    DataFrame
        One row per snapshot date holding the parcel, with ``area_mu``, ``status_changed``,
        ``area_change_m2`` and ``shape_changed`` (the representative point moved by more
        than 1 cm or the area changed by more than 1 m², when ``rep_x``/``rep_y`` are given)
        against the previous appearance. :meth:`Ledger.changes` compares the geometries
        themselves between two dates.
    """
    sub = rows.loc[rows["parcel_id"] == parcel_id].sort_values("as_of").copy()
    sub["area_mu"] = sub["area_m2"] / (10000.0 / 15.0)
    prev_status = sub["status"].shift()
    sub["status_changed"] = prev_status.notna() & (sub["status"] != prev_status)
    sub["area_change_m2"] = sub["area_m2"].diff().fillna(0.0)
    if {"rep_x", "rep_y"} <= set(sub.columns):
        moved = (sub["rep_x"].diff().abs() > 0.01) | (sub["rep_y"].diff().abs() > 0.01)
        sub["shape_changed"] = moved | (sub["area_change_m2"].abs() > 1.0)
    sub["cleared"] = sub["status"].isin(set(cleared_statuses))
    keep = [
        c
        for c in (
            "as_of",
            "parcel_id",
            "status",
            "categories",
            "disposal_method",
            "responsible_unit",
            "previous_ids",
            "area_m2",
            "area_mu",
            "status_changed",
            "area_change_m2",
            "shape_changed",
            "cleared",
        )
        if c in sub.columns
    ]
    return sub[keep].reset_index(drop=True)

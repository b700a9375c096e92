"""Combine parcel layers of different categories into one table.

A parcel listed in several layers (idle **and** mortgaged) becomes one row carrying every
tag. Within one layer a repeated 宗地代码 is a data problem, not a merge: every row is kept
(no holder or geometry disappears) and the repeat is reported, so :func:`landkit.validate`
still sees it. Read problems follow their rows into the combined table.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import pyproj

from ._problems import add_problem, set_problems
from .schema import join_categories, split_categories

__all__ = ["combine_parcels"]

_LAYER, _ROW = "_landkit_layer", "_landkit_row"


def _stack(frames: tuple[gpd.GeoDataFrame, ...], target: Any) -> pd.DataFrame:
    parts = []
    for k, f in enumerate(frames):
        g = f.to_crs(target) if (f.crs is not None and target is not None and not f.crs.equals(target)) else f
        part = pd.DataFrame(g).rename(columns={g.geometry.name: "geometry"})
        part[_LAYER], part[_ROW] = k, list(f.index)
        parts.append(part)
    allp = pd.concat(parts, ignore_index=True)
    for col in ("parcel_id", "categories"):
        if col not in allp:
            allp[col] = None
    return allp


def _merge_across_layers(keyed: pd.DataFrame) -> pd.DataFrame:
    """One row per id from the first row of each layer: first non-empty value, union of tags."""
    first = keyed.groupby("parcel_id", sort=False).first()
    tags = keyed.groupby("parcel_id", sort=False)["categories"].agg(
        lambda s: join_categories(set().union(*[split_categories(v) for v in s]))
    )
    first["categories"] = tags.reindex(first.index)
    first[_LAYER] = keyed.groupby("parcel_id", sort=False)[_LAYER].first()
    first[_ROW] = keyed.groupby("parcel_id", sort=False)[_ROW].first()
    return first.reset_index()


def _carry_problems(
    frames: tuple[gpd.GeoDataFrame, ...], out: pd.DataFrame, origin: dict[tuple[int, Any], Any]
) -> list[dict[str, Any]]:
    """Each frame's read problems, their rows relabelled to the combined table's index."""
    problems: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for k, f in enumerate(frames):
        for p in f.attrs.get("landkit", {}).get("problems", []):
            row = p.get("row")
            if row is None:
                problems.append(dict(p))
            elif (k, row) in origin:  # problems of rows not passed in (a slice) stay behind
                key = (origin[(k, row)], p.get("field"), p.get("problem"), p.get("value"))
                if key not in seen:  # the same row read in two layers: report it once
                    seen.add(key)
                    problems.append({**p, "row": origin[(k, row)]})
    return problems


def combine_parcels(*frames: gpd.GeoDataFrame, to_crs: Any = None) -> gpd.GeoDataFrame:
    """Combine parcel layers of different categories into one table, keeping every tag.

    Parcels with the same ``parcel_id`` in several layers become one row whose categories
    are the union (a parcel can be idle **and** mortgaged); other fields take the first
    non-empty value in argument order. A ``parcel_id`` repeated *within* one layer is not
    merged: every such row is kept and reported as ``duplicate_in_layer``. Rows without a
    parcel id are kept as they are.

    Parameters
    ----------
    *frames : GeoDataFrame
        Canonical parcel tables (from :func:`read_parcels`).
    to_crs : CRS, optional
        CRS of the result (default: the first frame's); others are reprojected to it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> a = gpd.GeoDataFrame({"parcel_id": ["431281101001GB00001"], "categories": ["idle"]},
    ...                      geometry=[box(0, 0, 1, 1)], crs=4546)
    >>> b = a.assign(categories="mortgaged")
    >>> combine_parcels(a, b)["categories"].tolist()
    ['idle,mortgaged']
    """
    if not frames:
        raise ValueError("combine_parcels needs at least one frame")
    target = pyproj.CRS.from_user_input(to_crs) if to_crs is not None else frames[0].crs
    allp = _stack(frames, target)
    has_id = allp["parcel_id"].notna()
    repeat = has_id & allp.duplicated(subset=["parcel_id", _LAYER], keep="first")
    merged = _merge_across_layers(allp[has_id & ~repeat])
    extra = allp[repeat].copy()
    if len(extra):
        tags = merged.set_index("parcel_id")["categories"]
        extra["categories"] = [
            join_categories(set(split_categories(v)) | set(split_categories(tags.get(pid))))
            for v, pid in zip(extra["categories"], extra["parcel_id"], strict=True)
        ]
    out = pd.concat([merged, extra, allp[~has_id]], ignore_index=True)
    origin = {(k, r): i for i, (k, r) in enumerate(zip(out[_LAYER], out[_ROW], strict=True))}
    position = pd.Series(range(len(merged)), index=merged["parcel_id"])
    primaries = allp[has_id & ~repeat]
    for k, r, pid in zip(primaries[_LAYER], primaries[_ROW], primaries["parcel_id"], strict=True):
        origin[(k, r)] = int(position[pid])
    problems = _carry_problems(frames, out, origin)
    for i in out.index[len(merged) : len(merged) + len(extra)]:
        add_problem(
            problems, i, "parcel_id", "duplicate_in_layer", "warning",
            f"宗地代码 {out.at[i, 'parcel_id']!s} 在第 {int(str(out.at[i, _LAYER])) + 1} 个图层"
            "（按传入顺序）内重复；各行分开保留，未合并",
            "每个图层中每宗地只保留一行", value=out.at[i, "parcel_id"],
        )  # fmt: skip
    combined = gpd.GeoDataFrame(out.drop(columns=[_LAYER, _ROW]), geometry="geometry", crs=target)
    combined.attrs["landkit"] = {"source": "combined"}
    return set_problems(combined, problems)

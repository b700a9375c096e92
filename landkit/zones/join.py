"""The parcel–zone join: long table, per-kind assignment, summaries by zone.

All three functions take parcels (a GeoDataFrame in any CRS, or a ``dask_geopandas.GeoDataFrame``)
and zones (a :class:`~landkit.zones.ZoneSet`, a zone GeoDataFrame or the path of a TOML config).
Areas are geodesic (GRS80) m², shown also in 亩 and 公顷; a parcel's area is apportioned to the
zones it touches by its overlap shares, and the part of a parcel outside every zone of a kind is
kept as a row named ``区外`` (``zone_id`` missing), so nothing is lost and totals over any kind equal
the parcels' total area.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd

from .._parallel import WORKER_PREFIX
from ..errors import ConfigError
from . import _dask
from ._overlap import (
    GRID_MIN_PARCELS_PER_ZONE,
    OUTSIDE_NAME,
    Overlaps,
    Payload,
    long_table,
    make_payload,
    overlaps,
    polygon_payload,
    report,
)
from ._tables import assign_columns, finish_summary, partial_summary
from .config import read_zones
from .zoneset import ZoneSet, zones_from_frame

__all__ = [
    "JOIN_LABELS",
    "OUTSIDE_NAME",
    "SUMMARY_LABELS",
    "ZoneLike",
    "ZonePairs",
    "assign_zones",
    "join_zones",
    "outside_parcels",
    "polygon_pairs",
    "zone_pairs",
    "zone_summary",
    "zone_totals",
]

#: Inputs with fewer parcels run in one thread by default.
_PARALLEL_MIN = 20_000

ZoneLike: TypeAlias = ZoneSet | gpd.GeoDataFrame | str | Path

#: Chinese headers of the long join table (for Excel/CSV output).
JOIN_LABELS: dict[str, str] = {
    "parcel": "宗地",
    "zone_id": "分区编码",
    "zone_name": "分区名称",
    "kind": "分区类型",
    "overlap_m2": "重叠面积(平方米)",
    "overlap_mu": "重叠面积(亩)",
    "share": "占宗地比例",
}
#: Chinese headers of :func:`zone_summary` output.
SUMMARY_LABELS: dict[str, str] = {
    "kind": "分区类型",
    "zone_id": "分区编码",
    "zone_name": "分区名称",
    "parcels": "宗地数",
    "parcels_share": "宗地数(按面积分摊)",
    "area_m2": "面积(平方米)",
    "area_mu": "面积(亩)",
    "area_ha": "面积(公顷)",
}


def as_zoneset(zones: ZoneLike, *, crs: Any = None) -> ZoneSet:
    """Coerce a ZoneSet, zone GeoDataFrame or TOML path to a :class:`ZoneSet`."""
    if isinstance(zones, ZoneSet):
        return zones
    if isinstance(zones, gpd.GeoDataFrame):
        return zones_from_frame(zones)
    if isinstance(zones, str | Path):
        return read_zones(zones, crs=crs)
    raise TypeError(f"zones must be a ZoneSet, a GeoDataFrame or a TOML path, not {type(zones).__name__}")


def _kinds(zs: ZoneSet, kinds: str | Sequence[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return zs.kinds
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in wanted if k not in zs.kinds]
    if unknown:
        raise ConfigError(f"no zones of kind(s) {', '.join(unknown)}; kinds are {', '.join(zs.kinds)}")
    return wanted


def _prepare(
    parcels: Any,
    zones: ZoneLike,
    kinds: str | Sequence[str] | None,
    densify_m: float,
    *,
    outside: bool = True,
) -> Payload:
    zs = as_zoneset(zones, crs=parcels.crs)
    chosen = _kinds(zs, kinds)
    n_zones = int(zs.zones["kind"].isin(chosen).sum())
    grid = _dask.is_dask(parcels) or len(parcels) >= GRID_MIN_PARCELS_PER_ZONE * max(n_zones, 1)
    return make_payload(zs, parcels.crs, kinds=chosen, densify_m=densify_m, outside=outside, grid=grid)


def _threads(threads: int | None, n: int) -> int:
    if threads is None:
        threads = min(4, os.cpu_count() or 1) if n >= _PARALLEL_MIN else 1
    if threads < 1:
        raise ValueError(f"threads must be ≥ 1, got {threads}")
    return threads


def _chunk_results(
    geoms: np.ndarray,
    labels: pd.Index,
    payload: Payload,
    *,
    chunk_size: int,
    progress: bool,
    threads: int | None,
    valid: bool = False,
) -> Iterator[tuple[pd.Index, Overlaps]]:
    """The engine's result per chunk of parcel geometries (with their labels), in order; results do not
    depend on chunking or threads."""
    if not labels.is_unique:
        raise ValueError("parcels must have a unique index (it labels the rows of the join)")
    n = len(geoms)
    workers = _threads(threads, n)
    # ~20 steps for a bar; else two chunks per thread, so a thread slowed by a busy core can hand work on
    steps = 20 if progress else 2 * workers if workers > 1 else 1
    chunk_size = max(1, min(chunk_size, max(10_000, -(-n // steps))))
    starts = range(0, max(n, 1), chunk_size)
    bar = None
    if progress and len(starts) > 1:
        from tqdm.auto import tqdm  # imported only when asked: tqdm.auto may load notebook widgets

        bar = tqdm(total=len(starts), desc="分区叠加", unit="块")
    # shapely releases the GIL; every overlaps() call prepares its own zone copies, so threads share
    # no prepared geometry (sharing them crashes GEOS)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=WORKER_PREFIX) as pool:
        results = pool.map(lambda i: overlaps(geoms[i : i + chunk_size], payload, valid=valid), starts)
        for i, result in zip(starts, results, strict=True):
            chunk = labels[i : i + chunk_size]
            report(result, chunk)
            yield chunk, result
            if bar is not None:
                bar.update()
    if bar is not None:
        bar.close()


def _results(
    parcels: gpd.GeoDataFrame, payload: Payload, **options: Any
) -> Iterator[tuple[pd.Index, Overlaps]]:
    return _chunk_results(parcels.geometry.to_numpy(), parcels.index, payload, **options)


def _long(
    parcels: gpd.GeoDataFrame, payload: Payload, *, chunk_size: int, progress: bool, threads: int | None
) -> pd.DataFrame:
    """The long table, chunk by chunk."""
    parts = [
        long_table(result, chunk, payload)
        for chunk, result in _results(
            parcels, payload, chunk_size=chunk_size, progress=progress, threads=threads
        )
    ]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def zone_totals(
    parcels: gpd.GeoDataFrame,
    zones: ZoneLike,
    /,
    *,
    densify_m: float = 20.0,
    chunk_size: int = 250_000,
    threads: int | None = None,
    valid: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Per zone, the parcels' total overlap area and how many parcels touch it — :func:`join_zones`'s
    figures without building the long table (for callers that only sum it, such as 批而未供).

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels with a CRS and a unique index (repaired and checked as in :func:`join_zones`).
    zones : ZoneSet, GeoDataFrame or path
        The zones (all kinds).
    densify_m, chunk_size, threads
        As in :func:`join_zones`.
    valid : bool, default False
        The caller's word that every parcel geometry is valid (e.g. just repaired): skips the check.
        An invalid geometry passed with ``valid=True`` gives wrong areas.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Overlap m² (geodesic, GRS80) and parcel counts, one per zone in the zones' order.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["w", "e"], "name": ["西", "东"], "kind": ["乡镇"] * 2},
    ...                      geometry=[box(400000, 3e6, 400100, 3000200), box(400100, 3e6, 400200, 3000200)],
    ...                      crs=4546)
    >>> p = gpd.GeoDataFrame(geometry=[box(400050, 3000050, 400150, 3000100),
    ...                                box(400010, 3e6, 400020, 3000010)], crs=4546)
    >>> m2, n = zone_totals(p, z)
    >>> [round(float(a) / float(m2.sum()), 4) for a in m2], n.tolist()  # 2,600 and 2,500 m² (planar)
    ([0.5098, 0.4902], [2, 1])
    """
    pairs = zone_pairs(
        parcels, zones, densify_m=densify_m, chunk_size=chunk_size, threads=threads, valid=valid
    )
    n_zones = pairs.n_zones
    area = np.bincount(pairs.zone_pos, weights=pairs.area_m2, minlength=n_zones)
    return area, np.bincount(pairs.zone_pos, minlength=n_zones)


@dataclass(frozen=True)
class ZonePairs:
    """Every parcel × zone overlap as arrays (see :func:`zone_pairs`)."""

    parcel_pos: np.ndarray  # position of the parcel in the input
    zone_pos: np.ndarray  # position of the zone in the zones' order
    area_m2: np.ndarray  # geodesic overlap area
    inside: np.ndarray  # the zone contains the parcel properly (does not touch its boundary)
    n_zones: int


def zone_pairs(
    parcels: gpd.GeoDataFrame,
    zones: ZoneLike,
    /,
    *,
    densify_m: float = 20.0,
    chunk_size: int = 250_000,
    threads: int | None = None,
    valid: bool = False,
) -> ZonePairs:
    """Parcel × zone overlaps as position arrays, with whether each zone contains the parcel properly.

    The engine behind :func:`zone_totals`, for callers that work with positions (the unsupplied
    geometry of 批而未供 builds batches with holes from the pieces a batch contains properly). Options
    as in :func:`zone_totals`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["a"], "name": ["甲"], "kind": ["乡镇"]},
    ...                      geometry=[box(400000, 3e6, 400100, 3000100)], crs=4546)
    >>> p = gpd.GeoDataFrame(geometry=[box(400010, 3000010, 400020, 3000020),
    ...                                box(400090, 3000010, 400120, 3000020)], crs=4546)
    >>> r = zone_pairs(p, z)
    >>> r.parcel_pos.tolist(), r.inside.tolist()
    ([0, 1], [True, False])
    """
    payload = _prepare(parcels, zones, None, densify_m, outside=False)
    results = _results(parcels, payload, chunk_size=chunk_size, progress=False, threads=threads, valid=valid)
    return _collect_pairs(results, len(payload.zone_wkb))


def polygon_pairs(
    parcels: np.ndarray, zones: np.ndarray, /, *, crs: Any, kind: str, valid: bool = False
) -> ZonePairs:
    """:func:`zone_pairs` of two plain polygon arrays in one ``crs``, without zone or parcel tables.

    For callers that pair layers by position (批而未供 pairs supply pieces with approval batches): the
    same engine, areas and repairs, with warnings naming positions. Every zone must have a geometry;
    ``kind`` names the zones in warnings.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> r = polygon_pairs(np.array([box(400010, 3000010, 400020, 3000020)]),
    ...                   np.array([box(400000, 3e6, 400100, 3000100)]), crs=4546, kind="批次")
    >>> r.zone_pos.tolist(), r.inside.tolist(), round(float(r.area_m2[0]))
    ([0], [True], 100)
    """
    payload = polygon_payload(zones, crs, kind=kind)
    labels = pd.RangeIndex(len(parcels))
    results = _chunk_results(
        parcels, labels, payload, chunk_size=250_000, progress=False, threads=None, valid=valid
    )
    return _collect_pairs(results, len(zones))


def _collect_pairs(results: Iterator[tuple[pd.Index, Overlaps]], n_zones: int) -> ZonePairs:
    parts, offset = [], 0
    for chunk, result in results:
        parts.append((result.parcel_pos + offset, result.zone_pos, result.area_m2, result.inside))
        offset += len(chunk)
    cols = [np.concatenate([p[k] for p in parts]) for k in range(4)]
    return ZonePairs(cols[0], cols[1], cols[2], cols[3], n_zones)


def join_zones(
    parcels: gpd.GeoDataFrame,
    zones: ZoneLike,
    /,
    *,
    kinds: str | Sequence[str] | None = None,
    outside: bool = True,
    densify_m: float = 20.0,
    chunk_size: int = 250_000,
    threads: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Long table of parcel × zone overlaps, with geodesic areas and shares.

    Parameters
    ----------
    parcels : GeoDataFrame or dask_geopandas.GeoDataFrame
        Parcels with a CRS and a unique index. Invalid geometries are repaired (only those, with a
        :class:`ZoneJoinWarning`); parcels without areal geometry are left out with a warning.
    zones : ZoneSet, GeoDataFrame or path
        The zones. When their CRS differs from the parcels', they are densified to ``densify_m``
        and reprojected to the parcels' CRS, with a :class:`ZoneJoinWarning` saying so.
    kinds : str or sequence of str, optional
        Only zones of these kinds (default all).
    outside : bool
        Keep, per kind, a row for the part of each parcel outside every zone of that kind
        (``zone_id`` missing, ``zone_name`` = ``区外``).
    densify_m : float
        Longest zone edge (metres) kept before zones are reprojected.
    chunk_size : int
        Most parcels per chunk in memory (bounds memory use; results do not depend on it).
    threads : int, optional
        Threads working on chunks (default: up to 4, one for fewer than 20,000 parcels). Results do
        not depend on it.
    progress : bool
        Show a tqdm progress bar over the chunks.

    Returns
    -------
    DataFrame
        Columns ``parcel`` (the input index label), ``zone_id``, ``zone_name``, ``kind``,
        ``overlap_m2`` (geodesic, GRS80), ``overlap_mu`` (亩) and ``share`` (of the parcel's area),
        one row per parcel and zone with a positive overlap, ordered by parcel then zone. For dask
        input a lazy ``dask.dataframe.DataFrame`` with the same rows (per-partition index).

    Raises
    ------
    CRSError
        When parcels or zones have no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["w", "e"], "name": ["西", "东"], "kind": ["乡镇"] * 2},
    ...                      geometry=[box(400000, 3e6, 400100, 3000200), box(400100, 3e6, 400200, 3000200)],
    ...                      crs=4546)
    >>> p = gpd.GeoDataFrame(geometry=[box(400050, 3000050, 400150, 3000100)], crs=4546)
    >>> j = join_zones(p, z)
    >>> j[["zone_id", "share"]].round(6).values.tolist()
    [['w', 0.5], ['e', 0.5]]
    """
    payload = _prepare(parcels, zones, kinds, densify_m, outside=outside)
    if _dask.is_dask(parcels):
        return _dask.join_zones(parcels, payload, outside=outside)
    return _long(parcels, payload, chunk_size=chunk_size, progress=progress, threads=threads)


def outside_parcels(joined: pd.DataFrame, /, *, kind: str, wholly: bool = True) -> pd.Index:
    """Parcels (labels) outside every zone of ``kind``, from a :func:`join_zones` table.

    Parameters
    ----------
    joined : DataFrame
        Output of :func:`join_zones` with ``outside=True``.
    kind : str
        Zone kind, e.g. ``"乡镇"``.
    wholly : bool
        Only parcels entirely outside (default); ``False`` also lists parcels partly outside.

    Examples
    --------
    >>> import pandas as pd
    >>> j = pd.DataFrame({"parcel": [1, 2, 2], "zone_id": [None, "a", None], "kind": ["乡镇"] * 3,
    ...                   "share": [1.0, 0.6, 0.4]})
    >>> outside_parcels(j, kind="乡镇").tolist(), outside_parcels(j, kind="乡镇", wholly=False).tolist()
    ([1], [1, 2])
    """
    rows = joined[(joined["kind"] == kind) & joined["zone_id"].isna()]
    if wholly:
        rows = rows[rows["share"] >= 1 - 1e-9]
    return pd.Index(rows["parcel"].unique(), name="parcel")


def assign_zones(
    parcels: gpd.GeoDataFrame,
    zones: ZoneLike,
    /,
    *,
    kinds: str | Sequence[str] | None = None,
    densify_m: float = 20.0,
    threads: int | None = None,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Add, per zone kind, the primary zone of each parcel, its share and a split flag.

    For each kind with column suffix ``s`` (城→city, 带→belt, 板块→block, 乡镇→township, 村→village,
    园区→park; see :data:`~landkit.zones.DEFAULT_KIND_SUFFIXES` and a config's ``[kinds]`` table):

    * ``zone_s`` — name of the zone of that kind holding the largest share of the parcel
      (first in zone order on ties); missing when the parcel lies outside every zone of the kind;
    * ``zone_s_share`` — that share (0–1; 0 when outside);
    * ``zone_s_split`` — True when the parcel is not wholly inside its primary zone (it straddles
      zones of the kind or reaches outside them).

    Parameters
    ----------
    parcels : GeoDataFrame or dask_geopandas.GeoDataFrame
    zones : ZoneSet, GeoDataFrame or path
    kinds : str or sequence of str, optional
        Kinds to assign (default all).
    densify_m, threads, progress
        As for :func:`join_zones`.

    Returns
    -------
    GeoDataFrame
        A copy of ``parcels``, same index and order, with the new columns (lazy for dask input).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["w"], "name": ["西"], "kind": ["乡镇"]},
    ...                      geometry=[box(400000, 3e6, 400100, 3000200)], crs=4546)
    >>> p = gpd.GeoDataFrame(geometry=[box(400010, 3000010, 400020, 3000020),
    ...                                box(400090, 3000010, 400110, 3000020)], crs=4546)
    >>> a = assign_zones(p, z)
    >>> a["zone_township"].tolist(), a["zone_township_split"].tolist()
    (['西', '西'], [False, True])
    """
    zs = as_zoneset(zones, crs=parcels.crs)
    payload = make_payload(zs, parcels.crs, kinds=_kinds(zs, kinds), densify_m=densify_m, outside=False)
    if _dask.is_dask(parcels):
        return _dask.assign_zones(parcels, payload, dict(zs.suffixes))
    joined = _long(parcels, payload, chunk_size=250_000, progress=progress, threads=threads)
    return assign_columns(parcels, joined, payload, zs.suffixes)


def _by_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def zone_summary(
    parcels: gpd.GeoDataFrame,
    zones: ZoneLike,
    /,
    *,
    by: str | Sequence[str] | None = None,
    kinds: str | Sequence[str] | None = None,
    densify_m: float = 20.0,
    threads: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Count and area of parcels per zone (and per ``by`` value), areas apportioned by share.

    Parameters
    ----------
    parcels : GeoDataFrame or dask_geopandas.GeoDataFrame
    zones : ZoneSet, GeoDataFrame or path
    by : str or sequence of str, optional
        Parcel columns to break down by, e.g. ``"status"`` or ``"categories"`` (a parcel with
        several categories counts under each, so totals over categories can exceed the total).
    kinds : str or sequence of str, optional
        Zone kinds to summarise (default all).
    densify_m, threads, progress
        As for :func:`join_zones`.

    Returns
    -------
    DataFrame
        Columns ``kind``, ``zone_id``, ``zone_name``, the ``by`` columns, ``parcels`` (parcels
        touching the zone), ``parcels_share`` (sum of shares), ``area_m2``, ``area_mu`` (亩) and
        ``area_ha`` (公顷). Each kind ends with a ``区外`` row (zone_id missing) for the parts of
        parcels outside all its zones, so ``area_m2`` over a kind sums to the parcels' total area.
        Chinese headers: :data:`SUMMARY_LABELS`. Always computed (also for dask input).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> z = gpd.GeoDataFrame({"zone_id": ["w"], "name": ["西"], "kind": ["乡镇"]},
    ...                      geometry=[box(400000, 3e6, 400100, 3000200)], crs=4546)
    >>> p = gpd.GeoDataFrame(geometry=[box(400050, 3000050, 400150, 3000100)], crs=4546)
    >>> s = zone_summary(p, z)
    >>> s["zone_name"].tolist(), s["parcels_share"].round(6).tolist()
    (['西', '区外'], [0.5, 0.5])
    """
    cols = _by_columns(by)
    payload = _prepare(parcels, zones, kinds, densify_m)
    if _dask.is_dask(parcels):
        partials = _dask.partial_summaries(parcels, payload, cols)
    else:
        joined = _long(parcels, payload, chunk_size=250_000, progress=progress, threads=threads)
        partials = partial_summary(parcels, joined, cols)
    return finish_summary(partials, payload, cols)

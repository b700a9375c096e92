"""The dask path: the same join, partition by partition, with the zones broadcast.

Parcels arrive as a ``dask_geopandas.GeoDataFrame``; the prepared zones travel to the workers as
one pickled :class:`~landkit.zones._overlap.Payload` (WKB, no live GEOS objects) and every task
builds and prepares its own copy, so threads never share prepared geometries. Each partition
runs exactly the in-memory code, so results equal the in-memory path (the long table's index is
per partition; sums of summaries may differ in the last floating-point bits).

dask is imported lazily: ``import landkit`` does not need it. Warnings from workers are logged
(they cannot reach the caller).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import DependencyError
from ._overlap import Payload, long_table, overlaps, report
from ._tables import assign_columns, partial_summary

__all__ = ["assign_zones", "is_dask", "join_zones", "partial_summaries"]


def is_dask(obj: object) -> bool:
    """True for a dask (geo)dataframe, checked without importing dask."""
    return type(obj).__module__.split(".")[0] in ("dask_geopandas", "dask", "dask_expr")


def _require() -> None:
    try:
        import dask  # noqa: F401
        import dask_geopandas  # noqa: F401
    except ImportError as exc:
        raise DependencyError(
            "the dask path needs dask-geopandas and distributed: pip install 'landkit[dask]'"
        ) from exc


def _join_partition(part: gpd.GeoDataFrame, blob: bytes, outside: bool) -> pd.DataFrame:
    payload: Payload = pickle.loads(blob)
    result = overlaps(part.geometry, payload)
    report(result, part.index, warn=False)
    out = long_table(result, part.index, payload)
    return out if outside else out[out["zone_id"].notna()]


def join_zones(ddf: Any, payload: Payload, *, outside: bool) -> Any:
    """Lazy long table (a dask DataFrame) for dask parcels."""
    _require()
    blob = payload.dumps()
    meta = _join_partition(ddf._meta, blob, outside)
    return ddf.map_partitions(_join_partition, blob, outside, meta=meta)


def _assign_partition(part: gpd.GeoDataFrame, blob: bytes, suffixes: Mapping[str, str]) -> gpd.GeoDataFrame:
    payload: Payload = pickle.loads(blob)
    return assign_columns(part, _join_partition(part, blob, True), payload, suffixes)


def assign_zones(ddf: Any, payload: Payload, suffixes: Mapping[str, str]) -> Any:
    """Lazy dask_geopandas GeoDataFrame with the assignment columns."""
    _require()
    blob = payload.dumps()
    meta = _assign_partition(ddf._meta, blob, suffixes)
    return ddf.map_partitions(_assign_partition, blob, suffixes, meta=meta)


def _summary_partition(part: gpd.GeoDataFrame, blob: bytes, by: list[str]) -> pd.DataFrame:
    return partial_summary(part, _join_partition(part, blob, True), by)


def partial_summaries(ddf: Any, payload: Payload, by: list[str]) -> pd.DataFrame:
    """Compute per-partition summary sums and stack them (small: one row per zone and group)."""
    _require()
    import dask

    blob = payload.dumps()
    tasks = [dask.delayed(_summary_partition)(part, blob, by) for part in ddf.to_delayed()]
    parts = dask.compute(*tasks)
    return pd.concat(parts, ignore_index=True)

"""What a ledger backend must do, and the pieces both backends share.

A backend stores two tables: ``ledger_snapshots`` (one row per recorded version of a
register: ``as_of``, ``version``, ``source``, ``note``, ``recorded_at`` …) and
``ledger_parcels`` (the parcels of every snapshot, keyed by ``snapshot_id`` and ``seq``).
Rows are only ever inserted: no backend method updates or deletes a snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd
import pyproj

from ._prepare import CORE_COLUMNS, PreparedSnapshot

__all__ = ["SNAPSHOT_COLUMNS", "CRSChangedError", "Store", "check_columns", "redact_url", "snapshot_meta"]

#: Columns of the snapshot catalogue returned by :meth:`Store.snapshots`.
SNAPSHOT_COLUMNS: tuple[str, ...] = (
    "snapshot_id",
    "as_of",
    "version",
    "source",
    "note",
    "recorded_at",
    "n_parcels",
    "area_m2",
    "extra_kinds",
)


class CRSChangedError(Exception):
    """Internal: another writer set the ledger CRS between preparing and writing."""


class Store(Protocol):
    """The storage operations :class:`~landkit.ledger.Ledger` relies on."""

    def crs(self) -> pyproj.CRS | None:
        """The ledger CRS, or None before the first snapshot."""
        ...

    def snapshots(self) -> pd.DataFrame:
        """Every stored snapshot version, as a frame with :data:`SNAPSHOT_COLUMNS`."""
        ...

    def insert(
        self, prepared: PreparedSnapshot, /, *, as_of: dt.date, source: str, note: str | None, revise: bool
    ) -> int:
        """Store one snapshot in one transaction and return its ``snapshot_id``.

        Raises ``SnapshotExistsError`` when ``as_of`` exists and ``revise`` is False, and
        :class:`CRSChangedError` when the ledger CRS no longer matches ``prepared.crs``.
        """
        ...

    def read_rows(self, snapshot_ids: Sequence[int], /, *, columns: Sequence[str]) -> pd.DataFrame:
        """Stored parcel columns (plus ``snapshot_id`` and ``seq``) of the given snapshots."""
        ...

    def read_columns(self, snapshot_ids: Sequence[int], /) -> list[bytes]:
        """The columnar copies (``core_npz``) of the given snapshots, in the given order."""
        ...

    def read_snapshot(self, snapshot_id: int, /) -> tuple[pd.DataFrame, np.ndarray]:
        """All columns of one snapshot in recorded order, and its geometries (shapely array)."""
        ...


def snapshot_meta(prepared: PreparedSnapshot) -> dict[str, object]:
    """Summary values stored beside a snapshot."""
    import json

    from ._columns import encode

    return {
        "core_npz": encode(prepared.rows),
        "n_parcels": len(prepared.rows),
        "area_m2": float(np.nansum(prepared.rows["area_m2"].to_numpy(dtype=float))),
        "extra_kinds": json.dumps(prepared.extra_kinds, ensure_ascii=False),
    }


def redact_url(url: str, /) -> str:
    """Hide every secret of a database URL or ``key=value`` string (for logs and reprs).

    See :func:`landkit.ledger._dsn.redact_dsn`.

    Examples
    --------
    >>> redact_url("postgresql://bureau@db.local:5432/land?password=s3cret")
    'postgresql://bureau@db.local:5432/land?password=***'
    """
    from ._dsn import redact_dsn

    return redact_dsn(url)


def check_columns(columns: Sequence[str]) -> list[str]:
    """Refuse column names that are not stored parcel columns (guards the SQL builders)."""
    allowed = {*CORE_COLUMNS, "snapshot_id", "seq"}
    bad = [c for c in columns if c not in allowed]
    if bad:
        raise ValueError(f"unknown ledger column(s): {', '.join(bad)}")
    return list(columns)

"""A compact columnar copy of a snapshot's core fields, stored beside it for fast progress.

Progress reads a dozen snapshots of 100k parcels; fetching 1.2M rows through a database
driver costs seconds, while decoding a few numpy arrays costs milliseconds. So each snapshot
row in ``ledger_snapshots`` also carries ``core_npz``: an ``.npz`` (no pickle) holding, for
every text field, integer codes plus the distinct values (UTF-8 JSON), and the float fields
as they are. The parcel table stays the reference; this copy is written in the same
transaction and never changes afterwards.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FLOAT_FIELDS", "TEXT_FIELDS", "Columns", "decode", "encode", "stack"]

#: Text fields kept in the columnar copy.
TEXT_FIELDS: tuple[str, ...] = (
    "parcel_id",
    "status",
    "categories",
    "responsible_unit",
    "township",
    "previous_ids",
)
#: Float fields kept in the columnar copy.
FLOAT_FIELDS: tuple[str, ...] = ("area_m2", "rep_x", "rep_y")


@dataclass(frozen=True)
class Columns:
    """Core fields of one or more snapshots: text as (codes, uniques), floats as arrays.

    ``codes[name][i]`` indexes ``uniques[name]``; -1 marks a missing value. ``snapshot``
    holds, per row, the position of its snapshot in the stacked order.
    """

    codes: dict[str, np.ndarray]
    uniques: dict[str, np.ndarray]
    floats: dict[str, np.ndarray]
    snapshot: np.ndarray

    def __len__(self) -> int:
        return len(self.snapshot)

    def text(self, name: str) -> np.ndarray:
        """Decoded values of a text field (object array, None where missing)."""
        u = np.empty(len(self.uniques[name]) + 1, dtype=object)
        u[:-1] = self.uniques[name]
        return u[self.codes[name]]  # code -1 picks the trailing None


def encode(rows: pd.DataFrame, /) -> bytes:
    """Encode the core fields of prepared rows as ``.npz`` bytes."""
    arrays: dict[str, np.ndarray] = {}
    for name in TEXT_FIELDS:
        codes, uniques = pd.factorize(
            pd.Series(rows[name].to_numpy(dtype=object), dtype=object), use_na_sentinel=True
        )
        arrays[f"{name}__codes"] = codes.astype(np.int32)
        blob = json.dumps([str(u) for u in uniques], ensure_ascii=False).encode("utf-8")
        arrays[f"{name}__uniques"] = np.frombuffer(blob, dtype=np.uint8)
    for name in FLOAT_FIELDS:
        arrays[name] = rows[name].to_numpy(dtype=np.float64)
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def decode(blob: bytes, /) -> Columns:
    """Inverse of :func:`encode` for one snapshot."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        codes = {n: npz[f"{n}__codes"] for n in TEXT_FIELDS}
        uniques = {
            n: np.array(json.loads(npz[f"{n}__uniques"].tobytes().decode("utf-8")), dtype=object)
            for n in TEXT_FIELDS
        }
        floats = {n: npz[n] for n in FLOAT_FIELDS}
    n = len(codes["parcel_id"])
    return Columns(codes, uniques, floats, np.zeros(n, dtype=np.int32))


def stack(parts: list[Columns], /) -> Columns:
    """Concatenate snapshots, re-coding each text field against the union of its values."""
    codes: dict[str, np.ndarray] = {}
    uniques: dict[str, np.ndarray] = {}
    for name in TEXT_FIELDS:
        all_u = np.concatenate([p.uniques[name] for p in parts]) if parts else np.array([], dtype=object)
        glob_codes, glob_u = pd.factorize(pd.Series(all_u, dtype=object))
        out, offset = [], 0
        for p in parts:
            local = glob_codes[offset : offset + len(p.uniques[name])]
            offset += len(p.uniques[name])
            mapped = np.append(local, -1)[p.codes[name]]  # -1 stays -1
            out.append(mapped)
        codes[name] = np.concatenate(out).astype(np.int64) if out else np.array([], dtype=np.int64)
        uniques[name] = np.asarray(glob_u, dtype=object)
    floats = {
        n: np.concatenate([p.floats[n] for p in parts]) if parts else np.array([], dtype=float)
        for n in FLOAT_FIELDS
    }
    snapshot = (
        np.concatenate([np.full(len(p), i, dtype=np.int32) for i, p in enumerate(parts)])
        if parts
        else np.array([], dtype=np.int32)
    )
    return Columns(codes, uniques, floats, snapshot)

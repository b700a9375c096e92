"""GeoPackage ledger backend: one SQLite file, a transaction per snapshot.

The file is a valid GeoPackage (QGIS and ``pyogrio.read_dataframe(path, layer="ledger_parcels")``
open it): ``ledger_parcels`` is a feature table holding the parcels of every snapshot,
``ledger_snapshots`` an attribute table with one row per recorded version. Writes use
``BEGIN IMMEDIATE`` so concurrent writers queue on SQLite's lock, and SQLite's rollback
journal guarantees that a writer killed mid-way leaves the file as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely

from ..errors import LedgerError, SnapshotExistsError
from ._prepare import CORE_COLUMNS, PreparedSnapshot
from ._store import SNAPSHOT_COLUMNS, CRSChangedError, check_columns, snapshot_meta

__all__ = ["GpkgStore"]

log = logging.getLogger(__name__)

_BUSY_TIMEOUT_S = 120.0
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG",'
    '"7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["de'
    'gree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude"'
    ',EAST],AUTHORITY["EPSG","4326"]]'
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '@WGS84@',
   'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_snapshots (
  snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT, as_of DATE NOT NULL, version INTEGER NOT NULL,
  source TEXT NOT NULL, note TEXT, recorded_at DATETIME NOT NULL, n_parcels INTEGER NOT NULL,
  area_m2 DOUBLE NOT NULL, extra_kinds TEXT NOT NULL, core_npz BLOB NOT NULL, UNIQUE (as_of, version));
CREATE TABLE IF NOT EXISTS ledger_parcels (
  fid INTEGER PRIMARY KEY AUTOINCREMENT,
  snapshot_id INTEGER NOT NULL REFERENCES ledger_snapshots(snapshot_id), seq INTEGER NOT NULL,
  parcel_id TEXT NOT NULL, status TEXT, categories TEXT, responsible_unit TEXT, township TEXT,
  disposal_method TEXT, previous_ids TEXT, name TEXT, area_m2 DOUBLE, rep_x DOUBLE, rep_y DOUBLE,
  attrs TEXT, geom GEOMETRY, UNIQUE (snapshot_id, seq));
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES ('ledger_snapshots', 'attributes', 'ledger_snapshots', 'landkit ledger: snapshot catalogue', NULL);
INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES ('ledger_parcels', 'features', 'ledger_parcels', 'landkit ledger: parcels of every snapshot', 0);
INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('ledger_parcels', 'geom', 'GEOMETRY', 0, 0, 0);
INSERT OR IGNORE INTO ledger_meta VALUES ('format', 'landkit-ledger-1');
""".replace("@WGS84@", _WGS84_WKT)

_INSERT_PARCELS = (
    "INSERT INTO ledger_parcels (snapshot_id, seq, "
    + ", ".join(CORE_COLUMNS)
    + ", geom) VALUES (?, ?, "
    + ", ".join("?" for _ in CORE_COLUMNS)
    + ", ?)"
)


def _srs_id(crs: pyproj.CRS) -> tuple[int, str, int]:
    auth = crs.to_authority()
    if auth and auth[0] == "EPSG":
        return int(auth[1]), "EPSG", int(auth[1])
    return 100000, "NONE", 100000


def _gpkg_blob(wkb: Sequence[bytes], srs_id: int) -> list[bytes]:
    header = b"GP\x00\x01" + struct.pack("<i", srs_id)  # version 0, little endian, no envelope
    return [header + w for w in wkb]


def _wkb_from_blob(blob: bytes | None) -> bytes | None:
    if blob is None:
        return None
    flags = blob[3]
    return blob[8 + _ENVELOPE_BYTES[(flags >> 1) & 7] :]


class GpkgStore:
    """Ledger tables in a GeoPackage file (see module docstring)."""

    def __init__(self, path: str | Path, /) -> None:
        self.path = Path(path)
        if self.path.exists() and self._check_format():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.write_transaction() as con:
            con.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
            con.execute("PRAGMA user_version = 10400")
            for stmt in _SCHEMA.split(";\n"):  # not executescript: it would commit the open transaction
                if stmt.strip():
                    con.execute(stmt)

    def __repr__(self) -> str:
        return f"GpkgStore({str(self.path)!r})"

    def _check_format(self) -> bool:
        """True for a landkit ledger, False for an empty database; raise for anything else."""
        with self.read_transaction() as con:
            try:
                tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not tables:
                    return False
                row = None
                if "ledger_meta" in tables:
                    row = con.execute("SELECT value FROM ledger_meta WHERE key = 'format'").fetchone()
            except sqlite3.DatabaseError as exc:
                raise LedgerError(
                    f"{self.path} is not a landkit ledger ({exc}); choose another file"
                ) from exc
        if row is None or not str(row[0]).startswith("landkit-ledger-"):
            raise LedgerError(f"{self.path} is not a landkit ledger; choose another file")
        return True

    def connect(self) -> sqlite3.Connection:
        """A new autocommit connection with the store's busy timeout (the caller closes it)."""
        con = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        return con

    @contextmanager
    def read_transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading, closed on exit (used by the case book and the pipeline too)."""
        con = self.connect()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate (write-locked) transaction, committed on success and rolled back on error."""
        con = self.connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    # -- reading -------------------------------------------------------------------------
    def crs(self) -> pyproj.CRS | None:
        with self.read_transaction() as con:
            row = con.execute("SELECT value FROM ledger_meta WHERE key = 'crs'").fetchone()
        return pyproj.CRS.from_wkt(row[0]) if row else None

    def snapshots(self) -> pd.DataFrame:
        with self.read_transaction() as con:
            cur = con.execute(
                f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM ledger_snapshots ORDER BY as_of, version"
            )
            out = pd.DataFrame(cur.fetchall(), columns=list(SNAPSHOT_COLUMNS))
        return out

    def read_rows(self, snapshot_ids: Sequence[int], /, *, columns: Sequence[str]) -> pd.DataFrame:
        cols = check_columns(["snapshot_id", "seq", *columns])
        ids = [int(i) for i in snapshot_ids]
        if not ids:
            return pd.DataFrame(columns=cols)
        marks = ", ".join("?" for _ in ids)
        query = f"SELECT {', '.join(cols)} FROM ledger_parcels WHERE snapshot_id IN ({marks})"
        query += " ORDER BY snapshot_id, seq"
        with self.read_transaction() as con:
            data = con.execute(query, ids).fetchall()
        return pd.DataFrame(data, columns=cols)

    def read_columns(self, snapshot_ids: Sequence[int], /) -> list[bytes]:
        ids = [int(i) for i in snapshot_ids]
        with self.read_transaction() as con:
            found = dict(
                con.execute(
                    "SELECT snapshot_id, core_npz FROM ledger_snapshots"
                    f" WHERE snapshot_id IN ({', '.join('?' * len(ids))})",
                    ids,
                ).fetchall()
            )
        return [bytes(found[i]) for i in ids]

    def read_snapshot(self, snapshot_id: int, /) -> tuple[pd.DataFrame, np.ndarray]:
        cols = ["seq", *CORE_COLUMNS]
        query = f"SELECT {', '.join(cols)}, geom FROM ledger_parcels WHERE snapshot_id = ? ORDER BY seq"
        with self.read_transaction() as con:
            data = con.execute(query, (int(snapshot_id),)).fetchall()
        frame = pd.DataFrame([r[:-1] for r in data], columns=cols)
        geoms = shapely.from_wkb(np.array([_wkb_from_blob(r[-1]) for r in data], dtype=object))
        return frame, geoms

    # -- writing -------------------------------------------------------------------------
    def insert(
        self, prepared: PreparedSnapshot, /, *, as_of: dt.date, source: str, note: str | None, revise: bool
    ) -> int:
        iso = as_of.isoformat()
        with self.write_transaction() as con:
            stored = con.execute("SELECT value FROM ledger_meta WHERE key = 'crs'").fetchone()
            if stored is not None and not pyproj.CRS.from_wkt(stored[0]).equals(prepared.crs):
                raise CRSChangedError
            srs_id, org, code = _srs_id(prepared.crs)
            if stored is None:
                wkt = prepared.crs.to_wkt()
                con.execute(
                    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                    (prepared.crs.name, srs_id, org, code, prepared.crs.to_wkt("WKT1_GDAL"), ""),
                )
                con.execute(
                    "UPDATE gpkg_contents SET srs_id = ? WHERE table_name = 'ledger_parcels'", (srs_id,)
                )
                con.execute(
                    "UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = 'ledger_parcels'",
                    (srs_id,),
                )
                con.execute("INSERT INTO ledger_meta VALUES ('crs', ?)", (wkt,))
            last = con.execute(
                "SELECT max(version) FROM ledger_snapshots WHERE as_of = ?", (iso,)
            ).fetchone()[0]
            if last is not None and not revise:
                raise SnapshotExistsError(
                    f"a snapshot as of {iso} is already recorded; "
                    "pass revise=True (CLI: --revise) to add a new version"
                )
            meta = snapshot_meta(prepared)
            recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            cur = con.execute(
                "INSERT INTO ledger_snapshots (as_of, version, source, note, recorded_at, n_parcels, area_m2,"
                " extra_kinds, core_npz) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    iso,
                    (last or 0) + 1,
                    source,
                    note,
                    recorded_at,
                    meta["n_parcels"],
                    meta["area_m2"],
                    meta["extra_kinds"],
                    meta["core_npz"],
                ),
            )
            sid = int(cur.lastrowid or 0)
            log.info("writing snapshot %s (%d parcels) to %s", iso, len(prepared.rows), self.path)
            rows = prepared.rows
            columns = [rows[c].astype(object).where(rows[c].notna(), None).tolist() for c in CORE_COLUMNS]
            blobs = _gpkg_blob(prepared.wkb, srs_id)
            con.executemany(
                _INSERT_PARCELS,
                zip([sid] * len(rows), range(len(rows)), *columns, blobs, strict=True),
            )
            if len(rows):
                x0, y0, x1, y1 = shapely.total_bounds(shapely.from_wkb(np.array(prepared.wkb, dtype=object)))
                con.execute(
                    "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?), ?),"
                    " min_y = min(coalesce(min_y, ?), ?),"
                    " max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?),"
                    " last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = 'ledger_parcels'",
                    (x0, x0, y0, y0, x1, x1, y1, y1),
                )
        return sid

"""The case-book tables, kept in the ledger's store (GeoPackage file or PostGIS schema).

The ledger backends (:mod:`landkit.ledger._gpkg`, :mod:`landkit.ledger._postgis`) own the file or
schema, its format check, its connections and its write lock; this module adds two tables to the same
store and runs every write inside the store's own write transaction (``BEGIN IMMEDIATE`` on SQLite,
the ledger's advisory lock on PostGIS). So concurrent writers queue, and a writer killed mid-way
leaves nothing behind (rollback journal / server-side rollback).

Rows are append-only: triggers refuse ``UPDATE`` and ``DELETE`` on both tables, and a correction is a
new event whose ``supersedes`` names the old one (``UNIQUE``: an event is superseded at most once).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

__all__ = ["CASE_COLUMNS", "EVENT_COLUMNS", "CaseTables", "open_tables"]

CASE_COLUMNS = (
    "case_id",
    "parcel_id",
    "route",
    "route_label",
    "lead",
    "opened",
    "area_m2",
    "plan",
    "catalogue",
    "note",
    "recorded_at",
)
EVENT_COLUMNS = (
    "event_id",
    "case_id",
    "event",
    "date",
    "doc_no",
    "department",
    "note",
    "supersedes",
    "recorded_at",
)

_SQLITE_DDL = [
    """CREATE TABLE IF NOT EXISTS case_cases (
      case_id INTEGER PRIMARY KEY AUTOINCREMENT, parcel_id TEXT NOT NULL, route TEXT NOT NULL,
      route_label TEXT NOT NULL, lead TEXT NOT NULL, opened DATE NOT NULL, area_m2 DOUBLE, plan TEXT NOT NULL,
      catalogue TEXT NOT NULL, note TEXT, recorded_at DATETIME NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS case_events (
      event_id INTEGER PRIMARY KEY AUTOINCREMENT, case_id INTEGER NOT NULL REFERENCES case_cases(case_id),
      event TEXT NOT NULL, date DATE NOT NULL, doc_no TEXT, department TEXT, note TEXT,
      supersedes INTEGER UNIQUE REFERENCES case_events(event_id), recorded_at DATETIME NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS case_events_case ON case_events (case_id)",
    "CREATE INDEX IF NOT EXISTS case_cases_parcel ON case_cases (parcel_id)",
    *[
        f"""CREATE TRIGGER IF NOT EXISTS {t}_no_{op.lower()} BEFORE {op} ON {t}
        BEGIN SELECT RAISE(ABORT, 'landkit case book is append-only: add a superseding event instead'); END"""
        for t in ("case_cases", "case_events")
        for op in ("UPDATE", "DELETE")
    ],
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
    " VALUES ('case_cases', 'attributes', 'case_cases', 'landkit case book: cases', NULL)",
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
    " VALUES ('case_events', 'attributes', 'case_events', 'landkit case book: events (append-only)', NULL)",
]

_PG_DDL = [
    """CREATE TABLE IF NOT EXISTS {t}.case_cases (
      case_id serial PRIMARY KEY, parcel_id text NOT NULL, route text NOT NULL, route_label text NOT NULL,
      lead text NOT NULL, opened date NOT NULL, area_m2 double precision, plan text NOT NULL,
      catalogue text NOT NULL, note text, recorded_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS {t}.case_events (
      event_id serial PRIMARY KEY, case_id integer NOT NULL REFERENCES {t}.case_cases (case_id),
      event text NOT NULL, date date NOT NULL, doc_no text, department text, note text,
      supersedes integer UNIQUE REFERENCES {t}.case_events (event_id), recorded_at timestamptz NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS case_events_case ON {t}.case_events (case_id)",
    """CREATE OR REPLACE FUNCTION {t}.case_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'landkit case book is append-only: add a superseding event instead'; END $$""",
    "DROP TRIGGER IF EXISTS case_cases_append_only ON {t}.case_cases",
    """CREATE TRIGGER case_cases_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {t}.case_cases
      FOR EACH STATEMENT EXECUTE FUNCTION {t}.case_append_only()""",
    "DROP TRIGGER IF EXISTS case_events_append_only ON {t}.case_events",
    """CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {t}.case_events
      FOR EACH STATEMENT EXECUTE FUNCTION {t}.case_append_only()""",
]


class CaseTables:
    """SQL on the case tables of one store; ``?`` placeholders and ``{t}.`` table prefixes throughout."""

    def __init__(self, store: Any, *, postgis: bool) -> None:
        self._store = store
        self.postgis = postgis
        if postgis:
            from psycopg import sql

            self._sql = sql
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", store.schema):
                raise ValueError(f"schema name {store.schema!r} is not a plain identifier")
        with self.write() as tx:
            exists = (
                tx.rows(
                    "SELECT count(*) FROM information_schema.tables"
                    " WHERE table_schema = ? AND table_name = 'case_events'",
                    (store.schema,),
                )
                if postgis
                else tx.rows("SELECT count(*) FROM sqlite_master WHERE name = 'case_events'")
            )
            if not exists[0][0]:
                for stmt in _PG_DDL if postgis else _SQLITE_DDL:
                    tx.execute(stmt)

    def _text(self, query: str) -> Any:
        if not self.postgis:
            return query.replace("{t}.", "")
        return self._sql.SQL(query.replace("?", "%s")).format(t=self._sql.Identifier(self._store.schema))

    @contextmanager
    def write(self) -> Iterator[_Tx]:
        """One write transaction under the store's lock (committed on exit, rolled back on error)."""
        with self._store.write_transaction() as con:  # the ledger store's own transaction and lock
            yield _Tx(con, self)

    def read(self, query: str, params: Sequence[Any] = (), /) -> list[tuple[Any, ...]]:
        """Rows of one read-only query."""
        if self.postgis:
            with self._store.connect() as con:
                return list(con.execute(self._text(query), tuple(params)).fetchall())
        with self._store.read_transaction() as con:
            return list(con.execute(self._text(query), tuple(params)).fetchall())

    def frame(self, table: str, columns: Sequence[str], /, *, steps_only: bool = False) -> pd.DataFrame:
        """A whole table as a DataFrame (``table`` is one of the two case tables).

        ``steps_only`` leaves out the ``note`` events that supersede nothing (they never change a
        case's state), which is most of a busy book.
        """
        if table not in ("case_cases", "case_events") or not set(columns) <= {*CASE_COLUMNS, *EVENT_COLUMNS}:
            raise ValueError(f"{table}: {columns}")
        key = "case_id" if table == "case_cases" else "event_id"
        where = " WHERE event <> 'note' OR supersedes IS NOT NULL" if steps_only else ""
        rows = self.read(f"SELECT {', '.join(columns)} FROM {{t}}.{table}{where} ORDER BY {key}")
        return pd.DataFrame(rows, columns=list(columns))


class _Tx:
    """A statement runner inside :meth:`CaseTables.write`."""

    def __init__(self, con: Any, tables: CaseTables) -> None:
        self._con = con
        self._tables = tables

    def execute(self, query: str, params: Sequence[Any] = ()) -> None:
        self._con.execute(self._tables._text(query), tuple(params))

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self._con.execute(self._tables._text(query), tuple(params)).fetchall())

    def insert(self, query: str, params: Sequence[Any]) -> int:
        """Run an ``INSERT … RETURNING <id>`` and return the id."""
        return int(self.rows(query, params)[0][0])

    def insert_many(self, query: str, params: Sequence[Sequence[Any]]) -> None:
        if self._tables.postgis:
            self._con.executemany(self._tables._text(query), [tuple(p) for p in params])
        else:
            self._con.executemany(self._tables._text(query), params)


def open_tables(location: str, /, *, schema: str = "public") -> tuple[CaseTables, str]:
    """The case tables in the ledger store at ``location`` (``.gpkg`` path or PostgreSQL URL)."""
    from ..ledger import Ledger

    ledger = Ledger(location, schema=schema)  # creates or checks the store exactly as the ledger does
    store = ledger._store
    return CaseTables(store, postgis=ledger.backend == "postgis"), repr(ledger)

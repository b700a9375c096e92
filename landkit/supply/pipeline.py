"""The 二次招商 pipeline: append-only lead events stored beside the ledger (same GeoPackage or schema).

Stages: 推介 → 意向登记 → 看地 → 洽谈 → 签约 → 供地/入驻, and 放弃 (with a reason). The events table
refuses UPDATE and DELETE in the database itself (triggers), so history can only grow.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import ConfigError
from .demands import closest

__all__ = ["EVENT_COLUMNS", "STAGES", "Pipeline", "stage_key"]

#: Stages in order → Chinese labels (``dropped`` closes a lead at any stage).
STAGES: dict[str, str] = {
    "pitched": "推介",
    "registered": "意向登记",
    "site_visit": "看地",
    "negotiation": "洽谈",
    "signed": "签约",
    "delivered": "供地/入驻",
    "dropped": "放弃",
}
_BY_LABEL = {v: k for k, v in STAGES.items()} | {"供地": "delivered", "入驻": "delivered"}
CLOSED = ("delivered", "dropped")

#: Columns of :meth:`Pipeline.events`.
EVENT_COLUMNS = (
    "event_id",
    "offer_id",
    "lead",
    "stage",
    "date",
    "note",
    "industry",
    "source_firm",
    "recorded_at",
)

_GPKG_DDL = [
    """CREATE TABLE IF NOT EXISTS supply_pipeline (event_id INTEGER PRIMARY KEY AUTOINCREMENT,
       offer_id TEXT NOT NULL, lead TEXT NOT NULL, stage TEXT NOT NULL, date DATE NOT NULL, note TEXT,
       industry TEXT, source_firm TEXT, recorded_at DATETIME NOT NULL)""",
    """CREATE TRIGGER IF NOT EXISTS supply_pipeline_no_update BEFORE UPDATE ON supply_pipeline
       BEGIN SELECT RAISE(ABORT, 'supply_pipeline is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS supply_pipeline_no_delete BEFORE DELETE ON supply_pipeline
       BEGIN SELECT RAISE(ABORT, 'supply_pipeline is append-only'); END""",
    """INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
       VALUES ('supply_pipeline', 'attributes', 'supply_pipeline', '二次招商 pipeline', NULL)""",
]
_PG_DDL = [
    """CREATE TABLE IF NOT EXISTS {schema}.supply_pipeline (event_id serial PRIMARY KEY,
       offer_id text NOT NULL, lead text NOT NULL, stage text NOT NULL, date date NOT NULL, note text,
       industry text, source_firm text, recorded_at timestamptz NOT NULL)""",
    """CREATE OR REPLACE FUNCTION {schema}.supply_pipeline_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'supply_pipeline is append-only'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS supply_pipeline_append_only ON {schema}.supply_pipeline",
    """CREATE TRIGGER supply_pipeline_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
       ON {schema}.supply_pipeline FOR EACH STATEMENT
       EXECUTE FUNCTION {schema}.supply_pipeline_append_only()""",
]
_COLS = EVENT_COLUMNS[1:]


def stage_key(stage: str, /) -> str:
    """Canonical stage key from a key or Chinese label; unknown → :class:`ConfigError` naming the closest.

    Examples
    --------
    >>> stage_key("看地"), stage_key("signed")
    ('site_visit', 'signed')
    """
    s = str(stage).strip()
    if s in STAGES:
        return s
    if s in _BY_LABEL:
        return _BY_LABEL[s]
    raise ConfigError(
        f"unknown stage {s!r}{closest(s, [*STAGES.values(), *STAGES])}; use {' → '.join(STAGES.values())}"
    )


class Pipeline:
    """二次招商 lead events in the ledger's store: a ``.gpkg`` file or a PostGIS URL (``schema=``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = Pipeline(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> p.add("431281003002GB00017", "需求D01", "推介", "2024-03-01")
    1
    >>> p.add("431281003002GB00017", "需求D01", "看地", "2024-03-20", note="带投资方现场踏勘")
    2
    >>> p.events()["stage"].tolist()
    ['pitched', 'site_visit']
    """

    def __init__(self, location: str | os.PathLike[str], /, *, schema: str = "public") -> None:
        self.backend, self._store, shown = open_store(location, schema)
        self._repr = shown.replace("Ledger(", "Pipeline(", 1)
        run_ddl(self.backend, self._store, _GPKG_DDL, _PG_DDL)

    def __repr__(self) -> str:
        return self._repr

    def events(self) -> pd.DataFrame:
        """Every event in the order recorded (``date`` as datetime64)."""
        rows = select(self.backend, self._store, "supply_pipeline", EVENT_COLUMNS, "event_id")
        out = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
        out["date"] = pd.to_datetime(out["date"].astype(str) if len(out) else out["date"])
        out["recorded_at"] = [
            v.astimezone(dt.UTC).isoformat(timespec="seconds") if isinstance(v, dt.datetime) else str(v)
            for v in out["recorded_at"]
        ]
        return out

    def add(
        self,
        offer_id: str,
        demand_or_investor: str,
        stage: str,
        date: str | dt.date,
        /,
        *,
        note: str | None = None,
        industry: str | None = None,
        source_firm: str | None = None,
    ) -> int:
        """Append one event and return its id; nothing is ever updated or deleted.

        Raises
        ------
        ConfigError
            Unknown stage (closest named), a date after today, 放弃 without a reason, or an event on
            a lead already closed (签约后供地/入驻 or 放弃).
        """
        key = stage_key(stage)
        day = pd.Timestamp(date).date()
        if day > dt.date.today():
            raise ConfigError(f"event date {day} is in the future; record events when they happen")
        if key == "dropped" and not (note and note.strip()):
            raise ConfigError("放弃 needs a reason: pass note='…'")
        if not str(offer_id).strip() or not str(demand_or_investor).strip():
            raise ConfigError("an event needs an offer id and a demand or investor")
        past = self.events()
        mine = past[(past["offer_id"] == offer_id) & (past["lead"] == demand_or_investor)]
        if mine["stage"].isin(CLOSED).any():
            raise ConfigError(
                f"lead {demand_or_investor} on {offer_id} is closed; start a new lead to reopen it"
            )
        row = (
            str(offer_id),
            str(demand_or_investor),
            key,
            day.isoformat(),
            note,
            industry,
            source_firm,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        insert(self.backend, self._store, "supply_pipeline", _COLS, [row])
        ev = self.events()
        mine = ev[(ev["offer_id"] == row[0]) & (ev["lead"] == row[1]) & (ev["recorded_at"] == row[-1])]
        return int(mine["event_id"].max())


def open_store(location: str | os.PathLike[str], schema: str) -> tuple[str, Any, str]:
    """(backend, ledger store, repr) of the ledger at ``location`` (created when missing)."""
    from ..ledger import Ledger

    ledger = Ledger(location, schema=schema)
    return ledger.backend, ledger._store, repr(ledger)


def run_ddl(backend: str, store: Any, gpkg: Sequence[str], pg: Sequence[str]) -> None:
    """Create tables/triggers in the store (idempotent statements)."""
    if backend == "gpkg":
        with store.write_transaction() as con:
            for stmt in gpkg:
                con.execute(stmt)
    else:
        with store.write_transaction() as cur:
            for stmt in pg:
                cur.execute(store.sql(stmt))


def select(backend: str, store: Any, table: str, columns: Sequence[str], order: str) -> list[tuple[Any, ...]]:
    """All rows of ``table`` (a constant name, never user input)."""
    query = f"SELECT {', '.join(columns)} FROM {{t}} ORDER BY {order}"
    if backend == "gpkg":
        with store.read_transaction() as con:
            return list(con.execute(query.format(t=table)).fetchall())
    with store.connect() as con:
        return list(con.execute(store.sql(query.format(t="{schema}." + table))).fetchall())


def insert(
    backend: str, store: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows into ``table`` (a constant name) in one transaction, parameterised."""
    if backend == "gpkg":
        marks = ", ".join("?" for _ in columns)
        with store.write_transaction() as con:
            con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    marks = ", ".join("%s" for _ in columns)
    with store.write_transaction() as cur:
        cur.executemany(
            store.sql(f"INSERT INTO {{schema}}.{table} ({', '.join(columns)}) VALUES ({marks})"), rows
        )

"""闲置厂房清零: snapshots of unit vacancy in the ledger's store, and clear-down progress that reconciles.

The 2024 target "园区闲置低效用地清零" applies to idle standard-factory floor space too. Each
:meth:`SpaceLedger.record` appends the state of every unit on a date (``supply_unit_snapshots``; the
database refuses UPDATE and DELETE); :meth:`SpaceLedger.progress` counts, between a baseline and a
date, 基期 + 新增 = 未清零 + 已清零 + 消失待核实 in units and m².
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from ..errors import ConfigError, SnapshotExistsError
from .pipeline import insert, open_store, run_ddl, select
from .vacancy import unit_state

__all__ = ["SpaceLedger"]

_COLS = ("as_of", "unit_id", "park", "building", "state", "floor_area_m2", "recorded_at")
_GPKG = [
    """CREATE TABLE IF NOT EXISTS supply_unit_snapshots (as_of DATE NOT NULL, unit_id TEXT NOT NULL,
       park TEXT, building TEXT, state TEXT NOT NULL, floor_area_m2 DOUBLE, recorded_at DATETIME NOT NULL,
       PRIMARY KEY (as_of, unit_id))""",
    """CREATE TRIGGER IF NOT EXISTS supply_unit_snapshots_no_update BEFORE UPDATE ON supply_unit_snapshots
       BEGIN SELECT RAISE(ABORT, 'supply_unit_snapshots is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS supply_unit_snapshots_no_delete BEFORE DELETE ON supply_unit_snapshots
       BEGIN SELECT RAISE(ABORT, 'supply_unit_snapshots is append-only'); END""",
]
_PG = [
    """CREATE TABLE IF NOT EXISTS {schema}.supply_unit_snapshots (as_of date NOT NULL, unit_id text NOT NULL,
       park text, building text, state text NOT NULL, floor_area_m2 double precision,
       recorded_at timestamptz NOT NULL, PRIMARY KEY (as_of, unit_id))""",
    """CREATE OR REPLACE FUNCTION {schema}.supply_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS supply_unit_snapshots_append_only ON {schema}.supply_unit_snapshots",
    """CREATE TRIGGER supply_unit_snapshots_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
       ON {schema}.supply_unit_snapshots FOR EACH STATEMENT EXECUTE FUNCTION {schema}.supply_append_only()""",
]


class SpaceLedger:
    """Vacancy snapshots of factory units in a ledger store (``.gpkg`` file or PostGIS URL).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> u = pd.DataFrame({"unit_id": ["a", "b"], "park": "P", "building": "1#",
    ...                   "floor_area_m2": [500.0, 800.0], "tenant": [None, None],
    ...                   "vacant_since": pd.NaT, "lease_end": pd.NaT, "move_in_date": pd.NaT})
    >>> led = SpaceLedger(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> led.record(u, as_of="2023-12-31")
    2
    >>> _ = led.record(u.assign(tenant=["甲", None]), as_of="2024-12-31")
    >>> led.progress(baseline="2023-12-31", as_of="2024-12-31")["units"].tolist()
    [2, 0, 1, 1, 0]
    """

    def __init__(self, location: str | os.PathLike[str], /, *, schema: str = "public") -> None:
        self.backend, self._store, shown = open_store(location, schema)
        self._repr = shown.replace("Ledger(", "SpaceLedger(", 1)
        run_ddl(self.backend, self._store, _GPKG, _PG)

    def __repr__(self) -> str:
        return self._repr

    def snapshots(self) -> pd.DataFrame:
        """Every stored unit state (``as_of`` as datetime64)."""
        rows = select(self.backend, self._store, "supply_unit_snapshots", _COLS, "as_of, unit_id")
        out = pd.DataFrame(rows, columns=list(_COLS))
        out["as_of"] = pd.to_datetime(out["as_of"].astype(str)) if len(out) else pd.to_datetime(out["as_of"])
        return out

    def record(self, units: pd.DataFrame, /, *, as_of: str | dt.date) -> int:
        """Append the state of every unit on ``as_of``; return how many units were stored.

        Raises
        ------
        ConfigError
            An empty register, an ``as_of`` after today, or units without an id.
        SnapshotExistsError
            When ``as_of`` is already recorded (snapshots are never replaced).
        """
        day = pd.Timestamp(as_of).date()
        if day > dt.date.today():
            raise ConfigError(
                f"as_of {day} is in the future; record the register as it stands today or earlier"
            )
        if units.empty:
            raise ConfigError("the unit register is empty; nothing to record")
        if units["unit_id"].isna().any() or units["unit_id"].duplicated().any():
            raise ConfigError("every unit needs its own unit_id to be recorded")
        if (self.snapshots()["as_of"] == pd.Timestamp(day)).any():
            raise SnapshotExistsError(f"units on {day} are already recorded; snapshots are never replaced")
        state = unit_state(units, as_of=day)["state"]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        area = pd.to_numeric(units["floor_area_m2"], errors="coerce")
        rows = [
            (
                day.isoformat(),
                str(u),
                None if pd.isna(p) else str(p),
                None if pd.isna(b) else str(b),
                s,
                None if pd.isna(a) else float(a),
                now,
            )
            for u, p, b, s, a in zip(
                units["unit_id"],
                units.get("park", pd.Series(None, index=units.index)),
                units["building"],
                state,
                area,
                strict=True,
            )
        ]
        insert(self.backend, self._store, "supply_unit_snapshots", _COLS, rows)
        return len(rows)

    def progress(self, *, baseline: str | dt.date, as_of: str | dt.date) -> pd.DataFrame:
        """Clear-down of vacant units from ``baseline`` to the latest snapshot on or before ``as_of``.

        基期 = vacant at the baseline; 新增 = vacant in a later snapshot but not at the baseline;
        未清零 = of those, vacant on the last snapshot; 已清零 = let (occupied or lease to confirm);
        消失待核实 = missing from the last snapshot. Rows carry ``units`` and ``floor_area_m2`` (area as
        first recorded vacant); the identity 基期 + 新增 = 未清零 + 已清零 + 消失待核实 always holds.
        """
        snaps = self.snapshots()
        base, end = pd.Timestamp(baseline), pd.Timestamp(as_of)
        if not (snaps["as_of"] == base).any():
            raise ConfigError(
                f"no unit snapshot on the baseline {base.date()}; recorded: "
                f"{', '.join(sorted({str(d.date()) for d in snaps['as_of']}))}"
            )
        window = snaps[(snaps["as_of"] >= base) & (snaps["as_of"] <= end)]
        last = window[window["as_of"] == window["as_of"].max()].set_index("unit_id")
        vacant = window[window["state"] == "vacant"].sort_values("as_of").drop_duplicates("unit_id")
        area = vacant.set_index("unit_id")["floor_area_m2"]
        at_base = set(vacant.loc[vacant["as_of"] == base, "unit_id"])
        new = set(vacant["unit_id"]) - at_base
        idle = at_base | new
        missing = {u for u in idle if u not in last.index}
        open_ = {u for u in idle - missing if last.at[u, "state"] == "vacant"}
        cleared = idle - missing - open_
        groups = {"基期": at_base, "新增": new, "未清零": open_, "已清零": cleared, "消失待核实": missing}
        out = pd.DataFrame(
            {
                "item": list(groups),
                "units": [len(g) for g in groups.values()],
                "floor_area_m2": [float(area.reindex(sorted(g)).sum()) for g in groups.values()],
            }
        )
        out.attrs["clear_rate"] = len(cleared) / len(idle) if idle else float("nan")
        return out

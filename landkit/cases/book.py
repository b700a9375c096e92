"""The case book (盘活案件台账): who does what by when, kept append-only beside the ledger.

``CaseBook("ledger.gpkg")`` adds two tables to the same GeoPackage as the clear-down ledger;
``CaseBook("postgresql://…")`` to the same PostGIS schema. A case is one parcel on one route of the
catalogue; its plan (the route's steps, fixed when it is opened) is stored with it, so later catalogue
edits never rewrite old cases. Events record the steps done; a correction is a new event that
supersedes the old one, and both are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CaseError
from ..rules.dates import HolidayCalendar, to_date
from ..values import check_parcel_id
from ._tables import CASE_COLUMNS, EVENT_COLUMNS, CaseTables, _Tx, open_tables
from .routes import Route, RouteCatalogue, read_routes
from .state import SPECIAL_EVENTS, case_states

__all__ = ["CaseBook"]

log = logging.getLogger(__name__)

_INSERT_EVENT = (
    "INSERT INTO {t}.case_events (case_id, event, date, doc_no, department, note, supersedes, recorded_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def records(frame: pd.DataFrame, /) -> list[Any]:
    """Rows as named tuples typed ``Any`` (the stubs' cell unions are too wide for arithmetic)."""
    return list(frame.itertuples(index=False))


def _day(value: Any, *, what: str) -> dt.date:
    try:
        day = to_date(value)
    except (ValueError, TypeError) as exc:
        raise CaseError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from exc
    if day is None:
        raise CaseError(f"{what} is required (YYYY-MM-DD)")
    if day > dt.date.today():
        raise CaseError(f"{what} {day} is in the future; record it on the day it happens")
    return day


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _plan(
    route: Route, parcels: pd.DataFrame | None, encumbrances: pd.DataFrame | None, opened: dt.date
) -> list[dict[str, Any]]:
    """The route's steps for this parcel; a ``when`` step is dropped only when its fact is known False."""
    known: dict[str, Any] = {}
    whens = {s.when for s in route.steps if s.when}
    if parcels is not None and whens:
        from .options import FACTS, _Context

        ctx = _Context(parcels=parcels, encumbrances=encumbrances, as_of=opened, params={}, holidays=None)
        known = {w: FACTS[w][1](ctx).iloc[0] for w in whens}
    plan = []
    for s in route.steps:
        if s.when and known.get(s.when) is False:
            continue
        plan.append(
            {
                "key": s.key,
                "label": s.label,
                "lead": s.lead or route.lead,
                "days": s.days,
                "months": s.months,
                "years": s.years,
                "by": s.by.isoformat() if s.by else None,
                "basis": s.basis,
                "local": s.local,
            }
        )
    return plan


class CaseBook:
    """Revitalisation cases and their events, append-only, in the ledger's store.

    Parameters
    ----------
    location : str or path
        The ledger's GeoPackage file (created when missing) or a PostgreSQL URL (``"postgis"`` reads
        ``LANDKIT_PG_URL``).
    schema : str
        PostGIS only: the schema holding the ledger (and now the case) tables.
    routes : RouteCatalogue or path, optional
        The route catalogue new cases are opened against (default: the packaged one).
    holidays : HolidayCalendar or path, optional
        Rest days for the step deadlines (民法典 第二百零三条).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> book = CaseBook(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> cid = book.open_case("431281101001GB00001", "free_recovery", lead="自然资源局", opened="2024-03-01")
    >>> eid = book.add_event(cid, "hearing_notice", "2024-03-20", doc_no="洪自然资听〔2024〕1号")
    >>> c = book.cases(as_of="2024-05-10").iloc[0]
    >>> c["current_step"], str(c["deadline"].date()), bool(c["overdue"])
    ('recovery_decision', '2024-06-20', False)
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        /,
        *,
        schema: str = "public",
        routes: RouteCatalogue | str | Path | None = None,
        holidays: HolidayCalendar | str | Path | None = None,
    ) -> None:
        self._tables: CaseTables
        self._tables, self._where = open_tables(str(location), schema=schema)
        self._routes = routes
        self._catalogue: RouteCatalogue | None = routes if isinstance(routes, RouteCatalogue) else None
        self.holidays = holidays

    def __repr__(self) -> str:
        return f"CaseBook({self._where})"

    @property
    def catalogue(self) -> RouteCatalogue:
        """The route catalogue new cases are opened against."""
        if self._catalogue is None:
            self._catalogue = read_routes(self._routes)  # type: ignore[arg-type]
        return self._catalogue

    # -- writing ---------------------------------------------------------------------------
    def open_case(
        self,
        parcel_id: str,
        route: str,
        /,
        *,
        lead: str,
        opened: dt.date | str,
        area_m2: float | None = None,
        note: str | None = None,
        parcels: pd.DataFrame | None = None,
        encumbrances: pd.DataFrame | None = None,
    ) -> int:
        """Open a case: ``parcel_id`` on ``route``, led by ``lead``; return its ``case_id``.

        When ``parcels`` is given the route's preconditions are checked as of ``opened``
        (:func:`~landkit.cases.route_options`) and a route that is not open is refused with the unmet
        conditions and their basis; the parcel's area is taken from it, and steps whose ``when`` fact
        is false are left out of the plan.

        Raises
        ------
        CaseError
            Unknown route, malformed 宗地代码, a future date, an open case already on this parcel and
            route, or (with ``parcels``) a route that is not open.
        """
        cat = self.catalogue
        if route not in cat.routes:
            import difflib

            close = difflib.get_close_matches(route, list(cat.routes), n=1)
            raise CaseError(
                f"unknown route {route!r}"
                + (f"; did you mean {close[0]!r}?" if close else f"; routes: {', '.join(cat.routes)}")
            )
        problem = check_parcel_id(parcel_id)
        if problem:
            raise CaseError(f"宗地代码 {parcel_id!r}: {problem}")
        if not str(lead).strip():
            raise CaseError("lead (牵头部门) is required")
        day = _day(opened, what="opened")
        row = None
        if parcels is not None:
            row = self._check_open(parcel_id, route, day, parcels, encumbrances)
            if area_m2 is None and "area_m2" in row:
                area_m2 = float(row["area_m2"].iloc[0])
        plan = _plan(cat.routes[route], row, encumbrances, day)
        with self._tables.write() as tx:
            self._refuse_duplicate(tx, parcel_id, route)
            return tx.insert(
                "INSERT INTO {t}.case_cases (parcel_id, route, route_label, lead, opened, area_m2, plan,"
                " catalogue,"
                " note, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING case_id",
                (
                    parcel_id,
                    route,
                    cat.routes[route].label,
                    str(lead).strip(),
                    day.isoformat(),
                    area_m2,
                    json.dumps(plan, ensure_ascii=False),
                    f"{cat.name} {cat.version}".strip(),
                    note,
                    _now(),
                ),
            )

    def _check_open(
        self,
        parcel_id: str,
        route: str,
        day: dt.date,
        parcels: pd.DataFrame,
        encumbrances: pd.DataFrame | None,
    ) -> pd.DataFrame:
        from .options import route_options

        row = parcels[parcels["parcel_id"] == parcel_id]
        if row.empty:
            raise CaseError(f"宗地代码 {parcel_id} is not in the parcels given")
        opts = route_options(row.iloc[:1], encumbrances=encumbrances, as_of=day, routes=self.catalogue)
        hit = opts[opts["route"] == route]
        if hit.empty:
            raise CaseError(
                f"route {route} does not apply to {parcel_id} (its categories: {row['categories'].iloc[0]})"
            )
        if not bool(hit["open"].iloc[0]):
            r = hit.iloc[0]
            raise CaseError(
                f"route {route} ({r['route_label']}) is not open for {parcel_id} on {day}: "
                + "；".join(x for x in (r["missing"], r["unknown"]) if x)
            )
        return row.iloc[:1]

    def _refuse_duplicate(self, tx: _Tx, parcel_id: str, route: str) -> None:
        ids = [
            r[0]
            for r in tx.rows(
                "SELECT case_id FROM {t}.case_cases WHERE parcel_id = ? AND route = ?", (parcel_id, route)
            )
        ]
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        cases = pd.DataFrame(
            tx.rows(
                f"SELECT {', '.join(CASE_COLUMNS)} FROM {{t}}.case_cases WHERE case_id IN ({marks})", ids
            ),
            columns=list(CASE_COLUMNS),
        )
        events = pd.DataFrame(
            tx.rows(
                f"SELECT {', '.join(EVENT_COLUMNS)} FROM {{t}}.case_events WHERE case_id IN ({marks})", ids
            ),
            columns=list(EVENT_COLUMNS),
        )
        states = case_states(cases, events, as_of=dt.date.today(), holidays=None)
        running = states[states["state"] == "in_progress"]
        if len(running):
            raise CaseError(
                f"case {int(running['case_id'].iloc[0])} on {parcel_id} / {route} is still open; "
                "close or withdraw it first"
            )

    def add_event(
        self,
        case_id: int,
        event: str,
        date: dt.date | str,
        /,
        *,
        doc_no: str | None = None,
        department: str | None = None,
        note: str | None = None,
        supersedes: int | None = None,
    ) -> int:
        """Record that a step was done (or ``withdrawn``/``void``/``note``); return the ``event_id``.

        ``supersedes=<event_id>`` records a correction: the old event stays in the book and stops
        counting. ``void`` with ``supersedes`` withdraws a wrong event without replacing it.

        Raises
        ------
        CaseError
            Unknown case, an event that is not a step of the case's plan, a date before the case was
            opened or in the future, a step already recorded (supersede it instead), or a
            ``supersedes`` that names another case's event or one already superseded.
        """
        frame = pd.DataFrame(
            [
                {
                    "case_id": case_id,
                    "event": event,
                    "date": date,
                    "doc_no": doc_no,
                    "department": department,
                    "note": note,
                    "supersedes": supersedes,
                }
            ]
        )
        return self.add_events(frame)[0]

    def add_events(self, events: pd.DataFrame, /) -> list[int]:
        """Record many events in one transaction (all or none), with the checks of :meth:`add_event`.

        ``events`` has ``case_id``, ``event``, ``date`` and optionally ``doc_no``, ``department``,
        ``note``, ``supersedes``. Returns the new ``event_id`` values in order.
        """
        rows = _normalise_events(events)
        with self._tables.write() as tx:
            ids = sorted({int(c) for c in rows["case_id"]})
            known = _fetch(tx, ids)
            _check_events(rows, *known)
            now = _now()
            first = tx.rows("SELECT coalesce(max(event_id), 0) FROM {t}.case_events")[0][0]
            values = [
                (
                    int(r.case_id),
                    r.event,
                    r.date.isoformat(),
                    r.doc_no,
                    r.department,
                    r.note,
                    None if pd.isna(r.supersedes) else int(r.supersedes),
                    now,
                )
                for r in records(rows)
            ]
            log.info("writing %d case event(s) to %s", len(values), self._where)
            tx.insert_many(_INSERT_EVENT, values)
            got = [
                r[0]
                for r in tx.rows(
                    "SELECT event_id FROM {t}.case_events WHERE event_id > ? ORDER BY event_id", (first,)
                )
            ]
        return [int(g) for g in got]

    # -- reading ---------------------------------------------------------------------------
    def raw_cases(self) -> pd.DataFrame:
        """The stored case rows (with their plans as JSON), oldest first."""
        out = self._tables.frame("case_cases", CASE_COLUMNS)
        out["opened"] = pd.to_datetime(out["opened"])
        return out

    def events(self, case_id: int | None = None) -> pd.DataFrame:
        """Every stored event (superseded ones included, with ``superseded_by``), oldest first."""
        ev = self._tables.frame("case_events", EVENT_COLUMNS)
        ev["date"] = pd.to_datetime(ev["date"])
        ev["supersedes"] = ev["supersedes"].astype("Int64")
        by = ev.dropna(subset=["supersedes"]).set_index("supersedes")["event_id"]
        ev["superseded_by"] = ev["event_id"].map(by).astype("Int64")
        return ev if case_id is None else ev[ev["case_id"] == case_id].reset_index(drop=True)

    def cases(self, as_of: dt.date | str | None = None) -> pd.DataFrame:
        """Each case on a day: current step, days in step, next deadline, overdue (:func:`case_states`)."""
        day = dt.date.today() if as_of is None else pd.Timestamp(as_of).date()
        cols = ("event_id", "case_id", "event", "date", "supersedes")
        events = self._tables.frame("case_events", cols, steps_only=True)
        return case_states(self.raw_cases(), events, as_of=day, holidays=self.holidays)

    def overdue(self, as_of: dt.date | str) -> pd.DataFrame:
        """The cases whose current step is past its deadline on ``as_of``, most overdue first."""
        c = self.cases(as_of)
        return c[c["overdue"]].sort_values("days_overdue", ascending=False).reset_index(drop=True)


def _normalise_events(events: pd.DataFrame) -> pd.DataFrame:
    need = [c for c in ("case_id", "event", "date") if c not in events]
    if need:
        raise CaseError(f"events need column(s) {', '.join(need)}")
    rows = events.copy()
    for c in ("doc_no", "department", "note", "supersedes"):
        if c not in rows:
            rows[c] = None
    codes, uniq = pd.factorize(rows["date"].astype(object), use_na_sentinel=False)
    days = []
    for k, v in enumerate(uniq):  # each distinct date once; a refusal names the first row holding it
        try:
            days.append(_day(v, what="event date"))
        except CaseError as exc:
            first = int(np.flatnonzero(codes == k)[0]) + 1
            raise CaseError(f"row {first}: {exc}") from None
    rows["date"] = [days[c] for c in codes]
    for c in ("doc_no", "department", "note"):
        rows[c] = rows[c].map(
            lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        )
    rows["event"] = rows["event"].astype(str).str.strip()
    return rows.reset_index(drop=True)


def _fetch(tx: _Tx, ids: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not ids:
        return pd.DataFrame(columns=list(CASE_COLUMNS)), pd.DataFrame(columns=list(EVENT_COLUMNS))
    marks = ", ".join("?" for _ in ids)
    cases = pd.DataFrame(
        tx.rows(f"SELECT {', '.join(CASE_COLUMNS)} FROM {{t}}.case_cases WHERE case_id IN ({marks})", ids),
        columns=list(CASE_COLUMNS),
    )
    events = pd.DataFrame(
        tx.rows(f"SELECT {', '.join(EVENT_COLUMNS)} FROM {{t}}.case_events WHERE case_id IN ({marks})", ids),
        columns=list(EVENT_COLUMNS),
    )
    return cases, events


def _check_events(rows: pd.DataFrame, cases: pd.DataFrame, events: pd.DataFrame) -> None:
    """Refuse the batch on the first bad row (nothing is written then)."""
    plans = {int(r.case_id): {s["key"] for s in json.loads(r.plan)} for r in records(cases)}
    opened = {int(r.case_id): to_date(r.opened) for r in records(cases)}
    owner = {int(r.event_id): int(r.case_id) for r in records(events)}
    replaced = {int(s) for s in events["supersedes"].dropna()}
    live = {
        (int(r.case_id), r.event): int(r.event_id)
        for r in records(events)
        if int(r.event_id) not in replaced and r.event in plans.get(int(r.case_id), set())
    }
    for k, r in enumerate(records(rows)):
        where = f"event {k + 1} (case {r.case_id}, {r.event})"
        cid = int(r.case_id)
        if cid not in plans:
            raise CaseError(f"{where}: no case {cid} in the book")
        if r.event not in plans[cid] and r.event not in SPECIAL_EVENTS:
            raise CaseError(
                f"{where}: not a step of this case; steps: {', '.join(sorted(plans[cid]))}; "
                f"or one of {', '.join(SPECIAL_EVENTS)}"
            )
        if r.date < opened[cid]:
            raise CaseError(f"{where}: date {r.date} is before the case was opened ({opened[cid]})")
        old = None if pd.isna(r.supersedes) else int(r.supersedes)
        if r.event == "void" and old is None:
            raise CaseError(f"{where}: void needs supersedes=<event_id> of the event it withdraws")
        if old is not None:
            if owner.get(old) != cid:
                raise CaseError(f"{where}: supersedes={old} is not an event of case {cid}")
            if old in replaced:
                raise CaseError(f"{where}: event {old} is already superseded; supersede the newer event")
            replaced.add(old)
            live = {key: v for key, v in live.items() if v != old}
        if r.event in plans[cid]:
            if (cid, r.event) in live:
                raise CaseError(
                    f"{where}: step already recorded as event {live[(cid, r.event)]}; "
                    f"pass supersedes={live[(cid, r.event)]} to correct it"
                )
            live[(cid, r.event)] = -1 - k

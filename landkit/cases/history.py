"""Load a case history (cases and events exported as tables) into a :class:`~landkit.cases.CaseBook`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import CaseError
from .book import CaseBook, records

__all__ = ["import_history"]


def import_history(
    book: CaseBook,
    cases: pd.DataFrame,
    events: pd.DataFrame,
    /,
    *,
    parcels: pd.DataFrame | None = None,
    encumbrances: pd.DataFrame | None = None,
) -> dict[int, int]:
    """Open the cases and record the events of a history table; return ``case_no → case_id``.

    Parameters
    ----------
    book : CaseBook
        Where to record them (every check of :meth:`CaseBook.open_case` and
        :meth:`CaseBook.add_events` applies).
    cases : DataFrame
        ``case_no``, ``parcel_id``, ``route``, ``lead``, ``opened`` and optionally ``area_m2``,
        ``note``.
    events : DataFrame
        ``event_no``, ``case_no``, ``event``, ``date`` and optionally ``doc_no``, ``department``,
        ``note``, ``supersedes`` (an ``event_no`` of this table).
    parcels, encumbrances : DataFrame, optional
        Check each route's preconditions on its opening day (see :meth:`CaseBook.open_case`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> book = CaseBook(pathlib.Path(tempfile.mkdtemp()) / "ledger.gpkg")
    >>> ids = import_history(book, pd.read_csv("sample_data/cases/cases_2024.csv"),
    ...                      pd.read_csv("sample_data/cases/events_2024.csv"))
    >>> len(ids) == len(book.raw_cases())
    True
    """
    ids: dict[int, int] = {}
    for r in records(cases):
        area = getattr(r, "area_m2", None)
        note = getattr(r, "note", None)
        ids[int(r.case_no)] = book.open_case(
            str(r.parcel_id),
            str(r.route),
            lead=str(r.lead),
            opened=r.opened,
            area_m2=None if area is None or pd.isna(area) else float(area),
            note=None if note is None or pd.isna(note) else str(note),
            parcels=parcels,
            encumbrances=encumbrances,
        )
    event_ids: dict[int, int] = {}
    for r in records(events.sort_values("event_no")):
        if int(r.case_no) not in ids:
            raise CaseError(f"event {r.event_no}: case_no {r.case_no} is not in the cases table")
        old = getattr(r, "supersedes", None)
        if old is not None and not pd.isna(old) and int(old) not in event_ids:
            raise CaseError(
                f"event {r.event_no}: supersedes {int(old)}, which is not an earlier event of the table"
            )
        extra: dict[str, Any] = {
            k: (None if pd.isna(v) else str(v))
            for k in ("doc_no", "department", "note")
            if (v := getattr(r, k, None)) is not None
        }
        event_ids[int(r.event_no)] = book.add_event(
            ids[int(r.case_no)],
            str(r.event),
            r.date,
            supersedes=None if old is None or pd.isna(old) else event_ids[int(old)],
            **extra,
        )
    return ids

"""The case book on both backends: plan, deadlines, supersession, append-only, concurrency, kill -9."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from ledger_support import race

from landkit.cases import CaseBook, read_routes
from landkit.errors import CaseError, LandkitError
from landkit.rules.dates import read_holidays

WORKER = Path(__file__).with_name("case_worker.py")
HOLIDAYS = Path(__file__).resolve().parents[1] / "sample_data" / "holidays" / "china_2024.toml"
PG_ENV = "LANDKIT_TEST_PG_URL"
P1, P2 = "431281101001GB00001", "431281101001GB00002"


@dataclass
class Spot:
    backend: str
    location: str
    schema: str = "public"

    def open(self, **kw: object) -> CaseBook:
        return CaseBook(self.location, schema=self.schema, **kw)  # type: ignore[arg-type]


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def spot(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Spot]:
    if request.param == "gpkg":
        yield Spot("gpkg", str(tmp_path / "ledger.gpkg"))
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set")
    schema = f"lk_case_{uuid.uuid4().hex[:12]}"
    yield Spot("postgis", url, schema)
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def test_deadline_follows_civil_code_and_holidays(spot: Spot) -> None:
    # free_recovery: hearing_notice has a 30-day window from the opening day. Opened 2024-09-01:
    # day 30 is 2024-10-01 (国庆), a rest day through 10-07, so the deadline moves to 2024-10-08 (art. 203).
    book = spot.open(holidays=read_holidays(HOLIDAYS))
    book.open_case(P1, "free_recovery", lead="自然资源局", opened="2024-09-01")
    c = book.cases("2024-10-08").iloc[0]
    assert c["current_step"] == "hearing_notice"
    assert c["deadline"].date() == dt.date(2024, 10, 8)
    assert not c["overdue"]
    late = book.cases("2024-10-09").iloc[0]
    assert late["overdue"]
    assert late["days_overdue"] == 1
    assert spot.open().cases("2024-10-02").iloc[0]["deadline"].date() == dt.date(2024, 10, 1)  # no calendar

    # the next step (3 months) counts from the day the previous one was done. A second case:
    # hearing notice done 2024-06-14 → 2024-09-14, a Saturday that is a 调休 working day: no shift.
    other = book.open_case(P2, "free_recovery", lead="自然资源局", opened="2024-05-20")
    book.add_event(other, "hearing_notice", "2024-06-14")
    nxt = book.cases("2024-07-01").set_index("case_id").loc[other]
    assert (nxt["current_step"], nxt["step_start"].date(), nxt["deadline"].date()) == (
        "recovery_decision",
        dt.date(2024, 6, 14),
        dt.date(2024, 9, 14),
    )
    assert nxt["days_in_step"] == 17


def test_local_target_caps_the_window(spot: Spot) -> None:
    book = spot.open()
    cid = book.open_case(P1, "release_resupply", lead="储备中心", opened="2024-06-01")
    book.add_event(cid, "plan", "2024-08-01")
    c = book.cases("2024-08-02").iloc[0]
    # supply: 6 months from 2024-08-01 would be 2025-02-01, but the local target clear_by is 2024-12-31
    assert c["deadline"].date() == read_routes().targets["clear_by"] == dt.date(2024, 12, 31)


def test_correction_supersedes_and_both_are_kept(spot: Spot) -> None:
    book = spot.open()
    cid = book.open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    first = book.add_event(cid, "coordination", "2024-02-01", doc_no="A")
    with pytest.raises(CaseError, match="already recorded"):
        book.add_event(cid, "coordination", "2024-02-03")
    fixed = book.add_event(cid, "coordination", "2024-02-05", doc_no="B", supersedes=first)
    with pytest.raises(CaseError, match="already superseded"):
        book.add_event(cid, "coordination", "2024-02-06", supersedes=first)
    ev = spot.open().events(cid)
    assert ev["event_id"].tolist() == [first, fixed]
    assert ev["superseded_by"].tolist()[0] == fixed
    c = book.cases("2024-03-01").iloc[0]
    assert c["step_start"].date() == dt.date(2024, 2, 5)  # the corrected date counts
    book.add_event(cid, "void", "2024-03-01", supersedes=fixed)
    assert book.cases("2024-03-02").iloc[0]["current_step"] == "coordination"
    assert len(book.events(cid)) == 3


def test_refusals_name_the_problem(spot: Spot) -> None:
    book = spot.open()
    with pytest.raises(CaseError, match="did you mean 'transfer'"):
        book.open_case(P1, "transfe", lead="x", opened="2024-01-01")
    with pytest.raises(CaseError, match="宗地代码"):
        book.open_case("12345", "transfer", lead="x", opened="2024-01-01")
    with pytest.raises(CaseError, match="future"):
        book.open_case(P1, "transfer", lead="x", opened=dt.date.today() + dt.timedelta(days=2))
    cid = book.open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    with pytest.raises(CaseError, match="still open"):
        book.open_case(P1, "judicial", lead="法院", opened="2024-02-10")
    with pytest.raises(CaseError, match="not a step"):
        book.add_event(cid, "hearing_notice", "2024-02-01")
    with pytest.raises(CaseError, match="before the case was opened"):
        book.add_event(cid, "coordination", "2024-01-01")
    with pytest.raises(CaseError, match="no case 99"):
        book.add_event(99, "coordination", "2024-02-01")
    other = book.open_case(P2, "judicial", lead="法院", opened="2024-01-10")
    e = book.add_event(other, "coordination", "2024-02-01")
    with pytest.raises(CaseError, match="not an event of case"):
        book.add_event(cid, "coordination", "2024-02-01", supersedes=e)
    # a batch with one bad row writes nothing
    bad = pd.DataFrame({"case_id": [cid, cid], "event": ["coordination", "nonsense"], "date": "2024-02-02"})
    with pytest.raises(CaseError):
        book.add_events(bad)
    assert len(book.events(cid)) == 0
    book.add_event(cid, "withdrawn", "2024-03-01")
    assert book.cases("2024-03-02").set_index("case_id").loc[cid, "state"] == "withdrawn"
    book.open_case(P1, "judicial", lead="法院", opened="2024-03-05")  # allowed once the first is withdrawn


def _raw_update(spot: Spot, statement: str) -> None:
    if spot.backend == "gpkg":
        with sqlite3.connect(spot.location) as con:
            con.execute(statement)
    else:
        import psycopg

        with psycopg.connect(spot.location) as con:
            con.execute(f"SET search_path TO {spot.schema}")
            con.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE case_events SET date = '2020-01-01'",
        "DELETE FROM case_events",
        "UPDATE case_cases SET lead = 'x'",
        "DELETE FROM case_cases",
    ],
)
def test_rows_cannot_be_changed_in_place(spot: Spot, statement: str) -> None:
    book = spot.open()
    cid = book.open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    book.add_event(cid, "coordination", "2024-02-01")
    with pytest.raises(Exception, match="append-only"):
        _raw_update(spot, statement)
    assert len(spot.open().events()) == 1
    assert len(spot.open().raw_cases()) == 1


def test_case_book_shares_the_ledger_store(tmp_path: Path) -> None:
    from landkit.ledger import Ledger

    path = tmp_path / "ledger.gpkg"
    CaseBook(path).open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    assert Ledger(path).snapshots().empty  # still a valid ledger
    other = tmp_path / "other.gpkg"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE x (a)")
    with pytest.raises(LandkitError, match="not a landkit ledger"):
        CaseBook(other)


def _spawn(spot: Spot, mode: str, n: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), spot.location, spot.schema, mode, str(n), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _race(spot: Spot, tmp_path: Path, modes: list[str], n: int) -> list[str]:
    return race(lambda i, go, ready: _spawn(spot, modes[i], n, go, ready), tmp_path, len(modes))


def test_concurrent_writers_lose_nothing(spot: Spot, tmp_path: Path) -> None:
    book = spot.open()
    a = book.open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    b = book.open_case(P2, "judicial", lead="法院", opened="2024-01-10")
    outs = _race(spot, tmp_path, [f"events:{a}", f"events:{b}", f"events:{a}"], 2000)
    assert outs == ["ok", "ok", "ok"]
    ev = spot.open().events()
    assert (ev["case_id"] == a).sum() == 4000
    assert (ev["case_id"] == b).sum() == 2000
    assert ev["event_id"].is_unique


def test_two_openers_of_the_same_case_exactly_one_wins(spot: Spot, tmp_path: Path) -> None:
    spot.open()
    outs = _race(spot, tmp_path, [f"open:{P1}", f"open:{P1}"], 0)
    assert sorted(outs) == ["ok", "refused"]
    assert len(spot.open().raw_cases()) == 1


def test_writer_killed_mid_write_leaves_book_unchanged(spot: Spot) -> None:
    book = spot.open()
    cid = book.open_case(P1, "judicial", lead="法院", opened="2024-01-10")
    book.add_event(cid, "coordination", "2024-02-01")
    before = book.events()
    proc = _spawn(spot, f"events:{cid}", 400_000)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "case event(s)" in line:
            break
    else:
        pytest.fail(f"the worker never started writing: {''.join(seen)}")
    time.sleep(0.2)
    hot = Path(spot.location + "-journal").exists() if spot.backend == "gpkg" else True
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert "ok" not in out, "the write finished before the kill; test inconclusive"
    assert hot, "no rollback journal at kill time: the worker was not mid-write"
    again = spot.open()
    pd.testing.assert_frame_equal(again.events(), before)
    assert again.add_event(cid, "auction", "2024-06-01") > 0  # the lock is free again

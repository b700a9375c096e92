"""Ledger under concurrent writers and a writer killed mid-write, on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from ledger_support import LedgerSpot, ledger_spot, race, register, squares

__all__ = ["ledger_spot"]

WORKER = Path(__file__).with_name("ledger_worker.py")


def _spawn(spot: LedgerSpot, as_of: str, n: int, *extra: str, **kw: object) -> subprocess.Popen[str]:
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, str(WORKER), spot.location, spot.schema, as_of, str(n), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


def _race(spot: LedgerSpot, tmp_path: Path, dates: list[str], n: int = 3000) -> list[str]:
    return race(lambda i, go, ready: _spawn(spot, dates[i], n, go, ready), tmp_path, len(dates))


def test_two_writers_different_dates_both_stored(ledger_spot: LedgerSpot, tmp_path: Path) -> None:
    outs = _race(ledger_spot, tmp_path, ["2024-03-31", "2024-06-30"])
    assert outs == ["ok", "ok"]
    cat = ledger_spot.open().snapshots()
    assert sorted(str(d) for d in cat["as_of"]) == ["2024-03-31", "2024-06-30"]
    assert cat["n_parcels"].tolist() == [3000, 3000]
    assert len(ledger_spot.open().snapshot("2024-06-30")) == 3000


def test_two_writers_same_date_exactly_one_stored(ledger_spot: LedgerSpot, tmp_path: Path) -> None:
    ledger_spot.open()  # the ledger exists; both writers race for the same date
    outs = _race(ledger_spot, tmp_path, ["2024-03-31", "2024-03-31"])
    assert sorted(outs) == ["exists", "ok"]
    cat = ledger_spot.open().snapshots()
    assert len(cat) == 1
    assert cat["version"].tolist() == [1]
    assert len(ledger_spot.open().snapshot("2024-03-31")) == 3000


def test_writer_killed_mid_write_leaves_ledger_unchanged(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    before_reg = register(
        [
            {"parcel_id": f"A{i}", "status": "identified", "categories": "idle", "geometry": g}
            for i, g in enumerate(squares([100, 120, 90]))
        ]
    )
    ledger.record(before_reg, as_of="2023-12-31", source="基期")
    before = ledger.snapshots()
    proc = _spawn(ledger_spot, "2024-03-31", 120_000)
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "writing snapshot" in line:
            break
        assert time.monotonic() < deadline
    else:
        pytest.fail(f"the worker never started writing: {''.join(seen)}")
    time.sleep(0.15)
    journal = Path(ledger_spot.location + "-journal")
    hot = journal.exists() if ledger_spot.backend == "gpkg" else True
    proc.send_signal(signal.SIGKILL)
    _, rest = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert "recorded 2024-03-31" not in rest, "the write finished before the kill; test inconclusive"
    assert hot, "no rollback journal at kill time: the worker was not mid-write"

    again = ledger_spot.open()
    pd.testing.assert_frame_equal(again.snapshots(), before)
    assert again.snapshot()["parcel_id"].tolist() == ["A0", "A1", "A2"]
    assert len(again._store.read_rows([int(s) for s in [1]], columns=["parcel_id"])) == 3  # no orphan rows
    # the lock is gone: the same date can be recorded now
    again.record(before_reg, as_of="2024-03-31", source="重录")
    assert [str(d) for d in again.dates()] == ["2023-12-31", "2024-03-31"]

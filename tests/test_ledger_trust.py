"""Issue 10 point 8: a snapshot is permanent; a future date and an unintended empty register are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from click.testing import CliRunner
from ledger_support import LedgerSpot, ledger_spot, register

from landkit.cli.main import cli
from landkit.errors import LedgerError

__all__ = ["ledger_spot"]

ONE = register(
    [
        {
            "parcel_id": "A",
            "status": "identified",
            "categories": "idle",
            "geometry": shapely.box(380_000, 3_010_000, 380_100, 3_010_100),
        }
    ]
)


@pytest.mark.parametrize("as_of", ["2099-01-01", dt.date.today() + dt.timedelta(days=1)])
def test_future_as_of_is_refused_and_nothing_written(ledger_spot: LedgerSpot, as_of) -> None:
    ledger = ledger_spot.open()
    with pytest.raises(LedgerError, match="after today"):
        ledger.record(ONE, as_of=as_of, source="测试")
    assert ledger.snapshots().empty
    assert ledger.record(ONE, as_of=dt.date.today(), source="测试").n_parcels == 1  # today is fine


def test_empty_register_needs_allow_empty(ledger_spot: LedgerSpot) -> None:
    ledger = ledger_spot.open()
    ledger.record(ONE, as_of="2024-03-31", source="测试")
    empty = ONE.iloc[0:0]
    with pytest.raises(LedgerError, match="allow_empty"):
        ledger.record(empty, as_of="2024-06-30", source="测试")
    assert len(ledger.snapshots()) == 1
    rec = ledger.record(empty, as_of="2024-06-30", source="测试：全部清零后移出", allow_empty=True)
    assert rec.n_parcels == 0
    assert len(ledger.snapshots()) == 2


def test_cli_refuses_future_date_and_empty_register_in_one_line(tmp_path) -> None:
    src = tmp_path / "reg.gpkg"
    ONE.to_file(src)
    empty = tmp_path / "empty.gpkg"
    ONE.iloc[0:0].to_file(empty)
    run = CliRunner().invoke
    base = ["track", "record", "--ledger", str(tmp_path / "l.gpkg"), "--source", "x"]
    res = run(cli, [*base, str(src), "--as-of", "2099-01-01"])
    assert res.exit_code == 2
    assert "after today" in res.output
    assert "Traceback" not in res.output
    res = run(cli, [*base, str(empty), "--as-of", "2024-01-01"])
    assert res.exit_code == 2
    assert "--allow-empty" in res.output
    res = run(cli, [*base, str(empty), "--as-of", "2024-01-01", "--allow-empty"])
    assert res.exit_code == 0, res.output

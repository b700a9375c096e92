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


def _parcel(
    pid: str, status: str, box: tuple[float, float, float, float], **extra: object
) -> dict[str, object]:
    return {"parcel_id": pid, "status": status, "categories": "idle", "geometry": shapely.box(*box), **extra}


def test_merge_of_listed_parcels_carries_their_listed_area(ledger_spot: LedgerSpot) -> None:
    # A (100 m × 100 m) and B (100 m × 200 m) are listed; they merge into M, which is recovered at once
    a = (380_000, 3_010_000, 380_100, 3_010_100)
    b = (380_100, 3_010_000, 380_200, 3_010_200)
    ledger = ledger_spot.open()
    ledger.record(
        register([_parcel("A", "identified", a), _parcel("B", "identified", b)]),
        as_of="2024-03-31",
        source="t",
    )
    merged = _parcel("M", "recovered", (380_000, 3_010_000, 380_200, 3_010_200), previous_ids="A;B")
    ledger.record(register([merged]), as_of="2024-06-30", source="t")
    p = ledger.progress(baseline="2024-03-31", target_date="2024-12-31")
    base = ledger.snapshot("2024-03-31").set_index("parcel_id")["area_m2"]
    last = p.summary.iloc[-1]
    listed_mu = (base["A"] + base["B"]) / 666.6666666666666
    assert last["baseline_mu"] == pytest.approx(listed_mu, rel=1e-12)
    assert last["cleared_mu"] == pytest.approx(listed_mu, rel=1e-12)  # the merged parcel, already recovered
    assert last["new_count"] == 0
    assert last["reconcile_mu"] == 0.0
    states = p.parcels.set_index("parcel_id")["state"].to_dict()
    assert states == {"A": "superseded", "B": "superseded", "M": "cleared"}

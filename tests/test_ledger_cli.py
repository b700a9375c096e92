"""``landkit track``: CLI output equals the library call; exit codes; reports; no overwrite."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from landkit.cli.main import cli
from landkit.cli.track import EXIT_BEHIND
from landkit.ledger import Ledger
from landkit.zones import read_zones

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
FILES = sorted((SAMPLE / "snapshots").glob("register_*.gpkg"))
ZONES = SAMPLE / "zones" / "hongjiang.toml"
PARK = ["--zones", str(ZONES), "--scope", "洪江高新区"]


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("track") / "ledger.gpkg"
    for f in FILES:
        day = f.stem.removeprefix("register_")
        res = run("track", "record", f, "--as-of", day, "--ledger", path, "--source", "样例季度台账")
        assert res.exit_code == 0, res.output
        assert res.output.startswith(f"recorded {day} version 1:")
    return path


def test_record_refuses_existing_date_in_one_line(ledger_path: Path) -> None:
    res = run(
        "track", "record", FILES[0], "--as-of", FILES[0].stem[-10:], "--ledger", ledger_path, "--source", "x"
    )
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1
    assert res.stderr.startswith("landkit: error: a snapshot as of")
    assert len(Ledger(ledger_path).snapshots()) == len(FILES)


def test_bad_input_exits_2_with_one_line(tmp_path: Path, ledger_path: Path) -> None:
    res = run(
        "track", "record", FILES[0], "--as-of", "2024-13-01", "--ledger", tmp_path / "l.gpkg", "--source", "x"
    )
    assert res.exit_code == 2
    assert "not a date" in res.output
    assert not (tmp_path / "l.gpkg").exists()
    res = run("track", "progress", "--ledger", tmp_path / "missing.gpkg")
    assert res.exit_code == 2
    assert res.stderr.strip().endswith("record a snapshot into it first")
    res = run("track", "progress", "--ledger", ledger_path, "--scope", "洪江高新区")
    assert res.exit_code == 2
    assert "--zones" in res.stderr


def test_progress_output_matches_library(ledger_path: Path) -> None:
    res = run(
        "track",
        "progress",
        "--ledger",
        ledger_path,
        "--baseline",
        "2023-12-31",
        "--target-date",
        "2024-12-31",
        *PARK,
    )
    expected = Ledger(ledger_path).progress(
        baseline="2023-12-31", target_date="2024-12-31", scope="洪江高新区", zones=read_zones(ZONES)
    )
    assert res.exit_code == 0  # behind, but --fail-if-behind was not given
    assert "范围 洪江高新区" in res.output
    lines = {ln.split()[0]: ln.split() for ln in res.output.splitlines() if re.match(r"\d{4}-\d\d-\d\d ", ln)}
    assert len(lines) == len(expected.summary)
    for day, row in expected.summary.iterrows():
        cells = lines[day.isoformat()]
        assert float(cells[1]) == pytest.approx(round(row["baseline_mu"], 2))
        assert float(cells[6]) == pytest.approx(round(row["outstanding_mu"], 2))
        assert cells[-1] == ("正常" if row["on_track"] else "滞后")


def test_fail_if_behind_exit_codes(ledger_path: Path) -> None:
    base = [
        "track",
        "progress",
        "--ledger",
        ledger_path,
        "--baseline",
        "2023-12-31",
        "--target-date",
        "2024-12-31",
    ]
    behind = (
        Ledger(ledger_path)
        .progress(
            baseline="2023-12-31", target_date="2024-12-31", scope="洪江高新区", zones=read_zones(ZONES)
        )
        .behind
    )
    res = run(*base, *PARK, "--fail-if-behind")
    assert res.exit_code == (EXIT_BEHIND if behind else 0)
    if behind:
        assert res.stderr.startswith("landkit: behind schedule at 2024-12-31")
    res = run(*base, *PARK, "--target", "100000", "--fail-if-behind")  # a lenient target is always met
    assert res.exit_code == 0


def test_report_writes_excel_and_html_and_refuses_overwrite(ledger_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    res = run("track", "report", "--ledger", ledger_path, "-o", out, *PARK)
    assert res.exit_code == 0, res.output
    xlsx, page = out / "清零进度.xlsx", out / "清零进度.html"
    expected = Ledger(ledger_path).progress(
        baseline="2023-12-31", target_date="2024-12-31", scope="洪江高新区", zones=read_zones(ZONES)
    )
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == [
        "说明",
        "进度汇总",
        "分区进度",
        "责任单位进度",
        "宗地清零状态",
        "消失待核实",
        "变化明细",
    ]
    rows = list(book["进度汇总"].values)
    header = list(rows[0])
    assert header[:3] == ["台账日期", "基期宗数", "基期面积(亩)"]
    last = dict(zip(header, rows[-1], strict=True))
    assert last["台账日期"] == "2024-12-31"
    assert last["待清零面积(亩)"] == pytest.approx(round(expected.latest["outstanding_mu"], 2))
    assert last["进度"] == ("正常" if expected.latest["on_track"] else "滞后")
    notes = dict(book["说明"].values)
    assert notes["计为清零的状态"] == "已处置、已收回、已盘活"
    book.close()

    text = page.read_text(encoding="utf-8")
    match = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', text)
    assert match is not None
    svg = base64.b64decode(match.group(1)).decode("utf-8")
    assert "<svg" in svg
    assert "http" not in text.replace(match.group(1), "")  # no external request from the page
    assert "待清零" in text
    assert "已处置、已收回、已盘活" in text

    again = run("track", "report", "--ledger", ledger_path, "-o", out, *PARK)
    assert again.exit_code == 2
    assert "--overwrite" in again.stderr
    assert run("track", "report", "--ledger", ledger_path, "-o", out, *PARK, "--overwrite").exit_code == 0


def test_list_and_changes(ledger_path: Path) -> None:
    res = run("track", "list", "--ledger", ledger_path)
    assert res.exit_code == 0
    assert res.output.count("样例季度台账") == len(FILES)
    res = run("track", "changes", "--ledger", ledger_path, "2024-09-30", "2024-12-31")
    assert res.exit_code == 0
    n = len(Ledger(ledger_path).changes("2024-09-30", "2024-12-31"))
    assert len(res.output.strip().splitlines()) == n + 1  # header + one line per change

"""Case report (Excel + HTML), the ``landkit case`` CLI, and the committed sample history."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from landkit.cases import CaseBook, case_report, case_report_html, import_history, write_case_report
from landkit.cases._sample import write_case_sample
from landkit.cli.main import cli
from landkit.errors import OutputExistsError
from landkit.units import MU_M2

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "cases"
P1, P2, P3 = "431281101001GB00001", "431281101001GB00002", "431281101001GB00003"


@pytest.fixture
def book(tmp_path: Path) -> CaseBook:
    b = CaseBook(tmp_path / "ledger.gpkg")
    a = b.open_case(P1, "judicial", lead="法院<script>", opened="2024-01-10", area_m2=MU_M2 * 12.3456)
    b.add_events(
        pd.DataFrame(
            {
                "case_id": a,
                "event": ["coordination", "auction", "registration"],
                "date": ["2024-02-01", "2024-05-01", "2024-06-20"],
            }
        )
    )
    c = b.open_case(P2, "judicial", lead="法院<script>", opened="2024-01-10", area_m2=MU_M2 * 5)
    b.add_event(c, "coordination", "2024-01-20", note="<b>x</b>")
    b.open_case(P3, "release_resupply", lead="储备中心", opened="2024-03-01", area_m2=MU_M2 * 2)
    return b


def test_report_tables_against_plain_pandas(book: CaseBook) -> None:
    rep = case_report(book, as_of="2024-12-31", stuck_days=90)
    cases = rep.cases.set_index("case_id")
    assert cases["state"].tolist() == ["cleared", "in_progress", "in_progress"]
    assert cases.loc[1, "cleared_date"].date() == dt.date(2024, 6, 20)
    # case 2: auction window 6 months from 2024-01-20 → 2024-07-20, overdue on 2024-12-31 by 164 days
    assert cases.loc[2, "deadline"].date() == dt.date(2024, 7, 20)
    assert cases.loc[2, "days_overdue"] == 164
    # case 3: plan 60 days from 2024-03-01 → 2024-04-30
    assert cases.loc[3, "deadline"].date() == dt.date(2024, 4, 30)
    assert rep.overdue["case_id"].tolist() == [3, 2]  # 245 days, then 164
    assert set(rep.stuck["case_id"]) == {2, 3}
    monthly = rep.cleared_by_month.set_index("month")
    assert monthly.loc["2024-06", "cleared_mu"] == pytest.approx(12.35)
    plain = rep.cases.groupby(["route_label", "lead"]).size()
    assert rep.summary.set_index(["route_label", "lead"])["cases"].to_dict() == plain.to_dict()


def test_written_report_is_chinese_escaped_and_self_contained(book: CaseBook, tmp_path: Path) -> None:
    rep = case_report(book, as_of="2024-12-31")
    xlsx, page = write_case_report(rep, tmp_path / "out")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["汇总", "逾期步骤", "卡滞案件", "每月盘活", "全部案件"]
    headers = [c.value for c in wb["汇总"][1]]
    assert headers[:3] == ["盘活路径", "牵头部门", "案件数"]
    assert "已盘活面积(亩)" in headers
    rows = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "合计"
    assert rows[-1][headers.index("案件数")] == len(rep.cases)  # every case once
    cleared = rep.summary["cleared_mu"].sum()
    assert rows[-1][headers.index("已盘活面积(亩)")] == pytest.approx(cleared, abs=0.005)
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "法院&lt;script&gt;" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "<svg" in html
    assert "12.35 亩" in html
    with pytest.raises(OutputExistsError):
        write_case_report(rep, tmp_path / "out")
    assert case_report_html(rep) == html


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_round_trip_matches_the_library(tmp_path: Path) -> None:
    bookp = str(tmp_path / "ledger.gpkg")
    parcels, enc = str(SAMPLE / "parcels_cases.gpkg"), str(SAMPLE / "encumbrances.xlsx")
    out = tmp_path / "opts.csv"
    r = _run("case", "options", parcels, "--encumbrances", enc, "--as-of", "2024-06-30", "-o", str(out))
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert {"宗地代码", "盘活路径", "可行", "不满足的条件(依据)"} <= set(table.columns)
    again = _run("case", "options", parcels, "--encumbrances", enc, "--as-of", "2024-06-30", "-o", str(out))
    assert again.exit_code == 2
    assert "--overwrite" in again.output
    r = _run("case", "open", P1, "judicial", "--book", bookp, "--lead", "法院", "--opened", "2024-01-10")
    assert r.exit_code == 0
    assert r.output.strip() == "1"
    r = _run("case", "event", "1", "coordination", "--book", bookp, "--date", "2024-01-20")
    assert r.exit_code == 0
    assert r.output.strip() == "1"
    r = _run("case", "event", "1", "nonsense", "--book", bookp, "--date", "2024-01-20")
    assert r.exit_code == 2
    assert "not a step" in r.output
    assert len(r.output.strip().splitlines()) == 1
    r = _run("case", "overdue", "--book", bookp, "--as-of", "2024-03-01", "--fail-if-overdue")
    assert r.exit_code == 0
    assert "no overdue" in r.output
    r = _run("case", "overdue", "--book", bookp, "--as-of", "2024-12-31", "--fail-if-overdue")
    assert r.exit_code == 4
    assert P1 in r.output
    assert len(CaseBook(bookp).overdue("2024-12-31")) == 1
    r = _run("case", "report", "--book", bookp, "--as-of", "2024-12-31", "-o", str(tmp_path / "rep"))
    assert r.exit_code == 0
    assert (tmp_path / "rep" / "case_report.html").exists()
    r = _run("case", "event", "1", "auction", "--book", str(tmp_path / "none.gpkg"), "--date", "2024-01-20")
    assert r.exit_code == 2
    assert "does not exist" in r.output


def test_sample_history_loads_with_preconditions_checked(tmp_path: Path) -> None:
    import warnings

    from landkit import read_parcels
    from landkit.cases import read_encumbrances

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = read_parcels(SAMPLE / "parcels_cases.gpkg")
    enc = read_encumbrances(SAMPLE / "encumbrances.xlsx")
    book = CaseBook(tmp_path / "ledger.gpkg")
    cases, events = pd.read_csv(SAMPLE / "cases_2024.csv"), pd.read_csv(SAMPLE / "events_2024.csv")
    ids = import_history(book, cases, events, parcels=parcels, encumbrances=enc)
    assert len(ids) == len(cases) >= 10
    states = book.cases("2024-12-31")["state"].value_counts()
    assert states["cleared"] >= 3
    assert states["in_progress"] >= 3
    assert states["withdrawn"] == 1
    assert book.events()["superseded_by"].notna().sum() == 1


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    parcels = gpd.read_file(ROOT / "sample_data" / "parcels.gpkg")
    for c in (
        "contract_date",
        "agreed_start_date",
        "actual_start_date",
        "stop_date",
        "mortgage_date",
        "listed_date",
    ):
        parcels[c] = pd.to_datetime(parcels[c])
    out = write_case_sample(parcels, tmp_path, seed=431281 + 12)
    for name in ("cases_2024.csv", "events_2024.csv"):
        assert (out / name).read_text(encoding="utf-8") == (SAMPLE / name).read_text(encoding="utf-8")
    new = pd.read_excel(out / "encumbrances.xlsx", sheet_name=None)
    old = pd.read_excel(SAMPLE / "encumbrances.xlsx", sheet_name=None)
    for sheet in old:
        pd.testing.assert_frame_equal(new[sheet], old[sheet])
    names = " ".join(old["抵押登记"]["抵押权人"].astype(str))
    assert "农业银行" not in names
    assert "建设银行" not in names
    assert "工商银行" not in names
    shutil.rmtree(out)

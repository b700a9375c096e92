"""Reading encumbrance exports and deriving per-parcel facts, checked against hand-worked answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landkit.cases import encumbrance_facts, encumbrance_report, match_encumbrances, read_encumbrances
from landkit.errors import DataFormatError
from landkit.rules.dates import read_holidays

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
A, B, C = "431281101001GB00001", "431281101001GB00002", "431281101001GB00003"


def _csv(tmp_path: Path, text: str, name: str = "enc.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_sample_export_reads_every_sheet_and_reports_its_faults() -> None:
    enc = read_encumbrances(SAMPLE / "cases" / "encumbrances.xlsx")
    raw = pd.read_excel(SAMPLE / "cases" / "encumbrances.xlsx", sheet_name=None)
    assert enc["kind"].value_counts().to_dict() == {
        "mortgage": len(raw["抵押登记"]),
        "seizure": len(raw["查封登记"]),
        "lease": len(raw["租赁"]),
    }
    rep = encumbrance_report(enc)
    codes = set(rep["problem"])
    assert {"imprecise_date", "unparseable_number", "key_mismatch"} <= codes
    bad_number = rep[rep["problem"] == "unparseable_number"].iloc[0]
    assert np.isnan(enc.loc[bad_number["row"], "mortgage_amount"])  # reported, not guessed
    assert bad_number["source"] == "抵押登记"
    assert bad_number["source_row"] == 9
    month = enc[enc.get("registered_date_precision") == "month"]
    assert len(month) == 1
    assert month["registered_date"].iloc[0] == pd.Timestamp(2021, 5, 1)
    # 债权数额 of the clean rows equals the sheet's numbers
    clean = pd.to_numeric(raw["抵押登记"]["债权数额(万元)"], errors="coerce")
    got = enc[enc["source"] == "抵押登记"]["mortgage_amount"].to_numpy()
    np.testing.assert_allclose(got, clean.to_numpy())


def test_pinyin_headers_units_and_gbk(tmp_path: Path) -> None:
    text = (
        "ZDDM,DYQR,ZQSE(元),DYMJ(亩),DJRQ,ZXRQ,QLLX\n"
        f'{A},沅丰银行洪江支行,"3,000,000",15,2021.3.5,,抵押\n'
        f"{B},,,,,,轮候查封\n"
    )
    enc = read_encumbrances(_csv(tmp_path, text, encoding="gbk"))
    assert enc["mortgagee"].iloc[0] == "沅丰银行洪江支行"
    assert enc["mortgage_amount"].iloc[0] == pytest.approx(300.0)  # 元 → 万元
    assert enc["mortgage_area_m2"].iloc[0] == pytest.approx(15 * 10000 / 15)  # 亩 → m²
    assert enc["registered_date"].iloc[0] == pd.Timestamp(2021, 3, 5)
    assert enc["kind"].tolist() == ["mortgage", "seizure"]
    assert enc["queued"].tolist() == [False, True]
    assert "missing_seized_date" in set(encumbrance_report(enc)["problem"])


def test_bad_rows_are_reported_and_marked(tmp_path: Path) -> None:
    text = (
        "宗地代码,不动产单元号,抵押权人,登记日期,注销日期,债权数额(万元)\n"
        f"{A},{B}W00000000,沅丰银行,2021-01-01,2020-01-01,-5\n"
        ",,沅丰银行,2021-01-01,,\n"
        "4312811010G1GB00001,,沅丰银行,2021-01-01,,\n"
        f",{C}W00000000,沅丰银行,2022年13月,,\n"
    )
    enc = read_encumbrances(_csv(tmp_path, text))
    rep = encumbrance_report(enc)
    by_row = rep.groupby("row")["problem"].apply(set).to_dict()
    assert {"key_mismatch", "dates_out_of_order", "negative_value"} <= by_row[0]
    assert "missing_key" in by_row[1]
    assert "malformed_parcel_id" in by_row[2]
    assert "unparseable_date" in by_row[3]
    assert enc["parcel_id"].iloc[3] == C  # taken from the 不动产单元号
    assert enc["row_ok"].tolist() == [False, False, False, True]


def test_precision_companion_column_and_unmatched(tmp_path: Path) -> None:
    text = (
        "宗地代码,查封法院,查封日期,查封日期_precision\n"
        f"{A},洪江市人民法院,2021-06-01,month\n{C},洪江市人民法院,2021-06-30,\n"
    )
    enc = read_encumbrances(_csv(tmp_path, text))
    assert enc["seized_date_precision"].tolist()[0] == "month"
    m = match_encumbrances(enc, pd.DataFrame({"parcel_id": [A]}))
    assert m["matched"].tolist() == [True, False]
    assert encumbrance_report(m)["problem"].tolist().count("unmatched_parcel") == 1


def test_title_rows_above_the_headers_and_truncated_files(tmp_path: Path) -> None:
    sheet = pd.DataFrame(
        [
            ["洪江市不动产抵押登记台账", None, None],
            [None, None, None],
            ["宗地代码", "抵押权人", "登记日期"],
            [A, "沅丰银行", "2021-03-05"],
        ]
    )
    path = tmp_path / "titled.xlsx"
    sheet.to_excel(path, index=False, header=False, sheet_name="抵押")
    enc = read_encumbrances(path)
    assert enc["parcel_id"].tolist() == [A]
    assert enc["kind"].tolist() == ["mortgage"]
    assert enc["source_row"].tolist() == [4]
    assert "title_rows" in set(encumbrance_report(enc)["problem"])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:300])
    with pytest.raises(DataFormatError, match="complete"):
        read_encumbrances(cut)


def test_refuses_files_it_cannot_use(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        read_encumbrances(tmp_path / "none.xlsx")
    with pytest.raises(DataFormatError, match="宗地代码"):
        read_encumbrances(_csv(tmp_path, "a,b\n1,2\n"))
    with pytest.raises(DataFormatError, match="kind="):
        read_encumbrances(_csv(tmp_path, f"宗地代码\n{A}\n"), kind="pledge")


def _seizure(seized: str, **kw: object) -> pd.DataFrame:
    row = {"parcel_id": A, "kind": "seizure", "seized_date": pd.Timestamp(seized), "queued": False, **kw}
    return pd.DataFrame([row])


PARCELS = pd.DataFrame({"parcel_id": [A, B]})


@pytest.mark.parametrize(
    ("as_of", "active"),
    [("2024-06-30", True), ("2024-07-01", False), ("2021-06-30", False), ("2021-07-01", True)],
)
def test_seizure_term_ends_on_the_corresponding_day(as_of: str, active: bool) -> None:
    # 查封 on 2021-06-30 for the default 3 years: the period starts 2021-07-01 (民法典 201) and ends at
    # the end of 2024-06-30 (202); seized on the day itself counts from that day.
    f = encumbrance_facts(PARCELS, _seizure("2021-06-30"), as_of=as_of)
    expected = active or as_of == "2021-06-30"
    assert bool(f.loc[0, "has_active_seizure"]) is expected
    assert f.loc[1, "has_active_seizure"] is np.False_ or not f.loc[1, "has_active_seizure"]


def test_seizure_term_moved_past_a_holiday_and_configurable() -> None:
    cal = read_holidays(SAMPLE / "holidays" / "china_2024.toml")
    enc = _seizure("2021-10-01")  # 3 years → 2024-10-01 (国庆) → 2024-10-08 with the calendar
    assert bool(
        encumbrance_facts(PARCELS, enc, as_of="2024-10-05", holidays=cal).loc[0, "has_active_seizure"]
    )
    assert not bool(encumbrance_facts(PARCELS, enc, as_of="2024-10-05").loc[0, "has_active_seizure"])
    assert not bool(
        encumbrance_facts(PARCELS, enc, as_of="2023-10-05", seizure_years=2).loc[0, "has_active_seizure"]
    )
    two = _seizure("2021-10-01", seizure_term_months=24.0)
    assert not bool(encumbrance_facts(PARCELS, two, as_of="2023-10-05").loc[0, "has_active_seizure"])


def test_month_precision_is_unknown_only_where_the_day_matters() -> None:
    enc = _seizure("2021-06-01", seized_date_precision="month")  # somewhere in June 2021
    f = lambda d: encumbrance_facts(PARCELS, enc, as_of=d).loc[0]  # noqa: E731
    assert f("2024-06-15")["has_active_seizure"] is pd.NA  # ends between 2024-06-01 and 2024-06-30
    assert f("2024-06-15")["transfer_blocked"] is pd.NA
    assert "查封" in f("2024-06-15")["needs"]
    assert bool(f("2023-01-01")["has_active_seizure"])
    assert not bool(f("2024-07-01")["has_active_seizure"])


def test_mortgage_facts_against_plain_computation() -> None:
    enc = read_encumbrances(SAMPLE / "cases" / "encumbrances.xlsx")
    parcels = pd.DataFrame({"parcel_id": sorted(set(enc["parcel_id"].dropna()))})
    day = pd.Timestamp("2024-06-30")
    f = encumbrance_facts(parcels, enc, as_of=day.date(), expiring_within_days=180)
    m = enc[(enc["kind"] == "mortgage")]
    exact = m.get("registered_date_precision", pd.Series(index=m.index, dtype=object)).isna()
    for pid, got in zip(parcels["parcel_id"], f.itertuples(), strict=True):
        rows = m[m["parcel_id"] == pid]
        if not (exact[rows.index].all() and rows["row_ok"].all()):
            continue
        active = rows[(rows["registered_date"] <= day) & ~(rows["released_date"] <= day)]
        assert got.mortgages_active == len(active), pid
        if active["mortgage_amount"].notna().all():
            assert got.secured_debt == pytest.approx(active["mortgage_amount"].sum()), pid
        soon = active[(active["end_date"] > day) & (active["end_date"] <= day + pd.Timedelta(days=180))]
        assert got.mortgages_expiring == len(soon), pid
        if len(active) and active["appraised_value"].sum() > 0 and active["mortgage_amount"].notna().all():
            assert got.debt_ratio == pytest.approx(
                active["mortgage_amount"].sum() / active["appraised_value"].sum()
            )


def test_transfer_blocked_by_queued_seizure_or_ban_not_by_mortgage_alone() -> None:
    enc = pd.DataFrame(
        {
            "parcel_id": [A, B, B],
            "kind": ["mortgage", "mortgage", "seizure"],
            "registered_date": pd.to_datetime(["2020-01-01", "2020-01-01", None]),
            "seized_date": pd.to_datetime([None, None, "2024-01-01"]),
            "queued": [False, False, True],
            "transfer_banned": pd.array([False, False, pd.NA], dtype="boolean"),
        }
    )
    f = encumbrance_facts(pd.DataFrame({"parcel_id": [A, B, C]}), enc, as_of=dt.date(2024, 6, 1))
    assert f["transfer_blocked"].tolist() == [
        False,
        True,
        False,
    ]  # 民法典 406: a mortgage alone does not block
    assert f.loc[1, "seizures_queued"] == 1
    assert f.loc[1, "blocked_by"] == "轮候查封"
    banned = enc.assign(transfer_banned=pd.array([True, False, pd.NA], dtype="boolean"))
    assert bool(encumbrance_facts(PARCELS, banned, as_of="2024-06-01").loc[0, "transfer_blocked"])

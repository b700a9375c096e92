"""The read-problems channel (issue 16): what survives copy, slicing, concat, merge and combine_parcels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import landkit


@pytest.fixture
def ledger(tmp_path: Path) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "宗地代码": [f"431281101001GB{k:05d}" for k in range(1, 5)],
            "X": [3010050.0 + 100 * k for k in range(4)],
            "Y": [37400050.0 + 100 * k for k in range(4)],
            "约定动工日期": ["2023-05-01", "2023.10", "2023-06-01", "下个月"],
            "面积(平方米)": [100, 200, "50~60", 300],
        }
    )
    rows.to_excel(tmp_path / "tz.xlsx", index=False)
    with pytest.warns(UserWarning, match="EPSG:4525"):
        return landkit.read_parcels(tmp_path / "tz.xlsx")


def _rows(report: pd.DataFrame, problem: str) -> list[str]:
    return report.loc[report["problem"] == problem, "parcel_id"].tolist()


ROW_PROBLEMS = {"imprecise_date": ["431281101001GB00002"], "unparseable_date": ["431281101001GB00004"]}


def test_as_read(ledger: pd.DataFrame) -> None:
    report = landkit.validate(ledger)
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(report, problem) == ids
    assert _rows(report, "number_range") == ["431281101001GB00003"]


def test_copy_keeps_problems(ledger: pd.DataFrame) -> None:
    report = landkit.validate(ledger.copy())
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(report, problem) == ids


def test_slicing_keeps_only_the_rows_problems(ledger: pd.DataFrame) -> None:
    part = ledger.iloc[2:]
    report = landkit.validate(part)
    assert _rows(report, "unparseable_date") == ["431281101001GB00004"]
    assert _rows(report, "imprecise_date") == []  # row 1 was sliced away, and its problem with it
    assert _rows(landkit.validate(ledger[ledger["parcel_id"].str.endswith("2")]), "imprecise_date") == [
        "431281101001GB00002"
    ]
    assert len(landkit.read_problems(part).query("row == 1")) == 0


def test_concat_of_one_tables_slices_keeps_them(ledger: pd.DataFrame) -> None:
    report = landkit.validate(pd.concat([ledger.iloc[:2], ledger.iloc[2:]]))
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(report, problem) == ids


def test_concat_drops_them_and_validate_says_so(ledger: pd.DataFrame) -> None:
    second = ledger.iloc[2:].copy()
    second.attrs["landkit"] = {**second.attrs["landkit"], "source": "another.xlsx"}  # as from another read
    both = pd.concat([ledger.iloc[:2], second])
    report = landkit.validate(both)
    assert _rows(report, "imprecise_date") == []  # pandas dropped attrs …
    assert "read_problems_lost" in set(report["problem"])  # … and the report does not pass as complete
    given = pd.concat([landkit.read_problems(ledger.iloc[:2]), landkit.read_problems(second)])
    explicit = landkit.validate(both, problems=given)
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(explicit, problem) == ids
    assert "read_problems_lost" not in set(explicit["problem"])


def test_merge_with_explicit_problems(ledger: pd.DataFrame) -> None:
    tax = pd.DataFrame({"parcel_id": ledger["parcel_id"], "tax": [1.0, 2.0, 3.0, 4.0]})
    merged = ledger.merge(tax, on="parcel_id").set_index(ledger.index)
    assert "read_problems_lost" in set(landkit.validate(merged)["problem"])
    report = landkit.validate(merged, problems=landkit.read_problems(ledger))
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(report, problem) == ids


def test_combine_carries_them(ledger: pd.DataFrame) -> None:
    other = ledger.iloc[[1]].assign(categories="mortgaged")
    out = landkit.combine_parcels(ledger, other)
    report = landkit.validate(out)
    for problem, ids in ROW_PROBLEMS.items():
        assert _rows(report, problem) == ids

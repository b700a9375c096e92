"""Demand registers as Excel sheets: same keys as the TOML files, unknown columns refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landkit.errors import ConfigError
from landkit.supply import read_demand, read_demands


def test_excel_sheet_equals_toml(tmp_path: Path) -> None:
    (tmp_path / "D1.toml").write_text(
        'id = "D1"\nname = "厂房"\nwanted_by = "2025-06-30"\n[floor_m2]\nmin = 800\nmax = 2400\n'
        '[zones]\nany = ["标厂一期"]\n[building]\nmin_storey_height_m = 8\n'
        '[utilities]\nneed = ["给水", "电力"]\n',
        encoding="utf-8",
    )
    sheet = pd.DataFrame(
        {
            "需求编号": ["D1"],
            "项目名称": ["厂房"],
            "需求日期": ["2025年6月30日"],
            "厂房面积下限（平方米）": ["800"],
            "厂房面积上限": [2400],
            "片区": ["标厂一期"],
            "层高下限": [8],
            "配套需求": ["给水、电力"],
        }
    )
    sheet.to_excel(tmp_path / "demands.xlsx", index=False)
    from_sheet = read_demands(tmp_path / "demands.xlsx")[0]
    from_toml = read_demand(tmp_path / "D1.toml")
    assert from_sheet == from_toml
    assert from_sheet.wanted_by == dt.date(2025, 6, 30)
    assert from_sheet.wants_floor_only


def test_unknown_column_and_duplicate_ids(tmp_path: Path) -> None:
    pd.DataFrame({"需求编号": ["a"], "面积下线": [30]}).to_excel(tmp_path / "bad.xlsx", index=False)
    with pytest.raises(ConfigError, match="unknown column '面积下线'"):
        read_demands(tmp_path / "bad.xlsx")
    pd.DataFrame({"需求编号": ["a", "a"], "用地面积下限": [30, 40]}).to_excel(
        tmp_path / "dup.xlsx", index=False
    )
    with pytest.raises(ConfigError, match="appears twice"):
        read_demands(tmp_path / "dup.xlsx")
    pd.DataFrame({"需求编号": ["a"], "需求日期": ["明年"]}).to_excel(tmp_path / "date.xlsx", index=False)
    with pytest.raises(ConfigError, match="not a date"):
        read_demands(tmp_path / "date.xlsx")

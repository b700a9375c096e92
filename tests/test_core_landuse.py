"""Land-use codes stored with their system, names, and crosswalks (DOMAIN.md §4)."""

from __future__ import annotations

import pytest

from landkit.landuse import (
    SYSTEMS,
    codes_table,
    is_industrial,
    is_known,
    landuse_name,
    normalise_system,
    to_guide2023,
)


def test_1001_depends_on_the_system() -> None:
    assert landuse_name("1001", system="sandiao") == "铁路用地"
    assert landuse_name("1001", system="gbt21010_2017") == "铁路用地"
    assert landuse_name("1001", system="guide2023") == "工业用地"
    assert not is_industrial("1001", system="sandiao")
    assert is_industrial("1001", system="guide2023")


@pytest.mark.parametrize(
    ("code", "system", "target"),
    [
        ("0601", "sandiao", "1001"),
        ("0508", "sandiao", "1101"),
        ("M1", "gb50137", "100101"),
        ("M2", "gb50137", "100102"),
        ("M3", "gb50137", "100103"),
        ("W1", "gb50137", "110101"),
        ("0601", "gbt21010_2017", "1001"),
        ("0604", "gbt21010_2017", "1101"),
        ("100102", "guide2023", "100102"),
    ],
)
def test_crosswalks_from_domain(code: str, system: str, target: str) -> None:
    assert to_guide2023(code, system=system) == target


def test_tables_are_complete_for_the_named_classes() -> None:
    for code, name in {
        "07": "居住用地",
        "08": "公共管理与公共服务用地",
        "09": "商业服务业用地",
        "10": "工矿用地",
        "100101": "一类工业用地",
        "11": "仓储用地",
        "1101": "物流仓储用地",
        "16": "留白用地",
        "2301": "空闲地",
    }.items():
        assert landuse_name(code, system="guide2023") == name
    assert landuse_name("05H1", system="sandiao") == "商业服务业设施用地"
    for s in SYSTEMS:
        t = codes_table(s)
        assert t["code"].is_unique
        assert len(t) > 30
        # every crosswalk target exists in the 2023 guide
        targets = {g for g in t["guide2023"].dropna() if g}
        assert all(is_known(g, system="guide2023") for g in targets), s


def test_system_names() -> None:
    assert normalise_system("三调") == "sandiao"
    assert normalise_system("GB/T 21010-2017") == "gbt21010_2017"
    with pytest.raises(ValueError, match="unknown land-use system"):
        normalise_system("MapGIS")

"""Header mapping, dates, numbers, area units and parcel codes."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import landkit
from landkit.headers import map_headers, short_name
from landkit.schema import FIELDS
from landkit.values import check_parcel_id, check_unit_id, parse_dates, parse_numbers


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("宗地代码", "parcel_id"),
        ("ZDDM", "parcel_id"),
        ("zddm", "parcel_id"),
        ("土地使用权人", "holder"),
        ("TDSYQR", "holder"),
        ("面积(亩)", "declared_area_m2"),
        ("TDMJ", "declared_area_m2"),
        ("容积率", "far"),
        ("RJL", "far"),
        ("地类编码", "landuse_code"),
        ("DLBM", "landuse_code"),
        ("坐落单位代码", "location_code"),
        ("ZLDWDM", "location_code"),
        ("建设状况", "construction_status"),
        ("JSZK", "construction_status"),
        ("盘活方式", "disposal_method"),
        ("PHFS", "disposal_method"),
        ("SZX", "township"),
        ("YJCMJ", "built_area_m2"),
        ("实施时间", "implement_date"),
        ("GHYT", "planned_use"),
        ("抵押权人", "mortgagee"),
        ("不动产单元号", "unit_id"),
    ],
)
def test_headers_map_to_canonical_fields(header: str, field: str) -> None:
    assert map_headers([header]).mapping == {header: field}


def test_field_map_extends_and_overrides() -> None:
    m = map_headers(["地块编码X", "TDSYQR"], field_map={"地块编码X": "parcel_id", "TDSYQR": "user_unit"})
    assert m.mapping == {"地块编码X": "parcel_id", "TDSYQR": "user_unit"}
    with pytest.raises(ValueError, match="unknown field"):
        map_headers(["a"], field_map={"a": "no_such_field"})


def test_short_names_are_unique_and_fit_dbf() -> None:
    names = [short_name(f) for f in FIELDS if f != "geometry"]
    assert len(set(names)) == len(names)
    assert all(len(n.encode()) <= 10 for n in names)
    # and they map back to the same field
    back = map_headers(names).mapping
    assert set(back.values()) == {f for f in FIELDS if f != "geometry"}


def test_dates_in_every_form_ledgers_use() -> None:
    got = parse_dates(
        [
            "2023年5月1日",
            "2023.5.1",
            "2023/05/01",
            "2023-05-01",
            "20230501",
            45047,
            45047.0,
            dt.date(2023, 5, 1),
            " 2023 年 5 月 1 日 ",
        ]
    )
    assert (got == pd.Timestamp("2023-05-01")).all()
    bad = parse_dates(["2023年13月1日", "下个月", None])
    assert bad.isna().all()


def test_excel_serial_matches_excel_epoch() -> None:
    # Excel's day 1 is 1900-01-01 with the 1900 leap-year bug: serial 60 is the fictitious 29 Feb 1900,
    # so modern serials count from 1899-12-30. 2024-02-29 is serial 45351.
    assert parse_dates([45351]).iloc[0] == pd.Timestamp("2024-02-29")


def test_numbers() -> None:
    assert parse_numbers(["1,234.5", "３２", "12.5万元", None, "无"], unit="万元").tolist()[:3] == [
        1234.5,
        32.0,
        12.5,
    ]
    # a unit that cannot be converted to the column's (none stated) is not silently dropped
    assert np.isnan(parse_numbers(["12.5万元"]).iloc[0])


@pytest.mark.parametrize(
    ("header", "value", "m2"),
    [
        ("面积(亩)", 15, 10000.0),
        ("面积（公顷）", 1, 10000.0),
        ("面积(平方米)", 10000, 10000.0),
        ("面积(㎡)", 10000, 10000.0),
    ],
)
def test_area_units_from_header(header: str, value: float, m2: float) -> None:
    g = gpd.GeoDataFrame({header: [value]}, geometry=[box(400000, 3010000, 400100, 3010100)], crs=4546)
    out = landkit.canonicalise(g)
    assert out["declared_area_m2"].iloc[0] == pytest.approx(m2)


def test_area_unit_inferred_from_geometry_and_reported() -> None:
    g = gpd.GeoDataFrame(
        {"TDMJ": [15.0, 30.0]},
        geometry=[box(400000, 3010000, 400100, 3010100), box(401000, 3010000, 401200, 3010100)],
        crs=4546,
    )
    out = landkit.canonicalise(g)
    np.testing.assert_allclose(out["declared_area_m2"], [10000.0, 20000.0])
    report = landkit.validate(out)
    assert "area_unit_inferred" in set(report["problem"])
    assert "area_mismatch" not in set(report["problem"])


def test_area_unit_argument() -> None:
    g = gpd.GeoDataFrame({"MJ": [1.0]}, geometry=[box(400000, 3010000, 400100, 3010100)], crs=4546)
    assert landkit.canonicalise(g, area_unit="公顷")["declared_area_m2"].iloc[0] == 10000.0


def test_money_in_yuan_becomes_wanyuan() -> None:
    g = gpd.GeoDataFrame({"出让价款(元)": [1_500_000]}, geometry=[box(0, 0, 1, 1)], crs=4546)
    assert landkit.canonicalise(g)["land_price"].iloc[0] == 150.0


def test_parcel_codes() -> None:
    assert check_parcel_id("431281003002GB00017") is None
    assert "19位" in check_parcel_id("43128100300GB00017")
    assert "字母" in check_parcel_id("431281003002GQ00017")
    assert check_unit_id("431281003002GB00017F00010001") is None
    assert check_unit_id("431281003002GB00017A00010001") is not None
    g = gpd.GeoDataFrame(
        {
            "ZDDM": ["431281003002GB00017", "4312810030GB0001"],
            "BDCDYH": ["431281003002GB00017F00010001", "431281003002GB00017F0001"],
        },
        geometry=[box(400000, 3010000, 400100, 3010100)] * 2,
        crs=4546,
    )
    report = landkit.validate(landkit.canonicalise(g))
    assert report.loc[report["problem"] == "malformed_parcel_id", "row"].tolist() == [1]
    assert report.loc[report["problem"] == "malformed_unit_id", "row"].tolist() == [1]


def test_unparseable_values_are_reported_not_dropped() -> None:
    g = gpd.GeoDataFrame(
        {"宗地代码": ["431281003002GB00017"], "约定动工日期": ["明年春天"], "容积率": ["约1.2"]},
        geometry=[box(400000, 3010000, 400100, 3010100)],
        crs=4546,
    )
    out = landkit.canonicalise(g)
    assert len(out) == 1
    assert pd.isna(out["agreed_start_date"].iloc[0])
    report = landkit.validate(out)
    row = report[report["problem"] == "unparseable_date"].iloc[0]
    assert "明年春天" in row["detail"]
    assert row["parcel_id"] == "431281003002GB00017"


def test_status_and_landuse_system_labels_are_normalised() -> None:
    g = gpd.GeoDataFrame(
        {"状态": ["已认定", "招商中"], "地类编码": ["0601", "1001"], "分类体系": ["三调", "用地用海分类"]},
        geometry=[box(0, 0, 1, 1)] * 2,
        crs=4546,
    )
    out = landkit.canonicalise(g)
    assert out["status"].tolist() == ["identified", "for_sale"]
    assert out["landuse_system"].tolist() == ["sandiao", "guide2023"]

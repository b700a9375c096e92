"""Issue 17: every problem an analyst reads (validation workbook, notebooks) says in Chinese what was found
and what to do; the machine-readable ``problem`` and ``field`` columns stay English codes.

The sweep reads the sample's delivered layers and its other messy inputs (encumbrance export, park
units), plus messy siblings built here (title rows, partial and unparseable dates, ranges, decimal
commas, units, bad ids, unknown vocabulary, mojibake, X/Y order, a bare GeoJSON array with invalid,
line and empty geometries, a layer in another county, tables merged with ``pd.concat``).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Polygon, box, mapping
from zh_support import cjk_count, english_phrases, english_words

import landkit
from landkit.cases import encumbrance_report, read_encumbrances
from landkit.supply import read_units
from landkit.validate import PROBLEMS

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
DELIVERED = sorted(p for p in (SAMPLE / "delivered").iterdir() if p.suffix in (".shp", ".gpkg", ".xlsx"))


def _quiet_read(path: Path, **kw: object) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():  # CRS inference warns (tested elsewhere); here only the texts matter
        warnings.simplefilter("ignore")
        return landkit.read_parcels(path, **kw)


def _messy_ledger(tmp_path: Path) -> Path:
    rows = {
        "宗地代码": [f"431281101001GB0000{k}" for k in (1, 1, 3)]
        + [None, "43128110100GB0005", "431281101001GB00006"],
        "X": [37400050.0 + 100 * k for k in range(5)] + [""],  # mathematical order: X holds eastings
        "Y": [3010050.0 + 100 * k for k in range(5)] + ["北"],
        "约定动工日期": ["2019年", "2023.10", "明年春天", "2023.1", "2019-05-01", "2019-05-01"],
        "面积(亩)": ["50~60", "12,5", "约三十", "30元", "20", "20"],
        "宗地面积": [1, 2, 3, 4, 5, 6],
        "状态": ["weird", "招商中", "招商中", "招商中", "招商中", "招商中"],
        "类别": ["foo", "闲置", "闲置", "闲置", "闲置", "闲置"],
        "地类编码": ["0601"] * 6,
        "土地使用者": ["锟斤拷公司", "甲", "乙", "丙", "丁", "戊"],
    }
    path = tmp_path / "台账.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame(rows).to_excel(xw, index=False, startrow=2)
        xw.sheets["Sheet1"].cell(row=1, column=1, value="洪江市闲置土地台账（2024年）")
    return path


def _messy_geojson(tmp_path: Path) -> Path:
    x, y = 110.0, 27.2
    shapes = [
        Polygon([(x, y), (x + 0.001, y + 0.001), (x + 0.001, y), (x, y + 0.001)]),  # bow-tie
        LineString([(x, y), (x + 0.001, y)]),
        box(x, y, x + 0.001, y + 0.001),
        box(x + 0.01, y, x + 0.011, y + 0.001),
    ]
    props = [
        {"宗地代码": "431281101001GB00001", "地类编码": "9999", "分类体系": "sandiao"},
        {"宗地代码": "431281101001GB00002", "地类编码": "0601", "分类体系": "城规"},
        {"宗地代码": "431281101001GB00003", "面积(亩)": 40},
        {"宗地代码": "431281101001GB00004"},
    ]
    pairs = zip(props, shapes, strict=True)
    feats = [{"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in pairs]
    feats.append({"type": "Feature", "properties": {"宗地代码": "431281101001GB00005"}, "geometry": None})
    path = tmp_path / "web.geojson"
    path.write_text(json.dumps(feats, ensure_ascii=False), encoding="utf-8")
    return path


def _messy_units(tmp_path: Path) -> Path:
    path = tmp_path / "units.xlsx"
    pd.DataFrame(
        {
            "楼栋": ["1号", "1号", "2号"],
            "单元号": ["101", "101", "201"],
            "建筑面积(平方米)": [500, -3, "约五百"],
            "承租企业": ["甲公司", None, None],
            "空置起始日期": ["2024-01-01", "下个月", None],
            "租期起止": ["2023-01-01至2025-12-31", None, "三年"],
            "宗地代码": ["431281101001GB00001", "4312811", None],
        }
    ).to_excel(path, index=False)
    return path


def _reports(tmp_path: Path) -> list[pd.DataFrame]:
    layers = [_quiet_read(p) for p in DELIVERED]
    reports = [landkit.validate(g) for g in layers]
    reports.append(landkit.validate(landkit.combine_parcels(*layers)))
    merged = pd.concat([layers[0], layers[1].to_crs(layers[0].crs)], ignore_index=True)
    reports.append(landkit.validate(merged))  # read_problems_lost
    reports.append(landkit.validate(_quiet_read(_messy_ledger(tmp_path))))
    web = _quiet_read(_messy_geojson(tmp_path))
    reports.append(landkit.validate(web))
    reports.append(landkit.repair_geometries(web[web.geom_type == "Polygon"])[1])
    far = web.iloc[[2]].set_geometry(web.iloc[[2]].geometry.translate(10, 4))
    reports.append(landkit.validate(far))  # wrong_county
    reports.append(landkit.validate(web.iloc[[2]], region=(100.0, 20.0, 101.0, 21.0)))  # outside_extent
    units = read_units(_messy_units(tmp_path))
    reports.append(landkit.read_problems(units))
    return reports


#: the codes the sweep must reach (so a green run means these texts were all looked at)
SWEPT = {
    "area_mismatch", "area_unit_assumed", "area_unit_inferred", "crs_inferred", "encoding_detected",
    "read_problems_lost", "duplicate_id", "duplicate_header", "unparseable_date", "imprecise_date",
    "number_range", "ambiguous_number", "unparseable_number", "unit_mismatch", "point_geometry", "missing_id",
    "malformed_parcel_id", "missing_landuse_system", "unknown_category", "unknown_status", "mojibake",
    "title_rows_skipped", "ledger_points", "bad_coordinates", "xy_swapped", "null_geometry", "not_polygon",
    "invalid_geometry", "repaired_geometry", "unknown_landuse_code", "unknown_landuse_system",
    "bare_feature_array", "lonlat_wgs84", "wrong_county", "outside_extent", "negative_value",
    "tenant_and_vacant", "bad_parcel_id",
}  # fmt: skip


def _is_chinese(text: str) -> bool:
    cjk = cjk_count(text)
    return cjk > 0 and not english_phrases(text) and len(english_words(text)) * 3 <= cjk


def test_every_problem_from_messy_inputs_is_written_in_chinese(tmp_path: Path) -> None:
    report = pd.concat(_reports(tmp_path), ignore_index=True)
    assert set(report["problem"]) >= SWEPT, sorted(SWEPT - set(report["problem"]))
    assert report["problem"].str.fullmatch(r"[a-z0-9_]+").all()  # codes stay machine-readable
    canonical = report["field"].fillna("").str.fullmatch(r"[A-Za-z0-9_]*")
    assert set(report.loc[~canonical, "field"]) == {"宗地面积", "土地使用者"}  # source columns kept by name
    bad = report[~report["detail"].map(_is_chinese) | ~report["suggestion"].fillna("").map(_is_chinese)]
    assert bad.empty, bad[["problem", "detail", "suggestion"]].to_string()


def test_every_validate_code_has_a_chinese_description_and_a_suggestion(tmp_path: Path) -> None:
    report = pd.concat(_reports(tmp_path)[:-1], ignore_index=True)  # validate's reports (units aside)
    assert set(report["problem"]) <= set(PROBLEMS)
    assert (report["suggestion"].fillna("").str.len() > 0).all()  # each says what to do
    assert all(cjk_count(v) for v in PROBLEMS.values())


def test_imprecise_date_says_what_was_kept_and_what_to_do(tmp_path: Path) -> None:
    report = landkit.validate(_quiet_read(_messy_ledger(tmp_path)))
    row = report[report["value"] == "2019年"].iloc[0]
    assert row["problem"] == "imprecise_date"
    assert "“2019年”只到年份" in row["detail"]
    assert "2019-01-01" in row["detail"]  # what it was kept as
    assert row["suggestion"].startswith("请补全到日")


def _messy_encumbrances(tmp_path: Path) -> Path:
    a = "431281101001GB00001"
    rows = [
        "宗地代码,不动产单元号,权利类型,抵押权人,债权数额(万元),抵押面积(垧),登记日期,注销日期,查封日期,查封期限,轮候查封",
        f"{a},,抵押,,-5,3,2021-03-05,2020-01-01,,,",
        ",,抵押,沅丰银行,10,,2021-03-05,,,,",
        f"{a},,不知道,,,,,,,,",
        f"{a},,查封,,,,,,2022-01-01,很久,也许",
        "4312811,,抵押,沅丰银行,10,,2021年,,,,",
        f"{a},,抵押,沅丰银行,10,,,,,,",
    ]
    path = tmp_path / "enc.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_encumbrance_problems_are_chinese(tmp_path: Path) -> None:
    sample = encumbrance_report(read_encumbrances(SAMPLE / "cases" / "encumbrances.xlsx"))
    messy = encumbrance_report(read_encumbrances(_messy_encumbrances(tmp_path)))
    report = pd.concat([sample, messy], ignore_index=True)
    assert set(report["problem"]) >= {
        "imprecise_date", "unparseable_number", "key_mismatch", "unknown_unit", "missing_key",
        "malformed_parcel_id", "unknown_kind", "dates_out_of_order", "negative_value", "unparseable_term",
        "unparseable_flag", "missing_mortgagee", "missing_registered_date",
    }  # fmt: skip
    bad = report[~report["detail"].map(_is_chinese)]
    assert bad.empty, bad[["problem", "detail"]].to_string()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("登记面积 8.51 亩，图形面积 6.55 亩（相差 +30.0%）", True),
        ("如推断不对，读取时传入 crs='EPSG:xxxx'", True),
        ("DBF 属性文字按 gb18030 编码读取", True),
        ("check the CRS (zone, X/Y order) or the region", False),
        ("日期 gives only the year; kept as 2019-01-01", False),
    ],
)
def test_the_chinese_check_itself(text: str, ok: bool) -> None:
    assert _is_chinese(text) is ok


def test_repeated_row_labels_are_refused_not_misreported() -> None:
    layer = _quiet_read(DELIVERED[0])
    with pytest.raises(landkit.errors.ValidationError, match="ignore_index=True"):
        landkit.validate(pd.concat([layer, layer]))  # was a TypeError deep inside the area check

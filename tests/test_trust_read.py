"""Issue 10, reading half: every value read is right, reported, or refused (dates, numbers, ledgers …)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import Polygon, box

import landkit
from landkit.errors import CRSInferenceError, CRSMismatchError, DataFormatError
from landkit.units import HA_M2, MU_M2
from landkit.values import parse_dates, parse_numbers, parse_quantities, precision_column

# --- 1. dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "date", "precision"),
    [
        ("2023.10", "2023-10-01", "month"),  # the example: was 1905-07-15
        ("2023.5", "2023-05-01", "month"),
        ("2023-05", "2023-05-01", "month"),
        ("2023/5", "2023-05-01", "month"),
        ("2023年5月", "2023-05-01", "month"),
        ("202305", "2023-05-01", "month"),
        ("2023", "2023-01-01", "year"),
        ("2023年", "2023-01-01", "year"),
        (2023, "2023-01-01", "year"),  # an integer year in a numeric cell
        (2023.5, "2023-05-01", "month"),
        ("二〇二三年五月一日", "2023-05-01", "day"),
        ("二零二三年十月", "2023-10-01", "month"),
        ("二〇二三年十二月三十一日", "2023-12-31", "day"),
        ("２０２３年５月１日", "2023-05-01", "day"),
        (45047, "2023-05-01", "day"),  # Excel serial from a numeric cell
        (20230501, "2023-05-01", "day"),
        ("2023-05-01 00:00:00", "2023-05-01", "day"),
    ],
)
def test_dates_keep_their_precision(cell: object, date: str, precision: str) -> None:
    d, p = parse_dates([cell], with_precision=True)
    assert d.iloc[0] == pd.Timestamp(date)
    assert p.iloc[0] == precision


@pytest.mark.parametrize(
    "cell", ["45047", "1000", 1000, 2023.1, "2023年13月", "2023.13", True, "下个月", "2023.10.5x"]
)
def test_not_dates_are_missing(cell: object) -> None:
    # text is never an Excel serial; a numeric 2023.1 may be 2023.10 with its zero cut off
    assert pd.isna(parse_dates([cell]).iloc[0])


def test_excel_serials_only_in_plausible_range() -> None:
    # serial 45047 = 2023-05-01 (Excel counts from 1899-12-30): independent answer from datetime
    assert parse_dates([45047]).iloc[0] == pd.Timestamp(dt.date(1899, 12, 30) + dt.timedelta(days=45047))
    assert parse_dates([5000, 80000]).isna().all()  # 1913 and 2119: not ledger dates


def _ledger(tmp_path: Path, rows: dict[str, list[object]], *, title: bool = False) -> Path:
    path = tmp_path / "tz.xlsx"
    frame = pd.DataFrame(rows)
    with pd.ExcelWriter(path) as xw:
        frame.to_excel(xw, index=False, startrow=2 if title else 0)
        if title:
            xw.sheets["Sheet1"].cell(row=1, column=1, value="洪江市闲置土地台账（2024年）")
    return path


def _xy(n: int) -> dict[str, list[object]]:
    return {
        "宗地代码": [f"431281101001GB{k:05d}" for k in range(1, n + 1)],
        "X": [3010050.0 + 100 * k for k in range(n)],
        "Y": [37400050.0 + 100 * k for k in range(n)],
    }


def test_ledger_dates_precision_column_and_report(tmp_path: Path) -> None:
    cells: list[object] = ["2023.10", 2023, 45047, "2023-05-01", "45047", 2023.5]
    path = _ledger(tmp_path, {**_xy(6), "约定动工日期": cells, "面积(亩)": [1] * 6})
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    col = precision_column("agreed_start_date")
    assert col == "agreed_start_date_precision"
    assert gdf[col].dtype == "string"
    assert gdf[col].tolist()[:4] == ["month", "year", pd.NA, pd.NA]
    assert gdf["agreed_start_date"].tolist()[:4] == [
        pd.Timestamp(s) for s in ("2023-10-01", "2023-01-01", "2023-05-01", "2023-05-01")
    ]
    assert pd.isna(gdf["agreed_start_date"].iloc[4])  # text "45047" is not a serial
    report = landkit.validate(gdf)
    imprecise = report[report["problem"] == "imprecise_date"].set_index("row")
    assert sorted(imprecise.index) == [0, 1, 5]
    assert imprecise.loc[0, "value"] == "2023.10"
    assert imprecise.loc[0, "field"] == "agreed_start_date"
    assert imprecise.loc[0, "severity"] == "warning"
    assert imprecise["suggestion"].str.startswith("请补全到日").all()
    bad = report[report["problem"] == "unparseable_date"]
    assert bad["row"].tolist() == [4]
    assert bad["value"].tolist() == ["45047"]


def test_exact_dates_add_no_precision_column(tmp_path: Path) -> None:
    path = _ledger(tmp_path, {**_xy(2), "约定动工日期": ["2023-05-01", "二〇二三年五月一日"]})
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    assert precision_column("agreed_start_date") not in gdf.columns
    assert (gdf["agreed_start_date"] == pd.Timestamp("2023-05-01")).all()


# --- 2. numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "m2"),
    [
        ("1 234.5", 1234.5),  # was 1
        ("1\u2009234.5", 1234.5),  # thin space
        ("1\u202f234", 1234.0),
        ("1,234,567", 1234567.0),
        ("1.2万", 12000.0),  # was 1.2
        ("3千", 3000.0),
        ("50亩", 50 * 10000 / 15),  # was 50
        ("3.5公顷", 35000.0),  # was 3.5
        ("120平方米", 120.0),
        ("120㎡", 120.0),
        ("120 m2", 120.0),
        ("１２０", 120.0),
    ],
)
def test_numbers_parse_whole_cell_into_column_unit(cell: str, m2: float) -> None:
    assert parse_numbers([cell], unit="m2").iloc[0] == pytest.approx(m2)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("50~60", "number_range"),  # was 50
        ("50-60", "number_range"),
        ("50至60亩", "number_range"),
        ("12,5", "ambiguous_number"),  # was 125
        ("1,23", "ambiguous_number"),
        ("1,2345", "ambiguous_number"),
        ("1.234,5", "ambiguous_number"),
        ("12.5万元", "unit_mismatch"),  # money in an area column
        ("约50", "unparseable_number"),
        ("50亩左右", "unparseable_number"),
    ],
)
def test_numbers_that_cannot_be_read_whole_are_reported(cell: str, problem: str) -> None:
    q = parse_quantities([cell], unit="m2")
    assert np.isnan(q["value"].iloc[0])
    assert q["problem"].iloc[0] == problem


def test_numbers_in_a_ledger_convert_and_report(tmp_path: Path) -> None:
    areas = ["50亩", "3.5公顷", "1.2万", "50~60", "12,5", "1 234.5"]
    path = _ledger(
        tmp_path, {**_xy(6), "面积(平方米)": areas, "总投资(万元)": ["1.2亿元", "3000元", 12, "", "", ""]}
    )
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    got = gdf["declared_area_m2"].tolist()
    assert got[0] == pytest.approx(50 * MU_M2)
    assert got[1] == pytest.approx(3.5 * HA_M2)
    assert got[2] == 12000.0
    assert got[5] == 1234.5
    assert np.isnan(got[3])
    assert np.isnan(got[4])
    assert gdf["total_investment"].tolist()[:3] == pytest.approx([12000.0, 0.3, 12.0])
    report = landkit.validate(gdf)
    rows = report[report["field"] == "declared_area_m2"].set_index("row")
    assert rows.loc[3, "problem"] == "number_range"
    assert rows.loc[3, "value"] == "50~60"
    assert rows.loc[4, "problem"] == "ambiguous_number"
    assert rows.loc[4, "value"] == "12,5"


def test_bare_area_column_with_unit_cells(tmp_path: Path) -> None:
    """Cells stating their unit are converted; bare figures follow the column's (inferred) unit."""
    g = gpd.GeoDataFrame(
        {"面积": ["15", "1公顷"]},
        geometry=[box(400000, 3010000, 400100, 3010100), box(401000, 3010000, 401100, 3010100)],
        crs=4546,
    )
    out = landkit.canonicalise(g)
    np.testing.assert_allclose(out["declared_area_m2"], [10000.0, 10000.0])


# --- 5. ledgers -----------------------------------------------------------------------------------


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    path = _ledger(tmp_path, {**_xy(2), "土地使用权人": ["甲公司", "乙公司"]}, title=True)
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    assert gdf["holder"].tolist() == ["甲公司", "乙公司"]
    assert gdf.geometry.y.tolist() == [3010050.0, 3010150.0]
    report = landkit.validate(gdf)
    assert "title_rows_skipped" in set(report["problem"])
    with pytest.warns(UserWarning, match="EPSG:4525"):
        again = landkit.read_parcels(path, header_row=3)
    assert again["holder"].tolist() == ["甲公司", "乙公司"]
    with pytest.raises(DataFormatError, match="no geometry"):
        landkit.read_parcels(path, header_row=1)


def test_title_rows_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "tz.csv"
    path.write_text(
        "洪江市闲置土地台账（2024年）\n\n宗地代码,X,Y\n431281101001GB00001,3010050,37400050\n", encoding="gbk"
    )
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    assert gdf["parcel_id"].tolist() == ["431281101001GB00001"]


@pytest.mark.parametrize("bad", [None, "", "缺", "3,010,0a0"])
def test_empty_or_text_xy_is_reported_not_nan_point(tmp_path: Path, bad: object) -> None:
    rows = _xy(3)
    rows["X"][1] = bad
    path = _ledger(tmp_path, rows)
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    assert gdf.geometry.iloc[1] is None
    assert gdf.geometry.iloc[0].y == 3010050.0
    report = landkit.validate(gdf)
    row = report[(report["problem"] == "bad_coordinates") & (report["row"] == 1)]
    assert len(row) == 1
    assert row["severity"].iloc[0] == "error"


def test_ring_numbers_make_holes(tmp_path: Path) -> None:
    code = "431281101001GB00001"
    outer = [(0, 0), (0, 200), (200, 200), (200, 0)]
    hole = [(50, 50), (50, 100), (100, 100), (100, 50)]
    island = [(300, 0), (300, 50), (350, 50), (350, 0)]
    pts = []
    for ring, coords in ((1, outer), (2, hole), (3, island)):
        for k, (dx, dy) in enumerate(coords, 1):
            pts.append(
                {"宗地代码": code, "圈号": ring, "界址点号": f"J{k}", "X": 3010000.0 + dy, "Y": 400000.0 + dx}
            )
    path = tmp_path / "jzd.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"宗地代码": [code], "面积(平方米)": [40000 - 2500 + 2500]}).to_excel(xw, index=False)
        pd.DataFrame(pts).to_excel(xw, sheet_name="界址点", index=False)
    gdf = landkit.read_parcels(path, crs="EPSG:4546")
    geom = gdf.geometry.iloc[0]
    shift = lambda c: [(400000.0 + x, 3010000.0 + y) for x, y in c]  # noqa: E731
    expected = shapely.MultiPolygon([Polygon(shift(outer), [shift(hole)]), Polygon(shift(island))])
    assert geom.is_valid
    assert geom.area == pytest.approx(expected.area)  # 40000 - 2500 + 2500
    assert geom.symmetric_difference(expected).area == pytest.approx(0.0, abs=1e-6)


def test_point_ledger_area_without_unit_is_a_named_assumption(tmp_path: Path) -> None:
    path = _ledger(tmp_path, {**_xy(2), "面积": [15, 30]})
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    report = landkit.validate(gdf)
    row = report[report["problem"] == "area_unit_assumed"]
    assert row["severity"].tolist() == ["warning"]
    assert "平方米" in row["detail"].iloc[0]
    assert "亩" in row["suggestion"].iloc[0]


# --- 6. combining ---------------------------------------------------------------------------------


def test_combine_keeps_within_layer_duplicates() -> None:
    pid = "431281101001GB00001"
    idle = gpd.GeoDataFrame(
        {"parcel_id": [pid, pid], "holder": ["甲公司", "乙公司"], "categories": ["idle", "idle"]},
        geometry=[box(400000, 3010000, 400100, 3010100), box(400200, 3010000, 400300, 3010100)],
        crs=4546,
    )
    mortgaged = gpd.GeoDataFrame(
        {"parcel_id": [pid], "categories": ["mortgaged"]},
        geometry=[box(400000, 3010000, 400100, 3010100)],
        crs=4546,
    )
    out = landkit.combine_parcels(idle, mortgaged)
    assert sorted(out["holder"]) == ["乙公司", "甲公司"]  # neither holder disappears
    assert len(out) == 2
    assert out.geometry.area.sum() == pytest.approx(20000.0)
    assert set(out["categories"]) == {"idle,mortgaged"}
    report = landkit.validate(out, region=(109.0, 26.0, 111.0, 28.0))
    assert set(report.loc[report["problem"] == "duplicate_id", "row"]) == {0, 1}
    assert "duplicate_in_layer" in set(report["problem"])


def test_combine_relabels_read_problems(tmp_path: Path) -> None:
    a = _ledger(tmp_path, {**_xy(2), "约定动工日期": ["2023-05-01", "2023.10"]})
    with pytest.warns(UserWarning, match="EPSG:4525"):
        layer = landkit.read_parcels(a)
    other = layer.iloc[[1]].assign(categories="mortgaged")
    out = landkit.combine_parcels(layer.iloc[[0]], other)
    report = landkit.validate(out)
    row = report[report["problem"] == "imprecise_date"]
    assert out.loc[row["row"].iloc[0], "parcel_id"] == "431281101001GB00002"


# --- 11. source area columns ---------------------------------------------------------------------


def test_source_area_column_kept_and_checked() -> None:
    g = gpd.GeoDataFrame(
        {"area_m2": [10000.0, 25000.0]}, geometry=[box(400000, 3010000, 400100, 3010100)] * 2, crs=4546
    )
    out = landkit.canonicalise(g)
    assert out["declared_area_m2"].tolist() == [10000.0, 25000.0]
    geod = abs(pyproj.Geod(ellps="GRS80").geometry_area_perimeter(g.to_crs(4490).geometry.iloc[0])[0])
    assert out["area_m2"].iloc[0] == pytest.approx(geod, rel=1e-6)
    report = landkit.validate(out)
    assert report.loc[report["problem"] == "area_mismatch", "row"].tolist() == [1]


def test_real_xinwu_area_column_is_kept(realdata: Path) -> None:
    import pyogrio

    raw = pyogrio.read_dataframe(realdata / "xinwu_land_use.gpkg", columns=["area_m2"], read_geometry=False)
    gdf = landkit.read_parcels(realdata / "xinwu_land_use.gpkg", region=(120.2, 31.4, 120.6, 31.7))
    np.testing.assert_allclose(gdf["declared_area_m2"].to_numpy(), raw["area_m2"].to_numpy())
    assert not np.allclose(gdf["area_m2"].to_numpy(), raw["area_m2"].to_numpy(), rtol=1e-9)


# --- 3. files / CRS -------------------------------------------------------------------------------


def test_metres_under_lonlat_prj_name_the_crs(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"a": [1]}, geometry=[box(37400000, 3010000, 37400100, 3010100)], crs=4490)
    g.to_file(tmp_path / "m.shp")
    with pytest.raises(CRSMismatchError, match="EPSG:4525"):
        landkit.read_parcels(tmp_path / "m.shp")


def _write_without_crs(path: Path) -> None:
    import warnings

    g = gpd.GeoDataFrame({"a": [1]}, geometry=[box(109.9, 27.1, 109.91, 27.11)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # geopandas notes the missing CRS: that is the point
        g.to_file(path)


def test_lonlat_with_projected_crs_given_is_refused(tmp_path: Path) -> None:
    _write_without_crs(tmp_path / "ll.shp")
    with pytest.raises(CRSMismatchError, match="EPSG:4490"):
        landkit.read_parcels(tmp_path / "ll.shp", crs="EPSG:4546")
    with pytest.raises(CRSInferenceError, match="EPSG:99999"):
        landkit.read_parcels(tmp_path / "ll.shp", crs="EPSG:99999")


def test_cli_crs_errors_are_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from landkit.cli.main import cli

    _write_without_crs(tmp_path / "ll.shp")
    for crs in ("EPSG:99999", "EPSG:4546"):
        res = CliRunner().invoke(cli, ["validate", str(tmp_path / "ll.shp"), "--crs", crs])
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output
        assert len(res.output.strip().splitlines()) == 1
        assert "0.00 亩" not in res.output


# --- 10. GCJ-02 -----------------------------------------------------------------------------------


def test_real_gcj02_boundary_converted_once(realdata: Path) -> None:
    from landkit.gcj02 import gcj02_to_wgs84, shift_geometries

    path = realdata / "hongjiang_431281_datav_gcj02.json"
    as_is = gpd.read_file(path)
    gdf = landkit.read_layer(path, crs="GCJ-02")
    assert gdf.crs.to_epsg() == 4490
    x, y = np.asarray(
        as_is.geometry.iloc[0].exterior.coords
        if as_is.geometry.iloc[0].geom_type == "Polygon"
        else as_is.geometry.iloc[0].geoms[0].exterior.coords
    ).T[:2]
    ex, ey = gcj02_to_wgs84(x, y)
    got = np.asarray(gdf.geometry.iloc[0].geoms[0].exterior.coords).T
    np.testing.assert_allclose(got[0], ex, atol=1e-9)
    np.testing.assert_allclose(got[1], ey, atol=1e-9)
    # ~460 m E, −373 m N (realdata README): a real shift, not a relabel
    geod = pyproj.Geod(ellps="GRS80")
    _, _, dist = geod.inv(x[0], y[0], got[0][0], got[1][0])
    assert 450 < dist < 700
    # shifting back for 高德 tiles (what the browse page does) gives the file's coordinates: one shift only
    back = shift_geometries(gdf.geometry, source="wgs84", target="gcj02")
    np.testing.assert_allclose(np.asarray(back.iloc[0].geoms[0].exterior.coords).T[0], x, atol=1e-7)
    report = landkit.validate(landkit.canonicalise(gdf))
    assert "gcj02_converted" in set(report["problem"])


def test_bd09_and_lonlat_hint(tmp_path: Path, realdata: Path) -> None:
    from landkit.gcj02 import bd09_to_wgs84

    g = gpd.GeoDataFrame({"a": [1]}, geometry=[box(109.9, 27.1, 109.91, 27.11)], crs=4326)
    g.to_file(tmp_path / "bd.geojson")
    out = landkit.read_layer(tmp_path / "bd.geojson", crs="BD-09")
    corners = np.asarray(g.geometry.iloc[0].exterior.coords).T
    ex, ey = bd09_to_wgs84(corners[0], corners[1])
    got = np.asarray(out.geometry.iloc[0].exterior.coords).T
    np.testing.assert_allclose(got, np.vstack([ex, ey]), atol=1e-9)
    plain = landkit.validate(landkit.read_parcels(tmp_path / "bd.geojson"))
    hint = plain[plain["problem"] == "lonlat_wgs84"]["detail"].iloc[0]
    assert "GCJ-02" in hint
    assert "crs='GCJ-02'" in hint
    with pytest.raises(CRSMismatchError, match="lon/lat"):
        landkit.read_layer(realdata / "xinwu_land_use.gpkg", crs="GCJ-02")


def _five_parcels(tmp_path: Path) -> Path:
    g = gpd.GeoDataFrame(
        {"ZDDM": [f"431281101001GB{k:05d}" for k in range(1, 6)], "TDSYQR": ["洪江置业"] * 5},
        geometry=[box(400000 + 200 * k, 3010000, 400100 + 200 * k, 3010100) for k in range(5)],
        crs=4546,
    )
    path = tmp_path / "five.shp"
    landkit.write_parcels(g, path)
    return path


def test_truncated_dbf_is_refused(tmp_path: Path) -> None:
    path = _five_parcels(tmp_path)
    dbf = path.with_suffix(".dbf")
    data = dbf.read_bytes()
    record_len = int.from_bytes(data[10:12], "little")
    dbf.write_bytes(data[: len(data) - 2 * record_len - 1])  # the last two records (and the EOF byte) lost
    with pytest.raises(DataFormatError, match="truncated: its header says 5 records but the file holds 3"):
        landkit.read_parcels(path)


def test_truncated_shp_says_truncated(tmp_path: Path) -> None:
    path = _five_parcels(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    with pytest.raises(DataFormatError, match=r"five\.shp is truncated"):
        landkit.read_parcels(path)


def test_shx_disagreeing_with_dbf_is_refused(tmp_path: Path) -> None:
    path = _five_parcels(tmp_path)
    shx = path.with_suffix(".shx")
    shx.write_bytes(shx.read_bytes()[:-16])
    with pytest.raises(DataFormatError, match=r"indexes 3 shapes but the \.dbf has 5"):
        landkit.read_parcels(path)


def test_intact_real_shapefile_passes_the_checks(realdata: Path) -> None:
    from landkit._shapefile import check_shapefile

    assert check_shapefile(realdata / "gbk_chinese_poly" / "chinese_poly.shp") == 1


# --- 4. encodings ---------------------------------------------------------------------------------


def _shapefile_with_bytes(tmp_path: Path, names: list[bytes], *, cpg: str | None) -> Path:
    """A shapefile whose NAME field holds exactly ``names`` (bytes), written through Latin-1."""
    g = gpd.GeoDataFrame(
        {"TDSYQR": [b.decode("latin-1") for b in names]},
        geometry=[box(400000 + 200 * k, 3010000, 400100 + 200 * k, 3010100) for k in range(len(names))],
        crs=4546,
    )
    path = tmp_path / "mixed.shp"
    g.to_file(path, encoding="ISO-8859-1")
    for f in path.parent.glob("mixed.[cC][pP][gG]"):
        f.unlink()
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg, encoding="ascii")
    return path


def test_mixed_utf8_and_gbk_rows_decoded_per_value(tmp_path: Path) -> None:
    names = ["洪江置业".encode(), "黔城建材".encode("gbk"), "安江农贸".encode(), "托口水电".encode("gbk")]
    path = _shapefile_with_bytes(tmp_path, names, cpg=None)
    gdf = landkit.read_parcels(path)
    assert gdf["holder"].tolist() == ["洪江置业", "黔城建材", "安江农贸", "托口水电"]
    report = landkit.validate(gdf)
    mixed = report[report["problem"] == "mixed_encoding"]
    assert len(mixed) == 1
    assert "2 行为 UTF-8，2 行为 GBK" in mixed["detail"].iloc[0]


@pytest.mark.parametrize("cpg", ["936", "GBK", "CP936"])
def test_wrong_cpg_on_utf8_text(tmp_path: Path, cpg: str) -> None:
    names = ["洪江置业".encode(), "黔城建材".encode()]
    path = _shapefile_with_bytes(tmp_path, names, cpg=cpg)
    gdf = landkit.read_parcels(path)
    assert gdf["holder"].tolist() == ["洪江置业", "黔城建材"]
    report = landkit.validate(gdf)
    row = report[report["problem"] == "encoding_detected"]
    assert row["severity"].tolist() == ["warning"]


def test_improbable_text_is_flagged_with_rows(tmp_path: Path) -> None:
    names = ["洪江置业".encode(), "黔城建材".encode()]
    path = _shapefile_with_bytes(tmp_path, names, cpg=None)
    gdf = landkit.read_parcels(path, encoding="gb18030")  # the user forces the wrong encoding
    assert gdf["holder"].iloc[0] == "洪江置业".encode().decode("gb18030")  # valid GB18030, garbage Chinese
    report = landkit.validate(gdf)
    flagged = report[report["problem"] == "improbable_text"]
    assert flagged["row"].tolist() == [0, 1]
    assert "洪江置业" in flagged["detail"].iloc[0]
    assert "mojibake" not in set(report["problem"])  # the old check missed it: this one is new


def test_real_gbk_shapefile_is_not_flagged(realdata: Path) -> None:
    gdf = landkit.read_parcels(realdata / "gbk_chinese_poly" / "chinese_poly.shp", region=(120, 40, 135, 54))
    assert gdf["name"].iloc[0] == "黑龙江省"
    report = landkit.validate(gdf)
    assert not {"improbable_text", "mixed_encoding", "mojibake"} & set(report["problem"])


def test_lonlat_inference_warning_names_gcj02(tmp_path: Path) -> None:
    _write_without_crs(tmp_path / "ll.shp")
    with pytest.warns(UserWarning, match=r"often GCJ-02.*crs='GCJ-02'"):
        landkit.read_parcels(tmp_path / "ll.shp")

"""Every input format bureaus hand over, and round trips per driver."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Polygon, box

import landkit
from landkit.errors import CRSMismatchError, DataFormatError


def _parcels() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "宗地代码": ["431281101001GB00001", "431281101001GB00002", "431281102003GB00003"],
            "土地使用权人": ["洪江市甲公司", "洪江市乙公司", "丙"],
            "面积(亩)": [15.0, 30.0, 7.5],
            "约定动工日期": ["2021年3月15日", "2020.2.29", "2022/05/01"],
            "类别": ["闲置", "闲置、抵押", "低效"],
            "自定义": ["a", "b", "c"],
        },
        geometry=[
            box(400000, 3010000, 400100, 3010100),
            box(401000, 3010000, 401200, 3010100),
            box(402000, 3010000, 402050, 3010100),
        ],
        crs=4546,
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".gdb", ".xlsx", ".csv"])
def test_round_trip_per_driver(tmp_path: Path, suffix: str) -> None:
    src = landkit.canonicalise(_parcels())
    path = tmp_path / f"parcels{suffix}"
    if suffix == ".gdb":
        pyogrio.write_dataframe(
            src.assign(**{c: src[c].astype(str) for c in ("agreed_start_date",)}),
            path,
            driver="OpenFileGDB",
            layer="parcels",
        )
    else:
        landkit.write_parcels(src, path)
    back = landkit.read_parcels(path)
    assert back.crs.equals(src.crs)
    assert back["parcel_id"].tolist() == src["parcel_id"].tolist()
    assert back["holder"].tolist() == ["洪江市甲公司", "洪江市乙公司", "丙"]
    np.testing.assert_allclose(back["area_m2"], src["area_m2"], rtol=1e-9)
    assert back["categories"].tolist() == ["idle", "idle,mortgaged", "low_efficiency"]
    assert back["agreed_start_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-03-15",
        "2020-02-29",
        "2022-05-01",
    ]
    assert "自定义" in back.columns  # unmapped columns are kept


def test_write_refuses_to_overwrite(tmp_path: Path) -> None:
    src = landkit.canonicalise(_parcels())
    landkit.write_parcels(src, tmp_path / "p.gpkg")
    with pytest.raises(FileExistsError, match="overwrite"):
        landkit.write_parcels(src, tmp_path / "p.gpkg")
    landkit.write_parcels(src.iloc[:1], tmp_path / "p.gpkg", overwrite=True)
    assert len(landkit.read_parcels(tmp_path / "p.gpkg")) == 1


def test_shapefile_writes_gbk_on_request(tmp_path: Path) -> None:
    src = landkit.canonicalise(_parcels())
    out = landkit.write_parcels(src, tmp_path / "p.shp", encoding="GBK")
    assert out.with_suffix(".cpg").read_text() == "GBK"
    assert "洪江市甲公司".encode("gbk") in out.with_suffix(".dbf").read_bytes()
    fields = pyogrio.read_info(out)["fields"]
    assert all(len(f.encode()) <= 10 for f in fields)
    assert landkit.read_parcels(out)["holder"].iloc[0] == "洪江市甲公司"


def test_geopackage_layers(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    _parcels().to_file(path, layer="闲置")
    _parcels().iloc[:1].to_file(path, layer="低效")
    with pytest.raises(DataFormatError, match="2 layers"):
        landkit.read_parcels(path)
    assert len(landkit.read_parcels(path, layer="低效")) == 1


def test_bare_feature_array(tmp_path: Path) -> None:
    fc = json.loads(_parcels().to_crs(4326).to_json())
    path = tmp_path / "array.json"
    path.write_text(json.dumps(fc["features"], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_dataframe(path)  # GDAL refuses a bare array
    gdf = landkit.read_parcels(path)
    assert len(gdf) == 3
    assert gdf.crs.to_epsg() == 4326
    ref = landkit.geodesic_area(_parcels())
    np.testing.assert_allclose(gdf["area_m2"].to_numpy(), ref.to_numpy(), rtol=1e-6)


def test_real_datav_feature_array(tmp_path: Path, realdata: Path) -> None:
    fc = json.loads((realdata / "hongjiang_431281_datav_gcj02.json").read_text(encoding="utf-8"))
    path = tmp_path / "hj.json"
    path.write_text(json.dumps(fc["features"], ensure_ascii=False), encoding="utf-8")
    layer = landkit.read_layer(path)
    assert layer["name"].iloc[0] == "洪江市"
    assert layer["adcode"].iloc[0] == 431281


def _ledger_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "宗地代码": ["431281101001GB00001", "431281101001GB00002"],
            "土地使用权人": ["甲", "乙"],
            "面积(公顷)": [1.0, 2.0],
            "约定动工日期": [45047, "2023.5.1"],
        }
    )


def test_excel_ledger_with_survey_xy(tmp_path: Path) -> None:
    rows = _ledger_rows()
    rows["X"] = [3010050.0, 3010150.0]  # northing, as Chinese surveyors write it
    rows["Y"] = [37400050.0, 37401050.0]  # easting with zone prefix
    path = tmp_path / "tz.xlsx"
    rows.to_excel(path, index=False)
    with pytest.warns(UserWarning, match="EPSG:4525"):
        gdf = landkit.read_parcels(path)
    assert gdf.crs.to_epsg() == 4525
    assert gdf.geometry.x.tolist() == [37400050.0, 37401050.0]
    assert gdf.geometry.y.tolist() == [3010050.0, 3010150.0]
    assert gdf["declared_area_m2"].tolist() == [10000.0, 20000.0]
    assert gdf["agreed_start_date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-05-01", "2023-05-01"]
    report = landkit.validate(gdf)
    assert (report["problem"] == "point_geometry").sum() == 2


def test_excel_ledger_in_math_order_is_swapped_and_reported(tmp_path: Path) -> None:
    rows = _ledger_rows()
    rows["X"] = [400050.0, 401050.0]
    rows["Y"] = [3010050.0, 3010150.0]
    path = tmp_path / "tz.csv"
    rows.to_csv(path, index=False, encoding="gbk")
    gdf = landkit.read_parcels(path, crs=4546)
    assert gdf.geometry.x.tolist() == [400050.0, 401050.0]
    assert gdf["holder"].tolist() == ["甲", "乙"]
    assert "xy_swapped" in set(landkit.validate(gdf)["problem"])


def test_excel_ledger_with_boundary_point_sheet(tmp_path: Path) -> None:
    rows = _ledger_rows()
    pts = []
    for code, x0 in (("431281101001GB00001", 400000.0), ("431281101001GB00002", 401000.0)):
        for k, (dx, dy) in enumerate([(0, 0), (100, 0), (100, 100), (0, 100)], start=1):
            pts.append({"宗地代码": code, "界址点号": f"J{k}", "X": 3010000.0 + dy, "Y": x0 + dx})
    pts_df = pd.DataFrame(pts).iloc[::-1]  # out of order on purpose: 界址点号 decides
    path = tmp_path / "tz.xlsx"
    with pd.ExcelWriter(path) as xw:
        rows.to_excel(xw, sheet_name="台账", index=False)
        pts_df.to_excel(xw, sheet_name="界址点", index=False)
    gdf = landkit.read_parcels(path, crs=4546)
    expected = gpd.GeoSeries(
        [box(400000, 3010000, 400100, 3010100), box(401000, 3010000, 401100, 3010100)], crs=4546
    )
    assert gdf.geometry.normalize().geom_equals(expected.normalize()).all()
    np.testing.assert_allclose(gdf["area_m2"], landkit.geodesic_area(expected, method="geod"), rtol=1e-6)


def test_ledger_joined_to_geometry_layer(tmp_path: Path) -> None:
    geo = _parcels()
    geo_path = tmp_path / "geo.gpkg"
    geo.to_file(geo_path)
    rows = _ledger_rows().assign(宗地代码=["431281101001GB00002", "431281999001GB00009"])
    path = tmp_path / "tz.xlsx"
    rows.to_excel(path, index=False)
    gdf = landkit.read_parcels(path, geometry_from=geo_path)
    assert gdf.geometry.iloc[0].equals(geo.geometry.iloc[1])
    assert gdf.geometry.iloc[1] is None
    report = landkit.validate(gdf)
    assert {"no_geometry_match", "null_geometry"} <= set(report["problem"])
    assert len(gdf) == 2  # nothing dropped


def test_wkt_column(tmp_path: Path) -> None:
    rows = _ledger_rows()
    rows["WKT"] = [box(400000, 3010000, 400100, 3010100).wkt, "POLYGON ((oops"]
    path = tmp_path / "tz.csv"
    rows.to_csv(path, index=False)
    gdf = landkit.read_parcels(path, crs=4546)
    assert gdf.geometry.iloc[0].area == pytest.approx(10000)
    assert "bad_wkt" in set(landkit.validate(gdf)["problem"])


def test_unreadable_inputs_give_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no such file"):
        landkit.read_parcels(tmp_path / "missing.shp")
    (tmp_path / "plat.dwg").write_bytes(b"AC1032")
    with pytest.raises(DataFormatError, match="unsupported format"):
        landkit.read_parcels(tmp_path / "plat.dwg")
    (tmp_path / "broken.gpkg").write_bytes(b"not a database")
    with pytest.raises(DataFormatError, match=r"broken\.gpkg"):
        landkit.read_parcels(tmp_path / "broken.gpkg")
    pd.DataFrame({"宗地代码": ["1"]}).to_excel(tmp_path / "nogeo.xlsx", index=False)
    with pytest.raises(DataFormatError, match="geometry_from"):
        landkit.read_parcels(tmp_path / "nogeo.xlsx")


def test_declared_crs_never_silently_overrides(tmp_path: Path) -> None:
    _parcels().to_file(tmp_path / "p.gpkg")
    with pytest.raises(CRSMismatchError, match="to_crs"):
        landkit.read_parcels(tmp_path / "p.gpkg", crs=4490)


def test_categories_as_tags_across_layers() -> None:
    idle = landkit.canonicalise(_parcels().iloc[:2], category="idle")
    mortgaged = landkit.canonicalise(_parcels().iloc[1:], category="抵押").to_crs(4490)
    combined = landkit.combine_parcels(idle, mortgaged)
    assert combined.crs.to_epsg() == 4546
    by_id = combined.set_index("parcel_id")["categories"]
    assert by_id["431281101001GB00001"] == "idle"
    assert by_id["431281101001GB00002"] == "idle,mortgaged"
    assert by_id["431281102003GB00003"] == "low_efficiency,mortgaged"
    assert landkit.has_category(combined["categories"], "mortgaged").sum() == 2


def test_invalid_polygon_is_kept_and_reported(tmp_path: Path) -> None:
    bowtie = Polygon([(400000, 3010000), (400100, 3010100), (400100, 3010000), (400000, 3010100)])
    g = _parcels()
    g.loc[0, "geometry"] = bowtie
    gdf = landkit.canonicalise(g)
    assert len(gdf) == 3
    report = landkit.validate(gdf)
    assert report.loc[report["problem"] == "invalid_geometry", "row"].tolist() == [0]

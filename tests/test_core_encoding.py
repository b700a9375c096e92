"""Shapefile text encodings: GBK without .cpg, UTF-8 without .cpg, .cpg honoured, mojibake flagged."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import box

import landkit
import landkit.errors
from landkit.encoding import detect_dbf_encoding, looks_mojibake

NAMES = ["黔城镇闲置地块", "安江镇低效工业用地", "洪江市高新区标厂一期"]


def _write_shp(folder: Path, *, encoding: str, cpg: str | None, ldid: int = 0) -> Path:
    g = gpd.GeoDataFrame(
        {
            "ZDDM": [f"431281101001GB0000{i}" for i in range(3)],
            "XMMC": NAMES,
            "TDSYQR": ["张三", "李四", "王五"],
        },
        geometry=[box(400000 + i * 200, 3010000, 400100 + i * 200, 3010100) for i in range(3)],
        crs=4546,
    )
    path = folder / "parcels.shp"
    pyogrio.write_dataframe(g, path, encoding=encoding)
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg is not None:
        path.with_suffix(".cpg").write_text(cpg)
    with open(path.with_suffix(".dbf"), "r+b") as fh:
        fh.seek(29)
        fh.write(bytes([ldid]))
    return path


def test_gbk_without_cpg_is_detected_and_decoded(tmp_path: Path) -> None:
    shp = _write_shp(tmp_path, encoding="GBK", cpg=None)
    # the independent answer: the DBF bytes are GBK and not valid UTF-8
    raw = shp.with_suffix(".dbf").read_bytes()
    assert "黔城镇".encode("gbk") in raw
    with pytest.raises(UnicodeDecodeError):
        raw[raw.index("黔城镇".encode("gbk")) :].decode("utf-8")
    assert detect_dbf_encoding(shp) == ("gb18030", "gb18030")
    gdf = landkit.read_parcels(shp, category="idle")
    assert gdf["name"].tolist() == NAMES
    assert gdf["holder"].tolist() == ["张三", "李四", "王五"]
    report = landkit.validate(gdf)
    assert "mojibake" not in set(report["problem"])


def test_utf8_without_cpg(tmp_path: Path) -> None:
    shp = _write_shp(tmp_path, encoding="UTF-8", cpg=None)
    assert detect_dbf_encoding(shp) == ("utf-8", "utf-8")
    assert landkit.read_parcels(shp)["name"].tolist() == NAMES


def test_cpg_is_honoured_before_guessing(tmp_path: Path) -> None:
    shp = _write_shp(tmp_path, encoding="GBK", cpg="936")
    assert detect_dbf_encoding(shp) == ("gbk", "cpg")
    assert landkit.read_parcels(shp)["name"].tolist() == NAMES


def test_language_driver_byte_is_used(tmp_path: Path) -> None:
    shp = _write_shp(tmp_path, encoding="GBK", cpg=None, ldid=0x4D)
    assert detect_dbf_encoding(shp) == ("gbk", "ldid")
    assert landkit.read_parcels(shp)["name"].tolist() == NAMES


def test_wrong_explicit_encoding_is_flagged_as_mojibake(tmp_path: Path) -> None:
    shp = _write_shp(tmp_path, encoding="GBK", cpg=None)
    gdf = landkit.read_parcels(shp, encoding="latin-1")
    assert gdf["name"].iloc[0] != NAMES[0]
    report = landkit.validate(gdf)
    flagged = report[report["problem"] == "mojibake"]
    assert set(flagged["field"]) >= {"name", "holder"}
    assert len(flagged[flagged["field"] == "name"]) == 3


def test_replacement_markers_are_mojibake() -> None:
    assert looks_mojibake("锟斤拷锟斤拷")
    assert looks_mojibake("ºÚÁú½­Ê¡")
    assert not looks_mojibake("黑龙江省 Heilongjiang")


def test_real_gbk_shapefile_without_cpg(realdata: Path) -> None:
    shp = realdata / "gbk_chinese_poly" / "chinese_poly.shp"
    assert not shp.with_suffix(".cpg").exists()
    # GDAL alone decodes it as ISO-8859-1 (the classic bug)
    assert pyogrio.read_info(shp)["encoding"] == "ISO-8859-1"
    assert pyogrio.read_dataframe(shp)["NAME"].iloc[0] != "黑龙江省"
    layer = landkit.read_layer(shp)
    assert layer["NAME"].iloc[0] == "黑龙江省"
    assert layer.attrs["landkit"]["encoding"] == "gb18030"


def test_undecodable_text_is_refused_with_advice(tmp_path: Path) -> None:
    g = gpd.GeoDataFrame({"XMMC": ["ÿÿÿ"]}, geometry=[box(400000, 3010000, 400100, 3010100)], crs=4546)
    shp = tmp_path / "odd.shp"
    pyogrio.write_dataframe(g, shp, encoding="ISO-8859-1")  # 0xFF: neither UTF-8 nor a GB18030 lead byte
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    with pytest.raises(landkit.errors.EncodingError, match="encoding="):
        landkit.read_parcels(shp)
    assert landkit.read_parcels(shp, encoding="latin-1")["name"].iloc[0] == "ÿÿÿ"

"""Token tests of the 淘宝式选地 browse page (landkit.maps): HTML content, encodings, profiles."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from maps_support import SECRET_BANK, SECRET_NOTE, column_values, synthetic_parcels, synthetic_zones
from PIL import Image
from shapely.geometry import Polygon, box

from landkit.errors import ConfigError, CRSError, LandkitWarning, OutputExistsError
from landkit.maps import browse_map, profile_fields, write_browse_map
from landkit.maps._assets import page_script
from landkit.maps._encode import decode_geometry, encode_geometries, json_for_script
from landkit.schema import FIELDS, PUBLIC_FIELDS

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
XSS = "<img src=x onerror=alert(1)>"
XSS2 = '"></script><script>alert(2)</script><!--'
_DATA_RE = re.compile(r'<script type="application/json" id="landkit-data">(.*?)</script>', re.S)


def _render(gdf: gpd.GeoDataFrame, **kwargs: object) -> str:
    kwargs.setdefault("basemap", "none")
    return browse_map(gdf, **kwargs).get_root().render()  # type: ignore[arg-type]


def _payload(page: str) -> dict:
    found = _DATA_RE.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return synthetic_parcels(300, seed=1)


# ---- encodings -------------------------------------------------------------------------------


def test_polyline_round_trip_matches_shapely_within_precision() -> None:
    gdf = synthetic_parcels(50, seed=3)
    origin, prec = (109.0, 27.0), 1e-5
    enc = encode_geometries(gdf.geometry, origin=origin, precision=prec)
    for geom, text in zip(gdf.geometry, enc, strict=True):
        ring = np.asarray(decode_geometry(text, origin=origin, precision=prec)[0][0])
        want = shapely.get_coordinates(geom.exterior)[:-1]
        assert ring.shape == want.shape
        assert np.abs(ring - want).max() <= prec / 2 + 1e-12


def test_polyline_hand_worked_square_holes_and_multipart() -> None:
    # 0.001° square: the closing vertex is dropped and deltas are ±100 steps of 1e-5.
    square = box(0, 0, 0.001, 0.001)
    holed = Polygon([(2, 2), (3, 2), (3, 3), (2, 3)], [[(2.2, 2.2), (2.4, 2.2), (2.4, 2.4)]])
    multi = shapely.MultiPolygon([square, holed])
    enc = encode_geometries(gpd.GeoSeries([square, None, multi]), origin=(0.0, 0.0), precision=1e-5)
    assert enc[1] == ""
    assert decode_geometry(enc[0], origin=(0.0, 0.0), precision=1e-5) == [
        [[(0.001, 0.0), (0.001, 0.001), (0.0, 0.001), (0.0, 0.0)]]
    ]
    polys = decode_geometry(enc[2], origin=(0.0, 0.0), precision=1e-5)
    assert len(polys) == 2
    assert len(polys[1]) == 2
    rebuilt = Polygon(polys[1][0], polys[1][1:])
    assert rebuilt.area == pytest.approx(holed.area, rel=1e-9)


def test_json_for_script_cannot_close_the_script_tag() -> None:
    data = {"name": XSS2, "amp": "a&b", "ls": "x\u2028y"}
    text = json_for_script(data)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == data


# ---- offline: no CDN -------------------------------------------------------------------------


def test_basemap_none_page_has_no_external_link(parcels: gpd.GeoDataFrame) -> None:
    page = _render(parcels)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref=[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"\burl\(\s*[\"']?(https?:)?//", page, re.I)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg.com", "tianditu", "autonavi"):
        assert cdn not in page
    # Leaflet is inlined from xstatic-leaflet, its icons as data URIs.
    import xstatic.pkg.leaflet as xl

    assert xl.VERSION in page
    assert "url(images/" not in page
    assert "data:image/png;base64," in page


def test_tianditu_needs_a_token_and_puts_it_on_both_layers(
    parcels: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIANDITU_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="token"):
        browse_map(parcels)
    with pytest.raises(ValueError, match="Tianditu"):
        browse_map(parcels, basemap="tianditu")
    spec = _payload(_render(parcels, basemap="tianditu", tianditu_token="abc123"))["basemap"]
    tiles = [t for layer in spec["layers"] for t in layer["tiles"]]
    assert {re.search(r"/(\w+_w)/", t).group(1) for t in tiles} == {"vec_w", "cva_w", "img_w", "cia_w"}
    assert all("tk=abc123" in t for t in tiles)
    with pytest.raises(ConfigError):
        browse_map(parcels, basemap="tianditu", tianditu_token='x" onload="y')


def test_gaode_shifts_vertices_to_gcj02_domain_test_vector() -> None:
    # DOMAIN.md: Hongjiang seat WGS (27.1928, 109.8083) -> GCJ (27.189374, 109.812897).
    tri = Polygon([(109.8083, 27.1928), (109.8093, 27.1928), (109.8093, 27.1938)])
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[tri], crs=4326)
    data = _payload(_render(gdf, basemap="gaode"))
    origin = tuple(data["origin"])
    first = decode_geometry(data["geom"][0], origin=origin, precision=data["prec"])[0][0]
    lon, lat = min(first)  # the south-west vertex
    assert lat == pytest.approx(27.189374, abs=1.5e-5)
    assert lon == pytest.approx(109.812897, abs=1.5e-5)
    plain = _payload(_render(gdf, basemap="osm"))
    lon0, lat0 = min(decode_geometry(plain["geom"][0], origin=tuple(plain["origin"]), precision=1e-5)[0][0])
    assert (lon0, lat0) == (pytest.approx(109.8083, abs=1e-5), pytest.approx(27.1928, abs=1e-5))


def test_projected_input_is_drawn_in_lon_lat() -> None:
    gdf = synthetic_parcels(5, seed=2)
    data = _payload(_render(gdf.to_crs(4546)))
    pts = np.asarray(decode_geometry(data["geom"][0], origin=tuple(data["origin"]), precision=1e-5)[0][0])
    want = shapely.get_coordinates(gdf.geometry.iloc[0].exterior)[:-1]
    assert np.abs(pts - want).max() < 2e-5


# ---- publishing safely -----------------------------------------------------------------------


def test_public_profile_leaves_confidential_and_unlisted_fields_out_of_the_file(
    parcels: gpd.GeoDataFrame,
) -> None:
    page = _render(parcels, profile="public")
    for value in (
        SECRET_BANK,
        SECRET_NOTE,
        "98765.43",
        parcels["holder"].iloc[0],
        parcels["holder_phone"].iloc[7],
    ):
        assert value not in page
    data = _payload(page)
    assert set(data["cols"]) <= set(PUBLIC_FIELDS)
    assert {"mortgagee", "mortgage_amount", "holder", "holder_phone", "secret_note"}.isdisjoint(data["cols"])
    assert parcels["name"].iloc[5] in page
    assert parcels["parcel_id"].iloc[5] in page


def test_internal_profile_keeps_everything(parcels: gpd.GeoDataFrame) -> None:
    page = _render(parcels, profile="internal")
    assert SECRET_BANK in page
    assert SECRET_NOTE in page
    assert parcels["holder_phone"].iloc[7] in page
    assert set(_payload(page)["cols"]) >= {"mortgagee", "mortgage_amount", "holder", "secret_note"}


def test_custom_profile_and_its_errors(parcels: gpd.GeoDataFrame) -> None:
    assert profile_fields(parcels.columns, ["name", "asking_price"]) == ["name", "asking_price"]
    data = _payload(_render(parcels, profile=["name", "asking_price"]))
    assert set(data["cols"]) == {"name", "asking_price", "area_m2"}  # area derived from the geometry
    with pytest.warns(LandkitWarning, match="confidential"):
        profile_fields(parcels.columns, ["name", "mortgagee"])
    with pytest.raises(ConfigError, match="not in the parcels"):
        profile_fields(parcels.columns, ["nope"])
    with pytest.raises(ConfigError, match="unknown profile"):
        profile_fields(parcels.columns, "secret")
    assert all(not FIELDS[f].confidential for f in PUBLIC_FIELDS)


def test_every_value_is_escaped(parcels: gpd.GeoDataFrame) -> None:
    gdf = parcels.head(3).copy()
    gdf["name"] = [XSS, XSS2, "正常&<b>"]
    page = _render(gdf, title="<script>alert(3)</script>")
    assert XSS not in page
    assert "alert(2)</script>" not in page
    assert "<b>" not in page
    assert "<script>alert(3)" not in page
    assert "&lt;script&gt;alert(3)" in page
    data = _payload(page)
    assert data["cols"]["name"]["v" if "v" in data["cols"]["name"] else "d"][:2] == [XSS, XSS2]
    js = page_script()
    assert "innerHTML" not in js
    assert "insertAdjacentHTML" not in js
    assert "document.write" not in js
    assert "alert(" not in js
    assert "eval(" not in js


# ---- content ---------------------------------------------------------------------------------


def test_zone_membership_matches_shapely_intersects(parcels: gpd.GeoDataFrame) -> None:
    zones = synthetic_zones()
    data = _payload(_render(parcels, zones=zones))
    z = data["zones"]
    names = [entry["name"] for entry in z["list"]]
    assert [entry["kind"] for entry in z["list"]] == ["城", "带", "板块", "乡镇"]  # grouped by kind order
    for k, geom in enumerate(parcels.geometry):
        want = {zones["name"].iloc[j] for j in range(len(zones)) if geom.intersects(zones.geometry.iloc[j])}
        got = {names[i] for i in z["combos"][z["i"][k]]} if z["i"][k] >= 0 else set()
        assert got == want


class _Holder:
    def __init__(self, zones: gpd.GeoDataFrame) -> None:
        self.zones = zones


def test_zones_object_with_zones_attribute_and_bad_zones(parcels: gpd.GeoDataFrame) -> None:
    data = _payload(_render(parcels, zones=_Holder(synthetic_zones())))
    assert len(data["zones"]["list"]) == 4
    with pytest.raises(ConfigError, match="kind"):
        browse_map(parcels, basemap="none", zones=synthetic_zones().drop(columns="kind"))
    with pytest.raises(CRSError):
        browse_map(parcels.set_crs(None, allow_override=True), basemap="none")


def test_columns_are_compact_and_decode_to_the_input(parcels: gpd.GeoDataFrame) -> None:
    data = _payload(_render(parcels, profile="internal"))
    cols = data["cols"]
    assert cols["township"]["t"] == "s"
    assert "d" in cols["township"]
    towns = column_values(cols["township"])
    assert towns == parcels["township"].tolist()
    days = pd.to_datetime(pd.Series(column_values(cols["listed_date"]), dtype="float64"), unit="D")
    assert (days.to_numpy() == parcels["listed_date"].to_numpy()).all()
    bits = {"idle": 1, "low_efficiency": 2, "stalled": 4, "mortgaged": 8, "reserve": 16}
    want = [sum(bits[t] for t in c.split(",")) if isinstance(c, str) else 0 for c in parcels["categories"]]
    assert column_values(cols["categories"]) == want
    prices = [np.nan if v is None else v for v in column_values(cols["asking_price"])]
    np.testing.assert_allclose(prices, parcels["asking_price"].to_numpy())
    assert "area_mu" not in cols  # derived on the page


def test_bytes_per_parcel_within_budget() -> None:
    gdf = synthetic_parcels(5000, seed=4)
    size = len(_render(gdf).encode("utf-8"))
    assert size / 5000 <= 250


def test_photos_are_downsized_and_embedded_urls_stay_links(tmp_path: Path, parcels: gpd.GeoDataFrame) -> None:
    Image.new("RGB", (1600, 1200), (200, 30, 30)).save(tmp_path / "big.jpg")
    gdf = parcels.head(3).copy()
    gdf["photos"] = ["big.jpg;https://example.org/p.jpg", "big.jpg", None]
    data = _payload(_render(gdf, photo_root=tmp_path))
    photos = data["photos"]
    assert len(photos["list"]) == 2  # the local photo is embedded once
    assert photos["i"] == [[0, 1], [0], None]
    raw = base64.b64decode(photos["list"][0].split(",", 1)[1])
    with Image.open(io.BytesIO(raw)) as img:
        assert max(img.size) == 480
        assert img.size == (480, 360)
    assert photos["list"][1] == "https://example.org/p.jpg"


# ---- writing ---------------------------------------------------------------------------------


def test_browse_map_is_pure(
    tmp_path: Path, parcels: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    browse_map(parcels, basemap="none").get_root().render()
    assert os.listdir(tmp_path) == []


def test_write_is_atomic_refuses_overwrite_and_warns_over_budget(
    tmp_path: Path, parcels: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = write_browse_map(parcels, tmp_path / "land.html", basemap="none")
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputExistsError):
        write_browse_map(parcels, out, basemap="none")
    from landkit.maps import _config

    budget = dict(_config.settings())
    budget["budget"] = {"max_bytes": 1000}
    monkeypatch.setattr("landkit.maps.browse.settings", lambda: budget)
    with pytest.warns(LandkitWarning, match="budget"):
        write_browse_map(parcels, out, basemap="none", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["land.html"]


def test_cli_browse_writes_the_same_page_as_the_library(tmp_path: Path, parcels: gpd.GeoDataFrame) -> None:
    from landkit.cli.main import cli

    src = tmp_path / "parcels.gpkg"
    parcels.to_file(src, layer="parcels")
    out = tmp_path / "land.html"
    runner = CliRunner()
    res = runner.invoke(cli, ["map", "browse", str(src), "-o", str(out), "--basemap", "none"])
    assert res.exit_code == 0, res.output
    data = _payload(out.read_text("utf-8"))
    assert data["n"] == len(parcels)
    assert SECRET_BANK not in out.read_text("utf-8")
    res = runner.invoke(cli, ["map", "browse", str(src), "-o", str(out), "--basemap", "none"])
    assert res.exit_code != 0
    assert "exists" in res.output
    res = runner.invoke(
        cli,
        ["map", "browse", str(src), "-o", str(out), "--overwrite", "--basemap", "tianditu"],
        env={"TIANDITU_TOKEN": ""},
    )
    assert res.exit_code == 2
    assert "Tianditu" in res.output


def test_sample_public_page_has_no_confidential_value() -> None:
    gdf = gpd.read_file(SAMPLE / "parcels.gpkg")
    page = _render(gdf, photo_root=SAMPLE)
    secret = [c for c in gdf.columns if c in FIELDS and FIELDS[c].confidential] + ["holder"]
    for col in secret:
        values = [str(v) for v in gdf[col].dropna().unique() if str(v).strip()]
        if col in ("mortgage_amount",):
            continue  # bare numbers may coincide with other numbers; the column name check covers it
        leaked = [v for v in values if v in page]
        assert not leaked, (col, leaked[:3])
    assert set(_payload(page)["cols"]).isdisjoint(secret)


def test_english_labels_and_unknown_language(parcels: gpd.GeoDataFrame) -> None:
    data = _payload(_render(parcels, lang="en"))
    assert data["strings"]["results"] == "{n} parcels"
    assert data["offerStates"]["not_listed"] == "not listed"
    assert _payload(_render(parcels, lang="en", profile="internal"))["categories"]["labels"]["idle"] == "idle"
    assert data["title"] == "Land browser"
    with pytest.raises(ConfigError, match="lang"):
        browse_map(parcels, basemap="none", lang="fr")


def test_import_landkit_maps_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, landkit.maps, landkit.cli.map; "
        "print(','.join(m for m in ('folium', 'branca', 'PIL', 'playwright') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_points_are_refused_and_missing_geometry_is_kept(parcels: gpd.GeoDataFrame) -> None:
    from landkit.errors import DataFormatError

    pts = gpd.GeoDataFrame({"name": ["p"]}, geometry=gpd.points_from_xy([109.8], [27.2]), crs=4490)
    with pytest.raises(DataFormatError, match="polygons"):
        browse_map(pts, basemap="none")
    gdf = parcels.head(3).copy()
    gdf.loc[gdf.index[1], "geometry"] = None
    data = _payload(_render(gdf))
    assert data["n"] == 3
    assert data["geom"][1] == ""


def test_missing_photos_warn_once_and_photo_root_defaults_to_the_source(
    tmp_path: Path, parcels: gpd.GeoDataFrame
) -> None:
    gdf = parcels.head(4).copy()
    gdf["photos"] = ["gone.jpg", "gone.jpg;also_gone.jpg", None, "pics/ok.jpg"]
    (tmp_path / "pics").mkdir()
    Image.new("RGB", (50, 40)).save(tmp_path / "pics" / "ok.jpg")
    with pytest.warns(LandkitWarning, match=r"2 photo file\(s\)") as record:
        data = _payload(_render(gdf, photo_root=tmp_path))
    assert len(record) == 1
    assert data["photos"]["i"] == [None, None, None, [0]]
    gdf.attrs["landkit"] = {"source": str(tmp_path / "parcels.gpkg")}  # as landkit.read_parcels records it
    gdf["photos"] = [None, None, None, "pics/ok.jpg"]
    assert len(_payload(_render(gdf))["photos"]["list"]) == 1

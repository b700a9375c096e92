"""County profiles: choice order, file checks, boundary extent check, CRS inference, ``landkit init``."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import box

import landkit
from landkit.cli.main import cli
from landkit.crs import infer_crs
from landkit.errors import ConfigError, CRSInferenceError
from landkit.profile import current, read_profile, use_profile
from landkit.project import init_project

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
XINWU = REALDATA / "xinwu_land_use.gpkg"
HONGJIANG_DATAV = REALDATA / "hongjiang_431281_datav_gcj02.json"


@pytest.fixture(autouse=True)
def _clean_profile(monkeypatch, tmp_path):
    """Every test starts in an empty folder with the automatic choice (packaged 洪江市)."""
    monkeypatch.delenv("LANDKIT_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    use_profile(None)
    yield
    monkeypatch.delenv("LANDKIT_PROFILE", raising=False)
    use_profile(None)


def write_profile(folder: Path, body: str, name: str = "landkit.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(body, encoding="utf-8")
    return p


XINWU_PROFILE = """
[county]
name = "新吴区"
code = "320214"
[area]
extent = [120.29, 31.43, 120.54, 31.60]
[crs]
preferred = "EPSG:4549"
[page]
title = "新吴区闲置低效用地"
contact = "新吴区招商服务中心"
"""


def test_default_is_packaged_hongjiang():
    p = current()
    assert (p.name, p.code, p.crs) == ("洪江市", "431281", "EPSG:4546")
    assert p.source == "packaged 431281"
    assert landkit.current_profile() is p


def test_choice_order(tmp_path, monkeypatch):
    project = write_profile(tmp_path / "proj", XINWU_PROFILE)
    (tmp_path / "proj" / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "proj" / "notebooks")
    assert current().code == "320214"  # landkit.toml in a folder above the working folder
    other = write_profile(tmp_path / "elsewhere", XINWU_PROFILE.replace("320214", "320200"), "p.toml")
    monkeypatch.setenv("LANDKIT_PROFILE", str(other))
    assert current().code == "320200"  # the environment beats the project file
    assert use_profile("431281").code == "431281"  # use_profile beats both
    assert use_profile(None) is None
    assert current().code == "320200"
    monkeypatch.setenv("LANDKIT_PROFILE", "431281")
    assert current().code == "431281"
    monkeypatch.setenv("LANDKIT_PROFILE", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="LANDKIT_PROFILE="):
        current()
    assert project.exists()


def test_profile_file_changes_are_picked_up(tmp_path):
    write_profile(tmp_path, XINWU_PROFILE)
    assert current().name == "新吴区"
    import os

    p = tmp_path / "landkit.toml"
    p.write_text(XINWU_PROFILE.replace("新吴区", "新吴"), encoding="utf-8")
    os.utime(p, ns=(p.stat().st_mtime_ns + 10**9, p.stat().st_mtime_ns + 10**9))
    assert current().name == "新吴"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("extent =", "extnt ="), "unknown key 'area.extnt'; did you mean 'extent'"),
        (('code = "320214"', 'code = "3202"'), "six-digit"),
        (("[120.29, 31.43, 120.54, 31.60]", "[31.43, 120.29, 31.60, 120.54]"), "not a lon/lat box in China"),
        (('preferred = "EPSG:4549"', 'preferred = "EPSG:99999"'), "is not a CRS"),
        (("[page]", "[pages]"), "unknown key 'pages'; did you mean 'page'"),
        (("extent = [120.29, 31.43, 120.54, 31.60]", ""), r"\[area\] needs extent"),
    ],
)
def test_bad_profiles_are_refused(tmp_path, change, message):
    p = write_profile(tmp_path, XINWU_PROFILE.replace(*change))
    with pytest.raises(ConfigError, match=message):
        read_profile(p)


def test_paths_resolve_against_the_profile_folder(tmp_path):
    body = (
        XINWU_PROFILE
        + '[rules]\nholidays = ["criteria/h.toml"]\ncriteria = ["national-2008", "criteria/local.toml"]\n'
    )
    p = read_profile(write_profile(tmp_path / "proj", body))
    assert p.holidays == (tmp_path / "proj" / "criteria" / "h.toml",)
    assert p.criteria == ("national-2008", str(tmp_path / "proj" / "criteria" / "local.toml"))


def _datav_boundary(folder: Path) -> Path:
    """The real 洪江市 outline (DataV, GCJ-02) shifted back to CGCS2000 lon/lat, as a GeoPackage."""
    from landkit.gcj02 import shift_geometries

    g = gpd.read_file(HONGJIANG_DATAV)[["geometry"]].set_crs(4490, allow_override=True)
    g = shift_geometries(g, source="gcj02", target="wgs84")
    out = folder / "hongjiang.gpkg"
    g.to_file(out, layer="boundary")
    return out


@pytest.mark.skipif(not HONGJIANG_DATAV.exists(), reason="needs ../shared/realdata")
def test_extent_check_follows_the_boundary_not_a_rectangle(tmp_path):
    boundary = _datav_boundary(tmp_path)
    body = '[county]\nname = "洪江市"\ncode = "431281"\n'
    body += '[area]\nboundary = "hongjiang.gpkg"\ntolerance_m = 500.0\n'
    profile = use_profile(write_profile(tmp_path, body))
    outline = gpd.read_file(boundary).geometry.union_all()
    assert profile.extent == pytest.approx(outline.bounds)  # extent derived from the boundary
    # independent answer: distances to the outline in a local equal-area plane
    laea = pyproj.CRS.from_proj4("+proj=laea +lat_0=27.2 +lon_0=110 +ellps=GRS80")
    out_m = gpd.GeoSeries([outline], crs=4490).to_crs(laea).iloc[0]
    x0, y0, x1, y1 = outline.bounds
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400)  # all inside the rectangle
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4490).to_crs(laea)
    dist = np.array([0.0 if out_m.contains(p) else out_m.distance(p) for p in pts])
    keep = (dist < 300) | (dist > 700)  # leave out the band where 500 m rounding could tip either way
    expected = dist[keep] > 500
    got = ~np.asarray(profile.contains_lonlat(lon[keep], lat[keep]))
    assert expected.sum() > 20
    assert (~expected).sum() > 20
    assert (got == expected).all()
    squares = shapely.box(lon[keep] - 1e-4, lat[keep] - 1e-4, lon[keep] + 1e-4, lat[keep] + 1e-4)
    ids = [f"431281101001GB{i:05d}" for i in range(keep.sum())]
    report = landkit.validate(gpd.GeoDataFrame({"parcel_id": ids}, geometry=squares, crs=4490))
    flagged = set(report.loc[report["problem"] == "outside_extent", "row"])
    assert flagged == set(np.flatnonzero(expected))
    assert "在洪江市范围之外" in report.loc[report["problem"] == "outside_extent", "detail"].iloc[0]


@pytest.mark.skipif(not XINWU.exists(), reason="needs ../shared/realdata")
def test_xinwu_under_its_own_profile_has_no_extent_warnings(tmp_path):
    use_profile(write_profile(tmp_path, XINWU_PROFILE))
    parcels = landkit.read_parcels(XINWU)
    report = landkit.validate(parcels)
    assert len(parcels) == 2033
    assert not report["problem"].isin(["outside_extent", "wrong_county"]).any()


@pytest.mark.skipif(not XINWU.exists(), reason="needs ../shared/realdata")
def test_xinwu_under_the_hongjiang_profile_is_one_clear_line(tmp_path, monkeypatch):
    use_profile("431281")
    report = landkit.validate(landkit.read_parcels(XINWU))
    extent = report[report["problem"].isin(["outside_extent", "wrong_county"])]
    assert len(extent) == 1
    line = extent.iloc[0]
    assert line["problem"] == "wrong_county"
    assert line["row"] is None
    assert "不在洪江市（431281）范围内——县域配置选错了？" in line["detail"]
    assert "全部2033宗" in line["detail"]
    lon, lat = (float(v) for v in re.search(r"东经([\d.]+)°、北纬([\d.]+)°", line["detail"]).groups())
    assert 120.30 < lon < 120.52  # where it lies instead: inside the layer's own bounds
    assert 31.44 < lat < 31.59
    # with the project's own profile known (landkit.toml), the line names its county
    write_profile(tmp_path, XINWU_PROFILE)
    use_profile("431281")
    report = landkit.validate(landkit.read_parcels(XINWU))
    line = report.loc[report["problem"] == "wrong_county", "detail"].iloc[0]
    assert line.startswith("整层位于新吴区（320214），不在洪江市（431281）范围内——县域配置选错了？")


def test_explicit_region_still_wins(tmp_path):
    use_profile(write_profile(tmp_path, XINWU_PROFILE))
    g = gpd.GeoDataFrame(
        {"parcel_id": ["431281101001GB00001"]}, geometry=[box(109.8, 27.1, 109.801, 27.101)], crs=4490
    )
    assert "wrong_county" in set(landkit.validate(g)["problem"])
    report = landkit.validate(g, region=(109.533, 26.993, 110.523, 27.481))
    assert not report["problem"].isin(["outside_extent", "wrong_county"]).any()


ZONE38 = """
[county]
name = "青石示例县"
code = "429901"
[area]
extent = [113.80, 30.30, 114.30, 30.70]
[crs]
preferred = "EPSG:4547"
"""


def test_crs_inference_uses_the_profile(tmp_path):
    # eastings without zone prefix of a county on 114°E (3° zone 38), as a .prj-less shapefile gives them
    tf = pyproj.Transformer.from_crs(4490, 4547, always_xy=True)
    x, y = tf.transform([113.9, 114.2], [30.4, 30.6])
    bounds = (x[0], y[0], x[1], y[1])
    with pytest.raises(CRSInferenceError):
        infer_crs(bounds, warn=False)  # under 洪江市 no zone puts these points in the county
    use_profile(write_profile(tmp_path, ZONE38))
    assert infer_crs(bounds, warn=False).to_epsg() == 4547
    with pytest.raises(CRSInferenceError):  # an explicit region still wins over the profile
        infer_crs(bounds, region=(109.533, 26.993, 110.523, 27.481), warn=False)


def _boundary_layer(folder: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"XZQDM": ["431202100", "431202101", "431221000"], "XZQMC": ["城中街道", "城北镇", "邻县"]},
        geometry=[
            box(109.9, 27.5, 110.0, 27.6),
            box(110.0, 27.5, 110.1, 27.6),
            box(110.1, 27.5, 110.3, 27.6),
        ],
        crs=4490,
    ).to_crs(4546)
    out = folder / "行政区.shp"
    frame.to_file(out, encoding="utf-8")
    return out


def test_landkit_init_writes_a_starter_project(tmp_path):
    shp = _boundary_layer(tmp_path)
    runner = CliRunner()
    args = ["init", str(tmp_path / "proj"), "--code", "431202", "--boundary", str(shp), "--name", "鹤城区"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    text = (tmp_path / "proj" / "landkit.toml").read_text("utf-8")
    assert "行政区划代码" in text
    assert "# 本局常用的平面坐标系" in text
    doc = tomllib.loads(text)
    assert doc["county"] == {"name": "鹤城区", "code": "431202"}
    assert doc["crs"]["preferred"] == "EPSG:4546"  # 110°E lies in the 3° zone of 111°E
    assert {d.name for d in (tmp_path / "proj").iterdir() if d.is_dir()} == {
        "data",
        "zones",
        "criteria",
        "out",
    }
    profile = read_profile(tmp_path / "proj" / "landkit.toml")
    # only the two features of 431202 were kept: the neighbour (431221) is outside
    assert profile.extent == pytest.approx((109.9, 27.5, 110.1, 27.6), abs=2e-4)
    assert profile.contains_lonlat(110.05, 27.55)
    assert not profile.contains_lonlat(110.25, 27.55)
    again = runner.invoke(cli, args)
    assert again.exit_code == 2
    assert "--overwrite" in again.output
    assert runner.invoke(cli, [*args, "--overwrite"]).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--code", "4312"], "six-digit"), (["--code", "430000"], "no feature with XZQDM starting 430000")],
)
def test_landkit_init_refuses_bad_input(tmp_path, extra, message):
    shp = _boundary_layer(tmp_path)
    r = CliRunner().invoke(cli, ["init", str(tmp_path / "p"), "--boundary", str(shp), *extra])
    assert r.exit_code == 2
    assert message in r.output
    assert not (tmp_path / "p" / "landkit.toml").exists()


def test_init_needs_a_name_when_the_layer_names_several_features(tmp_path):
    shp = _boundary_layer(tmp_path)
    r = CliRunner().invoke(cli, ["init", str(tmp_path / "p"), "--code", "431202", "--boundary", str(shp)])
    assert r.exit_code == 2
    assert "pass --name" in r.output


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")
def test_boundary_without_crs_is_refused(tmp_path):
    g = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(0, 0, 1, 1)])
    g.to_file(tmp_path / "b.gpkg")  # a layer without CRS, as some exports are
    with pytest.raises(ConfigError, match="no CRS"):
        init_project(tmp_path / "p", code="431202", boundary=tmp_path / "b.gpkg", name="x")


ROOT = Path(__file__).resolve().parents[1]


def test_cli_takes_zones_and_holidays_from_the_project_profile(tmp_path):
    sample = ROOT / "sample_data"
    body = XINWU_PROFILE + (
        f'[zones]\nconfig = "{(sample / "zones" / "hongjiang.toml").as_posix()}"\n'
        f'[rules]\nholidays = ["{(sample / "holidays" / "china_2024.toml").as_posix()}"]\n'
    )
    write_profile(tmp_path, body)  # the working folder is tmp_path: this is the project's profile
    runner = CliRunner()
    parcels = str(sample / "parcels.gpkg")
    explicit = runner.invoke(
        cli, ["zones", "join", parcels, "--zones", str(sample / "zones" / "hongjiang.toml"), "-o", "a.csv"]
    )
    implicit = runner.invoke(cli, ["zones", "join", parcels, "-o", "b.csv"])
    assert explicit.exit_code == 0, explicit.output
    assert implicit.exit_code == 0, implicit.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    events = str(sample / "procedure" / "events_2024.csv")
    holidays = str(sample / "holidays" / "china_2024.toml")
    explicit = runner.invoke(cli, ["rules", "deadlines", events, "--holidays", holidays, "-o", "a2.csv"])
    implicit = runner.invoke(cli, ["rules", "deadlines", events, "-o", "b2.csv"])
    assert implicit.exit_code == 0, implicit.output
    assert (tmp_path / "a2.csv").read_bytes() == (tmp_path / "b2.csv").read_bytes()


def test_cli_without_zones_anywhere_says_so(tmp_path):
    write_profile(tmp_path, XINWU_PROFILE)
    r = CliRunner().invoke(cli, ["zones", "join", str(ROOT / "sample_data" / "parcels.gpkg"), "-o", "x.csv"])
    assert r.exit_code == 2
    assert "pass --zones: the 新吴区 profile" in r.output
    assert not (tmp_path / "x.csv").exists()

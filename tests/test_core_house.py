"""One way to do each thing: the config loader, shared CLI input, the synthetic generator, area API."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from click.testing import CliRunner

from landkit._toml import load_config, required
from landkit.area import area_m2_array, geodesic_area
from landkit.cli import main as cli_main
from landkit.cli.options import read_table_input
from landkit.errors import ConfigError
from landkit.sample import SYNTHETIC_COLUMNS, synthetic_parcels

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = {
    "meta": required({"version": required(str)}),
    "limit": float,
    "names": {"*": str},
    "steps": [{"event": required(str), "days": int}],
}


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_load_config_accepts_a_valid_file(tmp_path):
    p = _write(
        tmp_path,
        '[meta]\nversion = "v"\n[names]\n"城" = "city"\n[[steps]]\nevent = "found"\ndays = 30\n',
    )
    doc = load_config(p, what="test config", schema=SCHEMA)
    assert doc == tomllib.loads(p.read_text("utf-8"))  # returned unchanged


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('lmit = 3\n[meta]\nversion = "v"\n', "unknown key 'lmit'; did you mean 'limit'"),
        ('[meta]\nversoin = "v"\n', "unknown key 'meta.versoin'; did you mean 'version'"),
        (
            '[meta]\nversion = "v"\n[[steps]]\nevnt = "x"\n',
            r"unknown key 'steps\[0\]\.evnt'; did you mean 'event'",
        ),
        ("limit = 3\n", "missing key 'meta'"),
        ('limit = "3"\n[meta]\nversion = "v"\n', "limit must be float, not str"),
        ('limit = true\n[meta]\nversion = "v"\n', "limit must be float, not bool"),
        ('[meta]\nversion = "v"\n[[steps]]\nevent = "x"\ndays = 1.5\n', r"steps\[0\]\.days must be int"),
        ('[meta]\nversion = "v"\n[names]\na = 1\n', r"names\.a must be str"),
        ("meta = 3\n", "meta must be a table"),
        ("[meta\n", "not valid TOML"),
    ],
)
def test_load_config_refuses(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, text), what="test config", schema=SCHEMA)


def test_load_config_refuses_non_utf8_and_missing(tmp_path):
    p = tmp_path / "gbk.toml"
    p.write_bytes('name = "洪江"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(p, what="profile")
    with pytest.raises(ConfigError, match="missing"):
        load_config("nope.toml", package="landkit.raster", what="terrain thresholds")


def test_packaged_configs_load_through_the_one_loader():
    """Every packaged TOML passes its schema (the loaders run at import or first use)."""
    from landkit.maps._config import basemap_presets, settings
    from landkit.raster.terrain import terrain_config
    from landkit.rules._config import load_statute
    from landkit.rules.efficiency import read_criteria
    from landkit.zones.zoneset import DEFAULT_KIND_SUFFIXES

    assert terrain_config()["steep_deg"] == 25.0
    assert DEFAULT_KIND_SUFFIXES["城"] == "city"
    assert set(basemap_presets()) >= {"none", "osm"}
    assert settings()["colors"]["idle"].startswith("#")
    assert load_statute()["idle"]["developed_area_share"] == "1/3"
    assert read_criteria()["meta"]["version"] == "national-2008"
    from landkit.indicators._config import load_settings

    assert load_settings()["supply_rate"]["window_years"] == 5


def test_no_module_parses_toml_itself():
    """tomllib is used in landkit/_toml.py only (one loader)."""
    users = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "landkit").rglob("*.py")
        if "tomllib" in p.read_text("utf-8")
    ]
    assert users == ["landkit/_toml.py"]


def test_cli_fails_loudly_on_a_broken_subcommand_module():
    group = click.Group()
    with pytest.raises(ImportError, match="subcommand 'no_such_module' failed to import"):
        cli_main._add_subcommands(group, ("no_such_module",))
    assert set(cli_main.SUBCOMMANDS) <= set(cli_main.cli.commands)


def test_layer_option_is_declared_once():
    uses = {p.name: p.read_text("utf-8").count('"--layer"') for p in (ROOT / "landkit" / "cli").glob("*.py")}
    assert {k: v for k, v in uses.items() if v} == {"options.py": 1}


def test_cli_reads_gbk_and_utf8_tables_alike(tmp_path):
    frame = pd.DataFrame({"企业名称": ["雪峰米业", "黔桥水泥"], "亩均税收": [3.5, 12.0]})
    gbk, utf = tmp_path / "gbk.csv", tmp_path / "utf.csv"
    frame.to_csv(gbk, index=False, encoding="gbk")
    frame.to_csv(utf, index=False, encoding="utf-8-sig")
    for p in (gbk, utf):
        got = read_table_input(p)
        pd.testing.assert_frame_equal(got, frame)


def test_rules_grade_reads_a_gbk_firm_table(tmp_path):
    firms = pd.read_csv(ROOT / "sample_data" / "firms" / "per_mu_2024.csv", encoding="utf-8-sig")
    gbk = tmp_path / "firms_gbk.csv"
    firms.to_csv(gbk, index=False, encoding="gbk")
    scheme = ROOT / "sample_data" / "criteria" / "per_mu_2024_example.toml"
    out_gbk, out_utf = tmp_path / "g.csv", tmp_path / "u.csv"
    runner = CliRunner()
    for src, out in ((gbk, out_gbk), (ROOT / "sample_data" / "firms" / "per_mu_2024.csv", out_utf)):
        r = runner.invoke(cli_main.cli, ["rules", "grade", str(src), "--scheme", str(scheme), "-o", str(out)])
        assert r.exit_code == 0, r.output
    assert out_gbk.read_bytes() == out_utf.read_bytes()


def test_synthetic_parcels_areas_match_pyproj_geod():
    g = synthetic_parcels(40, seed=3)
    assert [c for c in g.columns if c != "geometry"] == list(SYNTHETIC_COLUMNS)
    geod = pyproj.Geod(ellps="GRS80")
    ref = np.array([abs(geod.geometry_area_perimeter(p)[0]) for p in g.geometry])
    np.testing.assert_allclose(g["area_m2"], ref, rtol=1e-5, atol=0.06)
    c = shapely.centroid(np.asarray(g.geometry.values))
    lon, lat = pd.Series(shapely.get_x(c)), pd.Series(shapely.get_y(c))
    assert lon.between(109.54, 110.46).all()
    assert lat.between(26.99, 27.46).all()


def test_synthetic_parcels_for_another_county():
    g = synthetic_parcels(
        30,
        seed=1,
        extent=(114.0, 30.0, 114.5, 30.4),
        code="420117",
        towns=("甲镇",),
        contact="某局",
        crs=4547,
    )
    assert g.crs.to_epsg() == 4547
    assert g["parcel_id"].str.startswith("420117").all()
    assert set(g["township"]) == {"甲镇"}
    back = shapely.centroid(np.asarray(g.to_crs(4490).geometry.values))
    assert ((shapely.get_x(back) > 113.99) & (shapely.get_x(back) < 114.51)).all()
    text = g.drop(columns="geometry").astype(str).to_csv()
    assert "洪江" not in text
    assert "431281" not in text


def test_area_api_matches_geodesic_area_and_the_overlay_uses_it():
    g = synthetic_parcels(50, seed=2, crs=4546)
    geoms = np.asarray(g.geometry.values)
    api = area_m2_array(geoms, pyproj.CRS(4546), fallback=lambda s: np.full(len(s), -1.0))
    np.testing.assert_allclose(api, geodesic_area(g, method="geod"), rtol=1e-6)
    empty = area_m2_array(np.array([None, shapely.Polygon()]), pyproj.CRS(4546), fallback=lambda s: s)
    assert empty.tolist() == [0.0, 0.0]
    text = (ROOT / "landkit" / "zones" / "_overlap.py").read_text("utf-8")
    assert "_tm_areas" not in text
    assert "area_m2_array" in text


def test_dependency_floors_exclude_known_cves():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    floors = dict(d.split(">=") for d in deps if ">=" in d)
    from packaging.version import Version

    assert Version(floors["pyarrow"]) >= Version("14.0.1")  # CVE-2023-47248
    assert Version(floors["pillow"]) >= Version("10.3.0")  # CVE-2024-28219
    assert Version(floors["tqdm"]) >= Version("4.66.3")  # CVE-2024-34062


def test_sample_criteria_copy_is_gone():
    assert not (ROOT / "sample_data" / "criteria" / "national_2008.toml").exists()
    local = tomllib.loads(
        (ROOT / "sample_data" / "criteria" / "hongjiang_2024_example.toml").read_text("utf-8")
    )
    assert local["extends"] == "national_2008.toml"  # resolved to the packaged file

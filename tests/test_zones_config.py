"""Zone sets from TOML configs: sources, buffers in metres, set operations, config errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, box

from landkit.errors import ConfigError, CRSError
from landkit.zones import ZONE_COLUMNS, ZoneSet, kind_suffix, read_zones, zones_from_frame

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TOML = ROOT / "sample_data" / "zones" / "hongjiang.toml"
BASE = ROOT / "sample_data" / "hongjiang_base.gpkg"
GEOD = pyproj.Geod(ellps="GRS80")


def geod_area(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small base GeoPackage in EPSG:4546: four square towns (10 km) and a straight 30 km river."""
    path = tmp_path_factory.mktemp("zones") / "base.gpkg"
    x0, y0 = 380_000.0, 3_000_000.0
    towns = gpd.GeoDataFrame(
        {"code": ["01", "02", "03", "04"], "name": ["甲镇", "乙镇", "丙乡", "丁乡"]},
        geometry=[
            box(x0 + i * 10_000, y0 + j * 10_000, x0 + (i + 1) * 10_000, y0 + (j + 1) * 10_000)
            for i in (0, 1)
            for j in (0, 1)
        ],
        crs=4546,
    )
    towns.to_file(path, layer="towns")
    river = gpd.GeoDataFrame(
        {"name": ["河"]},
        geometry=[LineString([(x0 - 5_000, y0 + 10_000), (x0 + 25_000, y0 + 10_000)])],
        crs=4546,
    )
    river.to_file(path, layer="river")
    return path


def write_config(folder: Path, base: Path, body: str, name: str = "z.toml") -> Path:
    head = f'[plan]\nname = "测试规划"\nversion = "1"\nsource = "{base.as_posix()}"\n'
    path = folder / name
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def test_layer_filter_union_intersection_difference(base: Path, tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        base,
        """
        [[zone]]
        id = "a"
        name = "甲"
        kind = "乡镇"
        layer = "towns"
        where = { name = "甲镇" }

        [[zone]]
        id = "ab"
        name = "甲乙"
        kind = "片区"
        layer = "towns"
        where = { name = ["甲镇", "乙镇"] }

        [[zone]]
        id = "belt"
        name = "河带"
        kind = "带"
        line = "river"
        buffer_m = 1000
        clip = "all"

        [[zone]]
        id = "all"
        layer = "towns"
        output = false

        [[zone]]
        id = "a_belt"
        name = "甲河"
        kind = "板块"
        intersection = ["a", "belt"]

        [[zone]]
        id = "a_rest"
        name = "甲余"
        kind = "rest"
        difference = ["a", "belt"]
    """,
    )
    zs = read_zones(cfg, crs=4546)
    assert isinstance(zs, ZoneSet)
    assert tuple(zs.zones.columns) == ZONE_COLUMNS
    assert zs.zones["zone_id"].tolist() == ["a", "ab", "belt", "a_belt", "a_rest"]  # helper "all" left out
    assert zs.plan == "测试规划"
    assert set(zs.zones["plan_version"]) == {"1"}
    assert zs.suffixes["片区"] == "area"
    assert zs.suffixes["板块"] == "block"
    geoms = dict(zip(zs.zones["zone_id"], zs.zones.geometry, strict=True))
    x0, y0 = 380_000.0, 3_000_000.0
    # hand-worked: 甲镇 is the 10 km square at the origin; 甲乙 the 10 × 20 km strip
    assert geoms["a"].hausdorff_distance(box(x0, y0, x0 + 10_000, y0 + 10_000)) < 0.01
    assert geoms["ab"].area == pytest.approx(2e8, rel=1e-6)
    # the river runs along y0 + 10 km: a 1 km buffer clipped to the 20 km towns = 20 km × 2 km
    assert geoms["belt"].area == pytest.approx(20_000 * 2_000, rel=2e-3)
    # 甲 ∩ belt = the 10 km × 1 km strip under the river; 甲 − belt the 9 km rest
    assert geoms["a_belt"].area == pytest.approx(10_000 * 1_000, rel=2e-3)
    assert geoms["a_rest"].area == pytest.approx(10_000 * 9_000, rel=2e-4)
    assert zs.of_kind("板块")["zone_id"].tolist() == ["a_belt"]


def test_buffer_is_metres_on_the_ground(base: Path, tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        base,
        """
        [[zone]]
        id = "belt"
        name = "河带"
        kind = "带"
        line = "river"
        buffer_m = 2500
    """,
    )
    zs = read_zones(cfg, crs=4490)
    belt = zs.zones.geometry.iloc[0]
    # independent check: geodesic distance from every boundary vertex to the (densified) river
    river = gpd.read_file(base, layer="river").segmentize(20).to_crs(4490).geometry.iloc[0]
    pts = np.asarray(river.coords)
    verts = np.asarray(belt.exterior.coords)
    dist = np.array(
        [
            GEOD.inv(np.full(len(pts), vx), np.full(len(pts), vy), pts[:, 0], pts[:, 1])[2].min()
            for vx, vy in verts[::7]
        ]
    )
    assert dist.max() < 2500 * (1 + 1e-3)
    assert dist.min() > 2500 * (1 - 3e-3)
    # and the area is a stadium: 2 r L + π r² on the ground (L = geodesic length of the river)
    length = GEOD.geometry_length(river)
    assert geod_area(belt) == pytest.approx(2 * 2500 * length + np.pi * 2500**2, rel=2e-3)


def test_zones_from_layer_makes_one_zone_per_feature(base: Path, tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        base,
        """
        [kinds]
        "村组" = "group"

        [[zones_from_layer]]
        layer = "towns"
        kind = "村组"
        id_field = "code"
        name_field = "name"
        id_prefix = "t"
    """,
    )
    zs = read_zones(cfg)
    assert zs.zones["zone_id"].tolist() == ["t01", "t02", "t03", "t04"]
    assert zs.zones["name"].tolist() == ["甲镇", "乙镇", "丙乡", "丁乡"]
    assert zs.crs.to_epsg() == 4546  # default: the CRS of the first source layer
    assert zs.suffixes == {"村组": "group"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "带"\nline = "river"\n',
            "zone 'x': a line source needs buffer_m",
        ),
        ('[[zone]]\nid = "x"\nname = "x"\nkind = "带"\nline = "river"\nbuffer_m = -5\n', "buffer_m > 0"),
        ('[[zone]]\nid = "x"\nkind = "乡镇"\nlayer = "towns"\n', "zone 'x': missing name"),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "towns"\nline = "river"\nbuffer_m = 1\n',
            "zone 'x': give exactly one source",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nunion = ["y"]\n',
            "zone 'x': refers to unknown zone 'y'",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nunion = ["y"]\n[[zone]]\nid = "y"\nname = "y"\n'
            'kind = "乡镇"\nunion = ["x"]\n',
            "circular reference",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "towns"\nwhere = { name = "无此镇" }\n',
            "matches no feature",
        ),
        ('[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "nolayer"\n', "layer 'nolayer' not in"),
        ('[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "river"\n', "is not a polygon layer"),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "带"\nline = "towns"\nbuffer_m = 5\n',
            "is not a line layer",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "分区甲"\nlayer = "towns"\n',
            "zone 'x': zone kind '分区甲' has no column suffix",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "towns"\ncolour = "red"\n',
            "unknown key(s) colour",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nintersection = ["a", "b"]\n[[zone]]\nid = "a"\n'
            'layer = "towns"\nwhere = { code = "01" }\noutput = false\n[[zone]]\nid = "b"\nlayer = "towns"\n'
            'where = { code = "04" }\noutput = false\n',
            "zone 'x': the geometry is empty",
        ),
        (
            '[[zone]]\nid = "x"\nname = "x"\nkind = "乡镇"\nlayer = "towns"\n[[zone]]\nid = "x"\nname = "x"\n'
            'kind = "乡镇"\nlayer = "towns"\n',
            "zone 'x' is defined twice",
        ),
    ],
)
def test_invalid_configs_name_the_zone_and_problem(
    base: Path, tmp_path: Path, body: str, message: str
) -> None:
    cfg = write_config(tmp_path, base, body)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_zones(cfg)


def test_unreadable_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        read_zones(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[plan\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_zones(bad)


def test_zones_from_frame_checks() -> None:
    g = gpd.GeoDataFrame(
        {"zone_id": ["a", "a"], "name": ["甲", "乙"], "kind": ["乡镇", "乡镇"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=4546,
    )
    with pytest.raises(ConfigError, match="duplicate zone id"):
        zones_from_frame(g)
    with pytest.raises(CRSError):
        zones_from_frame(g.assign(zone_id=["a", "b"]).set_crs(None, allow_override=True))
    assert kind_suffix("城") == "city"
    assert kind_suffix("园区") == "park"
    assert kind_suffix("村") == "village"
    assert kind_suffix("带") == "belt"
    assert kind_suffix("乡镇") == "township"


def test_sample_hongjiang_layout() -> None:
    zs = read_zones(SAMPLE_TOML)
    counts = zs.zones["kind"].value_counts().to_dict()
    assert counts == {"城": 2, "带": 2, "板块": 4, "乡镇": 20, "园区": 2}
    names = set(zs.zones["name"])
    assert {
        "黔城",
        "安江",
        "沅水主干发展带",
        "雪峰山主脉生态经济文旅带",
        "黔城主城区板块",
        "安江主城区板块",
        "雪峰山板块",
        "清江湖板块",
        "洪江高新区",
    } <= names
    assert zs.crs.to_epsg() == 4490
    towns = gpd.read_file(BASE, layer="townships")
    qc = towns[towns["name"] == "黔城镇"].geometry.iloc[0]
    zone = zs.zones.set_index("zone_id").geometry["city_qiancheng"]
    # edges are straight in the source CRS (lon/lat here): densify before measuring geodesically
    assert geod_area(zone) == pytest.approx(geod_area(shapely.segmentize(qc, 0.0005)), rel=1e-6)
    # zones overlap by design: the 沅水 belt passes through 黔城 and its 主城区 block
    g = zs.zones.set_index("zone_id").geometry
    assert g["belt_yuan"].intersects(g["city_qiancheng"])
    assert g["belt_yuan"].intersects(g["block_qiancheng"])
    assert shapely.is_valid(np.asarray(zs.zones.geometry.values)).all()


def test_zoneset_to_crs_keeps_the_shape() -> None:
    g = gpd.GeoDataFrame(
        {"zone_id": ["a"], "name": ["甲"], "kind": ["乡镇"]},
        geometry=[box(380_000, 3e6, 400_000, 3_020_000)],
        crs=4546,
    )
    zs = zones_from_frame(g)
    there = zs.to_crs(4490)
    back = there.to_crs(4546)
    # a straight GK edge is a curve in lon/lat: its midpoint stays on the densified boundary (to ~1 cm)
    # but lies metres off the boundary of the plainly reprojected square
    mids = gpd.GeoSeries([shapely.Point(390_000, 3e6), shapely.Point(400_000, 3_010_000)], crs=4546).to_crs(
        4490
    )
    plain = g.geometry.to_crs(4490).iloc[0]
    deg = 1 / 111_320  # metres → degrees, roughly
    assert max(there.zones.geometry.iloc[0].boundary.distance(m) for m in mids) < 0.01 * deg
    assert max(plain.boundary.distance(m) for m in mids) > 1.0 * deg
    assert back.zones.geometry.iloc[0].hausdorff_distance(g.geometry.iloc[0]) < 0.01
    assert there.zones.geometry.iloc[0].geom_type == "Polygon"
    assert len(there.zones.geometry.iloc[0].exterior.coords) > 4 * 20_000 / 20

"""智能式推地: cases where the right answer is obvious, checked against shapely distances."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, box

from landkit.errors import ConfigError
from landkit.recommend import Demand, read_demand, recommend
from landkit.units import MU_M2

ROOT = Path(__file__).resolve().parents[1]
BELT = "沅水主干发展带"


def _parcel(i: int, area_mu: float, **attrs: object) -> dict[str, object]:
    side = (area_mu * MU_M2) ** 0.5
    x0 = 400_000 + i * 1_000
    return {
        "parcel_id": attrs.pop("pid", f"P{i}"),
        "area_m2": area_mu * MU_M2,
        "landuse_code": "100102",
        "landuse_system": "guide2023",
        "zone_belt": BELT,
        "zone_township": "黔城镇",
        "status": "for_sale",
        "asking_price": 600.0,
        **attrs,
        "geometry": box(x0, 3_000_000, x0 + side, 3_000_000 + side),
    }


@pytest.fixture
def parcels() -> gpd.GeoDataFrame:
    rows = [
        _parcel(0, 42, pid="A"),
        _parcel(1, 45, pid="B", landuse_code="0601", landuse_system="sandiao", asking_price=500.0),
        _parcel(2, 80, pid="C_too_big"),
        _parcel(3, 40, pid="D_housing", landuse_code="0701"),
        _parcel(4, 40, pid="E_railway", landuse_code="1001", landuse_system="sandiao"),
        _parcel(5, 40, pid="F_cleared", status="revitalized"),
        _parcel(6, 40, pid="G_dear", asking_price=2000.0),
        _parcel(7, 40, pid="H_elsewhere", zone_belt=None, zone_township="托口镇"),
        _parcel(8, 29.9, pid="I_small"),
    ]
    return gpd.GeoDataFrame(rows, crs=4546, index=[f"r{i}" for i in range(len(rows))])


@pytest.fixture
def roads(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # a road 50 m below the bottom edge of parcel A, running west from A's left edge
    minx, miny, *_ = parcels.geometry.iloc[0].bounds
    return gpd.GeoDataFrame(
        {"name": ["G320"]}, geometry=[LineString([(minx - 5000, miny - 50), (minx, miny - 50)])], crs=4546
    )


DEMAND = Demand(
    area_mu_min=30,
    area_mu_max=60,
    landuse=("1001",),
    zones=(BELT,),
    max_total_price=1500,
    road_within_m=5000,
    weights={"road": 1.0, "area": 0.0, "price": 0.0},
)


def test_obvious_shortlist(parcels, roads):
    r = recommend(parcels, DEMAND, roads=roads)
    assert r["parcel_id"].tolist() == ["A", "B"]  # only A and B pass; A is nearer the road
    assert r["rec_rank"].tolist() == [1, 2]
    assert list(r.index) == ["r0", "r1"]
    assert r.loc["r0", "rec_reason"] == (
        f"面积 42 亩, 在需求 30–60 亩内; 二类工业用地; {BELT}内; "
        "挂牌总价 600 万元 (14.3 万元/亩); 距道路 50 m"
    )
    assert "工业用地" in r.loc["r1", "rec_reason"]  # 三调 0601 found through the crosswalk
    expected = shapely.distance(parcels.geometry.iloc[1], roads.geometry.iloc[0])
    assert r.loc["r1", "rec_dist_road_m"] == pytest.approx(expected, abs=0.1)
    assert r.loc["r0", "rec_score"] == pytest.approx(100 * (1 - 50 / 5000), abs=0.1)


def test_every_exclusion_is_explained(parcels, roads):
    a = recommend(parcels, DEMAND, roads=roads, keep_all=True)
    why = dict(zip(a["parcel_id"], a["rec_excluded"], strict=True))
    assert why["A"] == ""
    assert why["B"] == ""
    assert "大于 60 亩" in why["C_too_big"]
    assert "城镇住宅用地" in why["D_housing"]
    assert "铁路用地" in why["E_railway"]  # 1001 is railway in 三调, not industry
    assert "已盘活" in why["F_cleared"]
    assert "超过 1500 万元" in why["G_dear"]
    assert "不在需求片区内" in why["H_elsewhere"]
    assert "小于 30 亩" in why["I_small"]
    assert a["rec_pass"].sum() == 2


def test_cheaper_wins_when_price_weighs(parcels):
    d = Demand(
        area_mu_min=30,
        area_mu_max=60,
        landuse=("1001",),
        max_unit_price=30,
        weights={"price": 1.0, "area": 0.0},
    )
    r = recommend(parcels, d)
    assert r["parcel_id"].iloc[0] == "B"  # 500 万元 / 45 亩 is the lowest unit price


def test_slope_limit_and_top(parcels):
    p = parcels.assign(slope_mean_deg=[5.0, 20.0] + [3.0] * 7)
    d = Demand(area_mu_min=30, area_mu_max=60, landuse=("1001",), max_slope_deg=15, zones=(BELT,), top=1)
    r = recommend(p, d)
    assert r["parcel_id"].tolist() == ["A"]
    assert "平均坡度 5.0°" in r["rec_reason"].iloc[0]
    a = recommend(p, d, keep_all=True)
    assert "平均坡度 20.0°, 超过 15°" in a.set_index("parcel_id").loc["B", "rec_excluded"]


def test_missing_price_kept_or_required(parcels):
    p = parcels.copy()
    p.loc["r1", "asking_price"] = None
    d = Demand(area_mu_min=30, area_mu_max=60, landuse=("1001",), max_total_price=1500)
    r = recommend(p, d)
    assert "挂牌价待定" in r.set_index("parcel_id").loc["B", "rec_reason"]
    strict = Demand(
        area_mu_min=30, area_mu_max=60, landuse=("1001",), max_total_price=1500, require_price=True
    )
    assert "B" not in recommend(p, strict)["parcel_id"].tolist()


def test_demand_toml_with_layers_matches_dataclass(parcels, roads, tmp_path):
    roads.to_file(tmp_path / "base.gpkg", layer="roads", driver="GPKG")
    (tmp_path / "need.toml").write_text(
        f"""name = "测试"
[area_mu]
min = 30
max = 60
[landuse]
codes = ["1001"]
[zones]
any = ["{BELT}"]
[price]
max_total = 1500
[preferences]
road_within_m = 5000
weights = {{ road = 1, area = 0, price = 0 }}
[layers]
roads = "base.gpkg:roads"
""",
        encoding="utf-8",
    )
    d = read_demand(tmp_path / "need.toml")
    assert d.roads is not None
    assert d.roads.endswith("base.gpkg:roads")
    from_file = recommend(parcels, tmp_path / "need.toml")
    direct = recommend(parcels, DEMAND, roads=roads)
    assert from_file["parcel_id"].tolist() == direct["parcel_id"].tolist()
    assert from_file["rec_score"].tolist() == direct["rec_score"].tolist()


def test_geographic_parcels_are_measured_in_metres(parcels, roads):
    r = recommend(parcels.to_crs(4490), DEMAND, roads=roads)
    assert r["parcel_id"].tolist() == ["A", "B"]
    assert r["rec_dist_road_m"].iloc[0] == pytest.approx(50, rel=0.01)
    assert r.crs.to_epsg() == 4490  # output keeps the input CRS


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("colour = 1\n", "unknown key"),
        ("[area_mu]\nmin = 60\nmax = 30\n", "empty"),
        ('[status]\nany = ["sold"]\n', "unknown status"),
        ('[area_mu]\nmin = "big"\n', "non-negative number"),
    ],
)
def test_bad_demand(tmp_path, text, match):
    p = tmp_path / "d.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        read_demand(p)


def test_sample_demand_on_sample_parcels():
    path = ROOT / "sample_data" / "parcels.gpkg"
    parcels = gpd.read_file(path)
    d = read_demand(ROOT / "sample_data" / "demand" / "new_materials_30_60mu.toml")
    r = recommend(parcels, d, zones=ROOT / "sample_data" / "zones" / "hongjiang.toml")
    assert 0 < len(r) <= d.top
    assert r["area_mu"].between(30, 60).all()
    assert r["rec_score"].is_monotonic_decreasing
    assert r["landuse_code"].isin(["100101", "100102", "100103", "0601", "M2"]).all()
    priced = r["asking_price"].notna()
    assert (r.loc[priced, "asking_price"] <= 1500).all()
    assert (r.loc[priced, "asking_price"] / r.loc[priced, "area_mu"] <= 30).all()


def test_shortlist_feeds_the_browse_page(parcels, roads):
    from landkit.maps.browse import browse_map

    shortlist = recommend(parcels, DEMAND, roads=roads)
    page = browse_map(
        shortlist, basemap="none", profile=["parcel_id", "area_m2", "asking_price", "rec_rank", "rec_reason"]
    )
    html = page.get_root().render()
    assert "距道路 50 m" in html
    assert "H_elsewhere" not in html  # only the shortlist is published

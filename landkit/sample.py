"""Build the synthetic 洪江市 sample data set in ``sample_data/``.

Everything here is **synthetic**: real township names and codes (NBS 2023) at approximate
positions, a made-up outline close to the real extent, an invented 沅水 centre line and
雪峰山 ridge, and about 2,000 invented parcels. The generator is deterministic (fixed seed),
so ``build_sample(path)`` always writes the same files.

Files written (see ``sample_data/README.md``):

- ``hongjiang_base.gpkg`` — layers county, townships, yuan_river, xuefeng_ridge, roads, park,
  agri_park, and the points expressway_exits, railway_stations, town_centres (EPSG:4490).
- ``parcels.gpkg`` — layer parcels, every parcel in canonical fields (EPSG:4546).
- ``delivered/idle_xianzhi.shp`` — idle land as a bureau hands it over: GBK DBF, no .cpg,
  no .prj, pinyin-initial headers, zone-prefixed Gauss-Krüger coordinates.
- ``delivered/low_efficiency.gpkg`` — low-efficiency land with the park system's headers.
- ``delivered/taizhang.xlsx`` — Excel 台账 of stalled, mortgaged and reserve land with Chinese
  headers; geometry in a 界址点 sheet (X = northing, Y = easting).
- ``snapshots/register_YYYY-MM-DD.gpkg`` — quarterly registers 2023-12-31 … 2024-12-31.
- ``dem/hongjiang_dem_4546.tif`` — synthetic 100 m DEM.
- ``ortho/hongjiang_park_ortho_4546.tif`` — synthetic 4 m RGB orthophoto of the 高新区.
- ``photos/*.jpg`` — a few small generated photos.
- ``panoramas/pano_N.jpg`` — 360° panoramas of four parcels for sale (``landkit.sample_panorama``).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon

from ._atomic import replace_file, staging_dir
from ._shapefile_write import shapefile_set
from ._sheets import write_workbook
from .area import add_area_columns
from .cases._sample import write_case_sample
from .schema import CLEARED_STATUSES, CONSTRUCTION_STATUSES, STATUSES, join_categories
from .units import MU_M2

__all__ = ["GENERATED", "SYNTHETIC_COLUMNS", "TOWNSHIPS", "build_sample", "synthetic_parcels"]

log = logging.getLogger(__name__)

#: 洪江市 townships: NBS code → (name, approximate lon, lat). Positions are synthetic (±10 km).
TOWNSHIPS: dict[str, tuple[str, float, float]] = {
    "431281101": ("黔城镇", 109.83, 27.19),
    "431281102": ("安江镇", 110.14, 27.33),
    "431281103": ("托口镇", 109.62, 27.13),
    "431281104": ("雪峰镇", 110.33, 27.27),
    "431281106": ("江市镇", 110.00, 27.06),
    "431281107": ("沅河镇", 109.71, 27.25),
    "431281108": ("塘湾镇", 110.45, 27.33),
    "431281202": ("岔头乡", 110.10, 27.43),
    "431281203": ("茅渡乡", 109.88, 27.09),
    "431281204": ("大崇乡", 110.39, 27.14),
    "431281205": ("熟坪乡", 110.25, 27.41),
    "431281206": ("铁山乡", 110.30, 27.08),
    "431281207": ("群峰乡", 109.74, 27.10),
    "431281208": ("湾溪乡", 110.45, 27.22),
    "431281209": ("洗马乡", 110.22, 27.20),
    "431281211": ("沙湾乡", 110.02, 27.29),
    "431281212": ("深渡苗族乡", 109.63, 27.03),
    "431281213": ("龙船塘瑶族乡", 110.17, 27.06),
    "431281214": ("太平乡", 109.93, 27.31),
    "431281217": ("岩垅乡", 109.90, 27.41),
}

_GK = 4546  # CGCS2000 3° Gauss-Krüger CM 111°E, no zone prefix
_GK_PREFIXED = 4525
_SNAPSHOT_DATES = ("2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31")
_FIRMS = ("振远钒电", "德坤钒业", "雪峰米业", "山农禽业", "黔桥水泥")
_WORDS = ("兴", "华", "恒", "鑫", "盛", "达", "丰", "源", "泰", "宏", "隆", "安", "沅", "湘", "楚", "黔")
_TRADES = ("实业", "化工", "建材", "食品", "木业", "纸业", "医药", "物流", "置业", "矿业")
_SURNAMES = ("张", "王", "李", "刘", "陈", "杨", "黄", "周", "吴", "向", "舒", "蒋")
_GIVEN = ("建国", "志强", "丽华", "海波", "小红", "德明", "永福", "秀英", "国庆", "春生")
#: fictional lenders (real bank names must not appear in sample data)
_BANKS = (
    "沅丰银行洪江支行",
    "楚岳商业银行怀化分行",
    "雪峰农村合作银行",
    "湘沅发展银行洪江支行",
    "黔阳信达银行",
)
#: industries with the 2008 national minimum FAR table sectors (DOMAIN.md §2)
_INDUSTRIES = (
    "食品制造业",
    "木材加工业",
    "造纸业",
    "石油加工业",
    "化学原料和化学制品制造业",
    "医药制造业",
    "非金属矿物制品业",
    "黑色金属冶炼和压延加工业",
    "有色金属冶炼和压延加工业",
)
_INDUSTRIAL_CODES = ("100101", "100102", "100103", "0601", "M2")
_LANDUSE = (  # (code, system, name)
    ("100101", "guide2023", "一类工业用地"),
    ("100102", "guide2023", "二类工业用地"),
    ("100103", "guide2023", "三类工业用地"),
    ("110101", "guide2023", "一类物流仓储用地"),
    ("0601", "sandiao", "工业用地"),
    ("0508", "sandiao", "物流仓储用地"),
    ("M2", "gb50137", "二类工业用地"),
    ("090101", "guide2023", "零售商业用地"),
    ("0701", "guide2023", "城镇住宅用地"),
)


def _outline() -> Polygon:
    """A wiggly outline around the township seats (synthetic; not the official boundary)."""
    pts = np.array([(lon, lat) for _, lon, lat in TOWNSHIPS.values()])
    hull = shapely.MultiPoint(pts).convex_hull.buffer(0.03, quad_segs=12)
    ring = np.asarray(hull.exterior.coords)
    c = ring.mean(axis=0)
    ang = np.arctan2(ring[:, 1] - c[1], ring[:, 0] - c[0])
    k = 1 + 0.03 * np.sin(7 * ang) + 0.02 * np.sin(13 * ang + 1.0)
    return shapely.make_valid(Polygon(c + (ring - c) * k[:, None])).buffer(0)


def _townships(outline: Polygon) -> gpd.GeoDataFrame:
    seeds = shapely.MultiPoint([(lon, lat) for _, lon, lat in TOWNSHIPS.values()])
    cells = shapely.voronoi_polygons(seeds, extend_to=outline.buffer(0.5))
    rows = []
    for code, (name, lon, lat) in TOWNSHIPS.items():
        p = Point(lon, lat)
        cell = next(c for c in cells.geoms if c.contains(p))
        rows.append({"code": code, "name": name, "geometry": cell.intersection(outline)})
    return gpd.GeoDataFrame(rows, crs=4490)


def _line(points: list[tuple[float, float]], rng: np.random.Generator, *, wiggle: float) -> LineString:
    line = LineString(points)
    dist = np.linspace(0, line.length, 120)
    base = np.array([line.interpolate(d).coords[0] for d in dist])
    off = wiggle * np.sin(dist * 40) + rng.normal(0, wiggle / 6, len(dist))
    off[0] = off[-1] = 0
    return LineString(base + np.column_stack([off * 0.3, off]))


def _base_layers(rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    outline = _outline()
    county = gpd.GeoDataFrame({"code": ["431281"], "name": ["洪江市"]}, geometry=[outline], crs=4490)
    river = _line(
        [
            (109.52, 27.08),
            (109.62, 27.13),
            (109.74, 27.17),
            (109.83, 27.185),
            (109.95, 27.23),
            (110.05, 27.28),
            (110.14, 27.325),
            (110.12, 27.40),
            (110.10, 27.50),
        ],
        rng,
        wiggle=0.006,
    )
    ridge = _line(
        [(110.50, 27.00), (110.42, 27.15), (110.36, 27.28), (110.33, 27.40), (110.30, 27.50)],
        rng,
        wiggle=0.01,
    )
    roads = gpd.GeoDataFrame(
        {
            "name": ["G320", "沪昆高速", "S223"],
            "geometry": [
                LineString(
                    [
                        (109.52, 27.16),
                        (109.70, 27.19),
                        (109.83, 27.195),
                        (110.00, 27.24),
                        (110.20, 27.26),
                        (110.33, 27.275),
                        (110.53, 27.31),
                    ]
                ),
                LineString(
                    [(109.52, 27.21), (109.80, 27.23), (110.10, 27.22), (110.30, 27.24), (110.53, 27.26)]
                ),
                LineString([(109.83, 27.19), (109.95, 27.26), (110.14, 27.33), (110.15, 27.48)]),
            ],
        },
        crs=4490,
    )
    clip = county.geometry.iloc[0]
    return {
        "county": county,
        "townships": _townships(outline),
        "yuan_river": gpd.GeoDataFrame({"name": ["沅水"]}, geometry=[river.intersection(clip)], crs=4490),
        "xuefeng_ridge": gpd.GeoDataFrame(
            {"name": ["雪峰山主脉"]}, geometry=[ridge.intersection(clip)], crs=4490
        ),
        "roads": gpd.GeoDataFrame(
            roads.drop(columns="geometry"), geometry=roads.intersection(clip), crs=4490
        ),
        "park": gpd.GeoDataFrame(
            {"name": ["洪江市高新区"]},
            geometry=[
                Polygon(
                    [
                        (109.845, 27.195),
                        (109.885, 27.197),
                        (109.893, 27.222),
                        (109.870, 27.232),
                        (109.848, 27.220),
                    ]
                )
            ],
            crs=4490,
        ),
        "agri_park": gpd.GeoDataFrame(
            {"name": ["怀化国家农科园安江核心区"]},
            geometry=[Polygon([(110.115, 27.315), (110.150, 27.312), (110.158, 27.338), (110.125, 27.342)])],
            crs=4490,
        ),
    }


# ---- points of interest for the browse page's context and distances (issue 14) ----------------
#: Synthetic expressway exits: (name, the longitude near which the exit sits on 沪昆高速).
_EXITS = (("托口出口", 109.62), ("洪江出口", 109.84), ("安江出口", 110.12), ("雪峰出口", 110.34))
#: Synthetic railway stations: (name, kind, lon, lat) — invented names and positions.
_STATIONS = (("洪江南站", "高铁站", 109.875, 27.245), ("安江站", "火车站", 110.125, 27.35))


def _poi_layers(base: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Expressway exits, railway stations and one town centre per township (no random draws)."""
    expressway = base["roads"].set_index("name").geometry["沪昆高速"]
    exits = [
        expressway.interpolate(expressway.project(Point(lon, expressway.centroid.y))) for _, lon in _EXITS
    ]
    towns = base["townships"]
    centres = [Point(TOWNSHIPS[code][1], TOWNSHIPS[code][2]) for code in towns["code"]]
    return {
        "expressway_exits": gpd.GeoDataFrame(
            {"name": [n for n, _ in _EXITS], "kind": "高速出口"}, geometry=exits, crs=4490
        ),
        "railway_stations": gpd.GeoDataFrame(
            {"name": [s[0] for s in _STATIONS], "kind": [s[1] for s in _STATIONS]},
            geometry=[Point(s[2], s[3]) for s in _STATIONS],
            crs=4490,
        ),
        "town_centres": gpd.GeoDataFrame(
            {
                "code": towns["code"].to_numpy(),
                "name": [n + ("镇区" if n.endswith("镇") else "政府驻地") for n in towns["name"]],
                "kind": ["镇区" if n.endswith("镇") else "乡政府驻地" for n in towns["name"]],
            },
            geometry=centres,
            crs=4490,
        ),
    }


def _parcel_shape(rng: np.random.Generator, cx: float, cy: float, area_m2: float) -> Polygon:
    """A jittered rotated rectangle of about ``area_m2`` (planar GK metres), ~12–19 vertices."""
    ratio = rng.uniform(0.5, 1.0)
    w = np.sqrt(area_m2 / ratio)
    h = w * ratio
    per_side = int(rng.integers(3, 5))
    corners = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
    pts = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        for t in np.linspace(0, 1, per_side, endpoint=False):
            p = a + (b - a) * t
            if t > 0:
                p = p + rng.normal(0, min(w, h) * 0.015, 2)
            pts.append(p)
    theta = rng.uniform(0, np.pi)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    xy = np.asarray(pts) @ rot.T + (cx, cy)
    return Polygon(xy)


def _company(rng: np.random.Generator) -> str:
    return "洪江市" + "".join(rng.choice(_WORDS, 2)) + str(rng.choice(_TRADES)) + "有限公司"


def _person(rng: np.random.Generator) -> str:
    return str(rng.choice(_SURNAMES)) + str(rng.choice(_GIVEN))


def _date(rng: np.random.Generator, start: str, end: str) -> dt.date:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return a + dt.timedelta(days=int(rng.integers(0, (b - a).days)))


def _parcels(base: dict[str, gpd.GeoDataFrame], rng: np.random.Generator, n: int) -> gpd.GeoDataFrame:
    to_gk = pyproj.Transformer.from_crs(4490, _GK, always_xy=True)
    towns = base["townships"].to_crs(_GK)
    park = base["park"].to_crs(_GK).geometry.iloc[0]
    county = base["county"].to_crs(_GK).geometry.iloc[0]
    centres = {code: to_gk.transform(lon, lat) for code, (_, lon, lat) in TOWNSHIPS.items()}
    weights = dict.fromkeys(TOWNSHIPS, 1.0)
    weights["431281101"] = 6.0
    weights["431281102"] = 5.0
    weights["431281103"] = 2.0
    codes = list(weights)
    probs = np.array([weights[c] for c in codes]) / sum(weights.values())
    placed: list[Polygon] = []
    tree_geoms: list[Polygon] = []
    rows = []
    n_park = n // 6
    attempts = 0
    while len(placed) < n and attempts < n * 30:
        attempts += 1
        in_park = len(placed) < n_park
        area = float(np.clip(rng.lognormal(np.log(14 * MU_M2), 0.8), 1.5 * MU_M2, 220 * MU_M2))
        if in_park:
            minx, miny, maxx, maxy = park.bounds
            cx, cy = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            area = min(area, 60 * MU_M2)
        else:
            code = str(rng.choice(codes, p=probs))
            x0, y0 = centres[code]
            spread = 2500 if code in ("431281101", "431281102") else 4000
            cx, cy = x0 + rng.normal(0, spread), y0 + rng.normal(0, spread)
        poly = _parcel_shape(rng, cx, cy, area)
        if in_park and not park.contains(poly.centroid):
            continue
        if not county.contains(poly):
            continue
        if tree_geoms and len(shapely.STRtree(tree_geoms[-400:]).query(poly, predicate="intersects")):
            continue
        if tree_geoms and any(poly.intersects(g) for g in tree_geoms[:-400] if g.distance(poly) < 1):
            continue
        placed.append(poly)
        tree_geoms.append(poly.buffer(15))
        rows.append({"in_park": in_park or park.intersects(poly)})
    gdf = gpd.GeoDataFrame(rows, geometry=placed, crs=_GK)
    gdf = add_area_columns(gdf)
    joined = gpd.sjoin(
        gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=_GK),
        towns[["code", "name", "geometry"]],
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated()]
    gdf["township_code"] = joined["code"].fillna("431281101")
    gdf["township"] = joined["name"].fillna("黔城镇")
    return _attributes(gdf, rng)


def _attributes(gdf: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Register attributes for placed parcels, one named step at a time (draw order fixed by the seed)."""
    firm_slots = set(rng.choice(np.flatnonzero(gdf["in_park"].to_numpy()), size=len(_FIRMS), replace=False))
    firm_iter = iter(_FIRMS)
    serial: dict[str, int] = {}
    cats, status, records = [], [], []
    for i, row in enumerate(gdf.itertuples()):
        main, tags = _tags(bool(row.in_park), rng)
        cats.append(join_categories(tags))
        status.append(_status(main, rng))
        ident = _identity(str(row.township_code), main, serial, rng)
        firm = next(firm_iter) if i in firm_slots else None
        tenure = _tenure(main, firm, rng)
        dev = _development(main, float(row.area_mu), tenure["supplied"], tenure["agreed"], rng)
        mdate = _date(rng, "2019-01-01", "2023-06-30") if "mortgaged" in tags else None
        cause = _idle_cause(rng) if "idle" in tags else None
        facts = {
            **ident,
            **tenure,
            **dev,
            "main": main,
            "tags": tags,
            "status": status[-1],
            "firm": firm,
            "mortgage_date": mdate,
            "idle_cause": cause,
        }
        records.append(_record(row, facts, rng))
    out = gdf.drop(columns=["township_code"]).join(pd.DataFrame(records, index=gdf.index))
    out["categories"] = cats
    out["status"] = status
    return _finish(out, rng)


def _tags(in_park: bool, rng: np.random.Generator) -> tuple[str, set[str]]:
    """Main category (park land is never reserve) and the full tag set (stalled may be idle too)."""
    r = rng.random()
    if in_park:
        main = "idle" if r < 0.35 else "low_efficiency" if r < 0.85 else "stalled"
    else:
        main = "idle" if r < 0.3 else "low_efficiency" if r < 0.55 else "stalled" if r < 0.7 else "reserve"
    tags = {main}
    if main == "stalled" and rng.random() < 0.5:
        tags.add("idle")
    if main != "reserve" and rng.random() < 0.25:
        tags.add("mortgaged")
    return main, tags


def _status(main: str, rng: np.random.Generator) -> str:
    st = str(rng.choice(["identified", "in_disposal", "for_sale"], p=[0.5, 0.3, 0.2]))
    if main == "reserve":
        st = "reserved" if rng.random() < 0.6 else "for_sale"
    return st


def _identity(tcode: str, main: str, serial: dict[str, int], rng: np.random.Generator) -> dict[str, Any]:
    """宗地代码 (township code + serial; 10 % of reserve land collective, JB) and land use."""
    district = tcode[-3:]
    serial[district] = serial.get(district, 0) + 1
    collective = main == "reserve" and rng.random() < 0.1
    pid = f"431281{district}{int(rng.integers(1, 4)):03d}{'JB' if collective else 'GB'}{serial[district]:05d}"
    p = [0.2, 0.25, 0.1, 0.1, 0.1, 0.05, 0.05, 0.1, 0.05]
    code, system, luname = _LANDUSE[int(rng.choice(len(_LANDUSE), p=p))]
    return {
        "pid": pid,
        "serial": serial[district],
        "tcode": tcode,
        "collective": collective,
        "landuse": (code, system, luname),
    }


def _tenure(main: str, firm: str | None, rng: np.random.Generator) -> dict[str, Any]:
    """Who holds the land and since when (reserve land: nobody)."""
    supplied = main != "reserve"
    holder = (f"湖南{firm}有限公司" if firm else _company(rng)) if supplied else None
    personal = supplied and rng.random() < 0.08
    if personal:
        holder = _person(rng)
    contract = _date(rng, "2012-08-01", "2022-06-30") if supplied else None
    agreed = contract + dt.timedelta(days=int(rng.integers(90, 540))) if contract else None
    return {
        "supplied": supplied,
        "holder": holder,
        "personal": personal,
        "contract": contract,
        "agreed": agreed,
    }


def _development(
    main: str, area_mu: float, supplied: bool, agreed: dt.date | None, rng: np.random.Generator
) -> dict[str, Any]:
    """Construction: start/stop dates, built share, land price, investment, FAR and coverage."""
    started = supplied and (main in ("stalled", "low_efficiency") or rng.random() < 0.2)
    actual = agreed + dt.timedelta(days=int(rng.integers(-60, 400))) if (started and agreed) else None
    stalled = actual is not None and main == "stalled"
    stopped = actual + dt.timedelta(days=int(rng.integers(120, 900))) if stalled and actual else None
    if main == "stalled":
        built = float(rng.uniform(0.05, 0.6))
    else:
        built = float(rng.uniform(0.5, 1.0)) if started else 0.0
    price = round(area_mu * float(rng.uniform(8, 22)), 2) if supplied else None
    total = round(area_mu * float(rng.uniform(80, 300)), 1) if supplied else None
    invested = round(total * (built * float(rng.uniform(0.6, 1.2))), 1) if total else None
    far = round(float(rng.uniform(0.2, 1.6)), 2) if started else (0.0 if supplied else None)
    coverage = round(float(rng.uniform(0.12, 0.6)), 2) if started else (0.0 if supplied else None)
    return {
        "started": started,
        "actual": actual,
        "stopped": stopped,
        "built_share": built,
        "land_price": price,
        "total_investment": total,
        "invested": invested,
        "far": far,
        "coverage": coverage,
    }


def _idle_cause(rng: np.random.Generator) -> str:
    causes = ["企业原因", "政府原因:未按约定交付土地", "政府原因:规划依法修改", "不可抗力"]
    return str(rng.choice(causes, p=[0.75, 0.12, 0.08, 0.05]))


def _construction_status(main: str, started: bool, supplied: bool) -> str | None:
    if main == "stalled":
        return "stalled"
    return "completed" if started else "not_started" if supplied else None


def _record(row: Any, f: dict[str, Any], rng: np.random.Generator) -> dict[str, object]:
    """One register row from the drawn facts (the remaining draws happen here, in column order)."""
    main, supplied, personal, firm = f["main"], f["supplied"], f["personal"], f["firm"]
    code, system, luname = f["landuse"]
    area_m2, area_mu, area_share = float(row.area_m2), float(row.area_mu), f["built_share"]
    low_eff, mortgaged, for_sale, mdate = (
        main == "low_efficiency",
        "mortgaged" in f["tags"],
        f["status"] == "for_sale",
        f["mortgage_date"],
    )
    holder, pid = f["holder"], f["pid"]
    return {
        "parcel_id": pid,
        "unit_id": f"{pid}W00000000",
        "name": f"{firm}闲置厂房"
        if firm
        else f"{row.township}{luname.replace('用地', '')}地块{f['serial']:03d}",
        "holder": holder,
        "user_unit": holder if (supplied and not personal) else None,
        "holder_phone": f"13{int(rng.integers(100000000, 999999999))}" if personal else None,
        "village": f"{rng.choice(_WORDS)!s}{rng.choice(_WORDS)!s}村",
        "location_code": f"{f['tcode']}{int(rng.integers(1, 30)):03d}",
        "landuse_code": code,
        "landuse_system": system,
        "landuse_name": luname,
        "planned_use": luname,
        "industry": str(rng.choice(_INDUSTRIES)) if code in _INDUSTRIAL_CODES and supplied else None,
        "ownership": "集体" if f["collective"] else "国有",
        "supply_method": (str(rng.choice(["出让", "划拨"], p=[0.9, 0.1])) if supplied else None),
        "contract_date": f["contract"],
        "agreed_start_date": f["agreed"],
        "actual_start_date": f["actual"],
        "stop_date": f["stopped"],
        "idle_cause": f["idle_cause"],
        "construction_status": _construction_status(main, f["started"], supplied),
        "disposal_method": None,
        "land_price": f["land_price"],
        "approved_area_m2": round(area_m2 * float(rng.uniform(0.98, 1.02)), 1),
        "built_area_m2": round(area_m2 * area_share, 1),
        "floor_area_m2": round(area_m2 * (f["far"] or 0.0), 1),
        "far": f["far"],
        "coverage": f["coverage"],
        "total_investment": f["total_investment"],
        "invested": f["invested"],
        "tax_per_mu": round(float(rng.gamma(2.0, 2.5)), 2) if low_eff else None,
        "output_per_mu": round(float(rng.gamma(2.0, 40)), 1) if low_eff else None,
        "leased_share": round(float(rng.uniform(0, 0.9)), 2) if low_eff else None,
        "mortgagee": str(rng.choice(_BANKS)) if mortgaged else None,
        "mortgage_amount": round(area_mu * float(rng.uniform(5, 15)), 1) if mortgaged else None,
        "mortgage_term": f"{mdate}至{(pd.Timestamp(mdate) + pd.DateOffset(years=5)).date()}"
        if mdate
        else None,
        "mortgage_date": mdate,
        "asking_price": round(area_mu * float(rng.uniform(10, 30)), 1) if for_sale else None,
        "listed_date": _date(rng, "2023-01-01", "2023-12-31") if for_sale else None,
        "responsible_unit": "洪江高新区管委会" if row.in_park else f"{row.township}人民政府",
        "contact": "洪江市投资促进事务中心 0745-7622000" if for_sale else None,
        "previous_ids": None,
        "photos": None,
        "remarks": None,
    }


def _finish(out: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Location text, declared areas (six plainly wrong, as registers have) and date columns."""
    n = len(out)
    out["location"] = out["township"] + out["village"]
    out["declared_area_m2"] = (out["area_m2"] * rng.uniform(0.995, 1.005, n)).round(1)
    bad = rng.choice(n, size=6, replace=False)
    out.loc[out.index[bad], "declared_area_m2"] = (out["area_m2"].iloc[bad] * 1.3).round(1).to_numpy()
    for c in (
        "contract_date",
        "agreed_start_date",
        "actual_start_date",
        "stop_date",
        "mortgage_date",
        "listed_date",
    ):
        out[c] = pd.to_datetime(out[c])
    return out


def _photos(root: Path, rng: np.random.Generator) -> list[str]:
    from PIL import Image, ImageDraw

    root.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(4):
        w, h = 320, 200
        y = np.linspace(0, 1, h)[:, None, None]
        sky = np.array([150, 190, 235]) * (1 - y) + np.array([90, 140, 80]) * y
        img = np.clip(sky + rng.normal(0, 6, (h, w, 3)), 0, 255).astype("uint8")
        im = Image.fromarray(img)
        draw = ImageDraw.Draw(im)
        x0 = 40 + 50 * i
        draw.rectangle([x0, 110, x0 + 120, 170], fill=(200, 200, 195), outline=(80, 80, 80))
        draw.polygon([(x0 - 5, 110), (x0 + 60, 80), (x0 + 125, 110)], fill=(120, 60, 50))
        name = f"site_{i + 1}.jpg"
        im.save(root / name, quality=70)
        names.append(f"photos/{name}")
    return names


def _dem(base: dict[str, gpd.GeoDataFrame], path: Path, rng: np.random.Generator) -> None:
    import rasterio
    from affine import Affine

    county = base["county"].to_crs(_GK)
    minx, miny, maxx, maxy = (np.floor(v / 100) * 100 for v in county.total_bounds)
    maxx, maxy = maxx + 100, maxy + 100
    res = 100.0
    width, height = int((maxx - minx) / res), int((maxy - miny) / res)
    xs = minx + res * (np.arange(width) + 0.5)
    ys = maxy - res * (np.arange(height) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    pts = shapely.points(gx.ravel(), gy.ravel())
    river = base["yuan_river"].to_crs(_GK).geometry.iloc[0]
    ridge = base["xuefeng_ridge"].to_crs(_GK).geometry.iloc[0]
    d_river = shapely.distance(river, pts).reshape(gy.shape)
    d_ridge = shapely.distance(ridge, pts).reshape(gy.shape)
    elev = 175 + 420 * (1 - np.exp(-d_river / 6000)) + 1080 * np.exp(-((d_ridge / 9000) ** 2))
    hills = 1 - np.exp(-d_river / 2500)  # the valley floor stays near the river's level
    elev += hills * 60 * (1 + np.sin(gx / 3100) * np.cos(gy / 2700)) + rng.normal(0, 3, gy.shape)
    # 雪峰山 is steep: gullies and spurs a few hundred metres apart near the ridge (slopes over 25°)
    mountain = np.exp(-((d_ridge / 12000) ** 2))
    elev += mountain * 160 * np.sin(gx / 230 + 2 * np.sin(gy / 900)) * np.cos(gy / 310)
    inside = shapely.contains_xy(county.geometry.iloc[0].buffer(2000), gx, gy)
    data = np.where(inside, np.round(elev), -32768).astype("int16")
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "int16",
        "crs": f"EPSG:{_GK}",
        "transform": Affine(res, 0.0, minx, 0.0, -res, maxy),
        "nodata": -32768,
        "compress": "deflate",
        "predictor": 2,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)


_SNAPSHOT_COLUMNS = (
    "parcel_id", "unit_id", "name", "categories", "status", "holder", "township", "village", "landuse_code",
    "landuse_system", "construction_status", "disposal_method", "responsible_unit", "previous_ids",
    "declared_area_m2", "geometry",
)  # fmt: skip
_METHODS = {
    "revitalized": ("二次招商", "腾笼换鸟", "企业自行开发"),
    "recovered": ("无偿收回", "协议有偿收回"),
    "disposed": ("置换", "转让"),
}


def _snapshots(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    """Quarterly registers of idle/low-efficiency land: the park clears down through 2024."""
    reg = parcels[parcels["categories"].str.contains("idle|low_efficiency")].copy()
    reg["status"] = reg["status"].replace({"for_sale": "identified"})
    clear_q, split_src, vanished = _clearing_plan(reg, rng)
    closing = {i: str(rng.choice(sorted(CLEARED_STATUSES), p=[0.2, 0.2, 0.6])) for i in reg.index}
    # newly found idle land in the park during 2024
    new_found = parcels[(~parcels.index.isin(reg.index)) & parcels["in_park"]].index.to_numpy()[:6]
    found_q = dict(zip(new_found, [2, 2, 3, 3, 3, 4], strict=False))
    snaps: dict[str, gpd.GeoDataFrame] = {}
    for q, date in enumerate(_SNAPSHOT_DATES):
        snap = _register_at(q, reg, parcels, vanished=vanished, found_q=found_q)
        snap["status"] = _statuses_at(q, snap, clear_q, closing)
        snap["disposal_method"] = [
            str(rng.choice(_METHODS[s])) if s in _METHODS else None for s in snap["status"]
        ]
        snap["implement_date"] = pd.to_datetime(
            pd.Series([date if s in _METHODS else None for s in snap["status"]], index=snap.index)
        )
        if q >= 2:  # one park parcel split in two, with lineage
            snap = _split_in_two(snap, split_src, crs=parcels.crs)
        snap = gpd.GeoDataFrame(
            snap[[*_SNAPSHOT_COLUMNS, "implement_date"]], geometry="geometry", crs=parcels.crs
        )
        snaps[date] = add_area_columns(snap.reset_index(drop=True))
    return snaps


def _clearing_plan(reg: gpd.GeoDataFrame, rng: np.random.Generator) -> tuple[pd.Series, int, int]:
    """Quarter each parcel is cleared in (``len(dates)``: never), the park parcel that will be split,
    and the parcel that vanishes from the register after the first quarter."""
    park = reg.index[reg["in_park"]].to_numpy()
    others = reg.index[~reg["in_park"]].to_numpy()
    n_dates = len(_SNAPSHOT_DATES)
    clear_q = pd.Series(n_dates, index=reg.index)
    order = rng.permutation(park)  # the park clears almost everything over 4 quarters; 4 stragglers remain
    stragglers, rest = order[:4], order[4:]
    clear_q.loc[rest] = rng.choice([1, 2, 3, 4], size=len(rest), p=[0.15, 0.25, 0.3, 0.3])
    clear_q.loc[stragglers] = n_dates
    clear_q.loc[others] = np.where(
        rng.random(len(others)) < 0.3, rng.integers(1, n_dates, len(others)), n_dates
    )
    return clear_q, int(rest[0]), int(others[0])


def _register_at(
    q: int, reg: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame, *, vanished: int, found_q: dict[Any, int]
) -> gpd.GeoDataFrame:
    """The register's rows at quarter ``q``: one parcel gone after the first, newly found idle land added."""
    snap = reg.copy()
    if q >= 1:
        snap = snap.drop(index=[vanished])
    for pid, fq in found_q.items():
        if q >= fq:
            row = parcels.loc[[pid]].copy()
            row["categories"] = "idle"
            row["status"] = "identified" if q < fq + 2 else "in_disposal"
            snap = pd.concat([snap, row])
    return snap


def _statuses_at(q: int, snap: gpd.GeoDataFrame, clear_q: pd.Series, closing: dict[Any, str]) -> pd.Series:
    """Cleared parcels take their closing status; those cleared next quarter are in disposal."""
    st = snap["status"].copy()
    cq = clear_q.reindex(snap.index).fillna(len(_SNAPSHOT_DATES))
    for idx in snap.index:
        if cq[idx] <= q:
            st[idx] = closing[idx]
        elif cq[idx] == q + 1 and st[idx] == "identified":
            st[idx] = "in_disposal"
    return st


def _split_in_two(snap: gpd.GeoDataFrame, src_idx: int, *, crs: Any) -> gpd.GeoDataFrame:
    """Replace parcel ``src_idx`` by its west and east halves, new codes recording the old one."""
    src = snap.loc[src_idx]
    g = src.geometry
    minx, miny, maxx, maxy = g.bounds
    mid = (minx + maxx) / 2
    halves = [
        g.intersection(shapely.box(minx - 1, miny - 1, mid, maxy + 1)),
        g.intersection(shapely.box(mid, miny - 1, maxx + 1, maxy + 1)),
    ]
    new_rows = []
    for k, half in enumerate(halves):
        r = src.copy()
        r["parcel_id"] = src["parcel_id"][:-5] + f"{90001 + k:05d}"
        r["unit_id"] = r["parcel_id"] + "W00000000"
        r["previous_ids"] = src["parcel_id"]
        r["geometry"] = half
        new_rows.append(r)
    return pd.concat([snap.drop(index=[src_idx]), gpd.GeoDataFrame(new_rows, crs=crs)])


_SHP_HEADERS = {  # canonical → pinyin initials (DBF names ≤ 10 bytes), as a county system exports them
    "parcel_id": "ZDDM",
    "name": "XMMC",
    "holder": "TDSYQR",
    "holder_phone": "LXDH",
    "township": "SZX",
    "village": "SZC",
    "landuse_code": "DLBM",
    "landuse_name": "DLMC",
    "supply_method": "GDFS",
    "contract_date": "HTQDRQ",
    "agreed_start_date": "YDDGRQ",
    "actual_start_date": "SJDGRQ",
    "idle_cause": "XZYY",
    "land_price": "CRJK",
    "status": "ZT",
    "categories": "LB",
    "responsible_unit": "ZRDW",
    "ownership": "QSXZ",
    "landuse_system": "FLTX",
}
_LOW_EFF_HEADERS = {  # the park system of DOMAIN.md §6
    "parcel_id": "ZDDM",
    "township": "SZX",
    "village": "SZC",
    "holder": "TDSYQR",
    "user_unit": "YDDW",
    "approved_area_m2": "PZMJ",
    "built_area_m2": "YJCMJ",
    "floor_area_m2": "JZMJ",
    "far": "RJL",
    "construction_status": "JSZK",
    "disposal_method": "PHFS",
    "planned_use": "GHYT",
    "industry": "所属行业",
    "coverage": "建筑系数",
    "tax_per_mu": "亩均税收",
    "output_per_mu": "亩均产值",
    "leased_share": "出租比例",
    "total_investment": "总投资",
    "invested": "已完成投资",
    "landuse_code": "地类编码",
    "landuse_system": "分类体系",
    "categories": "类别",
    "status": "状态",
    "responsible_unit": "责任单位",
    "name": "项目名称",
}
_TAIZHANG_HEADERS = {
    "parcel_id": "宗地代码",
    "unit_id": "不动产单元号",
    "name": "地块名称",
    "categories": "类别",
    "status": "状态",
    "holder": "土地使用权人",
    "holder_phone": "联系电话",
    "township": "乡镇",
    "location": "坐落",
    "landuse_code": "地类编码",
    "landuse_system": "分类体系",
    "supply_method": "供地方式",
    "agreed_start_date": "约定动工日期",
    "actual_start_date": "实际动工日期",
    "stop_date": "停工日期",
    "built_area_m2": "已建成面积(平方米)",
    "total_investment": "总投资(万元)",
    "invested": "已完成投资(万元)",
    "mortgagee": "抵押权人",
    "mortgage_amount": "债权数额(万元)",
    "mortgage_term": "抵押期限",
    "mortgage_date": "抵押登记日期",
    "asking_price": "挂牌总价(万元)",
    "listed_date": "挂牌日期",
    "responsible_unit": "责任单位",
    "contact": "招商联系方式",
    "land_price": "出让价款(万元)",
}


def _chinese_date(d: object, style: int) -> str | None:
    if d is None or pd.isna(d):  # type: ignore[call-overload]
        return None
    t = pd.Timestamp(d)  # type: ignore[arg-type]
    return (f"{t.year}年{t.month}月{t.day}日", f"{t.year}.{t.month}.{t.day}", f"{t:%Y/%m/%d}")[style % 3]


def _write_delivered(parcels: gpd.GeoDataFrame, root: Path) -> None:
    import pyogrio

    root.mkdir(parents=True, exist_ok=True)
    parcels = parcels.copy()  # bureaus write Chinese labels, not landkit's keys
    parcels["status"] = parcels["status"].map(STATUSES)
    parcels["construction_status"] = parcels["construction_status"].map(CONSTRUCTION_STATUSES)
    parcels["landuse_system"] = parcels["landuse_system"].map(
        {"guide2023": "用地用海分类", "sandiao": "三调", "gb50137": "GB50137-2011"}
    )
    cats = parcels["categories"]
    # 1. idle land: GBK shapefile, no .cpg, no .prj, zone-prefixed eastings, dates as text, area in 亩
    idle = parcels[cats.str.contains("idle")].to_crs(_GK_PREFIXED)
    shp = idle[list(_SHP_HEADERS)].rename(columns=_SHP_HEADERS).copy()
    for c in ("HTQDRQ", "YDDGRQ", "SJDGRQ"):
        shp[c] = [_chinese_date(v, i) for i, v in enumerate(shp[c])]
    shp["LB"] = [("闲置、抵押" if "mortgaged" in v else "闲置") for v in idle["categories"]]
    shp["TDMJ"] = (idle["declared_area_m2"] / MU_M2).round(4)  # 面积(亩)
    shp = gpd.GeoDataFrame(shp, geometry=idle.geometry.values, crs=None)
    path = root / "idle_xianzhi.shp"
    pyogrio.write_dataframe(shp, path, encoding="GBK")
    for ext in (".cpg", ".prj"):
        path.with_suffix(ext).unlink(missing_ok=True)
    with open(path.with_suffix(".dbf"), "r+b") as fh:  # no language-driver byte either, as many tools write
        fh.seek(29)
        fh.write(b"\x00")
    # 2. low-efficiency land: GeoPackage with the park system's headers (area in 亩 as TDMJ)
    low = parcels[cats.str.contains("low_efficiency")]
    gp = low[list(_LOW_EFF_HEADERS)].rename(columns=_LOW_EFF_HEADERS)
    gp["TDMJ"] = (low["declared_area_m2"] / MU_M2).round(4)
    gp["SFDXYD"] = "是"
    gpd.GeoDataFrame(gp, geometry=low.geometry.values, crs=_GK).to_file(
        root / "low_efficiency.gpkg", layer="低效用地", driver="GPKG"
    )
    # 3. Excel 台账: stalled, mortgaged and reserve land; 界址点 sheet with X = northing, Y = easting
    tz = parcels[cats.str.contains("stalled|mortgaged|reserve")].copy()
    sheet = tz[list(_TAIZHANG_HEADERS)].rename(columns=_TAIZHANG_HEADERS)
    sheet["类别"] = tz["categories"].map(
        lambda v: "、".join(
            {
                "idle": "闲置",
                "low_efficiency": "低效",
                "stalled": "烂尾",
                "mortgaged": "抵押",
                "reserve": "储备",
            }[t]
            for t in v.split(",")
        )
    )
    sheet["面积(亩)"] = (tz["declared_area_m2"] / MU_M2).round(4)
    for c in ("约定动工日期", "实际动工日期", "停工日期", "抵押登记日期", "挂牌日期"):
        sheet[c] = sheet[c].dt.date
    pts = []
    for pid, geom in zip(tz["parcel_id"], tz.geometry, strict=True):
        for k, (x, y) in enumerate(list(geom.exterior.coords)[:-1], start=1):
            pts.append({"宗地代码": pid, "界址点号": f"J{k}", "X": round(y, 3), "Y": round(x, 3)})
    write_workbook(root / "taizhang.xlsx", {"台账": sheet, "界址点": pd.DataFrame(pts)})


#: Files and folders :func:`build_sample` writes (and replaces with ``overwrite=True``).
GENERATED = (
    "hongjiang_base.gpkg",
    "parcels.gpkg",
    "delivered",
    "snapshots",
    "dem",
    "photos",
    "panoramas",
    "indicators",
    "cases",
    "ortho",
)


def build_sample(
    path: str | Path, /, *, n_parcels: int = 2000, seed: int = 431281, overwrite: bool = False
) -> Path:
    """Generate the synthetic 洪江市 sample data set into ``path``.

    Everything is generated into a staging folder first; then only the files the generator
    writes are replaced (each atomically, a shapefile as a set), so any other file in ``path`` and
    its sub-folders is left alone.

    Parameters
    ----------
    path : str or Path
        Output folder (created).
    n_parcels : int
        Number of parcels.
    seed : int
        Random seed; the same seed always gives the same files.
    overwrite : bool
        Replace generated files that exist.

    Returns
    -------
    Path
        The output folder.

    Examples
    --------
    >>> import tempfile
    >>> out = build_sample(tempfile.mkdtemp(), n_parcels=60)
    >>> sorted(p.name for p in out.iterdir())[:3]
    ['cases', 'delivered', 'dem']
    """
    from .errors import OutputExistsError

    root = Path(path)
    if not overwrite and any((root / f).exists() for f in ("parcels.gpkg", "hongjiang_base.gpkg")):
        raise OutputExistsError(f"{root} already holds a sample; pass overwrite=True")  # before any work
    with staging_dir(root) as stage:
        _generate(stage, n_parcels=n_parcels, seed=seed)
        _install(stage, root, overwrite=overwrite)
    log.info("sample written to %s", root)
    return root


def _generate(root: Path, *, n_parcels: int, seed: int) -> None:
    """Write every generated file into the empty folder ``root``.

    One line per output; a new sample file is one more ``_write_…`` call here (and its name in
    :data:`GENERATED`). The draws come from one seeded generator in this order, so keep new calls last.
    """
    rng = np.random.default_rng(seed)
    base = _write_base(root / "hongjiang_base.gpkg", rng)
    parcels = _add_photos(_parcels(base, rng, n_parcels), root / "photos", rng)
    snaps = _snapshots(parcels, rng)
    public = _write_parcels(parcels, root / "parcels.gpkg")
    _write_delivered(public, root / "delivered")
    write_case_sample(public, root, seed=seed + 12)  # cases/ (issue 12)
    from .supply._sample import write_supply_sample

    write_supply_sample(root, public, seed=seed)  # supply/ (issue 13)
    _write_snapshots(snaps, root / "snapshots")
    _dem(base, root / "dem" / "hongjiang_dem_4546.tif", rng)
    _write_indicators(root, seed=seed)
    from .sample_ortho import ORTHO_NAME, write_sample_ortho

    write_sample_ortho(public, base, root / ORTHO_NAME, seed=seed + 14)  # ortho/ (issue 14 thumbnails)


def _install(stage: Path, root: Path, *, overwrite: bool) -> None:
    """Move the staged files into ``root``: only generated files are replaced, shapefiles as sets."""
    from .errors import OutputExistsError

    made = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    clash = [str(r) for r in made if (root / r).exists()]
    if clash and not overwrite:
        shown = ", ".join(clash[:3]) + (" …" if len(clash) > 3 else "")
        raise OutputExistsError(f"{root} already holds {shown}; pass overwrite=True")
    kept = {str(m) for m in made}
    for r in made:
        if r.suffix.lower() == ".shp":  # a shapefile is replaced as a set: no stale .prj/.qix stays
            for old in shapefile_set(root / r):
                if str(old.relative_to(root)) not in kept:
                    old.unlink()
    for r in made:  # only the generated files are replaced: anything else in root stays
        (root / r).parent.mkdir(parents=True, exist_ok=True)
        replace_file(stage / r, root / r)


def _write_base(path: Path, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    base = _base_layers(rng)
    base.update(_poi_layers(base))  # no random draws: the parcels stay as they were
    for name, layer in base.items():
        layer.to_file(path, layer=name, driver="GPKG")
    log.info("base layers written")
    return base


def _add_photos(parcels: gpd.GeoDataFrame, folder: Path, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Site photos for the first parcels for sale (two per parcel, reused round the set)."""
    photos = _photos(folder, rng)
    with_photos = parcels.index[parcels["status"] == "for_sale"][: len(photos) * 3]
    for k, idx in enumerate(with_photos):
        parcels.loc[idx, "photos"] = ";".join(photos[k % len(photos) : k % len(photos) + 2])
    return parcels


def _write_parcels(parcels: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    from .sample_panorama import add_sample_panoramas

    public = parcels.drop(columns=["in_park"])
    # 全景式看地: the panorama column is in parcels.gpkg only (derived files keep their columns)
    add_sample_panoramas(public, path.parent / "panoramas").to_file(path, layer="parcels", driver="GPKG")
    return public


def _write_indicators(root: Path, *, seed: int) -> None:
    from .indicators._sample import write_indicator_sample

    write_indicator_sample(root, parcels=gpd.read_file(root / "parcels.gpkg"), seed=seed)


def _write_snapshots(snaps: dict[str, gpd.GeoDataFrame], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for date, snap in snaps.items():
        snap.to_file(folder / f"register_{date}.gpkg", layer="register", driver="GPKG")


#: Fields of :func:`synthetic_parcels`' table beside ``geometry``.
SYNTHETIC_COLUMNS = (
    "parcel_id",
    "name",
    "categories",
    "status",
    "township",
    "location",
    "landuse_name",
    "asking_price",
    "listed_date",
    "contact",
    "area_m2",
)
_SYN_TOWNS = ("黔城镇", "安江镇", "托口镇", "雪峰镇", "江市镇", "沅河镇")
_SYN_USES = ("工业用地", "物流仓储用地", "商业服务业用地", "居住用地")
_SYN_CATS = (
    "idle",
    "low_efficiency",
    "stalled",
    "idle,mortgaged",
    "reserve",
    "low_efficiency,mortgaged",
    None,
)
_SYN_STATUS = ("identified", "in_disposal", "for_sale", "suspected", "reserved")


def synthetic_parcels(
    n: int = 300,
    /,
    *,
    seed: int = 0,
    vertices: int = 19,
    extent: tuple[float, float, float, float] = (109.55, 27.0, 110.45, 27.45),
    code: str = "431281",
    towns: tuple[str, ...] = _SYN_TOWNS,
    contact: str = "洪江市投资促进事务中心 0745-7622000",
    crs: Any = 4490,
) -> gpd.GeoDataFrame:
    """``n`` irregular ``vertices``-gon parcels (40–130 m radius) over ``extent``, for tests and benchmarks.

    The one generator of "parcels around 洪江" (defaults) — or around any county: pass its
    行政区划代码, township names, contact line and extent. Investor-facing fields only
    (:data:`SYNTHETIC_COLUMNS`); about a fifth of the asking prices are missing. Parcels may overlap.

    Parameters
    ----------
    n : int
        Number of parcels.
    seed : int
        Random seed (same seed, same parcels).
    vertices : int
        Vertices per parcel ring (bureau parcels have about 19).
    extent : (min lon, min lat, max lon, max lat)
        Where the parcel centres fall (CGCS2000 degrees); default: inside 洪江市.
    code : str
        Six-digit county code that starts each ``parcel_id``.
    towns : tuple of str
        Township names used for ``township``, ``name`` and ``location``.
    contact : str
        The ``contact`` line of every parcel.
    crs : any
        Output CRS (default EPSG:4490; e.g. 4546 for Gauss-Krüger metres).

    Returns
    -------
    GeoDataFrame
        One row per parcel with geodesic ``area_m2``.

    Examples
    --------
    >>> g = synthetic_parcels(5, seed=1)
    >>> len(g), g.crs.to_epsg(), g["parcel_id"].str[:6].unique().tolist()
    (5, 4490, ['431281'])
    >>> bool(g["area_m2"].between(0.4 * 3.14 * 40**2, 3.14 * 130**2).all())
    True
    """
    from .area import geodesic_area

    rng = np.random.default_rng(seed)
    lon = extent[0] + rng.random(n) * (extent[2] - extent[0])
    lat = extent[1] + rng.random(n) * (extent[3] - extent[1])
    r = (40 + rng.random(n) * 90) / 111_000
    ang = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    jit = 0.75 + 0.25 * rng.random((n, vertices))
    xs = lon[:, None] + (r[:, None] * jit * np.cos(ang)) / np.cos(np.radians(lat[:, None]))
    ys = lat[:, None] + r[:, None] * jit * np.sin(ang)
    rings = np.stack([xs, ys], axis=-1)
    geoms = shapely.polygons(np.concatenate([rings, rings[:, :1]], axis=1))
    price = np.round(rng.random(n) * 3000 + 50, 1)
    price[rng.random(n) < 0.2] = np.nan
    k = len(towns)
    gdf = gpd.GeoDataFrame(
        {
            "parcel_id": [
                f"{code}{100 + i % 900:03d}{100 + (i // 900) % 900:03d}GB{i % 100000:05d}" for i in range(n)
            ],
            "name": [f"{towns[i % k]}{i}号地块" for i in range(n)],
            "categories": [_SYN_CATS[j] for j in rng.integers(0, len(_SYN_CATS), n)],
            "status": [_SYN_STATUS[j] for j in rng.integers(0, len(_SYN_STATUS), n)],
            "township": [towns[j] for j in rng.integers(0, k, n)],
            "location": [f"{towns[i % k]}工业大道{i % 97}号" for i in range(n)],
            "landuse_name": [_SYN_USES[j] for j in rng.integers(0, len(_SYN_USES), n)],
            "asking_price": price,
            "listed_date": pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "contact": [contact] * n,
        },
        geometry=geoms,
        crs=4490,
    )
    gdf["area_m2"] = np.asarray(geodesic_area(gdf.geometry)).round(1)
    return gdf if pyproj.CRS.from_user_input(crs).equals(pyproj.CRS.from_epsg(4490)) else gdf.to_crs(crs)

"""售价 of factory units (issue 14): read, checked and published only for units offered for sale.

Prices are hand-worked (单价 × 面积 = 总价), messy siblings (万 in either column, 元 cells, an
unknown 招商方式, a total that disagrees) are reported and left missing, and a public page carries a
price only for a unit on offer whose 招商方式 sells it — checked over the whole file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from maps_support import column_values
from shapely.geometry import box

import landkit
from landkit.maps import browse_map
from landkit.maps._units import UNIT_PUBLIC_FIELDS
from landkit.supply import read_units

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
AS_OF = "2024-12-31"
PID = "431281101003GB00002"
_DATA_RE = re.compile(r'<script type="application/json" id="landkit-data">(.*?)</script>', re.S)


def _problems(u: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [
        (p["problem"], p["field"], str(u.at[p["row"], "unit_id"])) for p in u.attrs["landkit"]["problems"]
    ]


@pytest.fixture
def register(tmp_path: Path) -> Path:
    rows = pd.DataFrame(
        {
            "园区": ["乙园"] * 8,
            "楼栋": ["1#"] * 8,
            "单元号": ["101", "102", "103", "104", "105", "106", "107", "108"],
            "建筑面积（平方米）": [1000, 500, 800, 1200, 600, 400, 900, 700],
            "承租企业": [None, None, None, "甲公司", None, None, None, None],
            "招商方式": ["出售", "可租可售", "出售", "出售", "出租", "转租", None, "租售均可"],
            "售价（元/㎡）": [3200, "0.28万", None, "4,137", 2500, 2100, 3000, 2600],
            "售价总价（万元）": [None, None, "240万", None, None, None, None, 300],
            "租金（元/m²·月）": [12, 11, 10, 13, 9, 9, 9, 9],
            "宗地代码": [PID] * 8,
        }
    )
    path = tmp_path / "units.xlsx"
    rows.to_excel(path, index=False)
    return path


def test_read_units_sale_terms_are_parsed_filled_and_reported(register: Path) -> None:
    u = read_units(register).set_index("unit_no", drop=False)
    assert u["sale_mode"].tolist() == ["出售", "租售均可", "出售", "出售", "出租", None, None, "租售均可"]
    # Hand-worked: 3,200 元/m² × 1,000 m² = 320 万元; 0.28万 = 2,800 元/m² × 500 = 140 万元;
    # 240万 in the 万元 column is 240 万元 over 800 m² = 3,000 元/m².
    assert u.loc["101", ["sale_price_yuan_m2", "sale_price_wan"]].tolist() == [3200.0, 320.0]
    assert u.loc["102", ["sale_price_yuan_m2", "sale_price_wan"]].tolist() == pytest.approx([2800.0, 140.0])
    assert u.loc["103", ["sale_price_yuan_m2", "sale_price_wan"]].tolist() == pytest.approx([3000.0, 240.0])
    assert u.loc["104", "sale_price_wan"] == pytest.approx(496.44)  # 4,137 × 1,200 m²
    # 108: 2,600 × 700 = 182 万元, not 300: both reported and left missing.
    assert u.loc["108", ["sale_price_yuan_m2", "sale_price_wan"]].isna().all()
    problems = _problems(u.reset_index(drop=True))
    assert ("sale_price_mismatch", "sale_price_wan", "乙园-1#-108") in problems
    assert ("unknown_sale_mode", "sale_mode", "乙园-1#-106") in problems  # 转租 is not a sale mode
    assert ("sale_price_not_for_sale", "sale_price_yuan_m2", "乙园-1#-105") in problems
    assert ("sale_mode_missing", "sale_mode", "乙园-1#-107") in problems
    assert ("sale_mode_missing", "sale_mode", "乙园-1#-106") in problems  # priced, mode unknown
    texts = [p["detail"] + p["suggestion"] for p in u.attrs["landkit"]["problems"]]
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in texts)


def test_money_cells_with_wan_in_either_unit(tmp_path: Path) -> None:
    """A 总价 header in 元: cells 3,600,000 / 360万 / 360万元 are all 360 万元; a negative is refused."""
    rows = pd.DataFrame(
        {
            "楼栋": ["1#"] * 4,
            "单元号": ["1", "2", "3", "4"],
            "建筑面积": [1000] * 4,
            "招商方式": ["出售"] * 4,
            "售价总价（元）": [3600000, "360万", "360万元", -5],
        }
    )
    rows.to_excel(tmp_path / "u.xlsx", index=False)
    u = read_units(tmp_path / "u.xlsx", park="丙园")
    assert u["sale_price_wan"].tolist()[:3] == [360.0, 360.0, 360.0]
    assert u["sale_price_yuan_m2"].tolist()[:3] == [3600.0, 3600.0, 3600.0]
    assert np.isnan(u["sale_price_wan"].iloc[3])
    assert ("negative_value", "sale_price_wan", "丙园-1#-4") in _problems(u)


def test_parcel_price_in_wan_yuan_is_not_multiplied_again(tmp_path: Path) -> None:
    """The same rule on the parcel side: 挂牌总价 is in 万元, so a cell 120万 is 120, not 1,200,000."""
    g = gpd.GeoDataFrame(
        {"宗地代码": [PID, "431281101003GB00003"], "挂牌价": ["120万", "85"]},
        geometry=[box(400000, 3000000, 400100, 3000100), box(400200, 3000000, 400300, 3000100)],
        crs=4546,
    )
    g.to_file(tmp_path / "p.gpkg")
    assert landkit.read_parcels(tmp_path / "p.gpkg")["asking_price"].tolist() == [120.0, 85.0]


def _public_units(page: str) -> dict:
    data = json.loads(_DATA_RE.findall(page)[0])["unitTab"]

    return {n: column_values(c) for n, c in data["cols"].items()} | {"_data": data}


def test_public_page_shows_a_price_only_for_units_offered_for_sale(register: Path) -> None:
    u = read_units(register)
    u["sale_price_yuan_m2"] = u["sale_price_yuan_m2"].where(u["unit_no"] != "105", 2513.0)  # a rent-only unit
    p = gpd.GeoDataFrame({"parcel_id": [PID]}, geometry=[box(109.8, 27.19, 109.801, 27.191)], crs=4490)
    page = browse_map(p, basemap="none", units=u, units_as_of=AS_OF).get_root().render()
    got = _public_units(page)
    assert set(got) - {"_data"} <= set(UNIT_PUBLIC_FIELDS)
    # Independent answer from the register: on offer (no tenant) and 出售 / 租售均可 → its price.
    states = ["on_sale", "for_rent", "on_sale", "let", "for_rent", "for_rent", "for_rent", "for_rent"]
    assert got["offer_state"] == states
    want = [3200.0, 2800.0, 3000.0, None, None, None, None, None]
    assert [None if v is None else pytest.approx(v) for v in want] == got["sale_price_yuan_m2"]
    assert got["sale_mode"] == ["出售", "租售均可", "出售", None, "出租", None, None, "租售均可"]
    assert got["_data"]["openStates"] == ["for_rent", "on_sale"]
    # Whole file: the let unit's price (4,137 → 496.44 万元) and the rent-only unit's never appear.
    for secret in ("2513", "4137", "4,137", "496.44"):
        assert secret not in page, secret
    bureau = p.assign(holder="某公司")  # an internal field: the page is the bureau's own
    internal = _public_units(
        browse_map(bureau, basemap="none", units=u, units_as_of=AS_OF, profile="internal").get_root().render()
    )
    assert internal["sale_price_yuan_m2"][3] == pytest.approx(4137.0)  # the bureau's own page keeps it


def test_sample_has_units_for_sale() -> None:
    u = read_units(SAMPLE / "supply" / "units.xlsx")
    assert u.attrs["landkit"]["problems"] == []
    sold = u[u["sale_mode"].isin(["出售", "租售均可"])]
    assert set(sold["building"]) == {"7#", "8#"}
    assert sold["sale_price_yuan_m2"].notna().all()
    assert (
        sold["sale_price_wan"] - sold["sale_price_yuan_m2"] * sold["floor_area_m2"] / 1e4
    ).abs().max() < 0.06
    assert u.loc[u["sale_mode"].eq("出租"), "sale_price_yuan_m2"].isna().all()


def test_a_unit_only_for_sale_is_not_pushed_to_a_renter(register: Path) -> None:
    """Floor-space demands rent: of two units alike but for 招商方式, only the one that can be let passes."""
    from landkit.supply import Demand, match

    u = read_units(register)
    demand = Demand(id="R1", floor_m2_min=400, floor_m2_max=1000, max_rent_m2_month=12)
    m = match(demand, units=u, as_of=AS_OF, keep_excluded=True).set_index("offer_id")
    # By hand: 101 (1,000 m², 12 元, 出售) and 103 (800 m², 10 元, 出售) sell only; 102 (租售均可, 500 m²,
    # 11 元), 105 (出租, 600 m², 9 元), 106/107 (no valid mode: not refused here), 108 rent;
    # 104 is let and 1,200 m².
    passing = sorted(m.index[~m["excluded"]])
    assert passing == ["乙园-1#-102", "乙园-1#-105", "乙园-1#-106", "乙园-1#-107", "乙园-1#-108"]
    assert m.loc["乙园-1#-101", "excluded_reasons"] == "只出售, 不出租"
    assert "只出售, 不出租" in m.loc["乙园-1#-103", "excluded_reasons"]

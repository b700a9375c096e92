"""The browse page's 厂房 tab (landkit.maps._units): allow-listed unit fields, 招租状态, locations, labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from maps_support import column_values
from shapely.geometry import box

from landkit.errors import DataFormatError
from landkit.maps import browse_map, write_browse_map
from landkit.maps._encode import decode_geometry, unpack_ints
from landkit.maps._units import UNIT_PUBLIC_FIELDS, unit_geometries
from landkit.supply import read_units

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
AS_OF = "2024-12-31"
_DATA_RE = re.compile(r'<script type="application/json" id="landkit-data">(.*?)</script>', re.S)
SECRET_ENFORCEMENT = "已申请法院强制执行（内部）"
SECRET_PHONE = "13907451234"


def _payload(page: str) -> dict:
    found = _DATA_RE.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


def _page(parcels: gpd.GeoDataFrame, **kwargs: object) -> str:
    """The payload of a page with basemap="none" (no network), the sample's photos and AS_OF."""
    kwargs.setdefault("units_as_of", AS_OF)
    return browse_map(parcels, basemap="none", photo_root=SAMPLE, **kwargs).get_root().render()  # type: ignore[arg-type]


def _column(col: dict) -> list:
    """Decode one payload column (dictionary-coded or plain) back to a list."""
    return column_values(col)


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return gpd.read_file(SAMPLE / "parcels.gpkg")


@pytest.fixture(scope="module")
def units() -> gpd.GeoDataFrame:
    u = read_units(SAMPLE / "supply" / "units.xlsx")
    u["enforcement_note"] = SECRET_ENFORCEMENT  # an unlisted column: must never reach a public page
    u["tenant_phone"] = SECRET_PHONE
    return u


@pytest.fixture(scope="module")
def public_page(parcels: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> str:
    return _page(parcels, units=units)


def _expected_states(units: pd.DataFrame, as_of: str) -> list[str]:
    """招租状态 worked out independently from the register: no tenant (or one moving in later) → 招租中,
    or 出售中 when its 招商方式 is 出售 alone."""
    day = pd.Timestamp(as_of)
    out = []
    for r in units.itertuples():
        has_tenant = isinstance(r.tenant, str) and r.tenant.strip() != ""
        moving_in_later = has_tenant and pd.notna(r.move_in_date) and r.move_in_date > day
        if not has_tenant or moving_in_later:
            out.append("on_sale" if getattr(r, "sale_mode", None) == "出售" else "for_rent")
        elif pd.notna(r.lease_end) and r.lease_end < day:
            out.append("not_offered")
        else:
            out.append("let")
    return out


def test_public_page_leaks_no_tenant_lease_arrears_or_unlisted_unit_field(
    public_page: str, units: gpd.GeoDataFrame
) -> None:
    data = _payload(public_page)["unitTab"]
    assert set(data["cols"]) <= set(UNIT_PUBLIC_FIELDS)
    withheld = {"tenant", "lease_start", "lease_end", "arrears_yuan", "move_in_date", "vacant_since"}
    assert withheld.isdisjoint(data["cols"])
    tenants = [t for t in units["tenant"].dropna().unique() if t.strip()]
    assert len(tenants) > 20  # the check below looks at real names
    leaked = [t for t in tenants if t in public_page]
    assert leaked == []
    labels = ("承租企业", "欠缴租金", "租期起", "租期止", "enforcement_note")
    for text in (SECRET_ENFORCEMENT, SECRET_PHONE, *labels):
        assert text not in public_page, text
    # the whole file: every non-empty text cell of a withheld column is absent
    for col in ("tenant", "enforcement_note", "tenant_phone"):
        values = {str(v) for v in units[col].dropna() if str(v).strip()}
        assert not [v for v in values if v in public_page], col


def test_a_let_units_rent_is_withheld_and_an_offered_units_rent_shown(
    public_page: str, units: gpd.GeoDataFrame
) -> None:
    data = _payload(public_page)["unitTab"]
    states = _column(data["cols"]["offer_state"])
    rents = _column(data["cols"]["rent_yuan_m2_month"])
    expected = _expected_states(units, AS_OF)
    assert states == expected
    for state, rent, source in zip(states, rents, units["rent_yuan_m2_month"], strict=True):
        if state == "for_rent":
            assert rent == (None if pd.isna(source) else pytest.approx(source))
        else:
            assert rent is None
    assert data["openStates"] == ["for_rent", "on_sale"]
    assert data["offerStates"] == {
        "for_rent": "招租中",
        "on_sale": "出售中",
        "let": "已出租",
        "not_offered": "未招租",
    }


def test_unit_fields_and_labels_are_chinese(
    public_page: str, units: gpd.GeoDataFrame, parcels: gpd.GeoDataFrame
) -> None:
    page = _payload(public_page)
    land_only = _payload(_page(parcels))
    assert page["units"] == land_only["units"]  # the parcels' display units are untouched by the 厂房 tab
    assert "unitTab" not in land_only
    data = page["unitTab"]
    labels = data["labels"]
    assert labels["floor_area_m2"] == "建筑面积"
    assert labels["storey_height_m"] == "层高(米)"
    assert labels["floor_load_kn_m2"] == "楼面荷载(kN/m²)"
    assert labels["rent_yuan_m2_month"] == "租金(元/m²·月)"
    assert (labels["park"], labels["building"], labels["floor"]) == ("园区", "楼栋", "楼层")
    assert labels["offer_state"] == "招租状态"
    assert data["units"]["floor_area_m2"] == "m²"
    assert data["strings"]["results"] == "共 {n} 个单元"
    assert data["strings"]["tab_units"] == "厂房"
    assert data["keyField"] == "unit_id"
    assert _column(data["cols"]["unit_id"]) == units["unit_id"].tolist()
    assert _column(data["cols"]["floor_area_m2"]) == pytest.approx(units["floor_area_m2"].tolist())
    first = units.iloc[0]
    assert _column(data["cols"]["name"])[0] == f"{first.park} · {first.building} · {first.unit_no}"
    # one legend for both tabs: the parcels' items then the unit states present
    keys = [it["key"] for it in page["legend"]["items"]]
    assert keys[-4:] == ["for_rent", "on_sale", "let", "not_offered"]
    assert data["legend"]["field"] == "offer_state"
    assert data["legend"]["items"] == page["legend"]["items"]
    en = _payload(_page(gpd.read_file(SAMPLE / "parcels.gpkg"), units=units, lang="en"))["unitTab"]
    assert en["strings"]["results"] == "{n} units"
    assert en["offerStates"]["let"] == "let"


def test_units_sit_on_their_parcel_and_units_without_one_are_listed_without_a_marker(
    parcels: gpd.GeoDataFrame,
) -> None:
    u = read_units(SAMPLE / "supply" / "units.xlsx").head(4).copy()
    u.loc[1, "parcel_id"] = None  # no 宗地代码
    u.loc[2, "parcel_id"] = "431281999999GB99999"  # a parcel not on this page
    data = _payload(_page(parcels, units=u))
    ud = data["unitTab"]
    assert ud["unlocated"] == 2
    assert ud["geom"][1] == ""
    assert ud["geom"][2] == ""
    assert unpack_ints(ud["centres"]["x"])[1] is None
    assert unpack_ints(ud["centres"]["y"])[2] is None
    where = _column(ud["cols"]["map_location"])
    assert where[1] == where[2] == "未标注位置（登记表无所在宗地，或宗地不在本页）"
    assert where[0] == "所在宗地（厂房位于此宗地内）"
    # a located unit is drawn as its parcel: the decoded outline matches the parcel's (within 1e-5°)
    parcel = parcels.loc[parcels["parcel_id"] == u.loc[0, "parcel_id"]].geometry.to_crs(4326).iloc[0]
    rings = decode_geometry(ud["geom"][0], origin=tuple(data["origin"]), precision=data["prec"])
    drawn = shapely.MultiPolygon([shapely.Polygon(r[0], r[1:]) for r in rings])
    assert drawn.hausdorff_distance(parcel) <= data["prec"]


def test_building_footprints_are_drawn_where_the_register_has_them(parcels: gpd.GeoDataFrame) -> None:
    foot = box(109.851, 27.211, 109.8514, 27.2113)
    u = gpd.GeoDataFrame(
        {"park": ["甲园"], "building": ["1#"], "unit_no": ["101"], "floor_area_m2": [900.0]},
        geometry=[foot],
        crs=4490,
    )
    u["unit_id"] = ["甲园-1#-101"]
    geoms, kind, pos = unit_geometries(u, parcels)
    assert kind.tolist() == ["footprint"]
    assert pos.tolist() == [-1]
    assert geoms.iloc[0].equals_exact(gpd.GeoSeries([foot], crs=4490).to_crs(4326).iloc[0], 1e-12)


def test_units_zones_follow_their_parcel() -> None:
    from maps_support import synthetic_parcels, synthetic_zones

    gdf = synthetic_parcels(50, seed=4)
    u = pd.DataFrame(
        {
            "unit_id": ["U1", "U2"],
            "building": ["1#", "2#"],
            "unit_no": ["101", "201"],
            "floor_area_m2": [500.0, 800.0],
            "parcel_id": [gdf["parcel_id"].iloc[7], None],
        }
    )
    data = _payload(_page(gdf, zones=synthetic_zones(), units=u))
    assert data["unitTab"]["zoneIndex"] == [data["zones"]["i"][7], -1]


def test_bad_unit_ids_are_refused(parcels: gpd.GeoDataFrame) -> None:
    u = read_units(SAMPLE / "supply" / "units.xlsx").head(3).copy()
    dup = u.copy()
    dup.loc[2, "unit_id"] = dup.loc[0, "unit_id"]
    with pytest.raises(DataFormatError, match="more than once"):
        _page(parcels, units=dup)
    clash = u.copy()
    clash.loc[0, "unit_id"] = parcels["parcel_id"].iloc[0]
    with pytest.raises(DataFormatError, match="parcel's key"):
        _page(parcels, units=clash)


def test_internal_page_keeps_the_tenant(parcels: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> None:
    data = _payload(_page(parcels, profile="internal", units=units))["unitTab"]
    assert {"tenant", "arrears_yuan", "lease_end"} <= set(data["cols"])
    assert data["openStates"] == []  # an internal page shows every unit


def test_cli_units_option_writes_the_same_payload_as_the_library(tmp_path: Path) -> None:
    from landkit.cli.main import cli

    out = tmp_path / "p.html"
    args = ["map", "browse", str(SAMPLE / "parcels.gpkg"), "-o", str(out), "--basemap", "none"]
    args += ["--units", str(SAMPLE / "supply" / "units.xlsx"), "--units-as-of", AS_OF]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    lib = write_browse_map(
        gpd.read_file(SAMPLE / "parcels.gpkg"),
        tmp_path / "lib.html",
        basemap="none",
        units=read_units(SAMPLE / "supply" / "units.xlsx"),
        units_as_of=AS_OF,
        photo_root=SAMPLE,
    )
    a, b = _payload(out.read_text("utf-8")), _payload(lib.read_text("utf-8"))
    assert a["unitTab"] == b["unitTab"]
    assert a["unitTab"]["n"] == 196

"""Base layers in a real browser: under the parcels, never taking a tap; distances in the card;
the list reachable in a few tab stops; no request and no console error at phone and desktop size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from maps_support import Session, launch_chromium, synthetic_parcels
from shapely.geometry import box

from landkit.maps import write_browse_map
from landkit.maps.baselayers import distance_columns, read_base_layers

BASE = Path(__file__).resolve().parents[1] / "sample_data" / "hongjiang_base.gpkg"
SIZES = {"phone-390x844": True, "desktop-1440x900": False}

# Where a point is on screen, what is there, and whether the base canvas has paint under it.
PROBE_JS = """([lat, lon]) => {
  const app = window.landkitApp, map = app.map, c = map.latLngToContainerPoint([lat, lon]);
  const r = map.getContainer().getBoundingClientRect(), x = c.x + r.left, y = c.y + r.top;
  const hit = document.elementFromPoint(x, y);
  const canvas = document.querySelector('.leaflet-lkBase-pane canvas'), b = canvas.getBoundingClientRect();
  const px = Math.round((x - b.left) * canvas.width / b.width);
  const py = Math.round((y - b.top) * canvas.height / b.height);
  let painted = 0;
  const data = canvas.getContext('2d').getImageData(px - 2, py - 2, 5, 5).data;
  for (let i = 3; i < data.length; i += 4) painted = Math.max(painted, data[i]);
  return {x, y, painted, inBase: !!(hit && hit.closest('.leaflet-lkBase-pane, .leaflet-lkLabels-pane')),
    inMap: !!(hit && hit.closest('.leaflet-container')), hit: hit ? hit.tagName + '.' + hit.className : null};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def road_case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A page whose parcel ROAD-1 straddles G320, plus the point on the road inside it."""
    layers = read_base_layers(BASE)
    road = layers["roads"].set_index("name").geometry["G320"]
    on_road = shapely.line_interpolate_point(road, 0.37, normalized=True)
    gdf = synthetic_parcels(120, seed=11)
    gdf.loc[0, "geometry"] = box(on_road.x - 0.004, on_road.y - 0.003, on_road.x + 0.004, on_road.y + 0.003)
    gdf.loc[0, "parcel_id"] = "ROAD-1"
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=4490)
    path = write_browse_map(
        gdf,
        tmp_path_factory.mktemp("base") / "p.html",
        basemap="none",
        base_layers=BASE,
        title="洪江市 · 选地",
    )
    expected = distance_columns(gdf.iloc[[0]], layers).iloc[0]
    return {"path": path, "point": (on_road.y, on_road.x), "expected": expected}


@pytest.mark.parametrize("phone", list(SIZES.values()), ids=list(SIZES))
def test_a_tap_on_a_parcel_over_a_road_opens_the_parcel(
    browser: Any, road_case: dict[str, Any], phone: bool
) -> None:
    s = Session(browser, phone=phone, size=(1440, 900))
    try:
        page = s.open(road_case["path"])
        lat, lon = road_case["point"]
        page.evaluate(f"landkitApp.map.setView([{lat}, {lon}], 15, {{animate: false}})")
        page.wait_for_timeout(300)
        probe = page.evaluate(PROBE_JS, [lat, lon])
        assert probe["painted"] > 0, "the road is drawn under this point"
        assert probe["inMap"], probe
        assert not probe["inBase"], f"a base layer takes the tap: {probe['hit']}"
        if phone:
            page.touchscreen.tap(probe["x"], probe["y"])
        else:
            page.mouse.click(probe["x"], probe["y"])
        page.wait_for_selector('.lk-popup[data-key="ROAD-1"]', timeout=5_000)
        card = page.inner_text('.lk-popup[data-key="ROAD-1"]')
        exp = road_case["expected"]
        assert f"距高速出口\n{exp['dist_exit_km']:.1f} km（{exp['nearest_exit']}）" in card
        assert f"{exp['dist_station_km']:.1f} km（{exp['nearest_station']}）" in card
        assert f"{exp['dist_town_km']:.1f} km（{exp['nearest_town']}）" in card
        assert "dist_exit_km" not in card
        assert "nearest_exit" not in card
        assert s.errors == []
        assert [u for u in s.requests if not u.startswith(("file:", "data:", "blob:"))] == []
    finally:
        s.context.close()


def test_print_sheet_carries_the_distances(browser: Any, road_case: dict[str, Any]) -> None:
    s = Session(browser, size=(1440, 900))
    try:
        page = s.open(road_case["path"])
        page.evaluate("landkitApp.buildPrintView([landkitApp.index['ROAD-1']])")
        text = page.inner_text("#lk-print-view")
        exp = road_case["expected"]
        assert f"{exp['dist_exit_km']:.1f} km（{exp['nearest_exit']}）" in text
        assert "距火车站" in text
        assert "距镇区" in text
    finally:
        s.context.close()


def test_base_layers_switch_in_the_chinese_layer_control(browser: Any, road_case: dict[str, Any]) -> None:
    s = Session(browser, size=(1440, 900))
    try:
        page = s.open(road_case["path"])
        names = page.eval_on_selector_all(
            ".leaflet-control-layers-overlays label", "ls => ls.map(l => l.textContent.trim())"
        )
        assert {"底图：道路与交通", "底图：水系与山脉", "底图：行政区划与地名"} <= set(names)
        assert page.locator(".lk-label-exits", has_text="洪江出口").count() == 1
        page.hover(".leaflet-control-layers")
        page.get_by_text("底图：道路与交通").click()
        assert page.locator(".lk-label-exits").count() == 0  # the group is off: labels gone
        assert page.locator(".lk-label-townships", has_text="黔城镇").count() == 1  # the others stay
        assert s.errors == []
    finally:
        s.context.close()


@pytest.mark.parametrize("phone", list(SIZES.values()), ids=list(SIZES))
def test_the_list_is_one_tab_stop_away(browser: Any, road_case: dict[str, Any], phone: bool) -> None:
    s = Session(browser, phone=phone, size=(1440, 900))
    try:
        page = s.open(road_case["path"])
        stops = 0
        while stops < 40 and not page.evaluate("!!document.activeElement.closest('.lk-skip')"):
            page.keyboard.press("Tab")
            stops += 1
        assert stops == 1  # the first tab stop is the skip link …
        box_ = page.locator(".lk-skip").bounding_box()
        assert box_ is not None
        assert box_["y"] >= 0  # … shown when focused
        assert box_["height"] >= 43.5
        assert page.get_attribute(".lk-skip", "href") == "#"
        assert page.inner_text(".lk-skip") == "跳到地块列表"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.classList.contains('lk-card')")
        assert page.locator(".lk-card").first.is_visible()  # on a phone the drawer opened
        page.keyboard.press("Enter")  # and the card opens from the keyboard
        page.wait_for_selector(".lk-popup")
        assert s.errors == []
    finally:
        s.context.close()


def test_map_controls_come_after_the_list_in_tab_order(browser: Any, road_case: dict[str, Any]) -> None:
    s = Session(browser, size=(1440, 900))
    try:
        page = s.open(road_case["path"])
        before: list[str] = []
        for _ in range(60):
            page.keyboard.press("Tab")
            where = page.evaluate(
                "(() => { const a = document.activeElement; return a.classList.contains('lk-card') ? 'card'"
                " : a.closest('.leaflet-container') ? 'map' : 'side'; })()"
            )
            if where == "card":
                break
            before.append(where)
        assert "map" not in before
        assert len(before) < 30  # the skip link, search, filters and tools: far fewer than the 68 of before
    finally:
        s.context.close()

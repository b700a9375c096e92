"""The 厂房 tab in a real browser (Playwright driving /usr/bin/chromium, basemap="none").

Counts are checked against pandas on the same register; the share link is opened in a fresh
browser context (no localStorage) so it can only work through the URL; the phone layout is checked
by geometry (test_maps_layout's elementFromPoint / viewport check). Every session must record zero
console errors and no request other than file:/data:/blob:.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from maps_support import Session, launch_chromium
from test_maps_layout import _check
from test_maps_units import AS_OF, SAMPLE, _expected_states

from landkit.maps import write_browse_map
from landkit.supply import read_units


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    u = read_units(SAMPLE / "supply" / "units.xlsx")
    u["state"] = _expected_states(u, AS_OF)
    return u


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory, register: pd.DataFrame) -> Path:
    root = tmp_path_factory.mktemp("units")
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    units = register.drop(columns="state")
    return write_browse_map(
        parcels, root / "p.html", basemap="none", units=units, units_as_of=AS_OF, photo_root=SAMPLE
    )


def _offsite(s: Session) -> list[str]:
    return [u for u in s.requests if not u.startswith(("file://", "data:", "blob:"))]


def _set_range(page: Any, input_id: str, value: str) -> None:
    """Type a bound and commit it as a visitor does (Enter fires change; a later blur then does not)."""
    page.fill(input_id, value)
    page.press(input_id, "Enter")


def test_units_tab_filters_card_favourite_and_share_link(
    browser: Any, page_path: Path, register: pd.DataFrame
) -> None:
    s = Session(browser)
    try:
        page = s.open(page_path)
        land_count = s.count()
        assert page.get_attribute("#lk-tab-land", "aria-selected") == "true"
        page.click("#lk-tab-units")
        offered = register[register["state"].isin(["for_rent", "on_sale"])]
        s.wait_count(len(offered))
        assert "tab=units" in page.evaluate("location.hash")
        assert page.get_attribute("#lk-tab-units", "aria-selected") == "true"
        assert page.locator("#lk-amin").count() == 0  # the land's 亩 filter is not on this tab
        _set_range(page, "#lk-mmin", "1000")
        _set_range(page, "#lk-hmin", "8")
        want = offered[(offered["floor_area_m2"] >= 1000) & (offered["storey_height_m"] >= 8)]
        assert 0 < len(want) < len(offered)
        s.wait_count(len(want))
        first = page.locator(".lk-card").first
        text = first.inner_text()
        assert "m²" in text
        assert "层高" in text
        assert "亩" not in text
        key = first.get_attribute("data-key")
        assert key in set(want["unit_id"])
        first.click()
        popup = page.locator(".lk-popup")
        popup.wait_for()
        card = popup.inner_text()
        assert "建筑面积" in card
        assert "层高(米)" in card
        assert "租金" in card
        assert "招租中" in card
        assert not [t for t in register["tenant"].dropna().unique() if t in page.content()]
        page.wait_for_timeout(400)  # the map has stopped moving to the unit
        page.click(".lk-popup .lk-fav")
        assert page.get_attribute(".lk-popup .lk-fav", "aria-pressed") == "true"
        page.click("#lk-favonly")
        s.wait_count(1)
        link = page.evaluate("location.hash")
        assert "tab=units" in link
        assert "fav=1" in link
        csv = page.evaluate("window.landkitApp.shortlistCSV()")
        assert "建筑面积" in csv
        assert "亩" not in csv
        assert key in csv
        assert page.evaluate("window.landkitApp.buildPrintView()") == 1
        sheet = page.evaluate("document.getElementById('lk-print-view').textContent")
        assert "厂房推介单" in sheet
        assert "建筑面积" in sheet
        page.click("#lk-tab-land")
        s.wait_count(land_count)
        assert page.locator("#lk-amin").count() == 1
        page.click("#lk-tab-units")
        s.wait_count(1)  # the tab's own filters (favourites only) came back with it
        assert page.input_value("#lk-mmin") == "1000"
        assert s.errors == []
        assert _offsite(s) == []
    finally:
        s.context.close()
    fresh = Session(browser)  # another visitor: no localStorage, only the link
    try:
        page = fresh.open(page_path, link)
        fresh.wait_count(1)
        assert page.get_attribute("#lk-tab-units", "aria-selected") == "true"
        assert page.locator(".lk-card").first.get_attribute("data-key") == key
        assert fresh.errors == []
        assert _offsite(fresh) == []
    finally:
        fresh.context.close()


def test_compare_of_units_has_no_mu_row_and_a_print_link_opens_the_unit(
    browser: Any, page_path: Path, register: pd.DataFrame
) -> None:
    s = Session(browser)
    try:
        page = s.open(page_path, "#tab=units")
        offered = register[register["state"].isin(["for_rent", "on_sale"])]
        s.wait_count(len(offered))
        page.click(".lk-card >> nth=0 >> .lk-cmp")
        page.click(".lk-card >> nth=1 >> .lk-cmp")
        page.click("#lk-compare-btn")
        table = page.inner_text("#lk-compare")
        assert "建筑面积" in table
        assert "亩" not in table
        key = page.locator(".lk-card").nth(2).get_attribute("data-key")
        assert s.errors == []
    finally:
        s.context.close()
    again = Session(browser)
    try:
        page = again.open(page_path, "#sel=" + key)  # the print sheet's link names only the unit
        page.locator(".lk-popup").wait_for()
        assert page.get_attribute("#lk-tab-units", "aria-selected") == "true"
        assert page.get_attribute(".lk-popup", "data-key") == key
        assert again.errors == []
        assert _offsite(again) == []
    finally:
        again.context.close()


def test_phone_units_tab_layout(browser: Any, page_path: Path) -> None:
    s = Session(browser, phone=True)
    try:
        page = s.open(page_path)
        page.click("#lk-handle")
        page.click("#lk-tab-units")
        names = {c["name"] for c in _check(page, phone=True, state="units tab, drawer open")}
        assert {"#lk-tab-units", "#lk-tab-land", "#lk-mmin", "#lk-hmin"} <= names
        page.click(".lk-card >> nth=0")
        page.wait_for_selector("#lk-sheet .lk-popup")
        _check(page, phone=True, state="unit card open")
        page.click("#lk-sheet .lk-fav")
        assert page.locator("#lk-sheet .lk-popup").count() == 1  # the button did not close the card
        assert s.errors == []
        assert _offsite(s) == []
    finally:
        s.context.close()


def test_units_without_a_location_are_listed_and_open_a_card(browser: Any, tmp_path: Path) -> None:
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg").head(50)
    units = read_units(SAMPLE / "supply" / "units.xlsx").head(6)
    units["parcel_id"] = None
    path = write_browse_map(
        parcels, tmp_path / "p.html", basemap="none", units=units, units_as_of=AS_OF, photo_root=SAMPLE
    )
    s = Session(browser)
    try:
        page = s.open(path, "#tab=units&os=*")
        s.wait_count(6)
        page.click(".lk-card >> nth=0")
        page.locator(".lk-popup").wait_for()
        assert "未标注位置" in page.inner_text(".lk-popup")
        # no unit on the map: the map shows the county's land (sample parcels span ~0.5°), not the world
        span = page.evaluate(
            "(() => { const b = window.landkitApp.map.getBounds(); return b.getEast() - b.getWest(); })()"
        )
        assert span < 5
        assert s.errors == []
        assert _offsite(s) == []
    finally:
        s.context.close()


def test_a_land_range_in_a_units_link_shows_as_a_removable_chip(
    browser: Any, page_path: Path, register: pd.DataFrame
) -> None:
    s = Session(browser)
    try:
        page = s.open(page_path, "#tab=units&a=5~")  # 亩 mean nothing for floor space: no unit passes
        s.wait_count(0)
        chip = page.locator("#lk-active .lk-active-chip")
        assert chip.count() == 1
        assert "面积(亩) 5–" in chip.inner_text()
        page.wait_for_timeout(300)
        chip.click()
        s.wait_count(int(register["state"].isin(["for_rent", "on_sale"]).sum()))
        assert "a=" not in page.evaluate("location.hash")
        assert s.errors == []
    finally:
        s.context.close()

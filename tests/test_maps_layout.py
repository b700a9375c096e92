"""Phone-first layout of the browse page, checked by geometry in Chromium (not by screenshots).

At 390×844 (is_mobile, touch, DPR 2) and 1440×900, in each state (opening, drawer open, card
open): every control in view is the element found at its own centre (nothing covers it), no
control sticks out of the viewport, the page does not scroll sideways, and on the phone every tap
target is at least 44×44 px. Console and page errors are recorded and must be none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from maps_support import Session, launch_chromium, synthetic_parcels, synthetic_zones

from landkit.maps import write_browse_map

# For every control in view: its box, and whether elementFromPoint at its centre lands in it.
# A control scrolled out of its scrolling box (a long list) is not "in view" and is skipped.
GEOMETRY_JS = """() => {
  const sel = 'button, input, select, summary, a[href], .lk-card, [role=button], '
    + '.leaflet-control-layers-toggle';
  const vw = window.innerWidth, vh = window.innerHeight, out = [];
  function clipOf(e) {
    let r = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    for (let p = e.parentElement; p; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (/(auto|scroll|hidden)/.test(cs.overflowY + cs.overflowX)) {
        const b = p.getBoundingClientRect();
        r = {left: Math.max(r.left, b.left), top: Math.max(r.top, b.top),
             right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom)};
      }
    }
    return r;
  }
  for (const e of document.querySelectorAll(sel)) {
    const cs = getComputedStyle(e);
    if (cs.visibility === 'hidden' || e.closest('[hidden]') || !e.getClientRects().length) continue;
    if (e.closest('.lk-print-view')) continue;
    const b = e.getBoundingClientRect();
    if (b.width < 1 || b.height < 1) continue;
    const c = clipOf(e), x = (b.left + b.right) / 2, y = (b.top + b.bottom) / 2;
    if (x < c.left || x > c.right || y < c.top || y > c.bottom) continue;  // scrolled away
    const hit = document.elementFromPoint(x, y);
    const name = e.id ? '#' + e.id : (e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.')
      + (e.textContent ? '[' + e.textContent.trim().slice(0, 12) + ']' : ''));
    // The part not scrolled away must lie inside the viewport (a scroll box may not stick out either).
    out.push({name, left: Math.max(b.left, c.left), top: Math.max(b.top, c.top),
      right: Math.min(b.right, c.right), bottom: Math.min(b.bottom, c.bottom), w: b.width, h: b.height,
      ok: !!hit && (hit === e || e.contains(hit)), hit: hit ? hit.tagName + '.' + hit.className : null,
      text: !!e.closest('.leaflet-control-attribution, .lk-dl, .lk-gallery > div')});
  }
  return {controls: out, scrollW: document.documentElement.scrollWidth, vw, vh};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    gdf = synthetic_parcels(300, seed=3)
    zones = synthetic_zones()
    return write_browse_map(gdf, root / "p.html", zones=zones, basemap="none", title="洪江市 · 淘宝式选地")


def _check(page: Any, *, phone: bool, state: str) -> list[dict[str, Any]]:
    g = page.evaluate(GEOMETRY_JS)
    assert g["scrollW"] <= g["vw"], f"{state}: the page scrolls sideways"
    controls = g["controls"]
    assert len(controls) >= 4, state
    covered = [c for c in controls if not c["ok"]]
    assert covered == [], f"{state}: covered controls {covered}"
    outside = [
        c for c in controls if c["left"] < -0.5 or c["right"] > g["vw"] + 0.5 or c["bottom"] > g["vh"] + 0.5
    ]
    assert outside == [], f"{state}: controls outside the viewport {outside}"
    if phone:
        small = [c for c in controls if not c["text"] and (c["w"] < 43.5 or c["h"] < 43.5)]
        assert small == [], f"{state}: tap targets under 44 px {small}"
    return controls


@pytest.mark.parametrize("phone", [True, False], ids=["phone-390x844", "desktop-1440x900"])
def test_controls_are_reachable_and_inside_the_viewport(browser: Any, page_path: Path, phone: bool) -> None:
    s = Session(browser, phone=phone, size=(1440, 900))
    try:
        page = s.open(page_path)
        names = {c["name"] for c in _check(page, phone=phone, state="opening")}
        assert "#lk-q" in names
        if phone:
            assert "#lk-handle" in names
            assert page.locator(".lk-card").first.is_hidden()  # the drawer is folded
            page.click("#lk-handle")
            names = {c["name"] for c in _check(page, phone=phone, state="drawer open")}
            assert "#lk-amin" in names
        page.click(".lk-card >> nth=0")
        page.wait_for_selector(".lk-popup")
        _check(page, phone=phone, state="card open")
        if phone:
            sheet = page.locator("#lk-sheet").bounding_box()
            assert sheet is not None
            assert sheet["y"] + sheet["height"] <= 844.5  # a bottom sheet, inside the screen
            page.click("#lk-sheet .lk-fav")
            assert page.locator("#lk-sheet .lk-popup").count() == 1  # the button did not close it
            page.click("#lk-sheet-close")
            assert page.locator("#lk-sheet").is_hidden()
        assert s.errors == []
    finally:
        s.context.close()


def test_phone_page_allows_pinch_zoom_and_names_the_county(browser: Any, page_path: Path) -> None:
    s = Session(browser, phone=True)
    try:
        page = s.open(page_path)
        viewport = page.get_attribute('meta[name="viewport"]', "content")
        assert "user-scalable=no" not in viewport
        assert "maximum-scale" not in viewport
        assert page.title() == "洪江市 · 淘宝式选地"
        legend = page.locator(".lk-legend")
        assert legend.get_attribute("open") is None  # folded on a phone
        page.click(".lk-legend summary")
        assert legend.get_attribute("open") is not None
    finally:
        s.context.close()

"""全景式看地 in a real browser: a card's 360° panorama opens from file:// with no request at all.

Playwright drives Debian's chromium on the sample page (its four panoramas and the DEM's
thumbnails); every request is recorded and anything but the page file is aborted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from maps_support import Session, launch_chromium
from PIL import Image

from landkit.maps import write_browse_map

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]

# Counts Blob URLs made and revoked, so a test can tell a panorama is decoded only when opened.
_COUNT_BLOBS = """
window.__blobs = { made: 0, revoked: 0 };
const make = URL.createObjectURL.bind(URL), revoke = URL.revokeObjectURL.bind(URL);
URL.createObjectURL = (b) => { window.__blobs.made += 1; return make(b); };
URL.revokeObjectURL = (u) => { window.__blobs.revoked += 1; return revoke(u); };
"""


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    out = write_browse_map(
        parcels,
        tmp_path_factory.mktemp("pano") / "land.html",
        basemap="none",
        photo_root=SAMPLE,
        panoramas=True,
        thumbnails=SAMPLE / "dem" / "hongjiang_dem_4546.tif",
    )
    with_pano = parcels.loc[parcels["panorama"].notna(), "parcel_id"].tolist()
    return out, with_pano


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def _open_viewer(session: Session, page_path: Path, key: str) -> Any:
    session.context.add_init_script(_COUNT_BLOBS)
    page = session.open(page_path, f"#sel={key}")
    assert page.evaluate("window.__blobs.made") == 0  # nothing decoded on load
    assert page.locator("#lk-pano").count() == 0
    button = page.locator(f'.lk-popup[data-key="{key}"] .lk-pano-open')
    button.wait_for(timeout=5_000)
    box = button.bounding_box()
    assert box is not None
    assert box["width"] >= 44
    assert box["height"] >= 44
    thumb = page.locator(f'.lk-popup[data-key="{key}"] img.lk-terrain')
    assert thumb.evaluate("e => e.complete && e.naturalWidth") == 96
    assert thumb.get_attribute("src").startswith("data:image/jpeg;base64,")
    # Both sit where they are drawn, on top: nothing covers them and they cover nothing of the card.
    on_top = page.evaluate(
        """(key) => ['img.lk-terrain', '.lk-pano-open'].map((s) => {
          const e = document.querySelector('.lk-popup[data-key="' + key + '"] ' + s);
          const r = e.getBoundingClientRect();
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          const gallery = e.closest('.lk-popup').querySelector('.lk-gallery').getBoundingClientRect();
          return hit === e && (r.top >= gallery.bottom || r.bottom <= gallery.top);
        })""",
        key,
    )
    assert on_top == [True, True]
    button.click()
    page.wait_for_selector("#lk-pano[data-loaded='1'] canvas", timeout=10_000)
    # Ours, and pannellum's own of the same bytes (it reads the XMP header, then revokes it).
    assert page.evaluate("window.__blobs.made") >= 1
    return page


def _assert_rendered(page: Any) -> None:
    """The viewer's canvas shows the panorama: sky blue above, green ground below, not one colour."""
    page.wait_for_timeout(300)  # let the first frame reach the screen
    shot = Image.open(io.BytesIO(page.locator(".lk-pano-view").screenshot())).convert("RGB")
    px = np.asarray(shot).astype("float64")
    h = px.shape[0]
    assert px.std() > 20
    sky, ground = px[: h // 5].reshape(-1, 3), px[-h // 5 :].reshape(-1, 3)
    assert ((sky[:, 2] - sky[:, 0]) > 40).mean() > 0.5  # blue sky at the top
    assert (ground[:, 1] > ground[:, 2] + 20).mean() > 0.5  # green-brown ground at the bottom


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_card_panorama_opens_offline(browser: Any, sample_page: tuple[Path, list[str]], phone: bool) -> None:
    page_path, keys = sample_page
    session = Session(browser, phone=phone, size=(1440, 900))
    try:
        page = _open_viewer(session, page_path, keys[0])
        _assert_rendered(page)
        geometry = page.evaluate(
            """() => {
              const c = document.querySelector('.lk-pano-close').getBoundingClientRect();
              const v = document.getElementById('lk-pano').getBoundingClientRect();
              const hit = document.elementFromPoint(c.x + c.width / 2, c.y + c.height / 2);
              return { w: c.width, h: c.height, hit: hit && hit.classList.contains('lk-pano-close'),
                       fits: v.left >= 0 && v.top >= 0 && v.right <= innerWidth && v.bottom <= innerHeight,
                       covers: v.width === innerWidth && v.height === innerHeight };
            }"""
        )
        assert geometry == {"w": 44, "h": 44, "hit": True, "fits": True, "covers": True}
        page.keyboard.press("Escape")  # closes the viewer, not the card
        page.wait_for_selector("#lk-pano", state="detached", timeout=5_000)
        assert page.evaluate("window.__blobs.revoked") == page.evaluate("window.__blobs.made")  # none left
        assert page.locator(f'.lk-popup[data-key="{keys[0]}"]').count() == 1
        # A second parcel's panorama opens in a fresh viewer.
        session.open(page_path, f"#sel={keys[1]}")
        page.locator(f'.lk-popup[data-key="{keys[1]}"] .lk-pano-open').click()
        page.wait_for_selector("#lk-pano[data-loaded='1'] canvas", timeout=10_000)
        assert page.locator("#lk-pano").count() == 1
        assert session.requests == [page_path.as_uri()]  # the page itself (the hash change does not reload)
        assert session.errors == []
    finally:
        session.context.close()


def test_parcel_without_panorama_has_no_button(browser: Any, sample_page: tuple[Path, list[str]]) -> None:
    page_path, _ = sample_page
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    other = parcels.loc[parcels["panorama"].isna() & (parcels["status"] == "for_sale"), "parcel_id"].iloc[0]
    session = Session(browser)
    try:
        page = session.open(page_path, f"#sel={other}")
        page.wait_for_selector(f'.lk-popup[data-key="{other}"]', timeout=5_000)
        assert page.locator(f'.lk-popup[data-key="{other}"] .lk-pano-open').count() == 0
        assert page.locator(f'.lk-popup[data-key="{other}"] img.lk-terrain').count() == 1
        assert session.errors == []
    finally:
        session.context.close()

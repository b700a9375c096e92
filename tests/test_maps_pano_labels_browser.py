"""pannellum's controls in Chinese (issue 14): titles and names set after the viewer is built.

pannellum 2.5.7 gives its zoom, full-screen, orientation and compass controls no tooltip and no
accessible name, and its ``strings`` config covers only messages. The page sets a Chinese title and
aria-label on each (from ``panorama.toml``), makes the clickable ones keyboard buttons, and passes
Chinese for every message pannellum has. Checked in Chromium from file:// with no request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from maps_support import Session, launch_chromium

from landkit.maps import write_browse_map
from landkit.maps._media import media_settings

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def pano_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    out = write_browse_map(
        parcels,
        tmp_path_factory.mktemp("labels") / "p.html",
        basemap="none",
        photo_root=SAMPLE,
        panoramas=True,
    )
    return out, parcels.loc[parcels["panorama"].notna(), "parcel_id"].iloc[0]


def test_viewer_controls_have_chinese_titles_and_work_by_keyboard(
    browser: Any, pano_page: tuple[Path, str]
) -> None:
    path, key = pano_page
    zh = media_settings()["strings"]["zh"]
    s = Session(browser)
    try:
        page = s.open(path, f"#sel={key}")
        page.locator(f'.lk-popup[data-key="{key}"] .lk-pano-open').click()
        page.wait_for_selector("#lk-pano[data-loaded='1'] canvas", timeout=10_000)
        got = page.evaluate(
            """() => ['.pnlm-zoom-in', '.pnlm-zoom-out', '.pnlm-compass'].map((sel) => {
                 const e = document.querySelector('#lk-pano ' + sel);
                 return [e.title, e.getAttribute('aria-label'), e.getAttribute('role')];
               })"""
        )
        assert got == [
            [zh["zoom_in"], zh["zoom_in"], "button"],
            [zh["zoom_out"], zh["zoom_out"], "button"],
            [zh["compass"], zh["compass"], "img"],
        ]
        # No English name or tooltip is left anywhere in the viewer.
        names = page.evaluate(
            """() => [...document.querySelectorAll('#lk-pano [title], #lk-pano [aria-label]')]
                 .flatMap((e) => [e.getAttribute('title'), e.getAttribute('aria-label')]).filter(Boolean)"""
        )
        assert names
        assert [n for n in names if not CJK.search(n)] == []
        # Every message pannellum can show is Chinese (its %s placeholders kept).
        strings = page.evaluate("landkitApp._pano.getConfig().strings")
        assert strings["textureSizeError"] == zh["texture_size"]
        assert [k for k, v in strings.items() if not CJK.search(v)] == []
        # 放大 by keyboard: focus the button, press Enter, the field of view narrows.
        before = page.evaluate("landkitApp._pano.getHfov()")
        page.focus("#lk-pano .pnlm-zoom-in")
        page.keyboard.press("Enter")
        page.wait_for_function(f"landkitApp._pano.getHfov() < {before}", timeout=5_000)
        assert s.requests == [path.as_uri()]
        assert s.errors == []
    finally:
        s.context.close()

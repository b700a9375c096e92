"""Orthophoto thumbnails in a real browser: the card shows the clipped image, offline, with no request.

The sample page gets ``thumbnails=[orthophoto, DEM]``: a parcel in the 高新区 shows the orthophoto
(bare soil inside its red outline, as the image has there), one outside it the DEM's hillshade.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from maps_support import Session, launch_chromium
from PIL import Image
from shapely.geometry import box

from landkit.maps import write_browse_map

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ORTHO = SAMPLE / "ortho" / "hongjiang_park_ortho_4546.tif"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def ortho_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    out = write_browse_map(
        parcels,
        tmp_path_factory.mktemp("ortho") / "land.html",
        basemap="none",
        photo_root=SAMPLE,
        thumbnails=[ORTHO, SAMPLE / "dem" / "hongjiang_dem_4546.tif"],
    )
    with rasterio.open(ORTHO) as src:
        on = parcels.geometry.within(box(*src.bounds))
    sale = parcels["status"] == "for_sale"
    big = parcels.geometry.area > 10_000  # wide enough to sample its middle on screen
    return (
        out,
        parcels.loc[on & sale & big, "parcel_id"].iloc[0],
        parcels.loc[~on & sale, "parcel_id"].iloc[0],
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_card_shows_the_orthophoto_offline(
    browser: Any, ortho_page: tuple[Path, str, str], phone: bool
) -> None:
    page_path, in_park, outside = ortho_page
    session = Session(browser, phone=phone, size=(1440, 900))
    try:
        page = session.open(page_path, f"#sel={in_park}")
        img = page.locator(f'.lk-popup[data-key="{in_park}"] img.lk-terrain')
        img.wait_for(timeout=5_000)
        assert img.get_attribute("class") == "lk-terrain lk-ortho"
        assert img.get_attribute("alt") == "正射影像（地块轮廓为红线）"
        assert img.evaluate("e => e.complete && e.naturalWidth") == 96
        hit = img.evaluate(
            """e => { const r = e.getBoundingClientRect();
                      return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e; }"""
        )
        assert hit
        # What the screen shows in the image's middle is the parcel: bare soil, as the orthophoto has it.
        shot = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("RGB")).astype(float)
        h, w = shot.shape[:2]
        middle = shot[h // 2 - h // 16 : h // 2 + h // 16, w // 2 - w // 16 : w // 2 + w // 16].reshape(-1, 3)
        assert np.abs(np.median(middle, axis=0) - [186, 150, 112]).max() < 15
        # A parcel off the orthophoto gets the DEM's hillshade, labelled as such.
        session.open(page_path, f"#sel={outside}")
        other = page.locator(f'.lk-popup[data-key="{outside}"] img.lk-terrain')
        other.wait_for(timeout=5_000)
        assert other.get_attribute("class") == "lk-terrain"
        assert other.get_attribute("alt") == "地形晕渲图（地块轮廓为红线）"
        assert session.requests == [page_path.as_uri()]
        assert session.errors == []
    finally:
        session.context.close()

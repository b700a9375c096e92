"""售价 on the 厂房 tab in Chromium: the sample's units for sale show their price on the card, in the
售价 filter, the CSV and the print sheet (that a let unit's price never reaches the file is checked
over the whole file in test_supply_sale).

Counts and prices come from pandas on the register (``read_units``); zero requests off the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from maps_support import Session
from test_maps_units import AS_OF, SAMPLE
from test_maps_units_browser import browser, register  # the same module fixtures (Chromium, units)

from landkit.maps import write_browse_map

__all__ = ["browser", "register"]

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory, register: pd.DataFrame) -> Path:
    return write_browse_map(
        gpd.read_file(SAMPLE / "parcels.gpkg"),
        tmp_path_factory.mktemp("sale") / "p.html",
        basemap="none",
        units=register.drop(columns="state"),
        units_as_of=AS_OF,
        photo_root=SAMPLE,
    )


def test_sale_price_on_card_filter_csv_and_print(
    browser: Any, page_path: Path, register: pd.DataFrame
) -> None:
    offered = register[register["state"].isin(["for_rent", "on_sale"])]
    sold = offered[offered["sale_mode"].isin(["出售", "租售均可"])]
    want = sold[sold["sale_price_yuan_m2"] >= 3000]
    assert 0 < len(want) < len(sold)
    html = page_path.read_text(encoding="utf-8")
    assert "出售中" in html
    s = Session(browser)
    try:
        page = s.open(page_path, "#tab=units")
        s.wait_count(len(offered))
        page.fill("#lk-spmin", "3000")
        page.press("#lk-spmin", "Enter")
        s.wait_count(len(want))
        assert "sp=3000~" in page.evaluate("location.hash")
        key = want.sort_values("unit_id")["unit_id"].iloc[0]
        row = want.set_index("unit_id").loc[key]
        page.evaluate(f"location.hash = {('#tab=units&sp=3000~&sel=' + key)!r}")
        popup = page.locator(f'.lk-popup[data-key="{key}"]')
        popup.wait_for(timeout=5_000)
        text = popup.inner_text()
        per_m2 = f"{round(row['sale_price_yuan_m2']):,}"
        assert f"售价 {per_m2} 元/m²" in text
        assert "售价总价(万元)" in text
        assert ("出售中" if row["state"] == "on_sale" else "招租中") in text
        page.wait_for_timeout(400)
        page.click(".lk-popup .lk-fav")
        csv = page.evaluate("window.landkitApp.shortlistCSV()")
        assert "售价(元/m²)" in csv
        assert key in csv
        assert page.evaluate("window.landkitApp.buildPrintView()") == 1
        sheet = page.evaluate("document.getElementById('lk-print-view').textContent")
        assert f"售价 {per_m2} 元/m²" in sheet
        assert s.errors == []
        assert [u for u in s.requests if not u.startswith(("file://", "data:", "blob:"))] == []
    finally:
        s.context.close()

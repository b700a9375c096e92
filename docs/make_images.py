"""Regenerate the README's browse-page images (phone screenshot, printed 宗地推介单) from sample_data.

Usage: .venv/bin/python docs/make_images.py   (needs /usr/bin/chromium and Playwright)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from landkit import read_parcels
from landkit.maps import write_browse_map
from landkit.zones import read_zones

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    parcels = read_parcels(ROOT / "sample_data" / "parcels.gpkg")
    zones = read_zones(ROOT / "sample_data" / "zones" / "hongjiang.toml")
    page = write_browse_map(
        parcels,
        tmp / "land.html",
        zones=zones,
        basemap="none",
        base_layers=ROOT / "sample_data" / "hongjiang_base.gpkg",
        title="洪江市 · 淘宝式选地",
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        phone = b.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        pg = phone.new_page()
        pg.goto(page.as_uri())
        pg.wait_for_selector("body[data-landkit-ready]")
        pg.screenshot(path=str(tmp / "a.png"))
        pg.click("#lk-handle")
        pg.screenshot(path=str(tmp / "b.png"))
        pg.click(".lk-card >> nth=0")
        pg.wait_for_timeout(400)
        pg.screenshot(path=str(tmp / "c.png"))
        shots = [Image.open(tmp / f"{x}.png").convert("RGB").resize((300, 650)) for x in "abc"]
        strip = Image.new("RGB", (300 * 3 + 20, 650), "white")
        for i, im in enumerate(shots):
            strip.paste(im, (i * 310, 0))
        strip.quantize(96).save(OUT / "browse_phone.png", optimize=True)
        desk = b.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
        desk.goto(page.as_uri())
        desk.wait_for_selector("body[data-landkit-ready]")
        desk.evaluate("landkitApp.buildPrintView([landkitApp.result[0]])")
        desk.emulate_media(media="print")
        desk.screenshot(path=str(tmp / "sheet.png"), full_page=False)
        Image.open(tmp / "sheet.png").convert("RGB").resize((397, 562)).quantize(64).save(
            OUT / "offer_sheet.png", optimize=True
        )
        b.close()


if __name__ == "__main__":
    main()

"""Benchmark: the 淘宝式选地 browse page (landkit.maps) beside plain folium, same run, same data.

Peers, on identical synthetic parcels (19-vertex polygons, 40–130 m radius, over 洪江市, EPSG:4490,
with the public card fields: code, name, categories, status, township, location, land use, price,
listed date, contact, area):

* ``landkit`` — ``landkit.maps.write_browse_map(..., basemap="none")``: quantised, delta-encoded
  geometries and column-wise card data; one canvas layer; Leaflet inlined from xstatic-leaflet.
* ``folium``  — ``folium.GeoJson(gdf, popup=folium.GeoJsonPopup(fields=...))`` on a
  ``folium.Map(tiles=None)`` saved with ``Map.save`` (the plain way). For the browser run its CDN
  links are replaced by the same inlined Leaflet so the page can load offline at all.

Figures: bytes per parcel (whole file / n, and marginal = (file − empty page) / n), write time
for ``--write-n`` parcels, and for ``--browser-n`` parcels time to interactive in headless Debian
chromium (navigation start → page script done + two animation frames, all requests blocked) and,
for landkit, the time for a filter change to redraw (click → two frames later).

Usage::

    .venv/bin/python benchmarks/bench_browse.py                       # 10k write, 50k browser
    .venv/bin/python benchmarks/bench_browse.py --browser-n 20000 --no-folium-browser
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np

from landkit.maps import write_browse_map
from landkit.maps._assets import leaflet_css, leaflet_js
from landkit.sample import SYNTHETIC_COLUMNS, synthetic_parcels

log = logging.getLogger("bench_browse")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]


def parcels(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """The shared synthetic parcels of :func:`landkit.sample.synthetic_parcels` (public fields only)."""
    return synthetic_parcels(n, seed=seed)


def write_landkit(gdf: gpd.GeoDataFrame, path: Path) -> float:
    t = time.perf_counter()
    write_browse_map(gdf, path, basemap="none", overwrite=True)
    return time.perf_counter() - t


def write_folium(gdf: gpd.GeoDataFrame, path: Path) -> float:
    t = time.perf_counter()
    data = gdf.to_crs(4326).copy()
    data["listed_date"] = data["listed_date"].dt.strftime("%Y-%m-%d")
    m = folium.Map(location=[27.2, 110.0], zoom_start=10, tiles=None)
    folium.GeoJson(data, popup=folium.GeoJsonPopup(fields=list(SYNTHETIC_COLUMNS))).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t


def offline_folium(path: Path) -> Path:
    """Replace folium's CDN links by the inlined Leaflet (its other CDN assets are dropped)."""
    text = path.read_text("utf-8")
    text = re.sub(
        r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"></script>',
        lambda _: f"<script>{leaflet_js()}</script>",
        text,
    )
    text = re.sub(
        r'<link rel="stylesheet" href="https://cdn\.jsdelivr\.net/npm/leaflet@[^"]+"/>',
        lambda _: f"<style>{leaflet_css()}</style>",
        text,
    )
    text = re.sub(r'<script src="https?://[^"]+"></script>', "", text)
    text = re.sub(r'<link rel="stylesheet" href="https?://[^"]+"/>', "", text)
    out = path.with_name(path.stem + "_offline.html")
    out.write_text(text, "utf-8")
    return out


def browser_figures(path: Path, *, landkit: bool, timeout_s: float, loads: int = 3) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    frames = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame("
    frames += "() => r(performance.now()))))"
    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        leaked: list[str] = []
        page.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file:")
                else (leaked.append(r.request.url), r.abort())
            ),
        )
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(timeout_s * 1000)
        ttis = []
        for _ in range(loads):
            page.goto(path.as_uri(), wait_until="load")
            if landkit:
                page.wait_for_selector("body[data-landkit-ready]")
            ttis.append(page.evaluate(frames) / 1000)
        out["tti_s"] = float(np.median(ttis))
        out["tti_all"] = [round(t, 2) for t in ttis]
        out["requests_blocked"] = len(leaked)
        out["errors"] = errors[:1]
        if landkit:
            times = []
            for value in ("idle", "reserve", "stalled", "idle", "reserve", "stalled"):
                t = page.evaluate(
                    """v => { const t0 = performance.now();
                    document.querySelector(`button.lk-chip[data-group="cat"][data-value="${v}"]`).click();
                    return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
                        () => r([performance.now() - t0, landkitApp.lastFilterMs + landkitApp.lastDrawMs]))));
                    }""",
                    value,
                )
                times.append(t)
            out["filter_frame_ms"] = float(np.median([t[0] for t in times]))
            out["filter_js_ms"] = float(np.median([t[1] for t in times]))
            out["count_after"] = int(page.get_attribute("#lk-count", "data-count"))
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-n", type=int, default=10_000)
    ap.add_argument("--browser-n", type=int, default=50_000)
    ap.add_argument("--no-folium-browser", action="store_true", help="skip folium's time to interactive")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per browser page load")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    tmp = Path(tempfile.mkdtemp(prefix="bench_browse_"))

    empty = tmp / "empty.html"
    write_browse_map(parcels(1), empty, basemap="none", overwrite=True)
    fixed = empty.stat().st_size

    gdf = parcels(args.write_n)
    log.info(
        "write %d parcels (19 vertices, %d card fields); best of 3", args.write_n, len(SYNTHETIC_COLUMNS)
    )
    log.info("%-8s %10s %12s %14s %12s", "peer", "write_s", "file_MB", "bytes/parcel", "marginal")
    for peer, fn in (("landkit", write_landkit), ("folium", write_folium)):
        path = tmp / f"{peer}_{args.write_n}.html"
        secs = min(fn(gdf, path) for _ in range(3))
        size = path.stat().st_size
        base = fixed if peer == "landkit" else 0
        log.info(
            "%-8s %10.2f %12.2f %14.0f %12.0f",
            peer,
            secs,
            size / 1e6,
            size / args.write_n,
            (size - base) / args.write_n,
        )

    if args.browser_n:
        big = parcels(args.browser_n, seed=1)
        log.info("\nheadless chromium, %d parcels, every request blocked", args.browser_n)
        lk = tmp / f"landkit_{args.browser_n}.html"
        write_landkit(big, lk)
        fig = browser_figures(lk, landkit=True, timeout_s=args.timeout)
        log.info(
            "landkit  size %.1f MB  TTI %.2f s %s  filter redraw %.0f ms (JS %.0f ms)  blocked %d %s",
            lk.stat().st_size / 1e6,
            fig["tti_s"],
            fig["tti_all"],
            fig["filter_frame_ms"],
            fig["filter_js_ms"],
            fig["requests_blocked"],
            fig["errors"],
        )
        if not args.no_folium_browser:
            fo = tmp / f"folium_{args.browser_n}.html"
            write_folium(big, fo)
            try:
                ff = browser_figures(offline_folium(fo), landkit=False, timeout_s=args.timeout)
                log.info(
                    "folium   size %.1f MB  TTI %.2f s %s  filter: none (no filter UI)  blocked %d %s",
                    fo.stat().st_size / 1e6,
                    ff["tti_s"],
                    ff["tti_all"],
                    ff["requests_blocked"],
                    ff["errors"],
                )
            except Exception as exc:  # noqa: BLE001 - report a peer that times out, keep the figures
                log.info(
                    "folium   did not become interactive within %.0f s: %s", args.timeout, type(exc).__name__
                )


if __name__ == "__main__":
    main()

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
for ``--write-n`` parcels (best of 3; each peer's own empty page is subtracted for the marginal size), and
for ``--browser-n`` parcels time to interactive in headless Debian
chromium (navigation start → page script done + two animation frames, all requests blocked) and,
for landkit, the time for a filter change to redraw (click → two frames later); best of 3 loads for both.

Agreement (exit 1 otherwise, and when a peer crashes or times out): both written pages carry every parcel's
宗地代码, and in Chromium landkit's live count and folium's GeoJSON layer hold the same number of parcels.
Figures go to ``benchmarks/results/bench_browse.json``.

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
import pandas as pd
import shapely
from _results import agree, assert_agree, crashed, row, write_results

from landkit.area import geodesic_area
from landkit.maps import write_browse_map
from landkit.maps._assets import leaflet_css, leaflet_js

log = logging.getLogger("bench_browse")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
TOWNS = ("黔城镇", "安江镇", "托口镇", "雪峰镇", "江市镇", "沅河镇")
USES = ("工业用地", "物流仓储用地", "商业服务业用地", "居住用地")
CATS = ("idle", "low_efficiency", "stalled", "idle,mortgaged", "reserve")
STATUS = ("identified", "in_disposal", "for_sale", "suspected", "reserved")
FIELDS = [
    "parcel_id",
    "name",
    "categories",
    "status",
    "township",
    "location",
    "landuse_name",
    "asking_price",
    "listed_date",
    "contact",
    "area_m2",
]


def parcels(n: int, seed: int = 0, vertices: int = 19) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon = 109.55 + rng.random(n) * 0.9
    lat = 27.0 + rng.random(n) * 0.45
    r = (40 + rng.random(n) * 90) / 111_000
    ang = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    jit = 0.75 + 0.25 * rng.random((n, vertices))
    xs = lon[:, None] + (r[:, None] * jit * np.cos(ang)) / np.cos(np.radians(27.2))
    ys = lat[:, None] + r[:, None] * jit * np.sin(ang)
    rings = np.stack([xs, ys], axis=-1)
    geoms = shapely.polygons(np.concatenate([rings, rings[:, :1]], axis=1))
    gdf = gpd.GeoDataFrame(
        {
            "parcel_id": [
                f"431281{100 + i % 900:03d}{100 + (i // 900) % 900:03d}GB{i % 100000:05d}" for i in range(n)
            ],
            "name": [f"{TOWNS[i % 6]}{i}号地块" for i in range(n)],
            "categories": [CATS[j] for j in rng.integers(0, len(CATS), n)],
            "status": [STATUS[j] for j in rng.integers(0, len(STATUS), n)],
            "township": [TOWNS[j] for j in rng.integers(0, len(TOWNS), n)],
            "location": [f"{TOWNS[i % 6]}工业大道{i % 97}号" for i in range(n)],
            "landuse_name": [USES[j] for j in rng.integers(0, len(USES), n)],
            "asking_price": np.round(rng.random(n) * 3000 + 50, 1),
            "listed_date": (
                pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
            ),
            "contact": ["洪江市投资促进事务中心 0745-7622000"] * n,
        },
        geometry=geoms,
        crs=4490,
    )
    gdf["area_m2"] = np.asarray(geodesic_area(gdf.geometry)).round(1)
    return gdf


def write_landkit(gdf: gpd.GeoDataFrame, path: Path) -> float:
    t = time.perf_counter()
    write_browse_map(gdf, path, basemap="none", overwrite=True)
    return time.perf_counter() - t


def write_folium(gdf: gpd.GeoDataFrame, path: Path) -> float:
    t = time.perf_counter()
    data = gdf.to_crs(4326).copy()
    data["listed_date"] = data["listed_date"].dt.strftime("%Y-%m-%d")
    m = folium.Map(location=[27.2, 110.0], zoom_start=10, tiles=None)
    folium.GeoJson(data, popup=folium.GeoJsonPopup(fields=FIELDS)).add_to(m)
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
        out["tti_s"] = min(ttis)
        out["shown"] = int(page.evaluate(SHOWN_JS if not landkit else LANDKIT_SHOWN_JS))
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


#: parcels on the map once loaded: landkit's live count; folium's GeoJson layer(s) feature count
LANDKIT_SHOWN_JS = "() => Number(document.querySelector('#lk-count').dataset.count)"
SHOWN_JS = (
    "() => Object.keys(window)"
    ".filter(k => k.startsWith('geo_json_') && typeof window[k]?.getLayers === 'function')"
    ".reduce((n, k) => n + window[k].getLayers().length, 0)"
)
CODE = re.compile(r"431281\d{6}GB\d{5}")


def codes_in(path: Path) -> set[str]:
    """The 宗地代码 written into a page (both pages must carry every parcel's code)."""
    return set(CODE.findall(path.read_text("utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-n", type=int, default=10_000)
    ap.add_argument("--browser-n", type=int, default=50_000)
    ap.add_argument("--no-folium-browser", action="store_true", help="skip folium's time to interactive")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per browser page load")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    tmp = Path(tempfile.mkdtemp(prefix="bench_browse_"))

    one = parcels(1)
    gdf = parcels(args.write_n)
    log.info("write %d parcels (19 vertices, %d card fields); best of 3", args.write_n, len(FIELDS))
    log.info("%-8s %10s %12s %14s %12s", "peer", "write_s", "file_MB", "bytes/parcel", "marginal")
    figures: dict[str, Any] = {"write_n": args.write_n, "browser_n": args.browser_n}
    checks: list[dict] = []
    expected = set(gdf["parcel_id"])
    for peer, fn in (("landkit", write_landkit), ("folium", write_folium)):
        path = tmp / f"{peer}_{args.write_n}.html"
        try:
            fn(one, tmp / f"{peer}_empty.html")  # the same empty-page subtraction for every peer
            secs = min(fn(gdf, path) for _ in range(3))
        except Exception as exc:  # noqa: BLE001 - a crashing peer is a failed check
            checks.append(crashed(peer, exc))
            continue
        size, fixed = path.stat().st_size, (tmp / f"{peer}_empty.html").stat().st_size
        marginal = (size - fixed) / (args.write_n - 1)
        figures[peer] = {"write_s": secs, "file_mb": size / 1e6, "bytes_per_parcel": size / args.write_n,
                         "marginal_bytes_per_parcel": marginal}  # fmt: skip
        checks.append(
            agree(peer, expected, codes_in(path), what=f"all {args.write_n:,} 宗地代码 in the page")
        )
        log.info("%-8s %10.2f %12.2f %14.0f %12.0f", peer, secs, size / 1e6, size / args.write_n, marginal)

    if args.browser_n:
        big = parcels(args.browser_n, seed=1)
        log.info("\nheadless chromium, %d parcels, every request blocked", args.browser_n)
        lk = tmp / f"landkit_{args.browser_n}.html"
        write_landkit(big, lk)
        fig = browser_figures(lk, landkit=True, timeout_s=args.timeout)
        figures["landkit"] = {**figures.get("landkit", {}), "browser": fig}
        checks.append(agree("landkit", args.browser_n, fig["shown"], what="parcels counted after loading"))
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
                figures["folium"] = {**figures.get("folium", {}), "browser": ff}
                checks.append(
                    agree("folium", fig["shown"], ff["shown"], what="parcels on the map after loading")
                )
                log.info(
                    "folium   size %.1f MB  TTI %.2f s %s  filter: none (no filter UI)  blocked %d %s",
                    fo.stat().st_size / 1e6,
                    ff["tti_s"],
                    ff["tti_all"],
                    ff["requests_blocked"],
                    ff["errors"],
                )
            except Exception as exc:  # noqa: BLE001 - a peer that times out is a failed check
                log.info(
                    "folium   did not become interactive within %.0f s: %s", args.timeout, type(exc).__name__
                )
                checks.append(crashed("folium", exc))
    write_results("bench_browse", figures=figures, checks=checks, params=vars(args), table=_rows(figures),
                  libraries=("folium", "playwright", "xstatic-leaflet"))  # fmt: skip
    assert_agree(checks)


def _rows(fig: dict[str, Any]) -> list[dict[str, str]]:
    """README rows: write time and size; time to interactive and filter redraw in Chromium."""
    lk, fo = fig.get("landkit", {}), fig.get("folium", {})
    rows = [
        row(
            f"write {fig['write_n']:,} parcels (best of 3; bytes per parcel after the empty page)",
            landkit=f"{lk.get('write_s', float('nan')):.2f} s, "
            f"{lk.get('marginal_bytes_per_parcel', 0):,.0f} B",
            peers=f"folium.GeoJson {fo.get('write_s', float('nan')):.2f} s, "
            f"{fo.get('marginal_bytes_per_parcel', 0):,.0f} B",
        )
    ]
    if "browser" in lk:
        b, fb = lk["browser"], fo.get("browser")
        rows.append(
            row(
                f"{fig['browser_n']:,} parcels in headless Chromium, all requests blocked (best of 3 loads)",
                landkit=f"interactive in {b['tti_s']:.2f} s, filter redraw {b['filter_frame_ms']:.0f} ms",
                peers=f"folium {fb['tti_s']:.2f} s, no filter" if fb else "folium not measured",
            )
        )
    return rows


if __name__ == "__main__":
    main()

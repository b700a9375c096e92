"""Benchmark: the 淘宝式选地 browse page (landkit.maps) beside plain folium, same run, same data.

Peers, on identical synthetic parcels (19-vertex polygons, 40–130 m radius, over 洪江市, EPSG:4490,
with the public card fields: code, name, categories, status, township, location, land use, price,
listed date, contact, area):

* ``landkit`` — ``landkit.maps.write_browse_map(..., basemap="none")``: quantised, delta-encoded
  geometries and column-wise card data; one canvas layer; Leaflet inlined from xstatic-leaflet.
* ``folium``  — ``folium.GeoJson(gdf, popup=folium.GeoJsonPopup(fields=...))`` on a
  ``folium.Map(tiles=None)`` saved with ``Map.save`` (the plain way). For the browser run its CDN
  links are replaced by the same inlined Leaflet so the page can load offline at all.

* ``before``  — the browse page as it was before the offer-page work (issue 14): the same call on
  the landkit source at ``--before-rev`` (default: the merge base with ``main``), exported with
  ``git archive`` and run in a subprocess.

The landkit page is the public offer page: the synthetic parcels also carry the offer terms
(规划用途, 容积率, 绿地率, 出让年限, 交易方式, 保证金, 投资强度, 基础设施, 四至) and zones.
``landkit+base`` is the same page with ``base_layers=sample_data/hongjiang_base.gpkg`` (roads,
rivers, township borders, names under the parcels, and per parcel the distances to the nearest
expressway exit, railway station and town centre): its marginal bytes/parcel are counted against an
empty page *with* the base layers, whose own bytes are reported separately (``base_layers_bytes``).
The distances are checked against a brute-force ``pyproj.Geod`` search over every feature (peer
``pyproj``), which is also timed beside the vectorised search.

Figures: bytes per parcel (whole file / n, and marginal = (file − empty page) / n), write time
for ``--write-n`` parcels, and for ``--browser-n`` and ``--big-n`` parcels time to interactive in
headless Debian chromium (navigation start → page script done + two animation frames, stamped
by the page itself; ``tti_harness_s`` is the older figure that adds the harness's round trips; all
requests blocked and counted) and the time for a filter change to redraw (click → two frames
later); console errors at a desktop (1440×900) and a phone (390×844, DPR 2) viewport.
The peers must agree: the page's count after a filter equals the pandas count, and folium's file
holds one feature per parcel; the script exits non-zero otherwise. JSON goes to
``benchmarks/results/bench_browse.json``.

Usage::

    .venv/bin/python benchmarks/bench_browse.py            # 10k write, 50k and 300k browser (± base)
    .venv/bin/python benchmarks/bench_browse.py --browser-n 20000 --big-n 0 --no-folium-browser
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
from _results import agree, assert_agree, row, write_results
from shapely.geometry import box

from landkit.maps import write_browse_map
from landkit.maps._assets import leaflet_css, leaflet_js
from landkit.maps.baselayers import distance_columns, read_base_layers
from landkit.sample import SYNTHETIC_COLUMNS, synthetic_parcels

#: Agreement checks collected during the run (written with the figures).
CHECKS: list[dict[str, Any]] = []

log = logging.getLogger("bench_browse")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]
FIELDS = list(SYNTHETIC_COLUMNS)  # folium's popup shows the generator's fields
BASE = Path(__file__).resolve().parents[1] / "sample_data" / "hongjiang_base.gpkg"


def parcels(n: int, seed: int = 0, vertices: int = 19) -> gpd.GeoDataFrame:
    """``landkit.sample.synthetic_parcels`` plus the offer terms an investor decides on (issue 14)."""
    gdf = synthetic_parcels(n, seed=seed, vertices=vertices)
    rng = np.random.default_rng(seed + 1)
    gdf["listed_date"] = gdf["listed_date"].where(rng.random(n) < 0.7)
    gdf["far"] = np.round(rng.uniform(0.8, 2.5, n), 1)
    gdf["green_ratio"] = np.round(rng.uniform(0.1, 0.2, n), 2)
    gdf["lease_years"] = np.where(rng.random(n) < 0.8, 50, 40)
    gdf["transaction_method"] = np.where(rng.random(n) < 0.8, "挂牌", "拍卖")
    gdf["deposit"] = np.round(rng.random(n) * 500, 0)
    gdf["investment_intensity"] = np.round(rng.uniform(200, 400, n), 0)
    gdf["utilities"] = np.where(rng.random(n) < 0.5, "五通一平", "七通一平")
    gdf["boundaries"] = "东至园区路，南至规划支路，西至沅水，北至工业大道"
    return gdf


def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "zone_id": ["qc", "aj", "yuan"],
            "name": ["黔城", "安江主城区板块", "沅水主干发展带"],
            "kind": ["城", "板块", "带"],
        },
        geometry=[
            box(109.7, 27.1, 109.9, 27.3),
            box(110.0, 27.2, 110.3, 27.45),
            box(109.6, 27.0, 110.4, 27.2),
        ],
        crs=4490,
    )


def write_landkit(gdf: gpd.GeoDataFrame, path: Path, *, base: bool = False) -> float:
    t = time.perf_counter()
    write_browse_map(
        gdf, path, basemap="none", zones=zones(), overwrite=True, base_layers=BASE if base else None
    )
    return time.perf_counter() - t


def distance_figures(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """Vectorised nearest search (distance_columns) beside a brute-force geodesic search, same parcels."""
    import pyproj

    layers = read_base_layers(BASE)
    t = time.perf_counter()
    ours = distance_columns(gdf, layers)
    ours_s = time.perf_counter() - t
    t = time.perf_counter()
    centres = gdf.geometry.to_crs(4490).representative_point()
    geod, brute = pyproj.Geod(ellps="GRS80"), {}
    for role, km in (("exits", "dist_exit_km"), ("stations", "dist_station_km"), ("towns", "dist_town_km")):
        f = layers[role]
        lon = np.repeat(centres.x.to_numpy()[:, None], len(f), axis=1)
        lat = np.repeat(centres.y.to_numpy()[:, None], len(f), axis=1)
        flon, flat = (
            np.broadcast_to(f.geometry.x.to_numpy(), lon.shape),
            np.broadcast_to(f.geometry.y.to_numpy(), lon.shape),
        )
        _, _, d = geod.inv(lon.ravel(), lat.ravel(), np.ravel(flon), np.ravel(flat))
        brute[km] = np.round(d.reshape(lon.shape).min(axis=1) / 1000, 1)
    brute_s = time.perf_counter() - t
    for km, want in brute.items():
        CHECKS.append(
            agree("pyproj", ours[km].to_numpy(), want, atol=1e-9, what=f"{km}, {len(gdf):,} parcels")
        )
    assert_agree(CHECKS)
    return {"n": len(gdf), "nearest_s": round(ours_s, 3), "brute_force_geod_s": round(brute_s, 3)}


def write_before(gdf: gpd.GeoDataFrame, path: Path, src: Path) -> float:
    """Write the page with the landkit source in ``src`` (a subprocess: another version of the package)."""
    data = path.with_suffix(".parquet")
    gdf.to_parquet(data)
    code = (
        "import sys, time, geopandas as gpd, landkit; from landkit.maps import write_browse_map; "
        f"g = gpd.read_parquet({str(data)!r}); "
        "t = time.perf_counter(); "
        f"write_browse_map(g, {str(path)!r}, basemap='none', overwrite=True); "
        "print(landkit.__file__); print(time.perf_counter() - t)"
    )
    env = {**os.environ, "PYTHONPATH": str(src)}
    # -P and cwd: `python -c` would otherwise put the working directory first on sys.path, and run
    # from the repository the "before" page would be written by the working tree's landkit.
    run = subprocess.run(
        [sys.executable, "-P", "-c", code], env=env, cwd=src, capture_output=True, text=True, check=True
    )
    used, secs = run.stdout.strip().splitlines()[-2:]
    if not Path(used).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"the 'before' page was written by {used}, not by the source in {src}")
    return float(secs)


def export_before(rev: str, dest: Path) -> Path:
    """``git archive`` the landkit package at ``rev`` into ``dest``."""
    root = Path(__file__).resolve().parents[1]
    if rev == "merge-base":
        rev = subprocess.run(
            ["git", "-C", str(root), "merge-base", "HEAD", "main"], capture_output=True, text=True, check=True
        ).stdout.strip()
    tar = subprocess.run(["git", "-C", str(root), "archive", rev, "landkit"], capture_output=True, check=True)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar.stdout, check=True)
    return dest


def write_folium(gdf: gpd.GeoDataFrame, path: Path) -> float:
    t = time.perf_counter()
    data = gdf.to_crs(4326)[[*FIELDS, "geometry"]].copy()
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


FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
)
#: Time to interactive stamped by the page itself: two animation frames after the landkit page sets
#: ``data-landkit-ready`` (its script is done; a MutationObserver sees it at the end of that task), or
#: after the ``load`` event for a page without it (folium). Reading the clock in the page leaves out
#: the harness's own latency (noticing the attribute, sending the next evaluate), which the older
#: figure (``tti_harness_s``: wait for the selector, then evaluate two frames) includes.
TTI_INIT = """(() => {
  const now = () => { window.__lkTTI = performance.now(); };
  const stamp = () => requestAnimationFrame(() => requestAnimationFrame(now));
  if (%(landkit)s) {
    new MutationObserver((_, obs) => {
      if (document.body && document.body.hasAttribute('data-landkit-ready')) { obs.disconnect(); stamp(); }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-landkit-ready'] });
  } else {
    addEventListener('load', stamp);
  }
})();"""
FILTER_JS = """([group, v]) => { const t0 = performance.now();
    document.querySelector(`button.lk-chip[data-group="${group}"][data-value="${v}"]`).click();
    return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(
        () => r([performance.now() - t0, landkitApp.lastFilterMs + landkitApp.lastDrawMs]))));
    }"""


def _context(browser: Any, phone: bool) -> Any:
    if phone:
        return browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
    return browser.new_context(viewport={"width": 1440, "height": 900})


def _filter_times(page: Any, group: str) -> dict[str, Any]:
    times = [
        page.evaluate(FILTER_JS, [group, v])
        for v in ("工业用地", "工业用地", "仓储用地", "仓储用地", "仓储用地")
    ]
    return {
        "filter_frame_ms": float(np.median([t[0] for t in times])),
        "filter_js_ms": float(np.median([t[1] for t in times])),
        "count_after": int(page.get_attribute("#lk-count", "data-count")),
    }


def browser_figures(
    path: Path, *, landkit: bool, timeout_s: float, loads: int = 3, phone: bool = False, group: str = ""
) -> dict[str, Any]:
    """TTI (median of ``loads``), blocked requests, console errors and (landkit) filter redraw."""
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = _context(browser, phone)
        page = ctx.new_page()
        leaked: list[str] = []
        ctx.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file:")
                else (leaked.append(r.request.url), r.abort())
            ),
        )
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.set_default_timeout(timeout_s * 1000)
        page.add_init_script(TTI_INIT % {"landkit": "true" if landkit else "false"})
        ttis, harness = [], []
        for _ in range(loads):
            page.goto(path.as_uri(), wait_until="load")
            if landkit:
                page.wait_for_selector("body[data-landkit-ready]")
            harness.append(page.evaluate(FRAMES) / 1000)
            page.wait_for_function("window.__lkTTI !== undefined")
            ttis.append(page.evaluate("window.__lkTTI") / 1000)
        out["tti_s"] = float(np.median(ttis))
        out["tti_all"] = [round(t, 2) for t in ttis]
        out["tti_harness_s"] = float(np.median(harness))
        out["requests_blocked"] = len(leaked)
        if landkit and group and not phone:
            out.update(_filter_times(page, group))
        out["console_errors"] = len(errors)
        out["errors"] = errors[:2]
        browser.close()
    return out


def _use_count(gdf: gpd.GeoDataFrame, *, offered_only: bool) -> int:
    """Independent answer for the page's count after the last filter click (仓储用地 selected)."""
    mask = gdf["landuse_name"].eq("物流仓储用地")
    if offered_only:
        mask &= gdf["status"].eq("for_sale") | gdf["listed_date"].notna()
    return int(mask.sum())


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
    }


def _write_figures(args: argparse.Namespace, tmp: Path, out: dict[str, Any]) -> None:
    empty = tmp / "empty.html"
    write_browse_map(parcels(1), empty, basemap="none", zones=zones(), overwrite=True)
    fixed = empty.stat().st_size
    write_landkit(parcels(1), tmp / "empty_base.html", base=True)
    fixed_base = (tmp / "empty_base.html").stat().st_size
    gdf = parcels(args.write_n)
    log.info("write %d parcels (19 vertices, card + offer fields, 3 zones); best of 3", args.write_n)
    log.info("%-12s %10s %12s %14s %12s", "peer", "write_s", "file_MB", "bytes/parcel", "marginal")
    before_src = export_before(args.before_rev, tmp / "before_src") if args.before_rev else None
    peers: list[tuple[str, Any]] = [
        ("landkit", write_landkit),
        ("landkit+base", lambda g, p: write_landkit(g, p, base=True)),
        ("folium", write_folium),
    ]
    if before_src is not None:
        peers.append(("before", lambda g, p: write_before(g, p, before_src)))
    for peer, fn in peers:
        path = tmp / f"{peer}_{args.write_n}.html"
        secs = min(fn(gdf, path) for _ in range(3))
        size = path.stat().st_size
        base = {"landkit": fixed, "landkit+base": fixed_base}.get(peer, 0)
        if peer == "before":
            write_before(parcels(1), tmp / "before_empty.html", before_src)
            base = (tmp / "before_empty.html").stat().st_size
        if peer == "folium":
            features = path.read_text("utf-8").count('"type": "Feature"')
            CHECKS.append(agree("folium", [features], [args.write_n], what="features written = parcels"))
            assert_agree(CHECKS)
        fig = {
            "write_s": round(secs, 3),
            "file_mb": round(size / 1e6, 2),
            "bytes_per_parcel": round(size / args.write_n),
        }
        fig["marginal_bytes_per_parcel"] = round((size - base) / args.write_n)
        if peer == "landkit+base":  # the base layers' own bytes, apart from the per-parcel figure
            fig["base_layers_bytes"] = fixed_base - fixed
        if peer == "before":  # a fresh process per write: imports and first render included
            fig["write_s_cold_process"] = fig.pop("write_s")
        out[f"write_{args.write_n}"][peer] = fig
        log.info(
            "%-12s %10.2f %12.2f %14.0f %12.0f",
            peer,
            secs,
            size / 1e6,
            size / args.write_n,
            fig["marginal_bytes_per_parcel"],
        )


def _landkit_browser(
    args: argparse.Namespace, page: Path, big: gpd.GeoDataFrame, *, loads: int
) -> dict[str, Any]:
    """TTI and filter redraw at 1440×900, TTI and errors at 390×844; the count checked against pandas."""
    fig = browser_figures(page, landkit=True, timeout_s=args.timeout, group="use", loads=loads)
    fig["file_mb"] = round(page.stat().st_size / 1e6, 2)
    want = _use_count(big, offered_only=True)
    CHECKS.append(
        agree(
            "pandas", [fig["count_after"]], [want], what=f"parcels shown after the use filter ({page.name})"
        )
    )
    assert_agree(CHECKS)
    phone = browser_figures(page, landkit=True, timeout_s=args.timeout, loads=1, phone=True)
    fig["phone_tti_s"], fig["phone_console_errors"] = phone["tti_s"], phone["console_errors"]
    fig["phone_requests_blocked"] = phone["requests_blocked"]
    return fig


def _browser_run(args: argparse.Namespace, tmp: Path, n: int, *, peers_too: bool) -> dict[str, Any]:
    """The page with base layers and the offer profile, beside the page without them (and, with
    ``peers_too``, the page before this work and folium)."""
    big = parcels(n, seed=1)
    res: dict[str, Any] = {}
    loads = 3 if peers_too else 2  # keep the province-scale run short
    for peer, base in (("landkit+base", True), ("landkit", False)):
        page = tmp / f"{peer.replace('+', '_')}_{n}.html"
        fig = {"write_s": round(write_landkit(big, page, base=base), 2)}
        fig.update(_landkit_browser(args, page, big, loads=loads))
        res[peer] = fig
        log.info("%s %d: %s", peer, n, fig)
    if peers_too and args.before_rev:
        before = tmp / f"before_{n}.html"
        write_before(big, before, tmp / "before_src")
        bf = browser_figures(before, landkit=True, timeout_s=args.timeout)
        bf["file_mb"] = round(before.stat().st_size / 1e6, 2)
        res["before"] = bf
        log.info("before  %d: %s", n, bf)
    if peers_too and not args.no_folium_browser:
        fo = tmp / f"folium_{n}.html"
        write_folium(big, fo)
        try:
            ff = browser_figures(offline_folium(fo), landkit=False, timeout_s=args.timeout)
            ff["file_mb"] = round(fo.stat().st_size / 1e6, 2)
            res["folium"] = ff
            log.info("folium  %d: %s (no filter UI)", n, ff)
        except Exception as exc:  # noqa: BLE001 - report a peer that times out, keep the figures
            res["folium"] = {"error": f"not interactive within {args.timeout:.0f} s: {type(exc).__name__}"}
            log.info("folium  %d: %s", n, res["folium"]["error"])
    if peers_too:
        res["distances"] = distance_figures(big)
        log.info("distances %d: %s", n, res["distances"])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-n", type=int, default=10_000)
    ap.add_argument("--browser-n", type=int, default=50_000)
    ap.add_argument("--big-n", type=int, default=300_000, help="province-scale page (landkit only); 0 skips")
    ap.add_argument("--before-rev", default="merge-base", help="git revision of the 'before' page; '' skips")
    ap.add_argument("--no-folium-browser", action="store_true", help="skip folium's time to interactive")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per browser page load")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    tmp = Path(tempfile.mkdtemp(prefix="bench_browse_"))
    figures: dict[str, Any] = {f"write_{args.write_n}": {}}
    _write_figures(args, tmp, figures)
    if args.browser_n:
        figures[f"browser_{args.browser_n}"] = _browser_run(args, tmp, args.browser_n, peers_too=True)
    if args.big_n:
        figures[f"browser_{args.big_n}"] = _browser_run(args, tmp, args.big_n, peers_too=False)
    write_results(
        "bench_browse", figures=figures, checks=CHECKS, params=vars(args), table=table_rows(args, figures)
    )


def table_rows(args: argparse.Namespace, figures: dict[str, Any]) -> list[dict[str, str]]:
    """README rows: write size/time beside folium, and time to interactive in Chromium (± base layers)."""
    w = figures[f"write_{args.write_n}"]
    lk, fo = w["landkit"], w["folium"]
    lb = w.get("landkit+base", {})
    rows = [
        row(
            f"write {args.write_n:,} parcels with offer fields and zones (best of 3)",
            landkit=f"{lk['write_s']:.2f} s, {lk['bytes_per_parcel']} B/parcel "
            f"(marginal {lk['marginal_bytes_per_parcel']}); with base layers {lb.get('write_s', 0):.2f} s, "
            f"marginal {lb.get('marginal_bytes_per_parcel', '-')} B/parcel "
            f"+ {lb.get('base_layers_bytes', 0):,} B of base layers",
            peers=f"folium.GeoJson {fo['write_s']:.2f} s, {fo['bytes_per_parcel']} B/parcel",
        )
    ]
    for key, fig in figures.items():
        if not key.startswith("browser_"):
            continue
        n = int(key.split("_")[1])
        for peer in ("landkit+base", "landkit"):
            b = fig.get(peer)
            if not b:
                continue
            redraw = f", filter redraw {b['filter_frame_ms']:.0f} ms" if "filter_frame_ms" in b else ""
            harness = f" (harness-timed {b['tti_harness_s']:.2f} s)" if "tti_harness_s" in b else ""
            size = f"; {b['file_mb']:.1f} MB" if "file_mb" in b else ""
            other = fig.get("folium", {}).get("tti_s") if peer == "landkit+base" else None
            before = fig.get("before", {}).get("tti_s") if peer == "landkit" else None
            rows.append(
                row(
                    f"{n:,} parcels{' with base layers' if peer == 'landkit+base' else ''} "
                    "in headless Chromium, all requests blocked",
                    landkit=f"interactive in {b['tti_s']:.2f} s{harness}{redraw}{size}; "
                    f"{b['requests_blocked']} requests, "
                    f"{b['console_errors']} console errors (phone {b.get('phone_console_errors', '-')})",
                    peers=(f"folium {other:.2f} s" if other else "")
                    + (f"main's page {before:.2f} s" if before else "")
                    or "-",
                )
            )
        if "distances" in fig:
            d = fig["distances"]
            rows.append(
                row(
                    f"distances to nearest exit/station/town centre, {d['n']:,} parcels",
                    landkit=f"{d['nearest_s']:.2f} s (STRtree + geodesic check)",
                    peers=f"brute-force pyproj.Geod {d['brute_force_geod_s']:.2f} s",
                )
            )
    return rows


if __name__ == "__main__":
    main()

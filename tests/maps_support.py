"""Synthetic parcels and zones for the browse-page tests (and the benchmark)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from landkit.maps._encode import unpack_ints
from landkit.sample import synthetic_parcels as sample_parcels


def column_values(col: dict[str, Any]) -> list[Any]:
    """One payload column back to its values: packed (numbers × 10**-s, dictionary codes) or plain."""
    if "p" not in col:
        return list(col["v"])
    ints = unpack_ints(col["p"])
    if "d" in col:
        return [None if i is None or i < 0 else col["d"][i] for i in ints]
    scale = 10.0 ** col.get("s", 0)
    return [None if i is None else (i if scale == 1 else i / scale) for i in ints]


SECRET_BANK = "中国秘密银行洪江支行"
SECRET_NOTE = "内部备注不得公开"


def synthetic_parcels(n: int = 300, *, seed: int = 0, vertices: int = 19) -> gpd.GeoDataFrame:
    """``landkit.sample.synthetic_parcels`` plus confidential columns a public page must never show."""
    gdf = sample_parcels(n, seed=seed, vertices=vertices)
    gdf["holder"] = [f"洪江市张{i}置业有限公司" for i in range(n)]
    gdf["holder_phone"] = [f"1390745{i:04d}" for i in range(n)]
    gdf["mortgagee"] = [SECRET_BANK] * n
    gdf["mortgage_amount"] = np.full(n, 98765.43)
    gdf["secret_note"] = [SECRET_NOTE] * n
    return gdf


def synthetic_zones() -> gpd.GeoDataFrame:
    """Four overlapping zones (城, 板块, 带, 乡镇) over the synthetic parcels, EPSG:4490."""
    return gpd.GeoDataFrame(
        {
            "zone_id": ["qc", "aj", "yuan", "tk"],
            "name": ["黔城", "安江主城区板块", "沅水主干发展带", "托口镇"],
            "kind": ["城", "板块", "带", "乡镇"],
        },
        geometry=[
            box(109.7, 27.1, 109.9, 27.3),
            box(110.0, 27.2, 110.3, 27.45),
            box(109.6, 27.0, 110.4, 27.2).buffer(0.01),
            box(109.55, 27.0, 109.7, 27.2),
        ],
        crs=4490,
    )


# ---- a real browser (Playwright driving Debian's chromium) ------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]


def launch_chromium() -> Iterator[Any]:
    """Yield a headless Chromium (for a module-scoped fixture); skips without Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


class Session:
    """One browser context with every request recorded and non-file requests aborted.

    ``phone=True`` is a 390×844 phone (is_mobile, touch, DPR 2); else a desktop of ``size``.
    Console errors and page errors are both recorded in ``errors``.
    """

    def __init__(self, browser: Any, *, phone: bool = False, size: tuple[int, int] = (1280, 860)) -> None:
        if phone:
            opts: dict[str, Any] = {
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
                "device_scale_factor": 2,
            }
        else:
            opts = {"viewport": {"width": size[0], "height": size[1]}}
        self.context = browser.new_context(**opts)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith(("file://", "blob:", "data:")):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path, hash_: str = "") -> Any:
        self.page.goto(path.as_uri() + hash_)
        self.page.wait_for_selector("body[data-landkit-ready]", timeout=15_000)
        return self.page

    def count(self) -> int:
        return int(self.page.get_attribute("#lk-count", "data-count"))

    def wait_count(self, n: int) -> None:
        self.page.wait_for_function(
            f"document.getElementById('lk-count').getAttribute('data-count') === '{n}'", timeout=5_000
        )

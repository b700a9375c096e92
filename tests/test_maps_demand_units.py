"""``page.html?demand=ID`` with the 厂房 tab (issue 14): a demand's push list carries its units too.

The sample's 30 demands are matched (``landkit.supply.match``) against the sample parcels and units;
the page's lists are checked against the match table read with pandas, the whole file is searched for
any investor name or need, and Chromium opens a floor-space demand's link on the 厂房 tab showing
exactly its units, and a mixed demand's link on the land with its units one tab away.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from maps_support import Session, launch_chromium

from landkit.maps import write_browse_map
from landkit.supply import match, read_demands, read_units

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
AS_OF = "2024-12-31"
CHROMIUM = Path("/usr/bin/chromium")


def _payload(html: str) -> dict:
    raw = html.split('<script type="application/json" id="landkit-data">', 1)[1].split("</script>", 1)[0]
    return json.loads(raw)


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    units = read_units(SAMPLE / "supply" / "units.xlsx")
    demands = read_demands(SAMPLE / "supply" / "demands")
    zones = SAMPLE / "zones" / "hongjiang.toml"
    matches = match(demands, parcels=parcels, units=units, zones=zones, as_of=AS_OF, keep_excluded=True)
    return {"parcels": parcels, "units": units, "demands": demands, "matches": matches}


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, sample: dict[str, Any]) -> Path:
    return write_browse_map(
        sample["parcels"],
        tmp_path_factory.mktemp("demand") / "push.html",
        basemap="none",
        photo_root=SAMPLE,
        units=sample["units"],
        units_as_of=AS_OF,
        demands=sample["matches"],
    )


def _expected(matches: pd.DataFrame, kind: str) -> dict[str, list[str]]:
    """Per demand, its passing offers of ``kind`` by score, highest first (pandas on the match table)."""
    rows = matches[(matches["offer_kind"] == kind) & ~matches["excluded"]]
    rows = rows.sort_values("score", ascending=False, kind="stable")
    return {str(d): g["offer_id"].astype(str).tolist() for d, g in rows.groupby("demand_id")}


def test_push_lists_carry_units_and_only_ids(page: Path, sample: dict[str, Any]) -> None:
    html = page.read_text(encoding="utf-8")
    data = _payload(html)
    units_lists = _expected(sample["matches"], "unit")
    assert len(units_lists) >= 5  # the floor-space demands found units
    assert data["unitTab"]["demands"] == units_lists
    assert data["demands"] == _expected(sample["matches"], "parcel")
    assert sample["matches"]["excluded"].any()  # excluded pairs existed and stayed out
    # Whole file: no investor name, project name, industry or need of any demand.
    for d in sample["demands"]:
        for text in (d.name, d.investor):
            if text:
                assert text not in html, text
    assert "max_rent_m2_month" not in html
    assert "wanted_by" not in html


def test_page_without_units_keeps_its_land_lists(tmp_path: Path, sample: dict[str, Any]) -> None:
    out = write_browse_map(
        sample["parcels"].iloc[:200],
        tmp_path / "p.html",
        basemap="none",
        demands=sample["matches"],
        photo_root=SAMPLE,
    )
    data = _payload(out.read_text(encoding="utf-8"))
    assert "unitTab" not in data
    assert all(not k.startswith("标厂") for keys in data["demands"].values() for k in keys)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium")
    yield from launch_chromium()


def _keys(page_: Any) -> list[str]:
    """The keys of every result (the list draws only the first cards; the app holds them all)."""
    return page_.evaluate("landkitApp.result.map((k) => landkitApp.keys[k])")


@pytest.mark.browser
@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_floor_space_demand_opens_the_units_tab(
    browser: Any, page: Path, sample: dict[str, Any], phone: bool
) -> None:
    lists = _expected(sample["matches"], "unit")
    land = _expected(sample["matches"], "parcel")
    demand = next(d for d in sorted(lists) if d not in land)
    s = Session(browser, phone=phone, size=(1440, 900))
    try:
        s.page.goto(page.as_uri() + f"?demand={demand}")
        s.page.wait_for_selector("body[data-landkit-ready]", timeout=15_000)
        assert s.page.get_attribute("#lk-tab-units", "aria-selected") == "true"
        assert s.count() == len(lists[demand])
        assert sorted(_keys(s.page)) == sorted(lists[demand])
        assert s.page.locator(".lk-active-chip", has_text="为您推荐").count() == 1
        # The 土地 tab is the land as usual (this demand pushed no parcel).
        if phone:
            s.page.click("#lk-handle")  # the bottom drawer holds the tabs
        s.page.click("#lk-tab-land")
        s.page.wait_for_function("document.getElementById('lk-count').getAttribute('data-count') !== '0'")
        assert s.page.locator(".lk-active-chip", has_text="为您推荐").count() == 0
        assert s.requests == [page.as_uri() + f"?demand={demand}"]
        assert s.errors == []
    finally:
        s.context.close()


@pytest.mark.browser
def test_mixed_demand_shows_land_then_its_units(browser: Any, tmp_path: Path, sample: dict[str, Any]) -> None:
    units = sample["units"]
    parcels = sample["parcels"]
    pid = parcels["parcel_id"].astype(str)
    uid = units["unit_id"].astype(str)
    mixed = pd.DataFrame(
        {
            "demand_id": ["M1"] * 5,
            "offer_id": [pid[3], pid[40], uid.iloc[0], uid.iloc[7], uid.iloc[9]],
            "offer_kind": ["parcel", "parcel", "unit", "unit", "unit"],
            "score": [0.9, 0.8, 0.95, 0.7, 0.6],
            "excluded": [False, False, False, False, True],
        }
    )
    path = write_browse_map(
        parcels, tmp_path / "m.html", basemap="none", photo_root=SAMPLE, units=units, units_as_of=AS_OF,
        demands=mixed,
    )  # fmt: skip
    s = Session(browser)
    try:
        s.page.goto(path.as_uri() + "?demand=M1")
        s.page.wait_for_selector("body[data-landkit-ready]", timeout=15_000)
        assert s.page.get_attribute("#lk-tab-land", "aria-selected") == "true"
        assert sorted(_keys(s.page)) == sorted([pid[3], pid[40]])
        s.page.click("#lk-tab-units")
        s.wait_count(2)  # whatever their 招租状态; the excluded one stays out
        assert sorted(_keys(s.page)) == sorted([uid.iloc[0], uid.iloc[7]])
        assert "demand=M1" in s.page.evaluate("location.hash")  # the share link keeps it
        assert s.errors == []
    finally:
        s.context.close()

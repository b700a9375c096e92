"""A second synthetic county (CGCS2000 3° zone 38): read → zones → page → ledger; nothing of 洪江 leaks."""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

import landkit
from landkit.crs import CRSInferenceWarning
from landkit.profile import current, use_profile
from landkit.project import init_project
from landkit.sample import TOWNSHIPS, synthetic_parcels

NAME, CODE = "青石示例县", "429901"
EXTENT = (113.80, 30.30, 114.30, 30.70)  # central meridian 114°E: CGCS2000 3° zone 38 (EPSG:4547)
TOWNS = ("东湖镇", "西岭镇", "南岗乡")
CONTACT = "青石示例县投资促进中心 0700-1234567"
#: Anything that would betray the 洪江 defaults in an output.
HONGJIANG = ("洪江", "431281", "hongjiang", "Hongjiang", "雪峰", *(t[0] for t in TOWNSHIPS.values()))


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder made by ``landkit init`` from the county's 行政区 layer, as the working folder."""
    monkeypatch.delenv("LANDKIT_PROFILE", raising=False)
    use_profile(None)
    xzq = gpd.GeoDataFrame(
        {"XZQDM": [f"{CODE}{k}" for k in ("100", "101", "200")], "XZQMC": list(TOWNS)},
        geometry=_township_boxes(),
        crs=4490,
    )
    xzq.to_file(tmp_path / "行政区.gpkg")
    profile = init_project(tmp_path / "proj", code=CODE, boundary=tmp_path / "行政区.gpkg", name=NAME)
    text = profile.read_text("utf-8").replace('contact = ""', f'contact = "{CONTACT}"')
    profile.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "proj")
    yield tmp_path / "proj"
    use_profile(None)


def _township_boxes() -> list:
    x0, y0, x1, y1 = EXTENT
    cuts = np.linspace(x0, x1, len(TOWNS) + 1)
    return [box(a, y0, b, y1) for a, b in itertools.pairwise(cuts)]


def _delivered_shapefile(folder: Path) -> Path:
    """The county's register as a .prj-less shapefile in GK zone 38 metres without zone prefix."""
    g = synthetic_parcels(
        80, seed=5, extent=(113.85, 30.35, 114.25, 30.65), code=CODE, towns=TOWNS, contact=CONTACT, crs=4547
    )
    g["categories"] = np.where(np.arange(80) % 2 == 0, "idle", "reserve")
    g["status"] = np.where(np.arange(80) % 2 == 0, "for_sale", "reserved")
    g = g.drop(columns=["contact"])  # the page takes the profile's contact line
    pinyin = {
        "parcel_id": "ZDDM",
        "name": "XMMC",
        "categories": "LB",
        "status": "ZT",
        "township": "SZX",
        "location": "ZL",
        "landuse_name": "DLMC",
        "asking_price": "GPJ",
        "area_m2": "TDMJ",
    }
    g = g.drop(columns=["listed_date"]).rename(columns=pinyin)  # headers as a county system exports them
    path = folder / "data" / "register.shp"
    g.to_file(path, encoding="utf-8")
    path.with_suffix(".prj").unlink()
    return path


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return path.read_bytes().decode("utf-8", "replace")


def test_second_county_end_to_end(project):
    assert (current().name, current().code, current().crs) == (NAME, CODE, "EPSG:4547")
    shp = _delivered_shapefile(project)
    with pytest.warns(CRSInferenceWarning, match="EPSG:4547"):  # the profile decides the zone
        parcels = landkit.read_parcels(shp)
    assert parcels.crs.to_epsg() == 4547
    report = landkit.validate(parcels)
    assert not report["problem"].isin(["outside_extent", "wrong_county"]).any()

    zones = landkit.zones_from_frame(
        gpd.GeoDataFrame(
            {"zone_id": ["t1", "t2", "t3"], "name": list(TOWNS), "kind": ["乡镇"] * 3},
            geometry=shapely.segmentize(_township_boxes(), 0.001),
            crs=4490,
        ).to_crs(parcels.crs),  # zones in the parcels' CRS, as read_zones(crs=...) gives them
        plan=f"{NAME}乡镇",
        plan_version="2024",
    )
    assigned = landkit.assign_zones(parcels, zones)
    # independent answer: the township whose box holds the parcel's centre (parcels are ≤130 m across)
    centres = parcels.to_crs(4490).geometry.representative_point()
    cuts = np.linspace(EXTENT[0], EXTENT[2], len(TOWNS) + 1)
    expected = [TOWNS[int(np.searchsorted(cuts, x) - 1)] for x in centres.x]
    straddling = assigned["zone_township_split"].astype(bool)
    assert (
        assigned.loc[~straddling, "zone_township"] == pd.Series(expected, index=parcels.index)[~straddling]
    ).all()

    out = project / "out"
    page = landkit.write_browse_map(assigned, out / "选地.html", zones=zones, basemap="none")
    html = page.read_text("utf-8")
    assert f"<title>{NAME}招商用地 淘宝式选地</title>" in html
    assert CONTACT in html  # from the profile: the register has no contact column
    assert "idle" not in html  # the public page carries no enforcement category at all (issue 11.6)

    ledger = landkit.Ledger(out / "ledger.gpkg")
    ledger.record(parcels, as_of="2024-06-30", source=f"{NAME}自然资源局台账")
    later = parcels.copy()
    later.loc[later.index[:10], "status"] = "revitalized"
    ledger.record(later, as_of="2024-09-30", source=f"{NAME}自然资源局台账")
    progress = ledger.progress(baseline="2024-06-30", target_date="2024-12-31", categories=("idle",))
    assert progress.latest["cleared_count"] == 5  # idle parcels among the ten revitalised ones
    xlsx = landkit.write_progress_excel(progress, out / "清零进度.xlsx")
    report_html = landkit.write_progress_html(progress, out / "清零进度.html")
    assert f"{NAME}闲置低效用地清零进度" in report_html.read_text("utf-8")

    outputs = [page, xlsx, report_html, out / "ledger.gpkg", project / "landkit.toml"]
    for path in outputs:
        text = _text_of(path)
        leaked = [word for word in HONGJIANG if word in text]
        assert not leaked, f"{path.name} carries {leaked}"

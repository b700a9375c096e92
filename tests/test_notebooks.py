"""Every notebook runs top to bottom on sample_data/, shows its pictures and tables, leaves its deliverable.

Beyond "no cell raised", each notebook must display its key images/HTML (a chart that silently turned into
``<Figure size …>`` text fails) and write its file in ``notebooks/out/``, whose key figures are checked here
against an independent computation (plain geopandas/pyproj on the sample files).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import nbformat
import numpy as np
import pandas as pd
import pyproj
import pytest
from nbclient import NotebookClient
from zh_support import cjk_count, english_phrases, english_words

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
OUT = NB_DIR / "out"
SAMPLE = ROOT / "sample_data"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))
MU = 10000 / 15


def _geod_mu(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geod = pyproj.Geod(ellps="GRS80")
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in gdf.to_crs(4490).geometry]) / MU


def check_01() -> None:
    sheet = pd.read_excel(OUT / "01_校验报告.xlsx", sheet_name="问题清单")
    mismatched = sheet.loc[sheet["问题代码"] == "area_mismatch", "宗地代码"]
    assert mismatched.nunique() == 6  # the sample generator plants six area mismatches


def check_02() -> None:
    table = pd.read_excel(OUT / "02_乡镇状态统计.xlsx", sheet_name="乡镇×状态(亩)")
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    assert table.iloc[-1, 0] == "合计"
    assert table["合计"].iloc[-1] == pytest.approx(_geod_mu(parcels).sum(), abs=0.01)
    assert table["合计"].iloc[:-1].sum() == pytest.approx(table["合计"].iloc[-1], abs=0.05)


def check_03() -> None:
    page = (OUT / "03_选地页面_公开.html").read_text("utf-8")
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg")
    assert set(re.findall(r"431281\d{6}[A-Z]{2}\d{5}", page)) >= set(parcels["parcel_id"])
    assert not [h for h in parcels["holder"].dropna().unique() if h in page]
    # 全景式看地: every sample panorama is embedded byte for byte in the panorama page
    pano = (OUT / "03_选地页面_全景.html").read_text("utf-8")
    blobs = re.findall(r'<script type="text/plain" id="lk-pano-\d+">([^<]*)</script>', pano)
    files = sorted((SAMPLE / p).read_bytes() for p in parcels["panorama"].dropna())
    assert len(files) == 4
    assert sorted(base64.b64decode(b) for b in blobs) == files
    assert not [h for h in parcels["holder"].dropna().unique() if h in pano]


def check_04() -> None:
    summary = pd.read_excel(OUT / "04_清零进度.xlsx", sheet_name="进度汇总")
    zones = gpd.read_file(SAMPLE / "hongjiang_base.gpkg", layer="park")
    register = gpd.read_file(SAMPLE / "snapshots" / "register_2024-12-31.gpkg")
    park = zones.to_crs(register.crs).union_all()
    cats = register["categories"].fillna("")
    stock = (
        register.geometry.representative_point().within(park)
        & (cats.str.contains("idle") | cats.str.contains("low_efficiency"))
        & ~register["status"].isin(["revitalized", "recovered", "disposed"])
    )
    remaining = next(c for c in summary.columns if "未清零" in c and "宗" in c)
    assert int(summary[remaining].iloc[-1]) == int(stock.sum())
    assert "清零" in (OUT / "04_清零进度.html").read_text("utf-8")


def check_05() -> None:
    book = pd.read_excel(OUT / "05_闲置低效与推地.xlsx", sheet_name=None)
    shortlist = book["推地清单"]
    assert len(shortlist) > 0
    assert shortlist["面积(亩)"].between(30, 60).all()  # the demand file asks for 30–60 亩
    idle = book["闲置认定"]
    fee = idle["土地闲置费(万元)"]
    assert (fee[fee > 0] - 0.2 * idle.loc[fee > 0, "出让(划拨)价款"]).abs().max() < 0.01  # Art. 14: 20 %


def check_06() -> None:
    steep = pd.read_excel(OUT / "06_陡坡地块.xlsx")
    parcels = gpd.read_file(SAMPLE / "parcels.gpkg").set_index("parcel_id")
    share = steep["陡坡占比"]
    assert len(steep) > 0
    assert share.is_monotonic_decreasing
    assert share.between(0, 1).all()
    expected = _geod_mu(parcels.loc[steep["宗地代码"]])
    assert steep["面积(亩)"].to_numpy() == pytest.approx(expected, abs=0.006)
    assert (OUT / "06_陡坡地块.png").stat().st_size > 10_000


def check_07() -> None:
    book = OUT / "07_案件报告" / "case_report.xlsx"
    cases = pd.read_csv(SAMPLE / "cases" / "cases_2024.csv")
    summary = pd.read_excel(book, sheet_name="汇总")
    assert summary.iloc[-1, 0] == "合计"
    assert summary["案件数"].iloc[:-1].sum() == summary["案件数"].iloc[-1] == len(cases)
    every = pd.read_excel(book, sheet_name="全部案件")
    assert sorted(every["宗地代码"]) == sorted(cases["parcel_id"])
    parcels = gpd.read_file(SAMPLE / "cases" / "parcels_cases.gpkg").set_index("parcel_id")
    assert every["面积(亩)"].to_numpy() == pytest.approx(_geod_mu(parcels.loc[every["宗地代码"]]), abs=0.006)


def check_08() -> None:
    push = pd.read_excel(OUT / "08_推荐清单.xlsx", sheet_name=None)
    assert list(push) == ["为您推荐", "意向需求", "无法判断的条件"]
    demands = {p.stem for p in (SAMPLE / "supply" / "demands").glob("*.toml")}
    assert set(push["为您推荐"]["需求编号"]) <= demands
    assert push["为您推荐"]["推荐排名"].between(1, 10).all()
    assert len(push["意向需求"]) == len(push["为您推荐"])  # the same pairs, seen from the offer side
    funnel = pd.read_excel(OUT / "08_二次招商报告.xlsx", sheet_name="漏斗")
    events = pd.read_csv(SAMPLE / "supply" / "events.csv", dtype=str)
    assert funnel["到达供给数"].iloc[0] == events.loc[events["stage"] != "放弃", "offer_id"].nunique()


def check_09() -> None:
    sheet = pd.read_excel(OUT / "09_批供用补查指标" / "批供用指标.xlsx", sheet_name="批而未供")
    batches = gpd.read_file(SAMPLE / "indicators" / "batches.gpkg")
    assert len(sheet) == len(batches)
    assert sheet["批准面积(亩)"].sum() == pytest.approx(_geod_mu(batches).sum(), abs=0.005 * len(sheet))
    parts = sheet["已供面积(亩)"] + sheet["批而未供面积(亩)"]
    assert (parts - sheet["批准面积(亩)"]).abs().max() <= 0.011  # 批准 = 已供 + 批而未供, each rounded


def delivered_something(stem: str, started: float) -> None:
    """The default for a notebook not in EXPECT yet: at least one fresh file ``out/NN_*``."""
    fresh = [p for p in OUT.glob(f"{stem[:2]}_*") if p.stat().st_mtime >= started - 1]
    assert fresh, f"{stem} wrote no file named out/{stem[:2]}_*"


#: notebook → (images at least, HTML tables/pages at least, files it must write, figure check).
#: A new notebook gets its own line (see notebooks/README.md); until then it must at least show one HTML
#: output and write one ``out/NN_*`` file.
EXPECT: dict[str, tuple[int, int, tuple[str, ...], Callable[[], None]]] = {
    "01_load_and_validate": (1, 5, ("01_校验报告.xlsx",), check_01),
    "02_zones": (2, 5, ("02_乡镇状态统计.xlsx",), check_02),
    "03_browse_map": (
        0,
        5,
        ("03_选地页面_公开.html", "03_选地页面_内部.html", "03_选地页面_全景.html"),
        check_03,
    ),
    "04_clear_down": (1, 6, ("04_清零进度.html", "04_清零进度.xlsx"), check_04),
    "05_rules": (1, 8, ("05_闲置低效与推地.xlsx",), check_05),
    "06_terrain": (1, 5, ("06_陡坡地块.xlsx", "06_陡坡地块.png"), check_06),
    "07_cases": (2, 8, ("07_案件报告/case_report.xlsx", "07_案件报告/case_report.html"), check_07),
    "08_supply_demand": (
        3,
        8,
        ("08_推荐清单.xlsx", "08_二次招商报告.xlsx", "08_二次招商报告.html"),
        check_08,
    ),
    "09_indicators": (
        2,
        7,
        ("09_批供用补查指标/批供用指标.xlsx", "09_批供用补查指标/批供用指标.html"),
        check_09,
    ),
}


def _read_texts(nb: nbformat.NotebookNode) -> list[str]:
    """What a person reads in the outputs: printed text and HTML tables as text (pages in iframes aside)."""
    texts = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            if o.output_type == "stream":
                texts.append(o.text)
                continue
            data = o.get("data", {})
            page = data.get("text/html", "")
            if "<iframe" in page:  # the browse map and embedded reports: tested by their own tests
                continue
            if page:
                page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
                texts.append(re.sub(r"<[^>]+>", " ", page).replace("&nbsp;", " "))
            elif "text/plain" in data and not ({"image/png", "image/svg+xml"} & set(data)):
                texts.append(data["text/plain"])
    return texts


def assert_reads_in_chinese(nb: nbformat.NotebookNode) -> None:
    """Prose Chinese first (a short English gloss allowed); outputs with no English sentences at all."""
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert len(english_words(prose)) * 10 <= cjk_count(prose), english_words(prose)
    texts = _read_texts(nb)
    phrases = [p for t in texts for p in english_phrases(t)]
    assert not phrases, phrases[:10]
    words = [w for t in texts for w in english_words(t)]
    assert len(words) <= max(10, sum(map(cjk_count, texts)) // 30), words[:30]


def _outputs(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    return [
        o["data"][mime]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if mime in o.get("data", {})
    ]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_shows_and_delivers(path: Path) -> None:
    images, tables, files, check = EXPECT.get(path.stem, (0, 1, (), lambda: None))
    for name in files:
        (OUT / name).unlink(missing_ok=True)
    started = time.time()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NB_DIR)}}
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    pictures = _outputs(nb, "image/png") + _outputs(nb, "image/svg+xml")
    assert len(pictures) >= images
    assert len(_outputs(nb, "text/html")) >= tables
    # a chart that only printed its repr (no backend, no display) is a failure
    assert not [t for t in _outputs(nb, "text/plain") if t.startswith("<Figure") and not pictures]
    for name in files:
        assert (OUT / name).stat().st_mtime >= started - 1, f"{name} was not written by {path.name}"
    delivered_something(path.stem, started)
    check()
    assert_reads_in_chinese(nb)


def test_there_are_notebooks() -> None:
    assert set(EXPECT) <= {p.stem for p in NOTEBOOKS}


def test_notebooks_are_committed_output_free() -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count)], (
            path.name
        )
        assert "matplotlib.use(" not in "".join(c.source for c in nb.cells), path.name

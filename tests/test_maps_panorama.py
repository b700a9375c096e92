"""全景式看地 on the browse page (issue 14 point 4), without a browser.

Panoramas are embedded byte for byte, once per file; the bundled viewer (pannellum from npm) is
checked against its manifest and the lock file; thumbnails match a plain rasterio + matplotlib
hillshade of the same window; budgets warn; a public page still carries no internal field.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from maps_support import SECRET_BANK, SECRET_NOTE, synthetic_parcels
from matplotlib.colors import LightSource
from PIL import Image
from rasterio.windows import from_bounds
from shapely.geometry import box

from landkit.cli.main import cli
from landkit.errors import ConfigError, LandkitWarning, VendorAssetError
from landkit.maps import _vendor as vendor
from landkit.maps import browse_map, write_browse_map
from landkit.maps._thumbs import thumbnail_uris
from landkit.sample_panorama import synthetic_panorama

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
DEM = SAMPLE / "dem" / "hongjiang_dem_4546.tif"
PKG = ROOT / "node_modules" / "pannellum"
_PANO_RE = re.compile(r'<script type="text/plain" id="lk-pano-(\d+)">([^<]*)</script>')


def _page_data(html: str) -> dict:
    raw = html.split('<script type="application/json" id="landkit-data">', 1)[1].split("</script>", 1)[0]
    return json.loads(raw)


@pytest.fixture(scope="module")
def pano_parcels(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpd.GeoDataFrame, Path]:
    """Synthetic parcels (with confidential columns), three panoramas over five parcels (one file twice)."""
    root = tmp_path_factory.mktemp("pano")
    (root / "p").mkdir()
    for i in range(3):
        (root / "p" / f"{i}.jpg").write_bytes(synthetic_panorama(i, width=512))
    gdf = synthetic_parcels(40, seed=4)
    gdf["panorama"] = None
    for row, name in ((0, "p/0.jpg"), (3, "p/1.jpg"), (5, "p/2.jpg"), (9, "p/0.jpg")):
        gdf.loc[row, "panorama"] = name
    return gdf, root


def test_panoramas_are_embedded_once_byte_for_byte(pano_parcels: tuple[gpd.GeoDataFrame, Path]) -> None:
    gdf, root = pano_parcels
    html = browse_map(gdf, basemap="none", panoramas=True, photo_root=root).get_root().render()
    blobs = {int(i): base64.b64decode(text) for i, text in _PANO_RE.findall(html)}
    assert len(blobs) == 3  # p/0.jpg is used twice and embedded once
    data = _page_data(html)
    rows = dict(zip(data["panos"]["k"], data["panos"]["i"], strict=True))
    assert sorted(rows) == [0, 3, 5, 9]
    for row, i in rows.items():
        assert blobs[i] == (root / gdf.loc[row, "panorama"]).read_bytes()
    # Only indices travel in the JSON: the JPEGs are decoded when the viewer opens, not on load.
    assert base64.b64encode(blobs[0]).decode()[:200] not in json.dumps(data)
    assert "p/0.jpg" not in html  # the path column is never published as text
    assert "libpannellum" in html


def test_page_without_panoramas_needs_no_viewer(
    pano_parcels: tuple[gpd.GeoDataFrame, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gdf, root = pano_parcels
    monkeypatch.setattr(vendor, "vendor_dir", lambda: tmp_path / "nothing")
    html = browse_map(gdf, basemap="none", photo_root=root).get_root().render()
    assert "libpannellum" not in html
    assert "lk-pano-0" not in html
    assert "panos" not in _page_data(html)
    with pytest.raises(VendorAssetError, match=r"make vendor") as err:
        browse_map(gdf, basemap="none", panoramas=True, photo_root=root)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, ImportError)  # a DependencyError: the builtin that fits


def test_cli_refuses_panoramas_without_the_viewer_in_one_line(
    pano_parcels: tuple[gpd.GeoDataFrame, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gdf, root = pano_parcels
    src = tmp_path / "parcels.gpkg"
    gdf.to_file(src, layer="parcels")
    monkeypatch.setattr(vendor, "vendor_dir", lambda: tmp_path / "nothing")
    args = ["map", "browse", str(src), "-o", str(tmp_path / "x.html"), "--basemap", "none"]
    res = CliRunner().invoke(cli, [*args, "--panoramas", "--photo-root", str(root)])
    assert res.exit_code == 2
    assert "make vendor" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_vendor_manifest_matches_the_lock_and_the_npm_files() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))["packages"]["node_modules/pannellum"]
    manifest = json.loads((vendor.vendor_dir() / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == lock["version"] == vendor.PANNELLUM_VERSION
    assert manifest["integrity"] == lock["integrity"]
    assert lock["integrity"].startswith("sha512-")
    deps = json.loads((ROOT / "package.json").read_text("utf-8"))
    assert deps["dependencies"]["pannellum"] == lock["version"]  # a runtime dependency, pinned exactly
    assert "pannellum" not in deps.get("devDependencies", {})
    for name, rel in vendor.VENDOR_FILES.items():
        assert manifest["sha256"][name] == hashlib.sha256((PKG / rel).read_bytes()).hexdigest()
    tracked = {p.name for p in (ROOT / "landkit" / "maps" / "assets").rglob("pannellum*")}
    ignored = (ROOT / ".gitignore").read_text("utf-8")
    assert "landkit/maps/assets/vendor/" in ignored, tracked


@pytest.mark.parametrize("tamper", ["js", "licence", "manifest_version", "missing_css"])
def test_tampered_vendor_files_are_refused(tmp_path: Path, tamper: str) -> None:
    folder = tmp_path / "vendor"
    shutil.copytree(vendor.vendor_dir(), folder)
    assert vendor.pannellum_assets(folder).version == vendor.PANNELLUM_VERSION  # intact copy passes
    if tamper == "js":
        text = (folder / "pannellum.js").read_text("utf-8")
        (folder / "pannellum.js").write_text(text.replace("window.libpannellum", "window.libpannellun", 1))
    elif tamper == "licence":
        (folder / "LICENSE").write_text("no licence", encoding="utf-8")
    elif tamper == "manifest_version":
        m = json.loads((folder / "manifest.json").read_text("utf-8"))
        m["version"] = "2.5.6"
        (folder / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    else:
        (folder / "pannellum.css").unlink()
    with pytest.raises(VendorAssetError, match=r"make vendor") as err:
        vendor.pannellum_assets(folder)
    assert "\n" not in str(err.value)


def test_build_vendor_refuses_a_version_the_lock_does_not_pin(tmp_path: Path) -> None:
    nm = tmp_path / "node_modules"
    shutil.copytree(PKG, nm / "pannellum")
    lock = tmp_path / "package-lock.json"
    lock.write_text(
        json.dumps({"packages": {"node_modules/pannellum": {"version": "2.5.6", "integrity": "sha512-x"}}}),
        encoding="utf-8",
    )
    with pytest.raises(VendorAssetError, match="npm ci"):
        vendor.build_vendor(nm, lock, tmp_path / "vendor")
    assert not (tmp_path / "vendor" / "manifest.json").exists()


def test_page_carries_pannellums_licence(pano_parcels: tuple[gpd.GeoDataFrame, Path], tmp_path: Path) -> None:
    gdf, root = pano_parcels
    out = write_browse_map(gdf, tmp_path / "p.html", basemap="none", panoramas=True, photo_root=root)
    html = out.read_text("utf-8")
    licence = (PKG / "COPYING").read_text("utf-8").strip()
    script_at = html.index("window.libpannellum")
    licence_at = html.index(licence)
    assert licence_at < script_at  # the MIT notice sits right before the inlined code
    assert "pannellum 2.5.7" in html[licence_at - 300 : licence_at]


def test_budgets_warn_and_name_the_budget(pano_parcels: tuple[gpd.GeoDataFrame, Path]) -> None:
    gdf, root = pano_parcels
    sizes = [len(base64.b64encode((root / "p" / f"{i}.jpg").read_bytes())) for i in range(3)]
    with pytest.warns(LandkitWarning, match=r"panorama budget of 1,000 B"):
        browse_map(
            gdf, basemap="none", panoramas=True, photo_root=root, media_budget={"panorama_bytes": 1000}
        )
    # Exactly at the total: no warning (pytest turns any warning into an error).
    browse_map(
        gdf, basemap="none", panoramas=True, photo_root=root, media_budget={"panorama_bytes": sum(sizes)}
    )
    with pytest.warns(LandkitWarning, match=r"per-parcel budget of 100 B"):
        browse_map(gdf, basemap="none", thumbnails=DEM, media_budget={"per_parcel_bytes": 100})
    with pytest.raises(ConfigError, match="panorama_bytes"):
        browse_map(gdf, basemap="none", panoramas=True, photo_root=root, media_budget={"panorama_byte": 5})
    with pytest.raises(ConfigError, match="positive"):
        browse_map(gdf, basemap="none", thumbnails=DEM, media_budget={"per_parcel_bytes": -1})


def test_unreadable_and_non_equirectangular_panoramas_warn(
    pano_parcels: tuple[gpd.GeoDataFrame, Path], tmp_path: Path
) -> None:
    gdf, root = pano_parcels
    gdf = gdf.copy()
    Image.new("RGB", (300, 200), (10, 20, 30)).save(tmp_path / "flat.jpg")
    gdf.loc[1, "panorama"] = str(tmp_path / "flat.jpg")
    gdf.loc[2, "panorama"] = "p/none.jpg"
    with pytest.warns(LandkitWarning) as caught:
        html = browse_map(gdf, basemap="none", panoramas=True, photo_root=root).get_root().render()
    text = " ".join(str(w.message) for w in caught)
    assert "p/none.jpg" in text
    assert "2:1" in text
    assert sorted(_page_data(html)["panos"]["k"]) == [0, 3, 5, 9]


def test_public_page_with_media_carries_no_internal_field(
    pano_parcels: tuple[gpd.GeoDataFrame, Path], tmp_path: Path
) -> None:
    gdf, root = pano_parcels
    out = write_browse_map(
        gdf, tmp_path / "pub.html", basemap="none", panoramas=True, thumbnails=DEM, photo_root=root
    )
    html = out.read_text("utf-8")
    for secret in (SECRET_BANK, SECRET_NOTE, gdf["holder"].iloc[0], gdf["holder_phone"].iloc[0], "98765"):
        assert secret not in html
    data = _page_data(html)
    assert {"holder", "holder_phone", "mortgagee", "secret_note", "panorama"}.isdisjoint(data["cols"])
    assert data["internal"] is False


def _decoded(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/jpeg;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
    return np.asarray(img).astype("float64")


def _cell_sums(a: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.add.reduceat(np.add.reduceat(a, edges[:-1], 0), edges[:-1], 1)


def _plain_hillshade(src: rasterio.DatasetReader, x: float, y: float) -> np.ndarray:
    """matplotlib's hillshade of the 2 km window centred on (x, y), read by rasterio with one cell around."""
    z = src.read(1, window=from_bounds(x - 1100, y - 1100, x + 1100, y + 1100, transform=src.transform))
    shade = LightSource(azdeg=315, altdeg=45).hillshade(z.astype("float64"), vert_exag=3, dx=100, dy=100)
    return shade[1:-1, 1:-1]


def test_thumbnail_is_the_hillshade_of_the_clipped_window() -> None:
    """Against rasterio reading the same 2 km window and matplotlib's hillshade of it."""
    with rasterio.open(DEM) as src:
        t = src.transform
        corners = [(t.c + 100 * c, t.f - 100 * r) for c, r in ((300, 200), (500, 250), (700, 150))]
        # 400 × 160 m parcels centred on DEM cell corners: the 2 km window is exactly 20 × 20 cells.
        parcels = gpd.GeoSeries([box(x - 200, y - 80, x + 200, y + 80) for x, y in corners], crs=src.crs)
        uris = thumbnail_uris(parcels.to_crs(4490), DEM)
        for (x, y), uri in zip(corners, uris, strict=True):
            assert uri is not None
            assert len(uri) < 4000  # a few KB
            img = _decoded(uri)
            assert img.shape == (96, 96, 3)
            red = img[..., 0] - img[..., 1] > 40
            ys, xs = np.nonzero(red)
            assert abs(xs.mean() - 47.5) < 1.5
            assert abs(ys.mean() - 47.5) < 1.5
            # 400 m of 2,000 m is 19.2 of 96 px, 160 m is 7.7 px (plus a 2 px line that JPEG's chroma blurs)
            assert 17 <= np.ptp(xs) <= 25
            assert 7 <= np.ptp(ys) <= 15
            assert np.ptp(xs) - np.ptp(ys) >= 8
            # The thumbnail averaged over each DEM cell, outline pixels left out (cells all outline: dropped).
            edges = np.linspace(0, 96, 21).round().astype(int)
            sums = _cell_sums(np.where(red, 0.0, img[..., 1]), edges)
            counts = _cell_sums((~red).astype(float), edges)
            keep = counts > 0
            cells = sums[keep] / counts[keep]
            assert np.corrcoef(cells, _plain_hillshade(src, x, y)[keep])[0, 1] > 0.9
            assert np.corrcoef(cells, _plain_hillshade(src, x + 200, y)[keep])[0, 1] < 0.85  # 2 cells off


def test_thumbnail_off_the_dem_is_none() -> None:
    far = gpd.GeoSeries([box(100.0, 30.0, 100.001, 30.001), None], crs=4490)
    assert thumbnail_uris(far, DEM) == [None, None]


def test_synthetic_panorama_is_equirectangular_with_a_closing_seam() -> None:
    data = synthetic_panorama(7)
    assert data == synthetic_panorama(7)
    assert data != synthetic_panorama(8)
    assert 10_000 < len(data) < 100_000
    img = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype("float64")
    h, w, _ = img.shape
    assert (w, h) == (2048, 1024)
    assert np.abs(img[:, 0] - img[:, -1]).mean() < 12  # 360°: the left and right edges meet
    assert img[h // 10, w // 3, 2] > img[h // 10, w // 3, 0] + 60  # sky is blue
    below = img[int(h * 0.55) : int(h * 0.7), w // 2]  # north mark: a red line under the horizon at yaw 0
    assert (below[:, 0] - below[:, 1] > 100).mean() > 0.8


def test_committed_sample_panoramas_are_the_generator_output(sample_dir: Path) -> None:
    parcels = gpd.read_file(sample_dir / "parcels.gpkg")
    used = parcels["panorama"].dropna()
    assert len(used) == 4
    assert (parcels.loc[used.index, "status"] == "for_sale").all()
    for i, rel in enumerate(sorted(used), start=1):
        path = sample_dir / rel
        assert path.stat().st_size < 100_000
        ours = np.asarray(Image.open(path).convert("RGB")).astype("float64")
        fresh_jpeg = Image.open(io.BytesIO(synthetic_panorama(431281 + i)))
        fresh = np.asarray(fresh_jpeg.convert("RGB")).astype("float64")
        assert np.abs(ours - fresh).mean() < 2.0


def test_make_vendor_entry_point_copies_what_the_manifest_names(tmp_path: Path) -> None:
    assert vendor.main([str(ROOT), str(tmp_path / "v")]) == 0
    made = json.loads((tmp_path / "v" / "manifest.json").read_text("utf-8"))
    assert made == json.loads((vendor.vendor_dir() / "manifest.json").read_text("utf-8"))
    assert (tmp_path / "v" / "LICENSE").read_bytes() == (PKG / "COPYING").read_bytes()
    assert vendor.pannellum_assets(tmp_path / "v").license.startswith("Copyright (c)")

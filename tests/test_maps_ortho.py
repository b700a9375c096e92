"""Orthophoto thumbnails on the browse page (issue 14 point 4), without a browser.

Each thumbnail is checked against a plain rasterio computation of the same parcel: the mean colour
of the image's pixels inside the parcel (``rasterio.mask``), the parcel's place in the window (its
red outline), and the lightened surroundings. Rasters are chosen by their bands or as told; odd
rasters are refused; several rasters fill in for each other; the budget warns.
"""

from __future__ import annotations

import base64
import io
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.mask
import shapely
from affine import Affine
from click.testing import CliRunner
from PIL import Image
from shapely.geometry import box

import landkit
from landkit.cli.main import cli
from landkit.errors import ConfigError, DataFormatError, LandkitWarning
from landkit.maps import browse_map, write_browse_map
from landkit.maps._media import page_media
from landkit.maps._thumbs import raster_thumbnails

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
ORTHO = SAMPLE / "ortho" / "hongjiang_park_ortho_4546.tif"
DEM = SAMPLE / "dem" / "hongjiang_dem_4546.tif"


def _decoded(uri: str) -> np.ndarray:
    head, data = uri.split(",", 1)
    assert head == "data:image/jpeg;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")).astype("float64")


def _write_rgb(path: Path, data: np.ndarray, transform: Affine, *, crs: int = 4546, **extra: object) -> Path:
    profile = {"driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0]}
    profile.update(dtype=str(data.dtype), crs=f"EPSG:{crs}", transform=transform, **extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


@pytest.fixture(scope="module")
def ramp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 m RGB image, 2 km square: red constant, green rises north → south, blue west → east.

    (Red stays low so the red outline stands out everywhere; a window off by one pixel moves the
    green or blue mean by about 0.3 per metre.)"""
    n = 1000
    cols, rows = np.meshgrid(np.arange(n), np.arange(n))
    data = np.stack([np.full((n, n), 60), 40 + rows * 160 // n, 40 + cols * 160 // n]).astype("uint8")
    return _write_rgb(
        tmp_path_factory.mktemp("ortho") / "ramp.tif", data, Affine(2, 0, 400000, 0, -2, 3000000)
    )


def _plain_clip(src: rasterio.DatasetReader, geom: object) -> np.ndarray:
    """rasterio.mask's crop of ``geom``: the mean colour of the image's pixels inside it.

    (rasterio 1.4 calls affine's deprecated ``*`` inside ``mask``: that one warning is ignored here.)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Use `@` matmul", PendingDeprecationWarning)
        clipped, _ = rasterio.mask.mask(src, [geom], crop=True, filled=False)
    return clipped.reshape(3, -1).mean(axis=1)


def _pixel_centres(bounds: tuple[float, ...], px: int) -> tuple[np.ndarray, np.ndarray]:
    side = bounds[2] - bounds[0]
    centres = (np.arange(px) + 0.5) * side / px
    return np.meshgrid(bounds[0] + centres, bounds[3] - centres)


def _inside_mean(img: np.ndarray, geom: object, bounds: tuple[float, ...], shrink: float) -> np.ndarray:
    """Mean colour of the thumbnail's pixels well inside ``geom`` (the outline and JPEG fringe left out)."""
    xs, ys = _pixel_centres(bounds, img.shape[0])
    inside = shapely.contains_xy(geom.buffer(-shrink), xs, ys)
    assert inside.sum() > 20
    return img[inside].mean(axis=0)


@pytest.mark.parametrize(
    "size", [(180.0, 90.0), (700.0, 400.0), (1400.0, 900.0)], ids=["small", "large", "decimated-off-edge"]
)
def test_ortho_thumbnail_matches_plain_rasterio(ramp: Path, size: tuple[float, float]) -> None:
    """Mean colour inside the parcel, the outline's place and the lightened rest, against rasterio."""
    w, h = size
    cx, cy = 400000 + 1100, 3000000 - 900
    parcel = box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    kind, (uri,) = raster_thumbnails(gpd.GeoSeries([parcel], crs=4546).to_crs(4490), ramp)
    assert kind == "ortho"
    assert uri is not None
    img = _decoded(uri)
    assert img.shape == (96, 96, 3)
    side = max(300.0, 1.6 * max(w, h))  # panorama.toml [orthophoto] min_window_m and margin
    bounds = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
    with rasterio.open(ramp) as src:
        plain_inside = _plain_clip(src, parcel)
        window = src.read(window=rasterio.windows.from_bounds(*bounds, transform=src.transform))
    got = _inside_mean(img, parcel, bounds, shrink=3 * side / 96)
    assert (
        np.abs(got - plain_inside).max() < 4
    )  # JPEG and resampling; a 10 m shift moves green or blue by 1.6
    # The outline: red pixels centred in the window, whose box is the parcel's box in thumbnail
    # pixels (± the 2 px line, which JPEG's chroma subsampling blurs by a pixel more).
    red = (img[..., 0] - img[..., 1] > 60) & (img[..., 0] - img[..., 2] > 60)
    rows, cols = np.nonzero(red)
    assert abs((rows.min() + rows.max()) / 2 - 47.5) <= 1.5
    assert abs((cols.min() + cols.max()) / 2 - 47.5) <= 1.5
    scale = 96 / side
    assert abs(np.ptp(cols) - w * scale) <= 4
    assert abs(np.ptp(rows) - h * scale) <= 4
    # Outside the parcel: the window's colours blended 40 % toward white (panorama.toml dim = 0.4).
    xs, ys = _pixel_centres(bounds, 96)
    far = ~shapely.contains_xy(parcel.buffer(3 * side / 96), xs, ys)
    if box(*bounds).within(box(400000, 2998000, 402000, 3000000)):  # the window lies on the image
        plain_outside = window.reshape(3, -1)[:, ~_in_parcel_full(parcel, bounds, window.shape[1:])].mean(
            axis=1
        )
        assert np.abs(img[far].mean(axis=0) - (0.6 * plain_outside + 0.4 * 255)).max() < 6
    else:  # 2,240 m window on a 2,000 m image, read every 2nd pixel: the off-image rim is light grey
        assert np.abs(img[:2, :].mean(axis=(0, 1)) - (0.6 * 235 + 0.4 * 255)).max() < 4


def _in_parcel_full(parcel: object, bounds: tuple[float, ...], shape: tuple[int, ...]) -> np.ndarray:
    xs, ys = _pixel_centres(bounds, shape[0])
    return shapely.contains_xy(shapely.buffer(parcel, 3 * (bounds[2] - bounds[0]) / 96), xs, ys).ravel()


def test_sample_orthophoto_thumbnails_show_the_parcel() -> None:
    """Sample parcels in the 高新区: inside the outline the thumbnail has the image's mean colour there."""
    parcels = landkit.read_parcels(SAMPLE / "parcels.gpkg")
    with rasterio.open(ORTHO) as src:
        on = parcels[parcels.geometry.within(box(*src.bounds))]
        chosen = on[on.area > 8000].iloc[:6]
        kind, uris = raster_thumbnails(chosen.geometry, ORTHO)
        assert kind == "ortho"
        for geom, uri in zip(chosen.geometry, uris, strict=True):
            assert uri is not None
            assert len(uri) < 4000
            minx, miny, maxx, maxy = geom.bounds
            side = max(300.0, 1.6 * max(maxx - minx, maxy - miny))
            cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
            bounds = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
            shrink = 3 * side / 96  # the same part of the parcel on both sides (its rim can differ)
            got = _inside_mean(_decoded(uri), geom, bounds, shrink=shrink)
            assert np.abs(got - _plain_clip(src, geom.buffer(-shrink))).max() < 6
    outside = parcels[~parcels.geometry.within(box(*rasterio.open(ORTHO).bounds))].iloc[:3]
    assert raster_thumbnails(outside.geometry, ORTHO)[1] == [None, None, None]


def test_parcel_partly_off_the_image_gets_none(ramp: Path) -> None:
    edge = box(399950, 2999000, 400100, 2999100)  # 50 m west of the image's edge
    inside = box(400500, 2999000, 400600, 2999100)
    _, uris = raster_thumbnails(gpd.GeoSeries([edge, inside, None], crs=4546), ramp)
    assert uris[0] is None
    assert uris[1] is not None
    assert uris[2] is None


def test_kind_by_bands_and_refusals(tmp_path: Path) -> None:
    t = Affine(2, 0, 400000, 0, -2, 3000000)
    grey = _write_rgb(tmp_path / "grey.tif", np.full((1, 200, 200), 120, "uint8"), t)
    two = _write_rgb(tmp_path / "two.tif", np.zeros((2, 50, 50), "uint8"), t)
    deep = _write_rgb(tmp_path / "deep.tif", np.zeros((3, 50, 50), "uint16"), t)
    rgb = _write_rgb(tmp_path / "rgb.tif", np.full((3, 200, 200), 120, "uint8"), t)
    parcel = gpd.GeoSeries([box(400150, 2999700, 400250, 2999800)], crs=4546)
    assert raster_thumbnails(parcel, DEM.as_posix())[0] == "hillshade"  # one band: a DEM
    kind, (uri,) = raster_thumbnails(parcel, grey, kind="ortho")  # a grey image, when told so
    assert kind == "ortho"
    assert (
        abs(_inside_mean(_decoded(uri), parcel.iloc[0], (400050, 2999600, 400350, 2999900), 10)[1] - 120) < 4
    )
    with pytest.raises(DataFormatError, match="2 uint8 band"):
        raster_thumbnails(parcel, two)
    with pytest.raises(DataFormatError, match="gdal_translate -ot Byte"):
        raster_thumbnails(parcel, deep)
    with pytest.raises(DataFormatError, match="one-band DEM"):
        raster_thumbnails(parcel, rgb, kind="hillshade")
    with pytest.raises(ConfigError, match="auto, hillshade, ortho"):
        raster_thumbnails(parcel, rgb, kind="photo")
    with pytest.raises(DataFormatError, match="cannot open"):
        raster_thumbnails(parcel, tmp_path / "missing.tif")


def test_several_rasters_fill_in_and_the_budget_warns() -> None:
    parcels = landkit.read_parcels(SAMPLE / "parcels.gpkg").iloc[::40]
    with rasterio.open(ORTHO) as src:
        on = parcels.geometry.within(box(*src.bounds)).to_numpy()
    assert 0 < on.sum() < len(parcels)
    media = page_media(parcels, [], False, [ORTHO, DEM], None, photo_root=None, lang="zh")
    thumbs = media.payload["thumbs"]
    assert thumbs["kinds"] == ["ortho", "hillshade"]
    source = dict(zip(thumbs["k"], thumbs["s"], strict=True))
    assert [source.get(k) for k in range(len(parcels))] == [0 if o else 1 for o in on]
    alone = page_media(parcels, [], False, ORTHO, None, photo_root=None, lang="zh").payload["thumbs"]
    assert alone["k"] == [k for k in range(len(parcels)) if on[k]]
    assert media.payload["mediaStrings"]["thumbnail_ortho"] == "正射影像（地块轮廓为红线）"
    with pytest.warns(LandkitWarning, match=r"\[orthophoto\]"):
        page_media(parcels, [], False, ORTHO, {"per_parcel_bytes": 100}, photo_root=None, lang="zh")


def test_cli_takes_several_rasters_and_a_kind(tmp_path: Path) -> None:
    out = tmp_path / "land.html"
    args = ["map", "browse", str(SAMPLE / "parcels.gpkg"), "-o", str(out), "--basemap", "none"]
    res = CliRunner().invoke(cli, [*args, "--thumbnails", str(ORTHO), "--thumbnails", str(DEM)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    raw = html.split('<script type="application/json" id="landkit-data">', 1)[1].split("</script>", 1)[0]
    thumbs = json.loads(raw)["thumbs"]
    assert thumbs["kinds"] == ["ortho", "hillshade"]
    assert len(thumbs["k"]) == 2000
    bad = CliRunner().invoke(
        cli, [*args, "--thumbnails", str(DEM), "--thumbnail-kind", "ortho", "--overwrite"]
    )
    assert bad.exit_code == 2
    assert "int16" in bad.output
    assert "Traceback" not in bad.output


def test_public_page_with_orthophotos_still_leaks_nothing() -> None:
    parcels = landkit.read_parcels(SAMPLE / "parcels.gpkg").iloc[:30]
    parcels["mortgagee"] = "机密银行甲"
    page = browse_map(parcels, basemap="none", thumbnails=[ORTHO, DEM]).get_root().render()
    assert "机密银行甲" not in page
    assert str(ORTHO) not in page
    assert "hongjiang_park_ortho" not in page


def test_write_browse_map_with_orthophoto_thumbnails(tmp_path: Path) -> None:
    parcels = landkit.read_parcels(SAMPLE / "parcels.gpkg").iloc[:10]
    out = write_browse_map(
        parcels, tmp_path / "a.html", basemap="none", thumbnails=ORTHO, thumbnail_kind="ortho"
    )
    assert "正射影像（地块轮廓为红线）" in out.read_text(encoding="utf-8")

"""write_parcels: every output format reads back as written, or the write is refused / warned.

Issue 11 found WKT rounded to 3 decimals (≈100 m in lon/lat; 20 of 50 parcels came back
invalid), shapefile text cut at 254 bytes silently, Chinese column names coming back as
``土地_2`` and an ``--overwrite`` that left the old ``.prj``/``.qix`` beside new data.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from landkit._shapefile_write import FIELD_SIDECAR
from landkit.errors import DataFormatError, LandkitWarning, OutputExistsError
from landkit.io import read_layer, read_parcels, write_parcels


def lonlat_parcels(n: int = 50) -> gpd.GeoDataFrame:
    """Small valid parcels (≈50 m across) in lon/lat, coordinates with all their digits."""
    rng = np.random.default_rng(11)
    polys = []
    for _ in range(n):
        x0, y0 = 109.8 + rng.uniform(0, 0.5), 27.0 + rng.uniform(0, 0.4)
        pts = np.c_[x0 + rng.uniform(0, 5e-4, 9), y0 + rng.uniform(0, 5e-4, 9)]
        polys.append(shapely.MultiPoint(pts).convex_hull)
    g = gpd.GeoDataFrame(
        {"parcel_id": [f"431281101001GB{i:05d}" for i in range(n)], "holder": ["洪江市某公司"] * n},
        geometry=polys,
        crs=4490,
    )
    assert g.is_valid.all()
    return g


def same_shapes(a: gpd.GeoSeries, b: gpd.GeoSeries) -> bool:
    """Exactly the same coordinates (ring start/orientation may differ by format)."""
    na = shapely.normalize(np.asarray(a.values))
    nb = shapely.normalize(np.asarray(b.values))
    return bool(shapely.equals_exact(na, nb, tolerance=0).all())


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".gpkg", ".geojson", ".shp"])
def test_every_format_round_trips_at_full_precision(tmp_path: Path, suffix: str) -> None:
    g = lonlat_parcels()
    out = write_parcels(g, tmp_path / f"p{suffix}")
    back = read_parcels(out)
    assert back.crs.equals(g.crs)
    assert back["parcel_id"].tolist() == g["parcel_id"].tolist()
    assert back["holder"].tolist() == g["holder"].tolist()
    assert same_shapes(back.geometry, g.geometry)
    assert back.is_valid.all()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_shapefile_refuses_text_it_would_cut(tmp_path: Path) -> None:
    g = lonlat_parcels(3)
    g["note"] = ["短", "长" * 85, "ok"]  # 85 × 3 bytes = 255 bytes in UTF-8: one byte too many
    with pytest.raises(DataFormatError, match=r"'note' row 1 holds 255 bytes.*\.gpkg"):
        write_parcels(g, tmp_path / "p.shp")
    assert list(tmp_path.iterdir()) == []
    g["note"] = ["短", "长" * 84, "ok"]  # 252 bytes fit: written and read back whole
    back = read_layer(write_parcels(g, tmp_path / "p.shp"))
    assert back["note"].tolist() == g["note"].tolist()


def test_shapefile_text_limit_counts_bytes_of_the_chosen_encoding(tmp_path: Path) -> None:
    g = lonlat_parcels(1)
    g["note"] = ["长" * 100]  # 300 bytes in UTF-8, 200 in GBK
    with pytest.raises(DataFormatError, match="300 bytes"):
        write_parcels(g, tmp_path / "u.shp")
    back = read_layer(write_parcels(g, tmp_path / "g.shp", encoding="GBK"))
    assert back["note"].tolist() == g["note"].tolist()
    g["note"] = ["𠀀"]  # not in GBK
    with pytest.raises(DataFormatError, match="GBK cannot store"):
        write_parcels(g, tmp_path / "g2.shp", encoding="GBK")


def test_long_chinese_column_names_warn_and_come_back(tmp_path: Path) -> None:
    g = lonlat_parcels(4)
    g["土地用途说明"] = ["工业", "仓储", "商业", None]
    g["土地用途备注"] = ["一", "二", "三", "四"]
    with pytest.warns(LandkitWarning, match="土地用途说明 → .*土地用途备注 → "):
        out = write_parcels(g, tmp_path / "p.shp")
    side = json.loads(out.with_name("p" + FIELD_SIDECAR).read_text(encoding="utf-8"))
    assert sorted(side.values()) == ["土地用途备注", "土地用途说明"]
    raw = pyogrio.read_dataframe(out)
    assert "土地用途说明" not in raw.columns  # the DBF holds the short names …
    back = read_layer(out)  # … and landkit puts the full ones back
    assert back["土地用途说明"].tolist() == g["土地用途说明"].tolist()
    assert back["土地用途备注"].tolist() == g["土地用途备注"].tolist()


def test_overwrite_replaces_the_whole_shapefile_set(tmp_path: Path) -> None:
    old = lonlat_parcels(5).to_crs(4546)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LandkitWarning)
        write_parcels(old.assign(土地用途说明="x"), tmp_path / "p.shp")
    (tmp_path / "p.qix").write_bytes(b"old spatial index")
    (tmp_path / "p.SBN").write_bytes(b"old index")
    (tmp_path / "p.shp.xml").write_text("<metadata/>")
    (tmp_path / "p_notes.txt").write_text("mine")
    (tmp_path / "pp.dbf").write_bytes(b"another layer")
    new = lonlat_parcels(3)
    with pytest.raises(OutputExistsError):
        write_parcels(new, tmp_path / "p.shp")
    write_parcels(new, tmp_path / "p.shp", overwrite=True)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["p.cpg", "p.dbf", "p.prj", "p.shp", "p.shx", "p_notes.txt", "pp.dbf"]
    back = read_layer(tmp_path / "p.shp")
    assert back.crs.equals(new.crs)  # the new .prj, not the old one
    assert len(back) == 3
    assert "土地用途说明" not in back.columns  # the old sidecar went with the old set


def test_shapefile_passes_gdal_warnings_on(tmp_path: Path) -> None:
    g = lonlat_parcels(2)
    g["big"] = [1e300, 2.0]  # wider than a DBF numeric field: GDAL warns, landkit passes it on
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_parcels(g, tmp_path / "p.shp")
    gdal = [w for w in caught if issubclass(w.category, LandkitWarning) and "GDAL" in str(w.message)]
    assert gdal, [str(w.message) for w in caught]

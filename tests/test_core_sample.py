"""The synthetic sample: deterministic, documented, realistic where it matters."""

from __future__ import annotations

import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import landkit
from landkit.sample import TOWNSHIPS, build_sample
from landkit.schema import CATEGORIES, STATUSES, split_categories


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = build_sample(tmp_path / "a", n_parcels=40)
    b = build_sample(tmp_path / "b", n_parcels=40)
    pa, pb = gpd.read_file(a / "parcels.gpkg"), gpd.read_file(b / "parcels.gpkg")
    pd.testing.assert_frame_equal(pa.drop(columns="geometry"), pb.drop(columns="geometry"))
    assert pa.geometry.geom_equals_exact(pb.geometry, tolerance=0).all()
    with pytest.raises(FileExistsError):
        build_sample(tmp_path / "a", n_parcels=40)


def test_committed_sample_is_the_generator_output(sample_dir: Path, tmp_path: Path) -> None:
    fresh = build_sample(tmp_path / "s")
    a = gpd.read_file(fresh / "parcels.gpkg")
    b = gpd.read_file(sample_dir / "parcels.gpkg")
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    import rasterio

    from landkit.sample_ortho import ORTHO_NAME

    with rasterio.open(fresh / ORTHO_NAME) as new, rasterio.open(sample_dir / ORTHO_NAME) as old:
        assert new.transform == old.transform
        assert np.array_equal(new.read(), old.read())


def test_sample_layout_and_size(sample_dir: Path) -> None:
    readme = (sample_dir / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    files = [p for p in sample_dir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 12 * 2**20
    for p in files:
        if p.suffix in (".gpkg", ".shp", ".xlsx", ".tif", ".toml", ".csv"):
            assert p.name in readme or p.parent.name in readme, f"{p} is not documented"


def test_townships_are_real_names_and_codes_and_tile_the_county(sample_dir: Path) -> None:
    t = gpd.read_file(sample_dir / "hongjiang_base.gpkg", layer="townships")
    county = gpd.read_file(sample_dir / "hongjiang_base.gpkg", layer="county")
    assert dict(zip(t["code"], t["name"], strict=True)) == {k: v[0] for k, v in TOWNSHIPS.items()}
    assert len(t) == 20
    assert t["code"].str.startswith("431281").all()
    a_t = landkit.geodesic_area(t).sum()
    union = gpd.GeoSeries([t.union_all()], crs=t.crs)
    assert union.iloc[0].symmetric_difference(county.geometry.iloc[0]).area < 1e-12  # no gap, no overlap
    assert a_t == pytest.approx(landkit.geodesic_area(union).iloc[0], rel=1e-9)
    lon0, lat0, lon1, lat1 = county.total_bounds
    assert lon0 >= 109.5
    assert lon1 <= 110.6
    assert lat0 >= 26.95
    assert lat1 <= 27.5


def test_sample_parcels_have_realistic_attributes(sample_dir: Path) -> None:
    p = landkit.read_parcels(sample_dir / "parcels.gpkg")
    assert 1900 <= len(p) <= 2100
    tags = p["categories"].map(split_categories)
    assert set().union(*tags) == set(CATEGORIES)
    assert ((tags.map(lambda t: "idle" in t)) & (tags.map(lambda t: "mortgaged" in t))).sum() > 50
    assert set(p["status"]) <= set(STATUSES)
    assert p["parcel_id"].is_unique
    assert (landkit.validate(p)["severity"] != "error").all()
    mort = p[landkit.has_category(p["categories"], "mortgaged")]
    assert mort["mortgagee"].notna().all()
    assert mort["mortgage_amount"].gt(0).all()
    firms = {"振远钒电", "德坤钒业", "雪峰米业", "山农禽业", "黔桥水泥"}
    assert {f for f in firms if p["holder"].str.contains(f, na=False).any()} == firms


def test_snapshots_clear_the_park_down(sample_dir: Path) -> None:
    snaps = sorted((sample_dir / "snapshots").glob("register_*.gpkg"))
    assert [s.stem[-10:] for s in snaps] == [
        "2023-12-31",
        "2024-03-31",
        "2024-06-30",
        "2024-09-30",
        "2024-12-31",
    ]
    park = gpd.read_file(sample_dir / "hongjiang_base.gpkg", layer="park").to_crs(4546).geometry.iloc[0]
    open_area = []
    for s in snaps:
        g = gpd.read_file(s)
        in_park = g[g.intersects(park)]
        open_area.append(
            in_park.loc[~in_park["status"].isin(["revitalized", "recovered", "disposed"]), "area_m2"].sum()
        )
    assert all(b < a for a, b in itertools.pairwise(open_area))
    assert 0 < open_area[-1] < 0.1 * open_area[0]  # nearly, not quite, cleared
    last = gpd.read_file(snaps[-1])
    assert last["previous_ids"].notna().sum() == 2  # one parcel split in two


def test_sample_dem(sample_dir: Path) -> None:
    import rasterio

    with rasterio.open(sample_dir / "dem" / "hongjiang_dem_4546.tif") as ds:
        assert ds.crs.to_epsg() == 4546
        assert ds.res == (100.0, 100.0)
        data = ds.read(1, masked=True)
    assert 150 < data.min() < 300
    assert 1500 < data.max() < 2000


def test_sample_orthophoto_shows_the_parcels(sample_dir: Path) -> None:
    """The 高新区's orthophoto: 4 m RGB over the park; land for sale is bare soil on it."""
    import rasterio
    import rasterio.features

    from landkit.sample_ortho import ORTHO_NAME

    park = gpd.read_file(sample_dir / "hongjiang_base.gpkg", layer="park").to_crs(4546).geometry.iloc[0]
    parcels = gpd.read_file(sample_dir / "parcels.gpkg")
    with rasterio.open(sample_dir / ORTHO_NAME) as ds:
        assert (ds.count, ds.dtypes[0], ds.res, ds.crs.to_epsg()) == (3, "uint8", (4.0, 4.0), 4546)
        assert shapely.box(*ds.bounds).contains(park)
        img = ds.read().astype(float)
        transform = ds.transform
    sale = parcels[(parcels["status"] == "for_sale") & parcels.within(shapely.box(*ds.bounds))]
    inside = rasterio.features.geometry_mask(sale.geometry.buffer(-8), img.shape[1:], transform, invert=True)
    soil = img[:, inside].mean(axis=1)
    assert np.abs(soil - [186, 150, 112]).max() < 6  # bare soil, red over green over blue
    assert img[1, ~inside].mean() > img[2, ~inside].mean() + 20  # fields and woods: green


def test_sample_lenders_are_fictional(sample_dir: Path) -> None:
    real = ("农业银行", "建设银行", "工商银行", "中国银行", "交通银行", "农村商业银行", "华融湘江")
    lenders = gpd.read_file(sample_dir / "parcels.gpkg")["mortgagee"].dropna().unique()
    assert len(lenders) >= 3
    assert not [name for name in lenders if any(r in name for r in real)]

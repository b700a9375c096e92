"""The dask path (dask-geopandas on a distributed LocalCluster) equals the in-memory path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from landkit.zones import assign_zones, join_zones, read_zones, zone_summary, zones_from_frame

dask_geopandas = pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PARCELS = ROOT / "sample_data" / "parcels.gpkg"


def assert_same(got: pd.DataFrame, expected: pd.DataFrame, **kw: float) -> None:
    """Equal frames; dask turns string columns into pyarrow strings (its dataframe.convert-string
    option): the values are identical, only the dtype object differs, so it is cast back first."""
    got = got.astype(expected.dtypes.to_dict())
    assert got.index.tolist() == expected.index.tolist()
    got.index = expected.index
    pd.testing.assert_frame_equal(got, expected, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def data() -> tuple[gpd.GeoDataFrame, object]:
    """5,000 synthetic parcels over 9 township squares and 3 overlapping belts (EPSG:4546)."""
    rng = np.random.default_rng(7)
    n = 5_000
    x = 380_000 + rng.uniform(0, 30_000, n)
    y = 3_000_000 + rng.uniform(0, 30_000, n)
    parcels = gpd.GeoDataFrame(
        {
            "status": rng.choice(["identified", "for_sale", "revitalized"], n),
            "categories": rng.choice(["idle", "idle,mortgaged", "low_efficiency"], n),
        },
        geometry=shapely.box(x, y, x + rng.uniform(20, 300, n), y + rng.uniform(20, 300, n)),
        index=pd.Index([f"P{i:05d}" for i in range(n)], name="宗地"),
        crs=4546,
    )
    rows = [
        {"zone_id": f"t{i}{k}", "name": f"镇{i}{k}", "kind": "乡镇",
         "geometry": box(380_000 + i * 1e4, 3e6 + k * 1e4, 390_000 + i * 1e4, 3_010_000 + k * 1e4)}
        for i in range(3) for k in range(3)
    ]  # fmt: skip
    for j, (cx, cy, r) in enumerate(
        [(390_000, 3_010_000, 6_000), (400_000, 3_015_000, 8_000), (385_000, 3e6, 5_000)]
    ):
        rows.append({"zone_id": f"b{j}", "name": f"带{j}", "kind": "带",
                     "geometry": shapely.Point(cx, cy).buffer(r, quad_segs=32)})  # fmt: skip
    return parcels, zones_from_frame(gpd.GeoDataFrame(rows, crs=4546))


def test_dask_join_equals_in_memory(client: object, data: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zones = data
    expected = join_zones(parcels, zones)
    ddf = dask_geopandas.from_geopandas(parcels, npartitions=4)
    lazy = join_zones(ddf, zones)
    assert hasattr(lazy, "compute")  # stays lazy until asked
    got = lazy.compute().reset_index(drop=True)
    assert_same(got, expected)
    inside_only = join_zones(ddf, zones, outside=False).compute().reset_index(drop=True)
    assert_same(inside_only, join_zones(parcels, zones, outside=False))


def test_dask_assign_equals_in_memory(client: object, data: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zones = data
    expected = assign_zones(parcels, zones)
    got = assign_zones(dask_geopandas.from_geopandas(parcels, npartitions=3), zones).compute()
    assert got.index.equals(parcels.index)
    assert_same(pd.DataFrame(got.drop(columns="geometry")), pd.DataFrame(expected.drop(columns="geometry")))


def test_dask_summary_equals_in_memory(client: object, data: tuple[gpd.GeoDataFrame, object]) -> None:
    parcels, zones = data
    for by in (None, "status", ["categories", "status"]):
        expected = zone_summary(parcels, zones, by=by)
        got = zone_summary(dask_geopandas.from_geopandas(parcels, npartitions=5), zones, by=by)
        assert_same(got, expected, rtol=1e-12)


def test_dask_on_sample_data(client: object) -> None:
    parcels = gpd.read_file(SAMPLE_PARCELS)
    zones = read_zones(ROOT / "sample_data" / "zones" / "hongjiang.toml", crs=parcels.crs)
    expected = zone_summary(parcels, zones, by="status")
    got = zone_summary(dask_geopandas.from_geopandas(parcels, npartitions=4), zones, by="status")
    assert_same(got, expected, rtol=1e-12)

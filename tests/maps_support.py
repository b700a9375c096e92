"""Synthetic parcels and zones for the browse-page tests (and the benchmark)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from landkit.sample import synthetic_parcels as sample_parcels

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

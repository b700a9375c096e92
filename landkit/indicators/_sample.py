"""Synthetic approval batches (2015–2024) and supply records for the 洪江市 sample.

Batches are drawn around groups of the sample's supplied parcels (so most are partly supplied,
some parcels cross a batch edge and later supplies split a batch) and around reserve parcels (批而
未供 proper). Supply records are an Excel export without polygons, linked to the parcels by 宗地代码,
with Chinese headers as the monitoring system exports them. One supply's agreed start day is the
调休 working Sunday 2024-02-18.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._sheets import write_workbook

__all__ = ["write_indicator_sample"]

_AUTHORITIES = ("湖南省人民政府", "怀化市人民政府")


def _groups(parcels: gpd.GeoDataFrame, size: int) -> list[pd.Index]:
    """Groups of up to ``size`` neighbouring parcels (same 2 km cell), in contract-date order."""
    c = parcels.geometry.centroid
    cell = (c.x // 2000).astype(int).astype(str) + "_" + (c.y // 2000).astype(int).astype(str)
    out = []
    for _, sub in (
        parcels.assign(_cell=cell).sort_values(["_cell", "contract_date"]).groupby("_cell", sort=True)
    ):
        for k in range(0, len(sub), size):
            out.append(sub.index[k : k + size])
    return out


def _batch_shapes(parcels: gpd.GeoDataFrame, groups: list[pd.Index], rng: np.random.Generator) -> list:
    """One polygon per group: its parcels grown by 4–20 m (a batch is drawn around planned plots),
    minus earlier batches — so later batches are clipped and some parcels cross a batch edge."""
    taken = shapely.Polygon()
    shapes = []
    for idx in groups:
        grown = shapely.buffer(
            parcels.geometry.loc[idx].to_numpy(), float(rng.uniform(4, 20)), join_style="mitre"
        )
        shape = shapely.make_valid(shapely.simplify(shapely.union_all(grown), 2.0).difference(taken))
        parts = [p for p in shapely.get_parts(shape) if p.geom_type == "Polygon" and p.area > 500]
        shapes.append(shapely.MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else None))
        if parts:
            taken = taken.union(shape)
    return shapes


def _batches(parcels: gpd.GeoDataFrame, park: shapely.Geometry, rng: np.random.Generator) -> gpd.GeoDataFrame:
    supplied = parcels[parcels["supply_method"].notna() & (parcels["contract_date"] >= "2015-06-01")]
    reserve = parcels[parcels["supply_method"].isna()]
    groups = _groups(supplied, 6) + _groups(reserve, 5)
    shapes = _batch_shapes(parcels, groups, rng)
    rows = []
    for k, (idx, shape) in enumerate(zip(groups, shapes, strict=True)):
        if shape is None:
            continue
        first = parcels.loc[idx, "contract_date"].min()
        if pd.isna(first):
            day = dt.date(int(rng.integers(2019, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 28)))
        else:
            day = (pd.Timestamp(first) - pd.Timedelta(days=int(rng.integers(60, 400)))).date()
            day = max(day, dt.date(2015, 1, 5) + dt.timedelta(days=int(rng.integers(0, 90))))
        town = parcels.loc[idx, "township"].mode().iloc[0]
        rows.append(
            {
                "批次名称": f"洪江市{day.year}年度第{k % 9 + 1}批次城镇建设用地（{town}）",
                "批准文号": f"湘政地〔{day.year}〕{int(rng.integers(100, 999))}号",
                "批准日期": day,
                "批准机关": _AUTHORITIES[int(rng.integers(0, 2))],
                "所在乡镇": town,
                "园区": "洪江市高新区" if shape.intersects(park) else None,
                "geometry": shape,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=parcels.crs)
    area = gdf.geometry.area.to_numpy()
    farm = area * rng.uniform(0.5, 0.9, len(gdf))
    gdf.insert(4, "批准面积(公顷)", np.round(area / 1e4, 4))
    gdf.insert(5, "农用地(公顷)", np.round(farm / 1e4, 4))
    gdf.insert(6, "耕地(公顷)", np.round(farm * rng.uniform(0.3, 0.7, len(gdf)) / 1e4, 4))
    gdf.insert(7, "未利用地(公顷)", np.round(area * rng.uniform(0.0, 0.05, len(gdf)) / 1e4, 4))
    return gdf.sort_values("批准日期").reset_index(drop=True)


def _supplies(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    s = parcels[parcels["supply_method"].notna()].sort_values("contract_date")
    n = len(s)
    contract = pd.to_datetime(s["contract_date"])
    delivery = contract + pd.to_timedelta(rng.integers(30, 120, n), unit="D")
    start = pd.to_datetime(s["agreed_start_date"])
    completion = start + pd.to_timedelta(rng.integers(540, 1100, n), unit="D")
    on_time = rng.random(n) < 0.9
    actual_delivery = (delivery + pd.to_timedelta(rng.integers(0, 20, n), unit="D")).where(on_time)
    done = (s["construction_status"] == "completed").to_numpy()
    actual_completion = (completion + pd.to_timedelta(rng.integers(-90, 200, n), unit="D")).where(done)
    out = pd.DataFrame(
        {
            "电子监管号": [f"431281{d.year}B{k:05d}" for k, d in enumerate(contract, start=1)],
            "宗地代码": s["parcel_id"].to_numpy(),
            "供地方式": s["supply_method"].to_numpy(),
            "合同签订日期": contract.dt.date.to_numpy(),
            "约定交地日期": delivery.dt.date.to_numpy(),
            "约定开工日期": start.dt.date.to_numpy(),
            "约定竣工日期": completion.dt.date.to_numpy(),
            "实际交地日期": actual_delivery.dt.date.to_numpy(),
            "实际开工日期": pd.to_datetime(s["actual_start_date"]).dt.date.to_numpy(),
            "实际竣工日期": actual_completion.dt.date.to_numpy(),
            "成交价款(万元)": s["land_price"].round(2).to_numpy(),
        }
    )
    late = out.index[out["实际开工日期"].isna()][-1]
    out.loc[late, ["约定开工日期", "实际交地日期"]] = [dt.date(2024, 2, 18), dt.date(2023, 11, 20)]
    out.loc[late, "约定交地日期"] = dt.date(2023, 11, 15)
    return out.astype(object).where(out.notna(), None)


def write_indicator_sample(root: str | Path, /, *, parcels: gpd.GeoDataFrame, seed: int = 431281) -> Path:
    """Write ``indicators/batches.gpkg`` and ``indicators/supplies.xlsx`` under ``root``.

    Examples
    --------
    >>> import tempfile
    >>> p = gpd.read_file("sample_data/parcels.gpkg")
    >>> out = write_indicator_sample(tempfile.mkdtemp(), parcels=p)
    >>> sorted(x.name for x in out.iterdir())
    ['batches.gpkg', 'supplies.xlsx']
    """
    out = Path(root) / "indicators"
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 15)
    base = Path(root) / "hongjiang_base.gpkg"
    park = (
        gpd.read_file(base, layer="park").to_crs(parcels.crs).union_all()
        if base.exists()
        else shapely.Polygon()
    )
    batches = _batches(parcels, park, rng)
    (out / "batches.gpkg").unlink(missing_ok=True)
    batches.to_file(out / "batches.gpkg", layer="batches", driver="GPKG")
    write_workbook(out / "supplies.xlsx", {"供地台账": _supplies(parcels, rng)}, overwrite=True)
    return out

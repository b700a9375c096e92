"""Reading approval batches (农转用/征收批次) and supply records (供地) into the canonical table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from ..errors import LandkitError
from ..io import read_parcels

__all__ = ["BATCH_FIELDS", "SUPPLY_FIELDS", "SUPPLY_METHODS", "read_batches", "read_supplies"]

#: Canonical fields of an approval batch (labels in :mod:`landkit.schema`).
BATCH_FIELDS = (
    "batch_name",
    "approval_no",
    "approval_date",
    "approval_authority",
    "approved_area_m2",
    "farmland_m2",
    "cropland_m2",
    "unused_land_m2",
)
#: Canonical fields of a supply record.
SUPPLY_FIELDS = (
    "supervision_no",
    "parcel_id",
    "supply_method",
    "contract_date",
    "agreed_delivery_date",
    "agreed_start_date",
    "agreed_completion_date",
    "actual_delivery_date",
    "actual_start_date",
    "actual_completion_date",
    "land_price",
)
#: Supply methods (供地方式) counted as supply.
SUPPLY_METHODS = ("出让", "划拨", "作价出资", "租赁")
_PARK_HEADERS = ("园区", "所在园区", "开发区", "YQ", "SZYQ")
_SUPPLY_HEADERS = {"成交价款": "land_price", "成交总价": "land_price", "合同价款": "land_price"}


def read_batches(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    crs: Any = None,
    encoding: str | None = None,
    field_map: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read approval batches: 批次名称, 批准文号, 批准日期, 批准机关, 批准面积 (and its split), polygons.

    The same header, value and CRS machinery as :func:`landkit.read_parcels` (Chinese or pinyin
    headers, units in brackets, GBK shapefiles …); run :func:`landkit.validate` on the result for
    the problems found while reading.

    Parameters
    ----------
    path : str or PathLike
        Shapefile, GeoPackage, FileGDB, GeoJSON, or Excel/CSV with a WKT column.
    layer : str or int, optional
        Layer or sheet name.
    crs : CRS, optional
        CRS for data without one.
    encoding : str, optional
        Text encoding (detected when omitted).
    field_map : mapping, optional
        Extra header matches, source header → canonical field.

    Returns
    -------
    GeoDataFrame
        Canonical columns (:data:`BATCH_FIELDS` where present) with geodesic ``area_m2``; a
        园区 column becomes ``park`` (used by the reports' breakdown).

    Raises
    ------
    LandkitError
        When the layer has neither 批次名称 nor 批准文号, or no 批准日期, or no polygons.

    Examples
    --------
    >>> b = read_batches("sample_data/indicators/batches.gpkg")
    >>> int(b["approval_date"].dt.year.min()), int(b["approval_date"].dt.year.max())
    (2015, 2024)
    """
    gdf = read_parcels(path, layer=layer, crs=crs, encoding=encoding, field_map=field_map)
    if "batch_name" not in gdf and "approval_no" not in gdf:
        raise LandkitError(
            f"{path}: no 批次名称 or 批准文号 column; "
            "name one of them or pass field_map={'列名': 'batch_name'}"
        )
    if "approval_date" not in gdf:
        raise LandkitError(f"{path}: no 批准日期 column; pass field_map={{'列名': 'approval_date'}}")
    _require_polygons(gdf, path)
    park = next((c for c in _PARK_HEADERS if c in gdf.columns), None)
    if park is not None and "park" not in gdf:
        gdf = gdf.rename(columns={park: "park"})
    return gdf


def read_supplies(
    path: str | os.PathLike[str],
    /,
    *,
    layer: str | int | None = None,
    parcels: gpd.GeoDataFrame | str | os.PathLike[str] | None = None,
    crs: Any = None,
    encoding: str | None = None,
    field_map: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Read supply records: 电子监管号, 宗地代码, 供地方式, 合同签订日期, milestones, 成交价款.

    Records without polygons (an Excel export of the monitoring system) take their geometry from
    ``parcels`` joined on 宗地代码.

    Parameters
    ----------
    path : str or PathLike
        Any file :func:`landkit.read_parcels` reads.
    layer : str or int, optional
        Layer or sheet name.
    parcels : GeoDataFrame or path, optional
        Parcel polygons to join on 宗地代码 when the records carry none.
    crs, encoding, field_map
        As for :func:`landkit.read_parcels` (成交价款 is understood as the land price).

    Returns
    -------
    GeoDataFrame
        Canonical columns (:data:`SUPPLY_FIELDS` where present).

    Raises
    ------
    LandkitError
        When 供地方式 or 合同签订日期 is missing, or geometry cannot be found.

    Examples
    --------
    >>> s = read_supplies("sample_data/indicators/supplies.xlsx", parcels="sample_data/parcels.gpkg")
    >>> sorted(s["supply_method"].dropna().unique())[:2]
    ['出让', '划拨']
    """
    fmap = {**_SUPPLY_HEADERS, **dict(field_map or {})}
    gdf = read_parcels(path, layer=layer, crs=crs, encoding=encoding, field_map=fmap, geometry_from=parcels)
    for name, label in (("supply_method", "供地方式"), ("contract_date", "合同签订日期")):
        if name not in gdf:
            raise LandkitError(f"{path}: no {label} column; pass field_map={{'列名': '{name}'}}")
    _require_polygons(gdf, path)
    return gdf


def _require_polygons(gdf: gpd.GeoDataFrame, path: object) -> None:
    kinds = set(gdf.geometry.dropna().geom_type)
    if not kinds & {"Polygon", "MultiPolygon"}:
        raise LandkitError(
            f"{path}: no polygons ({', '.join(sorted(kinds)) or 'no geometry'}); batches and supplies need "
            "their outlines (or pass parcels= to join supply records to parcel polygons on 宗地代码)"
        )

"""Offers (parcels and standard-factory units) as aligned arrays for the vectorised matcher."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .._toml import read_toml
from ..errors import ConfigError, CRSError
from ..units import MU_M2

__all__ = ["Offers", "build_offers", "steep_deg"]

_ZONE_SUFFIXES = ("_share", "_split")
_UTIL_SPLIT = r"[,，;；、|/\s]+"


def steep_deg() -> float:
    """The slope limit owned by ``landkit/raster/terrain.toml`` (read without importing rasterio)."""
    path = Path(__file__).resolve().parents[1] / "raster" / "terrain.toml"
    doc = read_toml(path, what="terrain config")
    value = doc.get("steep_deg")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ConfigError(f"{path}: steep_deg must be a number of degrees")
    return float(value)


@dataclass
class Offers:
    """Every offer as one row of aligned arrays (parcels first, then units)."""

    ids: np.ndarray
    is_unit: np.ndarray
    index: np.ndarray
    size: np.ndarray  # 亩 for parcels, m² for units
    guide: np.ndarray
    luname: np.ndarray
    zones: list[str]
    zone_m: np.ndarray  # (n_offers, n_zones) bool
    status: np.ndarray
    price: np.ndarray
    unit_price: np.ndarray
    rent: np.ndarray
    slope: np.ndarray
    has_slope: bool
    storey: np.ndarray
    load: np.ndarray
    utilities: list[str]
    util_m: np.ndarray
    util_known: np.ndarray
    available: np.ndarray
    dist: dict[str, np.ndarray] = field(default_factory=dict)
    sale_only: np.ndarray | None = None  # units offered only for sale (招商方式 出售): not for a renter

    def __len__(self) -> int:
        return len(self.ids)


def _col(frame: pd.DataFrame | None, name: str, n: int, *, numeric: bool = True) -> np.ndarray:
    if frame is None or name not in frame:
        return np.full(n, np.nan) if numeric else np.full(n, None, dtype=object)
    if numeric:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, copy=True)
    return frame[name].astype(object).where(frame[name].notna(), None).to_numpy(dtype=object)


def area_mu(parcels: pd.DataFrame) -> np.ndarray:
    """Area in 亩 from ``area_mu``, ``area_m2`` or ``declared_area_m2`` (first present)."""
    for col, factor in (("area_mu", 1.0), ("area_m2", MU_M2), ("declared_area_m2", MU_M2)):
        if col in parcels:
            return pd.to_numeric(parcels[col], errors="coerce").to_numpy(dtype=float) / factor
    return np.full(len(parcels), np.nan)


def _text_codes(col: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Factorize a text column; missing and blank values get code -1."""
    obj = col.astype(object)
    obj = obj.where(obj.notna() & (obj.astype(str).str.strip() != ""), None)
    codes, uniq = pd.factorize(obj, use_na_sentinel=True)
    return codes, [str(u) for u in uniq]


def landuse_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(2023-guide code, display name) per row through the crosswalk, once per distinct pair."""
    from ..landuse import landuse_name, to_guide2023

    n = len(frame)
    if "landuse_code" not in frame or "landuse_system" not in frame:
        return np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    c_codes, c_uniq = _text_codes(frame["landuse_code"])
    s_codes, s_uniq = _text_codes(frame["landuse_system"])
    pair = np.where((c_codes < 0) | (s_codes < 0), -1, c_codes * (len(s_uniq) + 1) + s_codes)
    codes, uniq = pd.factorize(pair)
    guide_u: list[str | None] = []
    name_u: list[str | None] = []
    for key in uniq:
        g = None
        if key >= 0:
            try:
                g = to_guide2023(c_uniq[key // (len(s_uniq) + 1)], system=s_uniq[key % (len(s_uniq) + 1)])
            except ValueError:
                g = None
        guide_u.append(g)
        name_u.append(landuse_name(g, system="guide2023") if g else None)
    return np.array(guide_u, dtype=object)[codes], np.array(name_u, dtype=object)[codes]


def zone_membership(frame: pd.DataFrame, extra: Sequence[str] = ()) -> tuple[list[str], np.ndarray]:
    """Zone names and a (rows, names) bool matrix from ``zone_*`` columns, township and ``extra``."""
    cols = [c for c in frame.columns if c.startswith("zone_") and not c.endswith(_ZONE_SUFFIXES)]
    cols += [c for c in ("township", *extra) if c in frame]
    per_col = [_text_codes(frame[c]) for c in cols]
    vocab = sorted({u for _, uniq in per_col for u in uniq})
    pos = {t: i for i, t in enumerate(vocab)}
    m = np.zeros((len(frame), len(vocab)), dtype=bool)
    for codes, uniq in per_col:
        has = codes >= 0
        m[np.flatnonzero(has), np.array([pos[u] for u in uniq], dtype=int)[codes[has]]] = True
    return vocab, m


def distance(parcels: gpd.GeoDataFrame, lines: gpd.GeoDataFrame) -> np.ndarray:
    """Distance in metres from each parcel to the union of ``lines`` (projected CRS or UTM)."""
    if parcels.crs is None or lines.crs is None:
        raise CRSError(
            "matching needs a CRS on the parcels and on the road/river layers to measure distances"
        )
    work = parcels.crs if parcels.crs.is_projected else parcels.estimate_utm_crs()
    geoms = parcels.geometry if parcels.crs == work else parcels.geometry.to_crs(work)
    target = lines.geometry.to_crs(work).union_all()
    return np.asarray(geoms.distance(target).to_numpy(), dtype=float)


def _units_frame(units: pd.DataFrame, parcels: pd.DataFrame | None) -> pd.DataFrame:
    """Units with their parcel's land use and zones joined on 宗地代码 (where linked)."""
    frame = units.copy()
    if parcels is None or "parcel_id" not in parcels or "parcel_id" not in units:
        return frame
    keep = [
        c
        for c in parcels.columns
        if c in ("landuse_code", "landuse_system", "township", "dist_road_m", "dist_river_m")
        or (c.startswith("zone_") and not c.endswith(_ZONE_SUFFIXES))
    ]
    lookup = pd.DataFrame(parcels[["parcel_id", *keep]]).drop_duplicates("parcel_id").set_index("parcel_id")
    joined = lookup.reindex(frame["parcel_id"].astype(object).to_numpy())
    for c in keep:
        if c not in frame:
            frame[c] = joined[c].to_numpy()
    return frame


def _utilities(frame: pd.DataFrame | None, n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    if frame is None or "utilities" not in frame:
        return [], np.zeros((n, 0), dtype=bool), np.zeros(n, dtype=bool)
    codes, uniq = _text_codes(frame["utilities"])
    tokens = [[t for t in re.split(_UTIL_SPLIT, u) if t] for u in uniq]
    vocab = sorted({t for row in tokens for t in row})
    pos = {t: i for i, t in enumerate(vocab)}
    per_value = np.zeros((len(uniq) + 1, len(vocab)), dtype=bool)  # last row: missing
    for i, row in enumerate(tokens):
        per_value[i, [pos[t] for t in row]] = True
    return vocab, per_value[codes], codes >= 0


def build_offers(parcels: pd.DataFrame | None, units: pd.DataFrame | None, *, as_of: pd.Timestamp) -> Offers:
    """Arrays for every parcel and unit (units joined to their parcel's land use and zones)."""
    n_p = 0 if parcels is None else len(parcels)
    uf = None if units is None else _units_frame(units, parcels)
    n_u = 0 if uf is None else len(uf)
    parts = [f for f in (parcels, uf) if f is not None]
    both = (
        pd.concat(
            [pd.DataFrame(f.drop(columns="geometry", errors="ignore")) for f in parts],
            ignore_index=True,
            sort=False,
        )
        if parts
        else pd.DataFrame()
    )
    n = n_p + n_u
    is_unit = np.r_[np.zeros(n_p, dtype=bool), np.ones(n_u, dtype=bool)]
    ids = np.r_[
        _col(parcels, "parcel_id", n_p, numeric=False) if n_p else np.empty(0, object),
        _col(uf, "unit_id", n_u, numeric=False) if n_u else np.empty(0, object),
    ].astype(object)
    index = np.r_[
        np.asarray(parcels.index if parcels is not None else [], dtype=object),
        np.asarray(uf.index if uf is not None else [], dtype=object),
    ]
    ids = np.where(pd.isna(ids), index.astype(str), ids)
    size = np.r_[area_mu(parcels) if n_p else np.empty(0), _col(uf, "floor_area_m2", n_u)]  # type: ignore
    guide, luname = landuse_arrays(both)
    zones, zone_m = zone_membership(both, ["park"])
    price = _col(both, "asking_price", n)
    price[is_unit] = np.nan
    utilities, util_m, util_known = _utilities(both if n else None, n)
    avail = np.full(n, np.datetime64(as_of.to_datetime64()), dtype="datetime64[ns]")
    if "available_from" in both:
        avail[is_unit] = pd.to_datetime(both["available_from"], errors="coerce").to_numpy()[is_unit]
    elif n_u:
        from .vacancy import unit_state

        vacant = (unit_state(units, as_of=as_of)["state"] == "vacant").to_numpy()  # type: ignore[arg-type]
        lease_end = pd.to_datetime(uf["lease_end"], errors="coerce").to_numpy()  # type: ignore[index]
        avail[is_unit] = np.where(vacant, avail[is_unit], lease_end)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit_price = price / size
    return Offers(
        ids=ids,
        is_unit=is_unit,
        index=index,
        size=size,
        guide=guide,
        luname=luname,
        zones=zones,
        zone_m=zone_m,
        status=_col(both, "status", n, numeric=False),
        price=price,
        unit_price=unit_price,
        rent=_col(both, "rent_yuan_m2_month", n),
        slope=_col(both, "slope_mean_deg", n),
        has_slope=parcels is not None and "slope_mean_deg" in parcels,
        storey=_col(both, "storey_height_m", n),
        load=_col(both, "floor_load_kn_m2", n),
        utilities=utilities,
        util_m=util_m,
        util_known=util_known,
        available=avail,
        dist={k: _col(both, f"dist_{k}_m", n) for k in ("road", "river") if f"dist_{k}_m" in both},
        sale_only=is_unit & (both["sale_mode"].to_numpy() == "出售") if "sale_mode" in both else None,
    )


def attach_distances(
    offers: Offers,
    parcels: gpd.GeoDataFrame | None,
    key: str,
    lines: gpd.GeoDataFrame | None,
    spec: str | None,
) -> np.ndarray | None:
    """Distances for ``key`` (road/river): from a layer (parcels only) or the ``dist_*_m`` columns."""
    if lines is None and spec:
        from ..recommend import _read_layer

        lines = _read_layer(spec)
    if lines is None or parcels is None:
        return offers.dist.get(key)
    out = np.full(len(offers), np.nan)
    out[: len(parcels)] = distance(parcels, lines)
    return out

"""智能式推地: rank parcels against an investor's demand and say why.

A :class:`Demand` (or a TOML file, see ``sample_data/demand/new_materials_30_60mu.toml``) states

- **hard constraints** that filter: area range in 亩, acceptable land uses (2023-guide codes or
  prefixes, matched *through the classification crosswalk* so 三调 ``0601`` and 控规 ``M2`` parcels
  are found by ``1001``), zones (any of the names), maximum total price (万元) and unit price
  (万元/亩), a slope limit when terrain columns exist (``slope_mean_deg`` from
  :func:`landkit.raster.terrain_stats`), and the register statuses on offer (default: every status
  except the cleared ones);
- **preferences** that score: distance to a road and to the river (metres, from line layers or
  the ``dist_road_m`` / ``dist_river_m`` columns), a central area, a low price, a gentle slope —
  each 0–1, combined with the demand's weights into a 0–100 score.

Every result row carries ``rec_reason``, a readable Chinese explanation
("面积 42 亩, 在需求 30–60 亩内; 二类工业用地; 沅水主干发展带内; …").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ._toml import read_toml
from .errors import ConfigError, CRSError
from .schema import CLEARED_STATUSES, STATUSES
from .units import MU_M2

__all__ = ["RECOMMEND_COLUMNS", "Demand", "read_demand", "recommend"]

#: Columns added by :func:`recommend` → Chinese labels.
RECOMMEND_COLUMNS: dict[str, str] = {
    "rec_rank": "推荐排名",
    "rec_score": "匹配得分",
    "rec_reason": "推荐理由",
    "rec_pass": "满足硬性条件",
    "rec_excluded": "不符合原因",
    "rec_dist_road_m": "距道路(米)",
    "rec_dist_river_m": "距河流(米)",
}
_DEFAULT_WEIGHTS = {"area": 1.0, "price": 1.0, "road": 1.0, "river": 1.0, "slope": 1.0}
_ZONE_SUFFIXES = ("_share", "_split")


@dataclass(frozen=True)
class Demand:
    """An investor's demand.

    Attributes
    ----------
    name : str
        What the demand is (shown in reports).
    area_mu_min, area_mu_max : float, optional
        Area range in 亩 (inclusive).
    landuse : tuple of str
        Acceptable land uses as codes of ``landuse_system`` (prefixes allowed: ``"1001"`` means any
        industrial class); crosswalked to the 2023 guide.
    landuse_system : str
        System of the codes in ``landuse`` (default ``guide2023``).
    zones : tuple of str
        Acceptable zones (any of them): names found in the parcels' ``zone_*`` columns or ``township``.
    max_total_price : float, optional
        Maximum asking price in 万元.
    max_unit_price : float, optional
        Maximum asking price in 万元/亩.
    require_price : bool
        Drop parcels with no asking price when a price limit is set (default: keep them, noted).
    max_slope_deg : float, optional
        Maximum mean slope in degrees (applied when a ``slope_mean_deg`` column exists).
    road_within_m, river_within_m : float, optional
        Preference: the closer to a road / the river within this distance, the better.
    statuses : tuple of str
        Register statuses on offer; empty means every status except the cleared ones.
    weights : mapping
        Weights of the preference scores ``area``, ``price``, ``road``, ``river``, ``slope``.
    top : int or None
        How many parcels to return (None: all that pass).
    roads, rivers : str, optional
        Line layers as ``"path.gpkg:layer"`` (used when no layer is passed to :func:`recommend`).
    """

    name: str = ""
    area_mu_min: float | None = None
    area_mu_max: float | None = None
    landuse: tuple[str, ...] = ()
    landuse_system: str = "guide2023"
    zones: tuple[str, ...] = ()
    max_total_price: float | None = None
    max_unit_price: float | None = None
    require_price: bool = False
    max_slope_deg: float | None = None
    road_within_m: float | None = None
    river_within_m: float | None = None
    statuses: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_WEIGHTS))
    top: int | None = 10
    roads: str | None = None
    rivers: str | None = None


def read_demand(path: str | Path, /) -> Demand:
    """Read a demand TOML file.

    Layout::

        name = "…"
        top = 10
        [area_mu]      min = 30, max = 60
        [landuse]      codes = ["1001"], system = "guide2023"
        [zones]        any = ["沅水主干发展带", "洪江高新区"]
        [price]        max_total = 1500, max_per_mu = 30, require = false
        [terrain]      max_slope_deg = 15
        [preferences]  road_within_m = 3000, river_within_m = 5000, weights = { … }
        [layers]       roads = "../hongjiang_base.gpkg:roads", rivers = "../hongjiang_base.gpkg:yuan_river"
        [status]       any = ["for_sale", "reserved"]

    Layer paths are resolved against the TOML file's folder.

    Raises
    ------
    ConfigError
        When the file is missing, broken, or has unknown keys or impossible values.

    Examples
    --------
    >>> d = read_demand("sample_data/demand/new_materials_30_60mu.toml")
    >>> d.area_mu_min, d.area_mu_max, d.landuse
    (30.0, 60.0, ('1001',))
    """
    p = Path(path)
    doc = read_toml(p, what="demand")
    known = {
        "name",
        "top",
        "area_mu",
        "landuse",
        "zones",
        "price",
        "terrain",
        "preferences",
        "layers",
        "status",
    }
    if unknown := set(doc) - known:
        raise ConfigError(
            f"demand file {p}: unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(known))}"
        )

    def num(table: str, key: str) -> float | None:
        v = doc.get(table, {}).get(key)
        if v is None:
            return None
        if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
            raise ConfigError(f"demand file {p}: [{table}] {key} must be a non-negative number, not {v!r}")
        return float(v)

    def layer(key: str) -> str | None:
        v = doc.get("layers", {}).get(key)
        if v is None:
            return None
        file, _, name = str(v).partition(":")
        return f"{(p.parent / file).resolve()}{':' + name if name else ''}"

    prefs = doc.get("preferences", {})
    demand = Demand(
        name=str(doc.get("name", p.stem)),
        area_mu_min=num("area_mu", "min"),
        area_mu_max=num("area_mu", "max"),
        landuse=tuple(str(c) for c in doc.get("landuse", {}).get("codes", ())),
        landuse_system=str(doc.get("landuse", {}).get("system", "guide2023")),
        zones=tuple(str(z) for z in doc.get("zones", {}).get("any", ())),
        max_total_price=num("price", "max_total"),
        max_unit_price=num("price", "max_per_mu"),
        require_price=bool(doc.get("price", {}).get("require", False)),
        max_slope_deg=num("terrain", "max_slope_deg"),
        road_within_m=num("preferences", "road_within_m"),
        river_within_m=num("preferences", "river_within_m"),
        statuses=tuple(str(s) for s in doc.get("status", {}).get("any", ())),
        weights={**_DEFAULT_WEIGHTS, **{k: float(v) for k, v in prefs.get("weights", {}).items()}},
        top=int(doc["top"]) if "top" in doc else 10,
        roads=layer("roads"),
        rivers=layer("rivers"),
    )
    _check(demand)
    return demand


def _check(d: Demand) -> None:
    if d.area_mu_min is not None and d.area_mu_max is not None and d.area_mu_min > d.area_mu_max:
        raise ConfigError(f"demand area range {d.area_mu_min:g}–{d.area_mu_max:g} 亩 is empty")
    if bad := set(d.weights) - set(_DEFAULT_WEIGHTS):
        raise ConfigError(
            f"unknown preference weight(s) {', '.join(sorted(bad))}; use {', '.join(_DEFAULT_WEIGHTS)}"
        )
    if bad := set(d.statuses) - set(STATUSES):
        raise ConfigError(f"unknown status(es) {', '.join(sorted(bad))}; use {', '.join(STATUSES)}")


def _read_layer(spec: str) -> gpd.GeoDataFrame:
    from .io import read_layer

    path, _, layer = spec.rpartition(":") if spec.count(":") and not Path(spec).exists() else (spec, "", "")
    return read_layer(path, layer=layer or None)


def _fmt_mu(v: float) -> str:
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}"


def _fmt_m(v: float) -> str:
    return f"{v / 1000:.1f} km" if v >= 1000 else f"{v:.0f} m"


def _distance(parcels: gpd.GeoDataFrame, lines: gpd.GeoDataFrame | None, column: str) -> pd.Series | None:
    if lines is None:
        return pd.to_numeric(parcels[column], errors="coerce") if column in parcels else None
    if parcels.crs is None or lines.crs is None:
        raise CRSError(
            "recommend needs a CRS on the parcels and on the road/river layers to measure distances"
        )
    work = parcels.crs if parcels.crs.is_projected else parcels.estimate_utm_crs()
    geoms = parcels.geometry if parcels.crs == work else parcels.geometry.to_crs(work)
    target = lines.geometry.to_crs(work).union_all()
    return pd.Series(geoms.distance(target).to_numpy(), index=parcels.index)


def _zone_tokens(parcels: pd.DataFrame) -> pd.Series:
    cols = [c for c in parcels.columns if c.startswith("zone_") and not c.endswith(_ZONE_SUFFIXES)]
    cols += [c for c in ("township",) if c in parcels]
    if not cols:
        return pd.Series([set() for _ in range(len(parcels))], index=parcels.index, dtype=object)
    sub = parcels[cols].astype(object)
    return pd.Series(
        [
            {str(v) for v in row if v is not None and not (isinstance(v, float) and math.isnan(v))}
            for row in sub.itertuples(index=False)
        ],
        index=parcels.index,
        dtype=object,
    )


def _area_mu(parcels: pd.DataFrame) -> pd.Series:
    for col, factor in (("area_mu", 1.0), ("area_m2", MU_M2), ("declared_area_m2", MU_M2)):
        if col in parcels:
            return pd.to_numeric(parcels[col], errors="coerce") / factor
    return pd.Series(np.nan, index=parcels.index)


def _landuse(parcels: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(2023-guide code, display name) per parcel, through the crosswalk."""
    from .landuse import landuse_name, to_guide2023

    codes, names = [], []
    cols = parcels.reindex(columns=["landuse_code", "landuse_system"]).astype(object)
    for code, system in cols.itertuples(index=False):
        guide = None
        if isinstance(code, str | int) and isinstance(system, str) and system.strip():
            try:
                guide = to_guide2023(code, system=system)
            except ValueError:
                guide = None
        codes.append(guide)
        names.append(landuse_name(guide, system="guide2023") if guide else None)
    return pd.Series(codes, index=parcels.index, dtype=object), pd.Series(
        names, index=parcels.index, dtype=object
    )


def recommend(
    parcels: gpd.GeoDataFrame,
    demand: Demand | str | Path,
    /,
    *,
    roads: gpd.GeoDataFrame | None = None,
    rivers: gpd.GeoDataFrame | None = None,
    zones: Any = None,
    keep_all: bool = False,
) -> gpd.GeoDataFrame:
    """Rank parcels against a demand: filter on hard constraints, score preferences, explain.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels in canonical columns (``area_m2``, ``landuse_code`` + ``landuse_system``,
        ``asking_price``, ``status``, ``township``, ``zone_*`` columns from
        :func:`landkit.zones.assign_zones`, optionally ``slope_mean_deg``).
    demand : Demand or path
        The demand, or a TOML file read with :func:`read_demand`.
    roads, rivers : GeoDataFrame, optional
        Line layers for the distance preferences (default: the demand's ``[layers]``, else the
        ``dist_road_m`` / ``dist_river_m`` columns). Distances are measured in metres in the parcels'
        projected CRS (or a UTM CRS when the parcels are geographic).
    zones : ZoneSet, GeoDataFrame or path, optional
        When given and the parcels have no ``zone_*`` columns, zones are assigned first with
        :func:`landkit.zones.assign_zones`.
    keep_all : bool
        Return every parcel (with ``rec_pass`` and ``rec_excluded``) instead of the shortlist.

    Returns
    -------
    GeoDataFrame
        The passing parcels, best first (at most ``demand.top``), with the input columns and
        :data:`RECOMMEND_COLUMNS`. Index values are those of the input.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"area_m2": [42 * 10000 / 15, 5 * 10000 / 15],
    ...                       "landuse_code": ["100102", "100102"], "landuse_system": ["guide2023"] * 2},
    ...                      geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=4546)
    >>> r = recommend(p, Demand(area_mu_min=30, area_mu_max=60, landuse=("1001",)))
    >>> r["rec_reason"].tolist()
    ['面积 42 亩, 在需求 30–60 亩内; 二类工业用地']
    """
    d = read_demand(demand) if isinstance(demand, str | Path) else demand
    _check(d)
    if zones is not None and not any(c.startswith("zone_") for c in parcels.columns):
        from .zones import assign_zones

        parcels = assign_zones(parcels, zones)
    n = len(parcels)
    excluded: list[list[str]] = [[] for _ in range(n)]
    reasons: list[list[str]] = [[] for _ in range(n)]
    parts: dict[str, np.ndarray] = {}

    area = _area_mu(parcels).to_numpy()
    lo, hi = d.area_mu_min, d.area_mu_max
    for i, a in enumerate(area):
        if np.isnan(a):
            if lo is not None or hi is not None:
                excluded[i].append("面积未知")
            continue
        if lo is not None and a < lo:
            excluded[i].append(f"面积 {_fmt_mu(a)} 亩, 小于 {lo:g} 亩")
        elif hi is not None and a > hi:
            excluded[i].append(f"面积 {_fmt_mu(a)} 亩, 大于 {hi:g} 亩")
        elif lo is not None and hi is not None:
            reasons[i].append(f"面积 {_fmt_mu(a)} 亩, 在需求 {lo:g}–{hi:g} 亩内")
        else:
            reasons[i].append(f"面积 {_fmt_mu(a)} 亩")
    if lo is not None and hi is not None and hi > lo:
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        parts["area"] = np.clip(1 - np.abs(area - mid) / half, 0, 1)

    guide, names = _landuse(parcels)
    if d.landuse:
        from .landuse import to_guide2023

        wanted = [
            c if d.landuse_system == "guide2023" else (to_guide2023(c, system=d.landuse_system) or c)
            for c in d.landuse
        ]
        for i, (g, nm) in enumerate(zip(guide, names, strict=True)):
            if g is None:
                excluded[i].append("地类未知或无法对应到2023分类")
            elif not any(g.startswith(w) for w in wanted):
                excluded[i].append(f"地类为{nm or g}, 不在需求用途内")
            else:
                reasons[i].append(nm or g)
    else:
        for i, nm in enumerate(names):
            if nm:
                reasons[i].append(nm)

    if d.zones:
        tokens = _zone_tokens(parcels)
        for i, tk in enumerate(tokens):
            hit = [z for z in d.zones if z in tk]
            if hit:
                reasons[i].append("、".join(hit) + "内")
            else:
                excluded[i].append("不在需求片区内")

    allowed = set(d.statuses) if d.statuses else set(STATUSES) - set(CLEARED_STATUSES)
    if "status" in parcels:
        for i, st in enumerate(parcels["status"].astype(object)):
            if isinstance(st, str) and st not in allowed:
                excluded[i].append(f"状态为{STATUSES.get(st, st)}")

    if "asking_price" in parcels:
        price = pd.to_numeric(parcels["asking_price"], errors="coerce").to_numpy(dtype=float)
    else:
        price = np.full(n, np.nan)
    unit = price / area
    for i in range(n):
        if np.isnan(price[i]):
            if d.max_total_price is not None or d.max_unit_price is not None:
                (excluded if d.require_price else reasons)[i].append("挂牌价待定")
            continue
        if d.max_total_price is not None and price[i] > d.max_total_price:
            excluded[i].append(f"挂牌总价 {price[i]:.0f} 万元, 超过 {d.max_total_price:g} 万元")
        elif d.max_unit_price is not None and unit[i] > d.max_unit_price:
            excluded[i].append(f"单价 {unit[i]:.1f} 万元/亩, 超过 {d.max_unit_price:g} 万元/亩")
        else:
            reasons[i].append(f"挂牌总价 {price[i]:.0f} 万元 ({unit[i]:.1f} 万元/亩)")
    if not np.isnan(price).all():
        cap = d.max_unit_price or (np.nanmax(unit) if np.isfinite(np.nanmax(unit)) else np.nan)
        parts["price"] = np.where(np.isnan(unit), 0.0, np.clip(1 - unit / cap, 0, 1)) if cap else np.zeros(n)

    if "slope_mean_deg" in parcels:
        slope = pd.to_numeric(parcels["slope_mean_deg"], errors="coerce").to_numpy()
        for i, s in enumerate(slope):
            if np.isnan(s):
                reasons[i].append("坡度未知")
            elif d.max_slope_deg is not None and s > d.max_slope_deg:
                excluded[i].append(f"平均坡度 {s:.1f}°, 超过 {d.max_slope_deg:g}°")
            else:
                reasons[i].append(f"平均坡度 {s:.1f}°")
        limit = d.max_slope_deg or 25.0
        parts["slope"] = np.where(np.isnan(slope), 0.0, np.clip(1 - slope / limit, 0, 1))

    extra: dict[str, pd.Series] = {}
    for key, lines, spec, within, col, word in (
        ("road", roads, d.roads, d.road_within_m, "dist_road_m", "道路"),
        ("river", rivers, d.rivers, d.river_within_m, "dist_river_m", "河流"),
    ):
        if lines is None and spec:
            lines = _read_layer(spec)
        dist = _distance(parcels, lines, col)
        if dist is None:
            continue
        extra[f"rec_dist_{key}_m"] = dist
        dv = dist.to_numpy(dtype=float)
        if within:
            parts[key] = np.where(np.isnan(dv), 0.0, np.clip(1 - dv / within, 0, 1))
            for i, v in enumerate(dv):
                if not np.isnan(v):
                    reasons[i].append(f"紧邻{word}" if v < 1 else f"距{word} {_fmt_m(v)}")

    weights = {k: float(d.weights.get(k, 1.0)) for k in parts}
    total_w = sum(weights.values())
    score = sum(weights[k] * parts[k] for k in parts) / total_w * 100 if total_w > 0 else np.zeros(n)
    out = parcels.copy()
    out["rec_score"] = np.round(np.asarray(score, dtype=float), 1) if parts else 0.0
    out["rec_reason"] = ["; ".join(r) for r in reasons]
    out["rec_pass"] = [not e for e in excluded]
    out["rec_excluded"] = ["; ".join(e) for e in excluded]
    for k, v in extra.items():
        out[k] = v.round(1)
    passing = out[out["rec_pass"]].sort_values("rec_score", ascending=False, kind="stable")
    out["rec_rank"] = (
        pd.Series(range(1, len(passing) + 1), index=passing.index).reindex(out.index).astype("Int64")
    )
    if keep_all:
        return out.sort_values(["rec_rank"], na_position="last", kind="stable")
    result = out.loc[passing.index].drop(columns=["rec_pass", "rec_excluded"])
    return result.head(d.top) if d.top is not None else result

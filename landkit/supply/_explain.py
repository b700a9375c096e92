"""Scores and Chinese reasons for the pairs :func:`~landkit.supply.match` returns (only those pairs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..schema import STATUSES
from ._offers import Offers
from .demands import Demand

if TYPE_CHECKING:
    from ._criteria import Crit

__all__ = ["assemble"]


def _fmt_mu(v: float) -> str:
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}"


def _fmt_m(v: float) -> str:
    return f"{v / 1000:.1f} km" if v >= 1000 else f"{v:.0f} m"


def _join(pieces: Sequence[np.ndarray], n: int) -> np.ndarray:
    """Join per-pair text pieces with "; ", skipping empty ones."""
    if not pieces:
        return np.full(n, "", dtype=object)
    return np.array(["; ".join([p for p in row if p]) for row in zip(*pieces, strict=True)], dtype=object)


def _texts(values: np.ndarray, fmt: Callable[[float], str], oi: np.ndarray) -> np.ndarray:
    """``fmt`` of each pair's offer value ("" when missing), formatted once per distinct offer."""
    uniq, inv = np.unique(oi, return_inverse=True)
    text = np.array(["" if v != v else fmt(v) for v in values[uniq].tolist()], dtype=object)
    return text[inv] if len(oi) else np.empty(0, dtype=object)


def _dem(ds: Sequence[Demand], attr: str) -> np.ndarray:
    return np.array([np.nan if getattr(d, attr) is None else float(getattr(d, attr)) for d in ds])


def _ranges(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unit = o.is_unit[oi]
    lo = np.where(unit, _dem(ds, "floor_m2_min")[di], _dem(ds, "area_mu_min")[di])
    hi = np.where(unit, _dem(ds, "floor_m2_max")[di], _dem(ds, "area_mu_max")[di])
    return lo, hi


def _size_texts(o: Offers, oi: np.ndarray) -> np.ndarray:
    land = _texts(o.size, lambda a: f"面积 {_fmt_mu(a)} 亩", oi)
    floor = _texts(o.size, lambda a: f"建筑面积 {a:.0f} m²", oi)
    return np.where(o.is_unit[oi], floor, land)


def _suffix(ds: Sequence[Demand], lo: str, hi: str, word: str) -> np.ndarray:
    out = []
    for d in ds:
        a, b = getattr(d, lo), getattr(d, hi)
        out.append(f", 在需求 {a:g}–{b:g} {word}内" if a is not None and b is not None else "")
    return np.array(out, dtype=object)


def _area_text(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> np.ndarray:
    """The size reason of each (passing) pair."""
    land = _suffix(ds, "area_mu_min", "area_mu_max", "亩")[di]
    floor = _suffix(ds, "floor_m2_min", "floor_m2_max", "m²")[di]
    text = _size_texts(o, oi)
    return np.where(text == "", "", text + np.where(o.is_unit[oi], floor, land))


def _area_bad(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> np.ndarray:
    """Why each (excluded) pair fails the size range."""
    lo, hi = _ranges(ds, o, di, oi)
    size, word = o.size[oi], np.where(o.is_unit[oi], " m²", " 亩")
    text = _size_texts(o, oi)
    g_lo = np.array([f"{v:g}" for v in np.nan_to_num(lo).tolist()], dtype=object)
    g_hi = np.array([f"{v:g}" for v in np.nan_to_num(hi).tolist()], dtype=object)
    bad = np.where(
        size < lo, text + ", 小于 " + g_lo + word, np.where(size > hi, text + ", 大于 " + g_hi + word, "")
    )
    return np.where(np.isnan(size) & (~np.isnan(lo) | ~np.isnan(hi)), "面积未知", bad)


def _zone_text(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> np.ndarray:
    out = np.full(len(di), "", dtype=object)
    pos = {z: i for i, z in enumerate(o.zones)}
    for k, d in enumerate(ds):
        if not d.zones:
            continue
        sel = np.flatnonzero(di == k)
        text = np.full(len(sel), "", dtype=object)
        for z in d.zones:
            hit = o.zone_m[oi[sel], pos[z]]
            text = np.where(hit, np.where(text == "", z, text + "、" + z), text)
        out[sel] = np.where(text == "", "", text + "内")
    return out


def _price_text(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> np.ndarray:
    unit = o.is_unit[oi]
    total = _texts(o.price, lambda p: f"挂牌总价 {p:.0f} 万元", oi)
    per_mu = _texts(o.unit_price, lambda u: f" ({u:.1f} 万元/亩)", oi)
    land = np.where(total == "", "", total + np.where(per_mu == "", " (nan 万元/亩)", per_mu))
    rent = _texts(o.rent, lambda r: f"租金 {r:g} 元/m²·月", oi)
    limits = ~np.isnan(_dem(ds, "max_total_price")) | ~np.isnan(_dem(ds, "max_unit_price"))
    pending = np.where(unit, ~np.isnan(_dem(ds, "max_rent_m2_month"))[di], limits[di])
    text = np.where(unit, rent, land)
    return np.where((text == "") & pending, np.where(unit, "租金待定", "挂牌价待定"), text)


def _other_text(ds: Sequence[Demand], o: Offers, di: np.ndarray, oi: np.ndarray) -> list[np.ndarray]:
    unit = o.is_unit[oi]
    slope = _texts(o.slope, lambda v: f"平均坡度 {v:.1f}°", oi)
    slope = np.where(unit | (not o.has_slope), "", np.where(slope == "", "坡度未知", slope))
    storey = np.where(unit, _texts(o.storey, lambda h: f"层高 {h:.1f} 米", oi), "")
    load = np.where(unit, _texts(o.load, lambda v: f"荷载 {v:g} kN/m²", oi), "")
    util = np.full(len(di), "", dtype=object)
    avail = np.full(len(di), "", dtype=object)
    for k, d in enumerate(ds):
        if not d.utilities and d.wanted_by is None:
            continue
        sel = np.flatnonzero(di == k)
        if d.utilities:
            known = o.util_known[oi[sel]]
            util[sel] = np.where(known, "配套" + "、".join(d.utilities) + "齐全", "配套情况未知")
        if d.wanted_by is not None:
            av = pd.to_datetime(o.available[oi[sel]]).strftime("%Y-%m-%d").to_numpy(dtype=object)
            text = np.where(pd.isna(av), "可入驻日期未知", "可于 " + av.astype(str) + " 入驻")
            avail[sel] = np.where(~unit[sel], "", text)
    return [slope, storey, load, util, avail]


def _dist_text(
    ds: Sequence[Demand], dist: dict[str, list[np.ndarray | None]], di: np.ndarray, oi: np.ndarray
) -> tuple[list[np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    texts, values, present = [], {}, {}
    for key, word in (("road", "道路"), ("river", "河流")):
        text = np.full(len(di), "", dtype=object)
        val = np.full(len(di), np.nan)
        has = np.zeros(len(di), dtype=bool)
        for k, d in enumerate(ds):
            arr = dist[key][k]
            if arr is None:
                continue
            sel = np.flatnonzero(di == k)
            has[sel] = True
            val[sel] = arr[oi[sel]]
            if getattr(d, f"{key}_within_m"):
                text[sel] = [
                    ("" if np.isnan(v) else (f"紧邻{word}" if v < 1 else f"距{word} {_fmt_m(v)}"))
                    for v in val[sel]
                ]
        texts.append(text)
        values[key], present[key] = val, has
    return texts, values, present


def _scores(
    ds: Sequence[Demand],
    o: Offers,
    di: np.ndarray,
    oi: np.ndarray,
    dist: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    *,
    steep: float,
) -> np.ndarray:
    unit = o.is_unit[oi]
    size = o.size[oi]
    lo, hi = _ranges(ds, o, di, oi)
    with np.errstate(invalid="ignore", divide="ignore"):
        parts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        parts["area"] = (np.clip(1 - np.abs(size - mid) / half, 0, 1), hi > lo)
        land_cap = (
            np.nanmax(o.unit_price[~o.is_unit]) if np.isfinite(o.unit_price[~o.is_unit]).any() else np.nan
        )
        rent_cap = np.nanmax(o.rent[o.is_unit]) if (~np.isnan(o.rent[o.is_unit])).any() else np.nan
        mu, mr = _dem(ds, "max_unit_price")[di], _dem(ds, "max_rent_m2_month")[di]
        cap = np.where(
            unit,
            np.where(np.isnan(mr) | (mr == 0), rent_cap, mr),
            np.where(np.isnan(mu) | (mu == 0), land_cap, mu),
        )
        v = np.where(unit, o.rent[oi], o.unit_price[oi])
        has_price = np.where(
            unit, (~np.isnan(o.rent[o.is_unit])).any(), (~np.isnan(o.price[~o.is_unit])).any()
        )
        parts["price"] = (np.where(np.isnan(v), 0.0, np.clip(1 - v / cap, 0, 1)), has_price)
        limit = _dem(ds, "max_slope_deg")[di]
        limit = np.where(np.isnan(limit) | (limit == 0), steep, limit)
        s = o.slope[oi]
        parts["slope"] = (np.where(np.isnan(s), 0.0, np.clip(1 - s / limit, 0, 1)), ~unit & o.has_slope)
        for key in ("road", "river"):
            within = _dem(ds, f"{key}_within_m")[di]
            dv = dist[0][key]
            parts[key] = (
                np.where(np.isnan(dv), 0.0, np.clip(1 - dv / within, 0, 1)),
                (within > 0) & dist[1][key],
            )
    weights = {k: np.array([float(d.weights.get(k, 1.0)) for d in ds])[di] for k in parts}
    num = sum(np.nan_to_num(val) * weights[k] * pres for k, (val, pres) in parts.items())
    den = sum(weights[k] * pres for k, (_, pres) in parts.items())
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(den > 0, np.asarray(num, dtype=float) / np.where(den > 0, den, 1) * 100, 0.0)
    return np.round(score, 1)


def _excluded_text(
    ds: Sequence[Demand], o: Offers, crits: list[Crit], di: np.ndarray, oi: np.ndarray
) -> np.ndarray:
    """Why each pair fails, criterion by criterion (a Python loop: only for ``keep_excluded``)."""
    area_bad = _area_bad(ds, o, di, oi)
    day = pd.to_datetime(o.available)
    words: dict[str, Callable[[Demand, int], str]] = {
        "用途": lambda d, j: (
            "地类未知或无法对应到2023分类"
            if o.guide[j] is None
            else f"地类为{o.luname[j] or o.guide[j]}, 不在需求用途内"
        ),
        "片区": lambda d, j: "不在需求片区内",
        "状态": lambda d, j: f"状态为{STATUSES.get(o.status[j], o.status[j])}",
        "挂牌价": lambda d, j: (
            "挂牌价待定"
            if np.isnan(o.price[j])
            else f"挂牌总价 {o.price[j]:.0f} 万元, 超过 {d.max_total_price:g} 万元"
        ),
        "单价": lambda d, j: f"单价 {o.unit_price[j]:.1f} 万元/亩, 超过 {d.max_unit_price:g} 万元/亩",
        "租金": lambda d, j: (
            "租金待定"
            if np.isnan(o.rent[j])
            else f"租金 {o.rent[j]:g} 元/m²·月, 超过 {d.max_rent_m2_month:g} 元/m²·月"
        ),
        "坡度": lambda d, j: f"平均坡度 {o.slope[j]:.1f}°, 超过 {d.max_slope_deg:g}°",
        "层高": lambda d, j: f"层高 {o.storey[j]:.1f} 米, 低于 {d.min_storey_height_m:g} 米",
        "荷载": lambda d, j: f"荷载 {o.load[j]:g} kN/m², 低于 {d.min_floor_load_kn_m2:g} kN/m²",
        "配套": lambda d, j: (
            "缺少配套: "
            + "、".join(
                u for u in d.utilities if u not in o.utilities or not o.util_m[j, o.utilities.index(u)]
            )
        ),
        "可入驻日期": lambda d, j: f"{day[j]:%Y-%m-%d} 才可入驻, 晚于需求日期 {d.wanted_by:%Y-%m-%d}",
        "招商方式": lambda d, j: "只出售, 不出租",
    }
    out = []
    for p, (k, j) in enumerate(zip(di, oi, strict=True)):
        why = []
        for c in crits:
            if c.fails(k, j):
                why.append(area_bad[p] if c.name in ("面积", "建筑面积") else words[c.name](ds[k], j))
        out.append("; ".join(why))
    return np.array(out, dtype=object)


def assemble(
    ds: Sequence[Demand],
    o: Offers,
    crits: list[Crit],
    wanted: np.ndarray,
    dist: dict[str, list[np.ndarray | None]],
    *,
    steep: float,
    top: int | None,
    keep_excluded: bool,
) -> pd.DataFrame:
    """The long match table: pairs, scores, reasons, ranks (best first within each demand)."""
    from ._criteria import failing

    fail = failing(crits, wanted.shape)
    di, oi = np.nonzero(wanted if keep_excluded else wanted & ~fail)
    excluded = fail[di, oi]
    area_ok = _area_text(ds, o, di, oi)
    names = o.luname[oi]
    luname = np.where(pd.isna(names), "", names)
    dtexts, dvals, dpresent = _dist_text(ds, dist, di, oi)
    pieces = [area_ok, luname, _zone_text(ds, o, di, oi), _price_text(ds, o, di, oi)]
    others = _other_text(ds, o, di, oi)
    pieces += [others[0], *dtexts, *others[1:]]
    out = pd.DataFrame(
        {
            "demand_id": np.array([d.id for d in ds], dtype=object)[di],
            "demand_name": np.array([d.name for d in ds], dtype=object)[di],
            "offer_id": o.ids[oi],
            "offer_kind": np.where(o.is_unit[oi], "unit", "parcel"),
            "score": _scores(ds, o, di, oi, (dvals, dpresent), steep=steep),
            "excluded": excluded,
            "reasons": np.where(excluded, "", _join(pieces, len(di))),
            "excluded_reasons": "",
            "dist_road_m": np.round(dvals["road"], 1),
            "dist_river_m": np.round(dvals["river"], 1),
            "offer_index": o.index[oi],
            "_d": di,
            "_o": oi,
        }
    )
    if keep_excluded and excluded.any():
        col = np.full(len(out), "", dtype=object)
        col[excluded] = _excluded_text(ds, o, crits, di[excluded], oi[excluded])
        out["excluded_reasons"] = col
    return _rank(out, top=top)


def _rank(out: pd.DataFrame, *, top: int | None) -> pd.DataFrame:
    order = np.lexsort(
        (out["_o"].to_numpy(), -out["score"].to_numpy(), out["excluded"].to_numpy(), out["_d"].to_numpy())
    )
    out = out.iloc[order].reset_index(drop=True)
    passing = ~out["excluded"]
    rank = passing.groupby(out["_d"]).cumsum().where(passing)
    out.insert(4, "rank", rank.astype("Int64"))
    if top is not None:
        out = out[out["rank"].isna() | (out["rank"] <= top)].reset_index(drop=True)
    return out.drop(columns=["_d", "_o"])

"""Which revitalisation routes are open for each parcel, and what is missing for the others.

:func:`route_options` checks every precondition of every route of the catalogue (see
:mod:`landkit.cases.routes`) against the parcel table, the encumbrance facts
(:func:`~landkit.cases.encumbrance_facts`) and, for the 53号令 routes, the idle-land assessment
(:func:`landkit.rules.assess_idle`). Each check is True, False or unknown; a route is ``open`` only
when every check is True. Failures name their basis; unknowns say which data would settle them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..rules.dates import HolidayCalendar
from ..schema import CATEGORIES, split_categories
from .facts import encumbrance_facts
from .routes import Route, RouteCatalogue, read_routes

__all__ = ["FACTS", "OPTION_COLUMNS", "route_options"]

#: Output columns of :func:`route_options` → Chinese labels.
OPTION_COLUMNS: dict[str, str] = {
    "parcel_id": "宗地代码",
    "route": "路径代码",
    "route_label": "盘活路径",
    "open": "可行",
    "state": "判断",
    "missing": "不满足的条件(依据)",
    "unknown": "待核实(需补资料)",
    "next_step": "下一步",
    "lead": "牵头部门",
    "basis": "法律依据",
}

_STATES = {"open": "可行", "blocked": "不满足条件", "unknown": "待核实"}


@dataclass
class _Context:
    parcels: pd.DataFrame
    encumbrances: pd.DataFrame | None
    as_of: dt.date
    params: dict[str, Fraction]
    holidays: HolidayCalendar | str | Path | None
    cache: dict[str, tuple[pd.Series, str]] = field(default_factory=dict)
    _facts: pd.DataFrame | None = None
    _idle: pd.DataFrame | None = None
    _codes: tuple[np.ndarray, list[frozenset[str]]] = (np.zeros(0, np.int64), [])

    def col(self, name: str) -> pd.Series:
        p = self.parcels
        return p[name] if name in p else pd.Series(None, index=p.index, dtype=object)

    def tags(self) -> pd.Series:
        """Tag sets of each parcel (parsed once per distinct ``categories`` text)."""
        if "_tags" not in self.cache:
            codes, uniq = pd.factorize(self.col("categories").to_numpy(dtype=object), use_na_sentinel=False)
            sets = np.array([frozenset(split_categories(v)) for v in uniq] + [frozenset()], dtype=object)
            self.cache["_tags"] = (pd.Series(sets[codes], index=self.parcels.index), "")
            self._codes = (codes, [sets[k] for k in range(len(uniq))])
        return self.cache["_tags"][0]

    def has(self, tag: str) -> np.ndarray:
        """Does each parcel carry ``tag``? (one test per distinct ``categories`` text)."""
        self.tags()
        codes, sets = self._codes
        return np.array([tag in t for t in sets] + [False], dtype=bool)[codes]

    def facts(self) -> pd.DataFrame | None:
        if self.encumbrances is not None and self._facts is None:
            self._facts = encumbrance_facts(
                self.parcels, self.encumbrances, as_of=self.as_of, holidays=self.holidays
            )
        return self._facts

    def idle(self) -> pd.DataFrame:
        """53号令 assessment of the idle-tagged parcels; the others are not idle land under it."""
        if self._idle is None:
            from ..rules import assess_idle

            idle = self.has("idle")
            out = pd.DataFrame(
                {
                    "recovery_eligible": pd.array([False] * len(idle), dtype="boolean"),
                    "idle_cause": "not_idle",
                },
                index=self.parcels.index,
            )
            if idle.any():
                got = assess_idle(self.parcels[idle], as_of=self.as_of, holidays=self.holidays)
                out.loc[idle, "recovery_eligible"] = got["recovery_eligible"].astype("boolean").to_numpy()
                out.loc[idle, "idle_cause"] = got["idle_cause"].astype(object).to_numpy()
            self._idle = out
        return self._idle


def _nb(values: Any, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(values, dtype="boolean"), index=index)


def _tri(value: np.ndarray, known: np.ndarray, index: pd.Index) -> pd.Series:
    """A nullable boolean Series: ``value`` where ``known``, else unknown (``pd.NA``)."""
    value = np.asarray(value, dtype=bool)
    return pd.Series(
        pd.arrays.BooleanArray(value & np.asarray(known, bool), ~np.asarray(known, bool)), index=index
    )


def _unknown(ctx: _Context) -> pd.Series:
    return _nb([pd.NA] * len(ctx.parcels), ctx.parcels.index)


def _has_tag(tag: str) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        return _nb(ctx.has(tag), ctx.parcels.index)

    return check


def _enc(column: str, *, negate: bool = False) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        facts = ctx.facts()
        if facts is None:
            return _unknown(ctx)
        v = facts[column].astype("boolean")
        return ~v if negate else v

    return check


def _mortgaged(ctx: _Context) -> pd.Series:
    facts = ctx.facts()
    if facts is None:  # without the registry export only the 抵押 tag speaks (True, else unknown)
        tagged = ctx.has("mortgaged")
        return _tri(tagged, tagged, ctx.parcels.index)
    return facts["has_active_mortgage"].astype("boolean")


def _text_flag(column: str, yes: tuple[str, ...], no: tuple[str, ...]) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        text = ctx.col(column).astype(object)
        uniq = {}
        for v in pd.unique(text):
            s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
            uniq[v] = (
                True
                if any(w in s for w in yes) and not any(w in s for w in no)
                else False
                if any(w in s for w in no)
                else pd.NA
            )
        return _nb(text.map(uniq).to_numpy(), ctx.parcels.index)

    return check


def _certificate(ctx: _Context) -> pd.Series:
    text = ctx.col("certificate_no")
    held = text.notna() & (text.astype("str").str.strip() != "").fillna(False)
    return _tri(held.to_numpy(bool), held.to_numpy(bool), ctx.parcels.index)


def _investment(ctx: _Context) -> pd.Series:
    share = ctx.params["investment_share"]
    inv = pd.to_numeric(ctx.col("invested"), errors="coerce").to_numpy(float)
    tot = pd.to_numeric(ctx.col("total_investment"), errors="coerce").to_numpy(float)
    known = ~np.isnan(inv) & ~np.isnan(tot) & (tot > 0)
    met = inv * share.denominator >= tot * share.numerator  # exact at the boundary for whole 万元
    return _tri(met, known, ctx.parcels.index)


def _idle_determined(ctx: _Context) -> pd.Series:
    status = ctx.col("status").astype(object)
    idle = ctx.has("idle")
    ok = status.isin(["identified", "in_disposal", "已认定", "处置中"]).to_numpy(bool) & idle
    return _tri(ok, ~status.isna().to_numpy(bool), ctx.parcels.index)


def _recovery(*, negate: bool) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        v = ctx.idle()["recovery_eligible"].astype("boolean")
        return ~v if negate else v

    return check


def _government_cause(ctx: _Context) -> pd.Series:
    cause = ctx.idle()["idle_cause"].astype(object)
    gov = cause.isin(["government", "force_majeure"]).to_numpy(bool)
    return _tri(gov, gov | cause.isin(["holder", "not_idle"]).to_numpy(bool), ctx.parcels.index)


def _debt_within(ctx: _Context) -> pd.Series:
    facts = ctx.facts()
    if facts is None:
        return _unknown(ctx)
    limit = ctx.params["debt_ratio_max"]
    debt, value = facts["secured_debt"].to_numpy(float), facts["appraised_value"].to_numpy(float)
    known = ~np.isnan(debt) & ~np.isnan(value) & (value > 0)
    return _tri(debt * limit.denominator <= value * limit.numerator, known, ctx.parcels.index)


def _recovered(ctx: _Context) -> pd.Series:
    status = ctx.col("status").astype(object)
    reserve = ctx.has("reserve")
    ok = status.isin(["recovered", "reserved", "已收回", "已储备"]).to_numpy(bool) | reserve
    return _tri(ok, ~(status.isna().to_numpy(bool) & ~reserve), ctx.parcels.index)


#: Facts a precondition may name: key → (Chinese description, check, data that settles an unknown).
FACTS: dict[str, tuple[str, Callable[[_Context], pd.Series], str]] = {
    "stalled": ("属于烂尾地", _has_tag("stalled"), "类别"),
    "mortgaged": ("存在有效抵押", _mortgaged, "抵押登记 (encumbrances=)"),
    "no_active_mortgage": ("无有效抵押", _enc("has_active_mortgage", negate=True), "抵押登记及注销日期"),
    "transfer_supply": ("以出让方式取得", _text_flag("supply_method", ("出让",), ("划拨",)), "供地方式"),
    "price_paid": (
        "已按合同支付全部土地使用权出让金",
        _text_flag("land_price_paid", ("是", "已缴清", "缴清", "已付清"), ("否", "未", "欠")),
        "土地价款缴清情况",
    ),
    "certificate_held": ("已取得土地使用权证书", _certificate, "不动产权证号"),
    "investment_share": ("已完成开发投资总额25%以上", _investment, "已完成投资、总投资"),
    "not_seized": (
        "无查封（含轮候查封）",
        _enc("has_active_seizure", negate=True),
        "查封登记 (encumbrances=)",
    ),
    "seized": ("法院已查封", _enc("has_active_seizure"), "查封登记 (encumbrances=)"),
    "transfer_allowed": (
        "抵押合同未约定禁止转让",
        _enc("transfer_banned", negate=True),
        "抵押合同是否约定禁止转让",
    ),
    "mortgagee_consent": ("抵押权人同意转让", _enc("mortgagee_consent"), "抵押权人书面意见"),
    "idle_determined": ("已认定为闲置土地", _idle_determined, "处置状态"),
    "recovery_eligible": (
        "闲置土地，使用权人原因闲置满两年",
        _recovery(negate=False),
        "约定动工日期、闲置原因",
    ),
    "not_recovery_eligible": ("尚不满足无偿收回条件", _recovery(negate=True), "约定动工日期、闲置原因"),
    "government_cause": ("闲置土地，政府原因或不可抗力造成", _government_cause, "闲置原因"),
    "debt_within_value": ("担保债权不超过评估价值", _debt_within, "债权数额、评估价值"),
    "recovered": ("已收回或已入库储备", _recovered, "处置状态"),
}


def _check(ctx: _Context, fact: str) -> pd.Series:
    if fact not in ctx.cache:
        ctx.cache[fact] = (FACTS[fact][1](ctx).astype("boolean"), FACTS[fact][2])
    return ctx.cache[fact][0]


def _route_codes(ctx: _Context, route: Route, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Per applicable row: open flag, unmet preconditions and unknowns as bit masks (texts built once)."""
    n = int(rows.sum())
    ok = np.ones(n, bool)
    miss = np.zeros(n, np.int64)
    need = np.zeros(n, np.int64)
    for k, pre in enumerate(route.preconditions):
        v = _check(ctx, pre.fact).array[rows]
        na = np.asarray(v.isna(), dtype=bool)
        false = ~np.asarray(v.fillna(True), dtype=bool)
        miss |= false.astype(np.int64) << k
        need |= na.astype(np.int64) << k
        ok &= ~false & ~na
    state = np.where(ok, 0, np.where(miss != 0, 1, 2))
    return {"pos": np.flatnonzero(rows), "ok": ok, "miss": miss, "need": need, "state": state}


def _mask_text(route: Route, mask: int, *, missing: bool) -> str:
    parts = []
    for k, pre in enumerate(route.preconditions):
        if not mask >> k & 1:
            continue
        if missing:
            tag = "〔地方做法〕" if pre.local else ""
            parts.append(f"{pre.label}（{pre.basis}）{tag}" if pre.basis else f"{pre.label}{tag}")
        else:
            parts.append(f"{pre.label}：需{FACTS[pre.fact][2]}")
    return "；".join(parts)


def _next_text(route: Route, state: int) -> str:
    first = route.steps[0]
    return (f"{first.label}（{first.lead or route.lead}）", "补足条件或改选其他路径", "补充资料后重新判断")[
        state
    ]


def _categorical(keys: np.ndarray, text: Callable[[int], str]) -> pd.Categorical:
    """A categorical column from integer keys, each distinct key's text built once."""
    inverse, uniq = pd.factorize(keys)
    texts = [text(int(u)) for u in uniq]
    cats = list(dict.fromkeys(texts))
    where = {t: i for i, t in enumerate(cats)}
    codes = np.array([where[t] for t in texts], dtype=np.int64)[inverse] if len(uniq) else inverse
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=object))


def _assemble(ctx: _Context, routes: list[Route], parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    r = np.concatenate([np.full(len(p["pos"]), i) for i, p in enumerate(parts)])
    cols = {k: np.concatenate([p[k] for p in parts]) for k in ("pos", "ok", "miss", "need", "state")}
    order = np.lexsort((r, cols["pos"]))
    r = r[order]
    c = {k: v[order] for k, v in cols.items()}
    pcodes, pids = pd.factorize(ctx.parcels["parcel_id"].to_numpy(dtype=object))

    def by_route(attr: str) -> pd.Categorical:
        return _categorical(r, lambda k: str(getattr(routes[k], attr)))

    out = pd.DataFrame(
        {
            "parcel_id": pd.Categorical.from_codes(pcodes[c["pos"]], categories=pd.Index(pids, dtype=object)),
            "route": by_route("key"),
            "route_label": by_route("label"),
            "open": c["ok"],
            "state": pd.Categorical.from_codes(
                c["state"], categories=pd.Index(["open", "blocked", "unknown"], dtype=object)
            ),
            "missing": _categorical(
                (r << 32) | c["miss"], lambda k: _mask_text(routes[k >> 32], k & 0xFFFFFFFF, missing=True)
            ),
            "unknown": _categorical(
                (r << 32) | c["need"], lambda k: _mask_text(routes[k >> 32], k & 0xFFFFFFFF, missing=False)
            ),
            "next_step": _categorical((r << 2) | c["state"], lambda k: _next_text(routes[k >> 2], k & 3)),
            "lead": by_route("lead"),
            "basis": by_route("basis"),
        }
    )
    return out


def route_options(
    parcels: pd.DataFrame,
    /,
    *,
    encumbrances: pd.DataFrame | None = None,
    as_of: dt.date | str,
    routes: RouteCatalogue | str | Path | None = None,
    holidays: HolidayCalendar | str | Path | None = None,
    idle: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """List the revitalisation routes of each stalled or mortgaged parcel and whether each is open.

    Parameters
    ----------
    parcels : DataFrame or GeoDataFrame
        Canonical parcel table (``parcel_id``, ``categories``, ``status``, ``supply_method``,
        ``land_price_paid``, ``certificate_no``, ``invested``, ``total_investment`` … — missing
        columns make the checks that need them unknown).
    encumbrances : DataFrame, optional
        From :func:`~landkit.cases.read_encumbrances`. Without it every mortgage and seizure check
        is unknown (never assumed free).
    as_of : date or str
        The day the options are judged on.
    routes : RouteCatalogue or path, optional
        A route catalogue (default: the one shipped with landkit).
    holidays : HolidayCalendar or path, optional
        For the period arithmetic of seizure terms and the idle-land assessment.
    idle : DataFrame, optional
        :func:`landkit.rules.assess_idle` of ``parcels`` on ``as_of`` when already computed (aligned
        on ``parcels.index``; ``recovery_eligible`` and ``idle_cause`` are used). Otherwise it is
        computed for the idle-tagged parcels; untagged parcels are not idle land, so the 53号令
        recovery checks are false for them.

    Returns
    -------
    pandas.DataFrame
        One row per parcel × route that applies to its categories (a parcel with an active mortgage
        counts as 抵押 even untagged), columns :data:`OPTION_COLUMNS`: ``open`` (bool), ``state``
        (``open``/``blocked``/``unknown``), ``missing`` (unmet preconditions with their basis; local
        practice marked 〔地方做法〕), ``unknown`` (checks that need data), ``next_step``, ``lead``,
        ``basis`` (text columns are categoricals: few distinct values over many rows).
        ``attrs["labels"]`` maps columns to Chinese headers.

    Examples
    --------
    >>> import pandas as pd
    >>> parcels = pd.DataFrame({"parcel_id": ["431281101001GB00001"], "categories": ["stalled"],
    ...     "status": ["identified"], "supply_method": ["出让"], "land_price_paid": ["是"],
    ...     "certificate_no": ["湘(2019)洪江市不动产权第0001号"], "invested": [300.0],
    ...     "total_investment": [1000.0]})
    >>> enc = pd.DataFrame({"parcel_id": ["431281101001GB00001"], "kind": ["seizure"],
    ...     "seized_date": pd.to_datetime(["2024-01-05"])})
    >>> opts = route_options(parcels, encumbrances=enc, as_of="2024-06-30").set_index("route")
    >>> bool(opts.loc["transfer", "open"]), opts.loc["transfer", "missing"][:10]
    (False, '无查封（含轮候查封）')
    >>> bool(opts.loc["judicial", "open"])
    True
    """
    cat = routes if isinstance(routes, RouteCatalogue) else read_routes(routes)
    day = pd.Timestamp(as_of).date()
    if "parcel_id" not in parcels:
        from ..errors import DataFormatError

        raise DataFormatError("route_options needs a parcel_id column")
    ctx = _Context(
        parcels=parcels, encumbrances=encumbrances, as_of=day, params=cat.params, holidays=holidays
    )
    if idle is not None:
        if not idle.index.equals(parcels.index):
            from ..errors import DataFormatError

            raise DataFormatError("idle= must be assess_idle(parcels, ...) aligned on parcels.index")
        ctx._idle = idle[["recovery_eligible", "idle_cause"]]
    mortgaged = _check(ctx, "mortgaged").fillna(False).to_numpy(bool)
    has = {c: ctx.has(c) for c in CATEGORIES}
    used, parts = [], []
    for route in cat.routes.values():
        rows = np.zeros(len(parcels), bool)
        for c in route.applies_to:
            rows |= has[c] | (mortgaged if c == "mortgaged" else False)
        if rows.any():
            used.append(route)
            parts.append(_route_codes(ctx, route, rows))
    if not parts:
        out = pd.DataFrame(columns=list(OPTION_COLUMNS)).astype({"open": bool})
    else:
        out = _assemble(ctx, used, parts)
    out.attrs["labels"] = dict(OPTION_COLUMNS)
    out.attrs["states"] = dict(_STATES)
    return out

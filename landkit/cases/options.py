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
from ..schema import split_categories
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

    def col(self, name: str) -> pd.Series:
        p = self.parcels
        return p[name] if name in p else pd.Series(None, index=p.index, dtype=object)

    def tags(self) -> pd.Series:
        if "_tags" not in self.cache:
            cats = self.col("categories").astype(object)
            uniq = {v: frozenset(split_categories(v)) for v in pd.unique(cats)}
            self.cache["_tags"] = (cats.map(uniq), "")
        return self.cache["_tags"][0]

    def facts(self) -> pd.DataFrame | None:
        if self.encumbrances is not None and self._facts is None:
            self._facts = encumbrance_facts(
                self.parcels, self.encumbrances, as_of=self.as_of, holidays=self.holidays
            )
        return self._facts

    def idle(self) -> pd.DataFrame:
        if self._idle is None:
            from ..rules import assess_idle

            self._idle = assess_idle(self.parcels, as_of=self.as_of, holidays=self.holidays)
        return self._idle


def _nb(values: Any, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(values, dtype="boolean"), index=index)


def _unknown(ctx: _Context) -> pd.Series:
    return _nb([pd.NA] * len(ctx.parcels), ctx.parcels.index)


def _has_tag(tag: str) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        return _nb(ctx.tags().map(lambda t: tag in t).to_numpy(bool), ctx.parcels.index)

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
        tagged = ctx.tags().map(lambda t: "mortgaged" in t).to_numpy(bool)
        return _nb(np.where(tagged, True, pd.NA), ctx.parcels.index)
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
    text = ctx.col("certificate_no").astype(object)
    held = text.notna() & (text.astype(str).str.strip() != "")
    return _nb(np.where(held, True, pd.NA), ctx.parcels.index)


def _investment(ctx: _Context) -> pd.Series:
    share = ctx.params["investment_share"]
    inv = pd.to_numeric(ctx.col("invested"), errors="coerce").to_numpy(float)
    tot = pd.to_numeric(ctx.col("total_investment"), errors="coerce").to_numpy(float)
    known = ~np.isnan(inv) & ~np.isnan(tot) & (tot > 0)
    met = inv * share.denominator >= tot * share.numerator  # exact at the boundary for whole 万元
    return _nb(np.where(known, met, pd.NA), ctx.parcels.index)


def _idle_determined(ctx: _Context) -> pd.Series:
    status = ctx.col("status").astype(object)
    idle = ctx.tags().map(lambda t: "idle" in t).to_numpy(bool)
    ok = status.isin(["identified", "in_disposal", "已认定", "处置中"]).to_numpy(bool) & idle
    return _nb(np.where(status.isna().to_numpy(), pd.NA, ok), ctx.parcels.index)


def _recovery(*, negate: bool) -> Callable[[_Context], pd.Series]:
    def check(ctx: _Context) -> pd.Series:
        v = ctx.idle()["recovery_eligible"].astype("boolean")
        return ~v if negate else v

    return check


def _government_cause(ctx: _Context) -> pd.Series:
    cause = ctx.idle()["idle_cause"].astype(object)
    gov = cause.isin(["government", "force_majeure"]).to_numpy(bool)
    return _nb(
        np.where(cause.isin(["holder"]).to_numpy(bool), False, np.where(gov, True, pd.NA)), ctx.parcels.index
    )


def _debt_within(ctx: _Context) -> pd.Series:
    facts = ctx.facts()
    if facts is None:
        return _unknown(ctx)
    limit = ctx.params["debt_ratio_max"]
    debt, value = facts["secured_debt"].to_numpy(float), facts["appraised_value"].to_numpy(float)
    known = ~np.isnan(debt) & ~np.isnan(value) & (value > 0)
    return _nb(np.where(known, debt * limit.denominator <= value * limit.numerator, pd.NA), ctx.parcels.index)


def _recovered(ctx: _Context) -> pd.Series:
    status = ctx.col("status").astype(object)
    reserve = ctx.tags().map(lambda t: "reserve" in t).to_numpy(bool)
    ok = status.isin(["recovered", "reserved", "已收回", "已储备"]).to_numpy(bool) | reserve
    return _nb(np.where(status.isna().to_numpy() & ~reserve, pd.NA, ok), ctx.parcels.index)


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
    "recovery_eligible": ("使用权人原因闲置满两年", _recovery(negate=False), "约定动工日期、闲置原因"),
    "not_recovery_eligible": ("尚不满足无偿收回条件", _recovery(negate=True), "约定动工日期、闲置原因"),
    "government_cause": ("政府原因或不可抗力造成闲置", _government_cause, "闲置原因"),
    "debt_within_value": ("担保债权不超过评估价值", _debt_within, "债权数额、评估价值"),
    "recovered": ("已收回或已入库储备", _recovered, "处置状态"),
}


def _check(ctx: _Context, fact: str) -> pd.Series:
    if fact not in ctx.cache:
        ctx.cache[fact] = (FACTS[fact][1](ctx).astype("boolean"), FACTS[fact][2])
    return ctx.cache[fact][0]


def _join(parts: list[np.ndarray], n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for part in parts:
        sep = np.where((out != "") & (part != ""), "；", "")
        out = out + sep + part
    return out


def _route_rows(ctx: _Context, route: Route, rows: np.ndarray) -> pd.DataFrame:
    n = int(rows.sum())
    ok = np.ones(n, bool)
    unknown = np.zeros(n, bool)
    missing, needs = [], []
    for pre in route.preconditions:
        v = _check(ctx, pre.fact)[rows]
        na = v.isna().to_numpy()
        false = (~v.fillna(True)).to_numpy(bool)
        tag = "〔地方做法〕" if pre.local else ""
        why = f"{pre.label}（{pre.basis}）{tag}" if pre.basis else f"{pre.label}{tag}"
        missing.append(np.where(false, why, ""))
        needs.append(np.where(na, f"{pre.label}：需{FACTS[pre.fact][2]}", ""))
        ok &= ~false & ~na
        unknown |= na
    blocked = np.zeros(n, bool)
    miss = _join(missing, n)
    blocked = miss != ""
    first = route.steps[0]
    state = np.where(ok, "open", np.where(blocked, "blocked", "unknown"))
    next_step = np.where(
        ok,
        f"{first.label}（{first.lead or route.lead}）",
        np.where(blocked, "补足条件或改选其他路径", "补充资料后重新判断"),
    )
    return pd.DataFrame(
        {
            "parcel_id": ctx.parcels["parcel_id"].to_numpy()[rows],
            "route": route.key,
            "route_label": route.label,
            "open": ok,
            "state": state,
            "missing": miss,
            "unknown": _join(needs, n),
            "next_step": next_step,
            "lead": route.lead,
            "basis": route.basis,
            "_pos": np.flatnonzero(rows),
        }
    )


def route_options(
    parcels: pd.DataFrame,
    /,
    *,
    encumbrances: pd.DataFrame | None = None,
    as_of: dt.date | str,
    routes: RouteCatalogue | str | Path | None = None,
    holidays: HolidayCalendar | str | Path | None = None,
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

    Returns
    -------
    pandas.DataFrame
        One row per parcel × route that applies to its categories (a parcel with an active mortgage
        counts as 抵押 even untagged), columns :data:`OPTION_COLUMNS`: ``open`` (bool), ``state``
        (``open``/``blocked``/``unknown``), ``missing`` (unmet preconditions with their basis; local
        practice marked 〔地方做法〕), ``unknown`` (checks that need data), ``next_step``, ``lead``,
        ``basis``. ``attrs["labels"]`` maps columns to Chinese headers.

    Examples
    --------
    >>> import pandas as pd
    >>> parcels = pd.DataFrame({"parcel_id": ["431281101001GB00001"], "categories": ["stalled"],
    ...     "status": ["identified"], "supply_method": ["出让"], "land_price_paid": ["是"],
    ...     "certificate_no": ["湘(2019)洪江市不动产权第0001号"], "invested": [300.0], "total_investment": [1000.0]})
    >>> enc = pd.DataFrame({"parcel_id": ["431281101001GB00001"], "kind": ["seizure"],
    ...     "seized_date": pd.to_datetime(["2024-01-05"])})
    >>> opts = route_options(parcels, encumbrances=enc, as_of="2024-06-30").set_index("route")
    >>> bool(opts.loc["transfer", "open"]), opts.loc["transfer", "missing"]
    (False, '无查封（含轮候查封）（查封的不动产不得转让（《城市房地产管理法》第三十八条第(二)项：司法机关依法裁定查封的；条号待核））')
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
    tags = ctx.tags()
    mortgaged = _check(ctx, "mortgaged").fillna(False).to_numpy(bool)
    frames = []
    for route in cat.routes.values():
        rows = np.zeros(len(parcels), bool)
        for c in route.applies_to:
            rows |= tags.map(lambda t, c=c: c in t).to_numpy(bool)
            if c == "mortgaged":
                rows |= mortgaged
        if rows.any():
            frames.append(_route_rows(ctx, route, rows))
    cols = list(OPTION_COLUMNS)
    if not frames:
        out = pd.DataFrame(columns=cols)
    else:
        order = list(cat.routes)
        out = pd.concat(frames, ignore_index=True)
        out["_r"] = out["route"].map({k: i for i, k in enumerate(order)})
        out = out.sort_values(["_pos", "_r"], kind="stable")[cols].reset_index(drop=True)
    out["open"] = out["open"].astype(bool)
    out.attrs["labels"] = dict(OPTION_COLUMNS)
    out.attrs["states"] = dict(_STATES)
    return out

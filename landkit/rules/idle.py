"""Idle land under 《闲置土地处置办法》 (国土资源部令第53号), parcel by parcel.

The rules, with the articles they come from (numbers in ``statute_53.toml``, not in code):

- **Scope (Art. 2)**: state-owned (国有) construction land supplied by 出让 or 划拨, matched as whole
  values from the vocabularies in ``statute_53.toml`` (``非国有`` is not ``国有``). Collective land,
  unsupplied reserve land and other supply methods are ``not_applicable``; a value in no vocabulary
  is ``unknown`` and named.
- **Not started (Art. 2 ¶1)**: idle when a full year has passed after the agreed start date
  (动工开发日期) without a start. ``actual_start_date`` means 动工开发 as the closing definitions of
  53号令 define it (construction permit obtained and the deep pit excavated, all foundation piles
  driven, or one third of the foundation done) — not a ground-breaking ceremony. Periods follow
  民法典 arts. 201–203 (:mod:`landkit.rules.dates`):
  agreed start 2022-03-15 → idle from 2023-03-16; 2020-02-29 → idle from 2021-03-01.
- **Stalled (Art. 2 ¶2, discretionary "也可以认定")**: started, developed area < 1/3 of the area to
  be developed **or** investment < 25% of total investment (land price and taxes excluded), and
  stopped for a full year. Exactly 1/3 or exactly 25% is *not* below the line. 已投资额 and 总投资额
  are meant as Art. 30 defines them (land price and taxes excluded).
- **Cause (Art. 8)**: read by :mod:`landkit.rules.causes` (a structured ``idle_cause_code`` wins over
  the free text; negations are scoped per clause). A government act (items 1–6) or force majeure
  (Art. 8 ¶2) that has been found true on review ("经审核属实") puts the parcel on the **negotiated
  track** (Arts. 12 and 13: extend the start by ≤ 1 year, change use or planning conditions,
  temporary use ≤ 2 years, negotiated paid recovery, land swap); one that is only claimed is on the
  ``review`` track — no fee, no recovery, review first. A holder cause puts it on the **penalty
  track** (Art. 14): idle ≥ ``fee_years`` full years → 土地闲置费 of 20% of the 出让/划拨 price;
  ≥ ``recovery_years`` → recovery without compensation. An unknown or contradictory cause gives
  neither.
- **Restarted clock (Art. 12)**: after an extension or another negotiated measure the parcel carries
  the new date in ``agreed_start_date`` and the old one in ``original_agreed_start_date``; the
  clock runs from the new date and the old one is reported, never overwritten.
- **Missing facts** give ``unknown`` with the missing field named in ``idle_missing``; nothing is guessed.
- **Imprecise dates** (``X_precision`` = ``month`` / ``year``, see
  :func:`~landkit.rules.dates.date_interval`):
  a question is answered only when the answer is the same for every day of the period; otherwise
  ``unknown`` with "未知——需要精确日期". A fee or recovery is never given from an imprecise date,
  since the decision must state the day idleness began.
- **Holidays**: see :mod:`landkit.rules.dates`; dates whose year has no calendar are not moved and
  ``idle_date_check`` says "未核实：缺少YYYY年节假日日历".

Input columns (canonical, :mod:`landkit.schema`): ``ownership``, ``supply_method``,
``agreed_start_date``, ``original_agreed_start_date``, ``actual_start_date``, ``stop_date``,
``construction_status``, ``built_area_m2``, ``approved_area_m2``, ``invested``,
``total_investment``, ``idle_cause``, ``idle_cause_code``, ``idle_cause_verified``, ``land_price``
(万元), ``categories``, ``mortgagee``, and ``X_precision`` beside any date column ``X``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import LandkitWarning
from ..schema import CONSTRUCTION_STATUSES, split_categories
from ._config import fraction, load_statute
from .causes import CAUSES, Cause, cause_of, classify_cause
from .dates import (
    HolidayCalendar,
    calendar_check,
    date_interval,
    day_after_period,
    full_years,
    to_calendar,
    to_date,
)

__all__ = ["BASES", "CAUSES", "CAUSE_STATUSES", "IDLE_COLUMNS", "TRACKS", "assess_idle", "classify_cause"]

_LAW = "《闲置土地处置办法》"
_EXACT = "未知——需要精确日期"

#: Output columns of :func:`assess_idle` → Chinese labels.
IDLE_COLUMNS: dict[str, str] = {
    "idle_basis": "闲置认定依据",
    "idle_since": "闲置起始日",
    "idle_years": "闲置满年数",
    "idle_clock_start": "起算日",
    "idle_cause": "闲置原因类型",
    "idle_art8": "第八条情形",
    "idle_cause_status": "原因审核",
    "idle_track": "处置路径",
    "idle_fee": "土地闲置费(万元)",
    "recovery_eligible": "可无偿收回",
    "recovery_from": "可无偿收回起始日",
    "idle_next_step": "下一步",
    "idle_next_date": "下一步日期",
    "idle_date_check": "日期核实",
    "idle_article": "依据条款",
    "idle_missing": "缺少字段",
    "idle_note": "说明",
}
#: ``idle_basis`` values → Chinese labels.
BASES: dict[str, str] = {
    "not_started": "未动工满一年（第二条第一款）",
    "stalled": "已动工但开发不足并中止满一年（第二条第二款）",
    "none": "不构成闲置",
    "not_applicable": "不适用",
    "unknown": "无法判断（缺少资料）",
}
#: ``idle_track`` values → Chinese labels.
TRACKS: dict[str, str] = {
    "penalty": "征缴闲置费/无偿收回（第十四条）",
    "negotiated": "协商处置（第八条、第十二条、第十三条）",
    "review": "政府原因待审核（第八条：经审核属实方可协商处置）",
    "unknown": "待查明原因",
}
#: ``idle_cause_status`` values → Chinese labels (Art. 8: "经审核属实").
CAUSE_STATUSES: dict[str, str] = {"verified": "经审核属实", "claimed": "使用权人主张，待审核"}
_STATUS_KEYS = {v: k for k, v in CONSTRUCTION_STATUSES.items()} | {k: k for k in CONSTRUCTION_STATUSES}
_DATES = ("agreed_start_date", "original_agreed_start_date", "actual_start_date", "stop_date")
_INPUTS = (
    "ownership", "supply_method", *_DATES, "construction_status", "built_area_m2", "approved_area_m2",
    "invested", "total_investment", "idle_cause", "idle_cause_code", "idle_cause_verified", "land_price",
    "categories", "mortgagee", *(f"{d}_precision" for d in _DATES),
)  # fmt: skip
_LABELS = {"agreed_start_date": "约定动工日期", "actual_start_date": "实际动工日期", "stop_date": "停工日期"}
_PRECISION_WORD = {"month": "月", "year": "年"}

Answer = dict[str, Any]


def _value(v: Any) -> Any:
    if v is None:
        return None
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def _text(v: Any) -> str | None:
    v = _value(v)
    return None if v is None or not str(v).strip() else str(v).strip()


@dataclass(frozen=True)
class _Day:
    """A recorded date as the interval of days it may stand for."""

    field: str
    lo: dt.date
    hi: dt.date
    precision: str | None

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.lo.year}"
        return f"{self.lo:%Y-%m}" if self.precision == "month" else self.lo.isoformat()


def _day(r: dict[str, Any], name: str) -> _Day | None:
    precision = _text(r.get(f"{name}_precision"))
    span = date_interval(r[name], precision)
    return None if span is None else _Day(name, span[0], span[1], precision if span[0] != span[1] else None)


@dataclass
class _Case:
    """One parcel on its way through the questions, with the notes gathered so far."""

    r: dict[str, Any]
    as_of: dt.date
    rules: dict[str, Any]
    calendar: HolidayCalendar | None
    notes: list[str] = field(default_factory=list)

    def answer(self, **values: Any) -> Answer:
        note = "；".join(filter(None, [*self.notes, values.pop("idle_note", "")]))
        return {"idle_missing": "", **values, "idle_note": note}

    def unknown(self, *fields: str, note: str = "") -> Answer:
        return self.answer(
            idle_basis="unknown",
            idle_missing=",".join(fields),
            idle_next_step="补充资料：" + "、".join(fields),
            idle_note=note or f"缺少 {'、'.join(fields)}，无法判断",
        )

    def needs_exact(self, day: _Day, why: str) -> Answer:
        return self.answer(
            idle_basis="unknown",
            idle_missing=day.field,
            idle_next_step=f"补充精确日期：{day.field}",
            idle_note=f"{_EXACT}（{_LABELS.get(day.field, day.field)}只精确到"
            f"{_PRECISION_WORD.get(day.precision or '', '')}：{day}），{why}",
        )


# -- 第二条: in scope? ----------------------------------------------------------------------------


def _vocabulary(value: str | None, inside: list[str], outside: list[str]) -> str | None:
    """'yes' / 'no' / 'unknown' for a whole value against two vocabularies; None when missing."""
    if value is None:
        return None
    v = "".join(value.split())
    return "yes" if v in inside else "no" if v in outside else "unknown"


def in_scope(case: _Case) -> Answer | None:
    """第二条: state-owned construction land supplied by 出让 or 划拨 — None when in scope."""
    scope, r = case.rules["scope"], case.r
    ownership, supply = _text(r["ownership"]), _text(r["supply_method"])
    own = _vocabulary(ownership, scope["ownership"], scope.get("ownership_outside", []))
    if own is None:
        return case.unknown("ownership")
    if own == "unknown":
        return case.unknown("ownership", note=f"权属性质“{ownership}”不在词表中，请核实（第二条）")
    if own == "no":
        return case.answer(
            idle_basis="not_applicable",
            idle_note=f"权属性质为{ownership}，非国有建设用地（第二条）",
            idle_article=f"{_LAW}第二条",
        )
    how = _vocabulary(supply, scope["supply_methods"], scope.get("supply_outside", []))
    if how is None:
        if "reserve" in split_categories(_value(r["categories"])):
            return case.answer(
                idle_basis="not_applicable",
                idle_note="储备土地，尚未供应（第二条）",
                idle_article=f"{_LAW}第二条",
            )
        return case.unknown("supply_method")
    if how == "unknown":
        return case.unknown("supply_method", note=f"供地方式“{supply}”不在词表中，请核实（第二条）")
    if how == "no":
        return case.answer(
            idle_basis="not_applicable",
            idle_note=f"供地方式为{supply}，不属出让或划拨（第二条）",
            idle_article=f"{_LAW}第二条",
        )
    return None


# -- 第二条 and the closing definition of 动工开发: started? ------------------------------------------


def started(case: _Case) -> bool | Answer:
    """Has 动工开发 (closing definitions of 53号令) happened by ``as_of``? An answer when unknown."""
    actual = _day(case.r, "actual_start_date")
    status = _STATUS_KEYS.get(_text(case.r["construction_status"]) or "", None)
    if actual is not None:
        if actual.hi <= case.as_of:
            return True
        if actual.lo > case.as_of:
            return False
        return case.needs_exact(actual, "无法判断评估日前是否已动工")
    if status is not None:
        return status != "not_started"
    return case.unknown("actual_start_date", note="无实际动工日期，也无建设状况")


@dataclass(frozen=True)
class _Clock:
    """What the one-year period runs from: the agreed start (Art. 2 ¶1) or the stop (Art. 2 ¶2)."""

    day: _Day
    basis: str
    years: int
    article: str


def _stalled_clock(case: _Case, actual: str) -> _Clock | Answer:
    """第二条第二款: started, below 1/3 of area or 25% of investment (第三十条), stopped a full year."""
    r, idle_rules = case.r, case.rules["idle"]
    status = _STATUS_KEYS.get(_text(r["construction_status"]) or "", None)
    if status == "completed":
        return case.answer(idle_basis="none", idle_note="已竣工")
    stop = _day(r, "stop_date")
    if stop is None:
        if status == "stalled":
            return case.unknown("stop_date", note="建设状况为停工，但无停工日期")
        return case.answer(idle_basis="none", idle_note=f"已于{actual}动工，未记录停工")
    if stop.lo > case.as_of:
        return case.answer(idle_basis="none", idle_note=f"停工日期{stop}在评估日之后")
    area_share = fraction(idle_rules["developed_area_share"], where="idle.developed_area_share")
    inv_share = fraction(idle_rules["investment_share"], where="idle.investment_share")
    area_below = _below(r["built_area_m2"], r["approved_area_m2"], area_share)
    inv_below = _below(r["invested"], r["total_investment"], inv_share)
    if not (area_below or inv_below):
        if area_below is None or inv_below is None:
            missing = [] if area_below is not None else ["built_area_m2", "approved_area_m2"]
            missing += [] if inv_below is not None else ["invested", "total_investment"]
            missing = [m for m in missing if _value(r[m]) is None]
            return case.unknown(*missing, note="已动工停工，无法比较第二条第二款的面积或投资比例")
        return case.answer(
            idle_basis="none",
            idle_note=f"已开发面积不低于{area_share}且投资不低于{float(inv_share):.0%}，"
            "属开发未完成（低效用地），非第二条第二款闲置",
        )
    which = [f"已开发面积不足{area_share}"] if area_below else []
    which += [f"已投资额不足{float(inv_share):.0%}"] if inv_below else []
    case.notes.append("、".join(which) + f"，{stop}停工")
    return _Clock(
        stop, "stalled", int(idle_rules["stopped_years"]), f"{_LAW}第二条第二款（可以认定）；第三十条"
    )


def idle_clock(case: _Case) -> _Clock | Answer:
    """第二条 (and 第十二条 for a restarted clock): which date the one-year period runs from."""
    agreed = _day(case.r, "agreed_start_date")
    if agreed is None:
        return case.unknown("agreed_start_date")
    original = _day(case.r, "original_agreed_start_date")
    if original is not None and (original.lo, original.hi) != (agreed.lo, agreed.hi):
        case.notes.append(f"依第十二条协议处置后自新约定动工日期{agreed}重新起算（原约定{original}）")
    begun = started(case)
    if isinstance(begun, dict):
        return begun
    if not begun:
        years = int(case.rules["idle"]["not_started_years"])
        return _Clock(agreed, "not_started", years, f"{_LAW}第二条第一款")
    actual = _day(case.r, "actual_start_date")
    return _stalled_clock(case, str(actual) if actual is not None else "（日期不详）")


def _below(part: Any, whole: Any, share: Fraction) -> bool | None:
    p, w = _value(part), _value(whole)
    if p is None or w is None:
        return None
    return Fraction(float(p)) < share * Fraction(float(w))


# -- 第二条 with 民法典 arts. 201–203: idle since? -------------------------------------------------------


def idle_since(case: _Case, clock: _Clock) -> dt.date | Answer | None:
    """First idle day (None when the date is imprecise but idle on every day it may stand for)."""
    first = day_after_period(clock.day.lo, years=clock.years, holidays=case.calendar)
    last = day_after_period(clock.day.hi, years=clock.years, holidays=case.calendar)
    if case.as_of < first:
        check = "届时核查是否动工" if clock.basis == "not_started" else "届时核查是否复工"
        if clock.day.exact:
            note = f"一年期间至{first - dt.timedelta(days=1)}届满，{first}起未动工即构成闲置"
        else:
            note = f"一年期间最早至{first - dt.timedelta(days=1)}届满；{_EXACT}以确定闲置起始日"
        return case.answer(
            idle_basis="none",
            idle_clock_start=clock.day.lo if clock.day.exact else None,
            idle_next_step=check,
            idle_next_date=first,
            idle_date_check=calendar_check(first - dt.timedelta(days=1), case.calendar),
            idle_note=note,
        )
    if case.as_of < last:
        return case.needs_exact(clock.day, f"评估日{case.as_of}落在可能的闲置起始日{first}至{last}之间")
    if not clock.day.exact:
        case.notes.append(
            f"{_LABELS[clock.day.field]}只精确到{_PRECISION_WORD[clock.day.precision or 'month']}"
            f"（{clock.day}），任一日起算均已闲置；闲置起始日{_EXACT}"
        )
        return None
    return first


# -- 第八条 → 第十二条、第十三条 / 第十四条: which track? ---------------------------------------------------


def track(case: _Case, clock: _Clock, cause: Cause) -> Answer:
    """The track the cause puts an idle parcel on, with what the statute allows on it."""
    if cause.note:
        case.notes.append(cause.note)
    if cause.kind == "unknown":
        case.notes.append("闲置原因未记录或无法判定：闲置费和收回无法判断")
        return {
            "idle_track": "unknown",
            "idle_missing": "idle_cause",
            "idle_next_step": "调查核实闲置原因，发出《闲置土地调查通知书》（第五条）",
            "idle_article": clock.article,
        }
    if cause.kind == "holder":
        return {"idle_track": "penalty"}
    if cause.status == "claimed":
        return {
            "idle_track": "review",
            "idle_next_step": "审核使用权人提交的闲置原因说明材料：经审核属实的按第十二条、第十三条协商处置，"
            "不属实的按第十四条处置（第八条）",
            "idle_article": f"{clock.article}；第八条",
        }
    if cause.kind == "government" and cause.item is None:
        case.notes.append("政府原因未写明第八条第一款所属情形")
    return {
        "idle_track": "negotiated",
        "idle_fee": 0.0,
        "recovery_eligible": False,
        "idle_next_step": "协商处置（第十二条）：延长动工期限（不超过一年）、调整用途或规划条件、"
        "临时使用（不超过两年）、协议有偿收回、置换土地等",
        "idle_article": f"{clock.article}；第八条；第十二条、第十三条",
    }


# -- 第十四条: fee? recovery? next step? -------------------------------------------------------------------


def fee(case: _Case, clock: _Clock, years: int) -> tuple[float | None, str]:
    """第十四条第一项: 20% of the 出让/划拨 price once ``fee_years`` full years have passed."""
    penalty = case.rules["penalty"]
    if years < int(penalty["fee_years"]):
        due = day_after_period(clock.day.lo, years=int(penalty["fee_years"]), holidays=case.calendar)
        case.notes.append(f"闲置未满{penalty['fee_years']}年，{due}起可征缴土地闲置费")
        return None, ""
    price = _value(case.r["land_price"])
    if price is None:
        case.notes.append("缺少出让(划拨)价款，闲置费无法计算")
        return None, "land_price"
    rate = fraction(penalty["fee_rate"], where="penalty.fee_rate")
    return round(float(price) * float(rate), 4), ""


def recovery(case: _Case, clock: _Clock, years: int) -> tuple[bool, dt.date]:
    """第十四条第二项: recovery without compensation after ``recovery_years`` full years."""
    n = int(case.rules["penalty"]["recovery_years"])
    return years >= n, day_after_period(clock.day.lo, years=n, holidays=case.calendar)


def penalty_step(case: _Case, clock: _Clock, since: dt.date) -> Answer:
    """Fee, recovery and the next decision on the penalty track (第十四条, 抄送抵押权人)."""
    years = full_years(clock.day.lo, case.as_of, holidays=case.calendar)
    amount, missing = fee(case, clock, years)
    eligible, recovery_from = recovery(case, clock, years)
    copy = "，抄送抵押权人" if _text(case.r["mortgagee"]) else ""
    out: Answer = {"idle_fee": amount, "recovery_eligible": eligible, "recovery_from": recovery_from}
    out["idle_missing"] = missing
    checks = {calendar_check(d - dt.timedelta(days=1), case.calendar) for d in (since, recovery_from)}
    out["idle_date_check"] = "；".join(sorted(filter(None, checks)))
    if eligible:
        return out | {
            "idle_next_step": "报有批准权的人民政府批准后下达《收回国有建设用地使用权决定书》，"
            f"无偿收回{copy}",
            "idle_next_date": recovery_from,
            "idle_article": f"{clock.article}；第十四条第二项",
        }
    rate = fraction(case.rules["penalty"]["fee_rate"], where="penalty.fee_rate")
    return out | {
        "idle_next_step": f"报本级人民政府批准后下达《征缴土地闲置费决定书》（{float(rate):.0%}）；"
        f"{recovery_from}起仍未动工可无偿收回{copy}",
        "idle_next_date": since,
        "idle_article": f"{clock.article}；第十四条第一项",
    }


def _assess_one(
    r: dict[str, Any], as_of: dt.date, rules: dict[str, Any], holidays: HolidayCalendar | None
) -> Answer:
    case = _Case(r, as_of, rules, holidays)
    outside = in_scope(case)
    if outside is not None:
        return outside
    clock = idle_clock(case)
    if isinstance(clock, dict):
        return clock
    since = idle_since(case, clock)
    if isinstance(since, dict):
        return since
    cause = cause_of(r, rules)
    out: Answer = {
        "idle_basis": clock.basis,
        "idle_since": since,
        "idle_clock_start": clock.day.lo if since else None,
        "idle_cause": cause.kind,
        "idle_art8": cause.item,
        "idle_cause_status": cause.status,
        "idle_next_date": since,
        "idle_article": clock.article,
    }
    lo_years = full_years(clock.day.lo, as_of, holidays=holidays)
    if lo_years == full_years(clock.day.hi, as_of, holidays=holidays):
        out["idle_years"] = lo_years
    if since is not None:
        out["idle_date_check"] = calendar_check(since - dt.timedelta(days=1), holidays)
    out.update(track(case, clock, cause))
    if out["idle_track"] == "penalty":
        if since is None:
            out.update(idle_missing=clock.day.field, idle_next_step=f"补充精确日期：{clock.day.field}")
            case.notes.append(f"土地闲置费和无偿收回{_EXACT}：决定书须写明闲置起始日")
        else:
            out.update(penalty_step(case, clock, since))
    return case.answer(**out)


def _rethrow_calendar_warnings(caught: list[warnings.WarningMessage]) -> None:
    outside = [w for w in caught if "outside the holiday calendar" in str(w.message)]
    for w in caught:
        if w not in outside:
            warnings.warn(w.message, w.category, stacklevel=3)
    if outside:
        days = sorted({str(w.message).split(" is outside")[0] for w in outside})
        warnings.warn(
            f"{len(days)} day(s) fell outside the years of the holiday calendar "
            f"({', '.join(days[:3])}{' …' if len(days) > 3 else ''}); "
            "only weekends were treated as rest days there",
            LandkitWarning,
            stacklevel=3,
        )


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    for c in ("idle_since", "idle_clock_start", "recovery_from", "idle_next_date"):
        out[c] = pd.to_datetime(out[c].astype(object))
    out["idle_years"] = out["idle_years"].astype("Int64")
    out["idle_fee"] = out["idle_fee"].astype(float)
    out["recovery_eligible"] = out["recovery_eligible"].astype("boolean")
    for c in ("idle_basis", "idle_cause", "idle_art8", "idle_track", "idle_next_step", "idle_article"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    for c in ("idle_missing", "idle_note", "idle_cause_status", "idle_date_check"):
        out[c] = out[c].astype(object).where(out[c].notna(), "")
    return out


def assess_idle(
    parcels: pd.DataFrame,
    /,
    *,
    as_of: dt.date | str,
    holidays: HolidayCalendar | str | Path | None = None,
    statute: str | Path | None = None,
) -> pd.DataFrame:
    """Assess each parcel under 53号令: basis, idle date, cause, track, fee, recovery, next step.

    Parameters
    ----------
    parcels : DataFrame or GeoDataFrame
        Parcels in canonical columns (see the module docstring). Absent columns count as missing.
    as_of : date or str
        The assessment date (e.g. the day of the survey).
    holidays : HolidayCalendar or path, optional
        When given, a one- or two-year period whose last day is a rest day ends on the next working
        day (民法典 art. 203). For a year the calendar does not cover (or with none) no shift is
        made and ``idle_date_check`` says "未核实：缺少YYYY年节假日日历".
    statute : path, optional
        A replacement for the bundled ``statute_53.toml``.

    Returns
    -------
    DataFrame
        Aligned on ``parcels.index`` with the columns of :data:`IDLE_COLUMNS`: ``idle_basis``
        (:data:`BASES`), ``idle_since``, ``idle_years`` (whole years), ``idle_clock_start``,
        ``idle_cause`` (:data:`CAUSES`), ``idle_art8``, ``idle_cause_status``
        (:data:`CAUSE_STATUSES`; a government cause from text alone is ``claimed``),
        ``idle_track`` (:data:`TRACKS`),
        ``idle_fee`` (万元; the one-off Art. 14(1) fee, 20% of ``land_price``, due once
        ``fee_years`` full years have passed and still shown when recovery under Art. 14(2) has
        become possible; 0 on the negotiated track; NaN when not due or unknown — always NaN for an
        imprecise date or an unknown, contradictory or unreviewed cause),
        ``recovery_eligible`` (nullable bool), ``recovery_from``, ``idle_next_step``,
        ``idle_next_date`` (the earliest day the step may be taken), ``idle_date_check``
        (holiday-calendar coverage of the computed dates), ``idle_article``,
        ``idle_missing`` (canonical names of the fields that were needed but missing) and
        ``idle_note`` (a Chinese explanation).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"ownership": ["国有"], "supply_method": ["出让"],
    ...                   "agreed_start_date": ["2022-03-15"], "construction_status": ["not_started"],
    ...                   "idle_cause": ["企业原因"], "land_price": [500.0]})
    >>> r = assess_idle(p, as_of="2024-03-16")
    >>> r.loc[0, "idle_basis"], int(r.loc[0, "idle_years"]), float(r.loc[0, "idle_fee"])
    ('not_started', 2, 100.0)
    >>> str(r.loc[0, "idle_since"].date()), bool(r.loc[0, "recovery_eligible"])
    ('2023-03-16', True)

    A start date known only to the month gives no fee:

    >>> p2 = p.assign(agreed_start_date=["2022-03-01"], agreed_start_date_precision=["month"])
    >>> r2 = assess_idle(p2, as_of="2024-03-16")
    >>> r2.loc[0, "idle_basis"], bool(pd.isna(r2.loc[0, "idle_fee"])), r2.loc[0, "idle_missing"]
    ('not_started', True, 'agreed_start_date')
    """
    day = to_date(as_of)
    if day is None:
        raise ValueError("as_of must be a date")
    rules = load_statute(statute)
    records: list[dict[str, Any]] = parcels.reindex(columns=list(_INPUTS)).astype(object).to_dict("records")  # type: ignore[assignment]
    calendar = to_calendar(holidays)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LandkitWarning)
        rows = [_assess_one(r, day, rules, calendar) for r in records]
    _rethrow_calendar_warnings(caught)
    return _typed(pd.DataFrame(rows, index=parcels.index).reindex(columns=list(IDLE_COLUMNS)))

"""Idle land under 《闲置土地处置办法》 (国土资源部令第53号), parcel by parcel.

The rules, with the articles they come from (numbers in ``statute_53.toml``, not in code):

- **Scope (Art. 2)**: state-owned (国有) construction land supplied by 出让 or 划拨. Collective land,
  unsupplied reserve land and other supply methods are ``not_applicable``.
- **Not started (Art. 2 ¶1)**: idle when a full year has passed after the agreed start date
  (动工开发日期) without a start. Periods follow 民法典 arts. 201–203 (:mod:`landkit.rules.dates`):
  agreed start 2022-03-15 → idle from 2023-03-16; 2020-02-29 → idle from 2021-03-01.
- **Stalled (Art. 2 ¶2, discretionary "也可以认定")**: started, developed area < 1/3 of the area to
  be developed **or** investment < 25% of total investment (land price and taxes excluded), and
  stopped for a full year. Exactly 1/3 or exactly 25% is *not* below the line.
- **Cause (Art. 8)**: government acts (items 1–6) or force majeure (Art. 8 ¶2) put the parcel on
  the **negotiated track** (Art. 12: extend the start by ≤ 1 year, change use or planning
  conditions, temporary use ≤ 2 years, negotiated paid recovery, land swap). A holder cause puts it
  on the **penalty track** (Art. 14): idle ≥ 1 full year → 土地闲置费 of 20% of the 出让/划拨 price;
  ≥ 2 full years → recovery without compensation.
- **Restarted clock (Art. 12)**: after an extension or another negotiated measure the parcel carries
  the new date in ``agreed_start_date`` and the old one in ``original_agreed_start_date``; the
  clock runs from the new date and the old one is reported, never overwritten.
- **Missing facts** give ``unknown`` with the missing field named in ``idle_missing``; nothing is guessed.

Input columns (canonical, :mod:`landkit.schema`): ``ownership``, ``supply_method``,
``agreed_start_date``, ``original_agreed_start_date``, ``actual_start_date``, ``stop_date``,
``construction_status``, ``built_area_m2``, ``approved_area_m2``, ``invested``,
``total_investment``, ``idle_cause``, ``land_price`` (万元), ``categories``, ``mortgagee``.
"""

from __future__ import annotations

import datetime as dt
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import LandkitWarning
from ..schema import CONSTRUCTION_STATUSES, split_categories
from ._config import fraction, load_statute
from .dates import HolidayCalendar, day_after_period, full_years, to_calendar, to_date

__all__ = ["BASES", "CAUSES", "IDLE_COLUMNS", "TRACKS", "assess_idle", "classify_cause"]

_LAW = "《闲置土地处置办法》"

#: Output columns of :func:`assess_idle` → Chinese labels.
IDLE_COLUMNS: dict[str, str] = {
    "idle_basis": "闲置认定依据",
    "idle_since": "闲置起始日",
    "idle_years": "闲置满年数",
    "idle_clock_start": "起算日",
    "idle_cause": "闲置原因类型",
    "idle_art8": "第八条情形",
    "idle_track": "处置路径",
    "idle_fee": "土地闲置费(万元)",
    "recovery_eligible": "可无偿收回",
    "recovery_from": "可无偿收回起始日",
    "idle_next_step": "下一步",
    "idle_next_date": "下一步日期",
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
#: ``idle_cause`` values → Chinese labels.
CAUSES: dict[str, str] = {
    "holder": "使用权人原因",
    "government": "政府原因",
    "force_majeure": "不可抗力",
    "unknown": "原因不明",
}
#: ``idle_track`` values → Chinese labels.
TRACKS: dict[str, str] = {
    "penalty": "征缴闲置费/无偿收回（第十四条）",
    "negotiated": "协商处置（第十二条）",
    "unknown": "待查明原因",
}
_STATUS_KEYS = {v: k for k, v in CONSTRUCTION_STATUSES.items()} | {k: k for k in CONSTRUCTION_STATUSES}
_INPUTS = (
    "ownership", "supply_method", "agreed_start_date", "original_agreed_start_date", "actual_start_date",
    "stop_date", "construction_status", "built_area_m2", "approved_area_m2", "invested", "total_investment",
    "idle_cause", "land_price", "categories", "mortgagee",
)  # fmt: skip


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


def _found(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` other than right after a negation (非政府原因)."""
    start = text.find(word)
    while start >= 0:
        if start == 0 or text[start - 1] not in "非无":
            return True
        start = text.find(word, start + 1)
    return False


def classify_cause(text: Any, /, *, statute: dict[str, Any] | None = None) -> tuple[str, str | None]:
    """Kind of a recorded idle cause and, for a government cause, its Art. 8 item.

    Parameters
    ----------
    text : str or None
        The recorded cause (``idle_cause``), e.g. ``"政府原因:规划依法修改"`` or ``"企业原因"``;
        the keys ``holder``, ``government``, ``force_majeure`` are accepted as they are.
    statute : dict, optional
        Rule numbers (default: the bundled ``statute_53.toml``).

    Returns
    -------
    (kind, art8_item)
        ``kind`` is one of :data:`CAUSES`; ``art8_item`` names the Art. 8 ¶1 item for a government
        cause when the text says which, else ``None``.

    Examples
    --------
    >>> classify_cause("政府原因:规划依法修改")
    ('government', '（二）土地利用总体规划、城乡规划依法修改')
    >>> classify_cause("非政府原因"), classify_cause(None)
    (('holder', None), ('unknown', None))
    """
    rules = statute or load_statute()
    t = _text(text)
    if t is None:
        return "unknown", None
    if t in CAUSES:
        return t, None
    kind = "unknown"
    for k, words in rules["causes"].items():
        if any(_found(t, w) for w in words):
            kind = k
            break
    if kind == "unknown" and "非政府" in t:
        kind = "holder"
    item = None
    if kind == "government":
        item = next((name for name, words in rules["art8"].items() if any(_found(t, w) for w in words)), None)
    return kind, item


def _in_scope(
    ownership: str | None, supply: str | None, categories: Any, scope: dict[str, Any]
) -> tuple[str, str]:
    """('yes' | 'no' | 'unknown', note or missing field)."""
    if ownership is None:
        return "unknown", "ownership"
    if not any(o in ownership for o in scope["ownership"]):
        return "no", f"权属性质为{ownership}，非国有建设用地（第二条）"
    if supply is None:
        if "reserve" in split_categories(_value(categories)):
            return "no", "储备土地，尚未供应（第二条）"
        return "unknown", "supply_method"
    if not any(s in supply for s in scope["supply_methods"]):
        return "no", f"供地方式为{supply}，不属出让或划拨（第二条）"
    return "yes", ""


def _below(part: Any, whole: Any, share: Fraction) -> bool | None:
    p, w = _value(part), _value(whole)
    if p is None or w is None:
        return None
    return Fraction(float(p)) < share * Fraction(float(w))


def _assess_one(
    r: dict[str, Any], as_of: dt.date, rules: dict[str, Any], holidays: HolidayCalendar | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"idle_missing": "", "idle_note": ""}

    def unknown(*fields: str, note: str = "") -> dict[str, Any]:
        out.update(
            idle_basis="unknown",
            idle_missing=",".join(fields),
            idle_next_step="补充资料：" + "、".join(fields),
            idle_note=note or f"缺少 {'、'.join(fields)}，无法判断",
        )
        return out

    scope, note = _in_scope(_text(r["ownership"]), _text(r["supply_method"]), r["categories"], rules["scope"])
    if scope == "unknown":
        return unknown(note)
    if scope == "no":
        out.update(idle_basis="not_applicable", idle_note=note, idle_article=f"{_LAW}第二条")
        return out
    agreed = to_date(r["agreed_start_date"])
    if agreed is None:
        return unknown("agreed_start_date")
    notes: list[str] = []
    original = to_date(r["original_agreed_start_date"])
    if original is not None and original != agreed:
        notes.append(f"依第十二条协议处置后自新约定动工日期{agreed}重新起算（原约定{original}）")
    actual = to_date(r["actual_start_date"])
    status = _STATUS_KEYS.get(_text(r["construction_status"]) or "", None)
    if actual is not None:
        started = actual <= as_of
    elif status is not None:
        started = status != "not_started"
    else:
        return unknown("actual_start_date", note="无实际动工日期，也无建设状况")
    idle_rules = rules["idle"]
    if not started:
        clock, basis, years = agreed, "not_started", int(idle_rules["not_started_years"])
        article = f"{_LAW}第二条第一款"
    else:
        if status == "completed":
            out.update(idle_basis="none", idle_note="；".join([*notes, "已竣工"]))
            return out
        stop = to_date(r["stop_date"])
        if stop is None:
            if status == "stalled":
                return unknown("stop_date", note="建设状况为停工，但无停工日期")
            out.update(
                idle_basis="none",
                idle_note="；".join([*notes, f"已于{actual or '（日期不详）'}动工，未记录停工"]),
            )
            return out
        if stop > as_of:
            out.update(idle_basis="none", idle_note="；".join([*notes, f"停工日期{stop}在评估日之后"]))
            return out
        area_share = fraction(idle_rules["developed_area_share"], where="idle.developed_area_share")
        inv_share = fraction(idle_rules["investment_share"], where="idle.investment_share")
        area_below = _below(r["built_area_m2"], r["approved_area_m2"], area_share)
        inv_below = _below(r["invested"], r["total_investment"], inv_share)
        if not (area_below or inv_below):
            if area_below is None or inv_below is None:
                missing = [] if area_below is not None else ["built_area_m2", "approved_area_m2"]
                missing += [] if inv_below is not None else ["invested", "total_investment"]
                missing = [m for m in missing if _value(r[m]) is None]
                return unknown(*missing, note="已动工停工，无法比较第二条第二款的面积或投资比例")
            out.update(
                idle_basis="none",
                idle_note="；".join(
                    [
                        *notes,
                        f"已开发面积不低于{area_share}且投资不低于{float(inv_share):.0%}，"
                        "属开发未完成（低效用地），非第二条第二款闲置",
                    ]
                ),
            )
            return out
        which = []
        if area_below:
            which.append(f"已开发面积不足{area_share}")
        if inv_below:
            which.append(f"已投资额不足{float(inv_share):.0%}")
        notes.append("、".join(which) + f"，{stop}停工")
        clock, basis, years = stop, "stalled", int(idle_rules["stopped_years"])
        article = f"{_LAW}第二条第二款（可以认定）"
    since = day_after_period(clock, years=years, holidays=holidays)
    out["idle_clock_start"] = clock
    if as_of < since:
        out.update(
            idle_basis="none",
            idle_next_step="届时核查是否动工" if basis == "not_started" else "届时核查是否复工",
            idle_next_date=since,
            idle_note="；".join(
                [*notes, f"一年期间至{since - dt.timedelta(days=1)}届满，{since}起未动工即构成闲置"]
            ),
        )
        return out
    n_years = full_years(clock, as_of, holidays=holidays)
    cause, item = classify_cause(r["idle_cause"], statute=rules)
    out.update(idle_basis=basis, idle_since=since, idle_years=n_years, idle_cause=cause, idle_art8=item)
    penalty = rules["penalty"]
    recovery_from = day_after_period(clock, years=int(penalty["recovery_years"]), holidays=holidays)
    if cause == "unknown":
        out.update(
            idle_track="unknown",
            idle_missing="idle_cause",
            idle_next_step="调查核实闲置原因，发出《闲置土地调查通知书》（第五条、第六条）",
            idle_next_date=since,
            idle_article=article,
        )
        notes.append("闲置原因未记录：闲置费和收回无法判断")
    elif cause in ("government", "force_majeure"):
        out.update(
            idle_track="negotiated",
            idle_fee=0.0,
            recovery_eligible=False,
            idle_next_step="协商处置（第十二条）：延长动工期限（不超过一年）、调整用途或规划条件、"
            "临时使用（不超过两年）、协议有偿收回、置换土地等",
            idle_next_date=since,
            idle_article=f"{article}；第八条；第十二条",
        )
        if cause == "government" and item is None:
            notes.append("政府原因未写明第八条第一款所属情形")
    else:
        rate = fraction(penalty["fee_rate"], where="penalty.fee_rate")
        price = _value(r["land_price"])
        fee = None if price is None else round(float(price) * float(rate), 4)
        eligible = n_years >= int(penalty["recovery_years"])
        out.update(
            idle_track="penalty", idle_fee=fee, recovery_eligible=eligible, recovery_from=recovery_from
        )
        if price is None:
            out["idle_missing"] = "land_price"
            notes.append("缺少出让(划拨)价款，闲置费无法计算")
        copy = "，抄送抵押权人" if _text(r["mortgagee"]) else ""
        if eligible:
            out.update(
                idle_next_step=f"报有批准权的人民政府批准后下达《收回国有建设用地使用权决定书》，无偿收回{copy}",
                idle_next_date=recovery_from,
                idle_article=f"{article}；第十四条第二项",
            )
        else:
            out.update(
                idle_next_step=f"报本级人民政府批准后下达《征缴土地闲置费决定书》（{float(rate):.0%}）；"
                f"{recovery_from}起仍未动工可无偿收回{copy}",
                idle_next_date=since,
                idle_article=f"{article}；第十四条第一项",
            )
    out["idle_note"] = "；".join(notes)
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
        day (民法典 art. 203). Default: no shift.
    statute : path, optional
        A replacement for the bundled ``statute_53.toml``.

    Returns
    -------
    DataFrame
        Aligned on ``parcels.index`` with the columns of :data:`IDLE_COLUMNS`: ``idle_basis``
        (:data:`BASES`), ``idle_since``, ``idle_years`` (whole years), ``idle_clock_start``,
        ``idle_cause`` (:data:`CAUSES`), ``idle_art8``, ``idle_track`` (:data:`TRACKS`),
        ``idle_fee`` (万元; the one-off Art. 14(1) fee, 20% of ``land_price``, due once a full year
        has passed and still shown when recovery under Art. 14(2) has become possible; 0 on the
        negotiated track; NaN when not due or unknown),
        ``recovery_eligible`` (nullable bool), ``recovery_from``, ``idle_next_step``,
        ``idle_next_date`` (the earliest day the step may be taken), ``idle_article``,
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
    outside = [w for w in caught if "outside the holiday calendar" in str(w.message)]
    for w in caught:
        if w not in outside:
            warnings.warn(w.message, w.category, stacklevel=2)
    if outside:
        days = sorted({str(w.message).split(" is outside")[0] for w in outside})
        warnings.warn(
            f"{len(days)} period end date(s) fell outside the years of the holiday calendar "
            f"({', '.join(days[:3])}{' …' if len(days) > 3 else ''}); "
            "only weekends were treated as rest days there",
            LandkitWarning,
            stacklevel=2,
        )
    out = pd.DataFrame(rows, index=parcels.index).reindex(columns=list(IDLE_COLUMNS))
    for c in ("idle_since", "idle_clock_start", "recovery_from", "idle_next_date"):
        out[c] = pd.to_datetime(out[c].astype(object))
    out["idle_years"] = out["idle_years"].astype("Int64")
    out["idle_fee"] = out["idle_fee"].astype(float)
    out["recovery_eligible"] = out["recovery_eligible"].astype("boolean")
    for c in ("idle_basis", "idle_cause", "idle_art8", "idle_track", "idle_next_step", "idle_article"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    out["idle_missing"] = out["idle_missing"].fillna("")
    out["idle_note"] = out["idle_note"].fillna("")
    return out

"""Per-parcel encumbrance facts on a given day: mortgages, seizures, leases, transfer blocks.

Rules (DOMAIN.md §7):

- a mortgage is **active** from its registration (登记日期) until its cancellation (注销日期); the end of
  the debt term does not end it (the registration stands until cancelled);
- a court seizure (查封) is active from 查封日期 until 解封日期 or the end of its term, which is
  ``seizure_end_date`` when stated, else the 查封期限 of the row, else ``seizure_years`` (default 3,
  the maximum term for real property; renewal is a new row). Period ends follow 民法典 arts. 201–203
  (:func:`landkit.rules.dates.period_end`);
- a queued seizure (轮候查封) takes effect when the one before it is released: while it stands it
  counts as ``seizures_queued`` and blocks a transfer;
- a transfer is blocked by an active or queued seizure, or by an active mortgage whose contract
  forbids transfer (民法典 第四百零六条 "当事人另有约定的，按照其约定").

Every answer is True, False or unknown (``pd.NA``): a date known to the month or year only, a
missing registration date or a row with an error gives unknown wherever the day matters, and
``needs`` says what would settle it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..rules.dates import HolidayCalendar, period_end, to_calendar

__all__ = ["FACT_COLUMNS", "encumbrance_facts"]

#: Output columns of :func:`encumbrance_facts` → Chinese labels.
FACT_COLUMNS: dict[str, str] = {
    "mortgages_active": "有效抵押(笔)",
    "has_active_mortgage": "存在有效抵押",
    "secured_debt": "担保债权合计(万元)",
    "appraised_value": "抵押物评估价值合计(万元)",
    "debt_ratio": "债权/评估价值",
    "mortgages_expiring": "即将到期抵押(笔)",
    "mortgagee_consent": "抵押权人均同意转让",
    "transfer_banned": "约定禁止转让",
    "seizures_active": "有效查封(笔)",
    "seizures_queued": "轮候查封(笔)",
    "has_active_seizure": "存在查封",
    "leases_active": "有效租赁(笔)",
    "transfer_blocked": "当前不能转让",
    "blocked_by": "转让障碍",
    "needs": "待补资料",
}

_NS = "datetime64[ns]"


def _bounds(enc: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Earliest and latest day a (possibly imprecise) date column can mean."""
    if col not in enc:
        nat = np.full(len(enc), np.datetime64("NaT"), dtype=_NS)
        return nat, nat
    lo = enc[col].to_numpy(dtype=_NS)
    hi = lo.copy()
    prec = enc.get(f"{col}_precision")
    if prec is not None:
        s = pd.Series(lo)
        month = (prec == "month").to_numpy()
        year = (prec == "year").to_numpy()
        hi[month] = (s[month] + pd.offsets.MonthEnd(0)).to_numpy(dtype=_NS)
        hi[year] = (s[year] + pd.offsets.YearEnd(0)).to_numpy(dtype=_NS)
    return lo, hi


def _on_or_before(lo: np.ndarray, hi: np.ndarray, day: np.datetime64) -> pd.Series:
    """Did the date fall on or before ``day``? True/False, NA when missing or it depends on the day."""
    out = pd.array([pd.NA] * len(lo), dtype="boolean")
    known = ~np.isnat(lo)
    out[known & (hi <= day)] = True
    out[known & (lo > day)] = False
    return pd.Series(out)


def _not_yet(lo: np.ndarray, hi: np.ndarray, day: np.datetime64) -> pd.Series:
    """Missing dates mean "not happened"; otherwise the negation of :func:`_on_or_before`."""
    out = ~_on_or_before(lo, hi, day)
    out[np.isnat(lo)] = True
    return out


def _seizure_expiry(
    enc: pd.DataFrame, lo: np.ndarray, hi: np.ndarray, *, years: int, cal: HolidayCalendar | None
):
    end_lo, end_hi = _bounds(enc, "seizure_end_date")
    months = (
        enc["seizure_term_months"].to_numpy(float)
        if "seizure_term_months" in enc
        else np.full(len(enc), np.nan)
    )
    months = np.where(np.isnan(months), 12 * years, months).astype(int)
    out_lo, out_hi = end_lo.copy(), end_hi.copy()
    todo = np.flatnonzero(np.isnat(end_lo) & ~np.isnat(lo))
    for src, dst in ((lo, out_lo), (hi, out_hi)):
        days = src[todo].astype("datetime64[D]").astype(np.int64)
        codes, uniq = pd.factorize(days * 10_000 + months[todo])  # each distinct (day, term) once
        ends = [
            np.datetime64(
                period_end(
                    dt.date(1970, 1, 1) + dt.timedelta(days=int(u // 10_000)),
                    months=int(u % 10_000),
                    holidays=cal,
                ),
                "ns",
            )
            for u in uniq
        ]
        dst[todo] = np.array(ends, dtype=_NS)[codes] if len(ends) else dst[todo]
    return out_lo, out_hi


def _row_facts(
    enc: pd.DataFrame, day: np.datetime64, *, years: int, window: int, cal: HolidayCalendar | None
) -> pd.DataFrame:
    kind = enc["kind"].to_numpy(dtype=object)
    ok = enc["row_ok"].to_numpy(bool) if "row_ok" in enc else np.ones(len(enc), bool)
    reg = _on_or_before(*_bounds(enc, "registered_date"), day)
    rel = _not_yet(*_bounds(enc, "released_date"), day)
    mort = (reg & rel).where(kind == "mortgage", False)
    e_lo, e_hi = _bounds(enc, "end_date")
    soon = day + np.timedelta64(window, "D")
    expiring = pd.Series(pd.array([pd.NA] * len(enc), dtype="boolean"))
    expiring[~np.isnat(e_lo) & ((e_hi <= day) | (e_lo > soon))] = False
    expiring[~np.isnat(e_lo) & (e_lo > day) & (e_hi <= soon)] = True
    expiring[np.isnat(e_lo)] = False
    s_lo, s_hi = _bounds(enc, "seized_date")
    seized = _on_or_before(s_lo, s_hi, day) & _not_yet(*_bounds(enc, "lifted_date"), day)
    x_lo, x_hi = _seizure_expiry(enc, s_lo, s_hi, years=years, cal=cal)
    running = _not_yet(x_lo, x_hi, day - np.timedelta64(1, "D"))  # active through the last day
    queued = enc["queued"].to_numpy(bool) if "queued" in enc else np.zeros(len(enc), bool)
    seizure = kind == "seizure"
    lease_start = _on_or_before(*_bounds(enc, "start_date"), day)
    l_lo, l_hi = e_lo, e_hi
    lease_on = _not_yet(l_lo, l_hi, day - np.timedelta64(1, "D"))
    lease_on[np.isnat(l_lo)] = pd.NA
    out = pd.DataFrame(
        {
            "parcel_id": enc["parcel_id"].to_numpy(),
            "mortgage": mort,
            "expiring": (mort & expiring).where(kind == "mortgage", False),
            "seizure": (seized & running).where(seizure & ~queued, False),
            "queued": seized.where(seizure & queued, False),
            "lease": (lease_start & lease_on).where(kind == "lease", False),
        }
    )
    for c in ("mortgage", "expiring", "seizure", "queued", "lease"):
        out[c] = out[c].astype("boolean").mask(~ok)
    for c in ("mortgage_amount", "appraised_value"):
        out[c] = enc[c].to_numpy(float) if c in enc else np.nan
    for c in ("consent", "transfer_banned"):
        out[c] = enc[c].to_numpy() if c in enc else pd.array([pd.NA] * len(enc), dtype="boolean")
        out[c] = out[c].astype("boolean")
    return out


def _count(values: np.ndarray, key: np.ndarray, n: int) -> np.ndarray:
    """Per key 0..n-1: how many rows have ``values`` true."""
    return np.bincount(key, weights=np.asarray(values, dtype=float), minlength=n)


def _any(col: pd.Series, key: np.ndarray, n: int) -> tuple[np.ndarray, pd.arrays.BooleanArray]:
    """Per key: count of True and the Kleene OR (True if any True, NA if any NA, else False)."""
    t = _count(col.fillna(False).to_numpy(bool), key, n)
    na = _count(col.isna().to_numpy(bool), key, n)
    return t.astype(int), pd.arrays.BooleanArray(t > 0, (t == 0) & (na > 0))


def encumbrance_facts(
    parcels: pd.DataFrame,
    encumbrances: pd.DataFrame,
    /,
    *,
    as_of: dt.date | str,
    expiring_within_days: int = 90,
    seizure_years: int = 3,
    holidays: HolidayCalendar | str | Path | None = None,
) -> pd.DataFrame:
    """Derive what encumbers each parcel on ``as_of``.

    Parameters
    ----------
    parcels : DataFrame
        With ``parcel_id``.
    encumbrances : DataFrame
        From :func:`~landkit.cases.read_encumbrances`.
    as_of : date or str
        The day asked about.
    expiring_within_days : int
        A mortgage whose debt term (终止日期) ends within this many days after ``as_of`` counts
        in ``mortgages_expiring``.
    seizure_years : int
        Term of a seizure whose row states none (default 3 years).
    holidays : HolidayCalendar or path, optional
        Moves a seizure term ending on a rest day to the next working day (民法典 第二百零三条).

    Returns
    -------
    pandas.DataFrame
        Aligned on ``parcels.index`` with :data:`FACT_COLUMNS`; booleans are nullable
        (``pd.NA`` = unknown, see ``needs``).

    Examples
    --------
    >>> import pandas as pd
    >>> enc = pd.DataFrame({"parcel_id": ["A", "A", "B"], "kind": ["mortgage", "seizure", "mortgage"],
    ...     "registered_date": pd.to_datetime(["2020-01-01", None, "2020-01-01"]),
    ...     "released_date": pd.to_datetime([None, None, "2023-06-01"]),
    ...     "seized_date": pd.to_datetime([None, "2023-01-10", None]),
    ...     "mortgage_amount": [800.0, None, 300.0], "appraised_value": [1000.0, None, 500.0]})
    >>> f = encumbrance_facts(pd.DataFrame({"parcel_id": ["A", "B", "C"]}), enc, as_of="2024-06-30")
    >>> f[["mortgages_active", "secured_debt", "seizures_active", "transfer_blocked"]].values.tolist()
    [[1, 800.0, 1, True], [0, 0.0, 0, False], [0, 0.0, 0, False]]
    """
    day = pd.Timestamp(as_of).normalize().to_datetime64().astype(_NS)
    cal = to_calendar(holidays)
    # integer keys: hashing object arrays once is far faster than isin/groupby on Arrow strings
    codes, uniq = pd.factorize(parcels["parcel_id"].to_numpy(dtype=object))
    where = pd.Index(uniq, dtype=object).get_indexer(encumbrances["parcel_id"].to_numpy(dtype=object))
    enc = encumbrances[where >= 0].reset_index(drop=True)
    rows = _row_facts(enc, day, years=seizure_years, window=expiring_within_days, cal=cal)
    rows["parcel_id"] = where[where >= 0]
    per = _aggregate(rows, len(uniq))
    out = per.reindex(codes)
    out.index = parcels.index
    return _fill_unencumbered(out)


def _aggregate(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """Per parcel key 0..n-1 (only keys with rows are returned); numpy bincounts, no groupby."""
    key = rows["parcel_id"].to_numpy(np.int64)
    n_m, has_m = _any(rows["mortgage"], key, n)
    n_x, _ = _any(rows["expiring"], key, n)
    n_s, has_s = _any(rows["seizure"], key, n)
    n_q, has_q = _any(rows["queued"], key, n)
    n_l, _ = _any(rows["lease"], key, n)
    active = rows["mortgage"].fillna(False).to_numpy(bool)
    unsure = rows["mortgage"].isna().to_numpy(bool)
    sums = {}
    for c in ("mortgage_amount", "appraised_value"):
        v = np.where(active, rows[c].to_numpy(float), 0.0)
        bad = _count(unsure | np.isnan(v), key, n) > 0  # an unsure row or a missing amount: unknown
        sums[c] = np.where(bad, np.nan, np.bincount(key, weights=np.nan_to_num(v), minlength=n))
    consent = rows["consent"].astype("boolean")
    c_yes = _count(consent.fillna(False).to_numpy(bool) & active, key, n)
    c_no = _count((~consent.fillna(True)).to_numpy(bool) & active, key, n)
    all_consent = pd.arrays.BooleanArray(
        (c_yes == n_m) & (n_m > 0), ~(((c_yes == n_m) & (n_m > 0)) | (c_no > 0))
    )
    ban = rows["transfer_banned"].astype("boolean")
    banned = _count(ban.fillna(False).to_numpy(bool) & active, key, n) > 0
    banned_na = (_count(ban.isna().to_numpy(bool) & active, key, n) > 0) & ~banned
    seized = pd.Series(has_s) | pd.Series(has_q)
    blocked = seized | pd.Series(pd.arrays.BooleanArray(banned, banned_na))
    blocked = blocked.mask((blocked == False) & pd.Series(has_m).isna())  # noqa: E712 - nullable
    out = pd.DataFrame(
        {
            "mortgages_active": n_m,
            "has_active_mortgage": has_m,
            "secured_debt": sums["mortgage_amount"],
            "appraised_value": sums["appraised_value"],
            "mortgages_expiring": n_x,
            "mortgagee_consent": all_consent,
            "transfer_banned": pd.arrays.BooleanArray(banned, banned_na),
            "seizures_active": n_s,
            "seizures_queued": n_q,
            "has_active_seizure": seized.array,
            "leases_active": n_l,
            "transfer_blocked": blocked.array,
        }
    )
    out = out[np.bincount(key, minlength=n) > 0]
    out["debt_ratio"] = out["secured_debt"] / out["appraised_value"].where(out["appraised_value"] > 0)
    out["blocked_by"] = _blocked_text(out)
    out["needs"] = _needs_text(out)
    return out[list(FACT_COLUMNS)]


def _blocked_text(out: pd.DataFrame) -> pd.Series:
    parts = [
        np.where(out["seizures_active"].to_numpy() > 0, "查封", ""),
        np.where(out["seizures_queued"].to_numpy() > 0, "轮候查封", ""),
        np.where(out["transfer_banned"].fillna(False).to_numpy(bool), "抵押合同约定禁止转让", ""),
    ]
    text = np.full(len(out), "", dtype=object)
    for part in parts:
        text = text + np.where((text != "") & (part != ""), "、", "") + part
    return pd.Series(text, index=out.index, dtype=object)


def _needs_text(out: pd.DataFrame) -> pd.Series:
    text = pd.Series("", index=out.index, dtype=object)
    text = text.where(out["has_active_mortgage"].notna(), "抵押登记/注销日期(精确到日)")
    seize = np.where(out["has_active_seizure"].isna(), "查封日期/解封日期(精确到日)", "")
    return pd.Series(
        text + np.where((text != "") & (seize != ""), "；", "") + seize, index=out.index, dtype=object
    )


def _fill_unencumbered(out: pd.DataFrame) -> pd.DataFrame:
    """Parcels with no encumbrance row: nothing stands on them (counts 0, flags False)."""
    none = out["mortgages_active"].isna()
    for c in (
        "mortgages_active",
        "mortgages_expiring",
        "seizures_active",
        "seizures_queued",
        "leases_active",
    ):
        out[c] = out[c].fillna(0).astype(int)
    for c in ("has_active_mortgage", "has_active_seizure", "transfer_blocked", "transfer_banned"):
        out[c] = out[c].astype("boolean")
        out.loc[none, c] = False
    out["mortgagee_consent"] = out["mortgagee_consent"].astype("boolean")
    for c in ("secured_debt", "appraised_value"):
        out.loc[none, c] = 0.0
    out.loc[none, ["blocked_by", "needs"]] = ""
    return out

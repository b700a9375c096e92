"""Synthetic case-work sample: 烂尾/抵押 parcels with title facts, an encumbrance export, a 2024 history.

Everything is invented (banks, courts' document numbers, lessees, amounts, dates); bank and lessee
names are fictional. Written into ``sample_data/cases/`` by :func:`write_case_sample`, called from
:func:`landkit.sample.build_sample`:

- ``parcels_cases.gpkg`` — layer ``parcels``: the stalled and mortgaged parcels with 土地价款缴清 and
  不动产权证号 (the facts 城市房地产管理法 第三十九条 asks for);
- ``encumbrances.xlsx`` — sheets 抵押登记, 查封登记, 租赁 as a 不动产登记 export, with a few faults a
  real export has (a date known to the month only, a number with words, a 单元号 of another 宗地, a
  宗地 not in the register);
- ``cases_2024.csv`` / ``events_2024.csv`` — a 2024 case history (opened on routes that were open on
  the opening day), loaded with :func:`landkit.cases.import_history`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..schema import has_category
from .book import records

__all__ = ["write_case_sample"]

_BANKS = (
    "沅丰银行洪江支行",
    "楚岳商业银行怀化分行",
    "雪峰农村合作银行",
    "湘沅发展银行洪江支行",
    "黔阳信达银行",
)
_LESSEES = ("怀化瑞泽仓储有限公司", "洪江市青禾农产品合作社", "沅水顺达物流有限公司", "湘西恒昌建材经营部")
_COURTS = ("洪江市人民法院", "怀化市中级人民法院")
_LEADS = {"自然资源局": "自然资源局", "不动产登记中心": "不动产登记中心", "土地储备中心": "土地储备中心"}


def _day(rng: np.random.Generator, a: str, b: str) -> dt.date:
    lo, hi = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def _parcels(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    keep = has_category(parcels["categories"], "stalled") | has_category(parcels["categories"], "mortgaged")
    out = parcels[keep].copy()
    n = len(out)
    paid = rng.choice(np.array(["是", "否", None], dtype=object), size=n, p=[0.82, 0.12, 0.06])
    transfer = out["supply_method"].fillna("").str.contains("出让")
    out["land_price_paid"] = pd.Series(paid, index=out.index).where(transfer, None)
    year = rng.integers(2013, 2023, size=n)
    serial = rng.integers(1, 9999, size=n)
    cert = [f"湘({y})洪江市不动产权第{s:07d}号" for y, s in zip(year, serial, strict=True)]
    out["certificate_no"] = pd.Series(cert, index=out.index, dtype=object).where(rng.random(n) < 0.9, None)
    out["mortgagee"] = None  # the registry export below is the source of mortgage facts
    out["mortgage_amount"] = np.nan
    return out


def _mortgages(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    m = parcels[has_category(parcels["categories"], "mortgaged")]
    for k, r in enumerate(records(m)):
        for j in range(1 + int(rng.random() < 0.15)):
            reg = _day(rng, "2018-03-01", "2023-06-30")
            years = int(rng.choice([3, 5]))
            released = _day(rng, "2023-01-01", "2024-11-30") if rng.random() < 0.15 else None
            amount = round(float(r.area_mu) * float(rng.uniform(4, 16)), 1)
            rows.append(
                {
                    "宗地代码": r.parcel_id,
                    "不动产单元号": f"{r.parcel_id}W00000000",
                    "抵押权人": str(rng.choice(_BANKS)),
                    "不动产登记证明号": f"湘({reg.year})洪江市不动产证明第{int(rng.integers(1, 99999)):07d}号",  # noqa: E501
                    "债权数额(万元)": amount,
                    "抵押面积(亩)": round(float(r.area_mu), 2),
                    "评估价值(万元)": round(amount * float(rng.uniform(0.7, 2.2)), 1),
                    "债务履行期限起": reg.isoformat(),
                    "债务履行期限止": (
                        reg.replace(year=reg.year + years)
                        if not (reg.month == 2 and reg.day == 29)
                        else reg + dt.timedelta(days=365 * years)
                    ).isoformat(),
                    "登记日期": reg.isoformat(),
                    "注销日期": released.isoformat() if released and released > reg else None,
                    "约定禁止转让": "是" if rng.random() < 0.1 else "否",
                    "抵押权人同意转让": str(rng.choice(["是", "否", ""], p=[0.35, 0.15, 0.5])) or None,
                }
            )
            del j
        del k
    out = pd.DataFrame(rows).astype({"债权数额(万元)": object})
    # faults a real export has: a month-only date, a number with words, a unit of another parcel,
    # an unknown parcel (only in an export big enough to hold them)
    if len(out) > 12:
        out.loc[3, "登记日期"] = "2021年5月"
        out.loc[7, "债权数额(万元)"] = "约300万"
        out.loc[11, "不动产单元号"] = f"{out['宗地代码'].iloc[12]!s}W00000000"
    if out.empty:
        return out
    extra = out.iloc[[0]].copy()
    extra["宗地代码"] = extra["不动产单元号"] = "431281101009GB99999"
    extra["不动产单元号"] = "431281101009GB99999W00000000"
    return pd.concat([out, extra], ignore_index=True)


def _seizures(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pick = parcels.sample(n=max(6, len(parcels) // 12), random_state=int(rng.integers(1 << 31)))
    rows = []
    for k, r in enumerate(records(pick)):
        seized = _day(rng, "2020-06-01", "2024-10-31")
        lifted = _day(rng, "2023-01-01", "2024-12-15") if rng.random() < 0.2 else None
        rows.append(
            {
                "宗地代码": r.parcel_id,
                "查封法院": str(rng.choice(_COURTS)),
                "查封文书号": f"（{seized.year}）湘12{int(rng.integers(10, 99))}执保{int(rng.integers(1, 999))}号",  # noqa: E501
                "查封日期": seized.isoformat(),
                "查封期限": "3年" if rng.random() < 0.8 else "2年",
                "解封日期": lifted.isoformat() if lifted and lifted > seized else None,
                "轮候查封": "是" if k % 9 == 4 else "否",
            }
        )
    return pd.DataFrame(rows)


def _leases(parcels: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pick = parcels.sample(n=max(4, len(parcels) // 20), random_state=int(rng.integers(1 << 31)))
    rows = []
    for r in records(pick):
        start = _day(rng, "2019-01-01", "2023-12-31")
        rows.append(
            {
                "宗地代码": r.parcel_id,
                "承租人": str(rng.choice(_LESSEES)),
                "租期": f"{start}至{start.replace(year=start.year + int(rng.integers(2, 8)))}",
            }
        )
    return pd.DataFrame(rows)


def write_case_sample(parcels: gpd.GeoDataFrame, root: Path, /, *, seed: int) -> Path:
    """Write the case-work sample into ``root/cases`` (see module docstring); return the folder."""
    from .._sheets import write_workbook

    rng = np.random.default_rng(seed)
    out = Path(root) / "cases"
    out.mkdir(parents=True, exist_ok=True)
    cases_parcels = _parcels(parcels, rng)
    cases_parcels.to_file(out / "parcels_cases.gpkg", layer="parcels", driver="GPKG")
    sheets = {
        "抵押登记": _mortgages(cases_parcels, rng),
        "查封登记": _seizures(cases_parcels, rng),
        "租赁": _leases(cases_parcels, rng),
    }
    write_workbook(out / "encumbrances.xlsx", sheets, overwrite=True)
    cases, events = sample_history(out, rng)
    cases.to_csv(out / "cases_2024.csv", index=False, encoding="utf-8")
    events.to_csv(out / "events_2024.csv", index=False, encoding="utf-8")
    return out


_HISTORY_END = dt.date(2024, 12, 31)


def _window_days(step: dict[str, object]) -> int:
    return int(step["days"]) + int(30.4 * int(step["months"])) + 365 * int(step["years"]) or 60  # type: ignore[call-overload]


def _walk(
    book: object,
    cid: int,
    plan: list[dict[str, object]],
    opened: dt.date,
    rng: np.random.Generator,
    *,
    stop: int,
) -> None:
    """Record the first ``stop`` steps of a case, some on time, some late."""
    day = opened
    for k, step in enumerate(plan[:stop]):
        span = _window_days(step)
        day = day + dt.timedelta(days=int(span * float(rng.uniform(0.3, 1.4))))
        if day > _HISTORY_END:
            return
        doc = f"洪自然资〔{day.year}〕{int(rng.integers(10, 300))}号" if k % 2 == 0 else None
        book.add_event(cid, str(step["key"]), day, doc_no=doc, department=str(step["lead"]))  # type: ignore[attr-defined]


def sample_history(folder: Path, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open 2024 cases on routes open on their opening day and walk them; return (cases, events) tables."""
    import json
    import tempfile
    import warnings

    from ..io import read_parcels
    from .book import CaseBook
    from .encumbrances import read_encumbrances
    from .options import route_options

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = read_parcels(folder / "parcels_cases.gpkg")
    enc = read_encumbrances(folder / "encumbrances.xlsx")
    opened = dt.date(2024, 1, 15)
    opts = route_options(parcels, encumbrances=enc, as_of=opened)
    chosen = (
        opts[opts["open"]]
        .groupby("route")
        .head(3)
        .sample(frac=1.0, random_state=int(rng.integers(1 << 31)))
        .head(16)
    )
    chosen = chosen.drop_duplicates("parcel_id").sort_values(["route", "parcel_id"]).reset_index(drop=True)
    with tempfile.TemporaryDirectory() as tmp:
        book = CaseBook(Path(tmp) / "history.gpkg")
        for k, r in enumerate(records(chosen)):
            day = opened + dt.timedelta(days=int(rng.integers(0, 100)))
            cid = book.open_case(
                r.parcel_id, r.route, lead=r.lead, opened=day, parcels=parcels, encumbrances=enc
            )
            plan = json.loads(str(book.raw_cases().set_index("case_id").loc[cid, "plan"]))
            stop = len(plan) if k % 3 == 0 else int(rng.integers(0, len(plan)))
            _walk(book, cid, plan, day, rng, stop=stop)
        ev = book.events()
        if ev.empty:  # a tiny sample: no history to correct
            return _tables(book)
        first = ev.iloc[0]
        book.add_event(
            int(first["case_id"]),
            str(first["event"]),
            first["date"] + pd.Timedelta(days=2),
            doc_no=first["doc_no"],
            department=first["department"],
            note="更正送达日期",
            supersedes=int(first["event_id"]),
        )
        running = book.cases(_HISTORY_END)
        still = running[running["state"] == "in_progress"]
        if len(still):
            book.add_event(
                int(still.iloc[-1]["case_id"]), "withdrawn", dt.date(2024, 11, 20), note="企业自行复工，撤案"
            )
        return _tables(book)


def _tables(book: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The book's cases and events as the history tables (case_no/event_no numbering)."""
    cases = (
        book.raw_cases()
        .drop(columns=["plan", "catalogue", "recorded_at", "route_label"])
        .round({"area_m2": 1})
    )
    events = book.events().drop(columns=["recorded_at", "superseded_by"])
    cases["opened"] = cases["opened"].dt.strftime("%Y-%m-%d")
    events["date"] = events["date"].dt.strftime("%Y-%m-%d")
    return cases.rename(columns={"case_id": "case_no"}), events.rename(
        columns={"event_id": "event_no", "case_id": "case_no"}
    )

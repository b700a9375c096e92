"""Case-work benchmark: route options (100k parcels × 50k encumbrances); a report (10k cases × 200k events).

Goals (issue 12): ``route_options`` ≤ 5 s; ``case_report`` (reading the book included) ≤ 3 s. Each is timed
beside the same computation written plainly in pandas (row-wise per case for the report), in the same run;
the peers must agree exactly (open flag of every parcel × route; state, current step, deadline and
overdue of every case), else the script exits 1. Figures go to ``benchmarks/results/bench_cases.json``.

Run::

    .venv/bin/python benchmarks/bench_cases.py [--parcels 100000] [--encumbrances 50000]
        [--cases 10000] [--events 200000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _results import row, write_results

from landkit.cases import CaseBook, case_report, read_routes, route_options
from landkit.rules import assess_idle
from landkit.rules.dates import period_end

__all__ = ["main"]

AS_OF = dt.date(2024, 12, 31)
RESULTS = Path(__file__).resolve().parent / "results"


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def parcels_and_encumbrances(n: int, m: int, *, seed: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic stalled/mortgaged parcels and an encumbrance table (mortgages, seizures, leases)."""
    rng = np.random.default_rng(seed)
    ids = np.array(
        [f"431281{101 + i // 90_000:03d}{1 + (i // 30_000) % 3:03d}GB{i % 30_000:05d}" for i in range(n)]
    )
    tot = rng.uniform(500, 5000, n).round(1)
    parcels = pd.DataFrame(
        {
            "parcel_id": ids,
            "categories": rng.choice(
                ["stalled", "stalled,idle", "mortgaged", "stalled,mortgaged", "idle,mortgaged"], n
            ),
            "status": rng.choice(["identified", "in_disposal", "for_sale", "recovered", "suspected"], n),
            "supply_method": rng.choice(["出让", "挂牌出让", "划拨", None], n, p=[0.5, 0.3, 0.15, 0.05]),
            "land_price_paid": rng.choice(["是", "否", None], n, p=[0.8, 0.15, 0.05]),
            "certificate_no": np.where(rng.random(n) < 0.9, "湘(2019)洪江市不动产权第0000001号", None),
            "total_investment": tot,
            "invested": (tot * rng.uniform(0.05, 0.8, n)).round(1),
            "agreed_start_date": pd.to_datetime("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
            "actual_start_date": pd.NaT,
            "construction_status": "not_started",
            "idle_cause": rng.choice(["企业原因", "政府原因:规划依法修改", None], n, p=[0.7, 0.2, 0.1]),
            "ownership": "国有",
            "land_price": rng.uniform(50, 500, n).round(1),
        }
    )
    kind = rng.choice(["mortgage", "seizure", "lease"], m, p=[0.7, 0.2, 0.1])
    reg = pd.to_datetime("2018-01-01") + pd.to_timedelta(rng.integers(0, 2400, m), unit="D")
    released = reg + pd.to_timedelta(rng.integers(100, 2000, m), unit="D")
    enc = pd.DataFrame(
        {
            "parcel_id": ids[rng.integers(0, n, m)],
            "kind": kind,
            "registered_date": reg.where(kind == "mortgage"),
            "released_date": released.where((kind == "mortgage") & (rng.random(m) < 0.3)),
            "end_date": (reg + pd.to_timedelta(rng.integers(300, 2500, m), unit="D")),
            "start_date": reg,
            "seized_date": reg.where(kind == "seizure"),
            "lifted_date": released.where((kind == "seizure") & (rng.random(m) < 0.2)),
            "queued": (kind == "seizure") & (rng.random(m) < 0.1),
            "mortgage_amount": rng.uniform(100, 2000, m).round(1),
            "appraised_value": rng.uniform(100, 3000, m).round(1),
            "consent": pd.array(rng.choice([True, False, None], m), dtype="boolean"),
            "transfer_banned": pd.array(rng.random(m) < 0.1, dtype="boolean"),
            "row_ok": True,
        }
    )
    return parcels, enc


def _idle(parcels: pd.DataFrame) -> pd.DataFrame:
    """assess_idle on the idle-tagged parcels; the others are not idle land (as route_options does)."""
    tagged = parcels["categories"].str.contains("idle").to_numpy(bool)
    out = pd.DataFrame(
        {"recovery_eligible": pd.array([False] * len(parcels), dtype="boolean"), "idle_cause": "not_idle"},
        index=parcels.index,
    )
    got = assess_idle(parcels[tagged], as_of=AS_OF)
    out.loc[tagged, "recovery_eligible"] = got["recovery_eligible"].astype("boolean").to_numpy()
    out.loc[tagged, "idle_cause"] = got["idle_cause"].astype(object).to_numpy()
    return out


def plain_options(parcels: pd.DataFrame, enc: pd.DataFrame, idle: pd.DataFrame) -> pd.DataFrame:
    """The open flag of every parcel × route, written plainly: merges, groupby, three-valued logic by hand."""
    cat = read_routes()
    day = pd.Timestamp(AS_OF)
    e = enc.copy()
    e["m_active"] = (e["kind"] == "mortgage") & (e["registered_date"] <= day) & ~(e["released_date"] <= day)
    expiry = e["seized_date"].map(
        lambda d: pd.NaT if pd.isna(d) else pd.Timestamp(period_end(d.date(), years=3))
    )
    live = (e["kind"] == "seizure") & (e["seized_date"] <= day) & ~(e["lifted_date"] <= day)
    e["s_active"] = live & ((expiry >= day) | e["queued"])
    e["banned"] = e["m_active"] & e["transfer_banned"].fillna(False).astype(bool)
    e["consent_no"] = e["m_active"] & (e["consent"] == False).fillna(False).astype(bool)  # noqa: E712
    e["consent_na"] = e["m_active"] & e["consent"].isna()
    e["debt"] = e["mortgage_amount"].where(e["m_active"], 0.0)
    e["value"] = e["appraised_value"].where(e["m_active"], 0.0)
    g = e.groupby("parcel_id")[
        ["m_active", "s_active", "banned", "consent_no", "consent_na", "debt", "value"]
    ].sum()
    f = g.reindex(parcels["parcel_id"]).fillna(0)
    f.index = parcels.index
    tags = parcels["categories"].str.split(",")
    has = lambda t: tags.map(lambda x: t in x)  # noqa: E731
    status = parcels["status"]
    share = cat.params["investment_share"]
    facts = {
        "stalled": has("stalled"),
        "mortgaged": f["m_active"] > 0,
        "no_active_mortgage": f["m_active"] == 0,
        "transfer_supply": parcels["supply_method"].fillna("").str.contains("出让")
        & parcels["supply_method"].notna(),
        "price_paid": parcels["land_price_paid"] == "是",
        "certificate_held": parcels["certificate_no"].notna(),
        "investment_share": parcels["invested"] * share.denominator
        >= parcels["total_investment"] * share.numerator,
        "not_seized": f["s_active"] == 0,
        "seized": f["s_active"] > 0,
        "transfer_allowed": f["banned"] == 0,
        "mortgagee_consent": (f["m_active"] > 0) & (f["consent_no"] == 0) & (f["consent_na"] == 0),
        "idle_determined": status.isin(["identified", "in_disposal"]) & has("idle"),
        "recovery_eligible": idle["recovery_eligible"].fillna(False).astype(bool),
        "not_recovery_eligible": (idle["recovery_eligible"] == False).fillna(False).astype(bool),  # noqa: E712
        "government_cause": idle["idle_cause"].isin(["government", "force_majeure"]),
        "debt_within_value": (f["m_active"] > 0) & (f["value"] > 0) & (f["debt"] <= f["value"]),
        "recovered": status.isin(["recovered", "reserved"]) | has("reserve"),
    }
    rows = []
    for route in cat.routes.values():
        applies = np.zeros(len(parcels), bool)
        for c in route.applies_to:
            applies |= has(c).to_numpy() | ((f["m_active"] > 0).to_numpy() if c == "mortgaged" else False)
        ok = np.ones(len(parcels), bool)
        for p in route.preconditions:
            ok &= facts[p.fact].to_numpy(bool)
        rows.append(
            pd.DataFrame(
                {
                    "parcel_id": parcels["parcel_id"].to_numpy()[applies],
                    "route": route.key,
                    "open": ok[applies],
                }
            )
        )
    return pd.concat(rows, ignore_index=True).sort_values(["parcel_id", "route"]).reset_index(drop=True)


def build_book(path: Path, n_cases: int, n_events: int, *, seed: int = 7) -> CaseBook:
    """A case book with ``n_cases`` cases on three routes and ``n_events`` events (steps and notes)."""
    rng = np.random.default_rng(seed)
    book = CaseBook(path)
    cat = book.catalogue
    routes = ["judicial", "release_resupply", "transfer_with_mortgage"]
    now = dt.datetime.now(dt.UTC).isoformat()
    plans, labels, leads = {}, {}, {}
    for r in routes:
        route = cat.routes[r]
        plans[r] = json.dumps(
            [
                {
                    "key": s.key,
                    "label": s.label,
                    "lead": s.lead or route.lead,
                    "days": s.days,
                    "months": s.months,
                    "years": s.years,
                    "by": s.by.isoformat() if s.by else None,
                    "basis": s.basis,
                    "local": s.local,
                }
                for s in route.steps
            ],
            ensure_ascii=False,
        )
        labels[r], leads[r] = route.label, route.lead
    chosen = rng.choice(routes, n_cases)
    opened = [dt.date(2024, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 200, n_cases)]
    cases = [
        (
            f"431281101001GB{i:05d}",
            r,
            labels[r],
            leads[r],
            o.isoformat(),
            float(rng.uniform(2000, 60000)),
            plans[r],
            "bench",
            None,
            now,
        )
        for i, (r, o) in enumerate(zip(chosen, opened, strict=True))
    ]
    events = []
    for cid in range(1, n_cases + 1):
        steps = [s["key"] for s in json.loads(plans[chosen[cid - 1]])]
        day = opened[cid - 1]
        for s in steps[: int(rng.integers(0, len(steps) + 1))]:
            day += dt.timedelta(days=int(rng.integers(5, 120)))
            if day <= AS_OF:
                events.append((cid, s, day.isoformat(), None, None, None, None, now))
    while len(events) < n_events:
        cid = int(rng.integers(1, n_cases + 1))
        events.append(
            (
                cid,
                "note",
                (opened[cid - 1] + dt.timedelta(days=int(rng.integers(0, 100)))).isoformat(),
                None,
                None,
                "跟进",
                None,
                now,
            )
        )
    # bulk load straight into the store (the API's add_events checks each row; this is only set-up)
    with sqlite3.connect(path) as con:
        con.executemany(
            "INSERT INTO case_cases (parcel_id, route, route_label, lead, opened, area_m2, plan, catalogue,"
            " note, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            cases,
        )
        con.executemany(
            "INSERT INTO case_events (case_id, event, date, doc_no, department, note, supersedes,"
            " recorded_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            events[:n_events],
        )
    return book


def plain_report(path: Path) -> pd.DataFrame:
    """Case states written plainly: read with pandas, then one Python pass per case."""
    with sqlite3.connect(path) as con:
        cases = pd.read_sql("SELECT case_id, opened, plan FROM case_cases", con)
        events = pd.read_sql("SELECT event_id, case_id, event, date, supersedes FROM case_events", con)
    dead = set(events["supersedes"].dropna().astype(int))
    events = events[
        ~events["event_id"].isin(dead) & (events["event"] != "void") & (events["date"] <= AS_OF.isoformat())
    ]
    by_case = {k: dict(zip(g["event"], g["date"], strict=True)) for k, g in events.groupby("case_id")}
    out = []
    for r in cases.itertuples():
        done = by_case.get(r.case_id, {})
        start = dt.date.fromisoformat(r.opened)
        state, cur, deadline = "cleared", None, None
        for s in json.loads(r.plan):
            if s["key"] in done:
                start = max(start, dt.date.fromisoformat(done[s["key"]]))
                continue
            state, cur = "in_progress", s["key"]
            if s["days"] or s["months"] or s["years"]:
                deadline = period_end(start, days=s["days"], months=s["months"], years=s["years"])
            if s["by"]:
                by = dt.date.fromisoformat(s["by"])
                deadline = by if deadline is None or by < deadline else deadline
            break
        out.append(
            (
                r.case_id,
                state,
                cur,
                pd.Timestamp(deadline) if deadline else pd.NaT,
                bool(deadline and deadline < AS_OF),
            )
        )
    return pd.DataFrame(out, columns=["case_id", "state", "current_step", "deadline", "overdue"])


def _machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "pandas": pd.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--encumbrances", type=int, default=50_000)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    parcels, enc = parcels_and_encumbrances(args.parcels, args.encumbrances)
    # the 53号令 assessment (landkit.rules.assess_idle) is timed on its own and given to both peers
    idle_s, idle = _best(lambda: _idle(parcels), 1)
    ours_s, ours = _best(
        lambda: route_options(parcels, encumbrances=enc, as_of=AS_OF, idle=idle), args.repeat
    )
    peer_s, theirs = _best(lambda: plain_options(parcels, enc, idle), args.repeat)
    mine = ours[["parcel_id", "route", "open"]].astype({"parcel_id": object, "route": object})
    mine = mine.sort_values(["parcel_id", "route"]).reset_index(drop=True)
    opts_agree = len(mine) == len(theirs) and bool(
        (mine.astype(str).to_numpy() == theirs.astype(str).to_numpy()).all()
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.gpkg"
        book = build_book(path, args.cases, args.events)
        rep_s, rep = _best(lambda: case_report(CaseBook(path), as_of=AS_OF), args.repeat)
        plain_s, plain = _best(lambda: plain_report(path), args.repeat)
        size = path.stat().st_size
        del book
    got = rep.cases[["case_id", "state", "current_step", "deadline", "overdue"]].reset_index(drop=True)
    got["current_step"] = got["current_step"].where(got["current_step"].notna(), None)
    rep_agree = bool(
        (got["state"].to_numpy() == plain["state"].to_numpy()).all()
        and (got["current_step"].fillna("").to_numpy() == plain["current_step"].fillna("").to_numpy()).all()
        and got["deadline"].equals(plain["deadline"].astype(got["deadline"].dtype))
        and (got["overdue"].to_numpy() == plain["overdue"].to_numpy()).all()
    )
    figures = {
        "assess_idle_s": round(idle_s, 3),
        "route_options_s": round(ours_s, 3),
        "route_options_plain_pandas_s": round(peer_s, 3),
        "route_options_rows": len(ours),
        "route_options_open": int(ours["open"].sum()),
        "case_report_s": round(rep_s, 3),
        "case_report_plain_pandas_s": round(plain_s, 3),
        "cases": args.cases,
        "events": args.events,
        "overdue": int(rep.cases["overdue"].sum()),
        "book_bytes": size,
        "goals": {"route_options_s": 5.0, "case_report_s": 3.0},
    }
    checks = [
        {"peer": "plain pandas", "what": "open flag of every parcel × route", "ok": opts_agree},
        {"peer": "plain pandas", "what": "state, step, deadline and overdue of every case", "ok": rep_agree},
    ]
    write_results(
        "bench_cases", figures=figures, checks=checks, params=vars(args), table=table_rows(args, figures)
    )
    print(f"assess_idle (rules module, given to both) {idle_s:.2f} s")
    print(
        f"route_options {args.parcels:,} parcels × {args.encumbrances:,} encumbrances: {ours_s:.2f} s "
        f"(plain pandas {peer_s:.2f} s) — {'agree' if opts_agree else 'DISAGREE'}"
    )
    print(
        f"case_report {args.cases:,} cases × {args.events:,} events: {rep_s:.2f} s "
        f"(plain pandas {plain_s:.2f} s) — {'agree' if rep_agree else 'DISAGREE'}"
    )
    return 0 if opts_agree and rep_agree else 1


def table_rows(args: Any, f: dict[str, Any]) -> list[dict[str, str]]:
    """README rows: route options and the case report beside the same computation in plain pandas."""
    return [
        row(
            f"route options, {args.parcels:,} parcels × {args.encumbrances:,} encumbrances (goal ≤ 5 s; "
            f"53号令 assessment given to both, itself {f['assess_idle_s']:.1f} s)",
            landkit=f"{f['route_options_s']:.2f} s",
            peers=f"plain pandas {f['route_options_plain_pandas_s']:.2f} s",
        ),
        row(
            f"case report, {args.cases:,} cases × {args.events:,} events, book read included (goal ≤ 3 s)",
            landkit=f"{f['case_report_s']:.2f} s",
            peers=f"plain pandas {f['case_report_plain_pandas_s']:.2f} s",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())

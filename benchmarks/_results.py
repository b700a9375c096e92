"""Helpers for ``benchmarks/bench_*.py``: time peers alike, check that they agree, write the figures as JSON.

Every benchmark follows the same five steps (see ``bench_read.py`` for the shortest example)::

    from _results import agree, assert_agree, best_of, crashed, row, write_results

    seconds, ours = best_of(lambda: landkit_way(data), repeat)     # best of N, for every peer alike
    try:
        peer_s, theirs = best_of(lambda: peer_way(data), repeat)
        checks = [agree("peer", ours, theirs, rtol=1e-9, what="areas (m²)")]
    except Exception as exc:                                         # a crashing peer is a failure
        checks = [crashed("peer", exc)]
    write_results("bench_x", figures={...}, checks=checks, params=vars(args),
                  table=[row("what was measured", landkit="0.42 s", peers="peer 1.3 s (3.1×)")])
    assert_agree(checks)                                             # exit 1 when a peer disagrees or crashed

``write_results`` writes ``benchmarks/results/<name>.json`` with the date, the machine facts (CPU count and
model, memory, load average at the start, Python and library versions), the parameters, the figures, the
agreement checks and the README table rows; ``benchmarks/report.py`` (``make bench-readme``) builds the
README's figures table from those files. The development machine is shared by several sessions, so figures
are noisy: the load average is recorded with them and nothing in the test suite asserts a timing.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "RESULTS",
    "PeersDisagree",
    "agree",
    "assert_agree",
    "best_of",
    "crashed",
    "machine_facts",
    "row",
    "write_results",
]

RESULTS = Path(__file__).resolve().parent / "results"
NOISE_NOTE = (
    "2-core machine shared with other sessions while measuring: timings vary by up to 3x between runs; "
    "compare peers within one run (same machine, same moment), not across files"
)
LIBRARIES = ("landkit", "numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "GDAL")
T = TypeVar("T")


class PeersDisagree(SystemExit):
    """Raised by :func:`assert_agree`: a peer's answer is off landkit's beyond tolerance, or it crashed."""


def machine_facts(*libraries: str) -> dict[str, Any]:
    """CPU count and model, memory, load average, OS, Python and library versions of this machine now."""
    versions = {}
    for name in (*LIBRARIES, *libraries):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "memory_gb": round(int((_proc_field("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) / 2**20, 1),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "versions": versions,
        "note": NOISE_NOTE,
    }


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Run ``fn`` ``repeat`` times; the best (smallest) wall time in seconds and the last result."""
    times, result = [], None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result  # type: ignore[return-value]


def best_of_each(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[float, Any] | Exception]:
    """Like :func:`best_of` for several peers, taking turns (A, B, C, A, B, C, …) so that each one's best
    time comes from the same stretch of a shared, noisy machine; a peer that raises is left out of later
    rounds and its exception returned in its place."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    out: dict[str, tuple[float, Any] | Exception] = {}
    for _ in range(max(1, repeat)):
        for name, fn in fns.items():
            if isinstance(out.get(name), Exception):
                continue
            t0 = time.perf_counter()
            try:
                result = fn()
            except Exception as exc:  # noqa: BLE001 - reported as a failed check by the caller
                out[name] = exc
                continue
            times[name].append(time.perf_counter() - t0)
            out[name] = (min(times[name]), result)
    return out


def agree(peer: str, ours: Any, theirs: Any, *, rtol: float = 0.0, atol: float = 0.0, what: str) -> dict:
    """Compare a peer's answer with landkit's: equal when ``|theirs − ours| ≤ atol + rtol·|ours|`` everywhere.

    Numbers (arrays, Series) are compared element-wise, NaN equal only to NaN; anything else (text, sets of
    ids) must be equal exactly. Returns the check as a dict (``ok``, tolerance, largest differences); it never
    raises, so every peer is checked before :func:`assert_agree` decides.
    """
    check: dict[str, Any] = {"peer": peer, "what": what, "rtol": rtol, "atol": atol}
    try:
        a, b = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    except (TypeError, ValueError):
        same = ours == theirs if isinstance(ours, set | frozenset | str) else list(ours) == list(theirs)
        return {**check, "ok": bool(same), "n": len(ours), "detail": "compared exactly"}
    if a.shape != b.shape:
        return {**check, "ok": False, "detail": f"shapes differ: {a.shape} vs {b.shape}"}
    same_nan = np.isnan(a) == np.isnan(b)
    diff = np.where(np.isnan(a) | np.isnan(b), 0.0, np.abs(b - a))
    bound = atol + rtol * np.abs(np.nan_to_num(a))
    rel = np.divide(diff, np.abs(a), out=np.zeros_like(diff), where=np.nan_to_num(a) != 0)
    return {
        **check,
        "ok": bool(same_nan.all() and (diff <= bound).all()),
        "n": int(a.size),
        "nan_mismatches": int((~same_nan).sum()),
        "max_abs_diff": float(diff.max()) if diff.size else 0.0,
        "max_rel_diff": float(rel.max()) if rel.size else 0.0,
    }


def crashed(peer: str, exc: BaseException) -> dict:
    """A failed check for a peer that raised instead of answering."""
    return {"peer": peer, "what": "ran", "ok": False, "detail": f"{type(exc).__name__}: {exc}"[:500]}


def row(what: str, *, landkit: str, peers: str) -> dict[str, str]:
    """One row of the README figures table (already formatted, e.g. ``landkit="0.66 s"``)."""
    return {"what": what, "landkit": landkit, "peers": peers}


def write_results(
    name: str,
    /,
    *,
    figures: dict[str, Any],
    checks: Sequence[dict],
    params: dict[str, Any],
    table: Sequence[dict[str, str]],
    libraries: Sequence[str] = (),
) -> Path:
    """Write ``benchmarks/results/<name>.json`` (date, machine, parameters, figures, checks, table rows)."""
    RESULTS.mkdir(exist_ok=True)
    doc = {
        "benchmark": name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(*libraries),
        "params": params,
        "peers_agree": all(c["ok"] for c in checks),
        "checks": list(checks),
        "figures": figures,
        "table": list(table),
    }
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2, default=_plain) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"figures written to {path.relative_to(RESULTS.parent.parent)}")
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(type(value).__name__)


def assert_agree(checks: Sequence[dict]) -> None:
    """Exit with status 1 (``PeersDisagree``) naming every peer that disagreed with landkit or crashed."""
    bad = [c for c in checks if not c["ok"]]
    for c in checks:
        diff = (
            f"max |Δ| {c['max_abs_diff']:.3g}, max rel {c['max_rel_diff']:.3g}" if "max_abs_diff" in c else ""
        )
        print(
            f"  {'agree' if c['ok'] else 'DISAGREE'}: {c['peer']} — {c['what']} {diff} {c.get('detail', '')}"
        )
    if bad:
        raise PeersDisagree(f"peers disagree with landkit: {', '.join(c['peer'] for c in bad)}")

"""The README's benchmark table comes from benchmarks/results/*.json; the helpers check agreement."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_readme_table_is_generated_from_the_results() -> None:
    report = _load("report")
    readme = report.README.read_text(encoding="utf-8")
    assert report.replace_block(readme, report.render()) == readme, "run `make bench-readme`"
    assert report.main(["--check"]) == 0


def test_every_benchmark_has_results_with_machine_facts() -> None:
    scripts = {p.stem for p in BENCH.glob("bench_*.py")}
    results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (BENCH / "results").glob("*.json")}
    assert scripts == set(results)
    for doc in results.values():
        assert {"cpu_count", "cpu_model", "memory_gb", "python", "versions"} <= set(doc["machine"])
        assert doc["checks"], doc["benchmark"]
        assert doc["peers_agree"] == all(c["ok"] for c in doc["checks"])


def test_agree_measures_and_assert_agree_exits_non_zero() -> None:
    results = _load("_results")
    ok = results.agree(
        "peer", np.array([1.0, 2.0, np.nan]), np.array([1.0, 2.0 + 1e-10, np.nan]), rtol=1e-9, what="x"
    )
    off = results.agree("peer", [1.0, 2.0], [1.0, 2.1], rtol=1e-9, atol=0.05, what="x")
    nan = results.agree("peer", [1.0, np.nan], [1.0, 1.0], what="x")
    ids = results.agree("peer", ["a", "b"], ["a", "c"], what="ids")
    assert ok["ok"]
    assert not off["ok"]
    assert off["max_abs_diff"] == pytest.approx(0.1)
    assert not nan["ok"]
    assert not ids["ok"]
    results.assert_agree([ok])
    crash = results.crashed("peer", RuntimeError("boom"))
    with pytest.raises(SystemExit) as exc:
        results.assert_agree([ok, off, crash])
    assert exc.value.code != 0

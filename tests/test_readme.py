"""The README's Jupyter example runs as written (it is the first thing a newcomer copies)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.S)
    assert first_block is not None
    commands = [line.split()[:2] for line in first_block.group(1).splitlines()]
    assert commands == [["make", "demo"], ["make", "test"]]


def test_jupyter_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    block = _python_blocks()[0]
    assert len(block.strip().splitlines()) <= 11
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample files have no CRS on purpose: inference warns
        exec(compile(block, "README.md", "exec"), namespace)  # the README is ours
    parcels = namespace["parcels"]
    assert isinstance(parcels, pd.DataFrame)
    assert len(parcels) == 2000  # the three delivered layers together are the whole sample
    assert parcels["parcel_id"].is_unique

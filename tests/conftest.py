"""Shared fixtures: paths to the committed sample data and to ../shared/realdata."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed synthetic sample data set."""
    return SAMPLE


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Real public files in ../shared/realdata (skips when the folder is absent)."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not beside this checkout")
    return REALDATA

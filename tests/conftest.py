"""Shared fixtures: paths to the committed sample data and to ../shared/realdata.

Under CI (``CI`` set, as ``.ci/run`` is run with ``CI=true``) a test that needs Chromium (``browser``), a
PostGIS server (``postgis``) or ``../shared/realdata`` (the ``realdata`` fixture, marked ``realdata``) must
not skip: a skip there means the CI image is broken, so the hook below turns it into a failure naming the
reason. Outside CI such tests skip with a reason, so a laptop without PostGIS can still run the suite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
REALDATA = ROOT.parent / "shared" / "realdata"

#: Markers whose skip is a failure under CI: the environment, not the code, decides whether they run.
MUST_RUN_IN_CI = ("browser", "postgis", "realdata")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The committed synthetic sample data set."""
    return SAMPLE


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Real public files in ../shared/realdata (skips when the folder is absent; fails under CI)."""
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not beside this checkout")
    return REALDATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the ``realdata`` fixture with ``realdata``."""
    for item in items:
        if "realdata" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)


def must_run(item: pytest.Item) -> list[str]:
    """The CI-required markers on ``item`` when ``CI`` is set (empty otherwise)."""
    if not os.environ.get("CI"):
        return []
    return [m for m in MUST_RUN_IN_CI if item.get_closest_marker(m) is not None]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under CI, report a skipped browser/postgis/realdata test as failed, with the skip reason."""
    outcome = yield
    report = outcome.get_result()
    markers = must_run(item)
    if report.skipped and markers and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"CI is set, so a {'/'.join(markers)} test must not skip: {reason}"

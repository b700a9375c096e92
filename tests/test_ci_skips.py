"""Under CI a skipped browser/PostGIS/realdata test fails the run (tests/conftest.py); elsewhere it skips."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
TESTS = """
import pytest

@pytest.mark.browser
def test_needs_chromium():
    pytest.skip("no chromium here")

@pytest.mark.postgis
def test_needs_postgis():
    pytest.skip("LANDKIT_TEST_PG_URL is not set")

def test_needs_realdata(realdata):
    assert realdata.is_dir()

def test_other_skip():
    pytest.skip("an ordinary skip stays a skip")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    # a checkout with no ../shared/realdata beside it: the realdata fixture skips
    pytester.makeconftest(CONFTEST.replace('ROOT.parent / "shared" / "realdata"', 'ROOT / "no_realdata"'))
    pytester.makeini("[pytest]\nmarkers =\n    browser: b\n    postgis: p\n    realdata: r\n")
    pytester.makepyfile(test_env=TESTS)
    return pytester


def test_under_ci_environment_skips_fail(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest("-p", "no:xdist", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2, errors=1, skipped=1)  # a fixture skip fails at setup
    result.stdout.fnmatch_lines(["*CI is set, so a browser test must not skip: no chromium here*"])


def test_outside_ci_they_skip(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    suite.runpytest("-p", "no:xdist", "-p", "no:cacheprovider").assert_outcomes(skipped=4)

"""The browse page's JavaScript as a codebase: node unit tests of its pure parts, and ESLint.

Both tools come from the npm registry (``package.json`` / ``package-lock.json``; ``make test`` and
``.ci/run`` run ``npm ci``). The combined page script is linted as it ships — the modules in
``landkit/maps/assets/js`` share one scope, so an undefined or unused name shows up only there.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from landkit.maps._assets import JS_MODULES, page_script

ROOT = Path(__file__).resolve().parents[1]
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"
JS_DIR = ROOT / "landkit" / "maps" / "assets" / "js"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (v20+) is needed for the page's JavaScript tests: apt-get install nodejs npm")
    return node


def _eslint() -> Path:
    if not ESLINT.exists():
        pytest.fail("ESLint is not installed: run `npm ci` in the repository root (make test does)")
    return ESLINT


def test_pure_helpers_pass_their_node_unit_tests() -> None:
    run = subprocess.run(
        [_node(), "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
    assert "# pass 0" not in run.stdout  # the runner did find the tests


def test_every_module_file_is_combined_into_the_page() -> None:
    on_disk = {p.name for p in JS_DIR.glob("*.js")}
    assert on_disk == set(JS_MODULES)
    text = page_script()
    assert all(f"// ---- module: {name}\n" in text for name in JS_MODULES)


def test_combined_page_script_lints_clean() -> None:
    run = subprocess.run(
        [str(_eslint()), "--stdin", "--stdin-filename", "landkit/maps/assets/page.js", "--max-warnings", "0"],
        cwd=ROOT,
        input=page_script(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_module_files_and_js_tests_lint_clean() -> None:
    run = subprocess.run(
        [str(_eslint()), "--max-warnings", "0", "landkit/maps/assets/js", "tests/js"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_the_linter_does_catch_a_mistake(tmp_path: Path) -> None:
    broken = page_script().replace("var CARD_H = 92;", "var CARD_H = 92; undefinedThing();", 1)
    run = subprocess.run(
        [str(_eslint()), "--stdin", "--stdin-filename", "landkit/maps/assets/page.js"],
        cwd=ROOT,
        input=broken,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 1
    assert "undefinedThing" in run.stdout
    assert "no-undef" in run.stdout

"""The build hook (setup.py): a wheel or sdist built without `make vendor` still bundles pannellum.

A copy of the package's source (pyproject.toml, setup.py, README.md, landkit/ without the vendor
folder) is built in a fresh isolated build environment, as a packager on another machine would:
``pip wheel`` with ``node_modules`` beside it gives a wheel whose vendor files are byte for byte
node_modules/pannellum's (sha256 compared with hashlib) with the lock's integrity and the MIT licence;
``python -m build --sdist`` ships them, and the wheel built from that sdist (no node_modules there)
has them too; without node_modules and without a copy the build fails, saying to run ``npm ci``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PANNELLUM = ROOT / "node_modules" / "pannellum"
SOURCES = {"pannellum.js": "build/pannellum.js", "pannellum.css": "build/pannellum.css", "LICENSE": "COPYING"}
VENDOR = "landkit/maps/assets/vendor/"

pytestmark = pytest.mark.slow


def _source(dest: Path, *, node_modules: bool) -> Path:
    """A clean source tree: no vendor copy, no caches; node_modules/pannellum only when asked."""
    dest.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(
        ROOT / "landkit",
        dest / "landkit",
        ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.pyc", "*.egg-info"),
    )
    if node_modules:
        shutil.copytree(PANNELLUM, dest / "node_modules" / "pannellum")
    return dest


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def _check_vendor(files: dict[str, bytes]) -> None:
    """The bundled files against node_modules and package-lock.json, computed here with hashlib."""
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))["packages"]["node_modules/pannellum"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["version"] == lock["version"] == "2.5.7"
    assert manifest["integrity"] == lock["integrity"]
    for name, rel in SOURCES.items():
        original = (PANNELLUM / rel).read_bytes()
        assert files[name] == original, name
        assert manifest["sha256"][name] == hashlib.sha256(original).hexdigest()
    assert "Permission is hereby granted" in files["LICENSE"].decode("utf-8")


def _wheel_vendor(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {n[len(VENDOR) :]: zf.read(n) for n in zf.namelist() if n.startswith(VENDOR)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("build")
    src = _source(root / "src", node_modules=True)
    wheel = _run("-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "wheel", ".", cwd=src)
    assert wheel.returncode == 0, wheel.stderr[-2000:]
    sdist = _run("-m", "build", "--sdist", "-o", root / "sdist", ".", cwd=src)
    assert sdist.returncode == 0, sdist.stderr[-2000:]
    (tarball,) = (root / "sdist").glob("landkit-*.tar.gz")
    return {"wheel": next((root / "wheel").glob("landkit-*.whl")), "sdist": tarball, "root": root}


def test_wheel_built_from_the_checkout_bundles_pannellum_and_its_licence(built: dict[str, Path]) -> None:
    files = _wheel_vendor(built["wheel"])
    assert set(files) == {*SOURCES, "manifest.json"}
    _check_vendor(files)


def test_wheel_built_from_the_sdist_without_node_modules_has_it_too(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as tar:
        names = tar.getnames()
        tar.extractall(built["root"] / "unpacked", filter="data")
    (top,) = {n.split("/")[0] for n in names}
    assert not [n for n in names if "node_modules" in n]
    src = built["root"] / "unpacked" / top
    out = built["root"] / "from_sdist"
    res = _run("-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ".", cwd=src)
    assert res.returncode == 0, res.stderr[-2000:]
    (wheel,) = out.glob("landkit-*.whl")
    _check_vendor(_wheel_vendor(wheel))


def test_build_without_node_modules_or_a_copy_fails_saying_what_to_run(tmp_path: Path) -> None:
    src = _source(tmp_path / "src", node_modules=False)
    res = _run("-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "wheel", ".", cwd=src)
    assert res.returncode != 0
    output = res.stdout + res.stderr
    assert "PannellumBuildError" in output
    assert "run `npm ci` in the landkit checkout first" in output
    assert not list(tmp_path.glob("wheel/*.whl"))

"""Build hook: every wheel and sdist of landkit bundles the panorama viewer (pannellum, from npm).

Everything else about the package is in ``pyproject.toml``. Before a wheel's or an sdist's files are
collected, this copies pannellum's built files and licence from ``node_modules/pannellum`` (installed
by ``npm ci``, checked against ``package-lock.json``'s integrity hash) into
``landkit/maps/assets/vendor/`` with a sha256 manifest — the very code ``make vendor`` runs
(``landkit/maps/_vendor_build.py``, loaded by path: landkit's dependencies are not installed while
building). Building from an sdist, which has no ``node_modules``, checks the copy it ships against its
manifest instead. Without either the build fails, saying what to run. Editable installs
(``pip install -e .``) skip the hook: they read the source tree, which ``make vendor`` fills.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
VENDOR = ROOT / "landkit" / "maps" / "assets" / "vendor"


class PannellumBuildError(RuntimeError):
    """The wheel or sdist cannot bundle pannellum."""


def _vendor_build() -> Any:
    spec = importlib.util.spec_from_file_location(
        "_landkit_vendor_build", ROOT / "landkit/maps/_vendor_build.py"
    )
    if spec is None or spec.loader is None:
        raise PannellumBuildError(f"cannot load {ROOT / 'landkit/maps/_vendor_build.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundle_pannellum() -> str:
    """Copy pannellum into the package (from node_modules) or check the copy an sdist ships."""
    vb = _vendor_build()
    node_modules = ROOT / "node_modules"
    if (node_modules / "pannellum").is_dir():
        made = vb.copy_pannellum(node_modules, ROOT / "package-lock.json", VENDOR, error=PannellumBuildError)
        return f"bundled pannellum {made['version']} from node_modules ({made['integrity']})"
    how = (
        "node_modules is missing: run `npm ci` in the landkit checkout first (needs Node.js and npm; "
        "`make vendor` does it), then build again"
    )
    manifest, _ = vb.check_manifest(VENDOR, how=how, error=PannellumBuildError)
    return f"bundled pannellum {manifest['version']} already in the package (sha256 checked)"


class BuildPyWithPannellum(build_py):
    """``build_py`` that bundles pannellum first (not for editable installs)."""

    def run(self) -> None:
        if not getattr(self, "editable_mode", False):
            self.announce(bundle_pannellum(), level=2)
            self.__dict__.pop("data_files", None)  # collect package data again, vendor files included
        super().run()


class SdistWithPannellum(sdist):
    """``sdist`` that bundles pannellum first, so a wheel built from the sdist has it too."""

    def run(self) -> None:
        self.announce(bundle_pannellum(), level=2)
        super().run()


setup(cmdclass={"build_py": BuildPyWithPannellum, "sdist": SdistWithPannellum})

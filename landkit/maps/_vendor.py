"""Pannellum (the panorama viewer) bundled from the npm registry at build time, verified at write time.

``make vendor`` (run by ``make demo`` and ``make test``) runs :func:`main` after ``npm ci``: it
copies ``pannellum.js``, ``pannellum.css`` and pannellum's licence from
``node_modules/pannellum`` (whose tarball ``npm ci`` checked against the integrity hash in
``package-lock.json``) into the git-ignored ``landkit/maps/assets/vendor/`` and writes
``manifest.json`` with the npm version, the lock's integrity and each file's sha256. The files are
package data; a wheel or sdist built with ``setup.py``'s hook (``pip wheel .``, ``python -m build``)
runs the same copy itself (:mod:`landkit.maps._vendor_build`, standard library only), so it always
ships them with the licence.

When a page asks for panoramas, :func:`pannellum_assets` re-hashes the files against the manifest
before they are inlined and refuses (:class:`~landkit.errors.VendorAssetError`) if they are missing
or differ. Pages without panoramas never read them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import VendorAssetError
from ._vendor_build import PANNELLUM_VERSION, VENDOR_FILES, check_manifest, copy_pannellum

__all__ = [
    "PANNELLUM_VERSION",
    "VENDOR_FILES",
    "Pannellum",
    "build_vendor",
    "main",
    "pannellum_assets",
    "vendor_dir",
]

_HOW = "run `make vendor` in the landkit checkout (needs Node.js/npm: `npm ci` then copies it)"


@dataclass(frozen=True)
class Pannellum:
    """The verified viewer: its script, stylesheet, licence text and manifest facts."""

    js: str
    css: str
    license: str
    version: str
    integrity: str


def build_vendor(node_modules: Path, lock: Path, dest: Path, /) -> dict[str, object]:
    """Copy pannellum's files from ``node_modules`` into ``dest`` and write ``manifest.json``.

    Refuses when the installed package is not the version ``lock`` pins (run ``npm ci``).

    Examples
    --------
    >>> import json, tempfile
    >>> tmp = Path(tempfile.mkdtemp())
    >>> pkg = tmp / "node_modules" / "pannellum"
    >>> for rel in VENDOR_FILES.values():
    ...     _ = (pkg / rel).parent.mkdir(parents=True, exist_ok=True), (pkg / rel).write_text("x")
    >>> _ = (pkg / "package.json").write_text(json.dumps({"version": PANNELLUM_VERSION}))
    >>> _ = (tmp / "package-lock.json").write_text(json.dumps({"packages": {"node_modules/pannellum": {
    ...     "version": PANNELLUM_VERSION, "integrity": "sha512-abc"}}}))
    >>> build_vendor(tmp / "node_modules", tmp / "package-lock.json", tmp / "vendor")["integrity"]
    'sha512-abc'
    """
    return copy_pannellum(node_modules, lock, dest, error=VendorAssetError)


def vendor_dir() -> Path:
    """The folder the bundled viewer lives in (``landkit/maps/assets/vendor``)."""
    return Path(str(resources.files(f"{__package__}.assets"))) / "vendor"


def pannellum_assets(folder: Path | None = None, /) -> Pannellum:
    """Return the bundled pannellum after checking every file's sha256 against ``manifest.json``.

    Raises
    ------
    VendorAssetError
        The files are missing (not built: the message says how to build them), the manifest
        names another version, or a file's sha256 differs from the manifest (tampered or stale).

    Examples
    --------
    >>> p = pannellum_assets()  # built by `make vendor`
    >>> p.version, "MIT" in p.license or "Permission is hereby granted" in p.license
    ('2.5.7', True)
    """
    folder = folder if folder is not None else vendor_dir()
    manifest, data = check_manifest(folder, how=_HOW, error=VendorAssetError)
    return Pannellum(
        js=data["pannellum.js"].decode("utf-8"),
        css=data["pannellum.css"].decode("utf-8"),
        license=data["LICENSE"].decode("utf-8"),
        version=str(manifest["version"]),
        integrity=str(manifest["integrity"]),
    )


def main(argv: list[str], /) -> int:
    """``make vendor``: copy from the checkout ``argv[0]`` (default: cwd) into ``argv[1]`` (default:
    :func:`vendor_dir`); return the exit code (2 with a one-line error on stderr).

    Examples
    --------
    >>> import tempfile
    >>> main([tempfile.mkdtemp()])  # no package-lock.json there
    2
    """
    root = Path(argv[0]) if argv else Path.cwd()
    dest = Path(argv[1]) if len(argv) > 1 else vendor_dir()
    try:
        made = build_vendor(root / "node_modules", root / "package-lock.json", dest)
    except VendorAssetError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(f"pannellum {made['version']} ({made['integrity']}) copied into {dest}\n")
    return 0

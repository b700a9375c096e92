"""Pannellum (the panorama viewer) bundled from the npm registry at build time, verified at write time.

``make vendor`` (run by ``make demo`` and ``make test``) runs :func:`main` after ``npm ci``: it
copies ``pannellum.js``, ``pannellum.css`` and pannellum's licence from
``node_modules/pannellum`` (whose tarball ``npm ci`` checked against the integrity hash in
``package-lock.json``) into the git-ignored ``landkit/maps/assets/vendor/`` and writes
``manifest.json`` with the npm version, the lock's integrity and each file's sha256. The files are
package data, so a wheel built after ``make vendor`` ships them with the licence.

When a page asks for panoramas, :func:`pannellum_assets` re-hashes the files against the manifest
before they are inlined and refuses (:class:`~landkit.errors.VendorAssetError`) if they are missing
or differ. Pages without panoramas never read them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .._atomic import write_text_atomic
from ..errors import VendorAssetError

__all__ = [
    "PANNELLUM_VERSION",
    "VENDOR_FILES",
    "Pannellum",
    "build_vendor",
    "main",
    "pannellum_assets",
    "vendor_dir",
]

#: The pannellum release the page's panorama.js is written against (package-lock.json pins the same).
PANNELLUM_VERSION = "2.5.7"
#: Copied file → its source inside ``node_modules/pannellum``.
VENDOR_FILES: dict[str, str] = {
    "pannellum.js": "build/pannellum.js",
    "pannellum.css": "build/pannellum.css",
    "LICENSE": "COPYING",
}
_HOW = "run `make vendor` in the landkit checkout (needs Node.js/npm: `npm ci` then copies it)"


@dataclass(frozen=True)
class Pannellum:
    """The verified viewer: its script, stylesheet, licence text and manifest facts."""

    js: str
    css: str
    license: str
    version: str
    integrity: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
    try:
        entry = json.loads(lock.read_text("utf-8")).get("packages", {}).get("node_modules/pannellum")
    except (OSError, ValueError) as exc:
        raise VendorAssetError(f"cannot read {lock}: run `make vendor` in the landkit checkout") from exc
    if not entry or "integrity" not in entry:
        raise VendorAssetError(f"{lock} does not pin pannellum; add it to package.json and run `npm install`")
    pkg = node_modules / "pannellum"
    try:
        installed = json.loads((pkg / "package.json").read_text("utf-8"))["version"]
    except (OSError, KeyError, ValueError) as exc:
        raise VendorAssetError(f"pannellum is not installed in {node_modules}; run `npm ci`") from exc
    if installed != entry["version"] or installed != PANNELLUM_VERSION:
        raise VendorAssetError(
            f"node_modules has pannellum {installed}, the lock pins {entry['version']} and landkit expects "
            f"{PANNELLUM_VERSION}; run `npm ci`"
        )
    dest.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name, rel in VENDOR_FILES.items():
        shutil.copyfile(pkg / rel, dest / name)
        hashes[name] = _sha256((dest / name).read_bytes())
    manifest = {
        "package": "pannellum",
        "version": installed,
        "integrity": entry["integrity"],
        "sha256": hashes,
    }
    write_text_atomic(dest / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


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
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        data = {name: (folder / name).read_bytes() for name in VENDOR_FILES}
    except (OSError, ValueError) as exc:
        raise VendorAssetError(f"the panorama viewer (pannellum) is not built into {folder}; {_HOW}") from exc
    if manifest.get("version") != PANNELLUM_VERSION:
        raise VendorAssetError(
            f"{folder} holds pannellum {manifest.get('version')}, landkit needs {PANNELLUM_VERSION}; {_HOW}"
        )
    for name, blob in data.items():
        if _sha256(blob) != manifest.get("sha256", {}).get(name):
            raise VendorAssetError(f"{folder / name} does not match its sha256 in manifest.json; {_HOW}")
    return Pannellum(
        js=data["pannellum.js"].decode("utf-8"),
        css=data["pannellum.css"].decode("utf-8"),
        license=data["LICENSE"].decode("utf-8"),
        version=manifest["version"],
        integrity=manifest["integrity"],
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

"""Copy pannellum from ``node_modules`` with a sha256 manifest, and check such a copy: standard library only.

This module imports nothing from landkit, so the build hook in ``setup.py`` can load it by path
while building a wheel or sdist (when landkit's dependencies are not installed) and ``make vendor``
(through :mod:`landkit.maps._vendor`) runs the very same code. Errors are raised as the class the
caller passes (``error=``): :class:`~landkit.errors.VendorAssetError` from landkit, a build error from
``setup.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["PANNELLUM_VERSION", "VENDOR_FILES", "check_manifest", "copy_pannellum", "sha256"]

#: The pannellum release the page's panorama.js is written against (package-lock.json pins the same).
PANNELLUM_VERSION = "2.5.7"
#: Copied file → its source inside ``node_modules/pannellum``.
VENDOR_FILES: dict[str, str] = {
    "pannellum.js": "build/pannellum.js",
    "pannellum.css": "build/pannellum.css",
    "LICENSE": "COPYING",
}


def sha256(data: bytes, /) -> str:
    """Hex sha256 of ``data``.

    Examples
    --------
    >>> sha256(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def copy_pannellum(
    node_modules: Path, lock: Path, dest: Path, /, *, error: type[Exception] = RuntimeError
) -> dict[str, object]:
    """Copy pannellum's files from ``node_modules`` into ``dest`` and write ``manifest.json``.

    Refuses (``error``) when the lock does not pin pannellum or the installed package is not the
    version it pins (run ``npm ci``). Returns the manifest.
    """
    try:
        entry = json.loads(lock.read_text("utf-8")).get("packages", {}).get("node_modules/pannellum")
    except (OSError, ValueError) as exc:
        raise error(f"cannot read {lock}: run `make vendor` in the landkit checkout") from exc
    if not entry or "integrity" not in entry:
        raise error(f"{lock} does not pin pannellum; add it to package.json and run `npm install`")
    pkg = node_modules / "pannellum"
    try:
        installed = json.loads((pkg / "package.json").read_text("utf-8"))["version"]
    except (OSError, KeyError, ValueError) as exc:
        raise error(f"pannellum is not installed in {node_modules}; run `npm ci`") from exc
    if installed != entry["version"] or installed != PANNELLUM_VERSION:
        raise error(
            f"node_modules has pannellum {installed}, the lock pins {entry['version']} and landkit expects "
            f"{PANNELLUM_VERSION}; run `npm ci`"
        )
    dest.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name, rel in VENDOR_FILES.items():
        shutil.copyfile(pkg / rel, dest / name)
        hashes[name] = sha256((dest / name).read_bytes())
    manifest = {
        "package": "pannellum",
        "version": installed,
        "integrity": entry["integrity"],
        "sha256": hashes,
    }
    _write_atomic(dest / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def check_manifest(
    folder: Path, /, *, how: str, error: type[Exception] = RuntimeError
) -> tuple[dict[str, object], dict[str, bytes]]:
    """The manifest and the files of a copy in ``folder``, after checking the version and every sha256.

    ``how`` ends each error message (what to run to build the files).
    """
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        data = {name: (folder / name).read_bytes() for name in VENDOR_FILES}
    except (OSError, ValueError) as exc:
        raise error(f"the panorama viewer (pannellum) is not built into {folder}; {how}") from exc
    if manifest.get("version") != PANNELLUM_VERSION:
        raise error(
            f"{folder} holds pannellum {manifest.get('version')}, landkit needs {PANNELLUM_VERSION}; {how}"
        )
    for name, blob in data.items():
        if sha256(blob) != manifest.get("sha256", {}).get(name):
            raise error(f"{folder / name} does not match its sha256 in manifest.json; {how}")
    return manifest, data

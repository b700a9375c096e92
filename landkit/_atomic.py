"""Atomic file writes: write in a private folder beside the target, then rename over it.

How a write goes (every landkit output uses this module):

1. A staging folder ``.landkit-tmp-<pid>-<random>`` is created in the target's folder with
   :func:`tempfile.mkdtemp` (``mkdir`` is exclusive, mode 0700). The writer creates its file
   inside it, so nobody else can plant a symlink or a file at the temporary name, and GDAL
   drivers that refuse an existing file still get a fresh name. A temporary name is never
   unlinked and reused.
2. When the writer is done the file is given the mode of the file it replaces (a 0600 report
   stays 0600), flushed to disk (``fsync``), renamed over the target with :func:`os.replace`
   (a symlink at the target is replaced, never followed) and the folder entry is synced.
3. The staging folder is removed, also on error. A process killed with SIGKILL/SIGTERM cannot
   clean up: the next landkit write into the same folder removes staging folders of
   landkit's own naming whose process is gone (or that are older than a day). Nothing else is
   ever touched: only real folders (not symlinks), owned by the current user, matching the pattern.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputExistsError

__all__ = [
    "STAGING_PREFIX",
    "atomic_path",
    "remove_stale",
    "replace_file",
    "staging_dir",
    "write_bytes_atomic",
    "write_text_atomic",
]

#: Name prefix of landkit's staging folders (``.landkit-tmp-<pid>-<random>``).
STAGING_PREFIX = ".landkit-tmp-"
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}(\d+)-[A-Za-z0-9_]+$")
_STALE_AFTER_S = 24 * 3600.0


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def remove_stale(folder: Path, /) -> list[Path]:
    """Remove staging folders left in ``folder`` by killed landkit writes; return what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = _STAGING.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        if _process_gone(int(m.group(1))) or now - st.st_mtime > _STALE_AFTER_S:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def staging_dir(folder: str | os.PathLike[str], /) -> Iterator[Path]:
    """Yield a new private (0700) staging folder inside ``folder``; removed on exit.

    Stale staging folders of killed landkit writes in ``folder`` are removed first.
    """
    parent = Path(folder)
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse it
        pass
    finally:
        os.close(fd)


def replace_file(source: Path, target: Path, /) -> None:
    """Give ``source`` the mode of ``target`` (if it is a regular file), fsync it, rename it over
    ``target`` and sync the folder."""
    try:
        old = os.stat(target, follow_symlinks=False)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISREG(old.st_mode):
        os.chmod(source, stat.S_IMODE(old.st_mode))
    if source.is_file():
        fd = os.open(source, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    os.replace(source, target)
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike[str], /, *, overwrite: bool = True, suffix: str | None = None
) -> Iterator[Path]:
    """Yield a temporary path (not yet existing) for ``path``; on success move it into place.

    On error the temporary file is removed and ``path`` is left as it was. See the module
    docstring for how the temporary file is protected.

    Parameters
    ----------
    path : str or PathLike
        The file to write.
    overwrite : bool, default True
        Replace an existing file; otherwise :class:`~landkit.errors.OutputExistsError`.
    suffix : str, optional
        Suffix of the temporary name (drivers pick the format from it); default that of ``path``.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('done', ['a.txt'])
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target} exists; pass overwrite=True to replace it")
    with staging_dir(target.parent) as folder:
        tmp = folder / f"{target.stem}{suffix or target.suffix}"
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"the writer of {target} produced no file")
        replace_file(tmp, target)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, /, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "wb") as fh:
            fh.write(data)
    return Path(path)


def write_text_atomic(path: str | os.PathLike[str], text: str, /, *, overwrite: bool = True) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically and return the path."""
    return write_bytes_atomic(path, text.encode("utf-8"), overwrite=overwrite)

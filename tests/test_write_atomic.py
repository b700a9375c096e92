"""Atomic writes leave no half file, no leftovers, keep the mode and never follow a planted link.

Issue 11: SIGKILL/SIGTERM left hidden temp files behind, replacing a file reset its mode
(0600 → 0644), and the temp name was created, unlinked and reused, so a symlink planted in
that window was followed. ``landkit sample --overwrite`` deleted the user's own files.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landkit._atomic import STAGING_PREFIX, atomic_path, write_text_atomic
from landkit._sheets import write_workbook
from landkit.sample import build_sample

_WRITER = """
import sys, time
from landkit._atomic import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    with open(tmp, "w") as fh:
        fh.write("half of a report")
        fh.flush()
        print(tmp, flush=True)
        time.sleep(600)
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_writer_leaves_no_half_file_and_the_next_write_cleans_up(
    tmp_path: Path, sig: signal.Signals
) -> None:
    target = tmp_path / "report.xlsx"
    target.write_text("the old report")
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.read_text() == "half of a report"
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == -sig
    assert target.read_text() == "the old report"  # never a half file
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert len(leftovers) == 1  # the kill left the staging folder …
    write_text_atomic(tmp_path / "other.txt", "next write")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "other.txt",
        "report.xlsx",
    ]  # … the next write removed it


def test_stale_cleanup_touches_only_landkits_dead_staging_folders(tmp_path: Path) -> None:
    own_live = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-abc123"  # this process: in use
    own_live.mkdir()
    user_dir = tmp_path / ".landkit-tmpfiles"  # similar name, not the pattern
    user_dir.mkdir()
    user_file = tmp_path / f"{STAGING_PREFIX}999999-notadir"  # a file, not a staging folder
    user_file.write_text("mine")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep")
    link = tmp_path / f"{STAGING_PREFIX}999999-link"  # planted link to someone's folder
    link.symlink_to(victim, target_is_directory=True)
    dead = tmp_path / f"{STAGING_PREFIX}{_dead_pid()}-zz9"
    dead.mkdir()
    old = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-old"  # live pid, but a day old
    old.mkdir()
    day_ago = time.time() - 2 * 86400
    os.utime(old, (day_ago, day_ago))
    write_text_atomic(tmp_path / "out.txt", "x")
    assert not dead.exists()
    assert not old.exists()
    assert own_live.is_dir()
    assert user_dir.is_dir()
    assert user_file.read_text() == "mine"
    assert link.is_symlink()
    assert (victim / "precious.txt").read_text() == "keep"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_planted_symlink_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.html"
    with atomic_path(target) as tmp:
        folder = tmp.parent
        assert folder.parent == out_dir
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # nobody else can plant a name in it
        assert not tmp.exists()
        # an attacker's link beside the target, under every name the old scheme could pick
        (out_dir / f".{target.name}.guess.html").symlink_to(victim)
        tmp.write_text("<p>report</p>")
    assert victim.read_text() == "do not touch"
    assert target.read_text() == "<p>report</p>"
    # a symlink at the target itself is replaced, not written through
    target.unlink()
    target.symlink_to(victim)
    write_text_atomic(target, "new")
    assert not target.is_symlink()
    assert target.read_text() == "new"
    assert victim.read_text() == "do not touch"


def test_replacing_keeps_the_mode(tmp_path: Path) -> None:
    out = tmp_path / "private.xlsx"
    write_workbook(out, {"s": pd.DataFrame({"a": [1]})})
    os.chmod(out, 0o600)
    write_workbook(out, {"s": pd.DataFrame({"a": [2]})}, overwrite=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert pd.read_excel(out)["a"].tolist() == [2]
    os.chmod(out, 0o640)
    write_text_atomic(out, "text")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_new_file_gets_the_umask_mode_and_failed_write_leaves_nothing(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = write_text_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    with pytest.raises(RuntimeError, match="writer failed"):
        _failing_write(tmp_path / "broken.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt"]


def _failing_write(path: Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("writer failed")


def test_sample_overwrite_keeps_the_users_files(tmp_path: Path) -> None:
    root = build_sample(tmp_path / "s", n_parcels=40)
    made = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    expected = gpd.read_file(root / "parcels.gpkg")
    mine = [root / "delivered" / "my_notes.docx", root / "photos" / "my_site_visit.jpg", root / "mine.csv"]
    for p in mine:
        p.write_bytes(b"user data")
    generated = root / "parcels.gpkg"
    generated.write_bytes(b"damaged")
    with pytest.raises(FileExistsError):
        build_sample(root, n_parcels=40)
    build_sample(root, n_parcels=40, overwrite=True)
    assert [p.read_bytes() for p in mine] == [b"user data"] * 3
    pd.testing.assert_frame_equal(gpd.read_file(generated), expected)  # the damaged file was regenerated
    have = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert sorted(set(have) - set(made)) == sorted(p.relative_to(root) for p in mine)
    assert not [p for p in root.rglob("*") if p.name.startswith(STAGING_PREFIX)]

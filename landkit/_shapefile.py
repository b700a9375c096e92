"""Check a shapefile's parts against each other before reading it: a truncated file is refused.

GDAL reads what is there: a .dbf cut short gives fewer rows without a word, a .shp cut short
loses geometries. The headers say how much there should be — the DBF record count, the .shp
file length and the .shx index (8 bytes per record) — so the files are compared with them.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataFormatError

__all__ = ["check_shapefile", "expected_records"]


def _sibling(p: Path, suffix: str) -> Path | None:
    for cand in (p.with_suffix(suffix), p.with_suffix(suffix.upper())):
        if cand.exists():
            return cand
    return None


def _dbf_count(dbf: Path) -> int:
    size = dbf.stat().st_size
    with open(dbf, "rb") as fh:
        head = fh.read(12)
    if len(head) < 12:
        raise DataFormatError(
            f"{dbf.name} is truncated: {size} bytes, not even a DBF header; copy the file again"
        )
    n = int.from_bytes(head[4:8], "little")
    header_len = int.from_bytes(head[8:10], "little")
    record_len = int.from_bytes(head[10:12], "little")
    held = (size - header_len) // record_len if record_len else n
    if held < n:
        raise DataFormatError(
            f"{dbf.name} is truncated: its header says {n} records but the file holds {max(held, 0)} "
            f"({header_len + n * record_len - size} bytes missing); copy or export the shapefile again"
        )
    return n


def _shp_check(shp: Path) -> None:
    size = shp.stat().st_size
    with open(shp, "rb") as fh:
        head = fh.read(28)
    if len(head) < 28:
        raise DataFormatError(
            f"{shp.name} is truncated: {size} bytes, not even a .shp header; copy the file again"
        )
    declared = int.from_bytes(head[24:28], "big") * 2
    if size < declared:
        raise DataFormatError(
            f"{shp.name} is truncated: its header says {declared} bytes but the file has {size} "
            "(geometries are missing); copy or export the shapefile again"
        )


def expected_records(path: Path, /) -> int | None:
    """Records the shapefile at ``path`` should hold (DBF header), None when there is no .dbf."""
    dbf = path if path.suffix.lower() == ".dbf" else _sibling(path, ".dbf")
    return _dbf_count(dbf) if dbf is not None else None


def check_shapefile(path: Path, /) -> int | None:
    """Refuse a truncated .shp/.dbf or a .shx that disagrees with the .dbf; return the record count."""
    n = expected_records(path)
    shp = path if path.suffix.lower() == ".shp" else _sibling(path, ".shp")
    if shp is not None:
        _shp_check(shp)
    shx = _sibling(path, ".shx")
    if shx is not None and n is not None:
        indexed = (shx.stat().st_size - 100) // 8
        if indexed != n:
            raise DataFormatError(
                f"{shx.name} indexes {indexed} shapes but the .dbf has {n} records: one of the files is "
                "truncated or from another export; copy or export the shapefile again"
            )
    return n

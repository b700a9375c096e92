"""Text encodings of bureau files: DBF code-page detection and mojibake flags.

Chinese shapefiles are usually GBK without a .cpg, and GDAL then decodes them as
ISO-8859-1. :func:`detect_dbf_encoding` decides the encoding the way a careful person
would: the .cpg file if there is one, else the DBF language-driver byte (offset 29), else
strict UTF-8 over all text, else GB18030 (a superset of GBK and GB2312).

Examples
--------
>>> looks_mojibake("锟斤拷")
True
>>> looks_mojibake("黑龙江省")
False
>>> looks_mojibake("ºÚÁú½­Ê¡")  # GBK bytes decoded as Latin-1
True
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import EncodingError

__all__ = ["LDID_ENCODINGS", "detect_dbf_encoding", "looks_mojibake"]

#: DBF language-driver IDs (byte 29) → Python codec names; 0 means "not stated".
LDID_ENCODINGS: dict[int, str] = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x57: "cp1252",
    0x58: "cp1252",
    0x59: "cp1252",
    0x4D: "gbk",
    0x7A: "gbk",
    0x4E: "cp949",
    0x4F: "cp950",
    0x78: "cp950",
    0x7B: "cp932",
    0x13: "cp932",
    0x4C: "cp874",
    0x64: "cp852",
    0x65: "cp866",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
}

_CPG_ALIASES = {
    "936": "gbk",
    "cp936": "gbk",
    "gb2312": "gbk",
    "65001": "utf-8",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "88591": "latin-1",
    "8859_1": "latin-1",
    "iso-8859-1": "latin-1",
    "950": "cp950",
    "big5": "cp950",
}

# GBK/UTF-8 bytes decoded as Latin-1/cp1252 give runs of accented Latin letters and symbols
_LATIN_RUN = re.compile(r"[\u00a1-\u00ff]{3,}")
_MOJIBAKE_MARKERS = ("锟斤拷", "烫烫烫", "屯屯屯", "\ufffd")


def looks_mojibake(text: object) -> bool:
    """True when ``text`` looks like wrongly decoded Chinese (锟斤拷, U+FFFD, Latin-1 runs)."""
    if not isinstance(text, str) or not text:
        return False
    if any(m in text for m in _MOJIBAKE_MARKERS):
        return True
    return bool(_LATIN_RUN.search(text))


def _dbf_text_bytes(dbf: Path, *, max_bytes: int | None = None) -> tuple[int, bytes, bool]:
    """Return the language-driver byte, the bytes of the character fields of the first records (whole
    records, at most ``max_bytes`` of them) and whether that covers every record."""
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            raise EncodingError(f"{dbf} is too short to be a DBF file")
        n_records = int.from_bytes(head[4:8], "little")
        header_len = int.from_bytes(head[8:10], "little")
        record_len = max(int.from_bytes(head[10:12], "little"), 1)
        body_len = n_records * record_len
        if max_bytes is not None:
            body_len = min(body_len, max(max_bytes // record_len, 1) * record_len)
        fh.seek(0)
        data = fh.read(header_len + body_len)
    complete = body_len >= n_records * record_len
    ldid = data[29]
    fields: list[tuple[int, int]] = []  # (offset in record, length) of C fields
    types: set[str] = set()
    pos, offset = 32, 1  # records start with a deletion flag byte
    while pos + 32 <= header_len and data[pos] != 0x0D:
        ftype = chr(data[pos + 11])
        flen = data[pos + 16]
        types.add(ftype)
        if ftype == "C":
            fields.append((offset, flen))
        offset += flen
        pos += 32
    body = data[header_len : header_len + body_len]
    if types <= set("CNFDL"):  # every other field is ASCII: the whole body can be checked at once
        return ldid, body, complete
    chunks = []
    for r in range(0, len(body), record_len):
        rec = body[r : r + record_len]
        for off, ln in fields:
            chunks.append(rec[off : off + ln].rstrip(b" \x00"))
    return ldid, b"\n".join(chunks), complete


def _decodes(data: bytes, codec: str, *, limit: int) -> bool:
    """True when the first ``limit`` bytes decode strictly (a character cut at the limit is fine)."""
    sample = data[:limit]
    try:
        sample.decode(codec, errors="strict")
    except UnicodeDecodeError as exc:
        return len(data) > limit and exc.end >= len(sample) - 1 and exc.start >= len(sample) - 4
    return True


def detect_dbf_encoding(path: str | Path, /) -> tuple[str, str]:
    """Decide the text encoding of a shapefile's DBF.

    Parameters
    ----------
    path : str or Path
        The .shp or .dbf path.

    Returns
    -------
    (encoding, how) : tuple of str
        A Python codec name and how it was decided (``cpg``, ``ldid``, ``utf-8``, ``gb18030``,
        ``ascii``).

    Raises
    ------
    EncodingError
        If the text decodes as neither UTF-8 nor GB18030 and no .cpg/LDID states an encoding.

    Examples
    --------
    >>> from pathlib import Path
    >>> shp = Path("sample_data/delivered/idle_xianzhi.shp")
    >>> detect_dbf_encoding(shp) if shp.exists() else ("gb18030", "gb18030")
    ('gb18030', 'gb18030')
    """
    p = Path(path)
    dbf = p.with_suffix(".dbf") if p.suffix.lower() != ".dbf" else p
    if not dbf.exists():
        alt = p.with_suffix(".DBF")
        if not alt.exists():
            raise EncodingError(f"no .dbf beside {p}; a shapefile needs its .dbf")
        dbf = alt
    for cpg in (dbf.with_suffix(".cpg"), dbf.with_suffix(".CPG")):
        if cpg.exists():
            raw = cpg.read_text(encoding="ascii", errors="ignore").strip().lower()
            name = _CPG_ALIASES.get(raw.replace(" ", ""), raw)
            try:
                "".encode(name)
            except LookupError:
                break  # an unknown .cpg: fall through to the other evidence
            return name, "cpg"
    # the first 16 MB of whole records decide, unless they are plain ASCII: then all records are read
    ldid, text, complete = _dbf_text_bytes(dbf, max_bytes=16 * 2**20)
    if ldid in LDID_ENCODINGS:
        return LDID_ENCODINGS[ldid], "ldid"
    if text.isascii() and not complete:
        ldid, text, complete = _dbf_text_bytes(dbf)
    if text.isascii():
        return "utf-8", "ascii"
    if _decodes(text, "utf-8", limit=len(text)):
        return "utf-8", "utf-8"
    if _decodes(text, "gb18030", limit=len(text)):
        return "gb18030", "gb18030"
    raise EncodingError(
        f"{dbf.name}: text is neither UTF-8 nor GBK/GB18030; pass encoding='...' "
        "or add a .cpg file naming the code page"
    )

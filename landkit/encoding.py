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
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .errors import EncodingError

__all__ = [
    "LDID_ENCODINGS",
    "better_decoding",
    "better_decodings",
    "decode_mixed",
    "detect_dbf_encoding",
    "looks_mojibake",
]

#: ``detect_dbf_encoding`` answer when records disagree: each value is decoded by itself.
MIXED = "mixed"

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


def _gb2312_level1() -> str:
    """The 3,755 common characters (GB 2312 level 1: lead bytes 0xB0–0xD7)."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            if lead == 0xD7 and trail > 0xF9:
                break
            chars.append(bytes([lead, trail]).decode("gb2312"))
    return "".join(chars)


_LEVEL1 = re.compile(f"[{re.escape(_gb2312_level1())}]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _rare_class() -> re.Pattern[str]:
    """CJK characters outside GB 2312 level 1, as ranges (a fast first test: most text has none)."""
    common = {ord(c) for c in _gb2312_level1()}
    ranges, start = [], None
    for cp in [*range(0x3400, 0xA000), 0xA000]:
        rare = cp < 0xA000 and cp not in common
        if rare and start is None:
            start = cp
        elif not rare and start is not None:
            ranges.append(f"{chr(start)}-{chr(cp - 1)}")
            start = None
    return re.compile(f"[{''.join(ranges)}\uf900-\ufaff]")


_RARE = _rare_class()


def _common_share(text: str) -> tuple[int, float]:
    """Number of CJK characters in ``text`` and the share of them that are common (GB 2312 level 1)."""
    n = len(_CJK.findall(text))
    return n, (len(_LEVEL1.findall(text)) / n if n else 1.0)


def better_decoding(text: object) -> str | None:
    """A decoding of ``text`` that reads as ordinary Chinese when ``text`` itself does not, else None.

    UTF-8 bytes decoded as GBK are valid GBK but improbable Chinese: mostly rare characters
    (GB 2312 level 2 or outside it). The reverse decoding is offered when it reads better.

    Examples
    --------
    >>> better_decoding("洪江置业".encode("utf-8").decode("gb18030"))
    '洪江置业'
    >>> better_decoding("洪江置业") is None
    True
    """
    if not isinstance(text, str) or text.isascii() or not _RARE.search(text):
        return None
    n, share = _common_share(text)
    if n < 2 or share >= 0.5:
        return None
    for wrong, right in (("gb18030", "utf-8"), ("utf-8", "gb18030")):
        try:
            cand = text.encode(wrong).decode(right)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        m, better = _common_share(cand)
        if m and better >= 0.8 and better > share:
            return cand
    return None


def better_decodings(values: Iterable[object], /) -> dict[str, str]:
    """:func:`better_decoding` of many values: ``{text: better}`` for those that have one.

    One regular-expression pass over all the texts finds the few with a rare character; only those
    are tried one by one.

    Examples
    --------
    >>> wrong = "洪江置业".encode("utf-8").decode("gb18030")
    >>> better_decodings([wrong, "洪江置业", None, "abc"]) == {wrong: "洪江置业"}
    True
    """
    texts = [v for v in dict.fromkeys(values) if isinstance(v, str) and not v.isascii()]
    if not texts:
        return {}
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    hits = [m.start() for m in _RARE.finditer("\n".join(texts))]
    which = np.unique(np.searchsorted(starts, np.asarray(hits, dtype=np.int64), side="right") - 1)
    out = {}
    for k in which.tolist():
        better = better_decoding(texts[k])
        if better is not None:
            out[texts[k]] = better
    return out


def decode_mixed(raw: bytes, /) -> tuple[str, str]:
    """Decode one DBF value on its own: ``(text, codec)`` — UTF-8 when it is valid UTF-8, else GB18030."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace"), "gb18030"


def _values_disagree(text: bytes) -> bool:
    """True when some non-ASCII values are valid UTF-8 and others are not (tables merged from two tools)."""
    try:  # every value valid UTF-8 (splitting at ASCII bytes cannot break a UTF-8 sequence)
        text.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    utf8 = other = 0
    for value in set(re.split(rb"[\x00\n ]+", text)):  # space-padded fields; neither codec uses these bytes
        if value.isascii():
            continue
        try:
            value.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
        if utf8 and other:
            return True
    return False


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
            return _check_cpg(dbf, name)
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
    if _values_disagree(text):
        return MIXED, "values"
    if _decodes(text, "gb18030", limit=len(text)):
        return "gb18030", "gb18030"
    raise EncodingError(
        f"{dbf.name}: text is neither UTF-8 nor GBK/GB18030; pass encoding='...' "
        "or add a .cpg file naming the code page"
    )


def _check_cpg(dbf: Path, name: str) -> tuple[str, str]:
    """The .cpg's encoding, unless the text contradicts it (``936`` on UTF-8 text, ``UTF-8`` on GBK)."""
    if name not in ("gbk", "utf-8"):
        return name, "cpg"
    _, text, _ = _dbf_text_bytes(dbf, max_bytes=16 * 2**20)
    if text.isascii():
        return name, "cpg"
    utf8 = _decodes(text, "utf-8", limit=len(text))
    if name == "gbk" and utf8:
        return "utf-8", "cpg contradicted"
    if name == "utf-8" and not utf8:
        return (MIXED, "cpg contradicted") if _values_disagree(text) else ("gb18030", "cpg contradicted")
    return name, "cpg"

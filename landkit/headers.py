"""Map bureau column headers (Chinese names, pinyin initials) onto canonical fields.

Matching ignores case, spaces, full-width brackets and a bracketed unit suffix, so
``面积（亩）``, ``面积(亩)`` and ``面积`` all map to ``declared_area_m2``; the unit in the
bracket is kept so values can be converted (亩, 公顷, 平方米, 万元, 元).

Examples
--------
>>> m = map_headers(["ZDDM", "土地使用权人", "面积（亩）", "RJL", "自定义列"])
>>> m.mapping
{'ZDDM': 'parcel_id', '土地使用权人': 'holder', '面积（亩）': 'declared_area_m2', 'RJL': 'far'}
>>> m.units
{'面积（亩）': '亩'}
>>> m.unmapped
['自定义列']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .schema import FIELDS, Field

__all__ = ["HeaderMapping", "map_headers", "normalise_header", "short_name"]

_BRACKET = re.compile(r"[（(\[【]\s*([^）)\]】]*)\s*[）)\]】]\s*$")


def normalise_header(header: str) -> tuple[str, str | None]:
    """Return ``(key, unit)``: the header without spaces/case/bracketed suffix, and the suffix.

    Examples
    --------
    >>> normalise_header(" 面积（公顷） ")
    ('面积', '公顷')
    >>> normalise_header("tdsyqr")
    ('TDSYQR', None)
    """
    text = str(header).strip().replace("\u3000", "")
    unit = None
    m = _BRACKET.search(text)
    if m:
        unit = m.group(1).strip() or None
        text = text[: m.start()]
    text = re.sub(r"\s+", "", text)
    return text.upper(), unit


def _alias_index(fields: Mapping[str, Field] = FIELDS) -> dict[str, str]:
    index: dict[str, str] = {}
    for f in fields.values():
        for alias in (f.name, *f.aliases):
            key, _ = normalise_header(alias)
            index.setdefault(key, f.name)
    return index


_INDEX = _alias_index()


@dataclass
class HeaderMapping:
    """Result of :func:`map_headers`.

    Attributes
    ----------
    mapping : dict
        Source header → canonical field, for the headers that matched.
    units : dict
        Source header → unit stated in its bracket (only headers that had one).
    unmapped : list
        Source headers kept under their own names.
    duplicates : dict
        Source header → canonical field it would have taken but another header already did.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)


def map_headers(
    headers: Iterable[str],
    /,
    *,
    field_map: Mapping[str, str] | None = None,
    fields: Mapping[str, Field] | None = None,
) -> HeaderMapping:
    """Match headers to canonical fields.

    Parameters
    ----------
    headers : iterable of str
        Column names as they come.
    field_map : mapping, optional
        Extra or overriding matches, source header → canonical field name. Keys are matched
        the same tolerant way as the built-in aliases.
    fields : mapping, optional
        Another vocabulary to match against (default :data:`landkit.schema.FIELDS`), e.g.
        :data:`landkit.schema.ENCUMBRANCE_FIELDS`.

    Raises
    ------
    ValueError
        If ``field_map`` names a canonical field that does not exist.
    """
    vocabulary = FIELDS if fields is None else fields
    index = _INDEX if fields is None else _alias_index(fields)
    extra: dict[str, str] = {}
    for src, dst in (field_map or {}).items():
        if dst not in vocabulary:
            raise ValueError(f"field_map maps {src!r} to unknown field {dst!r}; see landkit.schema.FIELDS")
        extra[normalise_header(src)[0]] = dst
    out = HeaderMapping()
    taken: set[str] = set()
    for h in headers:
        if h == "geometry":
            continue
        key, unit = normalise_header(h)
        target = extra.get(key) or index.get(key)
        if target is None or target == "geometry":
            out.unmapped.append(h)
            continue
        if target in taken:
            out.duplicates[h] = target
            out.unmapped.append(h)
            continue
        taken.add(target)
        out.mapping[h] = target
        if unit:
            out.units[h] = unit
    return out


def short_name(name: str, /) -> str:
    """A ≤10-byte ASCII DBF field name for a canonical field (its first pinyin alias).

    Examples
    --------
    >>> short_name("parcel_id"), short_name("agreed_start_date")
    ('ZDDM', 'YDDGRQ')
    """
    f = FIELDS.get(name)
    if f:
        for alias in f.aliases:
            if alias.isascii() and len(alias) <= 10:
                return alias
    return name[:10]

"""Land-use classification systems and crosswalks to the 2023 guide.

A code means nothing without its system: ``1001`` is 铁路用地 in 三调 and GB/T 21010-2017 but
工业用地 in the 2023 《国土空间调查、规划、用途管制用地用海分类指南》. landkit stores the system
beside every code (``landuse_system``) and looks names and crosswalks up per system. The
tables are package data (``landkit/data/landuse/*.csv``: code, name, guide2023).

Systems
-------
``guide2023``
    2023 用地用海分类 (07 居住, 10 工矿 → 1001 工业 → 100101/2/3, 11 仓储 …).
``gbt21010_2017``
    GB/T 21010-2017 土地利用现状分类 (06 工矿仓储 → 0601 工业, 0604 仓储 …).
``sandiao``
    第三次全国国土调查 working classification (0601 工业, 0508 物流仓储, 05H1 …).
``gb50137``
    GB 50137-2011 城市用地分类 letter codes in old 控规 data (M1/M2/M3, W1/W2/W3 …).

Examples
--------
>>> landuse_name("1001", system="sandiao"), landuse_name("1001", system="guide2023")
('铁路用地', '工业用地')
>>> to_guide2023("M2", system="gb50137")
'100102'
>>> is_industrial("0601", system="sandiao")
True
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "SYSTEMS",
    "codes_table",
    "is_industrial",
    "is_known",
    "landuse_name",
    "normalise_system",
    "to_guide2023",
]

#: System key → Chinese name.
SYSTEMS: dict[str, str] = {
    "guide2023": "国土空间调查、规划、用途管制用地用海分类指南(2023)",
    "gbt21010_2017": "土地利用现状分类 GB/T 21010-2017",
    "sandiao": "第三次全国国土调查工作分类",
    "gb50137": "城市用地分类与规划建设用地标准 GB 50137-2011",
}

_SYSTEM_ALIASES = {
    "guide2023": "guide2023",
    "2023": "guide2023",
    "用地用海分类": "guide2023",
    "国空分类": "guide2023",
    "国土空间用地用海分类": "guide2023",
    "gbt21010_2017": "gbt21010_2017",
    "gb/t21010-2017": "gbt21010_2017",
    "gbt21010": "gbt21010_2017",
    "土地利用现状分类": "gbt21010_2017",
    "21010": "gbt21010_2017",
    "sandiao": "sandiao",
    "三调": "sandiao",
    "三调工作分类": "sandiao",
    "gb50137": "gb50137",
    "gb50137-2011": "gb50137",
    "城市用地分类": "gb50137",
    "50137": "gb50137",
}


def normalise_system(system: str, /) -> str:
    """Return the canonical key of a classification system name.

    Raises
    ------
    ValueError
        If the system is not known.

    Examples
    --------
    >>> normalise_system("三调")
    'sandiao'
    """
    key = str(system).strip().lower().replace(" ", "")
    if key in _SYSTEM_ALIASES:
        return _SYSTEM_ALIASES[key]
    raise ValueError(f"unknown land-use system {system!r}; use one of {', '.join(SYSTEMS)}")


@cache
def _table(system: str) -> dict[str, tuple[str, str]]:
    path = resources.files("landkit") / "data" / "landuse" / f"{system}.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"]: (row["name"], row["guide2023"]) for row in csv.DictReader(fh)}


def _clean(code: object) -> str:
    text = str(code).strip().upper()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def codes_table(system: str, /) -> pd.DataFrame:
    """The code table of ``system`` as a DataFrame (code, name, guide2023)."""
    s = normalise_system(system)
    rows = [(c, n, g) for c, (n, g) in _table(s).items()]
    return pd.DataFrame(rows, columns=["code", "name", "guide2023"])


def is_known(code: object, /, *, system: str) -> bool:
    """True when ``code`` exists in ``system``."""
    return _clean(code) in _table(normalise_system(system))


def landuse_name(code: object, /, *, system: str) -> str | None:
    """Name of ``code`` in ``system``, or None when unknown."""
    hit = _table(normalise_system(system)).get(_clean(code))
    return hit[0] if hit else None


def to_guide2023(code: object, /, *, system: str) -> str | None:
    """Crosswalk ``code`` of ``system`` to the 2023 guide; None when there is no single match.

    Examples
    --------
    >>> to_guide2023("0508", system="sandiao"), to_guide2023("W1", system="gb50137")
    ('1101', '110101')
    """
    hit = _table(normalise_system(system)).get(_clean(code))
    return (hit[1] or None) if hit else None


def is_industrial(code: object, /, *, system: str) -> bool:
    """True when ``code`` is industrial land (2023 guide 1001xx) after the crosswalk."""
    g = to_guide2023(code, system=system)
    return bool(g) and g.startswith("1001")  # type: ignore[union-attr]

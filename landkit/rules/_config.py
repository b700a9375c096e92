"""Reading the rule files: the bundled 53号令 numbers and user-supplied TOML criteria."""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from .._toml import load_config, read_toml, required
from ..errors import ConfigError

__all__ = ["CRITERIA_SCHEMA", "STATUTE_SCHEMA", "fraction", "load_statute", "read_toml"]

_SHARE = (str, float)  # "1/3", "25%" or 0.25
_PROCEDURE = {
    "event": required(str),
    "label": str,
    "next": str,
    "action": str,
    "days": int,
    "article": str,
}
#: Keys a replacement ``statute_53.toml`` may hold (see :mod:`landkit._toml`).
STATUTE_SCHEMA: dict[str, Any] = {
    "meta": {"name": str, "document": str, "version": str, "in_force": str, "note": str},
    "scope": {
        "ownership": [str],
        "ownership_outside": [str],
        "supply_methods": [str],
        "supply_outside": [str],
    },
    "idle": {
        "not_started_years": int,
        "stopped_years": int,
        "developed_area_share": _SHARE,
        "investment_share": _SHARE,
    },
    "penalty": {"fee_years": int, "fee_rate": _SHARE, "recovery_years": int},
    "negotiated": {"extension_max_years": int, "temporary_use_max_years": int},
    "art8": {"*": [str]},
    "causes": {"*": [str]},
    "cause_text": {"negation_before": [str], "negation_after": [str], "because": [str]},
    "cause_codes": {"*": str},
    "procedure": [_PROCEDURE],
    "enforcement": {"reconsideration_days": int, "lawsuit_months": int},
}
#: Keys a low-efficiency criteria file may hold (see :func:`landkit.rules.read_criteria`).
CRITERIA_SCHEMA: dict[str, Any] = {
    "extends": str,
    "meta": {"name": str, "version": str, "source": str, "note": str},
    "scope": {"landuse_guide2023": [str], "skip_not_started": bool},
    "far": {"tall_storey_m": float, "sectors": {"*": float}, "aliases": {"*": str}},
    "coverage": {"min": _SHARE},
    "investment": {"min": float, "unit": str},
    "tax": {"min": float},
    "output": {"min": float},
    "no_tax": {"years": int},
    "leased": {"max_share": _SHARE},
    "unfinished": {"stopped_years": int, "developed_area_share": _SHARE, "investment_share": _SHARE},
}


@cache
def _bundled_statute() -> dict[str, Any]:
    return load_config("statute_53.toml", package=__package__, what="statute", schema=STATUTE_SCHEMA)


def load_statute(path: str | Path | None = None, /) -> dict[str, Any]:
    """The 53号令 rule numbers: the bundled ``statute_53.toml`` or a replacement file."""
    if path is None:
        return _bundled_statute()
    return load_config(path, what="statute", schema=STATUTE_SCHEMA)


def fraction(value: Any, /, *, where: str = "") -> Fraction:
    """An exact fraction from ``"1/3"``, ``"25%"``, ``0.3`` or ``1``.

    Examples
    --------
    >>> fraction("1/3"), fraction("25%"), fraction(0.3)
    (Fraction(1, 3), Fraction(1, 4), Fraction(3, 10))
    """
    try:
        if isinstance(value, str) and value.strip().endswith("%"):
            return Fraction(value.strip()[:-1]) / 100
        if isinstance(value, float):
            return Fraction(str(value))
        return Fraction(value)
    except (ValueError, TypeError, ZeroDivisionError) as exc:
        raise ConfigError(f"{where or 'value'}: {value!r} is not a number or fraction like '1/3'") from exc

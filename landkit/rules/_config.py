"""Reading the rule files: the bundled 53号令 numbers and user-supplied TOML criteria."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .._toml import read_toml
from ..errors import ConfigError

__all__ = ["fraction", "load_statute", "read_toml"]


@cache
def _bundled_statute() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("statute_53.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_statute(path: str | Path | None = None, /) -> dict[str, Any]:
    """The 53号令 rule numbers: the bundled ``statute_53.toml`` or a replacement file."""
    return _bundled_statute() if path is None else read_toml(path, what="statute")


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

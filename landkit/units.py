"""Area units used by Chinese land administration.

1 亩 = 10000/15 m² exactly; 1 公顷 = 10 000 m² = 15 亩. Areas are stored in m² and converted
only for display.

Examples
--------
>>> m2_to_mu(10000 / 15)
1.0
>>> mu_to_m2(15) == 10000
True
>>> to_m2(2, unit="公顷")
20000.0
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

__all__ = ["HA_M2", "MU_M2", "UNIT_ALIASES", "ha_to_m2", "m2_to_ha", "m2_to_mu", "mu_to_m2", "to_m2"]

#: One 亩 in square metres (exact).
MU_M2 = 10000.0 / 15.0
#: One 公顷 (hectare) in square metres.
HA_M2 = 10000.0

#: Spellings of area units met in headers and arguments → canonical unit.
UNIT_ALIASES: dict[str, str] = {
    "m2": "m2",
    "m²": "m2",
    "平方米": "m2",
    "平米": "m2",
    "㎡": "m2",
    "sqm": "m2",
    "亩": "mu",
    "mu": "mu",
    "公顷": "ha",
    "ha": "ha",
    "hm2": "ha",
    "hm²": "ha",
}
_FACTOR = {"m2": 1.0, "mu": MU_M2, "ha": HA_M2}

T = TypeVar("T")


def m2_to_mu(value: T) -> T:
    """Convert square metres to 亩."""
    return value / MU_M2  # type: ignore[operator,return-value]


def mu_to_m2(value: T) -> T:
    """Convert 亩 to square metres."""
    return value * MU_M2  # type: ignore[operator,return-value]


def m2_to_ha(value: T) -> T:
    """Convert square metres to 公顷 (hectares)."""
    return value / HA_M2  # type: ignore[operator,return-value]


def ha_to_m2(value: T) -> T:
    """Convert 公顷 (hectares) to square metres."""
    return value * HA_M2  # type: ignore[operator,return-value]


def to_m2(value: T, *, unit: str) -> T:
    """Convert an area in ``unit`` (``m2``/``平方米``, ``mu``/``亩``, ``ha``/``公顷``) to m².

    Raises
    ------
    ValueError
        If the unit is unknown.
    """
    key = UNIT_ALIASES.get(str(unit).strip().lower())
    if key is None:
        raise ValueError(f"unknown area unit {unit!r}; use one of m2/平方米, 亩/mu, 公顷/ha")
    if isinstance(value, list | tuple):
        value = np.asarray(value, dtype=float)  # type: ignore[assignment]
    return value * _FACTOR[key]  # type: ignore[operator,return-value]

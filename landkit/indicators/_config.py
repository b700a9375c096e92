"""The indicator settings: the packaged ``indicators.toml`` or a user copy, unknown keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._toml import load_config

__all__ = ["load_settings"]

#: Keys of ``indicators.toml`` and of a user copy (see :mod:`landkit._toml`).
_SCHEMA: dict[str, Any] = {
    "supply_rate": {"threshold": float, "threshold_basis": str, "window_years": int},
    "disposal": {"deduct_excess_new_idle": bool, "excess_share": float, "deduct_basis": str},
    "watch": {"statuses": [str]},
}


def _packaged() -> dict[str, Any]:
    return load_config("indicators.toml", package=__package__, what="indicator settings", schema=_SCHEMA)


def load_settings(path: str | Path | None = None, /) -> dict[str, Any]:
    """Indicator settings: the packaged defaults, overlaid by a user TOML file when given.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file with any of the sections of the packaged ``indicators.toml``.

    Returns
    -------
    dict
        ``supply_rate`` (threshold, window_years, threshold_basis), ``disposal`` and ``watch``.

    Raises
    ------
    ConfigError
        For an unknown section or key (naming the closest valid one).

    Examples
    --------
    >>> load_settings()["supply_rate"]["threshold"]
    0.6
    """
    settings = _packaged()
    if path is None:
        return settings
    user = load_config(path, what="indicator settings", schema=_SCHEMA)
    for section, values in user.items():
        settings[section] = {**settings[section], **values}
    return settings

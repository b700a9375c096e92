"""The indicator settings: the packaged ``indicators.toml`` or a user copy, unknown keys refused."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Any

from .._toml import read_toml
from ..errors import ConfigError

__all__ = ["load_settings"]


def _packaged() -> dict[str, Any]:
    with resources.as_file(resources.files("landkit.indicators") / "indicators.toml") as p:
        return read_toml(p, what="indicator settings")


def _check(user: dict[str, Any], default: dict[str, Any], where: str, path: Path) -> None:
    for key, value in user.items():
        if key not in default:
            close = difflib.get_close_matches(key, list(default), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(default)}"
            raise ConfigError(f"{path}: unknown key {where}{key!r}{hint}")
        if isinstance(default[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: {where}{key!r} must be a table")
            _check(value, default[key], f"{where}{key}.", path)


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
    user = read_toml(path, what="indicator settings")
    _check(user, settings, "", Path(path))
    for section, values in user.items():
        settings[section] = {**settings[section], **values}
    return settings

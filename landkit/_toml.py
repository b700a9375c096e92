"""Reading TOML configuration files with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["read_toml"]


def read_toml(path: str | Path, /, *, what: str) -> dict[str, Any]:
    """Parse a TOML file, turning a missing or broken file into :class:`ConfigError`.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file is, for the message (``"zone config"``, ``"holiday calendar"`` …).

    Examples
    --------
    >>> read_toml("no/such.toml", what="demand")
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: demand file no/such.toml does not exist
    """
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} file {p} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} file {p} is not valid TOML: {exc}") from exc

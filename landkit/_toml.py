"""Reading TOML configuration files — packaged or user-supplied — with one-line errors.

One loader for every config file in landkit: :func:`load_config`. It reads a user file (a path)
or a file shipped inside the package (``package=``), then checks it against a *schema* so a typo
is refused with the closest valid key instead of being silently ignored.

A schema is a plain mapping, key → spec, where a spec is

* a type or tuple of types (``str``, ``(int, float)``; ``float`` also accepts integers,
  ``int`` never accepts ``True``/``False``; ``object`` accepts anything);
* a mapping — a nested table with its own schema;
* a one-element list ``[spec]`` — an array whose items all match ``spec``;
* :func:`required` around any of these — the key must be present.

The key ``"*"`` in a table's schema matches any key not listed (free-form tables such as a
name → value lookup); without it, unknown keys are refused.

Examples
--------
>>> import tempfile, pathlib
>>> schema = {"meta": {"version": required(str)}, "steep_deg": float, "extra": {"*": str}}
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "t.toml").write_text('steep_deg = 25\\n[meta]\\nversion = "v1"\\n', encoding="utf-8")
>>> load_config(folder / "t.toml", what="terrain thresholds", schema=schema)["steep_deg"]
25
>>> _ = (folder / "t.toml").write_text('steep_dg = 25\\n[meta]\\nversion = "v1"\\n', encoding="utf-8")
>>> load_config(folder / "t.toml", what="terrain thresholds", schema=schema)
Traceback (most recent call last):
...
landkit.errors.ConfigError: terrain thresholds file t.toml: unknown key 'steep_dg'; did you mean 'steep_deg'?

Packaged files are named by package: ``load_config("terrain.toml", package="landkit.raster",
what="terrain thresholds", schema=...)``.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError

__all__ = ["check_schema", "load_config", "read_toml", "required"]


class _Required(NamedTuple):
    spec: Any


def required(spec: Any, /) -> Any:
    """Mark a schema entry as mandatory (see the module docstring).

    Examples
    --------
    >>> check_schema({}, {"name": required(str)}, where="profile")
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: profile: missing key 'name' (str)
    """
    return _Required(spec)


def read_toml(path: str | Path, /, *, what: str) -> dict[str, Any]:
    """Parse a TOML file, turning a missing or broken file into :class:`ConfigError`.

    No schema check; prefer :func:`load_config` for new config files.

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
        return _parse(p.read_text(encoding="utf-8"), what=what, name=str(p))
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} file {p} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} file {p} is not UTF-8 text; save it as UTF-8") from exc


def load_config(
    source: str | Path, /, *, what: str, schema: Mapping[str, Any] | None = None, package: str | None = None
) -> dict[str, Any]:
    """Read a TOML config file — a user's path or a packaged file — and check it against ``schema``.

    Parameters
    ----------
    source : str or Path
        A path; or, with ``package=``, a file name inside that package (``"criteria/x.toml"``).
    what : str
        What the file is, for messages (``"zone config"``, ``"county profile"`` …).
    schema : mapping, optional
        Allowed keys and their types (see the module docstring); ``None`` skips the check.
    package : str, optional
        Dotted package name (``"landkit.raster"``, or ``__package__`` from inside it).

    Returns
    -------
    dict
        The parsed document, unchanged (the schema check never fills in defaults).

    Raises
    ------
    ConfigError
        The file is missing, not UTF-8, not TOML, has an unknown key (the closest valid key is
        named), lacks a required key, or holds a value of the wrong type.

    Examples
    --------
    >>> load_config("terrain.toml", package="landkit.raster", what="terrain thresholds",
    ...             schema={"steep_deg": required(float)})
    {'steep_deg': 25.0}
    """
    if package is None:
        doc = read_toml(source, what=what)
        name = Path(source).name
    else:
        name = str(source)
        res = resources.files(package).joinpath(*name.split("/"))
        try:
            doc = _parse(res.read_text(encoding="utf-8"), what=what, name=name)
        except FileNotFoundError as exc:
            raise ConfigError(f"packaged {what} {package}/{name} is missing; reinstall landkit") from exc
    if schema is not None:
        check_schema(doc, schema, where=f"{what} file {name}")
    return doc


def _parse(text: str, *, what: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} file {name} is not valid TOML: {exc}") from exc


def check_schema(doc: Mapping[str, Any], schema: Mapping[str, Any], /, *, where: str) -> None:
    """Refuse unknown keys (naming the closest valid one), missing required keys and wrong types.

    Parameters
    ----------
    doc : mapping
        A parsed TOML table.
    schema : mapping
        See the module docstring.
    where : str
        Prefix of error messages (``"county profile file landkit.toml"``).

    Examples
    --------
    >>> check_schema({"colour": "red"}, {"color": str}, where="page settings")
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: page settings: unknown key 'colour'; did you mean 'color'?
    >>> check_schema({"n": "3"}, {"n": int}, where="x")
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: x: n must be int, not str ('3')
    """
    _check_table(doc, schema, where=where, path="")


def _check_table(doc: Mapping[str, Any], schema: Mapping[str, Any], *, where: str, path: str) -> None:
    known = [k for k in schema if k != "*"]
    for key, value in doc.items():
        spec = schema.get(key, schema.get("*"))
        if spec is None:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            hint = (
                f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(known) or '(none)'}"
            )
            raise ConfigError(f"{where}: unknown key {path + str(key)!r}{hint}")
        _check_value(value, spec, where=where, path=path + str(key))
    for key in known:
        if isinstance(schema[key], _Required) and key not in doc:
            raise ConfigError(f"{where}: missing key {path + key!r} ({_describe(schema[key].spec)})")


def _check_value(value: Any, spec: Any, *, where: str, path: str) -> None:
    if isinstance(spec, _Required):
        spec = spec.spec
    if isinstance(spec, Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {path} must be a table [{path}], not {type(value).__name__}")
        _check_table(value, spec, where=where, path=path + ".")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {path} must be an array, not {type(value).__name__} ({value!r})")
        for i, item in enumerate(value):
            _check_value(item, spec[0], where=where, path=f"{path}[{i}]")
    elif not _is_instance(value, spec):
        raise ConfigError(
            f"{where}: {path} must be {_describe(spec)}, not {type(value).__name__} ({value!r})"
        )


def _is_instance(value: Any, spec: type | tuple[type, ...]) -> bool:
    types = spec if isinstance(spec, tuple) else (spec,)
    if isinstance(value, bool) and bool not in types and object not in types:
        return False
    if float in types and isinstance(value, int):
        return True
    return isinstance(value, types)


def _describe(spec: Any) -> str:
    if isinstance(spec, Mapping):
        return "a table"
    if isinstance(spec, list):
        return "an array"
    types = spec if isinstance(spec, tuple) else (spec,)
    return " or ".join(t.__name__ for t in types)

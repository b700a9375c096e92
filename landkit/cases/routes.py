"""The route catalogue: how a stalled (烂尾) or mortgaged (抵押) parcel can be revitalised.

Routes are data (``landkit/cases/routes.toml``, or the bureau's own copy): each has the categories
it applies to, the lead department, its statutory basis, preconditions naming facts of
:data:`landkit.cases.FACTS`, and steps whose deadlines follow 民法典 arts. 201–203. Unknown keys are
refused with the closest valid key named, so a typo never silently drops a condition.

Examples
--------
>>> cat = read_routes()
>>> cat.routes["transfer"].label
'转让续建'
>>> [p.fact for p in cat.routes["transfer_with_mortgage"].preconditions][:2]
['mortgaged', 'transfer_allowed']
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .._toml import read_toml
from ..errors import ConfigError
from ..schema import CATEGORIES

__all__ = ["DEFAULT_ROUTES", "Precondition", "Route", "RouteCatalogue", "Step", "read_routes"]

#: The catalogue shipped with landkit.
DEFAULT_ROUTES = Path(__file__).with_name("routes.toml")

_TOP = {"meta", "params", "targets", "route"}
_META = {"name", "version", "note"}
_PARAMS = {"investment_share", "debt_ratio_max"}
_ROUTE = {"key", "label", "applies_to", "lead", "basis", "preconditions", "step", "local"}
_PRE = {"fact", "label", "basis", "local"}
_STEP = {"key", "label", "lead", "days", "months", "years", "by", "basis", "local", "when"}


@dataclass(frozen=True)
class Precondition:
    """One condition a route needs: a fact that must hold, and why."""

    fact: str
    label: str
    basis: str
    local: bool


@dataclass(frozen=True)
class Step:
    """One step of a route: its window (from the previous step, or the case opening) and/or a target."""

    key: str
    label: str
    lead: str | None
    days: int
    months: int
    years: int
    by: dt.date | None
    basis: str
    local: bool
    when: str | None


@dataclass(frozen=True)
class Route:
    """A revitalisation route (盘活路径)."""

    key: str
    label: str
    applies_to: tuple[str, ...]
    lead: str
    basis: str
    preconditions: tuple[Precondition, ...]
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step:
        """The step called ``key``."""
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)


@dataclass(frozen=True)
class RouteCatalogue:
    """A parsed route catalogue."""

    name: str
    version: str
    params: dict[str, Fraction]
    targets: dict[str, dt.date]
    routes: dict[str, Route] = field(default_factory=dict)
    source: str = ""


def _check_keys(table: Mapping[str, Any], allowed: Iterable[str], *, where: str) -> None:
    allowed = sorted(allowed)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(allowed)}"
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")


def _fraction(value: Any, *, where: str) -> Fraction:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise ConfigError(f'{where}: {value!r} is not a number or fraction like "1/4"') from exc


def _step(raw: Mapping[str, Any], *, where: str, targets: Mapping[str, dt.date], facts: set[str]) -> Step:
    _check_keys(raw, _STEP, where=where)
    for need in ("key", "label"):
        if need not in raw:
            raise ConfigError(f"{where}: missing {need!r}")
    by = raw.get("by")
    if by is not None and by not in targets:
        close = difflib.get_close_matches(str(by), list(targets), n=1)
        raise ConfigError(
            f"{where}: by = {by!r} is not in [targets]" + (f"; did you mean {close[0]!r}?" if close else "")
        )
    when = raw.get("when")
    if when is not None and when not in facts:
        close = difflib.get_close_matches(str(when), sorted(facts), n=1)
        raise ConfigError(
            f"{where}: when = {when!r} is not a fact" + (f"; did you mean {close[0]!r}?" if close else "")
        )
    n = {k: int(raw.get(k, 0)) for k in ("days", "months", "years")}
    if any(v < 0 for v in n.values()):
        raise ConfigError(f"{where}: a step window cannot be negative")
    if not any(n.values()) and by is None:
        raise ConfigError(f"{where}: give a window (days/months/years) or a target (by = ...)")
    return Step(
        key=str(raw["key"]),
        label=str(raw["label"]),
        lead=raw.get("lead"),
        by=targets[by] if by is not None else None,
        basis=str(raw.get("basis", "")),
        local=bool(raw.get("local", False)),
        when=when,
        **n,
    )


def _route(raw: Mapping[str, Any], *, where: str, targets: Mapping[str, dt.date]) -> Route:
    from .options import FACTS

    _check_keys(raw, _ROUTE, where=where)
    for need in ("key", "label", "applies_to", "lead", "preconditions", "step"):
        if need not in raw:
            raise ConfigError(f"{where}: missing {need!r}")
    where = f"{where} {raw['key']}"
    bad = [c for c in raw["applies_to"] if c not in CATEGORIES]
    if bad:
        raise ConfigError(f"{where}: applies_to {bad} not in {', '.join(CATEGORIES)}")
    pres = []
    for k, p in enumerate(raw["preconditions"]):
        _check_keys(p, _PRE, where=f"{where} precondition {k + 1}")
        fact = p.get("fact")
        if fact not in FACTS:
            close = difflib.get_close_matches(str(fact), sorted(FACTS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where} precondition {k + 1}: unknown fact {fact!r}{hint}")
        pres.append(
            Precondition(
                fact,
                str(p.get("label", FACTS[fact][0])),
                str(p.get("basis", "")),
                bool(p.get("local", False)),
            )
        )
    steps = tuple(
        _step(s, where=f"{where} step {k + 1}", targets=targets, facts=set(FACTS))
        for k, s in enumerate(raw["step"])
    )
    keys = [s.key for s in steps]
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{where}: step keys repeat ({', '.join(keys)})")
    return Route(
        key=str(raw["key"]),
        label=str(raw["label"]),
        applies_to=tuple(raw["applies_to"]),
        lead=str(raw["lead"]),
        basis=str(raw.get("basis", "")),
        preconditions=tuple(pres),
        steps=steps,
    )


def read_routes(path: str | Path | None = None, /) -> RouteCatalogue:
    """Read a route catalogue (default: the one shipped with landkit).

    Raises
    ------
    ConfigError
        Missing file, bad TOML, an unknown key (the closest valid one is named), an unknown fact,
        a step without a window or target, a repeated route or step key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.toml"
    >>> _ = p.write_text(DEFAULT_ROUTES.read_text(encoding="utf-8").replace("applies_to =", "aplies_to =", 1),
    ...                  encoding="utf-8")
    >>> read_routes(p)
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: r.toml [[route]] 1: unknown key 'aplies_to'; did you mean 'applies_to'?
    """
    p = Path(path) if path is not None else DEFAULT_ROUTES
    doc = read_toml(p, what="route catalogue")
    _check_keys(doc, _TOP, where=p.name)
    _check_keys(doc.get("meta", {}), _META, where=f"{p.name} [meta]")
    _check_keys(doc.get("params", {}), _PARAMS, where=f"{p.name} [params]")
    params = {k: _fraction(v, where=f"{p.name} [params] {k}") for k, v in doc.get("params", {}).items()}
    params.setdefault("investment_share", Fraction(1, 4))
    params.setdefault("debt_ratio_max", Fraction(1))
    targets = {}
    for k, v in doc.get("targets", {}).items():
        try:
            targets[k] = v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
        except ValueError as exc:
            raise ConfigError(f"{p.name} [targets] {k}: {v!r} is not a date (YYYY-MM-DD)") from exc
    routes: dict[str, Route] = {}
    for k, raw in enumerate(doc.get("route", [])):
        r = _route(raw, where=f"{p.name} [[route]] {k + 1}", targets=targets)
        if r.key in routes:
            raise ConfigError(f"{p.name}: route key {r.key!r} appears twice")
        routes[r.key] = r
    if not routes:
        raise ConfigError(f"{p.name}: no [[route]] defined")
    meta = doc.get("meta", {})
    return RouteCatalogue(
        name=str(meta.get("name", p.stem)),
        version=str(meta.get("version", "")),
        params=params,
        targets=targets,
        routes=routes,
        source=str(p),
    )

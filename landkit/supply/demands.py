"""Investor demands (招商需求): one TOML file per demand, or an Excel sheet with one row per demand.

Every key is checked: an unknown key at the top or inside a section (``maxx`` in ``[area_mu]``) is
refused with the closest valid key, so a typo never silently widens a demand.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from .._toml import read_toml
from ..errors import ConfigError
from ..headers import normalise_header
from ..schema import STATUSES
from ..values import parse_dates, parse_numbers

__all__ = ["DEMAND_COLUMNS", "Demand", "check_zone_names", "closest", "read_demand", "read_demands"]

DEFAULT_WEIGHTS: dict[str, float] = {"area": 1.0, "price": 1.0, "road": 1.0, "river": 1.0, "slope": 1.0}

#: TOML layout: section → allowed keys (``None``: a top-level scalar).
_LAYOUT: dict[str, tuple[str, ...] | None] = {
    "id": None,
    "name": None,
    "investor": None,
    "industry": None,
    "top": None,
    "wanted_by": None,
    "area_mu": ("min", "max"),
    "floor_m2": ("min", "max"),
    "landuse": ("codes", "system"),
    "zones": ("any",),
    "price": ("max_total", "max_per_mu", "max_rent_m2_month", "require"),
    "terrain": ("max_slope_deg",),
    "building": ("min_storey_height_m", "min_floor_load_kn_m2"),
    "utilities": ("need",),
    "preferences": ("road_within_m", "river_within_m", "weights"),
    "layers": ("roads", "rivers"),
    "status": ("any",),
}


@dataclass(frozen=True)
class Demand:
    """An investor's demand for land (亩) and/or standard-factory floor space (m²).

    Attributes
    ----------
    id, name, investor, industry : str
        Identity shown in push lists (``id`` defaults to the file name or row number).
    area_mu_min, area_mu_max : float, optional
        Land area range in 亩 (inclusive).
    floor_m2_min, floor_m2_max : float, optional
        Floor space range in m² (inclusive). A demand with a floor range and no land range wants
        floor space only; with a land range and no floor range, land only; with neither, both.
    landuse, landuse_system : tuple of str, str
        Acceptable land uses (prefixes allowed), crosswalked to the 2023 guide.
    zones : tuple of str
        Acceptable zones (any of them): ``zone_*`` values, township, or a unit's park.
    max_total_price, max_unit_price : float, optional
        Land budget in 万元 and 万元/亩.
    max_rent_m2_month : float, optional
        Floor-space budget in 元 per m² and month.
    require_price : bool
        Drop offers with no price when a budget is set (default: keep them, noted).
    max_slope_deg : float, optional
        Maximum mean slope in degrees (needs ``slope_mean_deg`` on the parcels).
    min_storey_height_m, min_floor_load_kn_m2 : float, optional
        Floor-space needs (层高, 楼面荷载).
    utilities : tuple of str
        Utilities needed (给水, 排水, 电力, 通讯, 燃气, 热力, 道路 …), matched against the offers'
        ``utilities`` column.
    wanted_by : date, optional
        The day the investor wants to move in; a unit let until later is excluded.
    road_within_m, river_within_m : float, optional
        Preferences: the closer to a road / the river within this distance, the better.
    statuses : tuple of str
        Register statuses on offer; empty means every status except the cleared ones.
    weights : mapping
        Weights of the preference scores ``area``, ``price``, ``road``, ``river``, ``slope``.
    top : int or None
        How many offers a push list holds (None: all that pass).
    roads, rivers : str, optional
        Line layers as ``"path.gpkg:layer"``.
    """

    name: str = ""
    area_mu_min: float | None = None
    area_mu_max: float | None = None
    landuse: tuple[str, ...] = ()
    landuse_system: str = "guide2023"
    zones: tuple[str, ...] = ()
    max_total_price: float | None = None
    max_unit_price: float | None = None
    require_price: bool = False
    max_slope_deg: float | None = None
    road_within_m: float | None = None
    river_within_m: float | None = None
    statuses: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    top: int | None = 10
    roads: str | None = None
    rivers: str | None = None
    id: str = ""
    investor: str = ""
    industry: str = ""
    floor_m2_min: float | None = None
    floor_m2_max: float | None = None
    max_rent_m2_month: float | None = None
    min_storey_height_m: float | None = None
    min_floor_load_kn_m2: float | None = None
    utilities: tuple[str, ...] = ()
    wanted_by: dt.date | None = None

    @property
    def wants_land(self) -> bool:
        """True unless the demand states only a floor-space range."""
        return self.area_mu_min is not None or self.area_mu_max is not None or not self.wants_floor_only

    @property
    def wants_floor_only(self) -> bool:
        """True when a floor-space range is stated and no land range."""
        has_floor = self.floor_m2_min is not None or self.floor_m2_max is not None
        return has_floor and self.area_mu_min is None and self.area_mu_max is None

    @property
    def wants_units(self) -> bool:
        """True unless the demand states only a land range."""
        has_land = self.area_mu_min is not None or self.area_mu_max is not None
        return self.floor_m2_min is not None or self.floor_m2_max is not None or not has_land


def closest(word: str, valid: Iterable[str], /) -> str:
    """``" (did you mean 'x'?)"`` for the closest valid word, or ``""`` when none is close.

    Examples
    --------
    >>> closest("maxx", ["min", "max"])
    " (did you mean 'max'?)"
    """
    hit = difflib.get_close_matches(str(word), [str(v) for v in valid], n=1, cutoff=0.5)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def _refuse_unknown(keys: Iterable[str], valid: Iterable[str], *, where: str) -> None:
    valid = list(valid)
    for key in keys:
        if key not in valid:
            raise ConfigError(
                f"{where}: unknown key {key!r}{closest(key, valid)}; valid keys: {', '.join(valid)}"
            )


def _check_layout(doc: Mapping[str, Any], *, where: str) -> None:
    _refuse_unknown(doc, _LAYOUT, where=where)
    for section, keys in _LAYOUT.items():
        if keys is None or section not in doc:
            continue
        if not isinstance(doc[section], Mapping):
            raise ConfigError(f"{where}: [{section}] must be a table")
        _refuse_unknown(doc[section], keys, where=f"{where} [{section}]")
    weights = doc.get("preferences", {}).get("weights", {})
    _refuse_unknown(weights, DEFAULT_WEIGHTS, where=f"{where} [preferences] weights")


def _num(doc: Mapping[str, Any], table: str, key: str, *, where: str) -> float | None:
    v = doc.get(table, {}).get(key)
    if v is None:
        return None
    if not isinstance(v, int | float) or isinstance(v, bool) or v < 0:
        raise ConfigError(f"{where}: [{table}] {key} must be a non-negative number, not {v!r}")
    return float(v)


def _date(value: object, *, where: str) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    parsed = parse_dates(pd.Series([value], dtype=object)).iloc[0]
    if pd.isna(parsed):
        raise ConfigError(f"{where}: wanted_by {value!r} is not a date; write 2025-06-30")
    return parsed.date()


def _texts(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    if isinstance(value, str):
        return tuple(t.strip() for t in re.split(r"[,，;；、|/]", value) if t.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())  # type: ignore[attr-defined]


def demand_from_mapping(doc: Mapping[str, Any], /, *, where: str, base: Path | None = None) -> Demand:
    """Build a :class:`Demand` from a TOML-shaped mapping, refusing unknown keys."""
    _check_layout(doc, where=where)

    def layer(key: str) -> str | None:
        v = doc.get("layers", {}).get(key)
        if v is None:
            return None
        file, _, name = str(v).partition(":")
        path = (base / file).resolve() if base is not None else Path(file)
        return f"{path}{':' + name if name else ''}"

    prefs = doc.get("preferences", {})
    n = lambda t, k: _num(doc, t, k, where=where)  # noqa: E731
    demand = Demand(
        id=str(doc.get("id", "")),
        name=str(doc.get("name", "")),
        investor=str(doc.get("investor", "")),
        industry=str(doc.get("industry", "")),
        area_mu_min=n("area_mu", "min"),
        area_mu_max=n("area_mu", "max"),
        floor_m2_min=n("floor_m2", "min"),
        floor_m2_max=n("floor_m2", "max"),
        landuse=_texts(doc.get("landuse", {}).get("codes")),
        landuse_system=str(doc.get("landuse", {}).get("system", "guide2023")),
        zones=_texts(doc.get("zones", {}).get("any")),
        max_total_price=n("price", "max_total"),
        max_unit_price=n("price", "max_per_mu"),
        max_rent_m2_month=n("price", "max_rent_m2_month"),
        require_price=bool(doc.get("price", {}).get("require", False)),
        max_slope_deg=n("terrain", "max_slope_deg"),
        min_storey_height_m=n("building", "min_storey_height_m"),
        min_floor_load_kn_m2=n("building", "min_floor_load_kn_m2"),
        utilities=_texts(doc.get("utilities", {}).get("need")),
        wanted_by=_date(doc.get("wanted_by"), where=where),
        road_within_m=n("preferences", "road_within_m"),
        river_within_m=n("preferences", "river_within_m"),
        statuses=_texts(doc.get("status", {}).get("any")),
        weights={**DEFAULT_WEIGHTS, **{k: float(v) for k, v in prefs.get("weights", {}).items()}},
        top=int(doc["top"]) if "top" in doc else 10,
        roads=layer("roads"),
        rivers=layer("rivers"),
    )
    check_demand(demand, where=where)
    return demand


def check_demand(d: Demand, /, *, where: str = "demand") -> None:
    """Refuse an impossible demand (empty ranges, unknown weights or statuses)."""
    for lo, hi, unit in ((d.area_mu_min, d.area_mu_max, "亩"), (d.floor_m2_min, d.floor_m2_max, "m²")):
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(f"{where}: range {lo:g}–{hi:g} {unit} is empty")
    _refuse_unknown(d.weights, DEFAULT_WEIGHTS, where=f"{where} weights")
    for s in d.statuses:
        if s not in STATUSES:
            raise ConfigError(
                f"{where}: unknown status {s!r}{closest(s, STATUSES)}; use {', '.join(STATUSES)}"
            )


def read_demand(path: str | os.PathLike[str], /) -> Demand:
    """Read one demand TOML file (layout in ``sample_data/demand/new_materials_30_60mu.toml``).

    Raises
    ------
    ConfigError
        When the file is missing or broken, has an unknown key (top level or inside a section;
        the closest valid key is named) or an impossible value.

    Examples
    --------
    >>> d = read_demand("sample_data/demand/new_materials_30_60mu.toml")
    >>> d.area_mu_min, d.area_mu_max, d.landuse
    (30.0, 60.0, ('1001',))
    """
    p = Path(path)
    doc = read_toml(p, what="demand")
    d = demand_from_mapping(doc, where=f"demand file {p}", base=p.parent)
    updates = {"id": d.id or p.stem, "name": d.name or p.stem}
    return Demand(**{**{f.name: getattr(d, f.name) for f in fields(Demand)}, **updates})


#: Excel demand-sheet headers (normalised) → TOML (section, key).
DEMAND_COLUMNS: dict[str, tuple[str | None, str]] = {
    "需求编号": (None, "id"),
    "项目名称": (None, "name"),
    "投资方": (None, "investor"),
    "行业": (None, "industry"),
    "推荐数量": (None, "top"),
    "需求日期": (None, "wanted_by"),
    "用地面积下限": ("area_mu", "min"),
    "用地面积上限": ("area_mu", "max"),
    "厂房面积下限": ("floor_m2", "min"),
    "厂房面积上限": ("floor_m2", "max"),
    "用途": ("landuse", "codes"),
    "分类体系": ("landuse", "system"),
    "片区": ("zones", "any"),
    "总价上限": ("price", "max_total"),
    "单价上限": ("price", "max_per_mu"),
    "租金上限": ("price", "max_rent_m2_month"),
    "最大坡度": ("terrain", "max_slope_deg"),
    "层高下限": ("building", "min_storey_height_m"),
    "荷载下限": ("building", "min_floor_load_kn_m2"),
    "配套需求": ("utilities", "need"),
    "距道路": ("preferences", "road_within_m"),
    "距河流": ("preferences", "river_within_m"),
}
_LIST_KEYS = {"codes", "any", "need"}
_TEXT_KEYS = {"id", "name", "investor", "industry", "wanted_by", "system"}


def _row_to_doc(row: pd.Series, columns: Mapping[str, tuple[str | None, str]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for col, (section, key) in columns.items():
        v = row[col]
        if v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip()):
            continue
        if key in _LIST_KEYS:
            v = list(_texts(str(v)))
        elif key == "top":
            v = int(parse_numbers([v]).iloc[0])
        elif key not in _TEXT_KEYS:
            num = parse_numbers([v]).iloc[0]
            v = v if pd.isna(num) else float(num)
        else:
            v = str(v).strip() if not isinstance(v, dt.date) else v
        (doc.setdefault(section, {}) if section else doc)[key] = v
    return doc


def _read_sheet(p: Path, *, sheet: str | int | None) -> list[Demand]:
    from .._tabular import _read_sheets

    table, _ = _read_sheets(p, layer=sheet, encoding=None, header_row=None, meta={"problems": []})
    table = table.dropna(how="all")
    columns: dict[str, tuple[str | None, str]] = {}
    for col in table.columns:
        key = normalise_header(str(col))[0]
        if key not in DEMAND_COLUMNS:
            raise ConfigError(f"{p.name}: unknown column {col!r}{closest(key, DEMAND_COLUMNS)}")
        columns[col] = DEMAND_COLUMNS[key]
    out = []
    for n, (_, row) in enumerate(table.iterrows(), start=2):
        d = demand_from_mapping(_row_to_doc(row, columns), where=f"{p.name} row {n}")
        out.append(
            d if d.id else Demand(**{**{f.name: getattr(d, f.name) for f in fields(Demand)}, "id": f"R{n}"})
        )
    return out


def read_demands(path: str | os.PathLike[str], /, *, sheet: str | int | None = None) -> list[Demand]:
    """Read a register of demands: a folder of TOML files, one TOML file, or an Excel/CSV sheet.

    Raises
    ------
    ConfigError
        On an unknown key or column (naming the closest valid one), an impossible value, or two
        demands with the same id.

    Examples
    --------
    >>> ds = read_demands("sample_data/supply/demands")
    >>> len(ds) >= 20, len({d.id for d in ds}) == len(ds)
    (True, True)
    """
    p = Path(path)
    if p.is_dir():
        out = [read_demand(f) for f in sorted(p.glob("*.toml"))]
    elif p.suffix.lower() == ".toml":
        out = [read_demand(p)]
    elif p.exists():
        out = _read_sheet(p, sheet=sheet)
    else:
        raise ConfigError(f"demand register {p} does not exist")
    if not out:
        raise ConfigError(f"demand register {p} holds no demand")
    seen: set[str] = set()
    for d in out:
        if d.id in seen:
            raise ConfigError(f"demand register {p}: id {d.id!r} appears twice; give each demand its own id")
        seen.add(d.id)
    return out


def check_zone_names(demands: Iterable[Demand], valid: Iterable[str], /) -> None:
    """Refuse a demand naming a zone that is not among ``valid``, naming the closest one.

    Examples
    --------
    >>> check_zone_names([Demand(id="x", zones=("沅水主干带",))], ["沅水主干发展带", "洪江高新区"])
    Traceback (most recent call last):
    ...
    landkit.errors.ConfigError: demand x: unknown zone '沅水主干带' (did you mean '沅水主干发展带'?); ...
    """
    names = sorted({str(v) for v in valid})
    for d in demands:
        for z in d.zones:
            if z not in names:
                shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
                raise ConfigError(
                    f"demand {d.id or d.name}: unknown zone {z!r}{closest(z, names)}; known zones: {shown}"
                )

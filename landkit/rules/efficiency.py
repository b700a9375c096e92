"""Low-efficiency industrial land (低效工业用地) under versioned, local criteria.

There is no single national definition; a county sets its own standard. The criteria are a TOML
file (``sample_data/criteria/``; the national defaults ship as ``national-2008``) whose sections
switch checks on. Each parcel gets every reason that applied:

``far``
    容积率 below the sector minimum of 《工业项目建设用地控制指标》 (国土资发〔2008〕24号). A registered
    ``far`` is used as it is (it already counts storeys over 8 m twice); only when the FAR is
    computed from ``floor_area_m2`` does the extra column ``tall_storey_floor_area_m2`` (floor area
    of storeys taller than ``tall_storey_m``) count a second time.
``coverage``
    建筑系数 (buildings, structures and yards) below the minimum (30% in the 2008 indicators). It is
    a share: ``0.25`` or ``"25%"``; a bare ``25`` is reported, never compared. 建筑密度
    (``building_density``, buildings only) is a different figure and never stands in for it.
``investment``
    投资强度 (``invested`` / site area) below a minimum in 万元/亩 or 万元/公顷.
``tax`` / ``output``
    亩均税收 / 亩均产值 below a minimum (万元/亩).
``no_tax``
    No tax for at least N consecutive years (extra column ``no_tax_years``).
``leased``
    Mainly leased out: ``leased_share`` above the maximum.
``unfinished``
    开发未完成 (烂尾): started, stopped for at least ``stopped_years`` (1) full years by ``as_of`` and
    **not** below the lines of 53号令 art. 2 ¶2 (developed area ≥ 1/3 and investment ≥ 25%). Below
    those lines the parcel is idle land (:func:`assess_idle`).

A file may start with ``extends = "other.toml"`` to inherit a base version and override sections.
The result records the criteria ``version`` used (``eff_criteria``) and which site area the
per-area figures used (``eff_area_basis``: 宗地图形面积, 批准面积 or 登记面积). The bundled default is
``national-2008``: the 2008 《工业项目建设用地控制指标》; a 2023 revision of that document exists and
is **not** bundled — load it as your own criteria file (with its own ``version``) to use it.

``eff_result`` separates the answers: 低效 / 不低效 / 未能判断 (in scope, but a check lacked data) /
不适用 (out of scope: not industrial, not supplied, not started).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError
from ..schema import CONSTRUCTION_STATUSES, split_categories
from ..units import HA_M2, MU_M2
from ._config import fraction, read_toml
from .dates import date_interval, day_after_period, to_date

__all__ = ["EFFICIENCY_COLUMNS", "REASONS", "RESULTS", "assess_efficiency", "read_criteria"]

#: Reason keys → Chinese labels.
REASONS: dict[str, str] = {
    "far": "容积率不达标",
    "coverage": "建筑系数不达标",
    "investment": "投资强度不达标",
    "tax": "亩均税收不达标",
    "output": "亩均产值不达标",
    "no_tax": "连续无税收",
    "leased": "主要用于出租",
    "unfinished": "开发未完成（烂尾）",
}
#: Output columns of :func:`assess_efficiency` → Chinese labels.
EFFICIENCY_COLUMNS: dict[str, str] = {
    "low_efficiency": "低效用地",
    "eff_scope": "认定范围",
    "eff_reason_keys": "低效原因代码",
    "eff_reasons": "低效原因",
    "eff_unchecked": "未能核查",
    "eff_missing": "缺少字段",
    "eff_far": "核算容积率",
    "eff_investment_per_mu": "投资强度(万元/亩)",
    "eff_criteria": "认定标准版本",
    "eff_area_basis": "计算面积口径",
    "eff_result": "认定结果",
}
#: ``eff_result`` values.
RESULTS = ("低效", "不低效", "未能判断", "不适用")
_AREA_BASIS = {"area_m2": "宗地图形面积", "approved_area_m2": "批准面积", "declared_area_m2": "登记面积"}
_STATUS_KEYS = {v: k for k, v in CONSTRUCTION_STATUSES.items()} | {k: k for k in CONSTRUCTION_STATUSES}
_BUNDLED = {"national-2008": "national_2008.toml"}


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), dict) else v
    return out


def _bundled(name: str) -> dict[str, Any]:
    import tomllib

    text = resources.files(__package__).joinpath("criteria", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def read_criteria(criteria: str | Path | Mapping[str, Any] = "national-2008", /) -> dict[str, Any]:
    """Load low-efficiency criteria: a TOML path, a bundled version name, or a mapping.

    ``extends = "base.toml"`` is resolved against the file's folder, then against the bundled
    criteria (``national_2008.toml``).

    Raises
    ------
    ConfigError
        When the file is missing, broken, or has no ``[meta].version``.

    Examples
    --------
    >>> read_criteria("sample_data/criteria/hongjiang_2024_example.toml")["meta"]["version"]
    'hongjiang-2024-example'
    >>> read_criteria()["far"]["sectors"]["食品制造业"]
    1.0
    """
    if isinstance(criteria, Mapping):
        doc = dict(criteria)
        base_dir = Path.cwd()
    elif str(criteria) in _BUNDLED:
        doc = _bundled(_BUNDLED[str(criteria)])
        base_dir = Path.cwd()
    else:
        path = Path(criteria)
        doc = read_toml(path, what="criteria")
        base_dir = path.parent
    parent = doc.pop("extends", None)
    if parent:
        candidate = base_dir / str(parent)
        if candidate.exists():
            base = read_criteria(candidate)
        elif str(parent) in _BUNDLED.values():
            base = _bundled(str(parent))
        else:
            raise ConfigError(f"criteria extends {parent!r}, which is neither beside the file nor bundled")
        doc = _merge(base, doc)
    if not doc.get("meta", {}).get("version"):
        raise ConfigError("criteria have no [meta] version; add one so results record which version was used")
    return doc


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        return None if pd.isna(v) else float(v)
    except (TypeError, ValueError):
        return None


def _text(v: Any) -> str | None:
    return v.strip() or None if isinstance(v, str) else None


def _scope(code: Any, system: Any, prefixes: list[str]) -> tuple[str | None, list[str]]:
    from ..landuse import to_guide2023

    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return None, ["landuse_code"]
    if system is None or (not isinstance(system, str) and pd.isna(system)):
        return None, ["landuse_system"]
    try:
        guide = to_guide2023(code, system=str(system))
    except ValueError:
        return None, ["landuse_system"]
    if guide is None:
        return "out_of_scope", []
    return ("in_scope" if any(guide.startswith(p) for p in prefixes) else "out_of_scope"), []


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


class _Row:
    """Collects reasons, unchecked checks and missing fields for one parcel."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.reasons: list[str] = []
        self.unchecked: list[str] = []
        self.missing: list[str] = []

    def hit(self, key: str, text: str) -> None:
        self.keys.append(key)
        self.reasons.append(text)

    def skip(self, key: str, *fields: str) -> None:
        self.unchecked.append(key)
        self.missing.extend(f for f in fields if f not in self.missing)


def _site_area_m2(r: Mapping[str, Any]) -> tuple[float | None, str]:
    for col in ("area_m2", "approved_area_m2", "declared_area_m2"):
        v = _num(r.get(col))
        if v:
            return v, col
    return None, "area_m2"


def _far(r: Mapping[str, Any], crit: Mapping[str, Any], row: _Row) -> float | None:
    sectors: Mapping[str, float] = crit.get("sectors", {})
    aliases: Mapping[str, str] = crit.get("aliases", {})
    industry = r.get("industry")
    if not isinstance(industry, str) or not industry.strip():
        row.skip("far", "industry")
        return None
    name = aliases.get(industry.strip(), industry.strip())
    if name not in sectors:
        row.skip("far", "industry")
        row.unchecked[-1] = f"far（行业“{industry}”不在容积率表中）"
        return None
    site, site_col = _site_area_m2(r)
    floor, tall = _num(r.get("floor_area_m2")), _num(r.get("tall_storey_floor_area_m2")) or 0.0
    far = _num(r.get("far"))  # the registered FAR wins and already counts tall storeys twice
    if far is None and floor is not None and site:
        far = (floor + tall) / site  # computed: storeys taller than tall_storey_m count twice
    if far is None:
        row.skip("far", "far", *([] if site else [site_col]))
        return None
    minimum = float(sectors[name])
    if far < minimum:
        row.hit("far", f"容积率{far:.2f}低于{name}最低{minimum:.1f}")
    return far


def _scope_answer(r: Mapping[str, Any], crit: Mapping[str, Any], status: str | None) -> dict[str, Any]:
    """``eff_scope`` (and what was missing) before any check runs."""
    scope, missing = _scope(
        r.get("landuse_code"), r.get("landuse_system"), crit["scope"]["landuse_guide2023"]
    )
    if scope is None:
        return {"eff_scope": "unknown", "eff_missing": ",".join(missing), "eff_unchecked": "scope"}
    if scope == "out_of_scope":
        return {"eff_scope": "out_of_scope"}
    if "reserve" in split_categories(r.get("categories")) and not _text(r.get("supply_method")):
        return {"eff_scope": "not_supplied"}
    if crit["scope"].get("skip_not_started", True) and status == "not_started":
        return {"eff_scope": "not_started"}
    return {"eff_scope": "in_scope"}


def _share(v: Any) -> tuple[float | None, str]:
    """A share from ``0.25`` or ``"25%"``; (None, why) for ``25``, ``"25"`` or text."""
    if isinstance(v, str):
        t = v.strip().replace("％", "%")
        if t.endswith("%"):
            try:
                return float(t[:-1]) / 100, ""
            except ValueError:
                return None, f"“{v}”不是数值"
        v = t
    x = _num(v)
    if x is None:
        return None, "" if v is None or (isinstance(v, float) and pd.isna(v)) or v == "" else f"“{v}”不是数值"
    if not 0 <= x <= 1:
        return None, f"“{v}”不是0–1的比例（请写作{x / 100:g}或{x:g}%）"
    return x, ""


def _coverage(r: Mapping[str, Any], crit: Mapping[str, Any], row: _Row) -> None:
    """建筑系数 against the minimum; 建筑密度 is never taken for it."""
    minimum = float(fraction(crit["min"], where="coverage.min"))
    cov, why = _share(r.get("coverage"))
    if cov is not None:
        if cov < minimum:
            row.hit("coverage", f"建筑系数{_pct(cov)}低于{_pct(minimum)}")
        return
    row.skip("coverage", "coverage")
    if why:
        row.unchecked[-1] = f"coverage（建筑系数{why}）"
    elif _num(r.get("building_density")) is not None:
        row.unchecked[-1] = "coverage（只有建筑密度，不含构筑物和堆场，不能代替建筑系数）"


def _per_area(r: Mapping[str, Any], crit: Mapping[str, Any], row: _Row, out: dict[str, Any]) -> None:
    """投资强度, 亩均税收, 亩均产值 and the site area they used."""
    site, site_col = _site_area_m2(r)
    if site:
        out["eff_area_basis"] = _AREA_BASIS[site_col]
    invested = _num(r.get("invested"))
    if invested is not None and site:
        out["eff_investment_per_mu"] = invested / (site / MU_M2)
    if "investment" in crit:
        unit = crit["investment"].get("unit", "万元/亩")
        if unit not in ("万元/亩", "万元/公顷"):
            raise ConfigError(f"investment.unit {unit!r}: use 万元/亩 or 万元/公顷")
        minimum = float(crit["investment"]["min"])
        if invested is None or not site:
            row.skip(
                "investment", *([] if invested is not None else ["invested"]), *([] if site else [site_col])
            )
        else:
            value = invested / (site / (MU_M2 if unit == "万元/亩" else HA_M2))
            if value < minimum:
                row.hit("investment", f"投资强度{value:.1f}{unit}低于{minimum:g}{unit}")
    for key, col, label in (("tax", "tax_per_mu", "亩均税收"), ("output", "output_per_mu", "亩均产值")):
        if key in crit:
            v, minimum = _num(r.get(col)), float(crit[key]["min"])
            if v is None:
                row.skip(key, col)
            elif v < minimum:
                row.hit(key, f"{label}{v:g}万元/亩低于{minimum:g}万元/亩")


def _use(r: Mapping[str, Any], crit: Mapping[str, Any], row: _Row) -> None:
    """连续无税收 and 主要用于出租."""
    if "no_tax" in crit:
        years, limit = _num(r.get("no_tax_years")), int(crit["no_tax"]["years"])
        if years is None:
            row.skip("no_tax", "no_tax_years")
        elif years >= limit:
            row.hit("no_tax", f"连续{years:g}年无税收（≥{limit}年）")
    if "leased" in crit:
        share, maximum = _num(r.get("leased_share")), float(fraction(crit["leased"]["max_share"]))
        if share is None:
            row.skip("leased", "leased_share")
        elif share > maximum:
            row.hit("leased", f"出租比例{_pct(share)}超过{_pct(maximum)}，主要用于出租")


def _result(out: dict[str, Any]) -> str:
    if out.get("low_efficiency") is True:
        return "低效"
    if out.get("low_efficiency") is False:
        return "不低效"
    return "不适用" if out["eff_scope"] in ("out_of_scope", "not_supplied", "not_started") else "未能判断"


def _assess_one(r: Mapping[str, Any], crit: Mapping[str, Any], as_of: dt.date) -> dict[str, Any]:
    row = _Row()
    status = _STATUS_KEYS.get(str(r.get("construction_status") or ""), None)
    out: dict[str, Any] = {"eff_criteria": crit["meta"]["version"], **_scope_answer(r, crit, status)}
    if out["eff_scope"] != "in_scope":
        return out | {"eff_result": _result(out)}
    if "far" in crit:
        out["eff_far"] = _far(r, crit["far"], row)
    if "coverage" in crit:
        _coverage(r, crit["coverage"], row)
    _per_area(r, crit, row, out)
    _use(r, crit, row)
    if "unfinished" in crit:
        _unfinished(r, crit["unfinished"], status, row, as_of)
    out.update(
        eff_reason_keys=",".join(row.keys),
        eff_reasons="；".join(row.reasons),
        eff_unchecked=",".join(row.unchecked),
        eff_missing=",".join(row.missing),
    )
    out["low_efficiency"] = True if row.keys else (None if row.unchecked else False)
    return out | {"eff_result": _result(out)}


def _stopped_a_year(r: Mapping[str, Any], years: int, as_of: dt.date) -> bool | None:
    """Has the stop lasted ``years`` full years by ``as_of``? None when the date cannot say."""
    span = date_interval(r.get("stop_date"), r.get("stop_date_precision"))
    if span is None:
        return None
    if day_after_period(span[1], years=years) <= as_of:
        return True
    if day_after_period(span[0], years=years) > as_of:
        return False
    return None


def _unfinished(
    r: Mapping[str, Any], crit: Mapping[str, Any], status: str | None, row: _Row, as_of: dt.date
) -> None:
    stop = r.get("stop_date")
    has_stop = stop is not None and not pd.isna(stop)
    if not (status == "stalled" or (has_stop and status != "completed")):
        return
    lasted = _stopped_a_year(r, int(crit.get("stopped_years", 1)), as_of)
    if lasted is False:
        return  # a stop shorter than the period is not 烂尾 (yet)
    if lasted is None:
        row.skip("unfinished", "stop_date")
        if has_stop:
            row.unchecked[-1] = "unfinished（停工日期不精确，无法判断是否停工满一年）"
        return
    area_share = fraction(crit["developed_area_share"], where="unfinished.developed_area_share")
    inv_share = fraction(crit["investment_share"], where="unfinished.investment_share")
    values = {
        c: _num(r.get(c)) for c in ("built_area_m2", "approved_area_m2", "invested", "total_investment")
    }
    lacking = [
        c
        for c, v in values.items()
        if v is None or (v == 0 and c in ("approved_area_m2", "total_investment"))
    ]
    if lacking:
        row.skip("unfinished", *lacking)
        return
    built, approved, invested, total = (float(v or 0.0) for v in values.values())
    area_ok = Fraction(built) >= area_share * Fraction(approved)
    inv_ok = Fraction(invested) >= inv_share * Fraction(total)
    if area_ok and inv_ok:
        row.hit(
            "unfinished",
            f"已停工满{int(crit.get('stopped_years', 1))}年，开发面积{_pct(built / approved)}、投资"
            f"{_pct(invested / total)}，高于《闲置土地处置办法》第二条第二款界限，属开发未完成",
        )


def assess_efficiency(
    parcels: pd.DataFrame,
    /,
    *,
    criteria: str | Path | Mapping[str, Any] = "national-2008",
    as_of: dt.date | str | None = None,
) -> pd.DataFrame:
    """Flag low-efficiency industrial land with the reasons that applied.

    Parameters
    ----------
    parcels : DataFrame or GeoDataFrame
        Canonical columns: ``landuse_code`` + ``landuse_system`` (scope, through the land-use
        crosswalk), ``industry``, ``far``, ``floor_area_m2``, ``coverage``, ``invested``,
        ``area_m2`` (or ``approved_area_m2``), ``tax_per_mu``, ``output_per_mu``,
        ``leased_share``, ``construction_status``, ``stop_date``, ``built_area_m2``,
        ``approved_area_m2``, ``total_investment``; extra columns ``no_tax_years`` and
        ``tall_storey_floor_area_m2`` when the criteria use them.
    criteria : path, version name or mapping
        A criteria TOML (``sample_data/criteria/hongjiang_2024_example.toml``), the bundled
        ``"national-2008"`` (default) or an already-loaded mapping.
    as_of : date or str, optional
        The day of the assessment (default: today); a stop counts as 烂尾 only once it has lasted
        ``[unfinished] stopped_years`` full years by then.

    Returns
    -------
    DataFrame
        Aligned on ``parcels.index`` with :data:`EFFICIENCY_COLUMNS`: ``low_efficiency`` (True when
        any reason applied, False when every check ran and none applied, ``<NA>`` otherwise or out
        of scope), ``eff_scope`` (``in_scope``, ``out_of_scope``, ``not_started`` — left to the
        idle-land rules —, ``not_supplied`` — reserve land —, ``unknown``), ``eff_reason_keys``
        (keys of :data:`REASONS`),
        ``eff_reasons`` (Chinese, one clause per reason), ``eff_unchecked`` and ``eff_missing``
        (checks that could not run and the fields they lacked), ``eff_far``,
        ``eff_investment_per_mu``, ``eff_criteria`` (the criteria version), ``eff_area_basis``
        (which site area the per-area figures used) and ``eff_result`` (:data:`RESULTS`:
        低效 / 不低效 / 未能判断 / 不适用).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"landuse_code": ["100102"], "landuse_system": ["guide2023"],
    ...                   "construction_status": ["completed"], "industry": ["食品制造业"],
    ...                   "far": [0.8], "coverage": [0.25]})
    >>> r = assess_efficiency(p)
    >>> bool(r.loc[0, "low_efficiency"]), r.loc[0, "eff_reason_keys"]
    (True, 'far,coverage')
    >>> r.loc[0, "eff_reasons"]
    '容积率0.80低于食品制造业最低1.0；建筑系数25%低于30%'
    """
    crit = read_criteria(criteria)
    day = to_date(as_of) if as_of is not None else dt.date.today()
    if day is None:
        raise ValueError("as_of must be a date")
    records: list[dict[str, Any]] = pd.DataFrame(parcels).astype(object).to_dict("records")  # type: ignore[assignment]
    rows = [_assess_one(r, crit, day) for r in records]
    out = pd.DataFrame(rows, index=parcels.index).reindex(columns=list(EFFICIENCY_COLUMNS))
    out["low_efficiency"] = out["low_efficiency"].astype("boolean")
    for c in ("eff_far", "eff_investment_per_mu"):
        out[c] = out[c].astype(float)
    for c in ("eff_reason_keys", "eff_reasons", "eff_unchecked", "eff_missing", "eff_area_basis"):
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    return out

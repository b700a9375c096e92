"""The browse page's 厂房 tab: standard-factory units as a second, allow-listed dataset of the page.

Units come from :func:`landkit.supply.read_units` (one row per 楼栋/楼层/单元). A public page carries
only :data:`UNIT_PUBLIC_FIELDS` — never the tenant, lease dates, arrears or vacancy history — plus the
investor-facing 招租状态 derived on ``as_of`` (:func:`unit_offer_states`). A let unit's rent is the
tenant's contract and is withheld on a public page; a 售价 is published only for a unit on offer whose
招商方式 is 出售 or 租售均可.

Units are placed on the map by their building footprint (a register read from a GeoPackage), else by
the parcel their 宗地代码 names (the building stands on it), else not at all: such units are listed
with "未标注位置" and no marker.

Examples
--------
>>> import pandas as pd
>>> u = pd.DataFrame({"tenant": [None, "甲公司", "乙公司"], "vacant_since": pd.NaT, "move_in_date": pd.NaT,
...                   "lease_end": pd.to_datetime([None, "2030-01-31", "2024-06-30"])})
>>> unit_offer_states(u, as_of="2024-12-31").tolist()
['for_rent', 'let', 'not_offered']
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._toml import load_config
from ..errors import DataFormatError
from ..gcj02 import shift_geometries
from ..schema import label
from ._config import settings

__all__ = [
    "UNIT_PUBLIC_FIELDS",
    "unit_geometries",
    "unit_offer_states",
    "unit_payload",
    "unit_push_lists",
    "unit_settings",
    "with_unit_legend",
]

#: Unit fields a public page may carry; everything else (承租企业, 租期, 欠缴租金, 入驻/空置日期) stays out.
UNIT_PUBLIC_FIELDS: tuple[str, ...] = (
    "unit_id",
    "name",
    "offer_state",
    "park",
    "building",
    "floor",
    "unit_no",
    "floor_area_m2",
    "storey_height_m",
    "floor_load_kn_m2",
    "rent_yuan_m2_month",
    "sale_mode",
    "sale_price_yuan_m2",
    "sale_price_wan",
    "utilities",
    "township",
    "parcel_id",
    "map_location",
    "contact",
)
#: Unit states the public 厂房 tab opens on: 招租中 (vacant, offered for rent or either) and 出售中
#: (vacant, offered for sale only).
UNIT_OFFERED: tuple[str, ...] = ("for_rent", "on_sale")
_STATE_OF = {"vacant": "for_rent", "occupied": "let", "lease_expired": "not_offered"}
_STATES = ("for_rent", "on_sale", "let", "not_offered")  # legend order
_SCHEMA = {
    "colors": {"*": str},
    "states": {"*": {"*": str}},
    "strings": {"*": {"*": str}},
}


@functools.cache
def unit_settings() -> dict[str, Any]:
    """Return the parsed ``units.toml`` (the 厂房 tab's colours, state labels and strings; cached).

    Examples
    --------
    >>> unit_settings()["states"]["zh"]["let"]
    '已出租'
    """
    return load_config("units.toml", package=__package__, what="厂房 tab settings", schema=_SCHEMA)


def unit_offer_states(units: pd.DataFrame, /, *, as_of: str | dt.date) -> pd.Series:
    """招租状态 of each unit on ``as_of``: ``for_rent`` (vacant), ``on_sale`` (vacant, 招商方式 出售), ``let``
    or ``not_offered``.

    A unit whose tenant's lease has ended is ``not_offered`` (未招租): the register may lack a renewal,
    so it is neither offered nor called let (see :func:`landkit.supply.vacancy.unit_state`).
    """
    from ..supply.vacancy import unit_state

    frame = units.copy()
    for name in ("tenant", "vacant_since", "lease_end", "move_in_date"):
        if name not in frame:
            frame[name] = None if name == "tenant" else pd.NaT
    state = unit_state(frame, as_of=as_of)["state"].map(_STATE_OF)
    if "sale_mode" in frame:  # a vacant unit offered only for sale is 出售中, not 招租中
        state = state.where(~(state.eq("for_rent") & frame["sale_mode"].eq("出售")), "on_sale")
    return state.rename("offer_state")


def _parcel_positions(units: pd.DataFrame, parcels: pd.DataFrame) -> np.ndarray:
    """Row position in ``parcels`` of each unit's 宗地代码 (-1: none or not on the page)."""
    if "parcel_id" not in units or "parcel_id" not in parcels:
        return np.full(len(units), -1)
    ids = parcels["parcel_id"].astype(object).where(parcels["parcel_id"].notna())
    first = pd.Series(np.arange(len(parcels)), index=ids.to_numpy()).groupby(level=0).first()
    return units["parcel_id"].map(first).fillna(-1).astype(int).to_numpy()


def unit_geometries(
    units: pd.DataFrame, parcels: gpd.GeoDataFrame, /
) -> tuple[gpd.GeoSeries, np.ndarray, np.ndarray]:
    """Where each unit goes on the map: its footprint, else its parcel, else nowhere.

    Returns
    -------
    (GeoSeries, ndarray, ndarray)
        Geometries in EPSG:4326 aligned with ``units`` (missing where there is no location), the
        kind of each (``"footprint"``, ``"parcel"``, ``"none"``), and each unit's row in ``parcels``
        (-1 when its 宗地代码 is empty or not among ``parcels``).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> p = gpd.GeoDataFrame({"parcel_id": ["P1"]}, geometry=[box(109.8, 27.1, 109.81, 27.11)], crs=4490)
    >>> g, kind, pos = unit_geometries(pd.DataFrame({"parcel_id": ["P1", None, "P9"]}), p)
    >>> kind.tolist(), pos.tolist(), g.isna().tolist()
    (['parcel', 'none', 'none'], [0, -1, -1], [False, True, True])
    """
    pos = _parcel_positions(units, parcels)
    land = parcels.geometry.to_crs(4326).to_numpy()
    geoms = np.array([land[p] if p >= 0 else None for p in pos.tolist()], dtype=object)
    kind = np.where(pos >= 0, "parcel", "none").astype(object)
    own = getattr(units, "geometry", None) if isinstance(units, gpd.GeoDataFrame) else None
    if own is not None and own.crs is not None:
        mine = own.to_crs(4326)
        polygonal = mine.notna() & ~mine.is_empty & mine.geom_type.isin(["Polygon", "MultiPolygon"])
        polygonal = polygonal.to_numpy()
        geoms[polygonal] = mine.to_numpy()[polygonal]
        kind[polygonal] = "footprint"
    return gpd.GeoSeries(list(geoms), index=units.index, crs=4326), kind.astype(str), pos


def _name(units: pd.DataFrame) -> pd.Series:
    """A card title: 园区 · 楼栋 · 单元号 (the parts that are present)."""
    parts = [units[c].astype(object) for c in ("park", "building", "unit_no") if c in units]
    rows = zip(*[p.tolist() for p in parts], strict=True) if parts else [()] * len(units)
    return pd.Series(
        [" · ".join(str(v) for v in row if v is not None and not pd.isna(v)) for row in rows],
        index=units.index,
        dtype=object,
    )


def _unit_table(
    units: pd.DataFrame,
    parcels: pd.DataFrame,
    /,
    *,
    kind: np.ndarray,
    pos: np.ndarray,
    internal: bool,
    as_of: str | dt.date,
    strings: dict[str, str],
) -> pd.DataFrame:
    """The unit columns the page carries, with derived 名称, 招租状态, 乡镇 and 地图位置."""
    ids = units["unit_id"] if "unit_id" in units else pd.Series(None, index=units.index, dtype=object)
    if ids.isna().any():
        raise DataFormatError("every unit needs a 不动产单元号 or 园区/楼栋/单元号 (read it with read_units)")
    dup = ids[ids.astype(str).duplicated()].astype(str).unique().tolist()
    if dup:
        raise DataFormatError(
            f"unit id(s) appear more than once: {', '.join(dup[:3])}; give each unit its own id"
        )
    table = pd.DataFrame(units.drop(columns="geometry", errors="ignore")).copy()
    table["unit_id"] = ids.astype(str)
    table["name"] = _name(units)
    table["offer_state"] = unit_offer_states(units, as_of=as_of).to_numpy()
    if "township" in parcels and "township" not in table:
        towns = parcels["township"].astype(object).to_numpy()
        table["township"] = [towns[p] if p >= 0 else None for p in pos.tolist()]
    located = {"parcel": strings["location_parcel"], "footprint": strings["location_footprint"]}
    table["map_location"] = [located.get(k, strings["no_location"]) for k in kind.tolist()]
    if internal:
        return table
    if "rent_yuan_m2_month" in table:  # a let unit's rent is its tenant's contract: not public
        table["rent_yuan_m2_month"] = table["rent_yuan_m2_month"].where(table["offer_state"] == "for_rent")
    _public_sale_terms(table)
    return table[[c for c in UNIT_PUBLIC_FIELDS if c in table]]


def _public_sale_terms(table: pd.DataFrame) -> None:
    """售价 and 招商方式 only of units on offer whose mode sells them (出售 / 租售均可); else withheld."""
    from ..supply._sale import SOLD_MODES

    if "sale_mode" not in table:
        return
    offered = table["offer_state"].isin(UNIT_OFFERED)
    sold = offered & table["sale_mode"].isin(SOLD_MODES)
    table["sale_mode"] = table["sale_mode"].where(offered)
    for name in ("sale_price_yuan_m2", "sale_price_wan"):
        if name in table:
            table[name] = table[name].where(sold)


def with_unit_legend(land: dict[str, Any], states: set[str], /, *, lang: str) -> dict[str, Any]:
    """One legend for both tabs: the parcels' items, then a swatch per unit state present.

    Returns the units' legend (coloured by ``offer_state``); ``land["items"]`` is extended in place,
    so the legend drawn once shows both. Unit and parcel keys never coincide.

    Examples
    --------
    >>> land = {"field": "use_class", "items": [{"key": "工业用地", "label": "工业用地", "color": "#c0392b"}],
    ...         "other": {"label": "其他用地", "color": "#95a5a6"}}
    >>> units = with_unit_legend(land, {"for_rent", "let"}, lang="zh")
    >>> units["field"], [it["label"] for it in land["items"]]
    ('offer_state', ['工业用地', '厂房：招租中', '厂房：已出租'])
    """
    conf = unit_settings()
    strings = conf["strings"][lang]
    land["items"] = list(land["items"]) + [
        {"key": key, "label": strings[f"legend_{key}"], "color": conf["colors"][key]}
        for key in _STATES
        if key in states
    ]
    return {"field": "offer_state", "items": land["items"], "other": land["other"]}


def unit_payload(
    units: pd.DataFrame,
    parcels: gpd.GeoDataFrame,
    /,
    *,
    land: dict[str, Any],
    datum: str,
    internal: bool,
    lang: str,
    as_of: str | dt.date | None,
    contact: str | None,
) -> dict[str, Any]:
    """The 厂房 tab's part of the page payload (``data["unitTab"]``), encoded like the parcels'.

    ``land`` is the parcels' payload (its ``origin``, ``prec`` and zone membership are reused, so
    units join their parcel's zones). Keys ``n``, ``geom``, ``cols``, ``labels``, ``units``,
    ``keyField``, ``centres`` and ``zones`` replace the parcels' while the tab is shown. ``as_of``
    (default today) is the day the 招租状态 is taken on.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import box
    >>> from landkit.maps import browse_map
    >>> p = gpd.GeoDataFrame({"parcel_id": ["431281003002GB00017"]},
    ...                      geometry=[box(109.8, 27.19, 109.801, 27.191)], crs=4490)
    >>> u = pd.DataFrame({"unit_id": ["甲园-1#-101", "甲园-1#-102"], "building": "1#",
    ...                   "unit_no": ["101", "102"], "floor_area_m2": [800.0, 600.0],
    ...                   "tenant": [None, "某某科技有限公司"],
    ...                   "parcel_id": "431281003002GB00017"})
    >>> page = browse_map(p, basemap="none", units=u, units_as_of="2024-12-31").get_root().render()
    >>> "甲园-1#-102" in page, "某某科技有限公司" in page
    (True, False)
    """
    from ._payload import column_payload, geometry_payload
    from .browse import _centres, _shown_unit

    conf = unit_settings()
    strings = conf["strings"][lang]
    as_of = as_of if as_of is not None else dt.date.today()
    geoms, kind, pos = unit_geometries(units, parcels)
    table = _unit_table(units, parcels, kind=kind, pos=pos, internal=internal, as_of=as_of, strings=strings)
    land_keys = (
        parcels["parcel_id"].astype(str) if land.get("keyField") else [f"#{i}" for i in range(len(parcels))]
    )
    clash = sorted(set(table["unit_id"]) & set(land_keys))
    if clash:
        raise DataFormatError(
            f"unit id(s) equal to a parcel's key: {', '.join(clash[:3])}; unit ids must differ"
        )
    if contact and "contact" not in table:
        table["contact"] = contact
    drawn = shift_geometries(geoms, source="wgs84", target=datum) if datum != "wgs84" else geoms
    origin = (float(land["origin"][0]), float(land["origin"][1]))
    decimals = int(settings()["encoding"]["float_decimals"])
    cols = {n: column_payload(table[n], n, decimals=decimals) for n in table.columns}
    labels = {n: label(n) for n in cols}
    labels.update(
        name=strings["label_name"],
        offer_state=strings["label_state"],
        parcel_id=strings["label_parcel"],
        map_location=strings["location_label"],
    )
    zone_i = land.get("zones", {}).get("i")
    out: dict[str, Any] = {
        "tab": "units",
        "n": len(table),
        "geom": geometry_payload(drawn, origin=origin, precision=float(land["prec"])),
        "cols": cols,
        "labels": labels,
        "units": {n: u for n in cols if (u := _shown_unit(n))},
        "keyField": "unit_id",
        "photos": None,
        "centres": _centres(geoms, origin=origin),
        "zoneIndex": [zone_i[p] if p >= 0 else -1 for p in pos.tolist()] if zone_i is not None else None,
        "offerStates": conf["states"][lang],
        "openStates": [] if internal else [s for s in UNIT_OFFERED if s in set(table["offer_state"])],
        "legend": with_unit_legend(land["legend"], set(table["offer_state"]), lang=lang),
        "strings": strings,
        "asOf": str(pd.Timestamp(as_of).date()),
        "unlocated": int((kind == "none").sum()),
    }
    return out


def unit_push_lists(matches: pd.DataFrame | None, unit_ids: Any, /) -> dict[str, list[str]]:
    """Demand id → the ids (among ``unit_ids``, the units on the 厂房 tab) of the units that
    :func:`landkit.supply.match` found for it, not excluded, best first; demands with none left out.

    Only ids travel: no demand name, need or score.

    Examples
    --------
    >>> m = pd.DataFrame({"demand_id": ["D1", "D1", "D2"], "offer_id": ["U1", "U9", "P1"],
    ...                   "offer_kind": ["unit", "unit", "parcel"], "score": [0.9, 0.8, 0.5]})
    >>> unit_push_lists(m, ["U1", "U2"])
    {'D1': ['U1']}
    """
    from .browse import push_lists

    ids = {str(u) for u in unit_ids}
    kept = {d: [u for u in keys if u in ids] for d, keys in push_lists(matches, kind="unit").items()}
    return {d: keys for d, keys in kept.items() if keys}

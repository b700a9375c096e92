"""Investor-facing facts derived at write time: 供应状态 and 用途大类.

A public page does not show the bureau's enforcement vocabulary (闲置, 已认定, 处置中 …) or
encumbrance (抵押). What an investor needs instead is whether the parcel is on offer
(:func:`offer_states`: 招商中 / 挂牌中 / 未挂牌) and its broad use across code systems
(:func:`use_classes`: 工业用地 whether the data says ``100102`` in the 2023 guide, ``0601``
in 三调, ``M2`` in GB 50137 or just "二类工业用地").

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"status": ["for_sale", "identified", "identified"],
...                    "listed_date": [None, "2024-03-01", None]})
>>> offer_states(df).tolist()
['for_sale', 'listed', 'not_listed']
>>> df = pd.DataFrame({"landuse_code": ["100102", "0601", "M2", None],
...                    "landuse_system": ["guide2023", "sandiao", "gb50137", None],
...                    "landuse_name": [None, None, None, "一类物流仓储用地"]})
>>> use_classes(df).tolist()
['工业用地', '工业用地', '工业用地', '仓储用地']
"""

from __future__ import annotations

import re

import pandas as pd

from ..landuse import normalise_system, to_guide2023

__all__ = ["OFFERED", "USE_CLASSES", "offer_states", "use_classes"]

#: Offer states that count as "on offer": the public page opens on these.
OFFERED: tuple[str, ...] = ("for_sale", "listed")

#: 用途大类 shown to investors, in display order, with the 2023-guide code prefixes they cover.
USE_CLASSES: dict[str, tuple[str, ...]] = {
    "工业用地": ("1001",),
    "仓储用地": ("11",),
    "商业服务业用地": ("09",),
    "居住用地": ("07",),
    "公共管理与公共服务用地": ("08",),
    "公用设施用地": ("13",),
    "交通运输用地": ("12",),
    "采矿用地": ("1002", "1003"),
    "农业设施建设用地": ("06",),
}
_OTHER = "其他用地"
_WORDS = (
    ("工业", "工业用地"),
    ("厂房", "工业用地"),
    ("仓储", "仓储用地"),
    ("物流", "仓储用地"),
    ("商业", "商业服务业用地"),
    ("商服", "商业服务业用地"),
    ("零售", "商业服务业用地"),
    ("商务", "商业服务业用地"),
    ("住宅", "居住用地"),
    ("居住", "居住用地"),
    ("公共", "公共管理与公共服务用地"),
)


def offer_states(parcels: pd.DataFrame, /) -> pd.Series | None:
    """招商中 (``for_sale``) / 挂牌中 (``listed``) / 未挂牌 (``not_listed``) per parcel.

    ``status == "for_sale"`` is 招商中; a parcel with a 挂牌日期 (``listed_date``) that is not
    招商中 is 挂牌中; everything else is 未挂牌. An ``offer_state`` column already in the data
    wins (Chinese labels accepted). Returns None when the table has none of these columns —
    nothing can be said, and the page does not pretend.
    """
    from ..schema import OFFER_STATES

    by_label = {v: k for k, v in OFFER_STATES.items()}
    if "offer_state" in parcels.columns:
        given = parcels["offer_state"].map(lambda v: by_label.get(v, v) if isinstance(v, str) else None)
        return given.where(given.isin(list(OFFER_STATES)), "not_listed")
    if "status" not in parcels.columns and "listed_date" not in parcels.columns:
        return None
    state = pd.Series("not_listed", index=parcels.index, dtype=object)
    if "listed_date" in parcels.columns:
        state[parcels["listed_date"].notna().to_numpy()] = "listed"
    if "status" in parcels.columns:
        state[(parcels["status"] == "for_sale").to_numpy()] = "for_sale"
    return state


def _class_of_code(code: object, system: object) -> str | None:
    if not isinstance(code, str | int) or not isinstance(system, str):
        return None
    try:
        guide = to_guide2023(code, system=normalise_system(str(system)))
    except ValueError:
        return None
    if not guide:
        return None
    for name, prefixes in USE_CLASSES.items():
        if guide.startswith(prefixes):
            return name
    return _OTHER


def _class_of_words(*texts: object) -> str | None:
    for text in texts:
        if isinstance(text, str):
            for word, name in _WORDS:
                if re.search(word, text):
                    return name
    return None


def use_classes(parcels: pd.DataFrame, /) -> pd.Series | None:
    """用途大类 per parcel, across code systems; None when no use column is present.

    The code and its system (``landuse_code`` + ``landuse_system``) decide through the
    crosswalk to the 2023 guide; without them the words of ``planned_use`` or
    ``landuse_name`` do (工业/厂房 → 工业用地, 物流/仓储 → 仓储用地 …); else 其他用地.
    """
    cols = [c for c in ("landuse_code", "landuse_system", "planned_use", "landuse_name") if c in parcels]
    if not cols:
        return None
    get = {c: (parcels[c] if c in parcels else pd.Series(None, index=parcels.index)) for c in cols}
    none = pd.Series(None, index=parcels.index, dtype=object)
    code, system = get.get("landuse_code", none), get.get("landuse_system", none)
    planned, name = get.get("planned_use", none), get.get("landuse_name", none)
    out = [
        _class_of_code(c, s) or _class_of_words(p, n) or _OTHER
        for c, s, p, n in zip(code.tolist(), system.tolist(), planned.tolist(), name.tolist(), strict=True)
    ]
    return pd.Series(out, index=parcels.index, dtype=object)

"""Synthetic supply/demand sample: a phase-1 standard-factory park, investor demands, a year of leads.

Every name is fictional. Called by :func:`landkit.sample.build_sample`; deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PARK", "write_supply_sample"]

PARK = "标厂一期"
_SYL = list("鑫源泰华宏兴瑞德盛安辰远嘉卓衡昊越晟融恒")
_TRADE = ["电子", "新材料", "食品", "纺织", "机械", "包装", "医药", "五金", "竹木", "农产品"]
_ZONES = ["洪江高新区", "沅水主干发展带", "黔城主城区板块", "安江主城区板块", "黔城", "安江", PARK]
_UTILS = ["给水", "排水", "电力", "通讯", "燃气", "道路"]
#: Five fictional firms whose idle land is re-marketed (二次招商).
SOURCE_FIRMS = [
    "洪江市岳峰钒材有限公司",
    "洪江市坤德矿业有限公司",
    "洪江市峰米粮油有限公司",
    "洪江市农山禽业有限公司",
    "洪江市桥黔建材有限公司",
]


def _name(rng: np.random.Generator, trade: str) -> str:
    a, b = rng.choice(_SYL, 2, replace=False)
    return f"洪江市{a}{b}{trade}有限公司"


def _units(
    rng: np.random.Generator, parcel_ids: list[str | None], as_of: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    tenants = sorted({_name(rng, str(rng.choice(_TRADE))) for _ in range(60)})[:36]
    rows = []
    for b in range(1, 9):
        floors = 5 if b <= 4 else 4
        per_floor = 5 if b <= 4 else 6  # 4×5×5 + 4×4×6 = 196 units
        for f in range(1, floors + 1):
            for k in range(1, per_floor + 1):
                vacant = rng.random() < 0.22
                start = as_of - dt.timedelta(days=int(rng.integers(200, 1500)))
                end = start + dt.timedelta(days=365 * int(rng.integers(3, 9)))
                rows.append(
                    {
                        "园区": PARK,
                        "楼栋": f"{b}#",
                        "楼层": f,
                        "单元号": f"{f}{k:02d}",
                        "建筑面积（平方米）": float(
                            rng.choice([480, 640, 960, 1200, 1600]) + (400 if f == 1 else 0)
                        ),
                        "层高（米）": 8.0 if f == 1 else 4.5,
                        "荷载（kN/m²）": 30.0 if f == 1 else 8.0,
                        "承租企业": None if vacant else str(rng.choice(tenants)),
                        "租期起止": None if vacant else f"{start:%Y-%m-%d}至{end:%Y-%m-%d}",
                        "租金（元/m²·月）": float(rng.choice([9, 10, 11, 12, 13])) - (0 if f == 1 else 2),
                        "入驻日期": None if vacant else f"{start:%Y年%m月%d日}",
                        "空置起始日期": f"{as_of - dt.timedelta(days=int(rng.integers(30, 900))):%Y-%m-%d}"
                        if vacant
                        else None,
                        "欠缴租金": float(rng.choice([18000, 42000]))
                        if (not vacant and rng.random() < 0.04)
                        else 0.0,
                        "宗地代码": parcel_ids[(b - 1) // 2],
                        "配套": "、".join(_UTILS[: 5 if b <= 4 else 6]),
                    }
                )
    units = pd.DataFrame(rows)
    firms = pd.DataFrame(
        {
            "tenant": tenants,
            "tax_wan": np.round(rng.gamma(2.0, 30.0, len(tenants)), 1),
            "output_wan": np.round(rng.gamma(2.0, 600.0, len(tenants)), 0),
        }
    )
    return units, firms


def _sale_terms(units: pd.DataFrame) -> pd.DataFrame:
    """招商方式 and 售价 (no random draws): 8# is for sale (per m², some cells written 0.32万), 7# for
    rent or sale (a total in 万元, some cells written 153.6万), the rest for rent only."""
    out = units.copy()
    b7, b8 = out["楼栋"].eq("7#"), out["楼栋"].eq("8#")
    out["招商方式"] = np.where(b8, "出售", np.where(b7, "租售均可", "出租"))
    per_m2 = np.where(out["楼层"].eq(1), 3200.0, 2600.0)
    written = [
        f"{v / 1e4:g}万" if str(u).endswith("01") else v for v, u in zip(per_m2, out["单元号"], strict=True)
    ]
    out["售价（元/㎡）"] = pd.Series(written, index=out.index, dtype=object).where(b8)
    total = np.round(per_m2 * 1.05 * out["建筑面积（平方米）"] / 1e4, 1)
    as_text = [f"{t:g}万" if str(u).endswith("02") else t for t, u in zip(total, out["单元号"], strict=True)]
    out["售价总价（万元）"] = pd.Series(as_text, index=out.index, dtype=object).where(b7)
    return out


def _demand_toml(i: int, rng: np.random.Generator, *, floor: bool) -> str:
    trade = str(rng.choice(_TRADE))
    lines = [
        f'id = "D{i:02d}"',
        f'name = "{trade}项目{"厂房" if floor else "用地"}需求"',
        f'investor = "{_name(rng, trade)}"',
        f'industry = "{trade}"',
        "top = 10",
    ]
    zones = rng.choice(_ZONES[:-1], int(rng.integers(1, 3)), replace=False).tolist()
    if floor:
        lo = int(rng.choice([400, 800, 1200]))
        lines += [
            f'wanted_by = "{dt.date(2025, int(rng.integers(1, 13)), 1)}"',
            "[floor_m2]",
            f"min = {lo}",
            f"max = {lo * 3}",
            "[zones]",
            f'any = ["{PARK}"]',
            "[price]",
            f"max_rent_m2_month = {int(rng.choice([9, 11, 13]))}",
            "[building]",
            f"min_storey_height_m = {float(rng.choice([4.0, 4.5, 8.0]))}",
            f"min_floor_load_kn_m2 = {float(rng.choice([5.0, 8.0, 25.0]))}",
            "[utilities]",
            'need = ["给水", "电力"]',
        ]
    else:
        lo = int(rng.choice([10, 20, 30, 50]))
        lines += [
            "[area_mu]",
            f"min = {lo}",
            f"max = {lo * 2}",
            "[landuse]",
            'codes = ["1001"]',
            "[zones]",
            "any = [" + ", ".join(f'"{z}"' for z in zones) + "]",
            "[price]",
            f"max_per_mu = {int(rng.choice([20, 30, 40]))}",
            "[terrain]",
            f"max_slope_deg = {int(rng.choice([10, 15, 20]))}",
            "[preferences]",
            "road_within_m = 3000",
        ]
    return "\n".join(lines) + "\n"


def _events(rng: np.random.Generator, offers: list[tuple[str, str | None]], n_demands: int) -> pd.DataFrame:
    order = ["推介", "意向登记", "看地", "洽谈", "签约", "供地/入驻"]
    rows = []
    for k, (offer, firm) in enumerate(offers):
        lead = f"D{int(rng.integers(1, n_demands + 1)):02d}"
        day = dt.date(2024, 1, 2) + dt.timedelta(days=int(rng.integers(0, 150)))
        reach = int(rng.choice(6, p=[0.3, 0.25, 0.2, 0.12, 0.08, 0.05]))
        for s in range(reach + 1):
            rows.append(
                {
                    "offer_id": offer,
                    "lead": lead,
                    "stage": order[s],
                    "date": day,
                    "note": None,
                    "source_firm": firm,
                }
            )
            day += dt.timedelta(days=int(rng.integers(7, 45)))
        if reach < 4 and rng.random() < 0.3 and day <= dt.date(2024, 12, 31):
            rows.append(
                {
                    "offer_id": offer,
                    "lead": lead,
                    "stage": "放弃",
                    "date": day,
                    "note": str(rng.choice(["价格超出预算", "配套不足", "项目转投外地"])),
                    "source_firm": firm,
                }
            )
        del k
    return pd.DataFrame(rows).sort_values(["date", "offer_id"], kind="stable").reset_index(drop=True)


def write_supply_sample(root: Path, parcels: pd.DataFrame, /, *, seed: int = 431281) -> Path:
    """Write ``root/supply/``: units.xlsx, tenants.csv, tenant_grading.toml, demands/*.toml, events.csv."""
    rng = np.random.default_rng(seed + 13)
    out = root / "supply"
    (out / "demands").mkdir(parents=True, exist_ok=True)
    as_of = dt.date(2024, 12, 31)
    industrial = parcels[
        parcels["landuse_code"].astype(str).str.startswith("1001") & (parcels["township"] == "黔城镇")
    ]
    ids: list[str | None] = [*industrial["parcel_id"].astype(str).tolist()[:4]] or [None]
    ids = [ids[k % len(ids)] for k in range(4)]
    units, firms = _units(rng, ids, as_of)
    units = _sale_terms(units)
    from .._sheets import write_workbook

    write_workbook(out / "units.xlsx", {"厂房单元": units}, overwrite=True)
    firms.to_csv(out / "tenants.csv", index=False, encoding="utf-8")
    (out / "tenant_grading.toml").write_text(_GRADING, encoding="utf-8")
    for i in range(1, 31):
        (out / "demands" / f"D{i:02d}.toml").write_text(_demand_toml(i, rng, floor=i > 18), encoding="utf-8")
    for_sale = parcels[parcels["status"] == "for_sale"]["parcel_id"].astype(str).tolist()
    offers = [(p, SOURCE_FIRMS[k % 5] if k < 15 else None) for k, p in enumerate(for_sale[:40])]
    offers += [(f"{PARK}-{b}#-101", None) for b in range(1, 9)]
    _events(rng, offers, 30).to_csv(out / "events.csv", index=False, encoding="utf-8")
    return out


_GRADING = """# 标准厂房承租企业效益评价 (按承租建筑面积折算, 示例); indicators in 元 per m² of floor space.
[meta]
name = "标厂承租企业效益评价（示例）"
version = "tenant-per-m2-2024-example"

[score]
method = "ratio_to_mean"
cap = 2.0
missing = "zero"

[[indicator]]
column = "tax_per_m2"
label = "每平方米税收"
weight = 60

[[indicator]]
column = "output_per_m2"
label = "每平方米产值"
weight = 40

[[band]]
grade = "A"
label = "优先发展"
upto = "25%"

[[band]]
grade = "B"
label = "支持发展"
upto = "70%"

[[band]]
grade = "C"
label = "提升发展"
upto = "90%"

[[band]]
grade = "D"
label = "限制发展"
upto = "100%"
"""

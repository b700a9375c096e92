"""The canonical parcel vocabulary: field names, Chinese labels, header aliases, vocabularies.

Every landkit function takes and returns GeoDataFrames whose columns use the names below.
Readers map bureau headers (Chinese names, pinyin initials) onto them; writers and maps
turn them back into Chinese labels with :func:`to_chinese_labels`.

Units are part of the name or stated in :attr:`Field.unit`: areas are stored in m²
(``*_m2``), money in 万元 (10,000 yuan), per-mu values per 亩.

Date precision: a date field ``X`` read from a month or year only (``2023.10``, ``2023``)
holds the first day of the period, and the reader adds ``X_precision`` (string: ``"month"``
or ``"year"``, NA for exact dates) when at least one value is imprecise; the name comes from
:func:`landkit.values.precision_column`. Rules needing the day treat such dates as unknown.

Examples
--------
>>> from landkit.schema import FIELDS, label
>>> label("parcel_id")
'宗地代码'
>>> FIELDS["mortgagee"].confidential
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = [
    "CATEGORIES",
    "CLEARED_STATUSES",
    "CONSTRUCTION_STATUSES",
    "CONTEXT_FIELDS",
    "ENCUMBRANCE_FIELDS",
    "ENCUMBRANCE_KINDS",
    "FIELDS",
    "OFFER_STATES",
    "PUBLIC_FIELDS",
    "STATUSES",
    "Field",
    "categories_of",
    "has_category",
    "join_categories",
    "label",
    "split_categories",
    "to_chinese_labels",
]

Kind = Literal["str", "float", "int", "date", "bool", "tags", "geometry"]


@dataclass(frozen=True)
class Field:
    """One canonical field.

    Attributes
    ----------
    name : str
        English snake_case column name.
    label : str
        Chinese display label (used in reports, Excel headers and maps).
    kind : str
        Value kind: ``str``, ``float``, ``int``, ``date``, ``bool``, ``tags`` or ``geometry``.
    aliases : tuple of str
        Headers met in bureau data (Chinese names, pinyin initials) that map to this field.
        Matching ignores case, spaces and bracketed unit suffixes.
    unit : str or None
        Unit of stored values (``m2``, ``万元``, ``万元/亩`` …).
    confidential : bool
        Never published on a public page (mortgage details, personal names and phones).
    """

    name: str
    label: str
    kind: Kind = "str"
    aliases: tuple[str, ...] = field(default=())
    unit: str | None = None
    confidential: bool = False


_F = Field

#: Every canonical field, by name, in display order.
FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        _F(
            "parcel_id",
            "宗地代码",
            aliases=("宗地代码", "宗地编码", "ZDDM", "ZDBM", "宗地号", "地块编号", "DKBH"),
        ),
        _F("unit_id", "不动产单元号", aliases=("不动产单元号", "不动产单元代码", "BDCDYH")),
        _F("name", "地块名称", aliases=("地块名称", "项目名称", "XMMC", "DKMC", "名称", "MC")),
        _F(
            "categories",
            "类别",
            kind="tags",
            aliases=("类别", "土地类别", "类型", "LB", "TDLB"),
        ),
        _F("status", "状态", aliases=("状态", "处置状态", "ZT", "CZZT")),
        _F("holder", "土地使用权人", aliases=("土地使用权人", "使用权人", "权利人", "TDSYQR", "QLR")),
        _F("user_unit", "用地单位", aliases=("用地单位", "YDDW", "企业名称", "QYMC")),
        _F(
            "holder_phone",
            "权利人联系电话",
            aliases=("联系电话", "权利人电话", "LXDH", "电话"),
            confidential=True,
        ),
        _F("township", "乡镇", aliases=("乡镇", "所在乡镇", "所在镇", "SZX", "SZXZ", "XZ")),
        _F("village", "村", aliases=("村", "所在村", "SZC", "行政村")),
        _F("location", "坐落", aliases=("坐落", "土地坐落", "ZL", "TDZL", "位置", "地址")),
        _F("location_code", "坐落单位代码", aliases=("坐落单位代码", "ZLDWDM")),
        _F("landuse_code", "地类编码", aliases=("地类编码", "用途编码", "DLBM", "YTBM")),
        _F("landuse_name", "地类名称", aliases=("地类名称", "DLMC")),
        _F("landuse_system", "分类体系", aliases=("分类体系", "分类标准", "FLTX")),
        _F("planned_use", "规划用途", aliases=("规划用途", "GHYT", "土地用途", "TDYT", "用途")),
        _F("industry", "行业", aliases=("行业", "所属行业", "HY", "SSHY")),
        _F("ownership", "权属性质", aliases=("权属性质", "QSXZ")),
        _F("supply_method", "供地方式", aliases=("供地方式", "GDFS", "供应方式")),
        _F("contract_date", "合同签订日期", kind="date", aliases=("合同签订日期", "签订日期", "HTQDRQ")),
        _F(
            "agreed_start_date",
            "约定动工日期",
            kind="date",
            aliases=("约定动工日期", "约定开工日期", "约定动工时间", "YDDGRQ", "YDKGRQ"),
        ),
        _F(
            "original_agreed_start_date",
            "原约定动工日期",
            kind="date",
            aliases=("原约定动工日期", "YYDDGRQ"),
        ),
        _F(
            "actual_start_date",
            "实际动工日期",
            kind="date",
            aliases=("实际动工日期", "实际开工日期", "SJDGRQ", "SJKGRQ"),
        ),
        _F("stop_date", "停工日期", kind="date", aliases=("停工日期", "停工时间", "TGRQ")),
        _F(
            "agreed_completion_date",
            "约定竣工日期",
            kind="date",
            aliases=("约定竣工日期", "YDJGRQ"),
        ),
        _F("idle_cause", "闲置原因", aliases=("闲置原因", "XZYY")),
        _F("construction_status", "建设状况", aliases=("建设状况", "建设状态", "JSZK", "JSZT")),
        _F("disposal_method", "盘活方式", aliases=("盘活方式", "处置方式", "PHFS", "CZFS")),
        _F("implement_date", "实施时间", kind="date", aliases=("实施时间", "SSSJ")),
        _F(
            "land_price",
            "出让(划拨)价款",
            kind="float",
            unit="万元",
            aliases=("出让价款", "划拨价款", "土地价款", "成交价", "CRJK", "TDJK", "CJJ"),
        ),
        _F(
            "declared_area_m2",
            "登记面积",
            kind="float",
            unit="m2",
            aliases=("面积", "宗地面积", "土地面积", "TDMJ", "ZDMJ", "MJ"),
        ),
        _F("approved_area_m2", "批准面积", kind="float", unit="m2", aliases=("批准面积", "PZMJ")),
        _F(
            "built_area_m2",
            "已建成面积",
            kind="float",
            unit="m2",
            aliases=("已建成面积", "已开发面积", "YJCMJ", "YKFMJ"),
        ),
        _F("floor_area_m2", "建筑面积", kind="float", unit="m2", aliases=("建筑面积", "JZMJ")),
        _F("far", "容积率", kind="float", aliases=("容积率", "RJL")),
        # 建筑系数 counts buildings, structures and yards; 建筑密度 buildings only — never one for the other
        _F("coverage", "建筑系数", kind="float", aliases=("建筑系数", "JZXS")),
        _F("building_density", "建筑密度", kind="float", aliases=("建筑密度", "JZMD")),
        _F(
            "total_investment",
            "总投资",
            kind="float",
            unit="万元",
            aliases=("总投资", "计划总投资", "ZTZ", "JHZTZ"),
        ),
        _F(
            "invested",
            "已完成投资",
            kind="float",
            unit="万元",
            aliases=("已完成投资", "已投资", "WCTZ", "YWCTZ"),
        ),
        _F("tax_per_mu", "亩均税收", kind="float", unit="万元/亩", aliases=("亩均税收", "MJSS")),
        _F(
            "output_per_mu",
            "亩均产值",
            kind="float",
            unit="万元/亩",
            aliases=("亩均产值", "亩均销售收入", "MJCZ"),
        ),
        _F("leased_share", "出租比例", kind="float", aliases=("出租比例", "出租面积比例", "CZBL")),
        _F(
            "no_tax_years",
            "连续无税收年数",
            kind="float",
            aliases=("连续无税收年数", "无税收年数", "LXWSSNS"),
        ),
        _F(
            "tall_storey_floor_area_m2",
            "层高超8米部分建筑面积",
            kind="float",
            unit="m2",
            aliases=("层高超8米部分建筑面积", "层高超过8米部分建筑面积", "CGJZMJ"),
        ),
        _F("mortgagee", "抵押权人", aliases=("抵押权人", "DYQR"), confidential=True),
        _F(
            "mortgage_amount",
            "债权数额",
            kind="float",
            unit="万元",
            aliases=("债权数额", "抵押金额", "ZQSE", "DYJE"),
            confidential=True,
        ),
        _F("mortgage_term", "抵押期限", aliases=("抵押期限", "DYQX"), confidential=True),
        _F(
            "mortgage_date",
            "抵押登记日期",
            kind="date",
            aliases=("抵押登记日期", "DYDJRQ"),
            confidential=True,
        ),
        _F(
            "asking_price",
            "挂牌总价",
            kind="float",
            unit="万元",
            aliases=("挂牌价", "挂牌总价", "出让底价", "GPJ", "DJ"),
        ),
        _F("listed_date", "挂牌日期", kind="date", aliases=("挂牌日期", "上架日期", "GPRQ")),
        _F("responsible_unit", "责任单位", aliases=("责任单位", "ZRDW")),
        _F("contact", "招商联系方式", aliases=("招商联系人", "招商电话", "招商联系方式", "ZSLX")),
        _F("previous_ids", "原宗地代码", aliases=("原宗地代码", "前宗地代码", "YZDDM")),
        _F("photos", "照片", aliases=("照片", "图片", "ZP")),
        _F("panorama", "全景照片", aliases=("全景照片", "全景图", "全景", "QJZP")),  # 360° JPEG, 2:1
        _F("remarks", "备注", aliases=("备注", "BZ")),
        # -- approval batches and supply records (批供用补查, landkit.indicators) --
        _F("batch_name", "批次名称", aliases=("批次名称", "批次", "PCMC")),
        _F("approval_no", "批准文号", aliases=("批准文号", "批复文号", "PZWH")),
        _F("approval_date", "批准日期", kind="date", aliases=("批准日期", "批准时间", "批复日期", "PZRQ")),
        _F("approval_authority", "批准机关", aliases=("批准机关", "PZJG")),
        _F("farmland_m2", "农用地面积", kind="float", unit="m2", aliases=("农用地", "农用地面积", "NYDMJ")),
        _F("cropland_m2", "耕地面积", kind="float", unit="m2", aliases=("耕地", "耕地面积", "GDMJ")),
        _F(
            "unused_land_m2",
            "未利用地面积",
            kind="float",
            unit="m2",
            aliases=("未利用地", "未利用地面积", "WLYDMJ"),
        ),
        _F("supervision_no", "电子监管号", aliases=("电子监管号", "监管号", "DZJGH")),
        _F(
            "agreed_delivery_date",
            "约定交地日期",
            kind="date",
            aliases=("约定交地日期", "约定交地时间", "YDJDRQ"),
        ),
        _F(
            "actual_delivery_date",
            "实际交地日期",
            kind="date",
            aliases=("实际交地日期", "实际交地时间", "SJJDRQ"),
        ),
        _F(
            "actual_completion_date",
            "实际竣工日期",
            kind="date",
            aliases=("实际竣工日期", "实际竣工时间", "SJJGRQ"),
        ),
        _F("area_m2", "面积(平方米)", kind="float", unit="m2"),
        _F("area_mu", "面积(亩)", kind="float", unit="亩"),
        _F("area_ha", "面积(公顷)", kind="float", unit="公顷"),
        _F("geometry", "几何", kind="geometry"),
    ]
}

# -- supply (issue 13): standard-factory unit register fields (楼栋/楼层/单元 …) ---------------------------
FIELDS.update(
    {
        f.name: f
        for f in [
            _F("park", "园区", aliases=("园区", "园区名称", "所属园区", "YQ", "YQMC")),
            _F("building", "楼栋", aliases=("楼栋", "楼栋号", "栋号", "幢号", "厂房编号", "LD", "DH_LD")),
            _F("floor", "楼层", kind="float", aliases=("楼层", "所在楼层", "层次", "LC")),
            _F("unit_no", "单元号", aliases=("单元号", "单元编号", "房号", "DYH")),
            _F("storey_height_m", "层高(米)", kind="float", unit="m", aliases=("层高", "CG")),
            _F(
                "floor_load_kn_m2",
                "楼面荷载(kN/m²)",
                kind="float",
                unit="kN/m2",
                aliases=("荷载", "楼面荷载", "承重", "HZ"),
            ),
            _F(
                "tenant",
                "承租企业",
                aliases=("承租企业", "入驻企业", "承租人", "承租方", "租户", "CZQY", "RZQY"),
            ),
            _F(
                "lease_start",
                "租期起",
                kind="date",
                aliases=("租期起", "租期开始", "租赁开始日期", "起租日期", "ZQQ"),
            ),
            _F(
                "lease_end",
                "租期止",
                kind="date",
                aliases=("租期止", "租期结束", "租赁结束日期", "到期日期", "ZQZ"),
            ),
            _F(
                "rent_yuan_m2_month",
                "租金(元/m²·月)",
                kind="float",
                unit="元/m2/月",
                aliases=("租金", "月租金单价", "租金单价", "ZJ"),
            ),
            _F("move_in_date", "入驻日期", kind="date", aliases=("入驻日期", "入驻时间", "RZRQ")),
            # 售价 of units offered for sale (issue 14): 招商方式 出租 / 出售 / 租售均可
            _F("sale_mode", "招商方式", aliases=("招商方式", "租售方式", "供应方式", "ZSFS")),
            _F(
                "sale_price_yuan_m2",
                "售价(元/m²)",
                kind="float",
                unit="元/m2",
                aliases=("售价", "销售单价", "出售单价", "售价单价", "SJ"),
            ),
            _F(
                "sale_price_wan",
                "售价总价(万元)",
                kind="float",
                unit="万元",
                aliases=("售价总价", "出售总价", "销售总价", "总售价", "SJZJ"),
            ),
            _F(
                "vacant_since",
                "空置起始日期",
                kind="date",
                aliases=("空置起始日期", "空置日期", "空置时间", "KZRQ"),
            ),
            _F(
                "arrears_yuan",
                "欠缴租金(元)",
                kind="float",
                unit="元",
                aliases=("欠缴租金", "欠租", "欠费金额", "QJZJ"),
            ),
        ]
    }
)

# ---- offer terms (淘宝式选地 offer profile, issue 14): what an investor decides on -------------
FIELDS.update(
    (f.name, f)
    for f in [
        _F("offer_state", "供应状态", aliases=("供应状态", "挂牌状态", "GYZT")),
        _F("use_class", "用途大类", aliases=("用途大类", "YTDL")),
        _F("green_ratio", "绿地率", kind="float", aliases=("绿地率", "LDL")),
        _F("height_limit_m", "建筑限高(米)", kind="float", unit="m", aliases=("限高", "建筑限高", "XG")),
        _F("lease_years", "出让年限(年)", kind="float", unit="年", aliases=("出让年限", "使用年限", "CRNX")),
        _F("transaction_method", "交易方式", aliases=("交易方式", "出让方式", "JYFS")),
        _F("start_price", "起始价", kind="float", unit="万元", aliases=("起始价", "起拍价", "QSJ")),
        _F("deposit", "竞买保证金", kind="float", unit="万元", aliases=("保证金", "竞买保证金", "BZJ")),
        _F(
            "investment_intensity",
            "投资强度",
            kind="float",
            unit="万元/亩",
            aliases=("投资强度", "亩均投资", "TZQD"),
        ),
        _F(
            "energy_per_output",
            "单位能耗",
            kind="float",
            unit="吨标煤/万元",
            aliases=("能耗", "单位能耗", "DWNH"),
        ),
        _F(
            "utilities",
            "基础设施配套",
            aliases=("基础设施", "配套", "配套设施", "五通一平", "七通一平", "JCSS", "PTSS"),
        ),
        _F("boundaries", "四至", aliases=("四至", "SZ")),
        _F("notice_no", "出让公告编号", aliases=("公告编号", "公告号", "GGBH")),
        _F("notice_url", "出让公告链接", aliases=("公告链接", "公告网址", "GGLJ")),
        _F("offer_deadline", "报名截止日期", kind="date", aliases=("截止日期", "报名截止日期", "JZRQ")),
        _F("elev_mean_m", "平均高程(米)", kind="float", unit="m", aliases=("平均高程", "PJGC")),
        _F("elev_min_m", "最低高程(米)", kind="float", unit="m", aliases=("最低高程", "ZDGC")),
        _F("elev_max_m", "最高高程(米)", kind="float", unit="m", aliases=("最高高程", "ZGGC")),
        _F("slope_mean_deg", "平均坡度(度)", kind="float", unit="°", aliases=("平均坡度", "PJPD")),
        _F("slope_max_deg", "最大坡度(度)", kind="float", unit="°", aliases=("最大坡度", "ZDPD")),
        _F("guide2023", "用地用海分类代码(2023)"),
    ]
    if f.name not in FIELDS
)

# ---- context per parcel (issue 14 point 3): distances computed at write time from base layers -----
FIELDS.update(
    (f.name, f)
    for f in [
        _F("dist_exit_km", "距高速出口(km)", kind="float", unit="km", aliases=("距高速出口", "JGSCK")),
        _F("nearest_exit", "最近高速出口", aliases=("最近高速出口", "ZJGSCK")),
        _F("dist_station_km", "距火车站(km)", kind="float", unit="km", aliases=("距火车站", "JHCZ")),
        _F("nearest_station", "最近火车站", aliases=("最近火车站", "ZJHCZ")),
        _F("dist_town_km", "距镇区(km)", kind="float", unit="km", aliases=("距镇区", "JZQ")),
        _F("nearest_town", "最近镇区", aliases=("最近镇区", "ZJZQ")),
    ]
    if f.name not in FIELDS
)
#: Context fields an investor may see (added to :data:`PUBLIC_FIELDS`).
CONTEXT_FIELDS: tuple[str, ...] = (
    "dist_exit_km",
    "nearest_exit",
    "dist_station_km",
    "nearest_station",
    "dist_town_km",
    "nearest_town",
)

#: Offer states (供应状态) a public page shows: key → Chinese label.
OFFER_STATES: dict[str, str] = {"for_sale": "招商中", "listed": "挂牌中", "not_listed": "未挂牌"}

#: Category tags: key → Chinese label. A parcel may carry several (``"idle,mortgaged"``).
CATEGORIES: dict[str, str] = {
    "idle": "闲置",
    "low_efficiency": "低效",
    "stalled": "烂尾",
    "mortgaged": "抵押",
    "reserve": "储备",
}

#: Register status: key → Chinese label.
STATUSES: dict[str, str] = {
    "suspected": "疑似",
    "identified": "已认定",
    "in_disposal": "处置中",
    "for_sale": "招商中",
    "revitalized": "已盘活",
    "recovered": "已收回",
    "disposed": "已处置",
    "reserved": "已储备",
}

#: Statuses that count as "cleared" by default (configurable wherever progress is computed).
CLEARED_STATUSES: frozenset[str] = frozenset({"revitalized", "recovered", "disposed"})

#: Construction status (建设状况) vocabulary.
CONSTRUCTION_STATUSES: dict[str, str] = {
    "not_started": "未动工",
    "stalled": "已动工停工",
    "under_construction": "在建",
    "completed": "已竣工",
}

#: Fields a public page may carry by default (everything else is withheld). Investor-facing facts only:
#: encumbrance (categories such as 抵押) and enforcement status (闲置, 已认定, 处置中, 建设状况, 盘活方式)
#: stay internal; ``offer_state`` (招商中/挂牌中/未挂牌) is what the public sees instead.
PUBLIC_FIELDS: tuple[str, ...] = (
    "parcel_id",
    "name",
    "offer_state",
    "use_class",
    "township",
    "village",
    "location",
    "landuse_code",
    "landuse_name",
    "landuse_system",
    "planned_use",
    "industry",
    "far",
    "coverage",
    "building_density",
    "green_ratio",
    "height_limit_m",
    "lease_years",
    "transaction_method",
    "asking_price",
    "start_price",
    "deposit",
    "investment_intensity",
    "tax_per_mu",
    "energy_per_output",
    "utilities",
    "boundaries",
    "listed_date",
    "offer_deadline",
    "notice_no",
    "notice_url",
    "contact",
    "photos",
    "panorama",
    "area_m2",
    "area_mu",
    "area_ha",
    *CONTEXT_FIELDS,
    "geometry",
)

_TAG_SEPARATORS = (",", "，", ";", "；", "、", "|", "/")
_CATEGORY_BY_LABEL = {v: k for k, v in CATEGORIES.items()} | {
    "闲置土地": "idle",
    "低效用地": "low_efficiency",
    "低效工业用地": "low_efficiency",
    "烂尾地": "stalled",
    "烂尾": "stalled",
    "抵押地": "mortgaged",
    "储备土地": "reserve",
    "储备地": "reserve",
}


def label(name: str) -> str:
    """Return the Chinese label of a canonical field, or the name itself when unknown.

    Examples
    --------
    >>> label("area_mu")
    '面积(亩)'
    >>> label("my_extra_column")
    'my_extra_column'
    """
    f = FIELDS.get(name)
    return f.label if f else name


def split_categories(value: object) -> list[str]:
    """Parse a category cell into canonical tag keys.

    Accepts keys (``idle``) or Chinese labels (``闲置土地``) separated by commas, semicolons,
    ``、`` or ``|``. Unknown tags are kept as they are so validation can report them.

    Examples
    --------
    >>> split_categories("闲置、抵押地")
    ['idle', 'mortgaged']
    >>> split_categories(None)
    []
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    text = str(value)
    for sep in _TAG_SEPARATORS[1:]:
        text = text.replace(sep, ",")
    out: list[str] = []
    for raw in text.split(","):
        tag = raw.strip()
        if not tag:
            continue
        key = tag if tag in CATEGORIES else _CATEGORY_BY_LABEL.get(tag, tag)
        if key not in out:
            out.append(key)
    return out


def join_categories(tags: list[str] | tuple[str, ...] | set[str]) -> str:
    """Join tag keys into the stored form, in the canonical order of :data:`CATEGORIES`.

    Examples
    --------
    >>> join_categories({"mortgaged", "idle"})
    'idle,mortgaged'
    """
    known = [k for k in CATEGORIES if k in tags]
    extra = sorted(t for t in tags if t not in CATEGORIES)
    return ",".join(known + extra)


def categories_of(values: pd.Series) -> pd.Series:
    """Return a Series of tag lists for a ``categories`` column (aligned on its index)."""
    return values.map(split_categories)


def has_category(values: pd.Series, tag: str) -> pd.Series:
    """Boolean Series: does each parcel carry ``tag``?

    Examples
    --------
    >>> import pandas as pd
    >>> has_category(pd.Series(["idle,mortgaged", "reserve"]), "idle").tolist()
    [True, False]
    """
    if tag not in CATEGORIES:
        raise ValueError(f"unknown category {tag!r}; use one of {', '.join(CATEGORIES)}")
    return values.map(lambda v: tag in split_categories(v)).astype(bool)


def to_chinese_labels(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with canonical column names replaced by Chinese labels.

    Category and status keys are translated too; unknown columns keep their names.
    """
    out = df.copy()
    if "categories" in out.columns:
        out["categories"] = out["categories"].map(
            lambda v: "、".join(CATEGORIES.get(t, t) for t in split_categories(v))
        )
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda v: STATUSES.get(v, v) if isinstance(v, str) else v)
    if "construction_status" in out.columns:
        out["construction_status"] = out["construction_status"].map(
            lambda v: CONSTRUCTION_STATUSES.get(v, v) if isinstance(v, str) else v
        )
    return out.rename(columns={c: label(c) for c in out.columns if c != "geometry"})


# -- cases (issue 12): parcel facts the revitalisation routes check, and the encumbrance vocabulary --
FIELDS.update(
    {
        f.name: f
        for f in [
            _F(
                "land_price_paid",
                "土地价款缴清",
                aliases=("土地价款缴清", "土地价款是否缴清", "出让金缴清", "价款缴清情况", "JKJQ"),
            ),
            _F(
                "certificate_no",
                "不动产权证号",
                aliases=("不动产权证号", "不动产权证书号", "国有土地使用证号", "土地证号", "BDCQZH", "TDZH"),
            ),
        ]
    }
)

#: Encumbrance kinds (权利限制类型): key → Chinese label.
ENCUMBRANCE_KINDS: dict[str, str] = {"mortgage": "抵押", "seizure": "查封", "lease": "租赁"}

#: Canonical fields of an encumbrance export (不动产登记: 抵押、查封、租赁), read by
#: :func:`landkit.cases.read_encumbrances` with the same header machinery as parcels. Money in 万元,
#: areas in m². Mortgage and seizure details are confidential (internal pages only).
ENCUMBRANCE_FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        FIELDS["parcel_id"],
        FIELDS["unit_id"],
        _F("kind", "权利类型", aliases=("权利类型", "限制类型", "登记类型", "他项权利种类", "QLLX", "XZLX")),
        _F("mortgagee", "抵押权人", aliases=("抵押权人", "DYQR"), confidential=True),
        _F(
            "cert_no",
            "不动产登记证明号",
            aliases=(
                "不动产登记证明号",
                "登记证明号",
                "证明号",
                "他项权证号",
                "他项权利证号",
                "BDCDJZMH",
                "TXQZH",
            ),
            confidential=True,
        ),
        _F(
            "mortgage_amount",
            "债权数额",
            kind="float",
            unit="万元",
            aliases=("债权数额", "最高债权额", "被担保主债权数额", "抵押金额", "ZQSE", "ZGZQE", "DYJE"),
            confidential=True,
        ),
        _F(
            "mortgage_area_m2",
            "抵押面积",
            kind="float",
            unit="m2",
            aliases=("抵押面积", "抵押范围面积", "DYMJ"),
            confidential=True,
        ),
        _F(
            "appraised_value",
            "评估价值",
            kind="float",
            unit="万元",
            aliases=("评估价值", "评估价", "抵押物评估价值", "PGJZ"),
            confidential=True,
        ),
        _F(
            "start_date",
            "起始日期",
            kind="date",
            aliases=("抵押期限起", "债务履行期限起", "租期起", "租赁起始日期", "起始日期", "QSRQ"),
        ),
        _F(
            "end_date",
            "终止日期",
            kind="date",
            aliases=("抵押期限止", "债务履行期限止", "租期止", "租赁终止日期", "终止日期", "ZZRQ"),
        ),
        _F("term", "期限", aliases=("抵押期限", "债务履行期限", "租期", "租赁期限", "DYQX", "ZLQX")),
        _F(
            "registered_date", "登记日期", kind="date", aliases=("登记日期", "抵押登记日期", "DJRQ", "DYDJRQ")
        ),
        _F(
            "released_date", "注销日期", kind="date", aliases=("注销日期", "注销登记日期", "解押日期", "ZXRQ")
        ),
        _F(
            "court",
            "查封法院",
            aliases=("查封法院", "执行法院", "查封机关", "CFFY", "CFJG"),
            confidential=True,
        ),
        _F("court_doc", "查封文书号", aliases=("查封文书号", "文书号", "查封文号", "裁定书文号", "CFWH")),
        _F("seized_date", "查封日期", kind="date", aliases=("查封日期", "查封起始日期", "CFRQ")),
        _F("seizure_term", "查封期限", aliases=("查封期限", "CFQX")),
        _F(
            "seizure_end_date",
            "查封到期日",
            kind="date",
            aliases=("查封到期日", "查封期限止", "查封截止日期", "CFDQR"),
        ),
        _F("lifted_date", "解封日期", kind="date", aliases=("解封日期", "解除查封日期", "JFRQ")),
        _F("queued", "轮候查封", aliases=("轮候查封", "是否轮候", "LHCF")),
        _F("lessee", "承租人", aliases=("承租人", "承租方", "CZR"), confidential=True),
        _F("consent", "抵押权人同意转让", aliases=("抵押权人同意转让", "同意转让", "TYZR")),
        _F("transfer_banned", "约定禁止转让", aliases=("约定禁止转让", "禁止转让", "JZZR")),
        FIELDS["remarks"],
    ]
}

"""The generated zone's vocabulary: places, enterprise names, goods with real codes of the
bundled tables, logistics routes and their markets. Data only; the generators draw from it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from opencbec.identity.models import OrgRole

# Counties and districts of Xinxiang (names as the place is known; the enterprises are invented).
PLACES: Final = (
    ("牧野", "Muye"),
    ("长垣", "Changyuan"),
    ("原阳", "Yuanyang"),
    ("获嘉", "Huojia"),
    ("延津", "Yanjin"),
    ("封丘", "Fengqiu"),
    ("辉县", "Huixian"),
    ("卫辉", "Weihui"),
    ("红旗", "Hongqi"),
    ("卫滨", "Weibin"),
    ("凤泉", "Fengquan"),
    ("平原", "Pingyuan"),
    ("小冀", "Xiaoji"),
    ("七里营", "Qiliying"),
)
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN: Final = (
    "芳",
    "娜",
    "伟",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
)

# What sellers of each industrial belt are called (zh, en), matched by position.
BELT_WORDS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "fine-chem": (
        ("精细化工", "化学助剂", "水处理科技"),
        ("Fine Chemicals", "Chemical Additives", "Water Treatment Technology"),
    ),
    "lifting": (
        ("起重机械", "起重装备", "吊具制造"),
        ("Hoisting Machinery", "Lifting Equipment", "Spreader Manufacturing"),
    ),
    "screening": (
        ("振动机械", "筛分设备", "矿山机械"),
        ("Vibration Machinery", "Screening Equipment", "Mining Machinery"),
    ),
    "auto-parts": (
        ("汽车部件", "制动系统", "转向配件"),
        ("Auto Components", "Brake Systems", "Steering Parts"),
    ),
    "textiles": (("针织服饰", "纺织品", "服装"), ("Knitwear", "Textiles", "Garments")),
    "food": (("食品", "烘焙食品", "面业"), ("Foods", "Bakery", "Noodles")),
    "appliances": (
        ("智能家电", "厨房电器", "小家电"),
        ("Smart Appliances", "Kitchen Appliances", "Small Appliances"),
    ),
    "batteries": (
        ("新能源电池", "储能科技", "电源科技"),
        ("New Energy Batteries", "Energy Storage", "Power Technology"),
    ),
    "agri": (
        ("农产品", "粮油", "脱水蔬菜"),
        ("Agricultural Products", "Grain and Oil", "Dehydrated Vegetables"),
    ),
}
# Import e-commerce enterprises: the zone's bonded-import sellers.
IMPORTERS: Final = (
    ("中原全球购贸易", "Central Plains Global Buy Trading"),
    ("新乡海淘供应链", "Xinxiang Haitao Supply Chain"),
    ("豫北进口商品", "North Henan Imported Goods"),
    ("牧野优选国际", "Muye Select International"),
    ("太行跨境贸易", "Taihang Cross-border Trading"),
    ("卫河进口母婴", "Weihe Imported Mother and Baby"),
    ("新乡北欧食品进口", "Xinxiang Nordic Food Import"),
    ("郑新美妆进口", "Zheng-Xin Beauty Import"),
)


# Logistics routes: transport mode (CEB trafMode), destination countries (customs codes) and a port.
@dataclass(frozen=True, slots=True)
class Route:
    """A way goods leave Xinxiang: its name, transport mode and the markets it serves."""

    zh: str
    en: str
    traf_mode: str
    countries: tuple[str, ...]


ROUTES: Final[dict[str, Route]] = {
    "rail-europe": Route(
        "中欧班列", "China–Europe rail", "3", ("304", "327", "309", "352", "307", "305", "301")
    ),
    "rail-sea-qingdao": Route(
        "铁海联运（青岛港）",
        "Rail–sea via Qingdao",
        "2",
        ("502", "501", "601", "410", "429", "244"),
    ),
    "rail-sea-lianyungang": Route(
        "铁海联运（连云港）",
        "Rail–sea via Lianyungang",
        "2",
        ("131", "138", "136", "141", "112", "122", "132"),
    ),
    "air-zhengzhou": Route(
        "郑州航空港货运", "Air via Zhengzhou", "5", ("303", "305", "502", "116", "133", "609")
    ),
    "road": Route("国际公路运输（TIR）", "Road (TIR)", "4", ("344", "137")),
    "domestic": Route("保税仓国内配送", "Bonded warehouse domestic delivery", "Y", ()),
}

_PLATFORMS: Final = (
    ("中原跨境购（示范）", "Central Plains Cross-border Buy (Demo)", ""),
    ("新乡好物出海（示范）", "Xinxiang Goods Go Global (Demo)", ""),
    ("豫货通全球（示范）", "Henan Goods Worldwide (Demo)", ""),
    ("牧野工业品 B2B（示范）", "Muye Industrial B2B (Demo)", ""),
    ("太行优品商城（示范）", "Taihang Select Mall (Demo)", ""),
    ("中欧商贸通（示范）", "Sino-Euro Trade Link (Demo)", ""),
    ("一带一路装备网（示范）", "Belt and Road Equipment Net (Demo)", ""),
    ("新乡海外仓直销（示范）", "Xinxiang Overseas Warehouse Direct (Demo)", ""),
    ("卫辉农品出海（示范）", "Weihui Agri Goes Global (Demo)", ""),
    ("郑新全球购（示范）", "Zheng-Xin Global Buy (Demo)", ""),
)
_LOGISTICS: Final = (
    (
        "中欧班列（郑新）国际物流（示范）有限公司",
        "Zheng-Xin China-Europe Rail Logistics (Demo)",
        "rail-europe",
    ),
    (
        "新乡中欧陆港供应链（示范）有限公司",
        "Xinxiang Euro Land-port Supply Chain (Demo)",
        "rail-europe",
    ),
    ("豫欧快线物流（示范）有限公司", "Henan-Europe Express Logistics (Demo)", "rail-europe"),
    ("青岛港铁海联运新乡（示范）有限公司", "Qingdao Rail-Sea Xinxiang (Demo)", "rail-sea-qingdao"),
    (
        "新乡港航国际货代（示范）有限公司",
        "Xinxiang Port Shipping Forwarding (Demo)",
        "rail-sea-qingdao",
    ),
    (
        "连云港陆海通物流（示范）有限公司",
        "Lianyungang Land-Sea Logistics (Demo)",
        "rail-sea-lianyungang",
    ),
    (
        "新亚欧大陆桥国际物流（示范）",
        "New Eurasian Land Bridge Logistics (Demo)",
        "rail-sea-lianyungang",
    ),
    ("郑州航空港跨境货运（示范）有限公司", "Zhengzhou Airport CBEC Cargo (Demo)", "air-zhengzhou"),
    ("新乡空港快递（示范）有限公司", "Xinxiang Air Express (Demo)", "air-zhengzhou"),
    ("中原国际航空货代（示范）", "Central Plains Air Forwarding (Demo)", "air-zhengzhou"),
    ("豫新国际公路运输（示范）有限公司", "Yuxin International Road Transport (Demo)", "road"),
    ("新乡 TIR 卡航（示范）有限公司", "Xinxiang TIR Trucking (Demo)", "road"),
    ("新乡保税仓配（示范）有限公司", "Xinxiang Bonded Fulfilment (Demo)", "domestic"),
    ("豫北城配快递（示范）有限公司", "North Henan City Express (Demo)", "domestic"),
)
_PAYMENTS: Final = (
    ("中原跨境支付（示范）有限公司", "Central Plains Cross-border Pay (Demo)", ""),
    ("新乡汇付通（示范）有限公司", "Xinxiang Huifutong (Demo)", ""),
    ("豫付宝（示范）有限公司", "Yufubao (Demo)", ""),
    ("太行支付科技（示范）", "Taihang Payment Technology (Demo)", ""),
    ("牧野收单服务（示范）", "Muye Acquiring Services (Demo)", ""),
    ("全球收款通（示范）", "Global Collect Link (Demo)", ""),
    ("中欧结算服务（示范）", "Sino-Euro Settlement Services (Demo)", ""),
    ("卫河数字支付（示范）", "Weihe Digital Payments (Demo)", ""),
)
_BONDED: Final = (
    (
        "新乡综合保税区公共保税仓（示范）",
        "Xinxiang Comprehensive Bonded Zone Public Warehouse (Demo)",
        "",
    ),
)
# Overseas warehouses by region: Europe, Central Asia, ASEAN, the Americas.
_OVERSEAS: Final = (
    ("杜伊斯堡新乡海外仓（示范）", "Duisburg Xinxiang Overseas Warehouse (Demo)", "europe"),
    ("罗兹中欧海外仓（示范）", "Łódź Sino-Euro Overseas Warehouse (Demo)", "europe"),
    ("鹿特丹豫货海外仓（示范）", "Rotterdam Henan Goods Warehouse (Demo)", "europe"),
    ("布拉格中原海外仓（示范）", "Prague Central Plains Warehouse (Demo)", "europe"),
    ("米兰新乡海外仓（示范）", "Milan Xinxiang Warehouse (Demo)", "europe"),
    ("阿拉木图丝路海外仓（示范）", "Almaty Silk Road Warehouse (Demo)", "central-asia"),
    ("塔什干豫新海外仓（示范）", "Tashkent Yuxin Warehouse (Demo)", "central-asia"),
    ("莫斯科中原海外仓（示范）", "Moscow Central Plains Warehouse (Demo)", "central-asia"),
    ("曼谷新乡海外仓（示范）", "Bangkok Xinxiang Warehouse (Demo)", "asean"),
    ("胡志明市豫货海外仓（示范）", "Ho Chi Minh City Henan Goods Warehouse (Demo)", "asean"),
    ("雅加达中原海外仓（示范）", "Jakarta Central Plains Warehouse (Demo)", "asean"),
    ("吉隆坡新乡海外仓（示范）", "Kuala Lumpur Xinxiang Warehouse (Demo)", "asean"),
    ("洛杉矶新乡海外仓（示范）", "Los Angeles Xinxiang Warehouse (Demo)", "americas"),
    ("新泽西豫货海外仓（示范）", "New Jersey Henan Goods Warehouse (Demo)", "americas"),
    ("墨西哥城中原海外仓（示范）", "Mexico City Central Plains Warehouse (Demo)", "americas"),
    ("圣保罗新乡海外仓（示范）", "São Paulo Xinxiang Warehouse (Demo)", "americas"),
)
# Which destination countries each overseas-warehouse region serves (9810 exports).
REGION_COUNTRIES: Final[dict[str, tuple[str, ...]]] = {
    "europe": ("304", "327", "309", "352", "307"),
    "central-asia": ("344",),
    "asean": ("136", "141", "112", "122"),
    "americas": ("502", "429", "410"),
}
REGION_ROUTE: Final = {
    "europe": "rail-europe",
    "central-asia": "road",
    "asean": "rail-sea-lianyungang",
    "americas": "rail-sea-qingdao",
}
_BANKS: Final = (
    ("中原银行新乡跨境金融中心（示范）", "Zhongyuan Bank Xinxiang CBEC Finance Centre (Demo)", ""),
    ("中国银行新乡分行国际业务部（示范）", "Bank of China Xinxiang International (Demo)", ""),
    ("工商银行新乡分行（示范）", "ICBC Xinxiang Branch (Demo)", ""),
    ("建设银行新乡分行（示范）", "CCB Xinxiang Branch (Demo)", ""),
    ("农业银行新乡分行（示范）", "ABC Xinxiang Branch (Demo)", ""),
    ("新乡农商银行（示范）", "Xinxiang Rural Commercial Bank (Demo)", ""),
    ("郑州银行新乡分行（示范）", "Bank of Zhengzhou Xinxiang Branch (Demo)", ""),
    ("招商银行新乡分行（示范）", "China Merchants Bank Xinxiang (Demo)", ""),
)
_INSURERS: Final = (
    ("中国信保河南分公司新乡办（示范）", "Sinosure Henan, Xinxiang Office (Demo)", ""),
    ("人保财险新乡分公司（示范）", "PICC P&C Xinxiang (Demo)", ""),
    ("平安产险新乡中心支公司（示范）", "Ping An P&C Xinxiang (Demo)", ""),
    ("太平洋产险新乡（示范）", "CPIC P&C Xinxiang (Demo)", ""),
    ("中原农险新乡（示范）", "Zhongyuan Agricultural Insurance Xinxiang (Demo)", ""),
)
FIXED_KINDS: Final = (
    ("platform", OrgRole.ECOMMERCE_PLATFORM, _PLATFORMS),
    ("logistics", OrgRole.LOGISTICS, _LOGISTICS),
    ("payment", OrgRole.PAYMENT, _PAYMENTS),
    ("bonded", OrgRole.WAREHOUSE_OPERATOR, _BONDED),
    ("overseas", OrgRole.WAREHOUSE_OPERATOR, _OVERSEAS),
    ("bank", OrgRole.FINANCIAL_INSTITUTION, _BANKS),
    ("insurer", OrgRole.FINANCIAL_INSTITUTION, _INSURERS),
)


@dataclass(frozen=True, slots=True)
class Article:
    """A product of the catalogue: its 10-digit code (bundled cn_code table), unit and price."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    price: Decimal
    brand: str = "新乡造"
    spec: str = "标准装"
    elements: str = "用途：一般用途"
    origin: str = "142"
    mode: str = "9610"  # import articles: 1210 (bonded only) or 9610


def _a(code: str, zh: str, en: str, unit: str, price: str, **kw: str) -> Article:
    return Article(code, zh, en, unit, Decimal(price), **kw)


BELT_GOODS: Final[dict[str, tuple[Article, ...]]] = {
    "fine-chem": (
        _a("2915211000", "冰乙酸 99.8%", "Glacial acetic acid 99.8%", "035", "4.85"),
        _a("3824999990", "水处理复配药剂", "Water-treatment chemical blend", "035", "12.60"),
    ),
    "lifting": (
        _a(
            "8426112000",
            "电动单梁桥式起重机 5 t",
            "Electric single-girder overhead crane 5 t",
            "001",
            "38600.00",
        ),
        _a("8426192100", "门式起重机 10 t", "Gantry crane 10 t", "001", "72800.00"),
    ),
    "screening": (
        _a("8474100000", "直线振动筛", "Linear vibrating screen", "001", "8600.00"),
        _a("8474100000", "旋振筛 1000 型", "Rotary vibrating sifter, type 1000", "001", "5200.00"),
    ),
    "auto-parts": (
        _a("8708300000", "盘式制动器总成", "Disc brake assembly", "035", "85.00"),
        _a("8708300000", "制动盘", "Brake disc", "035", "42.00"),
    ),
    "textiles": (
        _a("6109100022", "男式纯棉针织 T 恤", "Men's cotton knitted T-shirt", "011", "28.00"),
        _a("6109100022", "男式运动 T 恤", "Men's sports T-shirt", "011", "35.00"),
    ),
    "food": (
        _a("1905310000", "甜饼干礼盒", "Sweet biscuit gift box", "035", "36.00"),
        _a("1905310000", "黄油曲奇", "Butter cookies", "035", "48.00"),
    ),
    "appliances": (
        _a("8516601000", "电磁炉 2200 W", "Induction cooker 2200 W", "001", "199.00"),
        _a("8516601000", "嵌入式电磁灶", "Built-in induction hob", "001", "680.00"),
    ),
    "batteries": (
        _a("8507600020", "锂离子电池组 48 V", "Lithium-ion battery pack 48 V", "007", "1280.00"),
        _a("8507600020", "储能电池模组", "Energy-storage battery module", "007", "3600.00"),
    ),
    "agri": (
        _a("0712909900", "脱水香菇", "Dehydrated shiitake", "035", "68.00"),
        _a("1006300000", "原阳大米", "Yuanyang rice", "035", "9.80"),
    ),
}
IMPORT_GOODS: Final = (
    _a(
        "3304990099",
        "保湿面霜 50 ml",
        "Moisturising face cream 50 ml",
        "007",
        "320.00",
        brand="Belle Rive",
        origin="305",
    ),
    _a(
        "1901101000",
        "婴幼儿配方奶粉 900 g",
        "Infant formula 900 g",
        "122",
        "268.00",
        brand="Alpenmilch",
        origin="309",
    ),
    _a(
        "2106909090",
        "复合维生素软糖",
        "Multivitamin gummies",
        "140",
        "129.00",
        brand="Vita Oz",
        origin="601",
    ),
    _a(
        "2204210000",
        "波尔多干红葡萄酒 750 ml",
        "Bordeaux red wine 750 ml",
        "142",
        "198.00",
        brand="Château Demo",
        origin="305",
    ),
    _a(
        "3305100090",
        "氨基酸洗发水 500 ml",
        "Amino-acid shampoo 500 ml",
        "142",
        "89.00",
        brand="Kirei",
        origin="116",
    ),
    _a(
        "0302130000",
        "挪威冰鲜大西洋鲑",
        "Norwegian chilled Atlantic salmon",
        "035",
        "168.00",
        brand="Nordic Salmon",
        origin="326",
        mode="1210",
    ),
)

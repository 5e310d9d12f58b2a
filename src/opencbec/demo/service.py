"""Load the demo zone: organisations of every role and a user for each."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from opencbec.appointments import service as appointments_service
from opencbec.audit.service import Actor
from opencbec.clearance import service as clearance_service
from opencbec.demo import sets
from opencbec.enterprise import service as enterprise_service
from opencbec.goods import service as goods_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import Department, Organisation, OrgRole, User
from opencbec.identity.rules import Principal
from opencbec.kit.time import CHINA_STANDARD_TIME, advance_to
from opencbec.messages import ceb
from opencbec.tax import service as tax_service  # noqa: F401 - registers the quota and tax hooks

DEMO_PASSWORD = "opencbec-demo-2026"  # noqa: S105 - published on purpose; demo refused in prod
DEMO_ACTOR = Actor(label="demo-loader")


@dataclass(frozen=True, slots=True)
class DemoOrg:
    """One demo organisation and its administrator's login."""

    code: str
    name_zh: str
    name_en: str
    roles: tuple[OrgRole, ...]
    username: str
    display_name: str
    department: Department | None = None


DEMO_ORGS: tuple[DemoOrg, ...] = (
    DemoOrg(
        "xx-zone-admin",
        "中国（新乡）跨境电子商务综合试验区管理办公室",
        "Xinxiang CBEC Pilot Zone Administration",
        (OrgRole.ZONE_ADMINISTRATION,),
        "zone",
        "王主任",
    ),
    DemoOrg(
        "xx-customs",
        "新乡海关",
        "Xinxiang Customs",
        (OrgRole.REGULATOR,),
        "customs",
        "李关员",
        Department.CUSTOMS,
    ),
    DemoOrg(
        "xx-tax",
        "国家税务总局新乡市税务局",
        "Xinxiang Municipal Tax Service",
        (OrgRole.REGULATOR,),
        "tax",
        "赵科长",
        Department.TAX,
    ),
    DemoOrg(
        "xx-safe",
        "国家外汇管理局新乡市分局",
        "SAFE Xinxiang Branch",
        (OrgRole.REGULATOR,),
        "forex",
        "钱科长",
        Department.FOREIGN_EXCHANGE,
    ),
    DemoOrg(
        "xx-commerce",
        "新乡市商务局",
        "Xinxiang Commerce Bureau",
        (OrgRole.REGULATOR,),
        "commerce",
        "孙科长",
        Department.COMMERCE,
    ),
    DemoOrg(
        "xx-samr",
        "新乡市市场监督管理局",
        "Xinxiang Market Supervision Administration",
        (OrgRole.REGULATOR,),
        "market",
        "周科长",
        Department.MARKET_SUPERVISION,
    ),
    DemoOrg(
        "xx-post",
        "新乡市邮政管理局",
        "Xinxiang Postal Administration",
        (OrgRole.REGULATOR,),
        "post",
        "吴科长",
        Department.POST,
    ),
    DemoOrg(
        "muye-chem",
        "新乡牧野精细化工（示范）有限公司",
        "Muye Fine Chemicals (Demo) Co., Ltd.",
        (OrgRole.ECOMMERCE_ENTERPRISE,),
        "seller",
        "陈经理",
    ),
    DemoOrg(
        "changyuan-lift",
        "长垣起重装备（示范）有限公司",
        "Changyuan Lifting Equipment (Demo) Co., Ltd.",
        (OrgRole.ECOMMERCE_ENTERPRISE,),
        "seller2",
        "郑经理",
    ),
    DemoOrg(
        "muye-mall",
        "牧野跨境商城（示范）",
        "Muye Cross-border Mall (Demo)",
        (OrgRole.ECOMMERCE_PLATFORM,),
        "platform",
        "冯经理",
    ),
    DemoOrg(
        "zhongou-rail",
        "中欧班列新乡物流（示范）有限公司",
        "China-Europe Rail Xinxiang Logistics (Demo)",
        (OrgRole.LOGISTICS,),
        "logistics",
        "蒋调度",
    ),
    DemoOrg(
        "yuzhifu-pay",
        "豫支付（示范）有限公司",
        "Yuzhifu Payments (Demo) Co., Ltd.",
        (OrgRole.PAYMENT,),
        "payment",
        "沈经理",
    ),
    DemoOrg(
        "muye-broker",
        "新乡报关行（示范）有限公司",
        "Xinxiang Customs Brokerage (Demo)",
        (OrgRole.CUSTOMS_BROKER,),
        "broker",
        "韩报关员",
    ),
    DemoOrg(
        "xx-bonded",
        "新乡综合保税仓储（示范）",
        "Xinxiang Bonded Warehouse (Demo)",
        (OrgRole.WAREHOUSE_OPERATOR,),
        "warehouse",
        "杨主管",
    ),
    DemoOrg(
        "zyb-bank",
        "中原银行新乡分行（示范）",
        "Zhongyuan Bank Xinxiang Branch (Demo)",
        (OrgRole.FINANCIAL_INSTITUTION,),
        "bank",
        "朱经理",
    ),
)


# The demo bank by the name enterprises file their accounts under: they are its clients.
DEMO_BANK = next(org.name_zh for org in DEMO_ORGS if org.username == "bank")


def is_loaded(session: Session) -> bool:
    """True when the database already holds organisations (demo or real): never load twice."""
    return bool(session.scalar(select(func.count()).select_from(Organisation)))


def load(
    session: Session,
    *,
    var_dir: Path,
    progress: Callable[[str], None] | None = None,
    hs_file: Path | None = None,
    with_sets: bool = True,
) -> list[DemoOrg]:
    """Load the code tables, create the demo organisations and their users, and file the
    enterprises, all through the same services a person would use.

    With `with_sets` false, the demo's own order sets and customs bookings are left to the
    caller: the generated zone's loader sends the sets on their days (IMPORT_SETS_DAY,
    EXPORT_SET_DAY) and books at the end, on the real clock.
    """
    goods_service.load_bundled(session, actor=DEMO_ACTOR, hs_file=hs_file)
    users: dict[str, User] = {}
    for demo in DEMO_ORGS:
        org = identity_service.create_organisation(
            session,
            actor=DEMO_ACTOR,
            code=demo.code,
            name_zh=demo.name_zh,
            name_en=demo.name_en,
            roles=demo.roles,
            department=demo.department,
        )
        users[demo.username] = identity_service.create_user(
            session,
            actor=DEMO_ACTOR,
            organisation_id=org.id,
            username=demo.username,
            display_name=demo.display_name,
            password=DEMO_PASSWORD,
            is_org_admin=True,
        )
        if progress:
            progress(demo.code)
    _file_enterprises(session, users, var_dir)
    _file_goods(session, users)
    _offline_platform(session, users)
    if with_sets:
        declare_import_sets(session, users)
        declare_export_set(session, users)
        appointments_service.seed_demo(session, users=users)
    return list(DEMO_ORGS)


def demo_users(session: Session) -> dict[str, User]:
    """Return the demo organisations' administrators by login."""
    logins = [demo.username for demo in DEMO_ORGS]
    return {u.username: u for u in session.scalars(select(User).where(User.username.in_(logins)))}


def book_appointments(session: Session) -> None:
    """Create the demo customs sites and bookings around now (tomorrow's, yesterday's result)."""
    appointments_service.seed_demo(session, users=demo_users(session))


# The parks and belts the Xinxiang implementation plan names; the factories are demo data.
DEMO_PARKS = (
    (
        "xx-edz",
        "经开区跨境电商综合园区",
        "Economic Development Zone CBEC Comprehensive Park",
        "新乡经济技术开发区",
        "综合服务、保税仓储、跨境物流",
        "Integrated services, bonded storage, cross-border logistics",
    ),
    (
        "changyuan-im",
        "长垣智能制造跨境电商园区",
        "Changyuan Intelligent-Manufacturing CBEC Park",
        "长垣市",
        "起重装备、汽车零部件、医疗器械",
        "Lifting equipment, auto parts, medical equipment",
    ),
    (
        "xx-htz",
        "高新区高端装备跨境电商园区",
        "High-tech Zone High-end Equipment CBEC Park",
        "新乡高新区",
        "振动筛分、电池、智能装备",
        "Vibration screening, batteries, smart equipment",
    ),
    (
        "zyagri",
        "中原农谷农产品跨境电商服务基地",
        "Zhongyuan Agricultural Valley Agri-products Service Base",
        "平原示范区",
        "特色农产品、食品加工",
        "Characteristic agricultural products, food processing",
    ),
    (
        "hongqi-train",
        "红旗区跨境电商人才培训基地",
        "Hongqi District CBEC Training Base",
        "红旗区",
        "人才培训、企业孵化",
        "Training and enterprise incubation",
    ),
)
DEMO_BELTS = (
    ("fine-chem", "精细化工", "Fine chemicals"),
    ("lifting", "起重装备", "Lifting equipment"),
    ("screening", "振动筛分", "Vibration screening"),
    ("auto-parts", "汽车零部件", "Auto parts"),
    ("textiles", "纺织服装", "Textiles and clothing"),
    ("food", "食品加工", "Food processing"),
    ("appliances", "智能家电", "Smart home appliances"),
    ("batteries", "新能源电池", "New energy batteries"),
    ("agri", "特色农产品", "Characteristic agricultural products"),
)
DEMO_FACTORIES = (
    (
        "fine-chem",
        "xx-edz",
        "牧野精细化工一厂（示范）",
        "Muye Fine Chemicals Plant 1 (Demo)",
        "牧野区",
        "冰乙酸、水处理药剂",
        "Glacial acetic acid, water-treatment chemicals",
        "DE,IN,VN",
    ),
    (
        "fine-chem",
        "xx-htz",
        "新乡助剂科技（示范）",
        "Xinxiang Additives Technology (Demo)",
        "高新区",
        "塑料助剂、抗氧剂",
        "Plastic additives, antioxidants",
        "TR,BR,RU",
    ),
    (
        "lifting",
        "changyuan-im",
        "长垣桥式起重机厂（示范）",
        "Changyuan Overhead Crane Works (Demo)",
        "长垣市",
        "桥式起重机、电动葫芦",
        "Overhead cranes, electric hoists",
        "KZ,UZ,SA,VN",
    ),
    (
        "lifting",
        "changyuan-im",
        "长垣门式起重设备（示范）",
        "Changyuan Gantry Lifting (Demo)",
        "长垣市",
        "门式起重机、吊具",
        "Gantry cranes, spreaders",
        "RU,ID,PK",
    ),
    (
        "screening",
        "xx-htz",
        "新乡振动筛分设备厂（示范）",
        "Xinxiang Vibrating Screen Factory (Demo)",
        "新乡县",
        "直线振动筛、旋振筛",
        "Linear vibrating screens, rotary sifters",
        "US,AU,CL",
    ),
    (
        "screening",
        None,
        "红旗筛分机械（示范）",
        "Hongqi Screening Machinery (Demo)",
        "红旗区",
        "振动电机、给料机",
        "Vibration motors, feeders",
        "ZA,PE",
    ),
    (
        "auto-parts",
        "changyuan-im",
        "长垣汽车制动器（示范）",
        "Changyuan Auto Brakes (Demo)",
        "长垣市",
        "制动器、制动盘",
        "Brakes, brake discs",
        "DE,PL,MX",
    ),
    (
        "auto-parts",
        "xx-edz",
        "新乡转向系统（示范）",
        "Xinxiang Steering Systems (Demo)",
        "经开区",
        "转向器、转向泵",
        "Steering gears, steering pumps",
        "RU,KZ",
    ),
    (
        "textiles",
        None,
        "原阳针织服装（示范）",
        "Yuanyang Knitwear (Demo)",
        "原阳县",
        "棉制 T 恤、针织运动服",
        "Cotton T-shirts, knitted sportswear",
        "US,GB,JP",
    ),
    (
        "textiles",
        "xx-edz",
        "新乡化纤纺织（示范）",
        "Xinxiang Chemical Fibre Textiles (Demo)",
        "经开区",
        "氨纶纱线、面料",
        "Spandex yarn, fabrics",
        "VN,BD,TR",
    ),
    (
        "food",
        "zyagri",
        "新乡饼干食品（示范）",
        "Xinxiang Biscuits (Demo)",
        "平原示范区",
        "甜饼干、速冻食品",
        "Sweet biscuits, frozen foods",
        "KR,MY,AE",
    ),
    (
        "food",
        "zyagri",
        "获嘉面制品（示范）",
        "Huojia Noodle Products (Demo)",
        "获嘉县",
        "挂面、方便面",
        "Dried noodles, instant noodles",
        "SG,AU,CA",
    ),
    (
        "appliances",
        "xx-htz",
        "新乡智能厨电（示范）",
        "Xinxiang Smart Kitchen Appliances (Demo)",
        "高新区",
        "电磁炉、破壁机",
        "Induction cookers, blenders",
        "DE,FR,SA",
    ),
    (
        "appliances",
        None,
        "卫辉小家电（示范）",
        "Weihui Small Appliances (Demo)",
        "卫辉市",
        "电热水壶、空气炸锅",
        "Electric kettles, air fryers",
        "US,GB",
    ),
    (
        "batteries",
        "xx-htz",
        "新乡锂电池（示范）",
        "Xinxiang Lithium Battery (Demo)",
        "高新区",
        "锂离子电池组、储能电池",
        "Lithium-ion packs, storage batteries",
        "DE,NL,AU",
    ),
    (
        "batteries",
        "xx-edz",
        "新乡电池材料（示范）",
        "Xinxiang Battery Materials (Demo)",
        "经开区",
        "正极材料、隔膜",
        "Cathode materials, separators",
        "KR,JP",
    ),
    (
        "agri",
        "zyagri",
        "延津小麦制品（示范）",
        "Yanjin Wheat Products (Demo)",
        "延津县",
        "优质小麦粉、麦胚",
        "Premium wheat flour, wheat germ",
        "MY,ID",
    ),
    (
        "agri",
        "zyagri",
        "原阳大米（示范）",
        "Yuanyang Rice (Demo)",
        "原阳县",
        "原阳大米、脱水蔬菜",
        "Yuanyang rice, dehydrated vegetables",
        "SG,AE,CA",
    ),
)


def _offline_platform(session: Session, users: dict[str, User]) -> None:
    zone = identity_service.principal_for_user(session, users["zone"])
    for code, name_zh, name_en, district, focus_zh, focus_en in DEMO_PARKS:
        enterprise_service.create_park(
            session,
            principal=zone,
            data={
                "code": code,
                "name_zh": name_zh,
                "name_en": name_en,
                "district": district,
                "focus_zh": focus_zh,
                "focus_en": focus_en,
            },
        )
    for code, name_zh, name_en in DEMO_BELTS:
        enterprise_service.create_belt(
            session, principal=zone, code=code, name_zh=name_zh, name_en=name_en
        )
    listed = []
    for index, (
        belt,
        park,
        name_zh,
        name_en,
        county,
        products_zh,
        products_en,
        markets,
    ) in enumerate(DEMO_FACTORIES):
        factory = enterprise_service.register_factory(
            session,
            principal=zone,
            data={
                "belt": belt,
                "park": park or "",
                "name_zh": name_zh,
                "name_en": name_en,
                "county": county,
                "products_zh": products_zh,
                "products_en": products_en,
                "markets": markets,
            },
        )
        if index % 6 != 5:  # a few stay unpublished, waiting for the zone's decision
            listed.append(factory.id)
    enterprise_service.publish_factories(session, principal=zone, factory_ids=listed)


DEMO_GOODS: tuple[dict[str, str], ...] = (
    {
        "item_no": "MY-AA-99",
        "direction": "export",
        "supervision_mode": "9610",
        "name_zh": "冰乙酸 99.8%",
        "name_en": "Glacial acetic acid 99.8%",
        "brand": "牧野",
        "model_spec": "25 kg 桶装",
        "declared_elements": "用途：工业溶剂|纯度：99.8%",
        "hs_code": "2915211000",
        "unit": "035",
        "origin_country": "142",
        "price": "4.85",
        "currency": "142",
        "barcode": "",
    },
    {
        "item_no": "MY-CX-12",
        "direction": "export",
        "supervision_mode": "9710",
        "name_zh": "水处理复配药剂",
        "name_en": "Water-treatment chemical blend",
        "brand": "牧野",
        "model_spec": "1 t IBC",
        "declared_elements": "用途：水处理",
        "hs_code": "3824999990",
        "unit": "035",
        "origin_country": "142",
        "price": "12.60",
        "currency": "142",
        "barcode": "",
    },
    {
        "item_no": "MY-IM-SAL",
        "direction": "import",
        "supervision_mode": "1210",
        "name_zh": "挪威冰鲜大西洋鲑",
        "name_en": "Norwegian chilled Atlantic salmon",
        "brand": "Nordic Salmon",
        "model_spec": "2-3 kg",
        "declared_elements": "冰鲜|整条",
        "hs_code": "0302130000",
        "unit": "035",
        "origin_country": "326",
        "price": "168.00",
        "currency": "142",
        "barcode": "",
    },
    {
        "item_no": "MY-IM-SKIN",
        "direction": "import",
        "supervision_mode": "9610",
        "name_zh": "保湿面霜",
        "name_en": "Moisturising face cream",
        "brand": "Belle Rive",
        "model_spec": "50 ml",
        "declared_elements": "用途：护肤",
        "hs_code": "3304990099",
        "unit": "007",
        "origin_country": "305",
        "price": "320.00",
        "currency": "142",
        "barcode": "3760123450003",
    },
)


def _file_goods(session: Session, users: dict[str, User]) -> None:
    goods_service.record_brand(
        session,
        actor=DEMO_ACTOR,
        brand="Nordic Salmon",
        owner="Nordic Salmon AS (demo)",
        recordal_no="T-DEMO-0001",
    )
    seller = identity_service.principal_for_user(session, users["seller"])
    for product in DEMO_GOODS:
        goods_service.file_product(session, principal=seller, data=product)


# Where each demo enterprise's filing stands, so every reviewer and enterprise has real work.
_FILING_OUTCOME = {
    "seller": "approved",
    "seller2": "submitted",
    "platform": "approved",
    "logistics": "approved",
    "payment": "approved",
    "broker": "returned",
    "warehouse": "approved",  # the zone's bonded warehouse: 1210 inventories name it
}
_LICENCE_PDF = (
    b"%PDF-1.4\n% OpenCBEC demo business licence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
)


def demo_uscc(serial: int) -> str:
    """Return a valid unified social credit code for demo enterprise number `serial`."""
    body = f"914107{serial:010d}X"[:17]
    return body + stdnum_uscc.calc_check_digit(body)


def _file_enterprises(session: Session, users: dict[str, User], var_dir: Path) -> None:
    customs = identity_service.principal_for_user(session, users["customs"])
    for serial, demo in enumerate(DEMO_ORGS, start=1):
        outcome = _FILING_OUTCOME.get(demo.username)
        if outcome is None:
            continue
        principal = identity_service.principal_for_user(session, users[demo.username])
        roles = [r.value for r in demo.roles]
        version = enterprise_service.save_filing(
            session,
            principal=principal,
            data={
                "uscc": demo_uscc(serial),
                "customs_code": f"41079{serial:05d}",
                "name_zh": demo.name_zh,
                "name_en": demo.name_en,
                "roles": roles,
                "legal_representative": demo.display_name[0] + "总",
                "address": f"河南省新乡市经济技术开发区纬{serial}路 {serial * 8} 号",
                "contacts": [
                    {
                        "name": demo.display_name,
                        "phone": f"1390373{serial:04d}",
                        "email": f"{demo.username}@demo.opencbec.cn",
                    },
                    {
                        "name": "外贸部",
                        "phone": f"0373-55{serial:05d}",
                        "email": f"trade.{demo.username}@demo.opencbec.cn",
                    },
                ],
                "bank_accounts": [{"bank_name": DEMO_BANK, "account": f"62220203730{serial:05d}"}],
                "fx_accounts": [{"bank_name": DEMO_BANK, "account": f"45660373{serial:06d}"}],
            },
        )
        submit_and_review(
            session,
            principal=principal,
            reviewer=customs,
            version_id=version.id,
            licence=(f"{demo.code}-licence.pdf", _LICENCE_PDF.replace(b"demo", demo.code.encode())),
            outcome=outcome,
            reason="营业执照扫描件不清晰，请重新上传 / The business licence scan is illegible; upload it again",
            var_dir=var_dir,
        )


def submit_and_review(
    session: Session,
    *,
    principal: Principal,
    reviewer: Principal,
    version_id: int,
    licence: tuple[str, bytes],
    outcome: str,
    reason: str,
    var_dir: Path,
) -> None:
    """Attach the licence, submit a saved filing, and take its review to `outcome` (submitted,
    under_review, approved or returned with `reason`)."""
    enterprise_service.add_document(
        session,
        principal=principal,
        kind="business_licence",
        filename=licence[0],
        content=licence[1],
        var_dir=var_dir,
    )
    enterprise_service.submit(session, principal=principal, version_id=version_id)
    if outcome == "submitted":
        return
    enterprise_service.start_review(session, principal=reviewer, version_id=version_id)
    if outcome == "approved":
        enterprise_service.approve(session, principal=reviewer, version_id=version_id)
    elif outcome == "returned":
        enterprise_service.return_version(
            session, principal=reviewer, version_id=version_id, reasons=[reason]
        )


# Bonded (1210) import sets of the demo: buyer, goods, VAT rate, who declares the inventory, and the
# receipts customs sent. The broker's filing was returned, so its sets show the fix to make; the
# last set the seller declares itself, and it is ready to declare.
_IMPORT_SETS: tuple[
    tuple[tuple[str, str, str], list[tuple[str, str, str, str, str]], str, str, list[str]], ...
] = (
    (
        ("王芳", "41070219900101001", "河南省新乡市红旗区平原路 88 号"),
        [("挪威冰鲜大西洋鲑", "0302130000", "035", "2", "168.00")],
        "0.09",
        "broker",
        ["2", "120", "399", "800"],
    ),
    (
        ("李娜", "41070319880512002", "河南省新乡市卫滨区胜利路 16 号"),
        [("保湿面霜 50 ml", "3304990099", "007", "2", "320.00")],
        "0.13",
        "broker",
        ["2", "120", "399"],
    ),
    (
        ("张伟", "41072119920823003", "河南省新乡市新乡县七里营镇 3 号"),
        [("保湿面霜 50 ml", "3304990099", "007", "1", "320.00")],
        "0.13",
        "broker",
        ["2", "100"],
    ),
    (
        ("赵敏", "41078119950306004", "河南省卫辉市比干大道 21 号"),
        [
            ("婴幼儿配方奶粉 900 g", "1901101000", "122", "2", "268.00"),
            ("保湿面霜 50 ml", "3304990099", "007", "1", "320.00"),
        ],
        "0.13",
        "seller",
        [],
    ),
)
# A China–Europe rail export parcel of brake parts to Germany, ready to declare.
_EXPORT_GOODS = [("盘式制动器总成", "8708300000", "007", "4", "85.00")]
# The days (China time) the demo's own sets are sent: Double 11's early hours, and the zone's
# last day before the traffic's sets arrive; their time stamps say so.
IMPORT_SETS_DAY: Final = dt.date(2026, 11, 11)
EXPORT_SET_DAY: Final = dt.date(2026, 11, 20)
_RECEIPT_INFO = {"100": "订购人年度额度不足 / annual quota exceeded"}


def _resident_id(body: str) -> str:
    return body + stdnum_ric.calc_check_digit(body + "0")


def _declare(session: Session, user: User, message: Any) -> None:
    encoded = ceb.encode(message)
    clearance_service.ingest_message(
        session, principal=identity_service.principal_for_user(session, user), data=encoded
    )


def _goods(lines: list[tuple[str, str, str, str, str]]) -> list[sets.Goods]:
    return [sets.Goods(n, c, u, Decimal(q), Decimal(p)) for n, c, u, q, p in lines]


def _moment(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=CHINA_STANDARD_TIME)


def _send(session: Session, stamp: str, messages: list[tuple[User, Any]]) -> None:
    # On a scope's clock (kit.time.running_on) the messages go a minute apart from their stamp.
    for step, (user, message) in enumerate(messages):
        advance_to(_moment(stamp) + dt.timedelta(minutes=step))
        _declare(session, user, message)


def declare_import_sets(session: Session, users: Mapping[str, User]) -> None:
    """Declare bonded import sets through the real ingest path, with the receipts customs sent
    (on a scope's clock, each applied a minute after its returnTime)."""
    for index, (who, lines, vat, declarant, receipts) in enumerate(_IMPORT_SETS, start=1):
        order_no = f"MYMALL{IMPORT_SETS_DAY:%Y%m%d}{index:04d}"
        stamp = f"{IMPORT_SETS_DAY:%Y%m%d}{index:02d}0000"
        name, id_body, address = who
        buyer = sets.Buyer(name, _resident_id(id_body), f"1380373000{index}", address)
        agent = sets.DEMO_AGENT if declarant == "broker" else sets.DEMO_EBC
        order, payment, waybill, inventory = sets.import_set(
            order_no,
            buyer=buyer,
            goods=_goods(lines),
            vat=Decimal(vat),
            stamp=stamp,
            agent_code=agent,
        )
        senders = (users["platform"], users["payment"], users["logistics"], users[declarant])
        _send(session, stamp, list(zip(senders, (order, payment, waybill, inventory), strict=True)))
        principal = identity_service.principal_for_user(session, users[declarant])
        for step, status in enumerate(receipts, start=1):
            # Customs answers within the hour, before the next set is sent.
            return_time = f"{stamp[:10]}{10 * step:02d}00000"
            advance_to(_moment(return_time) + dt.timedelta(minutes=1))
            clearance_service.apply_receipt(
                session,
                principal=principal,
                kind="inventory",
                business_key=f"{sets.DEMO_EBC}|I{order_no}",
                guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"r{status}{order_no}")).upper(),
                status=status,
                return_time=return_time,
                info=_RECEIPT_INFO.get(status),
            )


def declare_export_set(session: Session, users: Mapping[str, User]) -> None:
    """Send an export set of the demo seller, ready for it to declare (at 07:30, China time)."""
    stamp = f"{EXPORT_SET_DAY:%Y%m%d}073000"
    messages = sets.export_set(
        f"MYMALLEX{EXPORT_SET_DAY:%Y%m%d}0001", goods=_goods(_EXPORT_GOODS), stamp=stamp
    )
    senders = (users["platform"], users["payment"], users["logistics"], users["seller"])
    _send(session, stamp, list(zip(senders, messages, strict=True)))

"""Load the demo zone: organisations of every role and a user for each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc as stdnum_uscc

from opencbec.audit.service import Actor
from opencbec.enterprise import service as enterprise_service
from opencbec.goods import service as goods_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import Department, Organisation, OrgRole, User

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


def is_loaded(session: Session) -> bool:
    """True when the database already holds organisations (demo or real): never load twice."""
    return bool(session.scalar(select(func.count()).select_from(Organisation)))


def load(
    session: Session,
    *,
    var_dir: Path,
    progress: Callable[[str], None] | None = None,
    hs_file: Path | None = None,
) -> list[DemoOrg]:
    """Load the code tables, create the demo organisations and their users, and file the
    enterprises, all through the same services a person would use."""
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
    return list(DEMO_ORGS)


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
    "warehouse": "under_review",
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
                "contact_name": demo.display_name,
                "contact_phone": f"1390373{serial:04d}",
                "contact_email": f"{demo.username}@demo.opencbec.cn",
                "bank_name": "中原银行新乡分行",
                "bank_account": f"62220203730{serial:05d}",
                "fx_account": "",
            },
        )
        enterprise_service.add_document(
            session,
            principal=principal,
            kind="business_licence",
            filename=f"{demo.code}-licence.pdf",
            content=_LICENCE_PDF.replace(b"demo", demo.code.encode()),
            var_dir=var_dir,
        )
        enterprise_service.submit(session, principal=principal, version_id=version.id)
        if outcome == "submitted":
            continue
        enterprise_service.start_review(session, principal=customs, version_id=version.id)
        if outcome == "approved":
            enterprise_service.approve(session, principal=customs, version_id=version.id)
        elif outcome == "returned":
            enterprise_service.return_version(
                session,
                principal=customs,
                version_id=version.id,
                reasons=[
                    "营业执照扫描件不清晰，请重新上传 / The business licence scan is illegible; upload it again"
                ],
            )

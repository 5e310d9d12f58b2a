"""The one authorisation rule every domain reuses, and the scopes of API keys.

- An organisation sees and changes only its own records and those a counterparty shares with it.
- A regulator additionally reads the records of the domains its department is entitled to.
- Zone administration sees aggregates, not other organisations' records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from opencbec.audit.service import Actor
from opencbec.identity.models import Department, OrgRole
from opencbec.kit.i18n import N_, Bilingual


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of a use case: a logged-in user or an API key, always of one organisation."""

    organisation_id: int
    organisation_code: str
    organisation_name_zh: str
    organisation_name_en: str
    roles: frozenset[OrgRole]
    department: Department | None
    label: str
    user_id: int | None = None
    display_name: str = ""
    is_org_admin: bool = False
    api_key_id: int | None = None
    scopes: frozenset[str] | None = None  # None: an interactive user, limited by role only

    @property
    def actor(self) -> Actor:
        """Return this principal as an audit actor."""
        return Actor(
            label=self.label,
            user_id=self.user_id,
            organisation_id=self.organisation_id,
            api_key_id=self.api_key_id,
        )

    def has_role(self, role: OrgRole) -> bool:
        """True when the principal's organisation holds `role`."""
        return role in self.roles

    @property
    def is_regulator(self) -> bool:
        """True for a government department."""
        return OrgRole.REGULATOR in self.roles

    @property
    def is_zone_admin(self) -> bool:
        """True for the zone administration."""
        return OrgRole.ZONE_ADMINISTRATION in self.roles


SCOPES: Final[Mapping[str, Bilingual]] = {
    "identity:read": Bilingual("Read your organisation, users and keys", "读取本单位、用户和密钥"),
    "identity:write": Bilingual("Manage your organisation's users", "管理本单位用户"),
    "audit:read": Bilingual("Read your organisation's audit log", "读取本单位审计日志"),
    "enterprise:read": Bilingual("Read filings you may see", "读取有权查看的企业备案"),
    "enterprise:write": Bilingual(
        "File your enterprise; reviewers: review filings", "办理企业备案；审核人员：审核备案"
    ),
    "goods:read": Bilingual(
        "Read code tables and your filed goods", "读取参数代码表和本单位备案商品"
    ),
    "goods:write": Bilingual("File goods", "办理商品备案"),
    "clearance:read": Bilingual(
        "Read your declared documents and receipts", "读取本单位申报单证和回执"
    ),
    "clearance:write": Bilingual("Declare documents and apply receipts", "申报单证、接收回执"),
    "tax:read": Bilingual(
        "Read export refund candidates and import tax bills you may see",
        "读取有权查看的出口退税候选和进口税单",
    ),
    "finance:read": Bilingual(
        "Read export collections you may see (a bank: its clients')",
        "读取有权查看的出口收款（银行：其客户的）",
    ),
    "logistics:read": Bilingual("Read the zone's parcels by carrier", "读取综试区按承运企业的包裹"),
    "warehousing:read": Bilingual(
        "Read bonded inventories you may see (a warehouse: its own)",
        "读取有权查看的保税清单（仓库：本仓库的）",
    ),
}
"""Every scope an API key may carry. Later domains add theirs here."""

# Which domains' records each department reads (object types are "<domain>.<thing>").
DEPARTMENT_DOMAINS: Final[Mapping[Department, frozenset[str]]] = {
    Department.CUSTOMS: frozenset(
        {
            "enterprise",
            "goods",
            "clearance",
            "tax",
            "risk",
            "credit",
            "logistics",
            "warehousing",
            "trace",
            "ipr",
        }
    ),
    Department.TAX: frozenset({"enterprise", "clearance", "tax", "finance", "credit"}),
    Department.FOREIGN_EXCHANGE: frozenset({"enterprise", "clearance", "finance", "credit"}),
    Department.COMMERCE: frozenset({"enterprise", "goods", "credit", "logistics", "warehousing"}),
    Department.MARKET_SUPERVISION: frozenset({"enterprise", "goods", "credit", "trace", "ipr"}),
    Department.POST: frozenset({"enterprise", "logistics", "clearance"}),
}

ROLE_LABELS: Final[Mapping[OrgRole, str]] = {
    OrgRole.ECOMMERCE_ENTERPRISE: N_("E-commerce enterprise"),
    OrgRole.ECOMMERCE_PLATFORM: N_("E-commerce platform"),
    OrgRole.LOGISTICS: N_("Logistics enterprise"),
    OrgRole.PAYMENT: N_("Payment enterprise"),
    OrgRole.CUSTOMS_BROKER: N_("Customs broker"),
    OrgRole.WAREHOUSE_OPERATOR: N_("Warehouse operator"),
    OrgRole.FINANCIAL_INSTITUTION: N_("Financial institution"),
    OrgRole.REGULATOR: N_("Regulator"),
    OrgRole.ZONE_ADMINISTRATION: N_("Zone administration"),
}

DEPARTMENT_LABELS: Final[Mapping[Department, str]] = {
    Department.CUSTOMS: N_("Customs"),
    Department.TAX: N_("Tax"),
    Department.FOREIGN_EXCHANGE: N_("Foreign exchange"),
    Department.COMMERCE: N_("Commerce"),
    Department.MARKET_SUPERVISION: N_("Market supervision"),
    Department.POST: N_("Post"),
}


def has_scope(principal: Principal, scope: str) -> bool:
    """True when the principal may use `scope` (users may use every scope; keys only theirs)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return principal.scopes is None or scope in principal.scopes


def domain_of(object_type: str) -> str:
    """Return the domain part of an object type such as "clearance.inventory"."""
    return object_type.partition(".")[0]


def regulator_may_read(principal: Principal, object_type: str) -> bool:
    """True when the principal is a regulator whose department is entitled to `object_type`."""
    if not principal.is_regulator or principal.department is None:
        return False
    return domain_of(object_type) in DEPARTMENT_DOMAINS.get(principal.department, frozenset())


def can_read(
    principal: Principal, *, owner_organisation_id: int, object_type: str, shared_with_me: bool
) -> bool:
    """The read rule: own records, records shared with us, and a regulator's entitled domains."""
    return (
        owner_organisation_id == principal.organisation_id
        or shared_with_me
        or regulator_may_read(principal, object_type)
    )


def can_change(principal: Principal, *, owner_organisation_id: int) -> bool:
    """The write rule: only the owner changes a record; sharing never grants a change."""
    return owner_organisation_id == principal.organisation_id


def validate_password(password: str, *, username: str) -> Bilingual | None:
    """Return why `password` is too weak, or None when it is acceptable."""
    if len(password) < 10:
        return Bilingual("use at least 10 characters", "至少需要 10 个字符")
    if len(password) > 256:
        return Bilingual("use at most 256 characters", "最多 256 个字符")
    if password.strip().lower() == username.strip().lower():
        return Bilingual("must differ from the username", "不能与用户名相同")
    if len(set(password)) < 4:
        return Bilingual("use at least 4 different characters", "至少包含 4 个不同字符")
    return None

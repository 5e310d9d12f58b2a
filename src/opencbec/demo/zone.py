"""The generated part of the demo zone: about 200 enterprises of every role, filed and reviewed
through the filing services, and their goods filed with real codes of the bundled tables.

Everything is drawn from one seeded random generator, so the same seed gives the same zone. The
generated enterprises work through API keys (as ERP-integrated enterprises do): a login each
would cost an argon2 hash each, a quarter of a second apiece; the fixed demo logins stay the way in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.demo import catalogue
from opencbec.demo.catalogue import BELT_GOODS, IMPORT_GOODS, Article
from opencbec.demo.service import DEMO_ACTOR, DEMO_BANK, demo_uscc, submit_and_review
from opencbec.demo.sets import Party
from opencbec.enterprise import service as enterprise_service
from opencbec.goods import service as goods_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import ApiKey, Organisation, OrgRole, User
from opencbec.identity.rules import Principal

# Where each generated filing ends, drawn per enterprise (the rest are approved).
_NOT_APPROVED: Final = (("returned", 0.04), ("submitted", 0.03), ("under_review", 0.03))
API_KEY_DAYS: Final = 365
API_KEY_NAME: Final = "ERP 接口 / ERP integration (demo)"
_SCOPES: Final = ("enterprise:write", "goods:write", "clearance:write", "clearance:read")
# Where generated enterprises keep their accounts: the fixed demo's bank and the generated banks
# in turn, by serial, so every bank has clients (and the demo bank's login sees some).
BANK_NAMES: Final = (
    DEMO_BANK,
    *(row[0] for kind, _, rows in catalogue.FIXED_KINDS if kind == "bank" for row in rows),
)
_LICENCE: Final = (
    b"%PDF-1.4\n% OpenCBEC generated demo licence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
)


@dataclass(frozen=True, slots=True)
class Member:
    """One generated enterprise: who it is, what it does, and where its filing ends."""

    code: str
    name_zh: str
    name_en: str
    role: OrgRole
    kind: str  # seller, importer, platform, logistics, payment, broker, bonded, overseas, bank, insurer
    serial: int
    outcome: (
        str  # approved, submitted, under_review, returned; "" for banks and insurers (no filing)
    )
    belt: str = ""  # sellers: their industrial belt
    route: str = ""  # logistics: the route key; overseas warehouses: the region

    @property
    def customs_code(self) -> str:
        """Return the 10-character customs code the enterprise files."""
        return f"41079{self.serial:05d}"

    @property
    def party(self) -> Party:
        """Return the enterprise as a set names it."""
        return Party(self.customs_code, self.name_zh)


@dataclass(slots=True)
class Zone:
    """The generated enterprises and the principals they act through."""

    members: list[Member]
    principals: dict[str, Principal] = field(default_factory=dict)  # by member code
    by_code: dict[str, Member] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {m.code: m for m in self.members}


# --- drawing the enterprises (pure) --------------------------------------------------------------


def _outcome(draw: random.Random, first: bool) -> str:
    if first:  # every kind keeps at least one approved enterprise, whatever the seed
        return "approved"
    roll = draw.random()
    for outcome, share in _NOT_APPROVED:
        if roll < share:
            return outcome
        roll -= share
    return "approved"


def _cycled(pool: Sequence[tuple[str, str]], n: int, zh_tail: str, en_tail: str) -> tuple[str, str]:
    """Return the n-th company name made from a pool of names, numbered from the second round."""
    zh, en = pool[n % len(pool)]
    suffix = str(n // len(pool) + 1) if n >= len(pool) else ""
    return (
        f"{zh}{zh_tail}{suffix}（示范）有限公司",
        f"{en}{en_tail}{' ' + suffix if suffix else ''} (Demo) Co., Ltd.",
    )


def plan_members(seed: int, *, sellers_per_belt: int, importers: int, brokers: int) -> list[Member]:
    """Return the generated enterprises of a zone, the same for the same seed and sizes."""
    draw = random.Random(f"demo-zone|{seed}")  # noqa: S311 - reproducible demo data, not secrets
    members: list[Member] = []
    serial = 1000

    def add(kind: str, role: OrgRole, code: str, zh: str, en: str, **extra: str) -> None:
        nonlocal serial
        serial += 1
        first = not any(m.kind == kind for m in members)
        outcome = "" if role is OrgRole.FINANCIAL_INSTITUTION else _outcome(draw, first)
        members.append(Member(code, zh, en, role, kind, serial, outcome, **extra))

    for belt, (zh_words, en_words) in catalogue.BELT_WORDS.items():
        places = draw.sample(catalogue.PLACES, k=min(len(catalogue.PLACES), sellers_per_belt))
        for n in range(sellers_per_belt):
            place_zh, place_en = places[n % len(places)]
            word = n % len(zh_words)
            suffix = "" if n < len(places) else str(n // len(places) + 1)
            add(
                "seller",
                OrgRole.ECOMMERCE_ENTERPRISE,
                f"{belt}-{n + 1:03d}",
                f"{place_zh}{zh_words[word]}{suffix}（示范）有限公司",
                f"{place_en} {en_words[word]}{' ' + suffix if suffix else ''} (Demo) Co., Ltd.",
                belt=belt,
            )
    for n in range(importers):
        zh, en = _cycled(catalogue.IMPORTERS, n, "", "")
        add("importer", OrgRole.ECOMMERCE_ENTERPRISE, f"import-{n + 1:03d}", zh, en)
    for n in range(brokers):
        zh, en = _cycled(catalogue.PLACES, n, "通关代理", " Customs Agency")
        add("broker", OrgRole.CUSTOMS_BROKER, f"broker-{n + 1:03d}", zh, en)
    for kind, role, rows in catalogue.FIXED_KINDS:
        for n, row in enumerate(rows, start=1):
            zh, en, extra = row
            key = "route" if kind in ("logistics", "overseas") else "belt"
            add(kind, role, f"{kind}-{n:03d}", zh, en, **({key: extra} if extra else {}))
    return members


# --- loading them through the services -----------------------------------------------------------


def load_members(session: Session, *, members: Sequence[Member], var_dir: Path) -> Zone:
    """Create, file and review every generated enterprise, and file the sellers' goods."""
    customs_user = session.scalar(select(User).where(User.username == "customs"))
    if customs_user is None:
        raise RuntimeError("load the fixed demo first: the generated filings need its customs")
    customs = identity_service.principal_for_user(session, customs_user)
    zone = Zone(list(members))
    for member in members:
        org = identity_service.create_organisation(
            session,
            actor=DEMO_ACTOR,
            code=member.code,
            name_zh=member.name_zh,
            name_en=member.name_en,
            roles=(member.role,),
        )
        identity_service.issue_api_key(
            session,
            actor=DEMO_ACTOR,
            organisation_id=org.id,
            name=API_KEY_NAME,
            scopes=_SCOPES,
            valid_days=API_KEY_DAYS,
            max_days=API_KEY_DAYS,
        )
        principal = acting_principal(session, org)
        zone.principals[member.code] = principal
        if member.outcome:
            _file(session, member, principal, customs, var_dir)
    for member in members:
        if member.outcome == "approved" and member.kind in ("seller", "importer"):
            _file_goods(session, member, zone.principals[member.code])
    return zone


def acting_principal(session: Session, org: Organisation) -> Principal:
    """Return the principal a generated enterprise acts as: its demo ERP key (the loader holds no
    secret; it acts for the enterprises it made, and the audit log names the key)."""
    key = session.scalar(
        select(ApiKey)
        .where(ApiKey.organisation_id == org.id, ApiKey.name == API_KEY_NAME)
        .order_by(ApiKey.id)
        .limit(1)
    )
    if key is None:
        raise RuntimeError(f"organisation {org.code} has no demo ERP key")
    return identity_service.key_principal(org, key)


def bank_of(member: Member) -> str:
    """Return the bank a generated enterprise keeps its accounts with."""
    return BANK_NAMES[member.serial % len(BANK_NAMES)]


def _file(
    session: Session, member: Member, principal: Principal, customs: Principal, var_dir: Path
) -> None:
    n = member.serial
    version = enterprise_service.save_filing(
        session,
        principal=principal,
        data={
            "uscc": demo_uscc(n),
            "customs_code": member.customs_code,
            "name_zh": member.name_zh,
            "name_en": member.name_en,
            "roles": [member.role.value],
            "legal_representative": catalogue.SURNAMES[n % len(catalogue.SURNAMES)] + "总",
            "address": f"河南省新乡市{catalogue.PLACES[n % len(catalogue.PLACES)][0]}"
            f"创业路 {n % 300 + 1} 号",
            "contacts": [
                {
                    "name": catalogue.SURNAMES[(n * 7) % len(catalogue.SURNAMES)] + "经理",
                    "phone": f"1390373{n % 10000:04d}",
                    "email": f"{member.code}@demo.opencbec.cn",
                }
            ],
            "bank_accounts": [{"bank_name": bank_of(member), "account": f"62220203731{n:05d}"}],
            "fx_accounts": [{"bank_name": bank_of(member), "account": f"45660374{n:06d}"}],
        },
    )
    submit_and_review(
        session,
        principal=principal,
        reviewer=customs,
        version_id=version.id,
        licence=(
            f"{member.code}-licence.pdf",
            _LICENCE.replace(b"generated", member.code.encode()),
        ),
        outcome=member.outcome,
        reason="联系人电话无法接通，请核实后重新提交 / The contact phone cannot be reached; check it and submit again",
        var_dir=var_dir,
    )


def articles_of(member: Member) -> list[Article]:
    """Return the goods a generated seller or importer files: a stable share of its catalogue."""
    rows = BELT_GOODS[member.belt] if member.kind == "seller" else IMPORT_GOODS
    start = member.serial % len(rows)
    count = min(len(rows), 2 + member.serial % 2)
    return [rows[(start + i) % len(rows)] for i in range(count)]


def _file_goods(session: Session, member: Member, principal: Principal) -> list[Article]:
    chosen = articles_of(member)
    for index, article in enumerate(chosen, start=1):
        goods_service.file_product(
            session,
            principal=principal,
            data={
                "item_no": f"{member.code.upper()}-{index:02d}",
                "direction": "export" if member.kind == "seller" else "import",
                "supervision_mode": "9610" if member.kind == "seller" else article.mode,
                "name_zh": article.name_zh,
                "name_en": article.name_en,
                "brand": article.brand,
                "model_spec": article.spec,
                "declared_elements": article.elements,
                "hs_code": article.code,
                "unit": article.unit,
                "origin_country": article.origin,
                "price": str(article.price),
                "currency": "142",
                "barcode": "",
            },
        )
    return chosen

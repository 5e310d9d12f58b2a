"""Goods filing on the portal: goods waiting for a brand authorisation, search of filed goods,
and key figures (the seller's own goods; the zone's goods by HS chapter for those entitled).

Search follows `service.list_products`: a seller finds its own goods. Aggregates (counts by
chapter, never a product) go to the zone administration and regulators entitled to goods.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from opencbec.enterprise import service as enterprise_service
from opencbec.goods.models import Product
from opencbec.identity.models import OrgRole
from opencbec.identity.rules import Principal, has_scope, regulator_may_read
from opencbec.kit.charts import bar_chart
from opencbec.kit.i18n import N_
from opencbec.webkit import (
    LIKE_ESCAPE,
    SEARCH_LIMIT,
    Figure,
    Panel,
    SearchHit,
    TodoItem,
    like_text,
    register_panels,
    register_search,
    register_todos,
)

IP_REVIEW: Final = "ip_review"
TOP_CHAPTERS: Final = 10


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(Product).where(*conditions)) or 0)


@register_todos
def goods_todos(session: Session, principal: Principal) -> list[TodoItem]:
    """Goods of a recorded brand that wait for the seller's brand authorisation; an approved
    seller with no goods yet is asked to file them."""
    own = Product.organisation_id == principal.organisation_id
    if (
        principal.has_role(OrgRole.ECOMMERCE_ENTERPRISE)
        and not _count(session, own)
        and enterprise_service.is_approved(session, organisation_id=principal.organisation_id)
    ):
        return [
            TodoItem(
                N_("Your enterprise filing is approved: file your goods before declaring them."),
                "/goods",
            )
        ]
    waiting = _count(session, own, Product.status == IP_REVIEW)
    if not waiting:
        return []
    return [
        TodoItem(
            N_(
                "%(n)s filed goods carry a brand recorded with customs: upload the brand owner's authorisation before declaring them."
            ),
            "/goods",
            {"n": waiting},
        )
    ]


@register_search
def search_goods(session: Session, principal: Principal, query: str) -> list[SearchHit]:
    """The caller's filed goods by item number or HS code (whole or leading part), or name."""
    if not has_scope(principal, "goods:read"):
        return []
    lowered = like_text(query.lower())
    prefix = like_text(query) + "%"
    products = session.scalars(
        select(Product)
        .where(
            Product.organisation_id == principal.organisation_id,
            or_(
                Product.item_no == query,
                Product.item_no.like(prefix, escape=LIKE_ESCAPE),
                Product.hs_code.like(prefix, escape=LIKE_ESCAPE),
                func.lower(Product.name_zh).like(f"%{lowered}%", escape=LIKE_ESCAPE),
                func.lower(Product.name_en).like(f"%{lowered}%", escape=LIKE_ESCAPE),
            ),
        )
        .order_by(Product.item_no)
        .limit(SEARCH_LIMIT)
    ).all()
    return [
        SearchHit(
            N_("Filed goods"),
            f"{p.item_no} · {p.name_zh} · {p.name_en}",
            f"/goods#product-{p.id}",
            f"HS {p.hs_code} · {p.direction} {p.supervision_mode}",
        )
        for p in products
    ]


@register_panels
def goods_panels(session: Session, principal: Principal) -> list[Panel]:
    """Sellers: their goods; the zone and entitled regulators: goods by HS chapter."""
    panels: list[Panel] = []
    own = Product.organisation_id == principal.organisation_id
    filed = _count(session, own)
    if filed:
        panels.append(
            Panel(
                N_("Your filed goods"),
                (
                    Figure(N_("Goods filed"), str(filed), "/goods"),
                    Figure(
                        N_("Waiting for a brand authorisation"),
                        str(_count(session, own, Product.status == IP_REVIEW)),
                    ),
                ),
            )
        )
    if principal.is_zone_admin or regulator_may_read(principal, "goods.product"):
        chapter = func.substr(Product.hs_code, 1, 2)
        rows = session.execute(
            select(chapter, func.count())
            .group_by(chapter)
            .order_by(func.count().desc(), chapter)
            .limit(TOP_CHAPTERS)
        ).all()
        if rows:
            panels.append(
                Panel(
                    N_("Goods filed in the zone"),
                    (Figure(N_("Goods filed in the zone"), str(_count(session))),),
                    bar_chart(
                        N_("Goods filed by HS chapter (the ten largest)"),
                        [(f"HS {c}", int(n)) for c, n in rows],
                    ),
                )
            )
    return panels

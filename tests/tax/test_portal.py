"""The annual quota on the portal: buyers by share of the limit, for those entitled only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.identity.models import Department, OrgRole
from opencbec.kit.time import utcnow
from opencbec.tax import portal, service
from opencbec.tax.models import QuotaAccount
from tests.factories.identity import make_org, make_user, principal_of


def test_buckets_count_by_share_and_put_the_limit_and_over_last(session: Session) -> None:
    limit = service.ANNUAL_LIMIT
    used = [Decimal(0), limit * Decimal("0.2") - Decimal("0.01"), limit * Decimal("0.2")]
    used += [limit * Decimal("0.79"), limit * Decimal("0.8"), limit, limit * Decimal("1.5")]
    for n, amount in enumerate(used):
        session.add(QuotaAccount(buyer_hash=f"{n:064d}", year=2026, reserved=0, consumed=amount))
    session.add(QuotaAccount(buyer_hash="f" * 64, year=2025, reserved=0, consumed=limit))
    session.flush()
    shares = service.quota_shares(session, year=2026)
    assert shares.buckets == [
        ("0–20%", 2),
        ("20–40%", 1),
        ("40–60%", 0),
        ("60–80%", 1),
        ("80–100%", 1),
        ("≥100%", 2),
    ]
    assert (shares.buyers, shares.near, shares.at_limit) == (7, 3, 2)
    assert service.quota_shares(session, year=2024) == service.QuotaShares(
        0,
        0,
        0,
        [(label, 0) for label in ("0–20%", "20–40%", "40–60%", "60–80%", "80–100%")]
        + [("≥100%", 0)],
    )


@pytest.mark.parametrize(
    ("roles", "department", "sees"),
    [
        ((OrgRole.REGULATOR,), Department.TAX, True),
        ((OrgRole.REGULATOR,), Department.CUSTOMS, True),
        ((OrgRole.ZONE_ADMINISTRATION,), None, True),
        ((OrgRole.REGULATOR,), Department.COMMERCE, False),
        ((OrgRole.ECOMMERCE_ENTERPRISE,), None, False),
    ],
)
def test_quota_figures_for_the_zone_and_entitled_regulators(
    session: Session, roles: tuple[OrgRole, ...], department: Department | None, sees: bool
) -> None:
    viewer = principal_of(
        session, make_user(session, make_org(session, roles=roles, department=department))
    )
    year = service.quota_year(utcnow())
    for n, (reserved, consumed) in enumerate(
        [(Decimal(0), Decimal(1000)), (Decimal(21000), Decimal(0)), (Decimal(6000), Decimal(20000))]
    ):
        session.add(
            QuotaAccount(buyer_hash=f"{n:064d}", year=year, reserved=reserved, consumed=consumed)
        )
    session.add(QuotaAccount(buyer_hash="f" * 64, year=year - 1, reserved=0, consumed=26000))
    session.flush()
    panels = portal.quota_panels(session, viewer)
    assert bool(panels) is sees
    if sees:
        [panel] = panels
        assert [f.value for f in panel.figures] == ["3", "2", "1"]
        assert panel.chart is not None
        assert [b.value for b in panel.chart.bars] == [1, 0, 0, 0, 1, 1]


def test_no_buyers_no_panel(session: Session) -> None:
    tax = principal_of(
        session,
        make_user(
            session, make_org(session, roles=(OrgRole.REGULATOR,), department=Department.TAX)
        ),
    )
    assert portal.quota_panels(session, tax) == []

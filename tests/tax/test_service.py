"""The tax check hooked into the pre-flight: rates from the code tables, taxTotal compared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.demo import service as demo_service
from opencbec.identity import service as identity_service
from opencbec.identity.models import User
from opencbec.tax import service as tax_service


@pytest.fixture
def demo(session: Session, tmp_path: Path) -> None:
    demo_service.load(session, var_dir=tmp_path)
    session.flush()


def _platform(session: Session) -> object:
    user = session.scalar(select(User).where(User.username == "platform"))
    assert user is not None
    return identity_service.principal_for_user(session, user)


def test_rate_table_from_the_code_table(session: Session, demo: None) -> None:
    rates = tax_service.rate_table(session, on=dt.date.today())
    salmon = rates.rate_for("0302130000", dt.date.today())
    assert salmon is not None
    assert (salmon.vat, salmon.consumption, salmon.tariff) == (
        Decimal("0.09"),
        Decimal(0),
        Decimal("0.07"),
    )
    assert rates.rate_for("8426112000", dt.date.today()) is None


def test_demo_tax_totals_hold(session: Session, demo: None) -> None:
    assert tax_service.tax_total_check in clearance_service.preflight_checks()
    result = clearance_service.preflight(
        session, principal=_platform(session), order_no="MYMALL202611110002"
    )  # type: ignore[arg-type]
    assert [f.code for f in result.failures] == ["IMP_ENTERPRISE_NOT_APPROVED"]


def test_wrong_tax_total_and_missing_rate_are_found(session: Session, demo: None) -> None:
    order = session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == "order", ClearanceDocument.order_no == "MYMALL202611110002"
        )
    )
    assert order is not None
    order.content = {
        **order.content,
        "order_head": {**order.content["order_head"], "taxTotal": "1.00"},
    }
    session.flush()
    result = clearance_service.preflight(
        session, principal=_platform(session), order_no="MYMALL202611110002"
    )  # type: ignore[arg-type]
    codes = [f.code for f in result.failures]
    assert "TAX_TOTAL_MISMATCH" in codes
    mismatch = next(f for f in result.failures if f.code == "TAX_TOTAL_MISMATCH")
    assert mismatch.fields == ("CEB311/OrderHead/taxTotal",)
    assert "58.24" in mismatch.detail.en
    later = dt.date(2026, 12, 31)
    no_rates = "code,name_zh,vat,consumption,tariff\n1006300000,精米,9,0,65\n"
    from opencbec.audit.service import Actor
    from opencbec.goods import service as goods_service

    goods_service.apply_edition(
        session,
        actor=Actor(label="test"),
        table="tax_rate",
        content=no_rates.encode(),
        version="t",
        source="test",
        effective_from=later,
    )
    missing = clearance_service.preflight(
        session, principal=_platform(session), order_no="MYMALL202611110002", on=later
    )  # type: ignore[arg-type]
    assert "TAX_RATE_MISSING" in [f.code for f in missing.failures]

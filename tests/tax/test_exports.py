"""The tax bureau's work: released exports become refund candidates with their summary result;
import tax bills by month, due while generated, void ones left out."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.tax import service
from tests.factories.trade import export_parcel, summary_result_xml, tax_bill_xml, trading_seller


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def test_a_released_export_is_a_refund_candidate_once_its_summary_result_names_it(
    session: Session, seller: Principal
) -> None:
    summed = export_parcel(session, seller, "TAXEX1")
    waiting = export_parcel(session, seller, "TAXEX2", receipts=("120", "899"))
    export_parcel(session, seller, "TAXEX3", receipts=("120",))  # not released: not listed
    assert summed.invt_no
    assert waiting.invt_no
    clearance_service.ingest_message(
        session,
        principal=seller,
        data=summary_result_xml([summed.invt_no], entry_id="460020261000777777"),
    )
    refunds = {r.order_no: r for r in service.export_refunds(session)}
    assert set(refunds) == {"TAXEX1", "TAXEX2"}
    assert refunds["TAXEX1"].candidate
    assert refunds["TAXEX1"].declaration_no == "460020261000777777"
    assert (refunds["TAXEX1"].value, refunds["TAXEX1"].trade_mode) == (Decimal("340.00"), "9610")
    assert not refunds["TAXEX2"].candidate
    assert next(r.order_no for r in service.export_refunds(session)) == "TAXEX1"  # candidates first


def test_import_tax_bills_by_month_due_while_generated_void_left_out(
    session: Session, seller: Principal
) -> None:
    for status, vat, issued in (
        ("1", "10.50", "20261010100000000"),
        ("2", "20.00", "20261011100000000"),
        ("3", "99.00", "20261012100000000"),
        ("1", "5.25", "20260901100000000"),
    ):
        clearance_service.ingest_message(
            session, principal=seller, data=tax_bill_xml(status, vat, issued=issued)
        )
    months = service.import_tax_by_month(session)
    assert [m.month for m in months] == ["2026-10", "2026-09"]
    october = months[0]
    assert (october.bills, october.due, october.total, october.due_amount) == (
        2,
        1,
        Decimal("30.50"),
        Decimal("10.50"),
    )
    assert (months[1].due, months[1].value_added_tax) == (1, Decimal("5.25"))


def test_tax_records_are_for_the_zone_and_entitled_departments() -> None:
    def principal(role: OrgRole, department: Department | None) -> Principal:
        return Principal(1, "o", "单位", "Organisation", frozenset({role}), department, "u")

    assert service.sees_tax(principal(OrgRole.REGULATOR, Department.TAX))
    assert service.sees_tax(principal(OrgRole.ZONE_ADMINISTRATION, None))
    assert not service.sees_tax(principal(OrgRole.REGULATOR, Department.FOREIGN_EXCHANGE))
    assert not service.sees_tax(principal(OrgRole.ECOMMERCE_ENTERPRISE, None))

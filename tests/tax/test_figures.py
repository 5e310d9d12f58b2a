"""The tax bureau's home figures agree with the lists of the exports page, and its to-do and
panel read them once per request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.identity.models import Department, OrgRole
from opencbec.identity.rules import Principal
from opencbec.tax import portal, service
from tests.factories.identity import make_principal
from tests.factories.trade import export_parcel, summary_result_xml, tax_bill_xml, trading_seller


@pytest.fixture
def seller(session: Session) -> Principal:
    return trading_seller(session)


def _trade(session: Session, seller: Principal) -> None:
    summed = export_parcel(session, seller, "TAXFIG1")
    export_parcel(session, seller, "TAXFIG2", receipts=("120", "899"))  # released, no result
    export_parcel(session, seller, "TAXFIG3", receipts=("120",))  # not released
    assert summed.invt_no
    clearance_service.ingest_message(
        session, principal=seller, data=summary_result_xml([summed.invt_no])
    )
    for status, vat, issued in (
        ("1", "10.50", "20261010100000000"),
        ("3", "9", "20261011100000000"),
    ):
        clearance_service.ingest_message(
            session, principal=seller, data=tax_bill_xml(status, vat, issued=issued)
        )


def test_the_figures_agree_with_the_exports_page(session: Session, seller: Principal) -> None:
    _trade(session, seller)
    refunds = service.export_refunds(session)
    candidates = [r for r in refunds if r.candidate]
    figures = service.tax_figures(session)
    assert figures == service.TaxFigures(
        released_exports=len(refunds),
        candidates=len(candidates),
        candidate_value=sum((r.value for r in candidates), Decimal(0)),
        months=service.import_tax_by_month(session),
    )
    assert (figures.released_exports, figures.candidates) == (2, 1)
    assert figures.candidate_value == Decimal("340.00")
    assert [(m.month, m.bills, m.due) for m in figures.months] == [("2026-10", 1, 1)]


def test_the_tax_bureau_home_reads_the_figures_once(
    session: Session, seller: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    tax = make_principal(session, OrgRole.REGULATOR, department=Department.TAX)
    _trade(session, seller)
    reads: list[service.TaxFigures] = []
    read = service.tax_figures

    def counted(session: Session) -> service.TaxFigures:
        reads.append(read(session))
        return reads[-1]

    monkeypatch.setattr(service, "tax_figures", counted)
    todos = portal.tax_bureau_todos(session, tax)
    [panel] = portal.tax_panels(session, tax)
    assert len(reads) == 1
    assert [t.values for t in todos] == [
        {"n": 1, "amount": "340.00"},
        {"n": 1, "amount": "10.50"},
    ]
    assert [f.value for f in panel.figures] == ["2", "1", "10.50", "1"]

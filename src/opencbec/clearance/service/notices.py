"""What customs answers, told to the declarant as in-app notifications.

Registered with the clearance service itself (not with its pages), so receipts applied by the
customs link's own process (`opencbec link run`) or by the demo loader notify as the web app does.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.orm import Session

from opencbec.clearance.models import ClearanceDocument
from opencbec.clearance.service.documents import BY_NAME, register_document_hook
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_
from opencbec.notifications import service as notifications_service

INVENTORY_KINDS: Final = ("inventory", "export_inventory")
REJECTED: Final = "100"
_INVENTORY_NOTICES: Final = {
    "800": N_("Customs released %(no)s (%(message)s)."),
    "500": N_("Customs chose %(no)s (%(message)s) for inspection: book an inspection slot."),
}


def document_number(document: ClearanceDocument) -> str:
    """The number a person knows the document by: its order number, else its own key."""
    return document.order_no or document.business_key.rpartition("|")[2]


def fix_link(document: ClearanceDocument) -> str:
    """Where to fix a document: its order set's page for a set member, else its own page."""
    if document.order_no and BY_NAME[document.kind].set_member:
        return f"/clearance/orders/{document.order_no}"
    return f"/clearance/{document.id}"


@register_document_hook
def notify_customs_answer(
    session: Session, principal: Principal, document: ClearanceDocument, event: str
) -> None:
    """Tell the declarant when customs rejects a document, releases or inspects an inventory."""
    del principal
    status = event.removeprefix("status:")
    if status == event:  # "new" and "changed" are the declarant's own acts
        return
    values = {
        "no": document_number(document),
        "message": document.message_type.removesuffix("Message"),
        "reason": document.status_info or status,
    }
    if status == REJECTED:
        text = N_("Customs rejected %(no)s (%(message)s): %(reason)s")
        href = fix_link(document)
    elif document.kind in INVENTORY_KINDS and status in _INVENTORY_NOTICES:
        text = _INVENTORY_NOTICES[status]
        href = f"/clearance/{document.id}"
    else:
        return
    notifications_service.notify(
        session,
        organisation_id=document.organisation_id,
        event=f"clearance.{document.kind}.{status}",
        text=text,
        href=href,
        values=values,
    )

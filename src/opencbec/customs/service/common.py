"""What the link's use cases share: the audit actor and labels, the folder root, retry timing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.audit.service import Actor
from opencbec.customs.gateway import FolderExchange, Probe
from opencbec.customs.keys import platform_signer
from opencbec.customs.models import Exchange
from opencbec.kit.i18n import N_
from opencbec.messages.ceb import Signer
from opencbec.settings import Settings

audit_service.describe_actions(
    {
        "customs.message.queue": N_("Message queued for customs"),
        "customs.message.write": N_("Message written to the customs outbox"),
        "customs.message.fail": N_("Writing a message to the customs outbox failed"),
        "customs.message.retry": N_("Message sent to customs again"),
        "customs.receipt.apply": N_("Message from customs applied"),
        "customs.receipt.dead": N_("Message from customs set aside (dead letter)"),
    }
)

LINK_ACTOR: Final = Actor(label="customs-link")
MAX_ATTEMPTS: Final = 8
BACKOFF_BASE: Final = dt.timedelta(seconds=5)
BACKOFF_CAP: Final = dt.timedelta(hours=1)
# Messages customs issues on its own (not receipts of a document): a tax bill, a summary result.
ISSUED: Final = frozenset({"CEB816Message", "CEB792Message"})
FORMAT_RECEIPT: Final = "CEB900Message"


def exchange_root(settings: Settings) -> Path:
    """Return the folder exchange root: `<var_dir>/exchange`."""
    return settings.var_dir / "exchange"


def backoff(attempts: int) -> dt.timedelta:
    """Return the wait before the next try after `attempts` failed ones (5 s, 10 s, … 1 h)."""
    wait: dt.timedelta = BACKOFF_BASE * 2 ** max(0, attempts - 1)
    return min(BACKOFF_CAP, wait)


@dataclass(frozen=True, slots=True)
class Envelope:
    """How outgoing messages are signed and carried."""

    signer: Signer
    sender_id: str
    dxp: bool = False


def envelope(settings: Settings) -> Envelope:
    """Return how the platform signs and carries what it sends, from the settings."""
    return Envelope(
        signer=platform_signer(settings),
        sender_id=settings.dxp_sender_id,
        dxp=settings.dxp_envelope,
    )


def gateway_for(settings: Settings, probe: Probe | None = None) -> FolderExchange:
    """Return the folder exchange under `<var_dir>/exchange`."""
    return FolderExchange(exchange_root(settings), probe=probe)


def audit(
    session: Session,
    actor: Actor,
    action: str,
    exchange: Exchange,
    organisation_id: int | None,
    details: Mapping[str, Any],
) -> None:
    """Write the audit row of a step of one exchange record."""
    audit_service.record(
        session,
        actor=actor,
        action=action,
        object_type="customs.exchange",
        object_id=exchange.id,
        organisation_id=organisation_id,
        details=details,
    )

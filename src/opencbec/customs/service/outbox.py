"""Declaring a ready set to customs (signed, optionally in a DxpMsg), and writing the outbox."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument, DocumentReceipt
from opencbec.customs.gateway import CustomsGateway
from opencbec.customs.models import DEAD, FAILED, OUT, QUEUED, WRITTEN, Exchange
from opencbec.customs.service.common import LINK_ACTOR, MAX_ATTEMPTS, Envelope, audit, backoff
from opencbec.errors import Conflict, FieldError, NotFound
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages import ceb
from opencbec.messages.ceb.dxp import encode_dxp, wrap


def _party(head: Any, kind: clearance_service.Kind) -> tuple[str, str]:
    # The enterprise that transmits the document: its declaring agent when it has one, else the
    # first field of the document's key (ebpCode for orders, payCode for payments ...).
    for code_field in ("agentCode", kind.key[0]):
        code = getattr(head, code_field, None)
        if code:
            name = getattr(head, code_field.removesuffix("Code") + "Name", None)
            return str(code), str(name or code)
    return "", ""


def build_message(
    document: ClearanceDocument, envelope: Envelope, *, first_to_customs: bool = False
) -> tuple[str, str, bytes]:
    """Return (message type, message guid, signed bytes) of a stored document.

    `first_to_customs`: customs has never received this document, so it is declared as new
    (appType 1) even when the version stored here is a change (appType 2) of one that was
    corrected on the platform before it was ever declared; customs refuses a change of a
    document it does not know.
    """
    kind = clearance_service.BY_MESSAGE[document.message_type]
    record = clearance_service.document_model(document)
    message = ceb.skeleton(ceb.message_class(kind.message))
    guid = str(uuid.uuid4()).upper()
    message.guid = guid
    current = getattr(message, kind.items)
    setattr(message, kind.items, [record] if isinstance(current, list) else record)
    head = getattr(record, kind.head) if kind.head else record
    if first_to_customs and getattr(head, "appType", None) == "2":
        head.appType = "1"
    transfer = message.base_transfer
    transfer.copCode, transfer.copName = _party(head, kind)
    transfer.dxpMode, transfer.dxpId = "DXP", envelope.sender_id
    data = ceb.sign(ceb.encode(message), envelope.signer)
    if envelope.dxp:
        # CreatTime is China time, as the E-port writes it, on the platform's clock.
        created = utcnow().astimezone(CHINA_STANDARD_TIME).replace(tzinfo=None)
        wrapped = wrap(data, sender_id=envelope.sender_id, msg_type=kind.message, now=created)
        wrapped.cop_msg_id = guid
        wrapped.file_name = f"{kind.message}_{guid}.xml"
        data = encode_dxp(wrapped)
    return kind.message, guid, data


class SetNotReady(Conflict):
    """The set fails the pre-flight check: customs would refuse it."""


def declare_set(
    session: Session, *, principal: Principal, order_no: str, envelope: Envelope
) -> list[Exchange]:
    """Queue the documents of a ready set for customs, signed; documents already sent are skipped."""
    result = clearance_service.preflight(session, principal=principal, order_no=order_no)
    if not result.ready:
        missing = [k for k, d in result.documents.items() if d is None]
        raise SetNotReady(
            Bilingual(
                f"Order {order_no} is not ready to declare: {len(result.failures)} problem(s), "
                f"{len(missing)} document(s) missing.",
                f"订单 {order_no} 尚不能申报：{len(result.failures)} 个问题，缺少 {len(missing)} 份单证。",
            ),
            [
                FieldError(f.fields[0] if f.fields else "set", f.detail, f.code)
                for f in result.failures
            ]
            + [
                FieldError(k, Bilingual("not received yet", "尚未收到"), "missing") for k in missing
            ],
        )
    now = utcnow()
    queued: list[Exchange] = []
    for document in result.documents.values():
        assert document is not None
        exchange = _queue(session, principal, document, envelope, order_no, now)
        if exchange is not None:
            queued.append(exchange)
    if not queued:
        raise Conflict(
            Bilingual(
                f"Every document of order {order_no} has already been sent to customs.",
                f"订单 {order_no} 的单证均已发往海关。",
            ),
            [FieldError("order_no", Bilingual("already declared", "已申报"), "already_declared")],
        )
    return queued


def declared_versions(session: Session, document_ids: Sequence[int]) -> dict[int, set[int]]:
    """Return, for each of these documents, the versions queued or sent to customs (not dead)."""
    sent: dict[int, set[int]] = {}
    if not document_ids:
        return sent
    rows = session.execute(
        select(Exchange.document_id, Exchange.document_version).where(
            Exchange.direction == OUT,
            Exchange.document_id.in_(list(document_ids)),
            Exchange.state != DEAD,
        )
    )
    for document_id, version in rows:
        if document_id is not None and version is not None:
            sent.setdefault(document_id, set()).add(version)
    return sent


def customs_holds(session: Session, document_id: int, versions_sent: set[int]) -> bool:
    """Return whether customs holds some version of this document, so a new one is a change.

    Customs holds nothing of a document never sent, nor of one whose every submission was
    refused at the door (a negative status: a format or E-port processing error, spec §4.2); a
    correction of such a document is declared again as new (appType 1). A receipt of any other
    status means customs has it. A submission not yet answered is assumed received, as before:
    a change is what customs would accept if it was.
    """
    if not versions_sent:
        return False
    statuses = session.scalars(
        select(DocumentReceipt.status).where(DocumentReceipt.document_id == document_id)
    ).all()
    if any(not status.startswith("-") for status in statuses):
        return True
    return len(statuses) < len(versions_sent)


def _queue(
    session: Session,
    principal: Principal,
    document: ClearanceDocument,
    envelope: Envelope,
    order_no: str | None,
    now: dt.datetime,
) -> Exchange | None:
    # Sign and queue one document; None when its current version is already on its way.
    versions_sent = declared_versions(session, [document.id]).get(document.id, set())
    if document.version in versions_sent:
        return None
    message_type, guid, data = build_message(
        document, envelope, first_to_customs=not customs_holds(session, document.id, versions_sent)
    )
    exchange = Exchange(
        direction=OUT,
        message_type=message_type,
        message_guid=guid,
        file_name=f"{message_type}_{guid}.xml",
        organisation_id=document.organisation_id,
        document_id=document.id,
        document_version=document.version,
        order_no=order_no,
        state=QUEUED,
        attempts=0,
        next_attempt_at=now,
        content=data,
        created_at=now,
        updated_at=now,
    )
    session.add(exchange)
    session.flush()
    audit(
        session,
        principal.actor,
        "customs.message.queue",
        exchange,
        document.organisation_id,
        {"file_name": exchange.file_name, "document_id": document.id},
    )
    return exchange


def declare_document(
    session: Session, *, principal: Principal, document_id: int, envelope: Envelope
) -> Exchange:
    """Queue one document that stands on its own (a cancellation, a return, a summary application).

    The four documents of an order set go together through `declare_set`, after the pre-flight
    check; documents customs issues (tax bills, summary results) are never sent back.
    """
    document = clearance_service.get_document(session, principal=principal, document_id=document_id)
    kind = clearance_service.BY_MESSAGE[document.message_type]
    if kind.set_member or kind.issued_status:
        reason = (
            Bilingual("declare it with its order's set", "请随订单的整套单证一起申报")
            if kind.set_member
            else Bilingual("customs issues this document", "该单证由海关签发")
        )
        raise Conflict(
            Bilingual(
                f"{document.message_type} {document.business_key} is not sent on its own.",
                f"{document.message_type} {document.business_key} 不能单独发送。",
            ),
            [FieldError("document_id", reason, "not_standalone")],
        )
    exchange = _queue(session, principal, document, envelope, document.order_no, utcnow())
    if exchange is None:
        raise Conflict(
            Bilingual(
                f"{document.message_type} {document.business_key} has already been sent to customs.",
                f"{document.message_type} {document.business_key} 已发往海关。",
            ),
            [
                FieldError(
                    "document_id", Bilingual("already declared", "已申报"), "already_declared"
                )
            ],
        )
    return exchange


# --- the outbox ----------------------------------------------------------------------------


@dataclass(slots=True)
class FlushReport:
    """What one pass over the outbox queue did."""

    written: int = 0
    already: int = 0  # written before a crash, found in the folders: marked, not written again
    failed: int = 0
    dead: int = 0


@dataclass(frozen=True, slots=True)
class Due:
    """A queued message due to be written: what the file step needs, read before it."""

    exchange_id: int
    file_name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Sent:
    """What writing one due message did: written now, found written before, or failed."""

    exchange_id: int
    fresh: bool
    error: Exception | None = None


def due_outbox(session: Session, *, now: dt.datetime, limit: int = 500) -> list[Due]:
    """Return the queued (and failed) messages due to be written, oldest first; only reads."""
    rows = session.execute(
        select(Exchange.id, Exchange.file_name, Exchange.content)
        .where(
            Exchange.direction == OUT,
            Exchange.state.in_([QUEUED, FAILED]),
            Exchange.next_attempt_at <= now,
        )
        .order_by(Exchange.id)
        .limit(limit)
    )
    return [Due(exchange_id, name, bytes(content)) for exchange_id, name, content in rows]


def send_due(gateway: CustomsGateway, due: Sequence[Due]) -> list[Sent]:
    """Write each due message to the outbox (no database: the link holds no lock meanwhile)."""
    outcomes = gateway.send_many([(message.content, message.file_name) for message in due])
    return [
        Sent(message.exchange_id, False, outcome)
        if isinstance(outcome, Exception)
        else Sent(message.exchange_id, outcome)
        for message, outcome in zip(due, outcomes, strict=True)
    ]


def record_sent(session: Session, sent: Sequence[Sent], *, now: dt.datetime) -> FlushReport:
    """Record what `send_due` did: written, or failed with backoff (given up after the last try).

    A message no longer queued or failed (marked by another run meanwhile) is left as it is; a
    crash before this commit leaves the files in the outbox, and the next run finds them there.
    """
    report = FlushReport()
    by_id = {
        e.id: e
        for e in session.scalars(
            select(Exchange).where(
                Exchange.id.in_([s.exchange_id for s in sent]),
                Exchange.state.in_([QUEUED, FAILED]),
            )
        )
    }
    for outcome in sent:
        exchange = by_id.get(outcome.exchange_id)
        if exchange is None:
            continue
        exchange.attempts += 1
        exchange.updated_at = now
        if outcome.error is not None:
            _fail(session, exchange, outcome.error, now, report)
            continue
        exchange.state, exchange.done_at, exchange.next_attempt_at = WRITTEN, now, None
        exchange.last_error = exchange.last_error_zh = None
        if outcome.fresh:
            report.written += 1
        else:
            report.already += 1
        audit(
            session,
            LINK_ACTOR,
            "customs.message.write",
            exchange,
            exchange.organisation_id,
            {"file_name": exchange.file_name, "attempts": exchange.attempts},
        )
    session.flush()
    return report


def flush_outbox(
    session: Session, *, gateway: CustomsGateway, now: dt.datetime | None = None, limit: int = 500
) -> FlushReport:
    """Write due queued (and failed) messages to the outbox; a failure waits with backoff.

    All in the caller's transaction; the link's run (`jobs.link_once`) does the same in three
    steps so that no database lock is held while files are written and synced.
    """
    now = now or utcnow()
    return record_sent(
        session, send_due(gateway, due_outbox(session, now=now, limit=limit)), now=now
    )


def _fail(
    session: Session, exchange: Exchange, exc: Exception, now: dt.datetime, report: FlushReport
) -> None:
    give_up = exchange.attempts >= MAX_ATTEMPTS
    exchange.state = DEAD if give_up else FAILED
    exchange.next_attempt_at = None if give_up else now + backoff(exchange.attempts)
    exchange.last_error = f"writing to the outbox failed: {exc}"[:2000]
    exchange.last_error_zh = f"写入发件箱失败：{exc}"[:2000]
    if give_up:
        report.dead += 1
    else:
        report.failed += 1
    audit(
        session,
        LINK_ACTOR,
        "customs.message.fail",
        exchange,
        exchange.organisation_id,
        {"attempts": exchange.attempts, "error": exchange.last_error, "gave_up": give_up},
    )


def retry(session: Session, *, principal: Principal, exchange_id: int) -> Exchange:
    """Send a failed (or given-up) outgoing message again at the next run."""
    exchange = session.get(Exchange, exchange_id)
    if exchange is None or exchange.organisation_id != principal.organisation_id:
        raise NotFound()
    if exchange.direction != OUT or exchange.state not in (FAILED, DEAD):
        raise Conflict(
            Bilingual(
                "Only a message that could not be written can be retried.",
                "只有写入失败的报文可以重试。",
            ),
            [FieldError("state", Bilingual(exchange.state, exchange.state), "not_failed")],
        )
    now = utcnow()
    exchange.state, exchange.next_attempt_at, exchange.attempts = QUEUED, now, 0
    exchange.updated_at = now
    session.flush()
    audit(
        session,
        principal.actor,
        "customs.message.retry",
        exchange,
        exchange.organisation_id,
        {"file_name": exchange.file_name},
    )
    return exchange

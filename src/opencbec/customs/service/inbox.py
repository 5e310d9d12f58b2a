"""Reading the inbox: each receipt applied through clearance as its declarant, or set aside."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from opencbec.clearance import service as clearance_service
from opencbec.clearance.models import ClearanceDocument
from opencbec.customs.gateway import CustomsGateway, Probe
from opencbec.customs.models import APPLIED, DEAD, IN, OUT, Exchange
from opencbec.customs.service.common import FORMAT_RECEIPT, ISSUED, LINK_ACTOR, audit
from opencbec.errors import DomainError, NotFound
from opencbec.identity import service as identity_service
from opencbec.identity.models import Organisation
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import Bilingual
from opencbec.kit.time import utcnow
from opencbec.messages import ceb
from opencbec.messages.ceb.dxp import DXP_NS, decode_dxp

_Decoded = tuple[Any, dict[str, str], bytes]
"""A decoded incoming file: the CEB message, the extras the codec kept aside, the inner bytes."""


@dataclass(slots=True)
class PollReport:
    """What one pass over the inbox did; the files move only after the caller's commit."""

    applied: list[str] = field(default_factory=list)  # to archive/inbox
    dead: list[tuple[str, Bilingual]] = field(default_factory=list)  # to dead/ with the reason
    seen: int = 0


def unwrap(data: bytes) -> bytes:
    """Return the CEB message carried by a DxpMsg envelope, or `data` when it is a CEB message."""
    if DXP_NS.encode() in data[:2048]:
        return decode_dxp(data).data
    return data


class _Pass:
    """What one pass over the inbox reads once: the link's principal for each organisation, and
    the documents its receipts name (held here, so they stay in the session's identity map)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[int, Principal] = {}
        self.owners: dict[tuple[str, str], ClearanceDocument] = {}

    def principal(self, organisation_id: int) -> Principal:
        """Return the link's principal acting for the organisation."""
        principal = self.known.get(organisation_id)
        if principal is None:
            org = identity_service.get_organisation(self.session, organisation_id)
            if org is None:
                raise NotFound()
            principal = self._remember(org)
        return principal

    def _remember(self, org: Organisation) -> Principal:
        principal = identity_service.organisation_principal(org, label=LINK_ACTOR.label)
        self.known[org.id] = principal
        return principal

    def read_owners(self, messages: Iterable[Any]) -> None:
        """Read the documents the receipts among `messages` name, one query per kind, and the
        organisations holding them, in one query."""
        wanted: dict[str, set[str]] = {}
        for message in messages:
            kind = clearance_service.BY_RECEIPT.get(type(message).__name__)
            if kind is not None:
                wanted.setdefault(kind.name, set()).update(_receipt_keys(message, kind))
        for name, keys in wanted.items():
            for document in self.session.scalars(
                select(ClearanceDocument).where(
                    ClearanceDocument.kind == name, ClearanceDocument.business_key.in_(sorted(keys))
                )
            ):
                self.owners[(document.kind, document.business_key)] = document
        wanted_organisations = {d.organisation_id for d in self.owners.values()} - set(self.known)
        if wanted_organisations:
            for org in self.session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(sorted(wanted_organisations)))
                .options(selectinload(Organisation.roles))
            ):
                self._remember(org)

    def owner(self, message: Any) -> ClearanceDocument | None:
        """Return the first document a receipt message names (read now if not read before)."""
        kind = clearance_service.BY_RECEIPT[type(message).__name__]
        for key in _receipt_keys(message, kind):
            document = self.owners.get((kind.name, key)) or _document(self.session, kind.name, key)
            if document is not None:
                return document
        return None


def _document(session: Session, kind: str, key: str) -> ClearanceDocument | None:
    return session.scalar(
        select(ClearanceDocument).where(
            ClearanceDocument.kind == kind, ClearanceDocument.business_key == key
        )
    )


def _items(message: Any, attr: str) -> list[Any]:
    value = getattr(message, attr)
    return value if isinstance(value, list) else [value]


def _receipt_keys(message: Any, kind: Any) -> list[str]:
    # The business keys of the documents a receipt message answers, in its order.
    keys = []
    for item in _items(message, kind.receipt_items):
        receipt = getattr(item, kind.receipt_head) if kind.receipt_head else item
        keys.append("|".join(str(getattr(receipt, f, None) or "") for f in kind.key))
    return keys


def _issued_owner(
    session: Session, message: Any, extras: dict[str, str]
) -> tuple[int | None, str | None]:
    # The enterprise a document customs issued belongs to, and the order it concerns (if known).
    kind = clearance_service.BY_MESSAGE[type(message).__name__]
    for item in _items(message, kind.items):
        head = getattr(item, kind.head) if kind.head else item
        existing = _document(
            session, kind.name, "|".join(str(getattr(head, f) or "") for f in kind.key)
        )
        if existing is not None:
            return existing.organisation_id, existing.order_no
        if kind.name == "tax_bill" and head.invtNo:
            # The inventory customs gave this number to (with the receipt that assigned it).
            taxed = session.execute(
                select(ClearanceDocument.organisation_id, ClearanceDocument.order_no)
                .where(
                    ClearanceDocument.invt_no == head.invtNo,
                    ClearanceDocument.kind == "inventory",
                )
                .limit(1)
            ).first()
            if taxed is not None:
                return int(taxed[0]), taxed[1]
        if kind.name == "tax_bill":
            # A tax bill names the inventory's enterprise (and, in practice, its orderNo).
            order_no = next((v for p, v in extras.items() if p.endswith("orderNo")), None)
            stmt = select(ClearanceDocument.organisation_id).where(
                ClearanceDocument.kind == "inventory"
            )
            if order_no:
                stmt = stmt.where(ClearanceDocument.order_no == order_no)
            else:
                stmt = stmt.where(
                    ClearanceDocument.content["inventory_head"]["ebcCode"].as_string()
                    == (head.ebcCode or "")
                )
            found = session.scalar(stmt.order_by(ClearanceDocument.updated_at.desc()).limit(1))
        else:  # a summary result answers the summary application of its declaring agent
            found = session.scalar(
                select(ClearanceDocument.organisation_id)
                .where(
                    ClearanceDocument.kind == "summary_application",
                    ClearanceDocument.business_key.startswith(f"{head.agentCode or ''}|"),
                )
                .order_by(ClearanceDocument.updated_at.desc())
                .limit(1)
            )
        if found is not None:
            return int(found), None
    return None, None


class _DeadLetter(Exception):
    def __init__(self, reason: Bilingual) -> None:
        super().__init__(reason.en)
        self.reason = reason


def _decode(data: bytes) -> _Decoded:
    try:
        inner = unwrap(data)
        decoded = ceb.decode_report(inner)
    except ceb.CebError as exc:
        first = exc.issues[0] if exc.issues else None
        raise _DeadLetter(
            Bilingual(
                f"not a readable CEB message: {first.reason_en if first else exc}",
                f"不是可读的 CEB 报文：{first.reason_zh if first else exc}",
            )
        ) from None
    return decoded.message, decoded.extras, inner


def _format_receipt(session: Session, message: Any) -> tuple[Exchange, ClearanceDocument | None]:
    # CEB900 answers a message we sent: find it by the guid or the transport id it names.
    answer = message.message_return
    names = [n for n in (answer.guid, answer.oriCopMsgId) if n] if answer else []
    sent = session.scalar(
        select(Exchange).where(Exchange.direction == OUT, Exchange.message_guid.in_(names))
    )
    if sent is None or answer is None:
        raise _DeadLetter(
            Bilingual(
                "a format receipt (CEB900) for a message this platform did not send",
                "格式校验回执（CEB900）对应的报文并非本平台发出",
            )
        )
    document = session.get(ClearanceDocument, sent.document_id) if sent.document_id else None
    return sent, document


def _apply(
    session: Session, decoded: _Decoded | _DeadLetter, memory: _Pass
) -> tuple[str, str | None, int | None, ClearanceDocument | None, str | None]:
    # (message type, guid, owner organisation, the document it changed, the order it concerns)
    if isinstance(decoded, _DeadLetter):
        raise decoded
    message, extras, inner = decoded
    type_name = type(message).__name__
    guid = getattr(message, "guid", None)
    if type_name == FORMAT_RECEIPT:
        sent, document = _format_receipt(session, message)
        answer = message.message_return
        if document is not None:
            clearance_service.apply_receipt(
                session,
                principal=memory.principal(document.organisation_id),
                kind=document.kind,
                business_key=document.business_key,
                guid=str(guid or answer.guid),
                status=str(answer.returnStatus),
                return_time=str(answer.returnTime),
                info=answer.returnInfo,
            )
        sent.last_error = f"customs format check: {answer.returnInfo or answer.returnStatus}"[:2000]
        sent.last_error_zh = f"海关格式校验：{answer.returnInfo or answer.returnStatus}"[:2000]
        return type_name, guid, sent.organisation_id, document, sent.order_no
    order_no: str | None = None
    if type_name in clearance_service.BY_RECEIPT:
        owner = memory.owner(message)
        organisation_id = owner.organisation_id if owner else None
    elif type_name in ISSUED:
        owner = None
        organisation_id, order_no = _issued_owner(session, message, extras)
    else:
        raise _DeadLetter(
            Bilingual(
                f"{type_name} is not a message customs sends to the platform",
                f"{type_name} 不是海关发给平台的报文",
            )
        )
    if organisation_id is None:
        raise _DeadLetter(
            Bilingual(
                f"{type_name} names no document held by this platform",
                f"{type_name} 所指单证不在本平台",
            )
        )
    principal = memory.principal(organisation_id)
    try:
        with session.begin_nested():
            outcomes = clearance_service.ingest_message(session, principal=principal, data=inner)
    except DomainError as exc:
        details = "; ".join(f"{e.field}: {e.reason.en}" for e in exc.errors[:5])
        details_zh = "；".join(f"{e.field}：{e.reason.zh}" for e in exc.errors[:5])
        raise _DeadLetter(
            Bilingual(
                f"refused by clearance: {exc.message.en} {details}".strip(),
                f"通关服务拒收：{exc.message.zh}{details_zh}",
            )
        ) from None
    document_id = next((o.document_id for o in outcomes if o.document_id), None)
    document = session.get(ClearanceDocument, document_id) if document_id else owner
    if document is not None and document.order_no:
        order_no = document.order_no
    return type_name, guid, organisation_id, document, order_no


def stored_name(name: str) -> str:
    """Return a file name as the database keeps it: bytes that are not UTF-8 made visible."""
    raw = name.encode("utf-8", "surrogateescape")
    clean = raw.decode("utf-8", "backslashreplace")
    if clean == name:
        return name
    return f"{clean[:200]}~{hashlib.sha256(raw).hexdigest()[:16]}"


def _type_from_name(name: str) -> str:
    return name.split("_", 1)[0][:40] or "unknown"


def poll_inbox(
    session: Session, *, gateway: CustomsGateway, limit: int = 200, probe: Probe | None = None
) -> PollReport:
    """Apply waiting inbox files in name order; say which to archive and which to set aside.

    A file already recorded (the run before crashed between commit and move) is only moved.
    The pass's audit entries (the link's and clearance's) are written together when it commits.
    """
    report = PollReport()
    memory = _Pass(session)
    waiting = [(incoming, stored_name(incoming.name)) for incoming in gateway.receive(limit)]
    # Files recorded before (the run before crashed between its commit and the moves): one query.
    recorded = {
        e.file_name: e
        for e in session.scalars(
            select(Exchange).where(
                Exchange.direction == IN, Exchange.file_name.in_([s for _, s in waiting])
            )
        )
    }
    decoded: dict[str, _Decoded | _DeadLetter] = {}
    for incoming, stored in waiting:
        if incoming.data is not None and stored not in recorded:
            try:
                decoded[stored] = _decode(incoming.data)
            except _DeadLetter as dead:
                decoded[stored] = dead
    memory.read_owners(d[0] for d in decoded.values() if not isinstance(d, _DeadLetter))
    for incoming, stored in waiting:
        report.seen += 1
        known = recorded.get(stored)
        if known is not None:
            if known.state == APPLIED:
                report.applied.append(incoming.name)
            else:
                reason = Bilingual(known.last_error or "", known.last_error_zh or "")
                report.dead.append((incoming.name, reason))
            continue
        now = utcnow()
        exchange = Exchange(
            direction=IN,
            file_name=stored,
            message_type=_type_from_name(stored),
            state=APPLIED,
            attempts=1,
            content=incoming.data or b"",
            created_at=now,
            updated_at=now,
            done_at=now,
        )
        try:
            if incoming.data is None:
                raise _DeadLetter(incoming.problem or Bilingual("unreadable", "无法读取"))
            type_name, guid, organisation_id, document, order_no = _apply(
                session, decoded[stored], memory
            )
        except _DeadLetter as dead:
            exchange.state = DEAD
            exchange.last_error, exchange.last_error_zh = (
                dead.reason.en[:2000],
                dead.reason.zh[:2000],
            )
            session.add(exchange)
            session.flush()
            audit(
                session,
                LINK_ACTOR,
                "customs.receipt.dead",
                exchange,
                None,
                {"file_name": stored, "reason": dead.reason.en},
            )
            report.dead.append((incoming.name, dead.reason))
            continue
        exchange.message_type, exchange.message_guid = type_name, guid
        exchange.organisation_id, exchange.order_no = organisation_id, order_no
        if document is not None:
            exchange.document_id, exchange.document_version = document.id, document.version
        session.add(exchange)
        session.flush()
        audit(
            session,
            LINK_ACTOR,
            "customs.receipt.apply",
            exchange,
            organisation_id,
            {"file_name": stored, "document_id": exchange.document_id},
        )
        report.applied.append(incoming.name)
        if probe is not None:
            probe("inbox.applied")
    return report

"""Customs link use cases (海关通道): declare a ready set, write the outbox, apply the inbox.

Every step flushes and writes its audit row; the caller commits. Files move only after the
commit that recorded them (see `jobs.py`), so a crash anywhere loses nothing and applies nothing
twice: outbox writes are idempotent by file name, receipts by their guid and by file name.
Other code imports `from opencbec.customs import service as customs_service`.
"""

from opencbec.customs.service.common import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    LINK_ACTOR,
    MAX_ATTEMPTS,
    Envelope,
    backoff,
    envelope,
    exchange_root,
    gateway_for,
)
from opencbec.customs.service.inbox import PollReport, poll_inbox, stored_name, unwrap
from opencbec.customs.service.monitor import (
    StateCount,
    census,
    counts,
    document_exchange,
    get_exchange,
    list_exchanges,
    may_see_all,
    order_exchange,
)
from opencbec.customs.service.outbox import (
    Due,
    FlushReport,
    Sent,
    SetNotReady,
    build_message,
    customs_holds,
    declare_document,
    declare_set,
    declared_versions,
    due_outbox,
    flush_outbox,
    record_sent,
    retry,
    send_due,
)

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "LINK_ACTOR",
    "MAX_ATTEMPTS",
    "Due",
    "Envelope",
    "FlushReport",
    "PollReport",
    "Sent",
    "SetNotReady",
    "StateCount",
    "backoff",
    "build_message",
    "census",
    "counts",
    "customs_holds",
    "declare_document",
    "declare_set",
    "declared_versions",
    "document_exchange",
    "due_outbox",
    "envelope",
    "exchange_root",
    "flush_outbox",
    "gateway_for",
    "get_exchange",
    "list_exchanges",
    "may_see_all",
    "order_exchange",
    "poll_inbox",
    "record_sent",
    "retry",
    "send_due",
    "stored_name",
    "unwrap",
]

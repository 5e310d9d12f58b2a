"""Clearance use cases: declared documents and receipts; the pre-flight check.

Other domains import `from opencbec.clearance import service as clearance_service`.
"""

from opencbec.clearance.service.documents import (
    BY_MESSAGE,
    BY_NAME,
    BY_RECEIPT,
    KINDS,
    RESULT_LABELS,
    STATUS_LABELS,
    Kind,
    Outcome,
    apply_receipt,
    get_document,
    ingest_message,
    list_documents,
    return_time_of,
    status_label,
    timeline,
)
from opencbec.clearance.service.preflight import (
    REJECTED,
    DatabaseReference,
    ExtraFailure,
    Preflight,
    PreflightCheck,
    document_model,
    preflight,
    preflight_checks,
    register_preflight_check,
    restore,
)

__all__ = [
    "BY_MESSAGE",
    "BY_NAME",
    "BY_RECEIPT",
    "KINDS",
    "REJECTED",
    "RESULT_LABELS",
    "STATUS_LABELS",
    "DatabaseReference",
    "ExtraFailure",
    "Kind",
    "Outcome",
    "Preflight",
    "PreflightCheck",
    "apply_receipt",
    "document_model",
    "get_document",
    "ingest_message",
    "list_documents",
    "preflight",
    "preflight_checks",
    "register_preflight_check",
    "restore",
    "return_time_of",
    "status_label",
    "timeline",
]

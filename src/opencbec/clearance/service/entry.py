"""Manual and bulk entry (手工录入 / 批量导入) of import orders, payments, waybills and inventories.

Rows of a CSV or XLSX file, or one document typed into a web form, become CEB message models,
are checked with the codec's validator, and only when every row is right go through
`ingest_message`, the one storage path (idempotent, versioned, hooked, audited). Columns are the
CEB field names, taken from the field specs: nothing is mapped by hand field by field.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from opencbec.audit import service as audit_service
from opencbec.clearance.service.documents import Outcome, ingest_message
from opencbec.clearance.service.entry_columns import (
    CLOCK,
    Column,
    EntryKind,
    entry_kind,
    formula_like,
    record_spec,
)
from opencbec.errors import DomainError, FieldError, InvalidInput
from opencbec.identity.rules import Principal
from opencbec.kit.i18n import N_, Bilingual
from opencbec.kit.tables import TableError, read_table
from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages.ceb import CebIssue, encode, validate
from opencbec.messages.ceb.spec import Kind as FieldKind
from opencbec.messages.ceb.spec import spec_of

audit_service.describe_actions({"clearance.document.entry": N_("Documents entered")})

MAX_ENTRY_ROWS: Final = 10_000
DOCUMENTS_PER_MESSAGE: Final = 100  # spec §3.2: at most 100 business documents per message
MAX_REPORTED: Final = 200
FORM_LINES: Final = 5
# The enterprise that answers for each kind (spec §3.5); it is named as the transmitter.
_TRANSMITTER: Final[Mapping[str, tuple[str, str]]] = {
    "order": ("ebcCode", "ebcName"),
    "payment": ("payCode", "payName"),
    "waybill": ("logisticsCode", "logisticsName"),
    "inventory": ("agentCode", "agentName"),
}
_INT: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_GUID_NAMESPACE: Final = uuid.UUID("6f1b1c9e-3c1e-4f7a-9d55-0c6b8f3e2a41")


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault of an entry: the row (as numbered in the file or form) and column at fault."""

    row: int | None
    column: str | None
    reason: Bilingual
    code: str = "invalid"

    def as_table_error(self) -> FieldError:
        """Return the fault as a FieldError naming the file's row and column."""
        if self.row is None:
            return FieldError(self.column or "file", self.reason, self.code)
        column = self.column or "-"
        return FieldError(
            f"row {self.row}/{column}",
            Bilingual(
                f"row {self.row}, {column}: {self.reason.en}",
                f"第 {self.row} 行 {column}：{self.reason.zh}",
            ),
            self.code,
        )


@dataclass(frozen=True, slots=True)
class EntryReport:
    """What an entry stored: rows read, documents, messages sent to ingest, each outcome."""

    kind: str
    rows: int
    documents: int
    messages: int
    outcomes: list[Outcome]

    @property
    def results(self) -> dict[str, int]:
        """Return how many documents had each result (new, changed, duplicate)."""
        return dict(Counter(o.result for o in self.outcomes))


@dataclass
class _Row:
    number: int
    cells: dict[str, str]


@dataclass
class _Document:
    rows: list[_Row] = field(default_factory=list)


def _clean(entry: EntryKind, row: int, raw: Mapping[str, str], faults: list[Fault]) -> _Row:
    cells: dict[str, str] = {}
    for name, value in raw.items():
        text = value.strip()
        if not text:
            continue
        if name not in entry.by_name:
            faults.append(
                Fault(
                    row,
                    name or "-",
                    Bilingual("a value in a column without a name", "无列名的列中有值"),
                    "unknown_column",
                )
            )
        elif formula_like(text):
            faults.append(
                Fault(
                    row,
                    name,
                    Bilingual(
                        f"{text[:20]!r} starts like a spreadsheet formula; remove the leading "
                        "character",
                        f"{text[:20]!r} 以电子表格公式字符开头，请删除开头的字符",
                    ),
                    "formula",
                )
            )
        else:
            cells[name] = text
    return _Row(row, cells)


def _convert(column: Column, text: str) -> Any:
    kind = column.spec.kind
    if kind is FieldKind.STR:
        return text
    lexical = _INT if kind is FieldKind.INT else _DECIMAL
    if not lexical.fullmatch(text):
        raise ValueError(text)
    return int(text) if kind is FieldKind.INT else Decimal(text)


def _number_fault(row: int, column: Column, text: str) -> Fault:
    if column.spec.kind is FieldKind.INT:
        en, zh = "a whole number such as 1", "整数，如 1"
    else:
        en, zh = "a decimal number such as 12.50", "数值，如 12.50"
    return Fault(
        row,
        column.name,
        Bilingual(f"{text[:30]!r} is not {en}", f"{text[:30]!r} 不是{zh}"),
        "not_a_number",
    )


def _group(entry: EntryKind, rows: list[_Row], faults: list[Fault]) -> list[_Document]:
    """Group rows into documents by the business key; a flat kind has one row per document."""
    documents: dict[tuple[str, ...], _Document] = {}
    for row in rows:
        key = tuple(row.cells.get(name, "") for name in entry.kind.key)
        blank = [name for name, value in zip(entry.kind.key, key, strict=True) if not value]
        if blank:
            # Checked on its own, so its other faults are named too; the validator reports a
            # required key field, and copNo (optional in the XSD) is reported here.
            reported = {(f.row, f.column) for f in faults}
            faults.extend(
                Fault(
                    row.number,
                    name,
                    Bilingual(
                        "is required: it tells the documents apart", "必填：用于区分各个单证"
                    ),
                    "required",
                )
                for name in blank
                if not entry.by_name[name].spec.min_occurs and (row.number, name) not in reported
            )
            documents[(*key, f"row {row.number}")] = _Document([row])
            continue
        document = documents.get(key)
        if document is None:
            documents[key] = _Document([row])
        elif entry.lines is None:
            faults.append(
                Fault(
                    row.number,
                    entry.kind.key[-1],
                    Bilingual(
                        f"repeats the document of row {document.rows[0].number}",
                        f"与第 {document.rows[0].number} 行的单证重复",
                    ),
                    "duplicate",
                )
            )
        else:
            _same_head(entry, document.rows[0], row, faults)
            document.rows.append(row)
    return list(documents.values())


def _same_head(entry: EntryKind, first: _Row, row: _Row, faults: list[Fault]) -> None:
    # Head fields are repeated on each goods line; a blank cell takes the first row's value.
    for column in entry.head_columns:
        value = row.cells.get(column.name)
        if value is not None and value != first.cells.get(column.name, ""):
            faults.append(
                Fault(
                    row.number,
                    column.name,
                    Bilingual(
                        f"differs from row {first.number} of the same document",
                        f"与同一单证第 {first.number} 行的值不同",
                    ),
                    "head_differs",
                )
            )


def _values(
    columns: Iterable[Column], cells: Mapping[str, str], row: int, faults: list[Fault]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in columns:
        text = cells.get(column.name) or column.default
        if text is None:
            continue
        try:
            values[column.spec.attr] = _convert(column, text)
        except ValueError:
            faults.append(_number_fault(row, column, text))
    return values


def _guid(principal: Principal, entry: EntryKind, document: _Document) -> str:
    """Return a guid derived from what was entered, so the same entry sent again is a duplicate."""
    head = {c.name: document.rows[0].cells.get(c.name, "") for c in entry.head_columns}
    lines = [{c.name: r.cells.get(c.name, "") for c in entry.line_columns} for r in document.rows]
    seed = json.dumps(
        [principal.organisation_id, entry.name, head, lines], ensure_ascii=False, sort_keys=True
    )
    return str(uuid.uuid5(_GUID_NAMESPACE, seed)).upper()


def _model(
    principal: Principal, entry: EntryKind, document: _Document, clock: Mapping[str, str]
) -> tuple[Any, list[Fault]]:
    faults: list[Fault] = []
    first = document.rows[0]
    head_values = _values(entry.head_columns, first.cells, first.number, faults)
    for column in entry.head_columns:
        name = column.spec.name
        if column.spec.attr in head_values:
            continue
        if name == "guid":
            head_values[column.spec.attr] = _guid(principal, entry, document)
        elif name in clock:
            head_values[column.spec.attr] = clock[name]
    kind = entry.kind
    assert kind.head is not None
    parts: dict[str, Any] = {kind.head: entry.head.cls(**head_values)}
    if entry.lines is not None:
        parts[entry.lines_attr] = [
            entry.lines.cls(**_values(entry.line_columns, r.cells, r.number, faults))
            for r in document.rows
        ]
    return entry.document.cls(**parts), faults


def _message(principal: Principal, entry: EntryKind, documents: Sequence[Any]) -> Any:
    message_spec = spec_of(entry.message)
    transfer = record_spec(message_spec, "base_transfer")
    code_field, name_field = _TRANSMITTER[entry.name]
    head = getattr(documents[0], entry.kind.head or "")
    # Not stored (ingest keeps the documents): the customs link stamps its own client when sending.
    code = (getattr(head, code_field) or principal.organisation_code)[:18]
    name = (getattr(head, name_field) or principal.organisation_name_zh)[:100]
    return entry.message(
        guid=str(uuid.uuid4()).upper(),
        version="1.0",
        base_transfer=transfer.cls(copCode=code, copName=name, dxpMode="DXP", dxpId=code),
        **{entry.kind.items: list(documents)},
    )


_STEP: Final = re.compile(r"(\w+)(?:\[(\d+)\])?")


def _locate(entry: EntryKind, batch: Sequence[_Document], found: CebIssue) -> Fault:
    """Return the row and column of a validator finding about a batch message."""
    reason = Bilingual(found.reason_en, found.reason_zh)
    steps = [_STEP.fullmatch(part) for part in found.path.split("/")]
    if len(steps) >= 2 and all(steps) and steps[0] and steps[0][1] == entry.document.name:
        document = batch[int(steps[0][2] or 1) - 1]
        record = steps[1]
        assert record is not None
        leaf = steps[2][1] if len(steps) > 2 and steps[2] else None
        if record[1] == entry.head.name and leaf:
            return Fault(document.rows[0].number, leaf, reason, found.code)
        if entry.lines is not None and record[1] == entry.lines.name:
            if record[2] and leaf:
                row = document.rows[int(record[2]) - 1]
                by_field = {c.spec.name: c.name for c in entry.line_columns}
                return Fault(row.number, by_field.get(leaf, leaf), reason, found.code)
            return Fault(
                document.rows[0].number, "gnum", reason, found.code
            )  # too many or too few goods lines
    return Fault(None, found.path, reason, found.code)


def _declare(
    session: Session,
    *,
    principal: Principal,
    entry: EntryKind,
    rows: Sequence[_Row],
    faults: list[Fault],
) -> tuple[EntryReport | None, list[Fault]]:
    documents = _group(entry, list(rows), faults)
    clock_now = utcnow().astimezone(CHINA_STANDARD_TIME)
    clock = {name: clock_now.strftime(fmt) for name, fmt in CLOCK.items()}
    messages: list[bytes] = []
    for start in range(0, len(documents), DOCUMENTS_PER_MESSAGE):
        batch = documents[start : start + DOCUMENTS_PER_MESSAGE]
        models = []
        for document in batch:
            model, model_faults = _model(principal, entry, document, clock)
            faults.extend(model_faults)
            models.append(model)
        # A cell already reported (a wrong number, a formula) would be reported again as missing.
        known = {(f.row, f.column) for f in faults}
        message = _message(principal, entry, models)
        # Unsigned entries are accepted: the platform signs what it sends (as ingest does).
        located = [
            _locate(entry, batch, i)
            for i in validate(message)
            if not (i.path == "Signature" and i.code == "required")
        ]
        faults.extend(f for f in located if (f.row, f.column) not in known)
        if not faults:
            messages.append(encode(message))
    if faults:
        return None, faults
    outcomes: list[Outcome] = []
    try:
        with session.begin_nested():
            for data in messages:
                outcomes.extend(ingest_message(session, principal=principal, data=data))
    except DomainError as exc:
        # The savepoint is gone: say so, keeping the error's kind, code and fields.
        exc.message = Bilingual(
            f"{exc.message.en} Nothing from this entry was stored.",
            f"{exc.message.zh}本次录入未保存任何内容。",
        )
        exc.args = (exc.message.en,)
        raise
    report = EntryReport(entry.name, len(rows), len(documents), len(messages), outcomes)
    return report, faults


def _audit(
    session: Session, principal: Principal, report: EntryReport, source: str, digest: str
) -> None:
    audit_service.record(
        session,
        actor=principal.actor,
        action="clearance.document.entry",
        object_type=f"clearance.{report.kind}",
        object_id=digest[:16],
        organisation_id=principal.organisation_id,
        details={
            "source": source,
            "rows": report.rows,
            "documents": report.documents,
            "messages": report.messages,
            "results": report.results,
            "sha256": digest,
        },
    )


def _refuse(faults: Sequence[Fault], rows: int) -> InvalidInput:
    bad_rows = len({f.row for f in faults if f.row is not None})
    errors = [f.as_table_error() for f in faults[:MAX_REPORTED]]
    if not bad_rows:
        return InvalidInput(
            errors,
            Bilingual(
                f"The file has {len(faults)} fault(s); nothing was stored.",
                f"文件有 {len(faults)} 处错误，未保存任何内容。",
            ),
        )
    return InvalidInput(
        errors,
        Bilingual(
            f"The file has {len(faults)} fault(s) in {bad_rows} of {rows} row(s); nothing was "
            "stored.",
            f"文件 {rows} 行中有 {bad_rows} 行共 {len(faults)} 处错误，未保存任何内容。",
        ),
    )


def _header_faults(entry: EntryKind, header: Sequence[str]) -> list[Fault]:
    faults: list[Fault] = []
    known = entry.by_name
    folded = {name.casefold(): name for name in known}
    for name, count in Counter(header).items():
        if name and count > 1:
            faults.append(
                Fault(
                    None,
                    "header",
                    Bilingual(
                        f"column {name!r} appears {count} times", f"列 {name!r} 出现 {count} 次"
                    ),
                    "duplicate_column",
                )
            )
    unknown = [h for h in dict.fromkeys(header) if h and h not in known]
    for name in unknown:
        hint = folded.get(name.casefold())
        faults.append(
            Fault(
                None,
                "header",
                Bilingual(
                    f"unknown column {name!r}" + (f" (did you mean {hint!r}?)" if hint else ""),
                    f"未知列 {name!r}" + (f"（是否应为 {hint!r}？）" if hint else ""),
                ),
                "unknown_column",
            )
        )
    needed = [c for c in entry.columns if c.required or c.name in entry.kind.key]
    missing = [c.name for c in needed if c.name not in header]
    if missing:
        faults.append(
            Fault(
                None,
                "header",
                Bilingual(
                    f"required columns missing: {', '.join(missing)}",
                    f"缺少必填列：{', '.join(missing)}",
                ),
                "missing_column",
            )
        )
    return faults


def enter_table(
    session: Session, *, principal: Principal, kind: str, content: bytes
) -> EntryReport:
    """Declare the documents of a CSV or XLSX table: all of them, or none with each fault named.

    Orders and inventories take one row per goods line (head fields repeated), payments and
    waybills one row per document. At most `MAX_ENTRY_ROWS` rows; sent in messages of at most
    100 documents.
    """
    entry = entry_kind(kind)
    try:
        table = read_table(content)
        header_faults = _header_faults(entry, table.header)
        if header_faults:
            raise _refuse(header_faults, 0)
        raw: list[tuple[int, dict[str, str]]] = []
        for number, record in table.rows:
            if len(raw) == MAX_ENTRY_ROWS:
                raise TableError(
                    Bilingual(
                        f"more than {MAX_ENTRY_ROWS} rows; split the file",
                        f"超过 {MAX_ENTRY_ROWS} 行，请拆分文件",
                    )
                )
            raw.append((number, record))
    except (TableError, csv.Error) as exc:
        # read_table lets the csv module's own errors (a cell over its size limit) through.
        reason = (
            exc.reason
            if isinstance(exc, TableError)
            else Bilingual(f"not a readable CSV file ({exc})", f"不是可读取的 CSV 文件（{exc}）")
        )
        raise InvalidInput(
            [FieldError("file", reason, "file")],
            Bilingual(
                f"The file cannot be read: {reason.en}; nothing was stored.",
                f"无法读取文件：{reason.zh}；未保存任何内容。",
            ),
        ) from None
    if not raw:
        raise _refuse([Fault(None, "file", Bilingual("the file has no rows", "文件没有数据行"))], 0)
    faults: list[Fault] = []
    rows = [_clean(entry, number, record, faults) for number, record in raw]
    report, faults = _declare(session, principal=principal, entry=entry, rows=rows, faults=faults)
    if report is None:
        raise _refuse(faults, len(rows))
    source = "xlsx" if content.startswith(b"PK\x03\x04") else "csv"
    _audit(session, principal, report, source, hashlib.sha256(content).hexdigest())
    return report


def enter_form(
    session: Session,
    *,
    principal: Principal,
    kind: str,
    head: Mapping[str, str],
    lines: Sequence[Mapping[str, str]] = (),
) -> EntryReport:
    """Declare one document typed into the web form.

    Faults name the form's fields: a head field by its name, a goods line as `lines[n].field`
    (n counted from 1 over the form's line rows, blank rows included).
    """
    entry = entry_kind(kind)
    head_names = {c.name for c in entry.head_columns}
    line_names = {c.name for c in entry.line_columns}
    head_cells = {k: v for k, v in head.items() if k in head_names}
    numbered: list[tuple[int, dict[str, str]]] = []
    if entry.lines is None:
        numbered.append((1, head_cells))
    else:
        for n, line in enumerate(lines, 1):
            cells = {k: v for k, v in line.items() if k in line_names}
            if any(v.strip() for v in cells.values()):
                numbered.append((n, {**head_cells, **cells}))
    faults: list[Fault] = []
    if entry.lines is not None and not numbered:
        faults.append(
            Fault(1, "gnum", Bilingual("enter at least one goods line", "请至少填写一行商品"))
        )
    rows = [_clean(entry, n, cells, faults) for n, cells in numbered]
    report, faults = _declare(session, principal=principal, entry=entry, rows=rows, faults=faults)
    if report is None:
        raise InvalidInput(
            _form_errors(entry, faults),
            Bilingual(
                f"The form has {len(faults)} fault(s); nothing was stored.",
                f"表单有 {len(faults)} 处错误，未保存任何内容。",
            ),
        )
    digest = hashlib.sha256(
        json.dumps([head_cells, [c for _, c in numbered]], sort_keys=True).encode()
    ).hexdigest()
    _audit(session, principal, report, "form", digest)
    return report


def _form_errors(entry: EntryKind, faults: Sequence[Fault]) -> list[FieldError]:
    errors: list[FieldError] = []
    line_names = {c.name for c in entry.line_columns}
    for fault in faults:
        if fault.row is not None and fault.column in line_names:
            name = f"lines[{fault.row}].{fault.column}"
        else:
            name = fault.column or "form"
        errors.append(FieldError(name, fault.reason, fault.code))
    return errors

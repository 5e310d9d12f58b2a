"""The columns of entry tables and forms (录入模板), taken from the CEB field specs, and the
CSV templates with their example rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from opencbec.clearance.service.documents import BY_NAME, Kind
from opencbec.errors import NotFound
from opencbec.kit.i18n import N_, Bilingual
from opencbec.messages.ceb import message_class
from opencbec.messages.ceb.spec import FieldSpec, RecordSpec, spec_of
from opencbec.messages.ceb.spec import Kind as FieldKind

# Import values fixed by the rules, or set by the platform, when a cell is left out or blank.
_DEFAULTS: Final[Mapping[str, str]] = {
    "appType": "1",
    "appStatus": "2",
    "orderType": "I",
    "ieFlag": "I",
    "buyerIdType": "1",
    "payerIdType": "1",
    "packNo": "1",
}
CLOCK: Final[Mapping[str, str]] = {"appTime": "%Y%m%d%H%M%S", "declTime": "%Y%m%d"}
# Accepted as columns, left out of templates and forms: set by the platform, customs or the rules.
_NOT_OFFERED: Final = frozenset(
    {"guid", "appTime", "orderType", "ieFlag", "buyerIdType", "payerIdType", "packNo"}
    | {"declTime", "preNo", "invtNo"}
)
# A sign followed only by digits, spaces, dots, dashes or brackets is a number or a phone number.
_SIGNED: Final = re.compile(r"[+-][0-9 ().\-]*")

KIND_TITLES: Final[Mapping[str, str]] = {
    "order": N_("Import order (CEB311)"),
    "payment": N_("Payment (CEB411)"),
    "waybill": N_("Waybill (CEB511)"),
    "inventory": N_("Inventory list (CEB621)"),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an entry table (a CEB field): head fields by name, goods-line fields too,
    qualified by their record (`OrderList.note`) where a head field has the same name."""

    name: str
    spec: FieldSpec
    line: bool

    @property
    def default(self) -> str | None:
        """Return the value used when the cell is blank, if the field has one."""
        return self.spec.fixed or _DEFAULTS.get(self.spec.name)

    @property
    def required(self) -> bool:
        """True when the column must be present and filled."""
        name = self.spec.name
        generated = name == "guid" or name in CLOCK
        return self.spec.min_occurs > 0 and self.default is None and not generated

    @property
    def offered(self) -> bool:
        """True when templates and forms show the column."""
        return self.spec.name not in _NOT_OFFERED and self.spec.fixed is None

    @property
    def size(self) -> int | None:
        """Return the most characters the field holds (None for numbers)."""
        return self.spec.length or self.spec.max_length

    @property
    def format(self) -> str:
        """Return the field's format as the spec writes it: C36, C..60, N19,5, integer."""
        fs = self.spec
        if fs.kind is FieldKind.INT:
            return "integer"
        if fs.kind is FieldKind.DEC:
            return f"N{fs.total_digits},{fs.fraction_digits}"
        return f"C{fs.length}" if fs.length else f"C..{fs.max_length}"


@dataclass(frozen=True, slots=True)
class EntryKind:
    """A kind of document that can be entered: its message model and its columns."""

    name: str
    kind: Kind
    message: type
    document: RecordSpec
    head: RecordSpec
    lines: RecordSpec | None
    lines_attr: str
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        """Return the kind's readable name (a message id)."""
        return KIND_TITLES[self.name]

    @property
    def head_columns(self) -> tuple[Column, ...]:
        """Return the head columns."""
        return tuple(c for c in self.columns if not c.line)

    @property
    def line_columns(self) -> tuple[Column, ...]:
        """Return the goods-line columns (none for payments and waybills)."""
        return tuple(c for c in self.columns if c.line)

    @property
    def by_name(self) -> dict[str, Column]:
        """Return the columns by name."""
        return {c.name: c for c in self.columns}


def _leaves(spec: RecordSpec) -> list[FieldSpec]:
    leaf_kinds = (FieldKind.STR, FieldKind.DEC, FieldKind.INT)
    return [fs for fs in spec.fields if fs.kind in leaf_kinds and not fs.attribute]


def record_spec(spec: RecordSpec, attr: str) -> RecordSpec:
    found = next(fs for fs in spec.fields if fs.attr == attr)
    assert found.record is not None
    return spec_of(found.record)


def _entry_kind(name: str) -> EntryKind:
    kind = BY_NAME[name]
    message = message_class(kind.message)
    document = record_spec(spec_of(message), kind.items)
    assert kind.head is not None
    head = record_spec(document, kind.head)
    repeated = [fs for fs in document.fields if fs.kind is FieldKind.RECORD and fs.repeated]
    lines = spec_of(repeated[0].record) if repeated and repeated[0].record else None
    columns = [Column(fs.name, fs, False) for fs in _leaves(head)]
    if lines is not None:
        taken = {fs.name for fs in _leaves(head)}
        columns += [
            Column(f"{lines.name}.{fs.name}" if fs.name in taken else fs.name, fs, True)
            for fs in _leaves(lines)
        ]
    return EntryKind(
        name,
        kind,
        message,
        document,
        head,
        lines,
        repeated[0].attr if repeated else "",
        tuple(columns),
    )


ENTRY_KINDS: Final[Mapping[str, EntryKind]] = {
    name: _entry_kind(name) for name in ("order", "payment", "waybill", "inventory")
}


def entry_kind(name: str) -> EntryKind:
    """Return the entry kind `name` (order, payment, waybill, inventory)."""
    found = ENTRY_KINDS.get(name)
    if found is None:
        raise NotFound(
            Bilingual(
                f"{name!r} cannot be entered here (known: {', '.join(ENTRY_KINDS)}).",
                f"不能在此录入 {name!r}（可录入：{', '.join(ENTRY_KINDS)}）。",
            )
        )
    return found


def formula_like(text: str) -> bool:
    """Return whether a spreadsheet would run `text` as a formula (CSV injection)."""
    # A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection).
    return text[0] in "=@\t\r" or (text[0] in "+-" and not _SIGNED.fullmatch(text))


# Example row of each template: realistic values that pass the validator.
_EXAMPLE: Final[Mapping[str, str]] = {
    "appType": "1",
    "appStatus": "2",
    "orderNo": "EX20261127001",
    "ebpCode": "4601960ABC",
    "ebpName": "示例跨境电商平台",
    "ebcCode": "4601960DEF",
    "ebcName": "示例电商企业",
    "goodsValue": "100.00",
    "freight": "0",
    "discount": "0",
    "taxTotal": "9.10",
    "acturalPaid": "109.10",
    "buyerRegNo": "buyer001",
    "buyerName": "张三",
    "buyerTelephone": "13800000000",
    "buyerIdNumber": "11010519491231002X",
    "payCode": "4601960PAY",
    "payName": "示例支付企业",
    "payTransactionId": "PAY20261127001",
    "consignee": "张三",
    "consigneeTelephone": "13800000000",
    "consigneeAddress": "海南省海口市龙华区示例路1号",
    "consigneeDistrict": "460106",
    "gnum": "1",
    "itemNo": "SKU001",
    "itemName": "示例商品",
    "gmodel": "品名：示例商品；规格：500g/袋",
    "barCode": "6901234567892",
    "unit": "011",
    "qty": "1",
    "price": "100.00",
    "totalPrice": "100.00",
    "country": "116",
    "payerIdNumber": "11010519491231002X",
    "payerName": "张三",
    "telephone": "13800000000",
    "amountPaid": "109.10",
    "payTime": "20261127120000",
    "logisticsCode": "4601960LOG",
    "logisticsName": "示例物流企业",
    "logisticsNo": "SF1234567890",
    "insuredFee": "0",
    "weight": "0.6",
    "goodsInfo": "示例商品 1件",
    "copNo": "COP20261127001",
    "assureCode": "4601960DEF",
    "customsCode": "6409",
    "portCode": "6409",
    "agentCode": "4601960DEF",
    "agentName": "示例电商企业",
    "tradeMode": "9610",
    "trafMode": "5",
    "trafNo": "CA1234",
    "voyageNo": "CA1234",
    "billNo": "999-12345678",
    "grossWeight": "0.6",
    "netWeight": "0.5",
    "InventoryList.country": "116",
    "tradeCountry": "116",
    "gcode": "2106909090",
    "gname": "示例商品",
    "qty1": "0.5",
    "unit1": "035",
}


def safe_cell(text: str) -> str:
    """Return `text` so that a spreadsheet shows it instead of running it as a formula."""
    return "'" + text if text and formula_like(text) else text


def template_columns(kind: str) -> tuple[Column, ...]:
    """Return the columns a template and a form offer for `kind`."""
    return tuple(c for c in entry_kind(kind).columns if c.offered)


def template_csv(kind: str) -> bytes:
    """Return the CSV template of `kind`: a header row and one example row (UTF-8 with BOM)."""
    columns = template_columns(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c.name) for c in columns])
    writer.writerow([safe_cell(_EXAMPLE.get(c.name, "")) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode()

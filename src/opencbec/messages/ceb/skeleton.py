"""Build a valid skeleton of any CEB message: every required field filled with a placeholder."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, Final

from opencbec.messages.ceb.spec import FieldSpec, Kind, RecordSpec, spec_of

# Placeholders that satisfy both the XSD facets and our code-table rules.
_VALUES: Final[dict[str, str]] = {
    "appType": "1",
    "appStatus": "2",
    "buyerIdType": "1",
    "payerIdType": "1",
    "buyerIdNumber": "11010519491231002X",
    "payerIdNumber": "11010519491231002X",
    "dxpMode": "DXP",
    "statisticsFlag": "A",
    "fFlag": "1",
    "iFlag": "1",
    "summaryFlag": "1",
    "itemNameFlag": "1",
    "logisticsStatus": "S",
    "currency": "142",
    "country": "142",
    "originCountry": "142",
    "unit": "035",
    "unit1": "035",
    "unit2": "035",
    "customsCode": "2244",
    "portCode": "2244",
    "iePort": "2244",
    "tradeMode": "9610",
    "returnStatus": "2",
    "version": "1.0",
}
_RECORD_VALUES: Final[dict[tuple[str, str], str]] = {
    ("BaseSubscribe", "status"): "ALL",
    ("TaxHeadRd", "status"): "1",
    ("TaxHeadStatus", "status"): "1",
}
_TIMES: Final = {8: "20240101", 14: "20240101120000", 17: "20240101120000000"}


def _string(fs: FieldSpec, record: str, direction: str) -> str:
    special = {
        "guid": str(uuid.uuid4()).upper(),
        "orderType": "I" if direction == "import" else "E",
        "ieFlag": "I" if direction == "import" else "E",
    }
    chosen = (
        fs.fixed
        or _RECORD_VALUES.get((record, fs.name))
        or special.get(fs.name)
        or _VALUES.get(fs.name)
    )
    if chosen is not None:
        return chosen
    if fs.name.endswith(("Time", "Date")) and fs.length in _TIMES:
        return _TIMES[fs.length]
    size = fs.length or max(fs.min_length or 0, 1)
    if fs.max_length is not None:
        size = min(size, fs.max_length)
    return "X" * size


def _fill(spec: RecordSpec, direction: str) -> Any:
    values: dict[str, Any] = {}
    for fs in spec.fields:
        if fs.min_occurs == 0 or fs.kind in (Kind.SIGNATURE, Kind.ANY):
            continue
        if fs.kind is Kind.STR:
            values[fs.attr] = _string(fs, spec.name, direction)
        elif fs.kind is Kind.DEC:
            values[fs.attr] = Decimal(0)
        elif fs.kind is Kind.INT:
            values[fs.attr] = 1
        else:
            assert fs.record is not None
            item = _fill(spec_of(fs.record), direction)
            values[fs.attr] = [item] if fs.repeated else item
    return spec.cls(**values)


def skeleton(cls: type) -> Any:
    """Return a message of type `cls` whose required fields hold valid placeholders.

    Messages whose schema requires a signature (621, 623, 625, 711) must still be signed.
    """
    spec = spec_of(cls)
    if spec.direction is None:
        raise TypeError(f"{spec.name} is not a message root")
    return _fill(spec, spec.direction)

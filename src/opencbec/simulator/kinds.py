"""The declarations the simulator accepts: where each keeps its records, its business key, the
key it is found by, its receipt and its error-code family (spec §4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class DocType:
    """One declaration type as customs files it."""

    kind: str
    message: str
    items: str
    head: str | None  # None: the fields sit on the item itself
    key: tuple[str, ...]
    ref: tuple[str, ...]
    receipt: str
    code: str  # negative codes are -<code><nnn>
    export: bool = False

    def records(self, message: Any) -> list[Any]:
        """Return the message's documents (most messages repeat them; CEB711 holds one)."""
        value = getattr(message, self.items)
        return value if isinstance(value, list) else [value]

    def head_of(self, record: Any) -> Any:
        """Return the record's head (or the record itself when it is flat)."""
        return getattr(record, self.head) if self.head else record

    def key_of(self, head: Any) -> str:
        """Return the business key customs files the document under."""
        return "|".join(str(getattr(head, f) or "") for f in self.key)

    def ref_of(self, head: Any) -> str:
        """Return the key other documents find this one by."""
        return "|".join(str(getattr(head, f) or "") for f in self.ref)


def _t(*args: Any, **kw: Any) -> DocType:
    return DocType(*args, **kw)


TYPES: Final = (
    _t("order", "CEB311Message", "order", "order_head", ("ebpCode", "orderNo"),
       ("ebpCode", "orderNo"), "CEB312Message", "301"),
    _t("payment", "CEB411Message", "payment", "payment_head", ("payCode", "payTransactionId"),
       ("ebpCode", "orderNo"), "CEB412Message", "401"),
    _t("waybill", "CEB511Message", "logistics", "logistics_head", ("logisticsCode", "logisticsNo"),
       ("logisticsCode", "logisticsNo"), "CEB512Message", "504"),
    _t("waybill_status", "CEB513Message", "logistics_status", None,
       ("logisticsCode", "logisticsNo", "logisticsStatus"), ("logisticsCode", "logisticsNo"),
       "CEB514Message", "505"),
    _t("inventory", "CEB621Message", "inventory", "inventory_head", ("ebcCode", "copNo"),
       ("ebpCode", "orderNo"), "CEB622Message", "621"),
    _t("cancellation", "CEB623Message", "invt_cancel", None, ("ebcCode", "copNo"), ("invtNo",),
       "CEB624Message", "623"),
    _t("return", "CEB625Message", "invt_refund", "invt_refund_head", ("ebcCode", "copNo"),
       ("invtNo",), "CEB626Message", "625"),
    _t("warehouse_entry", "CEB711Message", "delivery", "delivery_head", ("operatorCode", "copNo"),
       ("billNo",), "CEB712Message", "800"),
    _t("export_order", "CEB303Message", "order", "order_head", ("ebpCode", "orderNo"),
       ("ebpCode", "orderNo"), "CEB304Message", "303", export=True),
    _t("collection", "CEB403Message", "receipts", None, ("ebcCode", "orderNo"),
       ("ebpCode", "orderNo"), "CEB404Message", "403", export=True),
    _t("export_waybill", "CEB505Message", "logistics", None, ("logisticsCode", "logisticsNo"),
       ("logisticsCode", "logisticsNo"), "CEB506Message", "506", export=True),
    _t("export_inventory", "CEB603Message", "inventory", "inventory_head", ("ebcCode", "copNo"),
       ("ebpCode", "orderNo"), "CEB604Message", "603", export=True),
    _t("arrival", "CEB507Message", "arrival", "arrival_head", ("operatorCode", "copNo"),
       ("billNo",), "CEB508Message", "507", export=True),
    _t("departure", "CEB509Message", "departure", "departure_head", ("logisticsCode", "copNo"),
       ("billNo",), "CEB510Message", "509", export=True),
    _t("export_cancellation", "CEB605Message", "invt_cancel", None, ("agentCode", "copNo"),
       ("invtNo",), "CEB606Message", "605", export=True),
    _t("master_list", "CEB607Message", "way_bill", "way_bill_head", ("agentCode", "copNo"),
       ("billNo",), "CEB608Message", "607", export=True),
    _t("summary_application", "CEB701Message", "summary_apply", "summary_apply_head",
       ("agentCode", "copNo"), ("ebcCode",), "CEB702Message", "701", export=True),
    _t("export_return", "CEB213Message", "invt_refund", "invt_refund_head",
       ("agentCode", "invtNo"), ("invtNo",), "CEB214Message", "213", export=True),
    _t("return_tally", "CEB215Message", "invt_refund_detail", None,
       ("operatorCode", "logisticsNo"), ("invtNo",), "CEB216Message", "215", export=True),
)  # fmt: skip
BY_MESSAGE: Final = {t.message: t for t in TYPES}
BY_KIND: Final = {t.kind: t for t in TYPES}
# The documents matched before an inventory is accepted (三单对碰 + 清单).
IMPORT_SET: Final = ("order", "payment", "waybill", "inventory")
EXPORT_SET: Final = ("export_order", "collection", "export_waybill", "export_inventory")

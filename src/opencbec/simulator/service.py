"""The simulator at work: take each outbox file, check it as the E-port and customs would, and
schedule the receipts it owes; write receipts to the inbox when they fall due.

Every file is answered once: its verdict, documents and receipts are committed to the state in
one transaction before the file is archived, and receipts are written from that schedule (a
rewrite after a crash has the same name and guid, so the platform ignores it).
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from lxml import etree

from opencbec.kit.time import CHINA_STANDARD_TIME, utcnow
from opencbec.messages import ceb
from opencbec.messages.ceb.codec import decode_tree
from opencbec.messages.ceb.dxp import DXP_NS, decode_dxp
from opencbec.messages.ceb.safexml import MAX_BYTES, Limits, parse
from opencbec.simulator import receipts, rules
from opencbec.simulator.exchange import Exchange
from opencbec.simulator.follow_ups import FOLLOW_UPS
from opencbec.simulator.kinds import BY_KIND, BY_MESSAGE, DocType
from opencbec.simulator.receipts import CLOSED, CONCLUDED, LOGIC_OK, RELEASED
from opencbec.simulator.state import Doc, State

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
WAITING: Final = "2"


@dataclass(frozen=True, slots=True)
class Config:
    """How the simulated customs behaves."""

    seed: int = 0
    delay_seconds: float = 0.0
    review_rate: float = 0.0
    inspection_rate: float = 0.0
    xsd_dir: Path | None = None
    max_bytes: int = MAX_BYTES

    @classmethod
    def from_strings(cls, values: dict[str, str], **overrides: Any) -> Config:
        """Return settings stored by `as_strings` (missing or unreadable ones at their default)."""
        base = cls()
        out: dict[str, Any] = {}
        for name, kind in (("seed", int), ("delay_seconds", float), ("review_rate", float),
                           ("inspection_rate", float)):  # fmt: skip
            try:
                out[name] = kind(values[name])
            except (KeyError, ValueError):
                out[name] = getattr(base, name)
        return cls(**{**out, **overrides})

    def as_strings(self) -> dict[str, str]:
        """Return the settings as stored in the state file."""
        return {
            "seed": str(self.seed),
            "delay_seconds": str(self.delay_seconds),
            "review_rate": str(self.review_rate),
            "inspection_rate": str(self.inspection_rate),
        }


@dataclass(slots=True)
class Report:
    """What one pass did."""

    received: int = 0
    format_faults: int = 0
    written: int = 0
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Incoming:
    data: bytes  # the CEB message (unwrapped from DxpMsg when it came in one)
    cop_msg_id: str


class _Refusal(Exception):
    """A file answered with CEB900: status, reason in en and zh, the original and its type."""

    def __init__(
        self, status: str, en: str, zh: str, original_type: str, incoming: _Incoming
    ) -> None:
        super().__init__(en)
        self.status, self.en, self.zh = status, en, zh
        self.original_type, self.incoming = original_type, incoming


class Simulator:
    """Customs on the far side of one exchange folder."""

    def __init__(
        self,
        root: Path,
        *,
        config: Config | None = None,
        state_dir: Path | None = None,
        clock: Clock | None = None,
        rates: dict[str, rules.Rate] | None = None,
    ) -> None:
        self.exchange = Exchange(root)
        self.exchange.ensure()
        self.state = State((state_dir or root / "simulator") / "state.sqlite3")
        self.config = config or Config()
        # The platform's clock by default, so a scope's clock (kit.time.running_on) holds here too.
        self.clock: Clock = clock or (lambda: utcnow().astimezone(CHINA_STANDARD_TIME))
        self.rates = rates if rates is not None else rules.load_rates()
        self._decoded: dict[int, Any] = {}

    def close(self) -> None:
        """Close the state file."""
        self.state.close()

    def record_purchases_elsewhere(
        self, id_number: str, *, year: int, amount: Decimal, reference: str
    ) -> None:
        """Count a buyer's purchases through other platforms or zones against their year.

        Customs keeps one annual ledger per buyer across the country; a platform sees only its
        own orders, so a parcel its check passes can still be refused (-621018) here. Recorded
        again under the same reference, the amount is replaced, not added.
        """
        self.state.charge(
            f"elsewhere:{reference}", buyer=rules.buyer_key(id_number), year=year, amount=amount
        )

    # --- one pass ------------------------------------------------------------------------

    def run_once(self) -> Report:
        """Answer every waiting outbox file, match what can be matched, write due receipts."""
        report = Report()
        for path in self.exchange.waiting():
            self._take(path, report)
        with self.state.transaction():
            self._match_imports()
            self._match_exports()
        report.written = self.flush_due()
        return report

    def flush_due(self) -> int:
        """Write every receipt that has fallen due to the inbox; return how many."""
        due = self.state.due(self.clock().timestamp())
        if due:
            self.exchange.write_inbox([(name, data) for _, name, data in due])
            self.state.mark_written([receipt_id for receipt_id, _, _ in due])
        return len(due)

    def _take(self, path: Path, report: Report) -> None:
        try:
            size = path.stat().st_size
            data = path.read_bytes() if size <= self.config.max_bytes else b""
        except OSError:
            return  # gone (another reader) or unreadable now: try again next pass
        # A refused file is known by its content (a corrected message under the same guid is
        # answered); an accepted one by its guid (the same declaration is never answered twice).
        content_key = "sha:" + hashlib.sha256(data or path.name.encode()).hexdigest()
        try:
            doc_type, message, incoming = self._admit(data, size, path)
        except _Refusal as refusal:
            self._refuse_file(path, content_key, report, refusal)
            return
        seen_key = "guid:" + str(message.guid)
        if self.state.was_seen(seen_key) or self.state.was_seen(content_key):
            self.exchange.consume(path)
            return
        name = doc_type.message
        try:
            with self.state.transaction():
                outcome = self._declare(doc_type, message, incoming.data)
                self.state.mark_seen(
                    seen_key, file=path.name, root=name, outcome=outcome, at=self._now_text()
                )
        except Exception as exc:  # a fault of the simulator itself must not block the outbox
            log.exception("customs simulator could not process %s", path.name)
            self._decoded.clear()
            failure = _Refusal(
                "-3",
                f"the simulator could not process the message ({type(exc).__name__}: {exc})",
                f"模拟器无法处理该报文（{type(exc).__name__}：{exc}）",
                name,
                incoming,
            )
            self._refuse_file(path, content_key, report, failure)
            return
        self.exchange.consume(path)
        report.received += 1
        report.files.append(path.name)

    def _admit(self, data: bytes, size: int, path: Path) -> tuple[DocType, Any, _Incoming]:
        """Return a well-formed declaration of a file, or raise the CEB900 answer it deserves."""
        limit = self.config.max_bytes
        if size > limit:
            raise _Refusal(
                "-1",
                f"message is {size} bytes, the limit is {limit}",
                f"报文大小 {size} 字节，超过上限 {limit} 字节",
                "Unknown",
                _Incoming(b"", "-"),
            )
        try:
            incoming = _unwrap(data, limit)
            decoded = decode_tree(parse(incoming.data, Limits(max_bytes=limit)))
        except ceb.CebError as exc:
            raise _Refusal(
                "-1",
                "; ".join(str(i) for i in exc.issues),
                "；".join(i.text("zh_CN") for i in exc.issues),
                _root_name(data),
                _Incoming(data, path.stem),
            ) from None
        message = decoded.message
        name = type(message).__name__
        doc_type = BY_MESSAGE.get(name)
        if doc_type is None:
            raise _Refusal(
                "-1",
                f"{name} is not a declaration customs accepts from enterprises",
                f"{name} 不是企业可向海关申报的报文",
                name,
                incoming,
            )
        faults = ceb.validate_bytes(incoming.data, rules=False, xsd_dir=self.config.xsd_dir)
        if faults:
            raise _Refusal(
                "-2",
                "; ".join(str(i) for i in faults[:50]),
                "；".join(i.text("zh_CN") for i in faults[:50]),
                name,
                incoming,
            )
        return doc_type, message, incoming

    def _refuse_file(self, path: Path, seen_key: str, report: Report, refusal: _Refusal) -> None:
        if self.state.was_seen(seen_key):
            self.exchange.consume(path)
            return
        digest = seen_key.split(":", 1)[1]
        message = receipts.format_receipt(
            guid=receipts.derived_guid(self.config.seed, "900", digest),
            record_guid=receipts.derived_guid(self.config.seed, "900-record", digest),
            status=refusal.status,
            info=f"{refusal.zh} / {refusal.en}",
            time=receipts.return_time(self.clock()),
            cop_msg_id=refusal.incoming.cop_msg_id,
            original_type=refusal.original_type,
            original=refusal.incoming.data,
        )
        with self.state.transaction():
            self.schedule(message, 0)
            self.state.mark_seen(
                seen_key, file=path.name, root=refusal.original_type[:40] or "Unknown",
                outcome="format_fault", at=self._now_text(),
            )  # fmt: skip
        self.exchange.consume(path)
        report.received += 1
        report.format_faults += 1
        report.files.append(path.name)

    # --- declarations --------------------------------------------------------------------

    def _declare(self, doc_type: DocType, message: Any, data: bytes) -> str:
        """File every document of a well-formed declaration; return the message's outcome."""
        refusal = self._message_refusal(doc_type, message, data)
        message_id = self.state.add_message(data)
        self._decoded[message_id] = message
        outcome = "accepted"
        for index, record in enumerate(doc_type.records(message)):
            head = doc_type.head_of(record)
            if refusal is not None:
                self.answer(doc_type, head, refusal[0], refusal[1], step=0)
                outcome = "refused"
                continue
            if not self._file(doc_type, record, head, message_id, index):
                outcome = "refused"
        return outcome

    def _message_refusal(
        self, doc_type: DocType, message: Any, data: bytes
    ) -> tuple[str, str] | None:
        if getattr(message, "signature", None) is not None:
            check = ceb.verify(data)
            if not check.ok:
                problems = "; ".join(check.problems) or "signature does not verify"
                return (
                    f"-{doc_type.code}029",
                    f"[Code:-{doc_type.code}029;Desc:验签失败 / {problems}]",
                )
        issues = [i for i in ceb.validate(message) if i.level == "rule"]
        if issues:
            text = "".join(
                f"[Code:-{doc_type.code}002;Desc:{i.text('zh_CN')} / {i}]" for i in issues
            )
            return f"-{doc_type.code}002", rules.return_info([]) + text[:1000]
        return None

    def _file(self, doc_type: DocType, record: Any, head: Any, message_id: int, index: int) -> bool:
        key = doc_type.key_of(head)
        known = self.state.doc(doc_type.kind, key)
        app_type = str(head.appType)
        code = doc_type.code
        if known is None and app_type != "1":
            info = f"[Code:-{code}003;Desc:单证尚未申报，不能变更或删除 / not declared yet: cannot change or delete]"
            self.answer(doc_type, head, f"-{code}003", info, step=0)
            return False
        if known is not None and app_type == "1":
            info = f"[Code:-{code}004;Desc:单证已申报（{key}） / already declared ({key})]"
            self.answer(doc_type, head, f"-{code}004", info, step=0)
            return False
        if known is not None and known.status not in (WAITING, "100"):
            info = f"[Code:-{code}006;Desc:单证已审核，不能变更 / already accepted: cannot change]"
            self.answer(doc_type, head, f"-{code}006", info, step=0)
            return False
        deleted = app_type == "3"
        doc = self.state.put_doc(
            kind=doc_type.kind,
            key=key,
            ref=doc_type.ref_of(head),
            message_id=message_id,
            item=index,
            status="deleted" if deleted else WAITING,
        )
        word = {"1": "新增申报成功", "2": "变更申报成功", "3": "删除申报成功"}[app_type]
        self.answer(doc_type, head, "2", f"{word}[{head.guid}]", step=0, doc_key=doc.key)
        if not deleted:
            follow_up = FOLLOW_UPS.get(doc_type.kind)
            if follow_up is not None:
                follow_up(self, doc_type, record, head, doc.id)
        return True

    # --- receipts ------------------------------------------------------------------------

    def numbers(self, kind: str, key: str, head: Any) -> dict[str, str]:
        """Return the numbers the E-port and customs assign to a document (stable per seed)."""
        digest = int(hashlib.sha256(f"{self.config.seed}|{kind}|{key}".encode()).hexdigest(), 16)
        serial = f"{digest % 10**9:09d}"
        # Dated by the declaration, so a number never changes between two receipts.
        declared = str(getattr(head, "appTime", None) or "")[:8]
        today = declared if declared.isdigit() and len(declared) == 8 else "20000101"
        customs = str(getattr(head, "customsCode", None) or "0000")[:4].rjust(4, "0")
        flag = "E" if kind.startswith("export") else "I"
        return {
            "preNo": f"B{today}{serial}",
            "invtNo": f"{customs}{today[:4]}{flag}{serial}",
            "sumNo": f"{customs}{today[:4]}H{serial}",
            "rkdNo": f"{customs}{today[:4]}R{serial}",
        }

    def answer(
        self,
        doc_type: DocType,
        head: Any,
        status: str,
        info: str,
        *,
        step: int,
        doc_key: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Schedule one receipt for a document."""
        numbers = self.numbers(doc_type.kind, doc_key or doc_type.key_of(head), head)
        given: dict[str, Any] = {"preNo": numbers["preNo"]}
        if doc_type.kind in ("export_inventory", "export_cancellation"):
            given["invtNo"] = getattr(head, "invtNo", None) or numbers["invtNo"]
        if doc_type.kind == "export_inventory":
            given["statisticsFlag"] = getattr(head, "statisticsFlag", None) or "A"
        if doc_type.kind in ("arrival", "departure", "master_list", "summary_application"):
            given["msgSeqNo"] = getattr(head, "msgSeqNo", None) or 1
        given.update(extra or {})
        record_guid = receipts.derived_guid(
            self.config.seed, doc_type.receipt, str(head.guid), status, str(step)
        )
        moment = self.moment(step)
        record = receipts.receipt_record(
            doc_type.receipt,
            head,
            guid=record_guid,
            status=status,
            time=receipts.return_time(moment),
            info=info[:1000],
            extra=given,
        )
        guid = receipts.derived_guid(self.config.seed, "message", record_guid)
        self.schedule(receipts.message(doc_type.receipt, guid, [record]), step)

    def moment(self, step: int) -> datetime:
        """Return the returnTime of step `step`: one delay and at least a millisecond later each."""
        return self.clock() + timedelta(seconds=self.config.delay_seconds * step, milliseconds=step)

    def schedule(self, message: Any, step: int) -> None:
        issues = [
            i for i in ceb.validate(message, xsd_dir=self.config.xsd_dir) if i.level == "schema"
        ]
        if issues:
            raise ValueError(f"simulator built an invalid receipt: {issues}")
        name = f"{type(message).__name__}_{message.guid}.xml"
        # Due after whole delays; the extra milliseconds only order the returnTimes.
        due = self.clock() + timedelta(seconds=self.config.delay_seconds * step)
        self.state.schedule(due=due.timestamp(), name=name, data=ceb.encode(message))

    def sequence(
        self,
        doc_type: DocType,
        head: Any,
        statuses: list[tuple[str, str]],
        *,
        doc_key: str | None = None,
        extra: dict[str, Any] | None = None,
        start: int = 1,
    ) -> int:
        """Schedule statuses one step apart from `start`; return the next free step."""
        step = start
        for status, info in statuses:
            self.answer(doc_type, head, status, info, step=step, doc_key=doc_key, extra=extra)
            step += 1
        return step

    def _now_text(self) -> str:
        return receipts.return_time(self.clock())

    # --- reading kept documents ----------------------------------------------------------

    def record_of(self, kind: str, message_id: int, item: int) -> Any:
        """Return the record a kept document was declared with."""
        message = self._decoded.get(message_id)
        if message is None:
            message = ceb.decode(self.state.message(message_id))
            self._decoded[message_id] = message
        return BY_KIND[kind].records(message)[item]

    def found(self, kind: str, ref: str) -> tuple[Any, Any] | None:
        docs = [d for d in self.state.docs_by_ref(kind, ref) if d.status != "deleted"]
        if not docs:
            return None
        doc = docs[-1]
        return doc, self.record_of(kind, doc.message_id, doc.item)

    def keyed(self, kind: str, key: str) -> tuple[Any, Any] | None:
        doc = self.state.doc(kind, key)
        if doc is None or doc.status == "deleted":
            return None
        return doc, self.record_of(kind, doc.message_id, doc.item)

    # --- matching ------------------------------------------------------------------------

    def _set_of(self, inventory: Any, kinds: tuple[str, str, str]) -> dict[str, Any] | None:
        """Return an inventory's order, payment/collection and waybill, or None while one is
        missing (customs waits for them)."""
        ih = inventory.inventory_head
        order_kind, money_kind, waybill_kind = kinds
        parts = {
            order_kind: self.found(order_kind, f"{ih.ebpCode}|{ih.orderNo}"),
            money_kind: self.found(money_kind, f"{ih.ebpCode}|{ih.orderNo}"),
            waybill_kind: self.keyed(waybill_kind, f"{ih.logisticsCode}|{ih.logisticsNo}"),
        }
        return None if None in parts.values() else parts

    def _match_imports(self) -> None:
        for doc in self.state.docs_with_status("inventory", WAITING):
            inventory = self.record_of("inventory", doc.message_id, doc.item)
            parts = self._set_of(inventory, ("order", "payment", "waybill"))
            if parts is None:
                continue
            ih, order = inventory.inventory_head, parts["order"][1]
            faults = rules.check_import(order, parts["payment"][1], parts["waybill"][1], inventory)
            if parts["order"][0].status == "120":
                faults.append(
                    rules.Fault(
                        "-301011",
                        f"an inventory of order {ih.orderNo} was already accepted",
                        f"订单 {ih.orderNo} 已有清单通过审核",
                        ("inventory",),
                    )
                )
            value = rules.cents(rules.taxable_value(order, inventory))
            buyer = rules.buyer_key(ih.buyerIdNumber)
            year = int(str(ih.appTime)[:4])
            one_item = rules.single_item(order)
            faults += rules.limit_faults(
                value, one_item=one_item, used=self.state.used(buyer, year)
            )
            self._conclude_import(doc, inventory, parts, faults, value, buyer, year, one_item)

    def _reject_set(
        self, doc_type: DocType, doc: Doc, head: Any, parts: dict[str, tuple[Doc, Any]],
        faults: list[rules.Fault],
    ) -> None:  # fmt: skip
        """Refuse a set: 100 on the inventory with every reason, and on each document at fault."""
        numbers = self.numbers(doc_type.kind, doc.key, head)
        self.answer(doc_type, head, "100", rules.return_info(faults), step=1, doc_key=doc.key)
        self.state.set_doc(doc.id, status="100", pre_no=numbers["preNo"])
        for kind, (part_doc, record) in parts.items():
            own = [f for f in faults if kind in f.docs]
            if own:
                part = BY_KIND[kind]
                self.answer(part, part.head_of(record), "100", rules.return_info(own), step=1)
                self.state.set_doc(part_doc.id, status="100")

    def _accept_parts(self, parts: dict[str, tuple[Doc, Any]]) -> None:
        for kind, (part_doc, record) in parts.items():
            part = BY_KIND[kind]
            self.answer(part, part.head_of(record), "120", LOGIC_OK, step=1)
            self.state.set_doc(part_doc.id, status="120")

    def _release(self, doc_type: DocType, doc: Doc, head: Any, reviews: int) -> tuple[int, str]:
        """Schedule 120, the drawn reviews, 399 and 800; return the step of 800 and the invtNo."""
        numbers = self.numbers(doc_type.kind, doc.key, head)
        invt = {"invtNo": numbers["invtNo"]}
        statuses = [("120", LOGIC_OK), *self._reviews(doc.key)[:reviews]]
        statuses += [("399", CONCLUDED), ("800", RELEASED)]
        step = self.sequence(doc_type, head, statuses, doc_key=doc.key, extra=invt)
        self.sequence(doc_type, head, [("899", CLOSED)], doc_key=doc.key, extra=invt, start=step)
        self.state.set_doc(doc.id, status="800", pre_no=numbers["preNo"], invt_no=numbers["invtNo"])
        return step - 1, numbers["invtNo"]

    def _conclude_import(
        self, doc: Doc, inventory: Any, parts: dict[str, tuple[Doc, Any]],
        faults: list[rules.Fault], value: Decimal, buyer: str, year: int, one_item: bool,
    ) -> None:  # fmt: skip
        ih = inventory.inventory_head
        invt_type = BY_KIND["inventory"]
        if faults:
            self._reject_set(invt_type, doc, ih, parts, faults)
            return
        self.state.charge(doc.key, buyer=buyer, year=year, amount=value)
        self._accept_parts(parts)
        released, invt_no = self._release(invt_type, doc, ih, reviews=2)
        full = value > rules.SINGLE_LIMIT and one_item
        lines = rules.tax_lines(inventory, self.rates, full=full)
        record_guid = receipts.derived_guid(self.config.seed, "816", doc.key, str(ih.guid))
        bill = receipts.tax_bill(
            guid=receipts.derived_guid(self.config.seed, "message", record_guid),
            record_guid=record_guid,
            time=receipts.return_time(self.moment(released)),
            head=ih,
            invt_no=invt_no,
            lines=lines,
        )
        self.schedule(bill, released)

    def _reviews(self, key: str) -> list[tuple[str, str]]:
        """Return manual review (300) and inspection (500), drawn per document from the seed."""
        draw = random.Random(f"{self.config.seed}|review|{key}")  # noqa: S311 - reproducible, not secret
        out = []
        if draw.random() < self.config.review_rate:
            out.append(("300", "[Code:2100;Desc:人工审核 / manual review]"))
        if draw.random() < self.config.inspection_rate:
            out.append(("500", "[Code:2200;Desc:查验 / inspection]"))
        return out

    def _match_exports(self) -> None:
        for doc in self.state.docs_with_status("export_inventory", WAITING):
            inventory = self.record_of("export_inventory", doc.message_id, doc.item)
            ih = inventory.inventory_head
            parts = self._set_of(inventory, ("export_order", "collection", "export_waybill"))
            if parts is None:
                continue
            faults = rules.check_export(
                parts["export_order"][1],
                parts["collection"][1],
                parts["export_waybill"][1],
                inventory,
            )
            invt_type = BY_KIND["export_inventory"]
            if faults:
                self._reject_set(invt_type, doc, ih, parts, faults)
                continue
            self._accept_parts(parts)
            self._release(invt_type, doc, ih, reviews=1)

    def iter_records(self, kind: str, status: str) -> Iterator[tuple[Any, Any]]:
        """Yield (doc, record) of every document of `kind` in `status`."""
        for doc in self.state.docs_with_status(kind, status):
            yield doc, self.record_of(kind, doc.message_id, doc.item)


def _unwrap(data: bytes, max_bytes: int) -> _Incoming:
    """Return the CEB message of a file: itself, or the payload of a DxpMsg envelope."""
    head = data[:512]
    if b"DxpMsg" in head and DXP_NS.encode() in head:
        envelope = decode_dxp(data, Limits(max_bytes=max_bytes))
        return _Incoming(envelope.data, envelope.cop_msg_id)
    return _Incoming(data, "")


def _root_name(data: bytes) -> str:
    """Return the root element's local name of a file that may not be XML at all (best effort)."""
    try:
        return str(etree.QName(parse(data)).localname)[:15]
    except (ceb.CebError, ValueError):
        return "Unknown"


def answer_folders(root: Path, *, config: Config | None = None) -> int:
    """Answer an exchange folder once (every receipt due now is written); return how many
    messages were taken. For scripts and benchmarks; the state stays under `root/simulator`."""
    sim = Simulator(root, config=config)
    try:
        return sim.run_once().received
    finally:
        sim.close()

"""Fixtures for the customs simulator: an exchange folder, a fixed clock, a signer, messages."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from opencbec.demo import sets
from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.messages import ceb
from opencbec.simulator.service import Config, Simulator
from tests.factories.clearance import BUYER, CREAM, FORMULA, STAMP
from tests.messages.conftest import make_rsa

START = datetime(2026, 11, 27, 10, 0, 0, tzinfo=CHINA_STANDARD_TIME)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock on."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="session")
def signer(tmp_path_factory: pytest.TempPathFactory) -> ceb.SoftwareSigner:
    """Return an RSA signer with a fresh certificate."""
    pair, _, _ = make_rsa(tmp_path_factory.mktemp("keys"), "simulator test declarant")
    return ceb.SoftwareSigner.from_pem(pair.key.read_bytes(), pair.cert.read_bytes())


@pytest.fixture
def clock() -> Clock:
    """Return a clock fixed at 2026-11-27 10:00 CST."""
    return Clock()


SimFactory = Callable[..., Simulator]


@pytest.fixture
def make_sim(tmp_path: Path, clock: Clock) -> Iterator[SimFactory]:
    """Return a factory of simulators over tmp_path/exchange (closed after the test)."""
    made: list[Simulator] = []

    def factory(root: Path | None = None, **config: Any) -> Simulator:
        sim = Simulator(root or tmp_path / "exchange", config=Config(**config), clock=clock)
        made.append(sim)
        return sim

    yield factory
    for sim in made:
        sim.close()


def put(sim: Simulator, message: Any, signer: ceb.SoftwareSigner | None = None) -> Path:
    """Encode (and sign) a message into the simulator's outbox under the contract's name."""
    data = ceb.encode(message)
    if signer is not None:
        data = ceb.sign(data, signer)
    return put_bytes(sim, f"{type(message).__name__}_{message.guid}.xml", data)


def put_bytes(sim: Simulator, name: str, data: bytes) -> Path:
    """Write raw bytes into the outbox."""
    path = sim.exchange.outbox / name
    path.write_bytes(data)
    return path


def inbox(sim: Simulator) -> list[Any]:
    """Return every receipt in the inbox, decoded and validated, in returnTime order."""
    out = []
    for path in sorted(sim.exchange.inbox.glob("*.xml")):
        data = path.read_bytes()
        message = ceb.decode(data)
        assert ceb.validate(message) == [], path.name
        assert path.name == f"{type(message).__name__}_{message.guid}.xml"
        out.append(message)
    return sorted(out, key=_time)


def _time(message: Any) -> str:
    for attr in ("order_return", "payment_return", "logistics_return", "inventory_return",
                 "invt_cancel_return", "invt_refund_return", "delivery_return", "receipts_return",
                 "arrival_return", "departure_return", "way_bill_return", "summary_return",
                 "refund_return", "invt_refund_detail_return", "logistics_status_return"):  # fmt: skip
        records = getattr(message, attr, None)
        if records:
            return str(records[0].returnTime)
    if hasattr(message, "tax"):
        return str(message.tax[0].tax_head_rd.returnTime)
    if hasattr(message, "summary_result"):
        return str(message.summary_result[0].summary_result_head.opDate)
    return str(message.message_return.returnTime)


def statuses(sim: Simulator, root: str) -> list[str]:
    """Return the returnStatus of every `root` receipt in the inbox, in time order."""
    out = []
    for message in inbox(sim):
        if type(message).__name__ == root:
            out.append(str(records_of(message)[0].returnStatus))
    return out


def records_of(message: Any) -> list[Any]:
    """Return the records of a receipt message."""
    for f in dataclasses.fields(message):
        value = getattr(message, f.name)
        if isinstance(value, list):
            return value
    return [message.message_return]


def new_guid() -> str:
    """Return a fresh upper-case guid."""
    return str(uuid.uuid4()).upper()


SIGNED = frozenset({"CEB621Message", "CEB623Message", "CEB625Message", "CEB711Message"})


def declare(sim: Simulator, messages: Iterable[Any], signer: ceb.SoftwareSigner) -> None:
    """Put messages into the outbox, signing those whose schema requires a signature."""
    for message in messages:
        put(sim, message, signer if type(message).__name__ in SIGNED else None)


def import_messages(
    order_no: str,
    *,
    buyer: sets.Buyer = BUYER,
    goods: list[sets.Goods] | None = None,
    mutate: Callable[[tuple[Any, ...]], None] | None = None,
) -> tuple[Any, ...]:
    """Return the order, payment, waybill and inventory of a consistent bonded import parcel."""
    messages = sets.import_set(
        order_no,
        buyer=buyer,
        goods=goods or [FORMULA, CREAM],
        vat=Decimal("0.13"),
        stamp=STAMP,
        agent_code=sets.DEMO_EBC,
    )
    if mutate is not None:
        mutate(messages)
    return messages


def receipts_of(sim: Simulator, root: str) -> list[Any]:
    """Return the records of every `root` message in the inbox, in time order."""
    return [r for m in inbox(sim) if type(m).__name__ == root for r in records_of(m)]

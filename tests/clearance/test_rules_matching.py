"""Pre-flight check of imports: how a batch is matched into sets, duplicates and lone documents."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencbec.clearance.rules_import import check_import_batch, match_import
from tests.clearance.test_rules import EBP, check, codes, import_set


@pytest.mark.parametrize("drop", range(4))
def test_each_missing_document_is_reported(drop: int) -> None:
    docs = list(import_set())
    del docs[drop]
    kind = ("ORDER", "PAYMENT", "WAYBILL", "INVENTORY")[drop]
    assert f"IMP_MISSING_{kind}" in codes(check(*docs))


def test_a_waybill_joins_by_order_number_when_no_inventory_names_it() -> None:
    order, payment, waybill, _ = import_set()
    (s,) = match_import([order], [payment], [waybill], []).sets
    assert s.waybill is waybill
    assert s.missing() == ("CEB621",)


def test_a_waybill_of_an_unknown_order_stands_alone() -> None:
    *_, waybill, _ = import_set(order_no="XX2026112799999")
    order, payment, _, inventory = import_set()
    sets = match_import([order], [payment], [waybill], [inventory]).sets
    assert [s.missing() for s in sets] == [("CEB511",), ("CEB311", "CEB411", "CEB621")]
    assert sets[1].ebp_code == ""


@pytest.mark.parametrize("kind", range(4))
def test_a_document_without_its_keys_is_reported(kind: int) -> None:
    docs = list(import_set())
    head = [
        docs[0].order_head,
        docs[1].payment_head,
        docs[2].logistics_head,
        docs[3].inventory_head,
    ][kind]
    attr = ("orderNo", "payTransactionId", "logisticsNo", "ebpCode")[kind]
    setattr(head, attr, "  ")
    path = (
        "CEB311/OrderHead",
        "CEB411/PaymentHead",
        "CEB511/LogisticsHead",
        "CEB621/InventoryHead",
    )
    keyless = [f for f in check(*docs) if f.code == "IMP_KEY_MISSING"]
    assert [f.fields for f in keyless] == [(f"{path[kind]}/{attr}",)]


@pytest.mark.parametrize(
    ("index", "code"),
    [
        (0, "IMP_DUP_ORDER"),
        (1, "IMP_DUP_PAYMENT"),
        (2, "IMP_DUP_WAYBILL"),
        (3, "IMP_DUP_INVENTORY"),
    ],
)
def test_a_number_twice_in_a_batch_is_a_duplicate(index: int, code: str) -> None:
    docs = list(import_set())
    assert code in codes(check(*docs, dataclasses.replace(docs[index])))


def test_a_second_payment_or_waybill_for_one_order_is_a_duplicate() -> None:
    docs = list(import_set())
    payment2, waybill2 = import_set()[1:3]
    assert payment2.payment_head
    assert waybill2.logistics_head
    payment2.payment_head.payTransactionId = "2026112722002"
    waybill2.logistics_head.logisticsNo = "EY000000002CN"
    assert codes(check(*docs, payment2, waybill2)) == ["IMP_DUP_PAYMENT", "IMP_DUP_WAYBILL"]


def test_two_platforms_with_one_order_number_keep_their_waybill_apart() -> None:
    order, payment, waybill, _ = import_set()
    other = import_set()[0]
    assert other.order_head
    other.order_head.ebpCode = "4107960002"
    sets = match_import([order, other], [payment], [waybill], []).sets
    assert [s.ebp_code for s in sets] == [EBP, "4107960002", ""]


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.randoms(use_true_random=False))
def test_matching_does_not_depend_on_the_order_of_the_batch(count: int, rng: random.Random) -> None:
    sets = [import_set(order_no=f"XX20261127{n:05d}") for n in range(count)]
    kinds = [[docs[i] for docs in sets] for i in range(4)]
    for documents in kinds:
        rng.shuffle(documents)
    results, batch = check_import_batch(*kinds)  # type: ignore[arg-type]
    assert batch == ()
    assert len(results) == count
    assert all(r.ok for r in results)
    assert {r.documents.order_no for r in results} == {f"XX20261127{n:05d}" for n in range(count)}

"""The generated zone's plan: the same seed gives the same enterprises and traffic, seasons show."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from opencbec.demo import loader, plan, zone
from opencbec.demo import service as demo_service
from opencbec.identity.models import OrgRole


def _plan(seed: int, scale: str = "small") -> plan.Plan:
    size = plan.SCALES[scale]
    return loader.plan_of(size, seed, loader.members_of(size, seed))


def test_small_zone_has_about_two_hundred_enterprises_in_every_role() -> None:
    members = loader.members_of(plan.SCALES["small"], 2025)
    assert 180 <= len(members) + 15 <= 230  # with the fixed demo's organisations
    kinds = Counter(m.kind for m in members)
    assert set(kinds) == {
        "seller", "importer", "platform", "logistics", "payment", "broker", "bonded",
        "overseas", "bank", "insurer",
    }  # fmt: skip
    assert {m.role for m in members} >= {
        OrgRole.ECOMMERCE_ENTERPRISE,
        OrgRole.FINANCIAL_INSTITUTION,
    }
    outcomes = Counter(m.outcome for m in members)
    assert outcomes["approved"] > 150
    assert outcomes["returned"] + outcomes["submitted"] + outcomes["under_review"] > 0
    assert len({m.customs_code for m in members}) == len(members)
    assert {m.route for m in members if m.kind == "overseas"} == {
        "europe", "central-asia", "asean", "americas",
    }  # fmt: skip


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    first, again, other = _plan(2025), _plan(2025), _plan(2026)
    assert first.parcels == again.parcels
    assert first.patterns == again.patterns
    assert first.parcels != other.parcels


def test_the_year_has_its_seasons_and_modes() -> None:
    assert plan.weight(dt.date(2026, 11, 11), "import") > 3 * plan.weight(
        dt.date(2026, 9, 9), "import"
    )
    assert plan.weight(dt.date(2026, 2, 17), "export") < 0.3
    assert plan.weight(dt.date(2025, 11, 28), "export") > plan.weight(dt.date(2026, 5, 6), "export")
    planned = _plan(2025, "medium")
    modes = Counter((p.direction, p.mode) for day in planned.parcels.values() for p in day)
    assert set(modes) == {
        ("import", "1210"), ("import", "9610"), ("export", "9610"), ("export", "9710"),
        ("export", "9810"),
    }  # fmt: skip
    by_month = Counter(day.month for day, parcels in planned.parcels.items() for _ in parcels)
    assert by_month[11] > by_month[2] * 2  # Double 11 and Black Friday against the Spring Festival
    assert min(planned.parcels) >= plan.START
    assert max(planned.parcels) == plan.END


def test_patterns_and_follow_ups_are_planted() -> None:
    planned = _plan(2025, "tiny")
    names = Counter(p["pattern"] for p in planned.patterns)
    assert names == {
        "split_order": 1, "shared_buyer": 1, "undervalued": 1, "quota_elsewhere": 1,
        "overcollected": 1,
    }  # fmt: skip
    elsewhere = next(p for p in planned.patterns if p["pattern"] == "quota_elsewhere")
    [parcel] = [
        p for day in planned.parcels.values() for p in day if p.pattern == "quota_elsewhere"
    ]
    assert [parcel.order_no] == elsewhere["orders"]
    assert parcel.value < plan.SINGLE_LIMIT  # the platform's own check passes it
    assert parcel.elsewhere + parcel.value > 26_000  # customs' national ledger does not
    split = next(p for p in planned.patterns if p["pattern"] == "split_order")
    orders = {p.order_no: p for day in planned.parcels.values() for p in day}
    values = [orders[str(n)].value for n in split["orders"]]  # type: ignore[attr-defined]
    assert all(v < plan.SINGLE_LIMIT for v in values)
    assert sum(values) > 26_000
    follow = Counter(p.follow_up for p in orders.values() if p.follow_up)
    assert follow["cancel"] >= 1
    assert follow["return"] >= 1
    flaws = Counter(p.flaw for p in orders.values() if p.flaw)
    assert flaws["payment_amount"] >= 1
    assert flaws["missing_waybill"] >= 1
    assert all(not p.declare for p in planned.parcels.get(plan.END, []))


def test_bonded_goods_go_to_the_fixed_warehouse_and_every_bank_has_clients() -> None:
    planned = _plan(2025)
    bonded = [p for day in planned.parcels.values() for p in day if p.mode == "1210"]
    assert bonded
    assert {p.area for p in bonded} == {plan.BONDED_AREA}
    assert not any(p.area for day in planned.parcels.values() for p in day if p.mode != "1210")
    members = loader.members_of(plan.SCALES["small"], 2025)
    banks = Counter(zone.bank_of(m) for m in members if m.kind == "seller")
    assert set(banks) == set(zone.BANK_NAMES)  # the demo bank's login among them
    assert zone.BANK_NAMES[0] == demo_service.DEMO_BANK


def test_an_overcollecting_seller_is_planted_for_the_fx_administration() -> None:
    planned = _plan(2025)
    [pattern] = [p for p in planned.patterns if p["pattern"] == "overcollected"]
    parcels = [
        p for day in planned.parcels.values() for p in day if p.order_no in pattern["orders"]
    ]
    assert len(parcels) == 3
    assert {p.seller for p in parcels} == {pattern["seller"]}
    assert all(p.direction == "export" and p.collected == p.value * 3 for p in parcels)
    others = [p for day in planned.parcels.values() for p in day if not p.pattern]
    assert not any(p.collected for p in others)

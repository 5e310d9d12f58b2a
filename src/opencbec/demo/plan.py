"""A year of the zone's traffic, planned before anything is sent: which parcels leave or arrive
on which day, between which parties, with what goods, and which carry a planted flaw, follow-up or
fraud pattern. Pure and seeded: the same seed and scale give the same plan.

The calendar is fixed (it ends on END, "today" of the generated zone) so a zone never depends on
the day it was loaded; receipt times come from it too (the simulator runs on its clock), and so
does every time the platform writes (the traffic runs each day on its clock, see `traffic`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from stdnum.cn import ric as stdnum_ric

from opencbec.demo import catalogue
from opencbec.demo.catalogue import BELT_GOODS, IMPORT_GOODS, REGION_COUNTRIES, REGION_ROUTE, ROUTES
from opencbec.demo.sets import Buyer
from opencbec.demo.zone import Member, articles_of

END: Final = dt.date(2026, 11, 20)
DAYS: Final = 365
START: Final = END - dt.timedelta(days=DAYS - 1)
SINGLE_LIMIT: Final = Decimal(5000)
# A buyer's planned year stays well under the CNY 26,000 annual limit unless a pattern plants more.
BUYER_YEAR_CAP: Final = Decimal(18000)
FIXED: Final = "fixed:"  # a party that is one of the fixed demo organisations, by its login
# Bonded (1210) goods are kept in the fixed demo's bonded warehouse, so its login has them to work on.
BONDED_AREA: Final = FIXED + "warehouse"


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a generated zone is."""

    name: str
    sellers_per_belt: int
    importers: int
    brokers: int
    sets: int  # parcels over the year, before seasonality rounds them
    buyers: int
    fraud_groups: int  # how many of each planted pattern


SCALES: Final = {
    # tiny is for tests: every feature, a few dozen parcels.
    "tiny": Scale("tiny", 1, 2, 1, 36, 40, 1),
    "small": Scale("small", 11, 20, 10, 150, 200, 1),
    "medium": Scale("medium", 22, 40, 20, 6_000, 5_000, 3),
    "large": Scale("large", 55, 100, 50, 2_000_000, 400_000, 20),
}


@dataclass(frozen=True, slots=True)
class Line:
    """One goods line of a planned parcel."""

    article: catalogue.Article
    qty: Decimal
    price: Decimal


@dataclass(frozen=True, slots=True)
class Parcel:
    """One planned order set. Parties are member codes, or FIXED + login for the fixed demo."""

    day: dt.date
    order_no: str
    mode: str  # 1210, 9610 (import or export), 9710, 9810
    direction: str  # import, export
    platform: str
    seller: str
    payment: str
    logistics: str
    agent: str  # the inventory's declarant: a broker, or the seller itself
    lines: tuple[Line, ...]
    buyer: int = -1  # imports: index into the buyer pool
    consignee: int = -1  # a different consignee (one buyer id across many consignees)
    country: str = "142"  # exports: destination; imports: where the goods come from
    traf_mode: str = "Y"
    area: str = ""  # 1210: the bonded warehouse
    flaw: str = ""  # payment_amount, missing_waybill: the platform's check stops the set
    follow_up: str = ""  # cancel, return
    pattern: str = ""  # split_order, shared_buyer, undervalued, quota_elsewhere, overcollected
    elsewhere: Decimal = Decimal(0)  # the buyer's purchases this year that only customs sees
    declare: bool = True  # the last day's sets wait, ready, for their declarant
    collected: Decimal = Decimal(0)  # exports: a collection (CEB403) charge other than the value

    @property
    def value(self) -> Decimal:
        """Return the goods value."""
        return sum((line.qty * line.price for line in self.lines), Decimal(0))


@dataclass(slots=True)
class Plan:
    """The year's parcels by day, and the planted patterns for the manifest."""

    seed: int
    scale: Scale
    parcels: dict[dt.date, list[Parcel]] = field(default_factory=dict)
    patterns: list[dict[str, object]] = field(default_factory=list)

    def days(self) -> Iterator[dt.date]:
        """Yield every calendar day, oldest first."""
        for offset in range(DAYS):
            yield START + dt.timedelta(days=offset)

    @property
    def count(self) -> int:
        """Return the number of planned parcels."""
        return sum(len(p) for p in self.parcels.values())


def weight(day: dt.date, direction: str) -> float:
    """Return the seasonal weight of a day's imports or exports."""
    w = 0.8 if day.weekday() >= 5 else 1.0
    lull_start, lull_end = dt.date(2026, 2, 10), dt.date(2026, 3, 3)  # Spring Festival 2026-02-17
    if lull_start <= day <= lull_end:
        w *= 0.25
    month_day = (day.month, day.day)
    if direction == "import":
        if (11, 1) <= month_day <= (11, 11):  # Double 11
            w *= 4.0 if month_day == (11, 11) else 2.0
        elif (12, 8) <= month_day <= (12, 12):  # Double 12
            w *= 1.8
        elif (6, 1) <= month_day <= (6, 18):  # 618
            w *= 1.7
    elif (11, 21) <= month_day <= (12, 1) and day.year == 2025:  # Black Friday, Cyber Monday
        w *= 2.5
    elif (9, 15) <= month_day <= (11, 20):  # stock to overseas warehouses for the season
        w *= 1.6
    return w


def buyer(index: int) -> Buyer:
    """Return buyer number `index` of the pool: a name, a valid resident id, phone and address."""
    cities = _CITIES[index % len(_CITIES)]
    birth = dt.date(1968, 1, 1) + dt.timedelta(days=(index * 37) % 11_000)
    body = f"{cities[0]}{birth:%Y%m%d}{index % 997:03d}"
    name = (
        catalogue.SURNAMES[index % len(catalogue.SURNAMES)]
        + catalogue.GIVEN[(index // 7) % len(catalogue.GIVEN)]
    )
    return Buyer(
        name,
        body + stdnum_ric.calc_check_digit(body + "0"),
        f"13{index % 10}{index:08d}"[-11:],
        f"{cities[1]}{_STREETS[index % len(_STREETS)]} {index % 300 + 1} 号 {index % 30 + 1} 栋",
    )


_CITIES: Final = (
    ("410702", "河南省新乡市红旗区"),
    ("410703", "河南省新乡市卫滨区"),
    ("410711", "河南省新乡市牧野区"),
    ("410105", "河南省郑州市金水区"),
    ("410302", "河南省洛阳市老城区"),
    ("110105", "北京市朝阳区"),
    ("310115", "上海市浦东新区"),
    ("440106", "广东省广州市天河区"),
    ("510107", "四川省成都市武侯区"),
    ("420106", "湖北省武汉市武昌区"),
    ("610113", "陕西省西安市雁塔区"),
    ("320102", "江苏省南京市玄武区"),
)
_STREETS: Final = (
    "平原路",
    "胜利路",
    "人民路",
    "金穗大道",
    "华兰大道",
    "新中大道",
    "文化路",
    "建设路",
)


class _Drawer:
    """The plan's choices, all from one seeded generator."""

    def __init__(self, seed: int, scale: Scale, members: Sequence[Member]) -> None:
        self.draw = random.Random(f"demo-traffic|{seed}|{scale.name}")  # noqa: S311 - reproducible
        self.scale = scale
        approved = [m for m in members if m.outcome == "approved"]
        self.by_kind: dict[str, list[Member]] = {}
        for member in approved:
            self.by_kind.setdefault(member.kind, []).append(member)
        self.carriers: dict[str, list[Member]] = {}
        for member in self.by_kind["logistics"]:
            self.carriers.setdefault(member.route, []).append(member)
        self.members = {m.code: m for m in approved}
        self.spent: dict[tuple[int, int], Decimal] = {}
        self.serial: dict[dt.date, int] = {}

    def pick(self, kind: str, fixed: str = "", share: float = 0.0) -> str:
        if fixed and self.draw.random() < share:
            return FIXED + fixed
        return self.draw.choice(self.by_kind[kind]).code

    def order_no(self, day: dt.date, prefix: str) -> str:
        self.serial[day] = self.serial.get(day, 0) + 1
        return f"{prefix}{day:%Y%m%d}{self.serial[day]:05d}"

    def buyer_for(self, day: dt.date, value: Decimal) -> int:
        # Repeat customers are common (a skewed draw); no one's planned year nears the limit.
        for _ in range(20):
            index = int(self.draw.paretovariate(1.2) * 7) % self.scale.buyers
            key = (index, day.year)
            if self.spent.get(key, Decimal(0)) + value <= BUYER_YEAR_CAP:
                self.spent[key] = self.spent.get(key, Decimal(0)) + value
                return index
        return self.scale.buyers + self.draw.randrange(10**6)  # a new buyer, never repeated


def _import(d: _Drawer, day: dt.date, *, bonded: bool | None = None) -> Parcel:
    if bonded is None:
        bonded = d.draw.random() < 0.8
    seller = d.pick("importer", "seller", 0.15)
    catalogue_rows = IMPORT_GOODS if seller.startswith(FIXED) else articles_of_code(d, seller)
    rows = [a for a in catalogue_rows if bonded or a.mode != "1210"] or list(IMPORT_GOODS[:1])
    chosen = d.draw.sample(rows, k=min(len(rows), 1 + int(d.draw.random() < 0.35)))
    lines = tuple(Line(a, Decimal(1 + d.draw.randrange(3)), a.price) for a in chosen)
    declarant = d.pick("broker") if d.draw.random() < 0.6 else seller
    value = sum((x.qty * x.price for x in lines), Decimal(0))
    flaw_roll = d.draw.random()
    flaw = "payment_amount" if flaw_roll < 0.015 else "missing_waybill" if flaw_roll < 0.025 else ""
    follow_roll = d.draw.random()
    follow_up = "cancel" if follow_roll < 0.02 else "return" if follow_roll < 0.05 else ""
    return Parcel(
        day=day,
        order_no=d.order_no(day, "XI"),
        mode="1210" if bonded else "9610",
        direction="import",
        platform=d.pick("platform", "platform", 0.25),
        seller=seller,
        payment=d.pick("payment", "payment", 0.25),
        logistics=d.draw.choice(d.carriers["domestic" if bonded else "air-zhengzhou"]).code,
        agent=declarant,
        lines=lines,
        buyer=d.buyer_for(day, value),
        country=chosen[0].origin,
        traf_mode="Y" if bonded else "5",
        area=BONDED_AREA if bonded else "",
        flaw=flaw,
        follow_up="" if flaw else follow_up,
    )


def articles_of_code(d: _Drawer, code: str) -> list[catalogue.Article]:
    """Return the goods a generated seller filed (the same choice the zone loader makes)."""
    return articles_of(d.members[code])


def _export(d: _Drawer, day: dt.date) -> Parcel:
    roll = d.draw.random()
    mode = "9610" if roll < 0.55 else "9710" if roll < 0.75 else "9810"
    seller = d.pick("seller", "seller", 0.08)
    if seller.startswith(FIXED):
        rows: Sequence[catalogue.Article] = BELT_GOODS["fine-chem"]
    else:
        rows = articles_of_code(d, seller)
    if mode == "9810":
        region = d.draw.choice(sorted(REGION_COUNTRIES))
        route_key, country = REGION_ROUTE[region], d.draw.choice(REGION_COUNTRIES[region])
    else:
        route_key = d.draw.choice(
            ["rail-europe", "rail-sea-qingdao", "rail-sea-lianyungang", "air-zhengzhou", "road"]
        )
        country = d.draw.choice(ROUTES[route_key].countries)
    article = d.draw.choice(list(rows))
    retail = mode == "9610"
    big = article.price > 1000
    qty = Decimal(1 + d.draw.randrange(2 if big else (12 if retail else 300)))
    if big and not retail:
        qty = Decimal(1 + d.draw.randrange(3))
    carriers = d.carriers[route_key]
    logistics = d.draw.choice(carriers).code
    if route_key == "rail-europe" and d.draw.random() < 0.3:
        logistics = FIXED + "logistics"
    return Parcel(
        day=day,
        order_no=d.order_no(day, "XE"),
        mode=mode,
        direction="export",
        platform=d.pick("platform", "platform", 0.2),
        seller=seller,
        payment=d.pick("payment", "payment", 0.2),
        logistics=logistics,
        agent=d.pick("broker") if d.draw.random() < 0.4 else seller,
        lines=(Line(article, qty, article.price),),
        country=country,
        traf_mode=ROUTES[route_key].traf_mode,
        flaw="missing_waybill" if d.draw.random() < 0.01 else "",
    )


def plan_traffic(seed: int, scale: Scale, members: Sequence[Member]) -> Plan:
    """Return the year's planned parcels: seasonal volumes, flaws, follow-ups, planted patterns."""
    d = _Drawer(seed, scale, members)
    plan = Plan(seed, scale)
    days = list(plan.days())
    totals = {
        direction: sum(weight(day, direction) for day in days) for direction in ("import", "export")
    }
    shares = {"import": 0.55, "export": 0.45}
    for day in days:
        todays: list[Parcel] = []
        for direction, build in (("import", _import), ("export", _export)):
            expected = scale.sets * shares[direction] * weight(day, direction) / totals[direction]
            count = int(expected) + int(d.draw.random() < expected - int(expected))
            todays += [build(d, day) for _ in range(count)]
        if todays:
            plan.parcels[day] = todays
    for _ in range(scale.fraud_groups):
        _plant(d, plan, "split_order", _split_orders)
        _plant(d, plan, "shared_buyer", _shared_buyer)
        _plant(d, plan, "undervalued", _undervalued)
        _plant(d, plan, "quota_elsewhere", _quota_elsewhere)
        _plant(d, plan, "overcollected", _overcollected)
    _goods_to_dispatch(d, plan)
    last = plan.parcels.get(END, [])
    plan.parcels[END] = [_replace(p, declare=False) for p in last]
    return plan


# Bonded (1210) sets declared the day before END: customs releases them on END's pass and they
# are delivered after it, so the bonded warehouse ends the year with goods to pick and dispatch.
TO_DISPATCH: Final = 2


def _goods_to_dispatch(d: _Drawer, plan: Plan) -> None:
    eve = END - dt.timedelta(days=1)
    planned = plan.parcels.setdefault(eve, [])
    ready = sum(1 for p in planned if p.mode == "1210" and not p.flaw and not p.follow_up)
    for _ in range(TO_DISPATCH - ready):  # drawn last: the rest of the plan is as without them
        planned.append(_replace(_import(d, eve, bonded=True), flaw="", follow_up=""))


def _replace(parcel: Parcel, **changes: object) -> Parcel:
    return dataclasses.replace(parcel, **changes)  # type: ignore[arg-type]


Planter = Callable[[_Drawer, int], list[Parcel]]


def _plant(d: _Drawer, plan: Plan, name: str, planter: Planter) -> None:
    group = sum(1 for p in plan.patterns if p["pattern"] == name) + 1
    parcels = planter(d, group)
    for parcel in parcels:
        plan.parcels.setdefault(parcel.day, []).append(parcel)
    first = parcels[0]
    who = buyer(first.buyer) if first.buyer >= 0 else None
    plan.patterns.append(
        {
            "pattern": name,
            "group": group,
            "orders": [p.order_no for p in parcels],
            "buyer_id": (who.id_number[:6] + "********" + who.id_number[-4:]) if who else None,
            "seller": first.seller,
            "note": _NOTES[name],
        }
    )


_NOTES: Final = {
    "split_order": "one buyer's basket split into orders just under the CNY 5,000 single limit "
    "within days; the year's total passes CNY 26,000, so customs refuses the last ones",
    "shared_buyer": "one buyer id pays for parcels to many different consignees and addresses",
    "undervalued": "goods declared at about a tenth of the seller's filed price",
    "quota_elsewhere": "a buyer who already spent most of the year's CNY 26,000 on other "
    "platforms: the platform's check passes the parcel, customs refuses it (-621018)",
    "overcollected": "a seller's export collections (CEB403) are three times the goods value "
    "customs released: money brought in under cover of trade, for the FX administration",
}


def _pattern_import(d: _Drawer, day: dt.date, lines: tuple[Line, ...], **extra: object) -> Parcel:
    base = _import(d, day)
    return _replace(
        base, mode="1210", traf_mode="Y", area=BONDED_AREA, lines=lines,
        flaw="", follow_up="", **extra,
    )  # fmt: skip


def _split_orders(d: _Drawer, group: int) -> list[Parcel]:
    # In the Double 12 week of 2025: the platform's check of a past year's quota cannot see it.
    index = d.scale.buyers + 10**6 + group
    cream, formula = IMPORT_GOODS[0], IMPORT_GOODS[1]
    out = []
    for n in range(7):
        day = dt.date(2025, 12, 6) + dt.timedelta(days=n + group)
        lines = (Line(cream, Decimal(9), cream.price), Line(formula, Decimal(6), formula.price))
        out.append(_pattern_import(d, day, lines, buyer=index, pattern="split_order"))
    return out


def _shared_buyer(d: _Drawer, group: int) -> list[Parcel]:
    index = d.scale.buyers + 2 * 10**6 + group
    vitamins = IMPORT_GOODS[2]
    out = []
    for n in range(8):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=29 * n + group)
        lines = (Line(vitamins, Decimal(2), vitamins.price),)
        consignee = d.scale.buyers + 3 * 10**6 + group * 100 + n
        out.append(
            _pattern_import(d, day, lines, buyer=index, consignee=consignee, pattern="shared_buyer")
        )
    return out


def _quota_elsewhere(d: _Drawer, group: int) -> list[Parcel]:
    # A buyer of its own, with CNY 25,500 bought elsewhere this year before the parcel is sent.
    index = d.scale.buyers + 4 * 10**6 + group
    formula = IMPORT_GOODS[1]
    day = dt.date(2026, 3, 9) + dt.timedelta(days=group)
    lines = (Line(formula, Decimal(4), formula.price),)
    parcel = _pattern_import(d, day, lines, buyer=index, pattern="quota_elsewhere")
    return [_replace(parcel, elsewhere=Decimal(25500))]


def _undervalued(d: _Drawer, group: int) -> list[Parcel]:
    wine = IMPORT_GOODS[3]
    out = []
    for n in range(5):
        day = dt.date(2026, 4, 1) + dt.timedelta(days=17 * n + group)
        lines = (Line(wine, Decimal(6), (wine.price / 10).quantize(Decimal("0.01"))),)
        parcel = _pattern_import(d, day, lines, pattern="undervalued")
        out.append(_replace(parcel, buyer=d.buyer_for(day, parcel.value)))
    return out


def _overcollected(d: _Drawer, group: int) -> list[Parcel]:
    first = _export(d, dt.date(2026, 6, 3) + dt.timedelta(days=group))
    out = []
    for n in range(3):
        base = first if n == 0 else _export(d, first.day + dt.timedelta(days=11 * n))
        parcel = _replace(
            base,
            seller=first.seller,
            agent=first.agent,
            lines=first.lines,
            flaw="",
            pattern="overcollected",
        )
        out.append(_replace(parcel, collected=parcel.value * 3))
    return out

"""The consumer quota check (公民个人跨境电商年度交易额度查询): a person proves their ID number and
name and sees this year's used and remaining annual quota, masked, rate-limited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from opencbec.errors import DomainError
from opencbec.kit.i18n import Bilingual
from opencbec.kit.ids import keyed_digest
from opencbec.kit.mask import mask_id_number, mask_name
from opencbec.kit.time import CHINA_STANDARD_TIME
from opencbec.tax.models import QuotaAccount, QuotaEntry, QuotaLookup
from opencbec.tax.rules import (
    ANNUAL_LIMIT,
    check_lookup,
    name_hash,
    retry_after,
    round_cent,
)
from opencbec.tax.service.quota import buyer_hash

LOOKUP_WINDOW: Final = dt.timedelta(hours=1)
LOOKUPS_PER_ID: Final = 5
LOOKUPS_PER_CLIENT: Final = 30

NOTHING_RECORDED: Final = Bilingual(
    f"No declarations are recorded for this ID number and name this year; the full CNY {ANNUAL_LIMIT:,} is available.",
    f"本年度未查到该身份证号码和姓名的申报记录；可用额度为全额人民币 {ANNUAL_LIMIT:,} 元。",
)
"""The one answer for an unknown ID and for a known ID with another name: it reveals neither."""


class TooManyLookups(DomainError):
    """Too many quota lookups for one ID number or from one client within the hour."""

    def __init__(self, seconds: int) -> None:
        minutes = -(-seconds // 60)
        super().__init__(
            Bilingual(
                f"Too many quota lookups; try again in {minutes} minute(s).",
                f"查询过于频繁，请 {minutes} 分钟后再试。",
            ),
            [],
            "too_many_lookups",
            429,
        )
        self.retry_after = seconds


def quota_year(now: dt.datetime) -> int:
    """Return the calendar year of `now` in China: the year the ledger counts (declTime is local)."""
    return now.astimezone(CHINA_STANDARD_TIME).year


def client_key(secret: str, address: str) -> str:
    """Return how the rate limit names a client address: keyed, so the table holds no address."""
    return keyed_digest(secret, "quota-client:" + address)


@dataclass(frozen=True, slots=True)
class QuotaStatement:
    """What the consumer sees: their inputs masked and, when the ledger knows them, the figures."""

    masked_id_number: str
    masked_name: str
    year: int
    annual_limit: Decimal
    recorded: bool  # False: nothing matches this ID number and name (the neutral answer)
    used: Decimal  # reserved (declared, not yet released) plus consumed (released)
    pending: Decimal  # the reserved part of `used`
    remaining: Decimal


def look_up_quota(
    session: Session, *, id_number: str, name: str, client_key: str, year: int, now: dt.datetime
) -> QuotaStatement:
    """Answer a consumer's quota lookup for `year`; refused past 5 per ID or 30 per client an hour.

    `client_key` names the caller's address as a keyed digest (the web layer makes it). The
    figures are shown only when an entry of the year carries the same name hash; otherwise the
    answer is the same as for an ID the ledger never saw. A lookup reads; it writes only its
    rate-limit row, which is bookkeeping, not an audited change.
    """
    number, person = check_lookup(id_number, name)
    who = buyer_hash(number)
    session.execute(delete(QuotaLookup).where(QuotaLookup.at <= now - LOOKUP_WINDOW))
    for column, value, limit in (
        (QuotaLookup.client_key, client_key, LOOKUPS_PER_CLIENT),
        (QuotaLookup.buyer_hash, who, LOOKUPS_PER_ID),
    ):
        times = list(session.scalars(select(QuotaLookup.at).where(column == value)))
        wait = retry_after(times, limit=limit, window=LOOKUP_WINDOW, now=now)
        if wait is not None:
            raise TooManyLookups(wait)
    # Two lookups at the same instant may both pass at the limit: the limit is a brake on
    # guessing names, not a ledger, so it takes no lock.
    session.add(QuotaLookup(buyer_hash=who, client_key=client_key, at=now))
    session.flush()
    account = session.scalar(
        select(QuotaAccount).where(QuotaAccount.buyer_hash == who, QuotaAccount.year == year)
    )
    recorded = account is not None and (
        session.scalar(
            select(QuotaEntry.id)
            .where(QuotaEntry.account_id == account.id, QuotaEntry.name_hash == name_hash(person))
            .limit(1)
        )
        is not None
    )
    used = pending = Decimal(0)
    if account is not None and recorded:
        used, pending = account.reserved + account.consumed, account.reserved
    return QuotaStatement(
        masked_id_number=mask_id_number(number),
        masked_name=mask_name(person),
        year=year,
        annual_limit=ANNUAL_LIMIT,
        recorded=recorded,
        used=round_cent(used),
        pending=round_cent(pending),
        remaining=round_cent(ANNUAL_LIMIT - used),
    )

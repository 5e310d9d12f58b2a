"""The annual CBEC quota ledger (年度交易限值): an account per buyer and year, an entry per inventory;
and the consumer quota lookups, kept an hour for the rate limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opencbec.db import Base, Money, UTCDateTime


class QuotaAccount(Base):
    """A buyer's year: what is reserved by declared inventories and consumed by released ones.

    The buyer is kept as the SHA-256 of the ID number, never the number itself.
    """

    __tablename__ = "quota_accounts"
    __table_args__ = (UniqueConstraint("buyer_hash", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_hash: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[Decimal] = mapped_column(Money())
    consumed: Mapped[Decimal] = mapped_column(Money())


class QuotaEntry(Base):
    """One inventory's share of a buyer's year: reserved, then consumed or released.

    A return (退货) adds an entry of its own (state "returned") holding what it gave back.
    `name_hash` is the SHA-256 of the buyer's normalised name (tax.rules.name_hash), so a
    consumer can prove who they are on the quota page without the name being stored.
    """

    __tablename__ = "quota_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("quota_accounts.id"), index=True)
    document_key: Mapped[str] = mapped_column(String(200), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    state: Mapped[str] = mapped_column(String(10))
    name_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class QuotaLookup(Base):
    """One consumer quota lookup: whose ID (hashed) and from which client (keyed digest), when.

    Rows older than the rate-limit window are deleted by the next lookup.
    """

    __tablename__ = "quota_lookups"
    __table_args__ = (
        Index("ix_quota_lookups_buyer_hash_at", "buyer_hash", "at"),
        Index("ix_quota_lookups_client_key_at", "client_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_hash: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

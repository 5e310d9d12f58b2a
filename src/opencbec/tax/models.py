"""The annual CBEC quota ledger (年度交易限值): an account per buyer and year, an entry per inventory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
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
    """One inventory's share of a buyer's year: reserved, then consumed or released."""

    __tablename__ = "quota_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("quota_accounts.id"), index=True)
    document_key: Mapped[str] = mapped_column(String(200), unique=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

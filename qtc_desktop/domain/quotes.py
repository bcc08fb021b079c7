"""Accepted CPQ quotes and their lines, one row per revision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, Code, Money, Quantity, UnitPrice, UtcDateTime, utc_now
from qtc_desktop.domain.enums import QuoteType, enum_column

if TYPE_CHECKING:
    from qtc_desktop.domain.accounts import Account
    from qtc_desktop.domain.orders import FulfillmentOrder


class Quote(Base):
    """One revision of an accepted quote. A new revision is a new row with the same number."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("number", "revision"),
        Index("ix_quotes_account_id", "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(Code(64), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    type: Mapped[QuoteType] = mapped_column(enum_column(QuoteType), default=QuoteType.NEW)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"))
    external_id: Mapped[str | None] = mapped_column(Code(64))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    quote_date: Mapped[dt.date | None]
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    subscription_term: Mapped[int | None]  # months
    # For an amendment, renewal or cancellation: the quote or contract it changes.
    original_quote_number: Mapped[str | None] = mapped_column(Code(64))
    contract_number: Mapped[str | None] = mapped_column(Code(64))
    # Sum of the lines' net totals, kept here so lists sort and page on it in SQL.
    net_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    line_count: Mapped[int] = mapped_column(default=0)
    # Fingerprint of the imported content: re-importing an identical quote writes nothing.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    source_file: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    superseded: Mapped[bool] = mapped_column(default=False)  # a later revision exists

    account: Mapped[Account] = relationship(back_populates="quotes")
    lines: Mapped[list[QuoteLine]] = relationship(
        back_populates="quote",
        cascade="all, delete-orphan",
        order_by="QuoteLine.line_no",
        foreign_keys="QuoteLine.quote_id",
    )
    orders: Mapped[list[FulfillmentOrder]] = relationship(back_populates="quote")

    def __repr__(self) -> str:
        return f"Quote({self.number!r} rev {self.revision})"


class QuoteLine(Base):
    __tablename__ = "quote_lines"
    __table_args__ = (UniqueConstraint("quote_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    line_no: Mapped[int]
    external_id: Mapped[str | None] = mapped_column(Code(64))  # CPQ line id (RequiredBy target)
    parent_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("quote_lines.id", ondelete="SET NULL")
    )  # bundle parent
    product_code: Mapped[str] = mapped_column(Code(64), index=True)
    product_name: Mapped[str] = mapped_column(String(255), default="")
    product_family: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    prior_quantity: Mapped[Decimal | None] = mapped_column(Quantity())  # amendments
    list_price: Mapped[Decimal | None] = mapped_column(UnitPrice())
    net_price: Mapped[Decimal | None] = mapped_column(UnitPrice())
    discount_percent: Mapped[Decimal | None] = mapped_column(UnitPrice())
    net_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    subscription_term: Mapped[int | None]  # months
    billing_frequency: Mapped[str | None] = mapped_column(String(32))
    # Columns the import could not map, kept with the line rather than thrown away.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    quote: Mapped[Quote] = relationship(back_populates="lines", foreign_keys=[quote_id])
    parent: Mapped[QuoteLine | None] = relationship(remote_side=[id])

    @property
    def is_subscription(self) -> bool:
        return self.subscription_term is not None or self.end_date is not None

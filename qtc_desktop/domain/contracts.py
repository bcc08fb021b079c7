"""Contracted positions: what an account has under contract now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, Code, Quantity, UtcDateTime, utc_now

if TYPE_CHECKING:
    from qtc_desktop.domain.accounts import Account


class ContractedPosition(Base):
    __tablename__ = "contracted_positions"
    __table_args__ = (Index("ix_contracted_positions_account_product", "account_id", "product_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    contract_number: Mapped[str | None] = mapped_column(Code(64))
    product_code: Mapped[str] = mapped_column(Code(64))
    product_name: Mapped[str] = mapped_column(String(255), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    source_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("fulfillment_orders.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, default=utc_now, onupdate=utc_now
    )

    account: Mapped[Account] = relationship(back_populates="contracted_positions")

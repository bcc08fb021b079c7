"""The customer: an account, with its default addresses and contact."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, Code, UtcDateTime, utc_now

if TYPE_CHECKING:
    from qtc_desktop.domain.contracts import ContractedPosition
    from qtc_desktop.domain.orders import FulfillmentOrder
    from qtc_desktop.domain.quotes import Quote


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The CPQ or CRM id (a Salesforce Account Id, say); matched before the name on import.
    external_id: Mapped[str | None] = mapped_column(Code(64), unique=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    street: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str | None] = mapped_column(String(128))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(128))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, default=utc_now, onupdate=utc_now
    )

    quotes: Mapped[list[Quote]] = relationship(back_populates="account")
    orders: Mapped[list[FulfillmentOrder]] = relationship(back_populates="account")
    contracted_positions: Mapped[list[ContractedPosition]] = relationship(
        back_populates="account"
    )

    def __repr__(self) -> str:
        return f"Account({self.id!r}, {self.name!r})"

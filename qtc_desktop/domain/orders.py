"""The fulfillment order: our staging object between a quote and the ERP's sales order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, Code, Quantity, UtcDateTime, utc_now
from qtc_desktop.domain.enums import (
    FulfillmentKind,
    OrderStatus,
    ProvisioningAction,
    enum_column,
)

if TYPE_CHECKING:
    from qtc_desktop.domain.accounts import Account
    from qtc_desktop.domain.quotes import Quote, QuoteLine
    from qtc_desktop.domain.shipments import Shipment


class FulfillmentOrder(Base):
    """One per quote revision being fulfilled; holds what the quote never had."""

    __tablename__ = "fulfillment_orders"
    __table_args__ = (
        Index("ix_fulfillment_orders_status_number", "status", "number"),
        Index("ix_fulfillment_orders_account_id", "account_id"),
        Index("ix_fulfillment_orders_requested_date", "requested_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(Code(32), unique=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="RESTRICT"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.DRAFT
    )
    status_reason: Mapped[str | None] = mapped_column(Text)  # why on hold or cancelled
    # Optimistic locking: every UPDATE checks and bumps it, so a stale window cannot
    # overwrite a newer save (SQLAlchemy raises StaleDataError).
    version: Mapped[int] = mapped_column(default=1)

    ship_to_name: Mapped[str | None] = mapped_column(String(255))
    ship_to_street: Mapped[str | None] = mapped_column(String(255))
    ship_to_city: Mapped[str | None] = mapped_column(String(128))
    ship_to_postal_code: Mapped[str | None] = mapped_column(String(32))
    ship_to_region: Mapped[str | None] = mapped_column(String(128))
    ship_to_country: Mapped[str | None] = mapped_column(String(2))
    bill_to_name: Mapped[str | None] = mapped_column(String(255))
    bill_to_street: Mapped[str | None] = mapped_column(String(255))
    bill_to_city: Mapped[str | None] = mapped_column(String(128))
    bill_to_postal_code: Mapped[str | None] = mapped_column(String(32))
    bill_to_region: Mapped[str | None] = mapped_column(String(128))
    bill_to_country: Mapped[str | None] = mapped_column(String(2))
    contact_name: Mapped[str | None] = mapped_column(String(255))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(64))

    customer_po: Mapped[str | None] = mapped_column(String(64))
    requested_date: Mapped[dt.date | None]
    promised_date: Mapped[dt.date | None]
    confirmed_date: Mapped[dt.date | None]  # from the ERP
    carrier: Mapped[str | None] = mapped_column(String(64))
    service_level: Mapped[str | None] = mapped_column(String(64))
    incoterms: Mapped[str | None] = mapped_column(String(3))
    warehouse: Mapped[str | None] = mapped_column(String(64))
    instructions: Mapped[str | None] = mapped_column(Text)

    erp_order_number: Mapped[str | None] = mapped_column(Code(64))
    # Set by any change after the order last left in an export batch; cleared by export.
    changed_since_export: Mapped[bool] = mapped_column(default=False)
    last_export_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("export_batches.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, default=utc_now, onupdate=utc_now
    )

    quote: Mapped[Quote] = relationship(back_populates="orders")
    account: Mapped[Account] = relationship(back_populates="orders")
    lines: Mapped[list[FulfillmentOrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="FulfillmentOrderLine.line_no"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Shipment.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"FulfillmentOrder({self.number!r}, {self.status.value})"


class FulfillmentOrderLine(Base):
    __tablename__ = "fulfillment_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fulfillment_orders.id", ondelete="CASCADE"), index=True
    )
    quote_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("quote_lines.id", ondelete="SET NULL")
    )
    line_no: Mapped[int]
    product_code: Mapped[str] = mapped_column(Code(64))
    product_name: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[FulfillmentKind] = mapped_column(
        enum_column(FulfillmentKind), default=FulfillmentKind.SHIP
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity())  # to fulfil
    serialized: Mapped[bool] = mapped_column(default=False)
    serial_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    location: Mapped[str | None] = mapped_column(String(64))  # warehouse bin, for pick lists
    unit_weight_kg: Mapped[Decimal | None] = mapped_column(Quantity())
    tenant: Mapped[str | None] = mapped_column(String(255))
    licence_key: Mapped[str | None] = mapped_column(String(255))
    activation_contact: Mapped[str | None] = mapped_column(String(255))
    subscription_start: Mapped[dt.date | None]
    subscription_end: Mapped[dt.date | None]
    # On amendment, renewal and cancellation orders: what fulfillment must do.
    action: Mapped[ProvisioningAction | None] = mapped_column(enum_column(ProvisioningAction))
    prior_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    delta: Mapped[Decimal | None] = mapped_column(Quantity())
    effective_date: Mapped[dt.date | None]
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    order: Mapped[FulfillmentOrder] = relationship(back_populates="lines")
    quote_line: Mapped[QuoteLine | None] = relationship()

"""What leaves the warehouse in one go: shipments, their lines and packages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, Code, Quantity, UtcDateTime, utc_now

if TYPE_CHECKING:
    from qtc_desktop.domain.orders import FulfillmentOrder, FulfillmentOrderLine


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fulfillment_orders.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(Code(32), unique=True)
    ship_date: Mapped[dt.date]
    carrier: Mapped[str | None] = mapped_column(String(64))
    service_level: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

    order: Mapped[FulfillmentOrder] = relationship(back_populates="shipments")
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentLine.id"
    )
    packages: Mapped[list[Package]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="Package.id"
    )


class ShipmentLine(Base):
    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("fulfillment_order_lines.id", ondelete="RESTRICT"), index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    serial_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[FulfillmentOrderLine] = relationship()


class Package(Base):
    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str | None] = mapped_column(String(64))
    weight_kg: Mapped[Decimal | None] = mapped_column(Quantity())
    length_cm: Mapped[Decimal | None] = mapped_column(Quantity())
    width_cm: Mapped[Decimal | None] = mapped_column(Quantity())
    height_cm: Mapped[Decimal | None] = mapped_column(Quantity())

    shipment: Mapped[Shipment] = relationship(back_populates="packages")

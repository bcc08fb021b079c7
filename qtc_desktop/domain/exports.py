"""Export batches (spreadsheets that left for the ERP) and the column layouts they use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qtc_desktop.domain.base import Base, UtcDateTime, utc_now


class ExportBatch(Base):
    __tablename__ = "export_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Written into the workbook's meta sheet; the round trip finds the batch by it.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    layout_name: Mapped[str] = mapped_column(String(64))
    file_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(String(128))

    orders: Mapped[list[ExportBatchOrder]] = relationship(
        back_populates="batch", cascade="all, delete-orphan"
    )


class ExportBatchOrder(Base):
    """One order in a batch, at the version it had when it left, with what it looked like."""

    __tablename__ = "export_batch_orders"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("export_batches.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("fulfillment_orders.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    order_version: Mapped[int]
    # The exported field values, the "at export" side of a three-way round-trip compare.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    batch: Mapped[ExportBatch] = relationship(back_populates="orders")


class ExportLayout(Base):
    """A user-defined export layout: which columns, in which order, under which headers."""

    __tablename__ = "export_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # [{"field": "customer_po", "header": "PO"}, ...]
    columns: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, default=utc_now, onupdate=utc_now
    )

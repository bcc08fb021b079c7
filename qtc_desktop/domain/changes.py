"""Change records: who changed which field of what, when, from what to what, and why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qtc_desktop.domain.base import Base, UtcDateTime, utc_now
from qtc_desktop.domain.enums import ChangeSource, enum_column


class ChangeRecord(Base):
    __tablename__ = "change_records"
    __table_args__ = (
        Index("ix_change_records_entity", "entity_type", "entity_id"),
        Index("ix_change_records_order_id", "order_id"),
        Index("ix_change_records_account_id", "account_id"),
        Index("ix_change_records_field", "field"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    who: Mapped[str] = mapped_column(String(128))
    source: Mapped[ChangeSource] = mapped_column(enum_column(ChangeSource))
    reason: Mapped[str | None] = mapped_column(Text)
    entity_type: Mapped[str] = mapped_column(String(32))  # "order", "order_line", "quote", ...
    entity_id: Mapped[int]
    # The order and account the change belongs to, so their history is one indexed query.
    # No foreign keys: history outlives what it describes.
    order_id: Mapped[int | None]
    account_id: Mapped[int | None]
    # The order's version the change made (of an order's own change, its line's or shipment's), so
    # "what changed since version N" is exact whatever the workstations' clocks say. NULL before 0004.
    order_version: Mapped[int | None]
    # What in the entity a person would name: "line 2", "SH-000004", "Q-2026-0001 rev 2".
    subject: Mapped[str | None] = mapped_column(String(160))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    export_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("export_batches.id", ondelete="SET NULL")
    )

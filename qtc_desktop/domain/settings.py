"""The database's identity, saved import mappings and product rules: what the app was taught."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from qtc_desktop.domain.base import Base, UtcDateTime, utc_now
from qtc_desktop.domain.enums import FulfillmentKind, enum_column


class ImportMapping(Base):
    """A named column mapping for files whose headers the built-in names do not cover."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # {"Angebotsnummer": "quote_number", "Menge": "quantity", ...}
    columns: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UtcDateTime, default=utc_now, onupdate=utc_now
    )


class ProductRule(Base):
    """How lines whose product code matches a pattern are fulfilled."""

    __tablename__ = "product_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(64), unique=True)  # glob, e.g. "SVC-*"
    kind: Mapped[FulfillmentKind] = mapped_column(enum_column(FulfillmentKind))
    serialized: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=100)


class DatabaseIdentity(Base):
    """One row naming this database, so a workbook exported from another one is recognised.

    Written by migration 0002; the ERP round trip refuses a workbook whose meta sheet names
    a different database id.
    """

    __tablename__ = "database_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)

"""History as the coordinator reads it: an order's or an account's change records, filtered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ChangeRecord, ChangeSource, FulfillmentOrder

DEFAULT_LIMIT = 5000  # an account's whole life fits; a runaway one is still bounded


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: dt.datetime
    who: str
    source: ChangeSource
    reason: str | None
    entity: str
    entity_id: int
    subject: str | None
    field: str
    old: str | None
    new: str | None
    order_number: str | None

    @property
    def what(self) -> str:
        """The changed thing as a person names it: "line 2 quantity", "status"."""
        field = self.field.replace("_", " ")
        if self.entity in ("order", "account") or not self.subject:
            return field
        return f"{self.subject} {field}"

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "who": self.who, "source": self.source.value, "reason": self.reason,
                "entity": self.entity, "entity_id": self.entity_id, "subject": self.subject,
                "order": self.order_number, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class HistoryFilter:
    field: str | None = None
    source: ChangeSource | None = None


def order_history(session: Session, order: FulfillmentOrder, where: HistoryFilter = HistoryFilter(), *,
                  limit: int = DEFAULT_LIMIT) -> list[HistoryEntry]:
    """Every change record of the order (its header, lines and shipments), oldest first."""
    belongs = or_(ChangeRecord.order_id == order.id,
                  (ChangeRecord.entity_type == "order") & (ChangeRecord.entity_id == order.id))
    return _entries(session, _statement(belongs, where), limit)


def account_history(session: Session, account_id: int, where: HistoryFilter = HistoryFilter(), *,
                    limit: int = DEFAULT_LIMIT) -> list[HistoryEntry]:
    """Every change record of the account, its quotes, orders and contracted positions, oldest first."""
    return _entries(session, _statement(ChangeRecord.account_id == account_id, where), limit)


def fields_and_sources(entries: Sequence[HistoryEntry]) -> tuple[list[str], list[ChangeSource]]:
    """The fields and sources found in the entries, for a filter's choices."""
    fields = sorted({entry.field for entry in entries})
    sources = [source for source in ChangeSource if any(entry.source is source for entry in entries)]
    return fields, sources


def _statement(belongs: Any, where: HistoryFilter) -> Select[ChangeRecord, str]:
    statement = (select(ChangeRecord, FulfillmentOrder.number)
                 .outerjoin(FulfillmentOrder, FulfillmentOrder.id == ChangeRecord.order_id).where(belongs))
    if where.field:
        statement = statement.where(ChangeRecord.field == where.field)
    if where.source is not None:
        statement = statement.where(ChangeRecord.source == where.source)
    return statement


def _entries(session: Session, statement: Select[ChangeRecord, str], limit: int) -> list[HistoryEntry]:
    # The newest `limit` records, shown oldest first.
    rows = session.execute(statement.order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc()).limit(limit)).all()
    return [HistoryEntry(record.id, record.at, record.who, record.source, record.reason, record.entity_type,
                         record.entity_id, record.subject, record.field, record.old_value, record.new_value, number)
            for record, number in reversed(rows)]

"""An order's change records, newest last: who changed which field, when, from what, and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ChangeRecord, FulfillmentOrder


def order_history(session: Session, order: FulfillmentOrder) -> list[dict[str, Any]]:
    """Every change record of the order (its header, lines and shipments), oldest first."""
    records = session.execute(
        select(ChangeRecord).where(or_(ChangeRecord.order_id == order.id,
                                       (ChangeRecord.entity_type == "order") & (ChangeRecord.entity_id == order.id)))
        .order_by(ChangeRecord.at, ChangeRecord.id)).scalars()
    return [{"at": record.at.isoformat(), "who": record.who, "source": record.source.value,
             "reason": record.reason, "entity": record.entity_type, "entity_id": record.entity_id,
             "field": record.field, "old": record.old_value, "new": record.new_value}
            for record in records]

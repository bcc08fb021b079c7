"""What others changed on an order while a window had it open, and saves that lost that race."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from qtc_desktop.domain import ChangeRecord, FulfillmentOrder
from qtc_desktop.services.orders.errors import StaleOrder


def newest_change(session: Session, order_id: int) -> int:
    """The id of the order's latest change record (0 when none): a window's bookmark."""
    return session.execute(select(func.max(ChangeRecord.id)).where(ChangeRecord.order_id == order_id)).scalar() or 0


def changes_since(session: Session, order_id: int, after_id: int, *, limit: int = 12) -> list[str]:
    """Who changed what on the order after the bookmark, as lines a person reads."""
    records = session.execute(select(ChangeRecord).where(ChangeRecord.order_id == order_id, ChangeRecord.id > after_id)
                              .order_by(ChangeRecord.id)).scalars().all()
    return _lines(records, limit)


def changes_since_version(session: Session, order: FulfillmentOrder, version: int, *, limit: int = 12) -> list[str]:
    """Who changed what on the order since it was at `version` (what a stale save would overwrite).

    Each record names the order version its change made (a version an export made without a
    status change has none: nothing a person would name changed). Records written before they
    did (schema 0003 and older) are placed by time instead: each save bumps the version once
    and stamps its records with one time, so those saves are the order's newest distinct times.
    """
    saves = order.version - version
    if saves <= 0:
        return []
    belongs = or_(ChangeRecord.order_id == order.id,
                  (ChangeRecord.entity_type == "order") & (ChangeRecord.entity_id == order.id))
    records = session.execute(select(ChangeRecord).where(belongs, ChangeRecord.order_version > version)
                              .order_by(ChangeRecord.id)).scalars().all()
    newest = session.execute(select(ChangeRecord.order_version).where(belongs)
                             .order_by(ChangeRecord.id.desc()).limit(1)).scalar()
    if not records and newest is None:  # written before records named versions
        times = (select(ChangeRecord.at).where(belongs).distinct().order_by(ChangeRecord.at.desc())
                 .limit(saves).scalar_subquery())
        records = session.execute(select(ChangeRecord).where(belongs, ChangeRecord.at >= times.correlate(None))
                                  .order_by(ChangeRecord.id)).scalars().all()
    return _lines(records, limit)


def stale_order(session: Session, order: FulfillmentOrder, expected_version: int) -> StaleOrder:
    """The refusal of a save made on an older version, naming who changed what since."""
    return StaleOrder(order.number, expected_version, order.version,
                      changes_since_version(session, order, expected_version))


def _lines(records: Sequence[ChangeRecord], limit: int) -> list[str]:
    lines = [f"{record.who}: {_what(record)} {record.old_value or '(blank)'} → "
             f"{record.new_value or '(blank)'}" for record in records[:limit]]
    if len(records) > limit:
        lines.append(f"and {len(records) - limit} more")
    return lines


def _what(record: ChangeRecord) -> str:
    field = record.field.replace("_", " ")
    return field if record.entity_type == "order" or not record.subject else f"{record.subject} {field}"


def flush_checked(session: Session, order: FulfillmentOrder, expected_version: int) -> None:
    """Flush; a save that lost the race to another one (the version check at UPDATE) is StaleOrder."""
    number = order.number  # a failed flush leaves the order unreadable until rollback
    try:
        session.flush()
    except StaleDataError:
        raise StaleOrder(number, expected_version, None, []) from None

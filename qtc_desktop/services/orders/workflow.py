"""The order workflow: which status may follow which, and when a change is refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ChangeRecord, ChangeSource, FulfillmentOrder, OrderStatus
from qtc_desktop.services.changes.contracts import record_fulfilment
from qtc_desktop.services.orders.errors import StatusRefused
from qtc_desktop.services.orders.history import flush_checked, stale_order
from qtc_desktop.services.orders.readiness import blocks_release, readiness
from qtc_desktop.services.orders.shipping import backordered
from qtc_desktop.store.journal import recording

S = OrderStatus
# Shipped statuses follow from shipments, not from a choice; hold and cancel stand beside.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.READY, S.ON_HOLD, S.CANCELLED}),
    S.READY: frozenset({S.DRAFT, S.SENT_TO_ERP, S.ON_HOLD, S.CANCELLED}),
    S.SENT_TO_ERP: frozenset({S.CONFIRMED, S.READY, S.ON_HOLD, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.ON_HOLD, S.CANCELLED}),
    S.PARTLY_SHIPPED: frozenset({S.ON_HOLD}),
    S.SHIPPED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.ON_HOLD: frozenset(),  # back to where it was held, see _released_to
    S.CANCELLED: frozenset(),
}
NEEDS_REASON = frozenset({S.ON_HOLD, S.CANCELLED})
SHIPMENT_STATES = frozenset({S.PARTLY_SHIPPED, S.SHIPPED})


def allowed_next(session: Session, order: FulfillmentOrder) -> list[OrderStatus]:
    """The statuses the coordinator may choose now (before the readiness rules are applied)."""
    if order.status is S.ON_HOLD:
        return [_held_from(session, order), S.CANCELLED]
    allowed = TRANSITIONS[order.status] | ({S.SHIPPED} if _fulfilled_by_hand(order) else set())
    return sorted(allowed, key=list(OrderStatus).index)


def _fulfilled_by_hand(order: FulfillmentOrder) -> bool:
    """An order the ERP has with no goods to ship (subscriptions, services, an amendment's
    decreases) is marked fulfilled by moving it to shipped; goods need a recorded shipment."""
    return order.status in (S.SENT_TO_ERP, S.CONFIRMED) and bool(order.lines) and not backordered(order)


def change_status(session: Session, order: FulfillmentOrder, status: OrderStatus, *, who: str,
                  reason: str | None = None, expected_version: int | None = None,
                  source: ChangeSource = ChangeSource.USER_EDIT) -> None:
    """Move the order to `status`, or raise StatusRefused with every reason it may not."""
    if expected_version is not None and expected_version != order.version:
        raise stale_order(session, order, expected_version)
    reasons = refusals(session, order, status, reason)
    if reasons:
        raise StatusRefused(order.number, reasons)
    with recording(session, who=who, source=source, reason=reason):
        order.status = status
        order.status_reason = reason.strip() if status in NEEDS_REASON and reason else None
        flush_checked(session, order, order.version)
    record_fulfilment(session, order, who=who)


def refusals(session: Session, order: FulfillmentOrder, status: OrderStatus, reason: str | None) -> list[str]:
    if status is order.status:
        return [f"is already {status.phrase}"]
    returning = order.status is S.ON_HOLD and status is _held_from(session, order)
    by_hand = status is S.SHIPPED and _fulfilled_by_hand(order)
    if status in SHIPMENT_STATES and not returning and not by_hand:
        return ["shipped statuses follow from recorded shipments; record a shipment instead"]
    if status not in allowed_next(session, order):
        choices = ", ".join(s.phrase for s in allowed_next(session, order)) or "none"
        return [f"cannot go from {order.status.phrase} to {status.phrase} (allowed: {choices})"]
    reasons = []
    if status in NEEDS_REASON and not (reason and reason.strip()):
        reasons.append(f"putting an order {status.phrase} needs a reason")
    if status is S.CANCELLED and any(shipment.lines for shipment in order.shipments):
        reasons.append("goods have shipped; an order with shipments cannot be cancelled")
    if status in (S.READY, S.SENT_TO_ERP, S.CONFIRMED):
        reasons += [f"missing {item}" for item in blocks_release(readiness(order))]
    return reasons


def _held_from(session: Session, order: FulfillmentOrder) -> OrderStatus:
    """The status an order on hold had before, from its history (draft when unknown)."""
    previous = session.execute(
        select(ChangeRecord.old_value).where(
            ChangeRecord.order_id == order.id, ChangeRecord.field == "status",
            ChangeRecord.new_value == S.ON_HOLD.value).order_by(ChangeRecord.id.desc()).limit(1)).scalar()
    try:
        return OrderStatus(previous) if previous else S.DRAFT
    except ValueError:
        return S.DRAFT

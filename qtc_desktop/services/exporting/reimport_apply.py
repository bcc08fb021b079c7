"""Applying a re-import: the sheet's changes and the accepted conflicts, as "ERP round trip"."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from qtc_desktop.domain import ChangeSource, FulfillmentOrder, OrderStatus
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.reimport_compare import DATE
from qtc_desktop.services.exporting.reimport_plan import ReimportPlan, SheetChange
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import EditRefused
from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS, parse_value
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, record_shipment, shipped_quantities
from qtc_desktop.services.orders.workflow import change_status, refusals
from qtc_desktop.store.journal import recording


def apply_reimport(session: Session, plan: ReimportPlan, *, who: str,
                   accept: Collection[tuple[str, str]] = ()) -> list[SheetChange]:
    """Apply the plan's changes and the accepted conflicts ((order, field) pairs), in the caller's
    transaction; returns what was applied. Refused whole if the plan has errors."""
    if plan.errors:
        raise QtcError(f"{plan.path.name} was not taken back: " + "; ".join(map(str, plan.errors[:5])))
    chosen = list(plan.changes) + [c for c in plan.conflicts if (c.order, c.field) in accept]
    by_order: dict[int, list[SheetChange]] = {}
    for change in chosen:
        by_order.setdefault(change.order_id, []).append(change)
    reason = f"ERP round trip: {plan.path.name}"
    for order_id, changes in by_order.items():
        order = find_order(session, order_id)
        try:
            _apply_order(session, order, changes, who, reason)
        except EditRefused as exc:
            raise QtcError(f"{order.number}: {exc}") from exc
    return chosen


def _apply_order(session: Session, order: FulfillmentOrder, changes: Sequence[SheetChange], who: str,
                 reason: str) -> None:
    header = {c.column: c.sheet for c in changes if c.line_id is None and c.column in HEADER_FIELDS}
    lines: dict[int, dict[str, str]] = {}
    for change in changes:
        if change.line_no is not None and change.column in LINE_FIELDS:
            lines.setdefault(change.line_no, {})[change.column] = change.sheet
    if header or lines:
        apply_edit(session, order, OrderEdit(header, lines), who=who, source=ChangeSource.ERP_ROUND_TRIP,
                   reason=reason)
    confirmed = next((c for c in changes if c.column == "confirmed_date"), None)
    if confirmed is not None:
        with recording(session, who=who, source=ChangeSource.ERP_ROUND_TRIP, reason=reason):
            order.confirmed_date = parse_value(DATE, confirmed.sheet)  # type: ignore[assignment]
    tracking = next((c.sheet.strip() or None for c in changes if c.column == "tracking_number"), None)
    shipped_now = shipped_quantities(order)
    quantities = {}
    for change in changes:
        if change.column == "shipped" and change.line_id is not None:
            more = Decimal(change.sheet or "0") - shipped_now.get(change.line_id, Decimal(0))
            if more > 0:
                quantities[change.line_no or 0] = more
    if quantities:
        if order.status in (OrderStatus.READY,):
            change_status(session, order, OrderStatus.SENT_TO_ERP, who=who, source=ChangeSource.ERP_ROUND_TRIP,
                          reason=reason)
        record_shipment(session, order, ShipmentRequest(quantities, tracking_number=tracking), who=who,
                        source=ChangeSource.ERP_ROUND_TRIP)
    elif tracking is not None and order.shipments:
        with recording(session, who=who, source=ChangeSource.ERP_ROUND_TRIP, reason=reason):
            order.shipments[-1].tracking_number = tracking
    if order.erp_order_number and order.status is OrderStatus.SENT_TO_ERP and not refusals(
            session, order, OrderStatus.CONFIRMED, None):
        change_status(session, order, OrderStatus.CONFIRMED, who=who, source=ChangeSource.ERP_ROUND_TRIP,
                      reason=reason)


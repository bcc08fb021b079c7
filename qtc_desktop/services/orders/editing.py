"""Saving a coordinator's edits to an order: all checked, one transaction, a record per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    ChangeSource,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
)
from qtc_desktop.services.changes.contracts import record_fulfilment
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem
from qtc_desktop.services.orders.fields import (
    HEADER_FIELDS,
    LINE_FIELDS,
    ValueRefused,
    format_value,
    parse_value,
)
from qtc_desktop.services.orders.history import flush_checked, stale_order
from qtc_desktop.services.orders.shipping import backordered
from qtc_desktop.store.journal import recording

LOCKED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})


@dataclass(frozen=True)
class OrderEdit:
    """What the coordinator typed: header field -> text, and line number -> field -> text."""

    header: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[int, Mapping[str, str]] = field(default_factory=dict)


def check_edit(order: FulfillmentOrder, edit: OrderEdit) -> tuple[dict[str, object], dict[int, dict[str, object]], list[FieldProblem]]:
    """Parse every value of the edit; the problems name the field (and line) of each bad one."""
    problems: list[FieldProblem] = []
    header: dict[str, object] = {}
    for name, text in edit.header.items():
        spec = HEADER_FIELDS.get(name)
        if spec is None:
            problems.append(FieldProblem(name, f"is not an order field (fields: {', '.join(HEADER_FIELDS)})"))
            continue
        try:
            header[name] = parse_value(spec, text)
        except ValueRefused as exc:
            problems.append(FieldProblem(name, str(exc)))
    lines_by_no = {line.line_no: line for line in order.lines}
    lines: dict[int, dict[str, object]] = {}
    for line_no, changes in edit.lines.items():
        line = lines_by_no.get(line_no)
        if line is None:
            problems.append(FieldProblem("line", f"order {order.number} has no line {line_no}", line_no))
            continue
        parsed: dict[str, object] = {}
        for name, text in changes.items():
            spec = LINE_FIELDS.get(name)
            if spec is None:
                problems.append(FieldProblem(name, f"is not a line field (fields: {', '.join(LINE_FIELDS)})", line_no))
                continue
            try:
                parsed[name] = parse_value(spec, text)
            except ValueRefused as exc:
                problems.append(FieldProblem(name, str(exc), line_no))
        lines[line_no] = parsed
        problems += _line_rules(order, line, parsed, line_no)
    return header, lines, problems


def _line_rules(order: FulfillmentOrder, line: FulfillmentOrderLine, parsed: dict[str, object],
                line_no: int) -> list[FieldProblem]:
    """Rules across a line's fields: quantity within the quote, serials within the quantity."""
    problems = []
    quantity = parsed.get("quantity", line.quantity)
    assert isinstance(quantity, Decimal)
    quoted = line.quote_line.quantity if line.quote_line is not None else None
    if line.action is not None and line.delta:
        quoted = abs(line.delta)  # an amendment's line acts on the change, not on the total
    if "quantity" in parsed and quoted is not None and quantity > quoted:
        what = "the amendment's change of" if line.action is not None and line.delta else "the quote's"
        problems.append(FieldProblem("quantity", f"is more than {what} {format_value(quoted)}", line_no))
    shipped = sum((sl.quantity for shipment in order.shipments for sl in shipment.lines
                   if sl.order_line_id == line.id), Decimal(0))
    if "quantity" in parsed and quantity < shipped:
        problems.append(FieldProblem("quantity", f"is less than the {format_value(shipped)} already shipped", line_no))
    serialized = parsed.get("serialized", line.serialized)
    serials = parsed.get("serial_numbers", line.serial_numbers or [])
    assert isinstance(serials, list)
    if serials and not serialized:
        problems.append(FieldProblem("serial_numbers", "the item is not serialized", line_no))
    elif serialized and len(serials) > quantity:
        problems.append(FieldProblem("serial_numbers",
                                     f"{len(serials)} serial numbers for a quantity of {format_value(quantity)}", line_no))
    kind = parsed.get("kind", line.kind)
    if serialized and kind is not FulfillmentKind.SHIP:
        problems.append(FieldProblem("serialized", "only goods that ship carry serial numbers", line_no))
    start = parsed.get("subscription_start", line.subscription_start)
    end = parsed.get("subscription_end", line.subscription_end)
    if start is not None and end is not None and end < start:  # type: ignore[operator]
        problems.append(FieldProblem("subscription_end", "ends before it starts", line_no))
    return problems


def apply_edit(session: Session, order: FulfillmentOrder, edit: OrderEdit, *, who: str,
               expected_version: int | None = None, source: ChangeSource = ChangeSource.USER_EDIT,
               reason: str | None = None) -> list[str]:
    """Check and save the edit; returns what changed, as "field: old → new" lines.

    Refuses the whole edit (EditRefused) if any value is bad, and a stale window's edit
    (StaleOrder) when the order was saved after `expected_version`.
    """
    if expected_version is not None and expected_version != order.version:
        raise stale_order(session, order, expected_version)
    if order.status in LOCKED:
        raise EditRefused([FieldProblem("status", f"order {order.number} is {order.status.phrase}; "
                                        "it can no longer be changed")])
    header, lines, problems = check_edit(order, edit)
    if problems:
        raise EditRefused(problems)
    changed: list[str] = []
    with recording(session, who=who, source=source, reason=reason):
        for name, value in header.items():
            changed += _set(order, name, value, None)
        by_no = {line.line_no: line for line in order.lines}
        for line_no, values in lines.items():
            for name, value in values.items():
                changed += _set(by_no[line_no], name, value, line_no)
        if changed:
            flush_checked(session, order, order.version)  # the version check and bump happen here
    if changed and order.status is OrderStatus.PARTLY_SHIPPED and not backordered(order):
        # Cutting the last backorder down to what left already completes the order.
        with recording(session, who=who, source=source, reason=reason or "nothing left to ship"):
            changed += _set(order, "status", OrderStatus.SHIPPED, None)
        record_fulfilment(session, order, who=who)
    return changed


def _set(target: object, name: str, value: object, line_no: int | None) -> list[str]:
    old = getattr(target, name)
    if _same(old, value):
        return []
    setattr(target, name, list(value) if isinstance(value, list) else value)
    label = f"line {line_no} {name}" if line_no is not None else name
    return [f"{label}: {format_value(old) or '(blank)'} → {format_value(value) or '(blank)'}"]


def _same(old: object, new: object) -> bool:
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    if old in (None, "", []) and new in (None, "", []):
        return True
    return old == new

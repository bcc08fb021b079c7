"""Recording what leaves the warehouse: shipped quantities, serials, packages, backorders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    ChangeSource,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Package,
    ProvisioningAction,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.changes.contracts import record_fulfilment
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem
from qtc_desktop.services.orders.history import flush_checked, stale_order
from qtc_desktop.store.journal import recording

SHIPPABLE = frozenset({OrderStatus.SENT_TO_ERP, OrderStatus.CONFIRMED, OrderStatus.PARTLY_SHIPPED})
_DONE = {FulfillmentKind.PROVISION: "provisioned", FulfillmentKind.PERFORM: "performed"}
_PLACES = Decimal("0.0001")  # quantities, weights and sizes are stored to four places
_LARGEST = Decimal("1e9")
_TEXT_LIMIT = 64  # carrier, service level and tracking number columns


@dataclass(frozen=True)
class PackageSpec:
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    reference: str | None = None


@dataclass(frozen=True)
class ShipmentRequest:
    quantities: Mapping[int, Decimal]  # line number -> quantity leaving now
    serials: Mapping[int, Sequence[str]] = field(default_factory=dict)  # line number -> serials in this shipment
    packages: Sequence[PackageSpec] = ()
    carrier: str | None = None  # defaults to the order's
    service_level: str | None = None
    tracking_number: str | None = None
    ship_date: dt.date | None = None  # defaults to today


def shipped_quantities(order: FulfillmentOrder) -> dict[int, Decimal]:
    """Line id -> quantity shipped so far, over every shipment of the order."""
    shipped: dict[int, Decimal] = {}
    for shipment in order.shipments:
        for line in shipment.lines:
            shipped[line.order_line_id] = shipped.get(line.order_line_id, Decimal(0)) + line.quantity
    return shipped


def backordered(order: FulfillmentOrder) -> dict[int, Decimal]:
    """Line number -> goods still to ship (an amendment's decreases and removals ship nothing)."""
    shipped = shipped_quantities(order)
    return {line.line_no: line.quantity - shipped.get(line.id, Decimal(0))
            for line in order.lines if line.kind is FulfillmentKind.SHIP and delivers(line)
            and line.quantity > shipped.get(line.id, Decimal(0))}


def delivers(line: FulfillmentOrderLine) -> bool:
    """Whether fulfilling the line hands units over (not so for a decrease, removal or cancellation)."""
    if line.action is None:
        return True
    return line.action in _DELIVERING or (line.action is ProvisioningAction.SWAP and (line.delta or 0) > 0)


_DELIVERING = frozenset({ProvisioningAction.ADD, ProvisioningAction.INCREASE, ProvisioningAction.RENEW})


def record_shipment(session: Session, order: FulfillmentOrder, request: ShipmentRequest, *, who: str,
                    expected_version: int | None = None,
                    source: ChangeSource = ChangeSource.USER_EDIT) -> Shipment:
    """Store one shipment; the order becomes partly shipped or shipped. Refused whole if any
    quantity or serial is wrong."""
    if expected_version is not None and expected_version != order.version:
        raise stale_order(session, order, expected_version)
    problems = _check(order, request)
    if problems:
        raise EditRefused(problems)
    number = _next_number(session)
    with recording(session, who=who, source=source, reason=f"shipment {number}"):
        by_no = {line.line_no: line for line in order.lines}
        shipment = Shipment(
            number=number, ship_date=request.ship_date or dt.date.today(),
            carrier=request.carrier or order.carrier, service_level=request.service_level or order.service_level,
            tracking_number=request.tracking_number,
        )
        for line_no, quantity in sorted(request.quantities.items()):
            line = by_no[line_no]
            serials = list(request.serials.get(line_no, ()))
            if line.serialized and not serials:  # the line's own serials, in order, not yet shipped
                already = {s for shipment_ in order.shipments for l in shipment_.lines if l.order_line_id == line.id
                           for s in l.serial_numbers}
                serials = [s for s in line.serial_numbers if s not in already][: int(quantity)]
            # Serials first seen at the packing table become the line's record too.
            new = [serial for serial in serials if serial not in (line.serial_numbers or [])]
            if new:
                line.serial_numbers = [*(line.serial_numbers or []), *new]
            shipment.lines.append(ShipmentLine(order_line_id=line.id, order_line=line, quantity=quantity,
                                               serial_numbers=serials))
        for spec in request.packages:
            shipment.packages.append(Package(reference=spec.reference, weight_kg=spec.weight_kg,
                                             length_cm=spec.length_cm, width_cm=spec.width_cm, height_cm=spec.height_cm))
        order.shipments.append(shipment)
        order.status = OrderStatus.SHIPPED if not backordered(order) else OrderStatus.PARTLY_SHIPPED
        flush_checked(session, order, order.version)
    record_fulfilment(session, order, who=who)
    return shipment


def _check(order: FulfillmentOrder, request: ShipmentRequest) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if order.status not in SHIPPABLE:
        problems.append(FieldProblem("status", f"order {order.number} is {order.status.phrase}; goods "
                                     "ship once the order is sent to the ERP or confirmed"))
    if not request.quantities:
        problems.append(FieldProblem("lines", "a shipment needs at least one line and quantity"))
    for name, text in (("carrier", request.carrier), ("service_level", request.service_level),
                       ("tracking_number", request.tracking_number)):
        if text is not None and len(text) > _TEXT_LIMIT:
            problems.append(FieldProblem(name, f"is longer than {_TEXT_LIMIT} characters"))
    by_no = {line.line_no: line for line in order.lines}
    for line_no, given in request.serials.items():
        line = by_no.get(line_no)
        if line is not None and given and not line.serialized:
            problems.append(FieldProblem("serial_numbers", f"{line.product_code} is not serialized", line_no))
    open_quantities = backordered(order)
    shipped_serials = {s for shipment in order.shipments for line in shipment.lines for s in line.serial_numbers}
    for line_no, quantity in request.quantities.items():
        line = by_no.get(line_no)
        if line is None:
            problems.append(FieldProblem("line", f"order {order.number} has no line {line_no}", line_no))
            continue
        if line.kind is not FulfillmentKind.SHIP:
            problems.append(FieldProblem("quantity", f"{line.product_code} is {_DONE[line.kind]}, not shipped",
                                         line_no))
            continue
        remaining = open_quantities.get(line_no, Decimal(0))
        if not quantity.is_finite() or quantity <= 0:  # NaN compares by raising
            problems.append(FieldProblem("quantity", "must be above zero", line_no))
            continue
        if quantity > remaining:
            problems.append(FieldProblem("quantity", f"{format(quantity.normalize(), 'f')} is more than the "
                                         f"{format(remaining.normalize(), 'f')} still to ship", line_no))
        elif quantity != quantity.quantize(_PLACES):
            problems.append(FieldProblem("quantity", "has more than four decimal places", line_no))
        serials = list(request.serials.get(line_no, ()))
        if line.serialized:
            if quantity != quantity.to_integral_value():
                problems.append(FieldProblem("quantity", "serialized items ship in whole units", line_no))
                continue
            available = [s for s in line.serial_numbers if s not in shipped_serials]
            if serials:
                if len(serials) != quantity:
                    problems.append(FieldProblem("serial_numbers", f"{len(serials)} serials for {int(quantity)} units",
                                                 line_no))
                unknown = [s for s in serials if s in shipped_serials]
                if unknown:
                    problems.append(FieldProblem("serial_numbers", f"already shipped: {', '.join(unknown)}", line_no))
                twice = sorted({s for s in serials if serials.count(s) > 1})
                if twice:
                    problems.append(FieldProblem("serial_numbers", f"{', '.join(twice)} is given twice", line_no))
            elif len(available) < quantity:
                problems.append(FieldProblem("serial_numbers", f"{int(quantity)} units need serial numbers; "
                                             f"{len(available)} are recorded and not yet shipped", line_no))
    for index, spec in enumerate(request.packages, start=1):
        for label, value in (("weight", spec.weight_kg), ("length", spec.length_cm), ("width", spec.width_cm),
                             ("height", spec.height_cm)):
            if value is not None and (not value.is_finite() or not 0 < value < _LARGEST
                                      or value != value.quantize(_PLACES)):
                problems.append(FieldProblem(f"package {index}", f"{label} {value} is not a plausible {label} "
                                             "(above zero, at most four decimal places)"))
    return problems


def _next_number(session: Session) -> str:
    highest = session.execute(select(func.max(Shipment.number)).where(Shipment.number.like("SH-%"))).scalar()
    try:
        following = int(str(highest)[3:]) + 1 if highest else 1
    except ValueError:
        following = session.execute(select(func.count(Shipment.id))).scalar_one() + 1
    return f"SH-{following:07d}"

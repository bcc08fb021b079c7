"""An order as one plain document: header, lines, shipments and readiness (`order show --json`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder
from qtc_desktop.services.changes.actions import describe_action
from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS, format_value
from qtc_desktop.services.orders.readiness import readiness
from qtc_desktop.services.orders.revising import pending_revision
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.services.orders.workflow import allowed_next


def _plain(value: object) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    return format_value(value)


def order_document(session: Session, order: FulfillmentOrder) -> dict[str, Any]:
    shipped = shipped_quantities(order)
    revision = pending_revision(session, order)
    lines = []
    for line in order.lines:
        done = shipped.get(line.id, Decimal(0))
        entry: dict[str, Any] = {"line": line.line_no, "product_code": line.product_code,
                                 "product_name": line.product_name}
        entry.update({name: _plain(getattr(line, name)) for name in LINE_FIELDS})
        entry["shipped"] = format_value(done) or "0"
        entry["backordered"] = (format_value(line.quantity - done) or "0") if line.kind is FulfillmentKind.SHIP else "0"
        entry["quote_quantity"] = format_value(line.quote_line.quantity) if line.quote_line else None
        entry["action"] = line.action.value if line.action else None
        entry["provisioning"] = (describe_action(line.action, line.product_code, line.prior_quantity, line.delta,
                                                 line.effective_date, line.subscription_end)
                                 if line.action else None)
        for name in ("prior_quantity", "delta", "effective_date"):
            entry[name] = format_value(getattr(line, name)) or None
        lines.append(entry)
    header = {name: _plain(getattr(order, name)) for name in HEADER_FIELDS}
    return {
        "id": order.id, "number": order.number, "status": order.status.value,
        "status_reason": order.status_reason, "version": order.version,
        "quote": order.quote.number, "quote_revision": order.quote.revision,
        "account": order.account.name, "account_id": order.account_id,
        "currency": order.quote.currency, "net_total": f"{order.quote.net_total:.2f}",
        "changed_since_export": order.changed_since_export,
        "quote_type": order.quote.type.value,
        "pending_revision": revision.as_json() if revision is not None else None,
        "header": header,
        "lines": lines,
        "shipments": [{
            "number": shipment.number, "ship_date": format_value(shipment.ship_date),
            "carrier": shipment.carrier, "service_level": shipment.service_level,
            "tracking_number": shipment.tracking_number,
            "lines": [{"line": _line_no(order, l.order_line_id), "quantity": format_value(l.quantity),
                       "serial_numbers": list(l.serial_numbers)} for l in shipment.lines],
            "packages": [{"reference": p.reference, "weight_kg": format_value(p.weight_kg) or None,
                          "dimensions_cm": [format_value(v) or None for v in (p.length_cm, p.width_cm, p.height_cm)]}
                         for p in shipment.packages],
        } for shipment in order.shipments],
        "readiness": [{"field": m.field, "line": m.line_no, "message": m.message, "blocks": m.blocks}
                      for m in readiness(order)],
        "next_statuses": [status.value for status in allowed_next(session, order)],
    }


def _line_no(order: FulfillmentOrder, line_id: int) -> int | None:
    for line in order.lines:
        if line.id == line_id:
            return line.line_no
    return None

"""What an export reads: each chosen order's column values, straight from the tables.

An export of 50,000 lines used to load every order, line, account, quote and shipment as
ORM objects to read a few columns of each; here one Core query per table (a chunk of
order ids at a time) brings exactly those columns as tuples. The values are the ones
`ExportColumn.read` gives for the same order (tests hold the two to each other), in the
order of ORDER_COLUMNS and LINE_COLUMNS, so a sheet's row is picked from them by position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import json
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import String, Text, cast, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from qtc_desktop.domain import (
    Account,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Quote,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.exporting.columns import LINE_COLUMNS, ORDER_COLUMNS, Value

CHUNK = 5000  # order ids per IN (...) list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters

_O, _L = FulfillmentOrder, FulfillmentOrderLine
# Where each column's value comes from. Columns not here are worked out in Python (_DERIVED).
_ORDER_SOURCES: dict[str, Any] = {
    "customer": Account.name, "customer_id": Account.external_id, "quote": Quote.number,
    "quote_type": type_coerce(Quote.type, String), "currency": Quote.currency, "net_total": Quote.net_total,
    "status": type_coerce(_O.status, String), "tracking_number": literal(None),
    **{name: getattr(_O, name) for name in (
        "number", "erp_order_number", "customer_po", "requested_date", "promised_date", "confirmed_date",
        "carrier", "service_level", "incoterms", "warehouse", "ship_to_name", "ship_to_street",
        "ship_to_postal_code", "ship_to_city", "ship_to_region", "ship_to_country", "bill_to_name",
        "bill_to_street", "bill_to_postal_code", "bill_to_city", "bill_to_region", "bill_to_country",
        "contact_name", "contact_email", "contact_phone", "instructions")},
}
_LINE_SOURCES: dict[str, Any] = {
    "erp_line_id": literal(None), "shipped": literal(None),
    # Enums as the values they are stored as, which is what the columns show; the serial
    # numbers' JSON as text, parsed only when there are any (most lines have none).
    "kind": type_coerce(_L.kind, String), "action": type_coerce(_L.action, String),
    "serial_numbers": cast(_L.serial_numbers, Text),
    **{name: getattr(_L, name) for name in (
        "line_no", "product_code", "product_name", "quantity", "location", "tenant", "licence_key",
        "activation_contact", "subscription_start", "subscription_end", "prior_quantity", "delta",
        "effective_date")},
}
_ORDER_NAMES = [column.name for column in ORDER_COLUMNS]
_LINE_NAMES = [column.name for column in LINE_COLUMNS]
# Positions of the values finished in Python (a KeyError here: a new column needs a source above).
_STATUS, _QUOTE, _TRACKING = (_ORDER_NAMES.index(name) for name in ("status", "quote", "tracking_number"))
_SHIPPED, _SERIALS = (_LINE_NAMES.index(name) for name in ("shipped", "serial_numbers"))
_ORDER_SELECT = [_ORDER_SOURCES[name] for name in _ORDER_NAMES]
_LINE_SELECT = [_LINE_SOURCES[name] for name in _LINE_NAMES]
_STATUSES = {status.value: (status, status.label) for status in OrderStatus}
_NO_SERIALS = frozenset({None, "[]", "null"})
NO_LINE: tuple[Value, ...] = (None,) * len(LINE_COLUMNS)
NO_ORDER: tuple[Value, ...] = (None,) * len(ORDER_COLUMNS)


class ExportLine(NamedTuple):
    id: int
    line_no: int
    values: tuple[Value, ...]  # in LINE_COLUMNS order


class ExportOrder(NamedTuple):
    """One order as it leaves: its values before the export marks it sent."""

    id: int
    number: str
    status: OrderStatus
    version: int
    account_id: int
    values: tuple[Value, ...]  # in ORDER_COLUMNS order
    lines: tuple[ExportLine, ...]  # by line number


def load_orders(session: Session, order_ids: Sequence[int]) -> list[ExportOrder]:
    """The orders with these ids, in the order given; an id not found is left out."""
    found: dict[int, ExportOrder] = {}
    for chunk in chunks(order_ids):
        found.update(_load_chunk(session, chunk))
    return [found[order_id] for order_id in order_ids if order_id in found]


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    size = CHUNK
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def _load_chunk(session: Session, chunk: list[int]) -> dict[int, ExportOrder]:
    connection = session.connection()
    shipped: dict[int, Decimal] = dict(connection.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id.in_(chunk)).group_by(ShipmentLine.order_line_id)).all())
    tracking: dict[int, str | None] = {}
    for order_id, number in connection.execute(
            select(Shipment.order_id, Shipment.tracking_number)
            .where(Shipment.order_id.in_(chunk), Shipment.tracking_number.is_not(None), Shipment.tracking_number != "")
            .order_by(Shipment.id)):
        tracking[order_id] = number  # the latest shipment's wins
    lines: dict[int, list[ExportLine]] = {}
    zero = Decimal(0)
    for row in connection.execute(select(*_LINE_SELECT, _L.id, _L.order_id)
                                  .where(_L.order_id.in_(chunk)).order_by(_L.order_id, _L.line_no)):
        values = list(row)
        order_id, line_id = values.pop(), values.pop()
        values[_SHIPPED] = shipped.get(line_id, zero)
        serials = values[_SERIALS]
        values[_SERIALS] = "" if serials in _NO_SERIALS else ", ".join(json.loads(serials) or [])
        found = lines.get(order_id)
        if found is None:
            found = lines[order_id] = []
        found.append(ExportLine(line_id, values[0], tuple(values)))
    orders: dict[int, ExportOrder] = {}
    for row in connection.execute(select(*_ORDER_SELECT, Quote.revision, _O.id, _O.version, _O.account_id)
                                  .join(Account, Account.id == _O.account_id).join(Quote, Quote.id == _O.quote_id)
                                  .where(_O.id.in_(chunk))):
        values = list(row)
        account_id, version, order_id, revision = values.pop(), values.pop(), values.pop(), values.pop()
        status, values[_STATUS] = _STATUSES[values[_STATUS]]
        values[_QUOTE] = f"{values[_QUOTE]} rev {revision}"
        values[_TRACKING] = tracking.get(order_id)
        orders[order_id] = ExportOrder(order_id, values[0], status, version, account_id, tuple(values),
                                       tuple(lines.get(order_id, ())))
    return orders

"""Every value an export can carry: the order's and the line's, how each is written, and which
the ERP side may change on the way back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, FulfillmentOrderLine, OrderStatus
from qtc_desktop.services.orders.fields import INCOTERMS

Level = Literal["order", "line"]
Kind = Literal["text", "date", "quantity", "money", "integer"]
Value = str | Decimal | dt.date | int | None


@dataclass(frozen=True)
class ExportColumn:
    name: str  # stable id, used by saved layouts
    label: str  # the default header
    level: Level
    read: Callable[[FulfillmentOrder, FulfillmentOrderLine | None, "Facts"], Value]
    kind: Kind = "text"
    editable: bool = False  # taken back from the ERP's copy on re-import
    choices: tuple[str, ...] = ()  # a dropdown in the workbook


@dataclass(frozen=True)
class Facts:
    """What a row needs beyond the order itself: shipped quantities and the latest tracking number."""

    shipped: dict[int, Decimal]
    tracking: str | None


def _order(name: str) -> Callable[[FulfillmentOrder, FulfillmentOrderLine | None, Facts], Value]:
    return lambda order, _line, _facts: getattr(order, name)


def _line(name: str) -> Callable[[FulfillmentOrder, FulfillmentOrderLine | None, Facts], Value]:
    return lambda _order, line, _facts: getattr(line, name) if line is not None else None


def _serials(_order: FulfillmentOrder, line: FulfillmentOrderLine | None, _facts: Facts) -> Value:
    return ", ".join(line.serial_numbers or []) if line is not None else None


def _shipped(_order: FulfillmentOrder, line: FulfillmentOrderLine | None, facts: Facts) -> Value:
    return facts.shipped.get(line.id, Decimal(0)) if line is not None else None


def _text_field(name: str, label: str, *, editable: bool = True, choices: tuple[str, ...] = ()) -> ExportColumn:
    return ExportColumn(name, label, "order", _order(name), editable=editable, choices=choices)


ORDER_COLUMNS: tuple[ExportColumn, ...] = (
    _text_field("number", "Order Number", editable=False),
    ExportColumn("status", "Status", "order", lambda o, _l, _f: o.status.label,
                 choices=tuple(status.label for status in OrderStatus)),
    ExportColumn("customer", "Customer", "order", lambda o, _l, _f: o.account.name),
    ExportColumn("customer_id", "Customer ID", "order", lambda o, _l, _f: o.account.external_id),
    ExportColumn("quote", "Quote", "order", lambda o, _l, _f: f"{o.quote.number} rev {o.quote.revision}"),
    ExportColumn("quote_type", "Quote Type", "order", lambda o, _l, _f: o.quote.type.value),
    ExportColumn("currency", "Currency", "order", lambda o, _l, _f: o.quote.currency),
    ExportColumn("net_total", "Net Total", "order", lambda o, _l, _f: o.quote.net_total, "money"),
    _text_field("erp_order_number", "ERP Order Number"),
    _text_field("customer_po", "Customer PO"),
    ExportColumn("requested_date", "Requested Date", "order", _order("requested_date"), "date", True),
    ExportColumn("promised_date", "Promised Date", "order", _order("promised_date"), "date", True),
    ExportColumn("confirmed_date", "Confirmed Date", "order", _order("confirmed_date"), "date", True),
    _text_field("carrier", "Carrier"),
    _text_field("service_level", "Service Level"),
    _text_field("incoterms", "Incoterms", choices=INCOTERMS),
    _text_field("warehouse", "Warehouse"),
    ExportColumn("tracking_number", "Tracking Number", "order", lambda _o, _l, f: f.tracking, editable=True),
    _text_field("ship_to_name", "Ship-to Name"),
    _text_field("ship_to_street", "Ship-to Street"),
    _text_field("ship_to_postal_code", "Ship-to Postal Code"),
    _text_field("ship_to_city", "Ship-to City"),
    _text_field("ship_to_region", "Ship-to Region"),
    _text_field("ship_to_country", "Ship-to Country"),
    _text_field("bill_to_name", "Bill-to Name"),
    _text_field("bill_to_street", "Bill-to Street"),
    _text_field("bill_to_postal_code", "Bill-to Postal Code"),
    _text_field("bill_to_city", "Bill-to City"),
    _text_field("bill_to_region", "Bill-to Region"),
    _text_field("bill_to_country", "Bill-to Country"),
    _text_field("contact_name", "Contact"),
    _text_field("contact_email", "Contact Email"),
    _text_field("contact_phone", "Contact Phone"),
    _text_field("instructions", "Instructions"),
)

LINE_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("line_no", "Line", "line", _line("line_no"), "integer"),
    # Left blank for the ERP: ERPNext names a new child row itself.
    ExportColumn("erp_line_id", "ERP Line ID", "line", lambda _o, _l, _f: None),
    ExportColumn("product_code", "Product", "line", _line("product_code")),
    ExportColumn("product_name", "Description", "line", _line("product_name")),
    ExportColumn("kind", "Fulfillment", "line", lambda _o, l, _f: l.kind.value if l else None,
                 choices=tuple(kind.value for kind in FulfillmentKind)),
    ExportColumn("quantity", "Quantity", "line", _line("quantity"), "quantity"),
    ExportColumn("shipped", "Shipped Quantity", "line", _shipped, "quantity", True),
    ExportColumn("serial_numbers", "Serial Numbers", "line", _serials, editable=True),
    ExportColumn("location", "Bin", "line", _line("location"), editable=True),
    ExportColumn("tenant", "Tenant", "line", _line("tenant"), editable=True),
    ExportColumn("licence_key", "Licence Key", "line", _line("licence_key"), editable=True),
    ExportColumn("activation_contact", "Activation Contact", "line", _line("activation_contact"), editable=True),
    ExportColumn("subscription_start", "Subscription Start", "line", _line("subscription_start"), "date", True),
    ExportColumn("subscription_end", "Subscription End", "line", _line("subscription_end"), "date", True),
    ExportColumn("action", "Provisioning Action", "line",
                 lambda _o, l, _f: l.action.value if l is not None and l.action else None),
    ExportColumn("prior_quantity", "Prior Quantity", "line", _line("prior_quantity"), "quantity"),
    ExportColumn("delta", "Quantity Change", "line", _line("delta"), "quantity"),
    ExportColumn("effective_date", "Effective Date", "line", _line("effective_date"), "date"),
)

COLUMNS: dict[str, ExportColumn] = {column.name: column for column in (*ORDER_COLUMNS, *LINE_COLUMNS)}

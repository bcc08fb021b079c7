"""What the detail pane shows for the selected quote, order or account, as plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import (
    Account,
    ContractedPosition,
    FulfillmentOrder,
    Quote,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.errors import NotFound
from qtc_desktop.services.orders.revising import pending_revision


@dataclass(frozen=True)
class DetailTable:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()  # columns to right-align


@dataclass(frozen=True)
class Detail:
    kind: str  # "quote", "order" or "account"
    id: int
    title: str
    subtitle: str
    fields: tuple[tuple[str, str], ...]
    tables: tuple[DetailTable, ...] = field(default=())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")


def _address(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)


def quote_detail(session: Session, quote_id: int) -> Detail:
    quote = session.get(Quote, quote_id, options=[selectinload(Quote.lines), selectinload(Quote.account)])
    if quote is None:
        raise NotFound(f"Quote {quote_id} no longer exists.")
    order_numbers = session.execute(
        select(FulfillmentOrder.number).where(FulfillmentOrder.quote_id == quote.id)
    ).scalars().all()
    lines = tuple(
        (str(line.line_no), line.product_code, line.product_name, _quantity(line.quantity),
         _quantity(line.prior_quantity), _text(line.net_price), _text(line.net_total),
         _text(line.start_date), _text(line.end_date))
        for line in quote.lines
    )
    fields = (
        ("Account", quote.account.name),
        ("Type", quote.type.value.capitalize()),
        ("Date", _text(quote.quote_date)),
        ("Net total", f"{quote.net_total:,.2f} {quote.currency}"),
        ("Term", f"{quote.subscription_term} months" if quote.subscription_term else ""),
        ("Contract", quote.contract_number or ""),
        ("Orders", ", ".join(order_numbers) or "None yet"),
        ("Source", quote.source_file or ""),
    )
    return Detail(
        "quote", quote.id, f"Quote {quote.number}", f"Revision {quote.revision}"
        + (" (superseded)" if quote.superseded else ""), _non_empty(fields),
        (DetailTable("Lines", ("#", "Product", "Name", "Qty", "Prior", "Net price", "Net total",
                               "Start", "End"), lines, frozenset({0, 3, 4, 5, 6})),),
    )


def order_detail(session: Session, order_id: int) -> Detail:
    order = session.get(
        FulfillmentOrder, order_id,
        options=[selectinload(FulfillmentOrder.lines), selectinload(FulfillmentOrder.account),
                 selectinload(FulfillmentOrder.quote),
                 selectinload(FulfillmentOrder.shipments).selectinload(Shipment.lines)],
    )
    if order is None:
        raise NotFound(f"Order {order_id} no longer exists.")
    shipped = _shipped_quantities(session, [line.id for line in order.lines])
    lines = tuple(
        (str(line.line_no), line.product_code, line.product_name,
         line.kind.value + (f" · {line.action.value} {_signed(line.delta)}" if line.action else ""),
         _quantity(line.quantity), _quantity(shipped.get(line.id, Decimal(0))),
         _quantity(max(Decimal(0), line.quantity - shipped.get(line.id, Decimal(0))))
         if line.kind.value == "ship" else "",
         ", ".join(line.serial_numbers or []))
        for line in order.lines
    )
    shipments = tuple(
        (shipment.number, _text(shipment.ship_date), shipment.carrier or "",
         shipment.tracking_number or "", _quantity(sum((l.quantity for l in shipment.lines), Decimal(0))))
        for shipment in order.shipments
    )
    status = order.status.label + (f": {order.status_reason}" if order.status_reason else "")
    fields = (
        ("Status", status),
        ("Account", order.account.name),
        ("Quote", f"{order.quote.number} rev {order.quote.revision}"),
        ("Customer PO", order.customer_po or ""),
        ("ERP order", order.erp_order_number or ""),
        ("Requested", _text(order.requested_date)),
        ("Promised", _text(order.promised_date)),
        ("Carrier", " ".join(filter(None, (order.carrier, order.service_level)))),
        ("Incoterms", order.incoterms or ""),
        ("Warehouse", order.warehouse or ""),
        ("Ship to", _address(order.ship_to_name, order.ship_to_street, order.ship_to_postal_code,
                             order.ship_to_city, order.ship_to_country)),
        ("Contact", _address(order.contact_name, order.contact_email, order.contact_phone)),
        ("Instructions", order.instructions or ""),
        ("Changed since export", "Yes" if order.changed_since_export else ""),
        ("Quote revised", _revised(session, order)),
    )
    tables = [DetailTable("Lines", ("#", "Product", "Name", "Kind", "Qty", "Shipped", "Backorder",
                                    "Serials"), lines, frozenset({0, 4, 5, 6}))]
    if shipments:
        tables.append(DetailTable("Shipments", ("Shipment", "Date", "Carrier", "Tracking", "Units"),
                                  shipments, frozenset({4})))
    return Detail("order", order.id, f"Order {order.number}", f"{order.quote.currency} "
                  f"{order.quote.net_total:,.2f} · version {order.version}", _non_empty(fields), tuple(tables))


def _signed(value: Decimal | None) -> str:
    if not value:
        return ""
    return ("+" if value > 0 else "") + _quantity(value)


def _revised(session: Session, order: FulfillmentOrder) -> str:
    proposal = pending_revision(session, order)
    if proposal is None:
        return ""
    count = len(proposal.lines)
    return (f"revision {proposal.to_revision} has arrived: {count} line change{'s' if count != 1 else ''} "
            "to review (Order ▸ Review Quote Revision…)")


def account_detail(session: Session, account_id: int) -> Detail:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"Account {account_id} no longer exists.")
    orders = session.execute(
        select(FulfillmentOrder.number, FulfillmentOrder.status, Quote.number, FulfillmentOrder.requested_date)
        .join(Quote, Quote.id == FulfillmentOrder.quote_id)
        .where(FulfillmentOrder.account_id == account.id)
        .order_by(FulfillmentOrder.number.desc()).limit(200)
    ).all()
    positions = session.execute(
        select(ContractedPosition).where(ContractedPosition.account_id == account.id)
        .order_by(ContractedPosition.product_code)
    ).scalars().all()
    quote_count = session.execute(select(func.count(Quote.id)).where(Quote.account_id == account.id)).scalar_one()
    fields = (
        ("External id", account.external_id or ""),
        ("Address", _address(account.street, account.postal_code, account.city, account.region, account.country)),
        ("Email", account.email or ""),
        ("Phone", account.phone or ""),
        ("Quotes", str(quote_count)),
        ("Orders", str(len(orders))),
    )
    tables = [DetailTable("Orders", ("Order", "Status", "Quote", "Requested"),
                          tuple((o[0], o[1].label, o[2], _text(o[3])) for o in orders))]
    if positions:
        tables.append(DetailTable(
            "Contracted positions", ("Product", "Name", "Qty", "Start", "End"),
            tuple((p.product_code, p.product_name, _quantity(p.quantity), _text(p.start_date),
                   _text(p.end_date)) for p in positions), frozenset({2})))
    return Detail("account", account.id, account.name, account.country or "", _non_empty(fields), tuple(tables))


DETAILS = {"quotes": quote_detail, "orders": order_detail, "accounts": account_detail}


def _shipped_quantities(session: Session, line_ids: Sequence[int]) -> dict[int, Decimal]:
    if not line_ids:
        return {}
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .where(ShipmentLine.order_line_id.in_(line_ids)).group_by(ShipmentLine.order_line_id)
    ).all()
    return {line_id: Decimal(total) for line_id, total in rows}


def _non_empty(fields: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((label, value) for label, value in fields if value)

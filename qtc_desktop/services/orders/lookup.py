"""Finding an order by its id or its number, as the coordinator types either."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import FulfillmentOrder, FulfillmentOrderLine, Quote, Shipment
from qtc_desktop.services.errors import NotFound


def find_order(session: Session, reference: str | int) -> FulfillmentOrder:
    """The order with this id (12) or number (FO-000012), with its lines and shipments loaded."""
    options = [selectinload(FulfillmentOrder.lines).selectinload(FulfillmentOrderLine.quote_line),
               selectinload(FulfillmentOrder.account),
               selectinload(FulfillmentOrder.quote),
               selectinload(FulfillmentOrder.shipments).selectinload(Shipment.lines),
               selectinload(FulfillmentOrder.shipments).selectinload(Shipment.packages)]
    text = str(reference).strip()
    if text.isdigit():
        order = session.get(FulfillmentOrder, int(text), options=options)
    else:
        order = session.execute(select(FulfillmentOrder).where(FulfillmentOrder.number == text.upper())
                                .options(*options)).scalar()
    if order is None:
        raise NotFound(f"There is no order {text}.")
    return order


@dataclass(frozen=True)
class QuoteOrders:
    """A quote number's latest revision and the orders made from any of its revisions."""

    number: str
    latest_revision: int
    orders: tuple[tuple[int, str, int], ...]  # (order id, order number, quote revision)

    def on_latest(self) -> tuple[int, str, int] | None:
        return next((order for order in self.orders if order[2] == self.latest_revision), None)


def quote_orders(session: Session, quote_id: int) -> QuoteOrders:
    number = session.execute(select(Quote.number).where(Quote.id == quote_id)).scalar()
    if number is None:
        raise NotFound("That quote no longer exists.")
    revisions = session.execute(select(Quote.revision).where(Quote.number == number)).scalars().all()
    orders = session.execute(
        select(FulfillmentOrder.id, FulfillmentOrder.number, Quote.revision)
        .join(Quote, Quote.id == FulfillmentOrder.quote_id)
        .where(Quote.number == number).order_by(Quote.revision.desc(), FulfillmentOrder.number)
    ).all()
    return QuoteOrders(number, max(revisions), tuple((row[0], row[1], row[2]) for row in orders))

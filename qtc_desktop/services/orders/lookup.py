"""Finding an order by its id or its number, as the coordinator types either."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import FulfillmentOrder, FulfillmentOrderLine, Shipment
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

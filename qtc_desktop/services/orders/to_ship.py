"""What an order has left to ship, read once for the Record Shipment dialog, and why it cannot ship."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder
from qtc_desktop.services.orders.shipping import SHIPPABLE, shipped_quantities


@dataclass(frozen=True)
class GoodsLine:
    """A goods line of the order with something still to ship."""

    line_no: int
    product_code: str
    product_name: str
    ordered: Decimal
    shipped: Decimal
    serialized: bool
    unshipped_serials: tuple[str, ...]  # recorded on the line, not yet in a shipment

    @property
    def remaining(self) -> Decimal:
        return self.ordered - self.shipped

    @property
    def whole_units(self) -> bool:
        return self.serialized or (self.ordered == self.ordered.to_integral_value()
                                   and self.shipped == self.shipped.to_integral_value())


@dataclass(frozen=True)
class ShippingOrder:
    """What the dialog needs of the order, read once when it opens."""

    id: int
    number: str
    version: int
    account: str
    status_label: str
    carrier: str | None
    service_level: str | None
    lines: tuple[GoodsLine, ...]


def shipping_order(order: FulfillmentOrder) -> ShippingOrder:
    shipped = shipped_quantities(order)
    shipped_serials = {s for shipment in order.shipments for line in shipment.lines for s in line.serial_numbers}
    lines = tuple(
        GoodsLine(line.line_no, line.product_code, line.product_name, line.quantity,
                  shipped.get(line.id, Decimal(0)), line.serialized,
                  tuple(s for s in line.serial_numbers or [] if s not in shipped_serials))
        for line in order.lines
        if line.kind is FulfillmentKind.SHIP and line.quantity > shipped.get(line.id, Decimal(0))
    )
    return ShippingOrder(order.id, order.number, order.version, order.account.name, order.status.label,
                         order.carrier, order.service_level, lines)


def why_not_shippable(order: FulfillmentOrder) -> str | None:
    """The sentence to show instead of the dialog, or None when goods may ship now."""
    if order.status not in SHIPPABLE:
        return (f"Order {order.number} is {order.status.phrase}. Goods ship once the order is sent to "
                "the ERP or confirmed.")
    if not shipping_order(order).lines:
        return f"Order {order.number} has nothing left to ship."
    return None

"""What an order still lacks before it may go to the ERP, and before its goods may ship."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, FulfillmentOrderLine


@dataclass(frozen=True)
class Missing:
    """One item of the readiness checklist."""

    field: str
    message: str
    line_no: int | None = None
    blocks: Literal["release", "shipping"] = "release"  # what it holds up

    def __str__(self) -> str:
        return f"line {self.line_no}: {self.message}" if self.line_no is not None else self.message


def readiness(order: FulfillmentOrder) -> list[Missing]:
    """Every gap, by kind: goods need an address, a date and a carrier; subscriptions a contact
    and a start; services a date; serialized goods their serials before they ship."""
    kinds = {line.kind for line in order.lines}
    missing: list[Missing] = []
    if not order.lines:
        missing.append(Missing("lines", "the order has no lines"))
    if not order.bill_to_name or not order.bill_to_country:
        missing.append(Missing("bill_to_name", "bill-to name and country"))
    if FulfillmentKind.SHIP in kinds:
        for field, label in (("ship_to_name", "ship-to name"), ("ship_to_street", "ship-to street"),
                             ("ship_to_city", "ship-to city"), ("ship_to_postal_code", "ship-to postal code"),
                             ("ship_to_country", "ship-to country"), ("carrier", "carrier")):
            if not getattr(order, field):
                missing.append(Missing(field, f"{label} (goods ship)"))
    if kinds & {FulfillmentKind.SHIP, FulfillmentKind.PERFORM} and order.requested_date is None:
        missing.append(Missing("requested_date", "requested date"))
    for line in order.lines:
        missing += _line_gaps(line)
    return missing


def blocks_release(missing: list[Missing]) -> list[Missing]:
    return [item for item in missing if item.blocks == "release"]


def _line_gaps(line: FulfillmentOrderLine) -> list[Missing]:
    gaps = []
    if line.kind is FulfillmentKind.PROVISION:
        if not line.activation_contact:
            gaps.append(Missing("activation_contact", f"{line.product_code}: activation contact", line.line_no))
        if line.subscription_start is None:
            gaps.append(Missing("subscription_start", f"{line.product_code}: subscription start", line.line_no))
    if line.kind is FulfillmentKind.SHIP and line.serialized:
        needed = int(line.quantity) if line.quantity == line.quantity.to_integral_value() else None
        have = len(line.serial_numbers or [])
        if needed is None:
            gaps.append(Missing("quantity", f"{line.product_code}: a serialized item ships whole units",
                                line.line_no))
        elif have < needed:
            gaps.append(Missing("serial_numbers", f"{line.product_code}: {needed - have} of {needed} serial "
                                "numbers still missing", line.line_no, "shipping"))
    return gaps

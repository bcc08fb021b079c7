"""The readiness checklist: what each kind of line still needs before release and before shipping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qtc_desktop.domain import FulfillmentKind, ProductRule
from qtc_desktop.services.orders.readiness import Missing, blocks_release, readiness

if TYPE_CHECKING:
    from conftest import Orders


def checklist(orders: Orders, order_id: int) -> list[tuple[str, int | None, str]]:
    return [(item.field, item.line_no, item.blocks) for item in readiness(orders.load(order_id))]


def test_goods_lack_requested_date_and_carrier_until_they_are_filled(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)  # ship-to came from the account
    assert checklist(orders, order_id) == [("carrier", None, "release"), ("requested_date", None, "release")]
    orders.edit(order_id, {"carrier": "DHL Express"})
    assert checklist(orders, order_id) == [("requested_date", None, "release")]
    orders.edit(order_id, {"requested_date": "2026-07-15"})
    assert checklist(orders, order_id) == []


def test_goods_lack_every_part_of_the_ship_to_address_the_account_did_not_have(orders: Orders) -> None:
    order_id = orders.create(orders.NO_ADDRESS)
    orders.edit(order_id, {"carrier": "UPS", "requested_date": "2026-07-15"})
    assert [str(item) for item in readiness(orders.load(order_id))] == [
        "bill-to name and country", "ship-to street (goods ship)", "ship-to city (goods ship)",
        "ship-to postal code (goods ship)", "ship-to country (goods ship)"]
    orders.edit(order_id, {"ship_to_street": "1 Microsoft Way", "ship_to_city": "Redmond",
                           "ship_to_postal_code": "98052", "ship_to_region": "WA", "ship_to_country": "US"})
    assert checklist(orders, order_id) == [("bill_to_name", None, "release")]
    orders.edit(order_id, {"bill_to_country": "US"})
    assert checklist(orders, order_id) == []


def test_clearing_the_ship_to_brings_the_item_back(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, orders.RELEASE_FIELDS)
    orders.edit(order_id, {"ship_to_city": " "})
    assert [str(item) for item in readiness(orders.load(order_id))] == ["ship-to city (goods ship)"]


def test_provisioning_lines_need_an_activation_contact_and_a_start(orders: Orders) -> None:
    order_id = orders.create(orders.SUBSCRIPTIONS)  # the quote gave the start date
    assert [str(item) for item in readiness(orders.load(order_id))] == [
        "line 1: SUB-CLOUD-PRO: activation contact"]
    orders.edit(order_id, lines={1: {"subscription_start": ""}})
    assert checklist(orders, order_id) == [("activation_contact", 1, "release"),
                                           ("subscription_start", 1, "release")]
    orders.edit(order_id, lines={1: {"activation_contact": "it-admin@northwind.example",
                                     "subscription_start": "2026-07-01"}})
    # Subscriptions alone need no carrier, ship-to or requested date.
    assert checklist(orders, order_id) == []


def test_services_need_a_requested_date_only(orders: Orders) -> None:
    order_id = orders.create(orders.SERVICES)
    assert [str(item) for item in readiness(orders.load(order_id))] == ["requested date"]
    orders.edit(order_id, {"requested_date": "2026-09-01"})
    assert checklist(orders, order_id) == []


def test_a_mixed_order_lists_each_kinds_gaps_with_their_lines(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    assert checklist(orders, order_id) == [
        ("carrier", None, "release"), ("requested_date", None, "release"),
        ("activation_contact", 3, "release"), ("activation_contact", 4, "release"),
        ("subscription_start", 4, "release")]
    orders.fill_in(order_id)
    assert checklist(orders, order_id) == []


def test_serialized_goods_without_all_serials_hold_up_shipping_but_not_release(orders: Orders) -> None:
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="HW-SW-*", kind=FulfillmentKind.SHIP, serialized=True))
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, orders.RELEASE_FIELDS, {1: {"serial_numbers": "SW48-0001"}})
    items = readiness(orders.load(order_id))
    assert items == [Missing("serial_numbers", "HW-SW-48P: 2 of 3 serial numbers still missing", 1, "shipping")]
    assert blocks_release(items) == []
    orders.edit(order_id, lines={1: {"serial_numbers": "SW48-0001, SW48-0002, SW48-0003"}})
    assert readiness(orders.load(order_id)) == []


def test_a_serialized_item_in_part_units_blocks_release(orders: Orders) -> None:
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="CBL-*", kind=FulfillmentKind.SHIP, serialized=True))
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, orders.RELEASE_FIELDS, {2: {"quantity": "12.5"}})
    assert [item for item in readiness(orders.load(order_id)) if item.line_no == 2] == [
        Missing("quantity", "CBL-CAT6-3M: a serialized item ships whole units", 2, "release")]

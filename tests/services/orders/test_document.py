"""The order as one plain document (`order show --json`), and finding an order by id or number."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from qtc_desktop.services.errors import NotFound
from qtc_desktop.services.orders.lookup import find_order

if TYPE_CHECKING:
    from conftest import Orders


def test_a_new_order_as_a_document(orders: Orders) -> None:
    order_id = orders.create(orders.SUBSCRIPTIONS)
    document = orders.document(order_id)
    assert json.loads(json.dumps(document)) == document  # plain JSON all the way down
    assert {key: document[key] for key in ("id", "number", "status", "status_reason", "version", "quote",
                                           "quote_revision", "account", "currency", "net_total",
                                           "changed_since_export", "shipments", "next_statuses")} == {
        "id": order_id, "number": "FO-000001", "status": "draft", "status_reason": None, "version": 1,
        "quote": "Q-2026-0090", "quote_revision": 1, "account": "Northwind Traders Ltd", "currency": "USD",
        "net_total": "7200.00", "changed_since_export": False, "shipments": [],
        "next_statuses": ["ready", "on_hold", "cancelled"]}
    assert document["header"]["ship_to_country"] == "GB" and document["header"]["requested_date"] is None
    assert document["lines"] == [{
        "line": 1, "product_code": "SUB-CLOUD-PRO", "product_name": "Cloud Management Pro", "quantity": "50",
        "kind": "provision", "serialized": False, "serial_numbers": [], "location": None, "tenant": None,
        "licence_key": None, "activation_contact": None, "subscription_start": "2026-07-01",
        "subscription_end": "2027-06-30", "shipped": "0", "backordered": "0", "quote_quantity": "50",
        "action": None, "provisioning": None, "prior_quantity": None, "delta": None, "effective_date": None}]
    assert document["readiness"] == [{"field": "activation_contact", "line": 1, "blocks": "release",
                                      "message": "SUB-CLOUD-PRO: activation contact"}]


def test_the_document_shows_what_was_typed_in(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, {"requested_date": "2026-07-15", "incoterms": "dap", "customer_po": "PO-88812"},
                {2: {"quantity": "12,5", "serialized": "yes", "serial_numbers": "C-1;C-2"}})
    document = orders.document(order_id)
    assert (document["version"], document["header"]["requested_date"], document["header"]["incoterms"],
            document["header"]["customer_po"]) == (2, "2026-07-15", "DAP", "PO-88812")
    line = document["lines"][1]
    assert (line["quantity"], line["serialized"], line["serial_numbers"], line["backordered"],
            line["quote_quantity"]) == ("12.5", True, ["C-1", "C-2"], "12.5", "40")


@pytest.mark.parametrize("reference", ["2", 2, "FO-000002", "fo-000002", " FO-000002 "])
def test_an_order_is_found_by_id_or_number(orders: Orders, reference: str | int) -> None:
    orders.create(orders.GOODS)
    second = orders.create(orders.MIXED)
    with orders.store.session() as session:
        order = find_order(session, reference)
        assert (order.id, order.number, len(order.lines)) == (second, "FO-000002", 6)


@pytest.mark.parametrize("reference", ["7", "FO-000007", "Q-2026-0077", ""])
def test_an_unknown_order_is_not_found(orders: Orders, reference: str) -> None:
    orders.create(orders.GOODS)
    with orders.store.session() as session, pytest.raises(NotFound, match="There is no order"):
        find_order(session, reference)

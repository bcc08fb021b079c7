"""Saving edits: all checked or none saved, a change record per field, and the version guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from qtc_desktop.domain import ChangeRecord, ChangeSource, FulfillmentKind, FulfillmentOrder, OrderStatus, ProductRule
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit, check_edit
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem, StaleOrder
from qtc_desktop.services.orders.fields import HEADER_FIELDS, LINE_FIELDS
from qtc_desktop.services.orders.lookup import find_order

if TYPE_CHECKING:
    from conftest import Orders


def refused(orders: Orders, order_id: int, header: dict[str, str] = {},
            lines: dict[int, dict[str, str]] = {}) -> list[FieldProblem]:
    """The problems of an edit that must be refused, after checking it changed nothing."""
    before = orders.document(order_id)
    records = len(orders.changes(order_id))
    with pytest.raises(EditRefused) as raised:
        orders.edit(order_id, header, lines)
    assert orders.document(order_id) == before
    assert len(orders.changes(order_id)) == records
    return raised.value.problems


def serialized_rule(orders: Orders) -> None:
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="HW-SRV-*", kind=FulfillmentKind.SHIP, serialized=True, priority=10))


# Validation, as the editor and `order set` see it.

def test_one_bad_value_refuses_the_whole_edit_and_names_its_field_and_line(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    problems = refused(orders, order_id,
                       {"carrier": "DHL Express", "ship_to_country": "Germany", "requested_date": "2026-07-15"},
                       {2: {"quantity": "3"}, 3: {"activation_contact": "Jane at Northwind"}})
    assert [(p.field, p.line_no) for p in problems] == [("ship_to_country", None), ("activation_contact", 3)]
    assert str(problems[1]) == "line 3 activation_contact: 'Jane at Northwind' is not an email address"
    assert orders.load(order_id).version == 1


def test_the_refusal_lists_every_problem_in_its_message(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    with pytest.raises(EditRefused) as raised:
        orders.edit(order_id, {"incoterms": "DDU", "contact_phone": "ask reception"}, {1: {"quantity": "0"}})
    assert str(raised.value) == ("incoterms: 'DDU' is not an Incoterm (EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, "
                                 "CFR, CIF); contact_phone: 'ask reception' is not a phone number; "
                                 "line 1 quantity: 0 is not a quantity above zero")


def test_a_quantity_above_the_quotes_is_refused_and_up_to_it_accepted(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    [problem] = refused(orders, order_id, lines={2: {"quantity": "41"}})
    assert str(problem) == "line 2 quantity: is more than the quote's 40"
    assert orders.edit(order_id, lines={2: {"quantity": "25"}}) == ["line 2 quantity: 40 → 25"]
    assert orders.edit(order_id, lines={2: {"quantity": "40"}}) == ["line 2 quantity: 25 → 40"]


def test_serial_numbers_on_an_item_that_is_not_serialized_are_refused(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    [problem] = refused(orders, order_id, lines={1: {"serial_numbers": "SW48-0001"}})
    assert (problem.field, problem.line_no, problem.message) == ("serial_numbers", 1, "the item is not serialized")
    # Marking it serialized in the same edit makes the serials welcome.
    orders.edit(order_id, lines={1: {"serialized": "yes", "serial_numbers": "SW48-0001"}})
    assert orders.load(order_id).lines[0].serial_numbers == ["SW48-0001"]


def test_more_serial_numbers_than_units_are_refused(orders: Orders) -> None:
    serialized_rule(orders)
    order_id = orders.create(orders.MIXED)
    [problem] = refused(orders, order_id, lines={1: {"serial_numbers": "R220-A1, R220-A2, R220-A3"}})
    assert str(problem) == "line 1 serial_numbers: 3 serial numbers for a quantity of 2"
    orders.edit(order_id, lines={1: {"serial_numbers": "R220-A1, R220-A2"}})
    # Lowering the quantity under the recorded serials is the same mistake.
    [problem] = refused(orders, order_id, lines={1: {"quantity": "1"}})
    assert problem.message == "2 serial numbers for a quantity of 1"


def test_only_goods_carry_serial_numbers(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    [problem] = refused(orders, order_id, lines={3: {"serialized": "yes"}})
    assert (problem.field, problem.line_no) == ("serialized", 3)
    assert "only goods that ship carry serial numbers" in problem.message


def test_a_subscription_ending_before_it_starts_is_refused(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)  # line 3 runs 2026-07-01 to 2027-06-30
    [problem] = refused(orders, order_id, lines={3: {"subscription_end": "2026-06-30"}})
    assert str(problem) == "line 3 subscription_end: ends before it starts"
    [problem] = refused(orders, order_id, lines={3: {"subscription_start": "2027-07-01"}})
    assert problem.field == "subscription_end"
    orders.edit(order_id, lines={3: {"subscription_start": "2026-08-01", "subscription_end": "2027-07-31"}})
    line = orders.load(order_id).lines[2]
    assert (line.subscription_start, line.subscription_end) == (dt.date(2026, 8, 1), dt.date(2027, 7, 31))


def test_unknown_fields_and_lines_are_refused_with_the_fields_there_are(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    problems = refused(orders, order_id, {"shipping_method": "air"},
                       {1: {"qty": "2"}, 9: {"quantity": "1"}})
    assert [(p.field, p.line_no) for p in problems] == [("shipping_method", None), ("qty", 1), ("line", 9)]
    assert problems[0].message == f"is not an order field (fields: {', '.join(HEADER_FIELDS)})"
    assert problems[1].message == f"is not a line field (fields: {', '.join(LINE_FIELDS)})"
    assert problems[2].message == "order FO-000001 has no line 9"


def test_check_edit_gives_the_parsed_values_without_saving(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    with orders.store.session() as session:
        order = find_order(session, order_id)
        header, lines, problems = check_edit(order, OrderEdit({"incoterms": "dap"}, {2: {"quantity": "12,5"}}))
        assert (header, lines, problems) == ({"incoterms": "DAP"}, {2: {"quantity": Decimal("12.5")}}, [])
        assert order.incoterms is None and not session.dirty


# What a save writes.

def test_each_changed_field_writes_one_change_record(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    created = len(orders.changes(order_id))
    changed = orders.edit(order_id, {"carrier": "DHL Express", "requested_date": "2026-07-15",
                                     "contact_email": "orders@northwind.example"},  # unchanged
                          {2: {"quantity": "3"}, 4: {"subscription_start": "2026-07-01", "tenant": ""}},
                          who="maria.k")
    assert changed == ["carrier: (blank) → DHL Express", "requested_date: (blank) → 2026-07-15",
                       "line 2 quantity: 4 → 3", "line 4 subscription_start: (blank) → 2026-07-01"]
    records = orders.changes(order_id)[created:]
    # The order's fields first (in the order the form shows them), then the lines by number.
    assert [(r.subject, r.field, r.old_value, r.new_value) for r in records] == [
        ("FO-000001", "requested_date", None, "2026-07-15"), ("FO-000001", "carrier", None, "DHL Express"),
        ("line 2", "quantity", "4", "3"), ("line 4", "subscription_start", None, "2026-07-01")]
    assert {(r.who, r.source) for r in records} == {("maria.k", ChangeSource.USER_EDIT)}
    order = orders.load(order_id)
    assert [(r.entity_type, r.entity_id) for r in records[1:3]] == [("order", order_id),
                                                                    ("order_line", order.lines[1].id)]
    assert {r.account_id for r in records} == {order.account_id}


def test_clearing_a_field_is_a_change_and_typing_the_same_value_is_not(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, {"carrier": "UPS"})
    records = len(orders.changes(order_id))
    assert orders.edit(order_id, {"carrier": " UPS ", "ship_to_country": "de"}, {2: {"quantity": "40.00"}}) == []
    assert len(orders.changes(order_id)) == records and orders.load(order_id).version == 2
    assert orders.edit(order_id, {"carrier": ""}) == ["carrier: UPS → (blank)"]
    assert orders.changes(order_id)[-1].new_value is None and orders.load(order_id).carrier is None


def test_the_change_records_belong_to_the_save_and_roll_back_with_it(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    records = len(orders.changes(order_id))
    with pytest.raises(RuntimeError), orders.store.transaction() as session:
        apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "UPS"}), who="maria")
        raise RuntimeError("the window crashed before the commit")
    assert len(orders.changes(order_id)) == records and orders.load(order_id).carrier is None


def test_every_save_raises_the_version_by_one(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, {"carrier": "UPS", "service_level": "Express Saver", "warehouse": "MUC-1"})
    assert orders.load(order_id).version == 2
    orders.edit(order_id, lines={1: {"location": "A-03-2"}, 2: {"quantity": "30"}})  # lines only
    assert orders.load(order_id).version == 3
    orders.edit(order_id, {"customer_po": "PO-88812"}, {1: {"location": "A-03-3"}})
    assert orders.load(order_id).version == 4


# The version guard: a stale window cannot overwrite a newer save.

def test_an_edit_from_a_stale_window_raises_stale_order_and_changes_nothing(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, {"carrier": "UPS"}, expected_version=1)
    with pytest.raises(StaleOrder) as stale:
        orders.edit(order_id, {"carrier": "FedEx"}, {2: {"quantity": "10"}}, expected_version=1)
    assert (stale.value.number, stale.value.expected, stale.value.current) == ("FO-000001", 1, 2)
    assert "Order FO-000001 was changed since you opened it (version 1 → 2)" in str(stale.value)
    order = orders.load(order_id)
    assert (order.carrier, order.lines[1].quantity, order.version) == ("UPS", Decimal(40), 2)


def test_a_stale_save_names_the_saves_since_its_version_whatever_the_clocks_said(orders: Orders) -> None:
    # Alex's workstation runs ten minutes slow: by the times alone, Dana's older save would look
    # newer than Alex's. Each record names the order version its save made, so the list is exact.
    order_id = orders.create(orders.GOODS)
    orders.edit(order_id, {"carrier": "UPS"}, who="dana", expected_version=1)  # version 2
    orders.edit(order_id, {"warehouse": "MUC-1"}, {1: {"location": "B-01-1"}}, who="alex",
                expected_version=2)  # version 3
    with orders.store.transaction() as session:
        skewed = session.execute(select(ChangeRecord).where(ChangeRecord.order_id == order_id,
                                                            ChangeRecord.who == "alex")).scalars().all()
        assert {record.order_version for record in skewed} == {3} and len(skewed) == 2
        for record in skewed:
            record.at -= dt.timedelta(minutes=10)
    with pytest.raises(StaleOrder) as stale:
        orders.edit(order_id, {"carrier": "FedEx"}, who="maria", expected_version=2)
    assert stale.value.changes == ["alex: warehouse (blank) → MUC-1", "alex: line 1 location (blank) → B-01-1"]
    with pytest.raises(StaleOrder) as older:
        orders.edit(order_id, {"carrier": "FedEx"}, who="maria", expected_version=1)
    assert older.value.changes == ["dana: carrier (blank) → UPS", "alex: warehouse (blank) → MUC-1",
                                   "alex: line 1 location (blank) → B-01-1"]


@pytest.mark.parametrize(("first", "second", "read", "expected"), [
    (OrderEdit({"carrier": "UPS"}), OrderEdit({"carrier": "FedEx"}), lambda order: order.carrier, "UPS"),
    (OrderEdit(lines={2: {"quantity": "30"}}), OrderEdit(lines={2: {"quantity": "35"}}),
     lambda order: order.lines[1].quantity, Decimal(30)),
    (OrderEdit({"warehouse": "MUC-1"}), OrderEdit(lines={1: {"location": "B-01-1"}}),
     lambda order: (order.warehouse, order.lines[0].location), ("MUC-1", None)),
], ids=["header", "same line", "header then another line"])
def test_two_windows_save_the_same_order_and_the_second_save_fails_while_the_first_stands(
        orders: Orders, first: OrderEdit, second: OrderEdit, read: Callable[[FulfillmentOrder], object],
        expected: object) -> None:
    order_id = orders.create(orders.GOODS)
    with orders.store.session() as one, orders.store.session() as two:
        mine, theirs = find_order(one, order_id), find_order(two, order_id)
        apply_edit(one, mine, first, who="maria")
        one.commit()
        # The second window's copy still says version 1; its UPDATE finds no such row, which
        # the service says in the coordinator's words.
        with pytest.raises(StaleOrder, match="was changed since you opened it"):
            apply_edit(two, theirs, second, who="jo")
            two.commit()
        two.rollback()
    order = orders.load(order_id)
    assert read(order) == expected and order.version == 2
    assert [record.who for record in orders.changes(order_id)] == ["maria", "maria"]  # created, edited


# When the order may no longer change, and when the ERP must hear of a change.

def test_an_edit_after_the_order_went_to_the_erp_marks_it_changed_since_export(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.fill_in(order_id)
    orders.status(order_id, OrderStatus.READY)
    assert not orders.load(order_id).changed_since_export  # the ERP has not seen it
    orders.status(order_id, OrderStatus.SENT_TO_ERP)
    with orders.store.transaction() as session:  # what the export does once the ERP has it
        find_order(session, order_id).changed_since_export = False
    orders.edit(order_id, {"carrier": "DHL Express"})  # no change: still clean
    assert not orders.load(order_id).changed_since_export
    orders.edit(order_id, {"promised_date": "2026-07-20"})
    assert orders.load(order_id).changed_since_export


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.CLOSED])
def test_a_closed_or_cancelled_order_refuses_edits(orders: Orders, status: OrderStatus) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, status)
    [problem] = refused(orders, order_id, {"customer_po": "PO-LATE"})
    assert problem.field == "status"
    assert problem.message == f"order FO-000001 is {status.phrase}; it can no longer be changed"


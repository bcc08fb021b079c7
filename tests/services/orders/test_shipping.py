"""Recording shipments: partial and complete, serials, packages, and what is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from qtc_desktop.domain import ChangeSource, FulfillmentKind, OrderStatus, ProductRule, Shipment
from qtc_desktop.services.orders.errors import EditRefused, FieldProblem, StaleOrder
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import (
    PackageSpec,
    ShipmentRequest,
    backordered,
    record_shipment,
    shipped_quantities,
)

if TYPE_CHECKING:
    from conftest import Orders

S = OrderStatus
SHIP_DATE = dt.date(2026, 7, 14)


def request(quantities: dict[int, str | int], **kwargs: object) -> ShipmentRequest:
    return ShipmentRequest({no: Decimal(str(q)) for no, q in quantities.items()}, ship_date=SHIP_DATE,
                           **kwargs)  # type: ignore[arg-type]


def refused(orders: Orders, order_id: int, shipment: ShipmentRequest) -> list[FieldProblem]:
    """The problems of a shipment that must be refused, after checking nothing was stored."""
    before = orders.document(order_id)
    with pytest.raises(EditRefused) as raised:
        orders.ship(order_id, shipment)
    assert orders.document(order_id) == before
    with orders.store.session() as session:
        assert session.execute(select(func.count()).select_from(Shipment)).scalar_one() == len(before["shipments"])
    return raised.value.problems


def serialized_switches(orders: Orders) -> int:
    """A confirmed goods order whose three switches carry serial numbers, all recorded."""
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="HW-SW-*", kind=FulfillmentKind.SHIP, serialized=True, priority=10))
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)  # fill_in records SN1-0001 to SN1-0003
    return order_id


def test_a_partial_shipment_leaves_backorders_and_the_rest_ships_the_order(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.CONFIRMED)
    orders.ship(order_id, request({1: 1, 2: 25}, tracking_number="1Z999AA10123456784"))
    order = orders.load(order_id)
    assert order.status is S.PARTLY_SHIPPED
    assert backordered(order) == {1: Decimal(2), 2: Decimal(15)}
    assert shipped_quantities(order) == {order.lines[0].id: Decimal(1), order.lines[1].id: Decimal(25)}
    orders.ship(order_id, request({2: 15}))
    assert orders.load(order_id).status is S.PARTLY_SHIPPED
    orders.ship(order_id, request({1: 2}))
    order = orders.load(order_id)
    assert order.status is S.SHIPPED and backordered(order) == {}
    assert [shipment.number for shipment in order.shipments] == ["SH-0000001", "SH-0000002", "SH-0000003"]


def test_a_shipment_writes_what_left_and_the_status_change_as_change_records(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.SENT_TO_ERP)
    orders.ship(order_id, request({1: 3, 2: "12.5"}), who="jo.warehouse")
    records = orders.changes(order_id)[-2:]
    assert [(r.who, r.source, r.field, r.old_value, r.new_value) for r in records] == [
        ("jo.warehouse", ChangeSource.USER_EDIT, "status", "sent_to_erp", "partly_shipped"),
        ("jo.warehouse", ChangeSource.USER_EDIT, "created", None, "SH-0000001: line 1 × 3, line 2 × 12.5")]
    assert {r.reason for r in records} == {"shipment SH-0000001"}
    assert records[1].subject == "SH-0000001" and records[1].entity_type == "shipment"
    orders.ship(order_id, request({2: "27.5"}))
    assert [r.new_value for r in orders.changes(order_id)[-2:]] == ["shipped", "SH-0000002: line 2 × 27.5"]


def test_every_shipment_raises_the_version_and_marks_the_order_for_the_erp(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    with orders.store.transaction() as session:  # the export: the ERP has this version
        find_order(session, order_id).changed_since_export = False
    version = orders.load(order_id).version
    orders.ship(order_id, request({1: 1}))
    order = orders.load(order_id)
    assert order.changed_since_export and order.version == version + 1
    orders.ship(order_id, request({1: 1}))  # still partly shipped: only the shipments changed
    assert orders.load(order_id).version == version + 2


def test_a_window_that_read_an_older_version_cannot_record_a_shipment(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    version = orders.load(order_id).version
    orders.edit(order_id, {"instructions": "Deliver to loading dock B"})
    with pytest.raises(StaleOrder), orders.store.transaction() as session:
        record_shipment(session, find_order(session, order_id), request({1: 1}), who="jo",
                        expected_version=version)
    assert orders.load(order_id).shipments == []


def test_shipping_more_than_remains_is_refused(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    [problem] = refused(orders, order_id, request({1: 4}))
    assert str(problem) == "line 1 quantity: 4 is more than the 3 still to ship"
    orders.ship(order_id, request({1: 2}))
    [problem] = refused(orders, order_id, request({1: 2, 2: 40}))  # the good line does not ship alone
    assert problem.message == "2 is more than the 1 still to ship"
    orders.ship(order_id, request({1: 1, 2: 40}))
    assert orders.load(order_id).status is S.SHIPPED


@pytest.mark.parametrize(("quantity", "message"), [
    ("0", "must be above zero"),
    ("-1", "must be above zero"),
    ("NaN", "must be above zero"),
    ("0.00001", "more than four decimal places"),
])
def test_a_quantity_that_is_not_a_quantity_is_refused(orders: Orders, quantity: str, message: str) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    [problem] = refused(orders, order_id, request({2: quantity}))
    assert (problem.field, problem.line_no) == ("quantity", 2) and message in problem.message


def test_provisioning_and_service_lines_do_not_ship(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    orders.release(order_id)
    problems = refused(orders, order_id, request({1: 1, 3: 25, 5: "1.5"}))
    assert [str(problem) for problem in problems] == [
        "line 3 quantity: SUB-CLOUD-STD is provisioned, not shipped",
        "line 5 quantity: SVC-INSTALL is performed, not shipped"]
    # Once the goods are out the order is shipped; the subscription and the service are not goods.
    orders.ship(order_id, request({1: 2, 2: 4}))
    order = orders.load(order_id)
    assert order.status is S.SHIPPED and backordered(order) == {}


def test_a_shipment_needs_lines_that_exist(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    assert [str(p) for p in refused(orders, order_id, request({}))] == [
        "lines: a shipment needs at least one line and quantity"]
    assert [str(p) for p in refused(orders, order_id, request({7: 1}))] == ["line 7 line: order FO-000001 has no line 7"]


@pytest.mark.parametrize("status", [S.DRAFT, S.READY, S.ON_HOLD, S.CANCELLED])
def test_goods_ship_only_once_the_order_is_with_the_erp(orders: Orders, status: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.fill_in(order_id)
    if status is S.ON_HOLD:
        orders.bring_to(order_id, S.CONFIRMED)
        orders.status(order_id, S.ON_HOLD, "Credit check pending")
    else:
        orders.bring_to(order_id, status)
    [problem] = refused(orders, order_id, request({1: 1}))
    assert str(problem) == (f"status: order FO-000001 is {status.phrase}; goods ship once the order is sent "
                            "to the ERP or confirmed")


@pytest.mark.parametrize("status", [S.SENT_TO_ERP, S.CONFIRMED])
def test_goods_ship_from_sent_to_erp_or_confirmed(orders: Orders, status: S) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, status)
    orders.ship(order_id, request({1: 1}))
    assert orders.load(order_id).status is S.PARTLY_SHIPPED


def test_serialized_lines_ship_their_recorded_serials_in_order(orders: Orders) -> None:
    order_id = serialized_switches(orders)
    orders.ship(order_id, request({1: 2}))
    orders.ship(order_id, request({1: 1}))
    shipments = orders.document(order_id)["shipments"]
    assert [s["lines"][0]["serial_numbers"] for s in shipments] == [["SN1-0001", "SN1-0002"], ["SN1-0003"]]


def test_serials_given_with_the_shipment_are_shipped_instead(orders: Orders) -> None:
    order_id = serialized_switches(orders)
    orders.ship(order_id, request({1: 2}, serials={1: ["SN1-0003", "SN1-0001"]}))
    orders.ship(order_id, request({1: 1}))  # the one recorded serial not yet shipped
    shipments = orders.document(order_id)["shipments"]
    assert [s["lines"][0]["serial_numbers"] for s in shipments] == [["SN1-0003", "SN1-0001"], ["SN1-0002"]]


@pytest.mark.parametrize(("serials", "message"), [
    (["SN1-0001"], "1 serials for 2 units"),
    (["SN1-0001", "SN1-0002", "SN1-0003"], "3 serials for 2 units"),
    (["SN1-0002", "SN1-0002"], "SN1-0002 is given twice"),
])
def test_the_wrong_serials_for_a_shipment_are_refused(orders: Orders, serials: list[str], message: str) -> None:
    order_id = serialized_switches(orders)
    [problem] = refused(orders, order_id, request({1: 2}, serials={1: serials}))
    assert (problem.field, problem.line_no) == ("serial_numbers", 1) and message in problem.message


def test_serials_that_already_shipped_are_refused(orders: Orders) -> None:
    order_id = serialized_switches(orders)
    orders.ship(order_id, request({1: 1}))
    [problem] = refused(orders, order_id, request({1: 1}, serials={1: ["SN1-0001"]}))
    assert str(problem) == "line 1 serial_numbers: already shipped: SN1-0001"


def test_serialized_units_without_recorded_serials_cannot_ship(orders: Orders) -> None:
    order_id = serialized_switches(orders)
    orders.edit(order_id, lines={1: {"serial_numbers": "SN1-0001"}})
    [problem] = refused(orders, order_id, request({1: 2}))
    assert str(problem) == "line 1 serial_numbers: 2 units need serial numbers; 1 are recorded and not yet shipped"
    [problem] = refused(orders, order_id, request({1: "1.5"}))
    assert problem.message == "serialized items ship in whole units"


def test_packages_are_stored_with_their_weight_and_dimensions(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    orders.ship(order_id, request({1: 3, 2: 40}, packages=[
        PackageSpec(Decimal("12.5"), Decimal(60), Decimal(40), Decimal(40), "PAL-1"),
        PackageSpec(Decimal("2.25")),
    ]))
    [shipment] = orders.load(order_id).shipments
    assert [(p.reference, p.weight_kg, p.length_cm, p.width_cm, p.height_cm) for p in shipment.packages] == [
        ("PAL-1", Decimal("12.5"), Decimal(60), Decimal(40), Decimal(40)),
        (None, Decimal("2.25"), None, None, None)]


@pytest.mark.parametrize("package", [
    PackageSpec(Decimal("-3")), PackageSpec(Decimal(0)), PackageSpec(Decimal("NaN")),
    PackageSpec(Decimal("2.5"), Decimal(30), Decimal(0), Decimal(10)),
    PackageSpec(Decimal("2.123456")),
], ids=["negative", "zero", "nan", "flat", "too precise"])
def test_a_package_without_a_real_weight_or_size_is_refused(orders: Orders, package: PackageSpec) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    [problem] = refused(orders, order_id, request({1: 1}, packages=[PackageSpec(Decimal(5)), package]))
    assert problem.field == "package 2" and "is not a plausible" in problem.message


def test_carrier_date_and_tracking_default_to_the_order_and_today(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.release(order_id)
    orders.edit(order_id, {"service_level": "Express 12:00"})
    today = dt.date.today()
    orders.ship(order_id, ShipmentRequest({1: Decimal(1)}))
    orders.ship(order_id, request({1: 1}, carrier="UPS", service_level="Standard", tracking_number="1Z12345E0205271688"))
    first, second = orders.load(order_id).shipments
    assert (first.carrier, first.service_level, first.tracking_number) == ("DHL Express", "Express 12:00", None)
    assert first.ship_date in (today, dt.date.today())
    assert (second.carrier, second.service_level, second.tracking_number, second.ship_date) == (
        "UPS", "Standard", "1Z12345E0205271688", SHIP_DATE)


def test_the_order_document_shows_shipped_and_backordered_per_line(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED)
    orders.release(order_id)
    orders.ship(order_id, request({1: 1, 2: 4}, tracking_number="1Z999AA10123456784",
                                  packages=[PackageSpec(Decimal("31.5"), Decimal(80), Decimal(60), Decimal(25))]))
    document = orders.document(order_id)
    assert [(line["line"], line["quantity"], line["shipped"], line["backordered"]) for line in document["lines"]] == [
        (1, "2", "1", "1"), (2, "4", "4", "0"), (3, "25", "0", "0"), (4, "3", "0", "0"), (5, "1.5", "0", "0"),
        (6, "2", "0", "0")]
    assert document["shipments"] == [{
        "number": "SH-0000001", "ship_date": "2026-07-14", "carrier": "DHL Express", "service_level": None,
        "tracking_number": "1Z999AA10123456784",
        "lines": [{"line": 1, "quantity": "1", "serial_numbers": []}, {"line": 2, "quantity": "4", "serial_numbers": []}],
        "packages": [{"reference": None, "weight_kg": "31.5", "dimensions_cm": ["80", "60", "25"]}],
    }]
    assert document["status"] == "partly_shipped" and document["next_statuses"] == ["on_hold"]


def test_a_line_cannot_be_cut_below_what_has_already_shipped(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.CONFIRMED)
    orders.ship(order_id, request({2: 25}))
    with pytest.raises(EditRefused) as refused:
        orders.edit(order_id, lines={2: {"quantity": "20"}})
    assert "already shipped" in str(refused.value) and "25" in str(refused.value)
    orders.edit(order_id, lines={2: {"quantity": "25"}})  # down to exactly what shipped is fine
    assert backordered(orders.load(order_id)).get(2) is None
    assert orders.load(order_id).status is S.PARTLY_SHIPPED  # line 1 still waits
    orders.ship(order_id, request({1: 3}))
    assert orders.load(order_id).status is S.SHIPPED


def test_cutting_the_last_backorder_to_what_shipped_completes_the_order(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.CONFIRMED)
    orders.ship(order_id, request({1: 3, 2: 25}))
    assert orders.load(order_id).status is S.PARTLY_SHIPPED
    orders.edit(order_id, lines={2: {"quantity": "25"}})
    assert orders.load(order_id).status is S.SHIPPED
    assert [c.new_value for c in orders.changes(order_id, "status")][-1] == "shipped"


def test_serials_typed_at_shipping_are_recorded_on_the_line(orders: Orders) -> None:
    with orders.store.transaction() as session:
        session.add(ProductRule(pattern="HW-*", kind=FulfillmentKind.SHIP, serialized=True, priority=1))
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.CONFIRMED)
    line = next(l for l in orders.load(order_id).lines if l.serialized)
    orders.ship(order_id, request({line.line_no: 1}, serials={line.line_no: ["NEW-SN-1"]}))
    assert "NEW-SN-1" in next(l for l in orders.load(order_id).lines if l.line_no == line.line_no).serial_numbers


def test_shipment_texts_are_bounded_and_unserialized_lines_take_no_serials(orders: Orders) -> None:
    order_id = orders.create(orders.GOODS)
    orders.bring_to(order_id, S.CONFIRMED)
    unserialized = next(l for l in orders.load(order_id).lines if not l.serialized and l.kind is FulfillmentKind.SHIP)
    with pytest.raises(EditRefused) as refused:
        orders.ship(order_id, request({unserialized.line_no: 1}, serials={unserialized.line_no: ["A"]},
                                      tracking_number="1Z" * 40))
    text = str(refused.value)
    assert "tracking_number: is longer than 64 characters" in text and "is not serialized" in text

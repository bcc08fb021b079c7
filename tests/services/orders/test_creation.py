"""Creating an order from an imported quote: lines, fulfillment kinds, addresses, numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from qtc_desktop.domain import ChangeSource, FulfillmentKind, FulfillmentOrder, ProductRule, Quote, QuoteLine
from qtc_desktop.services.errors import NotFound, QtcError
from qtc_desktop.services.orders.creation import infer_kind

if TYPE_CHECKING:
    from conftest import Orders

SHIP, PROVISION, PERFORM = FulfillmentKind.SHIP, FulfillmentKind.PROVISION, FulfillmentKind.PERFORM


def test_lines_carry_over_with_quantities_names_and_their_quote_lines(orders: Orders) -> None:
    order = orders.load(orders.create(orders.MIXED))
    assert [(line.line_no, line.product_code, line.product_name, line.quantity) for line in order.lines] == [
        (1, "HW-SRV-R220", "Rack Server R220", Decimal(2)),
        (2, "HW-RAIL-KIT", "Sliding rail kit", Decimal(4)),
        (3, "SUB-CLOUD-STD", "Cloud Management Standard", Decimal(25)),
        (4, "SUB-BACKUP-1TB", "Offsite backup 1 TB", Decimal(3)),
        (5, "SVC-INSTALL", "On-site installation", Decimal("1.5")),
        (6, "TRN-ADMIN", "Administrator training (day)", Decimal(2)),
    ]
    with orders.store.session() as session:
        quote = session.execute(select(Quote).where(Quote.number == orders.MIXED)).scalar_one()
        quote_lines = {line.line_no: line.id for line in quote.lines}
    assert {line.line_no: line.quote_line_id for line in order.lines} == quote_lines
    assert order.status.value == "draft" and order.version == 1
    assert all(line.serial_numbers == [] and not line.serialized for line in order.lines)


def test_kinds_are_inferred_and_subscription_dates_copied(orders: Orders) -> None:
    order = orders.load(orders.create(orders.MIXED))
    kinds = {line.product_code: (line.kind, line.subscription_start, line.subscription_end) for line in order.lines}
    assert kinds == {
        "HW-SRV-R220": (SHIP, None, None),
        "HW-RAIL-KIT": (SHIP, None, None),
        # An end date makes a subscription; so does a term alone, with no dates to copy.
        "SUB-CLOUD-STD": (PROVISION, orders.START, orders.END),
        "SUB-BACKUP-1TB": (PROVISION, None, None),
        # By product code, and by product family.
        "SVC-INSTALL": (PERFORM, None, None),
        "TRN-ADMIN": (PERFORM, None, None),
    }


def test_a_start_date_on_goods_is_not_copied_and_does_not_make_a_subscription(orders: Orders) -> None:
    orders.import_rows([["Q-2026-0101", "001Cn00000XyZ12", "Contoso GmbH", 1, "HW-UPS-3K", "UPS 3 kVA",
                         "Hardware", 1, 1400, 1400, dt.date(2026, 8, 1), None, None]])
    line = orders.load(orders.create("Q-2026-0101")).lines[0]
    assert (line.kind, line.subscription_start) == (SHIP, None)


@pytest.mark.parametrize(("code", "family", "kind"), [
    ("SVC-REMOTE-SUPPORT", None, PERFORM),
    ("svc-health-check", "Hardware", PERFORM),  # the code says service, whatever the family
    ("SERVICE-PLAN-GOLD", None, PERFORM),
    ("CONS-DAY", "Services", PERFORM),
    ("CONS-DAY", " Professional Services ", PERFORM),
    ("SERVER-DL380", "Hardware", SHIP),  # a server is not a service
    ("HW-SRV-R640", None, SHIP),
    ("LIC-PERPETUAL", "Software", SHIP),
    ("SUB-CLOUD-PRO", "Subscriptions", SHIP),  # a subscription family without a term or end date
])
def test_service_products_are_performed_and_everything_else_ships(
        code: str, family: str | None, kind: FulfillmentKind) -> None:
    line = QuoteLine(product_code=code, product_family=family, quantity=Decimal(1))
    assert infer_kind(line, []) == (kind, False)


@pytest.mark.parametrize(("code", "family", "term", "end", "kind"), [
    ("SUB-CLOUD-PRO", "Subscriptions", 12, None, PROVISION),
    ("SUB-CLOUD-PRO", "Subscriptions", None, dt.date(2027, 6, 30), PROVISION),
    # A service sold by the month is a subscription first.
    ("SVC-MANAGED-FW", "Services", 36, None, PROVISION),
    ("SVC-MANAGED-FW", "Services", None, None, PERFORM),
])
def test_a_term_or_an_end_date_makes_a_subscription(code: str, family: str, term: int | None,
                                                    end: dt.date | None, kind: FulfillmentKind) -> None:
    line = QuoteLine(product_code=code, product_family=family, quantity=Decimal(1), subscription_term=term,
                     end_date=end)
    assert infer_kind(line, []) == (kind, False)


def test_product_rules_win_over_the_built_in_kinds(orders: Orders) -> None:
    with orders.store.transaction() as session:
        session.add_all([
            ProductRule(pattern="HW-SRV-*", kind=SHIP, serialized=True, priority=10),
            # Managed backup is run by the service desk, not provisioned in the portal.
            ProductRule(pattern="SUB-BACKUP-*", kind=PERFORM, priority=20),
        ])
    order = orders.load(orders.create(orders.MIXED))
    by_code = {line.product_code: (line.kind, line.serialized) for line in order.lines}
    assert by_code["HW-SRV-R220"] == (SHIP, True)
    assert by_code["SUB-BACKUP-1TB"] == (PERFORM, False)
    assert by_code["SUB-CLOUD-STD"] == (PROVISION, False)  # no rule: the built-in inference
    assert by_code["HW-RAIL-KIT"] == (SHIP, False)
    backup = next(line for line in order.lines if line.product_code == "SUB-BACKUP-1TB")
    assert backup.subscription_start is None


@pytest.mark.parametrize(("serialized_priority", "plain_priority", "serialized"), [
    (10, 50, True),
    (50, 10, False),
])
def test_the_rule_with_the_lowest_priority_number_wins(
        orders: Orders, serialized_priority: int, plain_priority: int, serialized: bool) -> None:
    with orders.store.transaction() as session:
        session.add_all([
            ProductRule(pattern="hw-srv-*", kind=SHIP, serialized=True, priority=serialized_priority),
            ProductRule(pattern="HW-SRV-R2??", kind=SHIP, serialized=False, priority=plain_priority),
        ])
    line = orders.load(orders.create(orders.MIXED)).lines[0]
    assert (line.product_code, line.serialized) == ("HW-SRV-R220", serialized)


def test_ship_to_bill_to_and_contact_come_from_the_account(orders: Orders) -> None:
    order = orders.load(orders.create(orders.GOODS))
    assert order.account.name == "Contoso GmbH"
    for part in ("ship_to", "bill_to"):
        address = [getattr(order, f"{part}_{name}") for name in ("name", "street", "city", "postal_code",
                                                                 "region", "country")]
        assert address == ["Contoso GmbH", "Hauptstraße 5", "München", "80331", "Bayern", "DE"]
    assert (order.contact_email, order.contact_phone) == ("einkauf@contoso.example", "+49 89 123456")
    assert order.carrier is None and order.requested_date is None


def test_order_numbers_count_up(orders: Orders) -> None:
    numbers = [orders.load(orders.create(quote)).number
               for quote in (orders.GOODS, orders.MIXED, orders.SERVICES)]
    assert numbers == ["FO-000001", "FO-000002", "FO-000003"]


def test_a_second_order_for_the_same_revision_is_refused_but_a_new_revision_gets_one(orders: Orders) -> None:
    first = orders.create(orders.GOODS)
    with pytest.raises(QtcError, match=r"Quote Q-2026-0077 revision 1 already has order FO-000001"):
        orders.create(orders.GOODS)
    revised = [list(row) for row in orders.GOODS_QUOTE]
    revised[1][7:10] = [60, 4.5, 270]
    orders.import_rows(revised)
    with pytest.raises(QtcError, match="already has order FO-000001"):
        orders.create(orders.GOODS, revision=1)
    second = orders.load(orders.create(orders.GOODS))
    assert second.id != first and second.number == "FO-000002"
    assert second.quote.revision == 2 and second.lines[1].quantity == Decimal(60)


def test_an_unknown_quote_is_not_found_and_nothing_is_stored(orders: Orders) -> None:
    with pytest.raises(NotFound, match="There is no quote Q-1999-0001"):
        orders.create("Q-1999-0001")
    with pytest.raises(NotFound, match="There is no quote Q-2026-0077 revision 7"):
        orders.create(orders.GOODS, revision=7)
    with orders.store.session() as session:
        assert session.execute(select(func.count()).select_from(FulfillmentOrder)).scalar_one() == 0


def test_creating_writes_a_created_change_record(orders: Orders) -> None:
    order_id = orders.create(orders.MIXED, who="maria.k")
    [record] = orders.changes(order_id)
    assert (record.who, record.source, record.field, record.entity_type, record.entity_id) == (
        "maria.k", ChangeSource.USER_EDIT, "created", "order", order_id)
    assert record.new_value == "Q-2026-0042 rev 1" and record.old_value is None
    assert record.account_id == orders.load(order_id).account_id

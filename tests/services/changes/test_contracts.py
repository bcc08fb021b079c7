"""Contracted positions built from fulfilled orders: a new quote's subscriptions, then what amendments,
renewals and cancellations do to them (Salesforce CPQ's meaning: amendments carry the full new quantity)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from qtc_desktop.domain import (
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentKind,
    OrderStatus,
    ProvisioningAction,
)
from qtc_desktop.services.accounts import account_overview
from qtc_desktop.services.changes.actions import describe_action
from qtc_desktop.services.changes.contracts import record_fulfilment
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, backordered, record_shipment
from qtc_desktop.services.orders.workflow import allowed_next, change_status
from qtc_desktop.store import OpenedStore

A = ProvisioningAction
D = Decimal
NORTHWIND = {"Account ID": "001Nw00000AbCdE", "Account Name": "Northwind Traders Ltd"}
START, END = dt.date(2026, 7, 1), dt.date(2027, 6, 30)
AMENDED, AMENDED_AGAIN = dt.date(2026, 10, 1), dt.date(2027, 1, 1)
RENEWED_END, CANCELLED_ON = dt.date(2028, 6, 30), dt.date(2027, 9, 1)
NEW = "Q-2026-0100"


def line(quote: str, kind: str, no: int, code: str, name: str, quantity: int, **more: object) -> dict[str, object]:
    return {"Quote Number": quote, "Quote Type": kind, **NORTHWIND, "Line": no, "Product Code": code,
            "Product Name": name, "Quantity": quantity, **{k.replace("_", " ").title(): v for k, v in more.items()}}


# Cloud seats, backup and support for a year, and an appliance that ships.
NEW_QUOTE = [
    line(NEW, "New", 1, "SUB-CLOUD", "Cloud seats", 25, start_date=START, end_date=END, subscription_term=12),
    line(NEW, "New", 2, "SUB-BACKUP", "Offsite backup 1 TB", 10, start_date=START, end_date=END,
         subscription_term=12),
    line(NEW, "New", 3, "SUB-SUPPORT", "Premium support", 1, start_date=START, end_date=END, subscription_term=12),
    line(NEW, "New", 4, "HW-APPLIANCE", "Backup appliance", 1)]
# The first amendment, as CPQ exports it without a prior-quantity column: every line's full new quantity.
AMENDMENT = [
    line("Q-2026-0101", "Amendment", 1, "SUB-CLOUD", "Cloud seats", 40, original_quote=NEW, start_date=AMENDED),
    line("Q-2026-0101", "Amendment", 2, "SUB-BACKUP", "Offsite backup 1 TB", 4, original_quote=NEW,
         start_date=AMENDED),
    line("Q-2026-0101", "Amendment", 3, "SUB-SUPPORT", "Premium support", 1, original_quote=NEW, start_date=AMENDED),
    line("Q-2026-0101", "Amendment", 4, "SUB-SECURITY", "Endpoint security", 5, original_quote=NEW,
         start_date=AMENDED, subscription_term=9),
    line("Q-2026-0101", "Amendment", 5, "HW-APPLIANCE-XL", "Backup appliance XL", 1, original_quote=NEW)]


class Contracts:
    """One account's quotes, orders and shipments, each method one user action."""

    def __init__(self, store: OpenedStore, folder: Path) -> None:
        self.store, self.folder = store, folder
        self._files = 0

    def import_rows(self, rows: Sequence[Mapping[str, object]]) -> None:
        self._files += 1
        path = self.folder / f"quotes-{self._files}.xlsx"
        headers = list(dict.fromkeys(name for row in rows for name in row))
        book = openpyxl.Workbook()
        book.active.append(headers)
        for row in rows:
            book.active.append([row.get(name) for name in headers])
        book.save(path)
        book.close()
        with self.store.transaction() as session:
            result = import_file(session, path, who="importer")
            assert result.ok, result.problems

    def create(self, quote: str) -> int:
        with self.store.transaction() as session:
            order = create_order(session, quote, who="maria")
            session.flush()
            return order.id

    def release(self, order_id: int) -> None:
        """Fill in what readiness asks for and take the order to confirmed."""
        with self.store.transaction() as session:
            order = find_order(session, order_id)
            lines = {line.line_no: {"activation_contact": "it-admin@northwind.example"}
                     for line in order.lines if line.kind is FulfillmentKind.PROVISION}
            apply_edit(session, order, OrderEdit(
                {"ship_to_street": "12 Harbour Road", "ship_to_city": "Southampton", "ship_to_postal_code": "SO14 2AQ",
                 "ship_to_country": "GB", "bill_to_country": "GB", "carrier": "DHL Express",
                 "requested_date": "2026-07-15"}, lines), who="maria")
        for status in (OrderStatus.READY, OrderStatus.SENT_TO_ERP, OrderStatus.CONFIRMED):
            with self.store.transaction() as session:
                change_status(session, find_order(session, order_id), status, who="maria")

    def fulfil(self, order_id: int) -> None:
        """Release the order and ship all its goods: it is shipped, and reaches the contract."""
        self.release(order_id)
        with self.store.transaction() as session:
            order = find_order(session, order_id)
            record_shipment(session, order, ShipmentRequest(backordered(order)), who="jo")
            assert order.status is OrderStatus.SHIPPED

    def provisioned(self, order_id: int) -> list[ContractedPosition]:
        """Mark an order with nothing to ship as done (Move To ▸ Shipped); the positions it shaped."""
        self.release(order_id)
        with self.store.transaction() as session:
            order = find_order(session, order_id)
            assert OrderStatus.SHIPPED in allowed_next(session, order)
            change_status(session, order, OrderStatus.SHIPPED, who="jo")
            return list(session.execute(select(ContractedPosition).where(
                ContractedPosition.source_order_id == order_id)).scalars())

    def record_again(self, order_id: int) -> list[ContractedPosition]:
        with self.store.transaction() as session:
            return record_fulfilment(session, find_order(session, order_id), who="jo")

    def positions(self) -> list[tuple[object, ...]]:
        """(contract, product, name, quantity, start, end, from order) as the account page lists them."""
        with self.store.session() as session:
            overview = account_overview(session, 1)
        return [(p.contract_number, p.product_code, p.product_name, p.quantity, p.start_date, p.end_date,
                 p.source_order_number) for p in overview.positions]

    def order_lines(self, order_id: int) -> list[tuple[object, ...]]:
        """(line, product, kind, quantity, action, prior, delta, effective, start, end) of each line."""
        with self.store.session() as session:
            return [(l.line_no, l.product_code, l.kind.value, l.quantity, l.action, l.prior_quantity, l.delta,
                     l.effective_date, l.subscription_start, l.subscription_end)
                    for l in find_order(session, order_id).lines]

    def actions(self, order_id: int) -> list[str | None]:
        with self.store.session() as session:
            return [describe_action(l.action, l.product_code, l.prior_quantity, l.delta, l.effective_date,
                                    l.subscription_end) if l.action else None
                    for l in find_order(session, order_id).lines]

    def position_records(self) -> list[tuple[str | None, str, str | None, str | None, str, str]]:
        with self.store.session() as session:
            records = session.execute(select(ChangeRecord).where(ChangeRecord.entity_type == "contract_position")
                                      .order_by(ChangeRecord.id)).scalars()
            return [(r.subject, r.field, r.old_value, r.new_value, r.source.value, r.reason or "") for r in records
                    if r.field != "source_order_id"]


@pytest.fixture
def contracts(store: OpenedStore, tmp_path: Path) -> Contracts:
    contracts = Contracts(store, tmp_path)
    contracts.import_rows(NEW_QUOTE)
    return contracts


def fulfilled_new_quote(contracts: Contracts) -> int:
    order_id = contracts.create(NEW)
    contracts.fulfil(order_id)
    return order_id


def test_a_fulfilled_new_quote_puts_its_subscriptions_under_contract(contracts: Contracts) -> None:
    order_id = contracts.create(NEW)
    contracts.release(order_id)
    assert contracts.positions() == []  # nothing is under contract before it is fulfilled
    with contracts.store.transaction() as session:
        order = find_order(session, order_id)
        record_shipment(session, order, ShipmentRequest({4: D(1)}), who="jo")
    assert contracts.positions() == [
        (NEW, "SUB-BACKUP", "Offsite backup 1 TB", D(10), START, END, "FO-000001"),
        (NEW, "SUB-CLOUD", "Cloud seats", D(25), START, END, "FO-000001"),
        (NEW, "SUB-SUPPORT", "Premium support", D(1), START, END, "FO-000001")]  # the appliance is no subscription
    assert contracts.position_records() == [  # in the order's line order
        ("SUB-CLOUD", "created", None, "SUB-CLOUD × 25 2026-07-01 to 2027-06-30", "system", "FO-000001 fulfilled"),
        ("SUB-BACKUP", "created", None, "SUB-BACKUP × 10 2026-07-01 to 2027-06-30", "system", "FO-000001 fulfilled"),
        ("SUB-SUPPORT", "created", None, "SUB-SUPPORT × 1 2026-07-01 to 2027-06-30", "system", "FO-000001 fulfilled")]


def test_an_order_not_yet_fulfilled_changes_no_contract(contracts: Contracts) -> None:
    order_id = contracts.create(NEW)
    contracts.release(order_id)
    assert contracts.record_again(order_id) == []
    assert contracts.positions() == []


def test_an_amendment_without_prior_quantities_acts_on_the_difference_to_the_contract(contracts: Contracts) -> None:
    fulfilled_new_quote(contracts)
    contracts.import_rows(AMENDMENT)
    amendment_id = contracts.create("Q-2026-0101")
    # The order carries what changes; the lines under contract are provisioned though the quote gives no dates.
    assert contracts.order_lines(amendment_id) == [
        (1, "SUB-CLOUD", "provision", D(15), A.INCREASE, D(25), D(15), AMENDED, AMENDED, END),
        (2, "SUB-BACKUP", "provision", D(6), A.DECREASE, D(10), D(-6), AMENDED, AMENDED, END),
        (3, "SUB-SUPPORT", "provision", D(1), A.NONE, D(1), D(0), AMENDED, AMENDED, END),
        (4, "SUB-SECURITY", "provision", D(5), A.ADD, D(0), D(5), AMENDED, AMENDED, END),  # co-terminates
        (5, "HW-APPLIANCE-XL", "ship", D(1), A.ADD, D(0), D(1), AMENDED, None, None)]
    assert [text for no, text in enumerate(contracts.actions(amendment_id), start=1) if no != 3] == [
        "Increase SUB-CLOUD 25 → 40 (+15) from 2026-10-01, until 2027-06-30",
        "Decrease SUB-BACKUP 10 → 4 (-6) from 2026-10-01, until 2027-06-30",
        "Add SUB-SECURITY 0 → 5 (+5) from 2026-10-01, until 2027-06-30",
        "Add HW-APPLIANCE-XL 0 → 1 (+1) from 2026-10-01"]

    contracts.fulfil(amendment_id)
    assert contracts.positions() == [
        (NEW, "SUB-BACKUP", "Offsite backup 1 TB", D(4), START, END, "FO-000002"),
        (NEW, "SUB-CLOUD", "Cloud seats", D(40), START, END, "FO-000002"),
        (NEW, "SUB-SECURITY", "Endpoint security", D(5), AMENDED, END, "FO-000002"),
        (NEW, "SUB-SUPPORT", "Premium support", D(1), START, END, "FO-000002")]
    assert contracts.position_records()[3:] == [
        ("SUB-SECURITY", "created", None, "SUB-SECURITY × 5 2026-10-01 to 2027-06-30", "amendment",
         "FO-000002 fulfilled"),
        ("SUB-CLOUD", "quantity", "25", "40", "amendment", "FO-000002 fulfilled"),
        ("SUB-BACKUP", "quantity", "10", "4", "amendment", "FO-000002 fulfilled")]


def test_a_prior_quantity_column_wins_and_zero_ends_the_position_on_the_amendments_start(
        contracts: Contracts) -> None:
    fulfilled_new_quote(contracts)
    contracts.import_rows([
        line("Q-2026-0102", "Amendment", 1, "SUB-SUPPORT", "Premium support", 0, prior_quantity=1,
             original_quote=NEW, start_date=AMENDED_AGAIN, end_date=END),
        # CPQ says 12 were there (the contract says 10): its full new quantity of 15 is what counts.
        line("Q-2026-0102", "Amendment", 2, "SUB-BACKUP", "Offsite backup 1 TB", 15, prior_quantity=12,
             original_quote=NEW, start_date=AMENDED_AGAIN, end_date=END)])
    order_id = contracts.create("Q-2026-0102")
    assert contracts.order_lines(order_id) == [
        (1, "SUB-SUPPORT", "provision", D(1), A.REMOVE, D(1), D(-1), AMENDED_AGAIN, AMENDED_AGAIN, AMENDED_AGAIN),
        (2, "SUB-BACKUP", "provision", D(3), A.INCREASE, D(12), D(3), AMENDED_AGAIN, AMENDED_AGAIN, END)]
    assert contracts.actions(order_id) == [
        "Remove SUB-SUPPORT 1 → 0 (-1) on 2027-01-01",
        "Increase SUB-BACKUP 12 → 15 (+3) from 2027-01-01, until 2027-06-30"]
    assert len(contracts.provisioned(order_id)) == 2
    assert contracts.positions() == [
        (NEW, "SUB-BACKUP", "Offsite backup 1 TB", D(15), START, END, "FO-000002"),
        (NEW, "SUB-CLOUD", "Cloud seats", D(25), START, END, "FO-000001"),
        (NEW, "SUB-SUPPORT", "Premium support", D(0), START, AMENDED_AGAIN, "FO-000002")]


def test_a_renewal_extends_and_a_cancellation_ends_everything(contracts: Contracts) -> None:
    fulfilled_new_quote(contracts)
    renewal = "Q-2026-0103"
    renewed_start = dt.date(2027, 7, 1)
    contracts.import_rows([
        line(renewal, "Renewal", 1, "SUB-CLOUD", "Cloud seats", 25, original_quote=NEW, start_date=renewed_start,
             end_date=RENEWED_END, subscription_term=12),
        line(renewal, "Renewal", 2, "SUB-BACKUP", "Offsite backup 1 TB", 12, original_quote=NEW,
             start_date=renewed_start, end_date=RENEWED_END, subscription_term=12)])
    renewal_id = contracts.create(renewal)
    assert contracts.order_lines(renewal_id) == [
        (1, "SUB-CLOUD", "provision", D(25), A.RENEW, D(25), D(0), renewed_start, renewed_start, RENEWED_END),
        (2, "SUB-BACKUP", "provision", D(2), A.INCREASE, D(10), D(2), renewed_start, renewed_start, RENEWED_END)]
    assert contracts.actions(renewal_id) == [
        "Renew SUB-CLOUD 25 → 25 from 2027-07-01, until 2028-06-30",
        "Increase SUB-BACKUP 10 → 12 (+2) from 2027-07-01, until 2028-06-30"]
    assert len(contracts.provisioned(renewal_id)) == 2
    assert contracts.positions() == [
        (NEW, "SUB-BACKUP", "Offsite backup 1 TB", D(12), START, RENEWED_END, "FO-000002"),
        (NEW, "SUB-CLOUD", "Cloud seats", D(25), START, RENEWED_END, "FO-000002"),
        (NEW, "SUB-SUPPORT", "Premium support", D(1), START, END, "FO-000001")]  # not renewed: ends as it was

    cancellation = "Q-2026-0104"
    contracts.import_rows([
        line(cancellation, "Cancellation", no, code, name, 0, original_quote=NEW, start_date=CANCELLED_ON)
        for no, code, name in ((1, "SUB-CLOUD", "Cloud seats"), (2, "SUB-BACKUP", "Offsite backup 1 TB"),
                               (3, "SUB-SUPPORT", "Premium support"))])
    cancellation_id = contracts.create(cancellation)
    assert [line[:7] for line in contracts.order_lines(cancellation_id)] == [
        (1, "SUB-CLOUD", "provision", D(25), A.CANCEL, D(25), D(-25)),
        (2, "SUB-BACKUP", "provision", D(12), A.CANCEL, D(12), D(-12)),
        (3, "SUB-SUPPORT", "provision", D(1), A.CANCEL, D(1), D(-1))]
    assert contracts.actions(cancellation_id)[0] == "Cancel SUB-CLOUD 25 → 0 (-25) on 2027-09-01"
    contracts.provisioned(cancellation_id)
    assert contracts.positions() == [
        (NEW, "SUB-BACKUP", "Offsite backup 1 TB", D(0), START, CANCELLED_ON, "FO-000003"),
        (NEW, "SUB-CLOUD", "Cloud seats", D(0), START, CANCELLED_ON, "FO-000003"),
        (NEW, "SUB-SUPPORT", "Premium support", D(0), START, CANCELLED_ON, "FO-000003")]
    assert {record[4] for record in contracts.position_records()[3:]} == {ChangeSource.AMENDMENT.value}


def test_recording_a_fulfilment_again_changes_nothing(contracts: Contracts) -> None:
    new_id = fulfilled_new_quote(contracts)
    contracts.import_rows(AMENDMENT)
    amendment_id = contracts.create("Q-2026-0101")
    contracts.fulfil(amendment_id)
    after = contracts.positions()
    records = len(contracts.position_records())
    assert contracts.record_again(amendment_id) == []
    assert contracts.record_again(new_id) == []  # its positions now name the amendment's order
    # Closing the orders fulfils them once more in the workflow's eyes; the contract stays as it is.
    for order_id in (new_id, amendment_id):
        with contracts.store.transaction() as session:
            change_status(session, find_order(session, order_id), OrderStatus.CLOSED, who="maria")
    assert contracts.positions() == after
    assert len(contracts.position_records()) == records
    with contracts.store.session() as session:
        assert session.execute(select(func.count()).select_from(ContractedPosition)).scalar_one() == 4


def test_taking_away_what_is_not_under_contract_changes_nothing(contracts: Contracts) -> None:
    contracts.import_rows([line("Q-2026-0105", "Amendment", 1, "SUB-ARCHIVE", "Archive", 0, prior_quantity=3,
                                original_quote=NEW, start_date=AMENDED, end_date=END)])
    order_id = contracts.create("Q-2026-0105")
    assert contracts.order_lines(order_id)[0][:7] == (1, "SUB-ARCHIVE", "provision", D(3), A.REMOVE, D(3), D(-3))
    assert contracts.provisioned(order_id) == []
    assert contracts.positions() == []

"""The change journal: a record for every kind of change, and no way around it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, delete, func, insert, select, text, update

from qtc_desktop.domain import (
    Account,
    ChangeRecord,
    ChangeSource,
    ContractedPosition,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    Package,
    Quote,
    QuoteLine,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import EditRefused
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.revising import apply_revision
from qtc_desktop.services.orders.shipping import PackageSpec, ShipmentRequest, record_shipment
from qtc_desktop.services.orders.workflow import change_status
from qtc_desktop.store import OpenedStore
from qtc_desktop.store.journal import TRACKED_TABLES, UnrecordedChange, bulk_writes, recording

HEADERS = ["Quote Number", "Quote Type", "Account ID", "Account Name", "Original Quote", "Line", "Product Code",
           "Product Name", "Quantity", "Start Date", "End Date", "Subscription Term"]
NORTHWIND = ["001Nw00000AbCdE", "Northwind Traders Ltd"]
START, END = dt.date(2026, 7, 1), dt.date(2027, 6, 30)
AMENDED = dt.date(2026, 10, 1)
# A new quote: a server, rail kits, and cloud seats for a year.
REV_1 = [["Q-J-1", "New", *NORTHWIND, None, 1, "HW-SRV-R220", "Rack Server R220", 2, None, None, None],
         ["Q-J-1", "New", *NORTHWIND, None, 2, "HW-RAIL-KIT", "Sliding rail kit", 4, None, None, None],
         ["Q-J-1", "New", *NORTHWIND, None, 3, "SUB-CLOUD", "Cloud seats", 25, START, END, 12]]
# Its second revision: one more server, no rail kits, a UPS.
REV_2 = [REV_1[0][:8] + [3, None, None, None], REV_1[2],
         ["Q-J-1", "New", *NORTHWIND, None, 4, "HW-UPS-1500", "UPS 1500VA", 1, None, None, None]]
# Later the customer amends the contract: 40 seats from October, and a spare rail kit.
AMENDMENT = [["Q-J-2", "Amendment", *NORTHWIND, "Q-J-1", 1, "SUB-CLOUD", "Cloud seats", 40, AMENDED, END, 9],
             ["Q-J-2", "Amendment", *NORTHWIND, "Q-J-1", 2, "HW-RAIL-KIT", "Sliding rail kit", 1, None, None, None]]
Row = tuple[str, str | None, str, str | None, str | None, str, str, str | None]


class Journal:
    """The database as coordinators change it, and the records each step wrote."""

    def __init__(self, store: OpenedStore, folder: Path) -> None:
        self.store, self.folder = store, folder
        self._seen = 0
        self._files = 0

    def import_rows(self, rows: Sequence[Sequence[object]]) -> str:
        self._files += 1
        path = self.folder / f"quotes-{self._files}.xlsx"
        book = openpyxl.Workbook()
        book.active.append(HEADERS)
        for row in rows:
            book.active.append(list(row))
        book.save(path)
        book.close()
        with self.store.transaction() as session:
            result = import_file(session, path, who="importer")
            assert result.ok, result.problems
        return path.name

    def new_records(self) -> list[Row]:
        """(entity, subject, field, old, new, who, source, reason) of the records since the last call."""
        with self.store.session() as session:
            records = session.execute(select(ChangeRecord).where(ChangeRecord.id > self._seen)
                                      .order_by(ChangeRecord.id)).scalars().all()
        if records:
            self._seen = records[-1].id
        return [(r.entity_type, r.subject, r.field, r.old_value, r.new_value, r.who, r.source.value, r.reason)
                for r in records]

    def create(self, quote: str) -> int:
        with self.store.transaction() as session:
            order = create_order(session, quote, who="maria")
            session.flush()
            return order.id

    def edit(self, order_id: int, header: dict[str, str] = {}, lines: dict[int, dict[str, str]] = {}, *,
             who: str = "maria", source: ChangeSource = ChangeSource.USER_EDIT) -> None:
        with self.store.transaction() as session:
            apply_edit(session, find_order(session, order_id), OrderEdit(header, lines), who=who, source=source)

    def release(self, order_id: int) -> None:
        """Fill in what readiness asks and take the order to confirmed (records not looked at)."""
        with self.store.session() as session:
            lines = {line.line_no: {"activation_contact": "it-admin@northwind.example"}
                     for line in find_order(session, order_id).lines if line.kind is FulfillmentKind.PROVISION}
        self.edit(order_id, {"carrier": "DHL Express", "requested_date": "2026-07-15", "ship_to_street": "12 Harbour Road",
                             "ship_to_city": "Southampton", "ship_to_postal_code": "SO14 2AQ",
                             "ship_to_country": "GB", "bill_to_country": "GB"}, lines)
        for status in (OrderStatus.READY, OrderStatus.SENT_TO_ERP, OrderStatus.CONFIRMED):
            with self.store.transaction() as session:
                change_status(session, find_order(session, order_id), status, who="maria")
        self.new_records()

    def ship(self, order_id: int, quantities: dict[int, int], packages: Sequence[PackageSpec] = ()) -> str:
        request = ShipmentRequest({no: Decimal(q) for no, q in quantities.items()}, packages=packages,
                                  tracking_number="1Z999AA10123456784", ship_date=dt.date(2026, 7, 20))
        with self.store.transaction() as session:
            return record_shipment(session, find_order(session, order_id), request, who="jo").number

    def order(self, order_id: int) -> FulfillmentOrder:
        with self.store.session() as session:
            return find_order(session, order_id)

    def count(self, model: type) -> int:
        with self.store.session() as session:
            return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def journal(store: OpenedStore, tmp_path: Path) -> Journal:
    return Journal(store, tmp_path)


# A record for every kind of change.

def test_quotes_accounts_and_orders_record_who_changed_what_from_where_and_why(journal: Journal) -> None:
    first = journal.import_rows(REV_1)
    imported = ("importer", "import", f"Imported from {first}")
    assert journal.new_records() == [
        ("account", "Northwind Traders Ltd", "created", None, "Northwind Traders Ltd", *imported),
        ("quote", "Q-J-1 rev 1", "revision", None, "1", *imported)]

    with journal.store.transaction() as session:
        with recording(session, who="crm-sync", source=ChangeSource.SYSTEM, reason="  Address from the CRM "):
            account = session.execute(select(Account)).scalar_one()
            account.city, account.country = "Southampton", "GB"
    assert journal.new_records() == [
        ("account", "Northwind Traders Ltd", "city", None, "Southampton", "crm-sync", "system", "Address from the CRM"),
        ("account", "Northwind Traders Ltd", "country", None, "GB", "crm-sync", "system", "Address from the CRM")]

    order_id = journal.create("Q-J-1")
    assert journal.new_records() == [
        ("order", "FO-000001", "created", None, "Q-J-1 rev 1", "maria", "user_edit", "Created from quote Q-J-1")]

    journal.edit(order_id, {"carrier": "DHL Express", "customer_po": "PO-7781"}, {1: {"location": "A-01-3"}})
    assert journal.new_records() == [
        ("order", "FO-000001", "customer_po", None, "PO-7781", "maria", "user_edit", None),
        ("order", "FO-000001", "carrier", None, "DHL Express", "maria", "user_edit", None),
        ("order_line", "line 1", "location", None, "A-01-3", "maria", "user_edit", None)]

    second = journal.import_rows(REV_2)
    revised = ("importer", "import", f"Imported from {second}")
    assert journal.new_records() == [
        ("quote", "Q-J-1 rev 2", "revision", "1", "2", *revised),
        ("quote", "line 1 HW-SRV-R220", "quantity", "2", "3", *revised),
        ("quote", "line 2 HW-RAIL-KIT", "removed", "HW-RAIL-KIT", None, *revised),
        ("quote", "line 4 HW-UPS-1500", "added", None, "HW-UPS-1500", *revised)]

    with journal.store.transaction() as session:
        apply_revision(session, find_order(session, order_id), who="maria")
    followed = ("maria", "quote_revision", "Q-J-1 rev 1 → rev 2")
    assert journal.new_records() == [
        ("order", "FO-000001", "quote", "Q-J-1 rev 1", "Q-J-1 rev 2", *followed),
        ("order_line", "line 1", "quote_line", "Q-J-1 rev 1 line 1", "Q-J-1 rev 2 line 1", *followed),
        ("order_line", "line 1", "quantity", "2", "3", *followed),
        ("order_line", "line 2", "deleted", "line 2 HW-RAIL-KIT × 4", None, *followed),
        ("order_line", "line 3", "quote_line", "Q-J-1 rev 1 line 3", "Q-J-1 rev 2 line 3", *followed),
        ("order_line", "line 4", "created", None, "line 4 HW-UPS-1500 × 1", *followed)]
    with journal.store.session() as session:  # the removed line's record is the order's history too
        deleted = session.execute(select(ChangeRecord).where(ChangeRecord.field == "deleted")).scalar_one()
        assert (deleted.order_id, deleted.account_id) == (order_id, journal.order(order_id).account_id)


def test_shipments_packages_and_contracted_positions_are_recorded(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    journal.release(order_id)

    number = journal.ship(order_id, {1: 2, 2: 4}, [PackageSpec(Decimal("31.5"), Decimal(80), Decimal(60),
                                                               Decimal(20), "BOX 1")])
    shipped = ("jo", "user_edit", f"shipment {number}")
    assert journal.new_records() == [
        ("order", "FO-000001", "status", "confirmed", "shipped", *shipped),
        # Its lines and packages are part of the shipment's own record.
        ("shipment", "SH-0000001", "created", None, "SH-0000001: line 1 × 2, line 2 × 4", *shipped),
        ("contract_position", "SUB-CLOUD", "created", None, "SUB-CLOUD × 25 2026-07-01 to 2027-06-30",
         "jo", "system", "FO-000001 fulfilled")]

    with journal.store.transaction() as session:
        with recording(session, who="jo", source=ChangeSource.USER_EDIT, reason="second box found"):
            shipment = session.execute(select(Shipment)).scalar_one()
            assert (len(shipment.lines), len(shipment.packages)) == (2, 1)  # loaded first: one flush for all
            shipment.tracking_number = "1Z999AA10123456785"
            shipment.packages.append(Package(reference="BOX 2", weight_kg=Decimal("4.2")))
            shipment.lines[1].quantity = Decimal(3)
            session.delete(shipment.packages[0])
    box = ("jo", "user_edit", "second box found")
    assert journal.new_records() == [
        ("shipment", "SH-0000001", "tracking_number", "1Z999AA10123456784", "1Z999AA10123456785", *box),
        ("shipment_line", "SH-0000001 line 2", "quantity", "4", "3", *box),
        ("package", "SH-0000001 package BOX 2", "created", None, "SH-0000001 package BOX 2", *box),
        ("package", "SH-0000001 package BOX 1", "deleted", "SH-0000001 package BOX 1", None, *box)]

    journal.import_rows(AMENDMENT)
    journal.new_records()
    amendment_id = journal.create("Q-J-2")
    journal.release(amendment_id)
    journal.ship(amendment_id, {2: 1})
    assert journal.new_records()[-2:] == [
        ("contract_position", "SUB-CLOUD", "quantity", "25", "40", "jo", "amendment", "FO-000002 fulfilled"),
        ("contract_position", "SUB-CLOUD", "source_order_id", str(order_id), str(amendment_id),
         "jo", "amendment", "FO-000002 fulfilled")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=300))
def test_whatever_is_typed_into_a_field_is_recorded_as_typed(journal: Journal, typed: str) -> None:
    if journal.count(Quote) == 0:
        journal.import_rows(REV_1)
        journal.create("Q-J-1")
        journal.new_records()
    before = journal.order(1).instructions
    journal.edit(1, {"instructions": typed})
    records = journal.new_records()
    stored = journal.order(1).instructions
    assert stored == (typed.strip() or None)
    if stored == before:
        assert records == []
    else:
        assert records == [("order", "FO-000001", "instructions", before, stored, "maria", "user_edit", None)]


def test_a_nul_character_is_refused_naming_the_field_and_nothing_is_recorded(journal: Journal) -> None:
    journal.import_rows(REV_1)
    journal.create("Q-J-1")
    journal.new_records()
    with pytest.raises(EditRefused, match="instructions: contains a NUL character"):
        journal.edit(1, {"instructions": "fragile\x00 handle with care"})
    assert journal.new_records() == [] and journal.order(1).instructions is None


def test_new_things_are_recorded_in_the_order_they_were_made(journal: Journal) -> None:
    journal.import_rows(REV_1)
    journal.new_records()
    products = [f"SUB-{n:02d}" for n in range(1, 9)]
    made = [ContractedPosition(account_id=1, product_code=code, quantity=Decimal(1)) for code in products]
    with journal.store.transaction(who="maria", source=ChangeSource.USER_EDIT) as session:
        for position in reversed(made):  # added last made first
            session.add(position)
    assert [record[1] for record in journal.new_records()] == products[::-1]


def test_a_line_taken_out_of_its_order_is_recorded_as_deleted_from_that_order(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    journal.new_records()
    with journal.store.transaction(who="maria", source=ChangeSource.USER_EDIT, reason="not needed") as session:
        order = find_order(session, order_id)
        order.lines.remove(order.lines[1])
    assert journal.new_records() == [
        ("order_line", "line 2", "deleted", "line 2 HW-RAIL-KIT × 4", None, "maria", "user_edit", "not needed")]
    order = journal.order(order_id)
    assert ([line.line_no for line in order.lines], order.version) == ([1, 3], 2)
    with journal.store.session() as session:
        record = session.execute(select(ChangeRecord).order_by(ChangeRecord.id.desc()).limit(1)).scalar_one()
        assert (record.order_id, record.account_id) == (order_id, order.account_id)


# What rides along: the version, and the mark for the ERP.

def test_a_change_to_lines_alone_raises_the_order_version(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    before = journal.order(order_id)
    journal.edit(order_id, lines={2: {"location": "B-07-1"}})
    after = journal.order(order_id)
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
    assert journal.new_records()[-1:] == [("order_line", "line 2", "location", None, "B-07-1", "maria", "user_edit", None)]


def test_a_change_after_the_erp_saw_the_order_marks_it_unless_the_erp_made_it(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    journal.edit(order_id, {"promised_date": "2026-07-10"})
    assert not journal.order(order_id).changed_since_export  # the ERP has not seen it
    journal.release(order_id)  # sent to the ERP, then confirmed
    with journal.store.transaction() as session:  # what an export does
        find_order(session, order_id).changed_since_export = False
    assert journal.new_records() == []  # bookkeeping, not history

    journal.edit(order_id, {"erp_order_number": "SO-4711"}, {3: {"tenant": "northwind.cloud"}},
                 who="erp team", source=ChangeSource.ERP_ROUND_TRIP)
    assert not journal.order(order_id).changed_since_export
    assert [r[2:] for r in journal.new_records()] == [
        ("erp_order_number", None, "SO-4711", "erp team", "erp_round_trip", None),
        ("tenant", None, "northwind.cloud", "erp team", "erp_round_trip", None)]

    journal.edit(order_id, lines={1: {"location": "A-01-3"}})
    assert journal.order(order_id).changed_since_export


# No way around it.

def test_a_change_outside_recording_is_refused_and_nothing_is_stored(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    records = journal.count(ChangeRecord)
    account_id = journal.order(order_id).account_id
    with pytest.raises(UnrecordedChange, match="FulfillmentOrder, FulfillmentOrderLine changed outside recording"):
        with journal.store.transaction() as session:
            order = find_order(session, order_id)
            order.carrier = "UPS"
            order.lines[0].location = "A-01-3"
    with pytest.raises(UnrecordedChange, match="ContractedPosition changed outside recording"):
        with journal.store.transaction() as session:
            session.add(ContractedPosition(account_id=account_id, product_code="SUB-CLOUD",
                                           quantity=Decimal(1)))
    after = journal.order(order_id)
    assert (after.carrier, after.lines[0].location, after.version) == (None, None, 1)
    assert (journal.count(ChangeRecord), journal.count(ContractedPosition)) == (records, 0)


_MODELS = {cls.__table__.name: cls for cls in (Account, Quote, QuoteLine, FulfillmentOrder,  # type: ignore[attr-defined]
                                               FulfillmentOrderLine, Shipment, ShipmentLine, Package,
                                               ContractedPosition)}


def test_every_recorded_table_is_guarded() -> None:
    assert TRACKED_TABLES == set(_MODELS) == {
        "accounts", "quotes", "quote_lines", "fulfillment_orders", "fulfillment_order_lines", "shipments",
        "shipment_lines", "packages", "contracted_positions"}


@pytest.mark.parametrize("table", sorted(_MODELS))
@pytest.mark.parametrize("statement", ["insert", "update", "delete"])
def test_core_writes_to_recorded_tables_are_refused(journal: Journal, table: str, statement: str) -> None:
    core: Table = _MODELS[table].__table__
    build: dict[str, Any] = {"insert": lambda: insert(core).values(id=-1),
                             "update": lambda: update(core).where(core.c.id == -1).values(id=-2),
                             "delete": lambda: delete(core).where(core.c.id == -1)}
    with pytest.raises(UnrecordedChange, match=f"{statement.upper()} on {table} outside the change journal"):
        with journal.store.transaction() as session:
            session.execute(build[statement]())


@pytest.mark.parametrize("write", [
    pytest.param(lambda s: s.execute(update(FulfillmentOrder).values(carrier="UPS")), id="orm-bulk-update"),
    pytest.param(lambda s: s.execute(update(FulfillmentOrder).where(FulfillmentOrder.id == 1).values(carrier="UPS")
                                     .execution_options(synchronize_session="fetch")), id="orm-update-fetch"),
    pytest.param(lambda s: s.execute(delete(FulfillmentOrderLine).where(FulfillmentOrderLine.line_no == 2)),
                 id="orm-bulk-delete"),
    pytest.param(lambda s: s.execute(insert(Account), [{"name": "Contoso GmbH"}]), id="orm-bulk-insert"),
    pytest.param(lambda s: s.execute(text("UPDATE fulfillment_orders SET carrier = 'UPS'")), id="text"),
    pytest.param(lambda s: s.execute(text("update  \"fulfillment_orders\" set carrier = 'UPS'")), id="text-quoted"),
    pytest.param(lambda s: s.execute(text("UPDATE main.fulfillment_orders SET carrier = 'UPS'")), id="text-schema"),
    pytest.param(lambda s: s.execute(text("/* tidy */ DELETE FROM fulfillment_order_lines")), id="text-comment"),
    pytest.param(lambda s: s.execute(text("INSERT OR REPLACE INTO accounts (id, name) VALUES (1, 'x')")),
                 id="text-insert-or-replace"),
    pytest.param(lambda s: s.execute(text("WITH late AS (SELECT id FROM fulfillment_orders) "
                                          "UPDATE fulfillment_orders SET carrier = 'UPS' WHERE id IN late")),
                 id="text-with"),
    pytest.param(lambda s: s.execute(_update_with_cte()), id="core-update-with-cte"),
    pytest.param(lambda s: s.connection().exec_driver_sql("UPDATE fulfillment_orders SET carrier = 'UPS'"),
                 id="exec-driver-sql"),
])
def test_writes_around_the_orm_are_refused_and_change_nothing(journal: Journal, write: Any) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    records = journal.count(ChangeRecord)
    with pytest.raises(UnrecordedChange, match="outside the change journal"):
        with journal.store.transaction(who="maria") as session:
            write(session)
    order = journal.order(order_id)
    assert (order.carrier, len(order.lines), journal.count(Account)) == (None, 3, 1)
    assert journal.count(ChangeRecord) == records


def _update_with_cte() -> Any:
    late = select(FulfillmentOrder.id).cte("late")
    return update(FulfillmentOrder).where(FulfillmentOrder.id.in_(select(late.c.id))).values(
        carrier="UPS").add_cte(late)


def test_reading_and_writing_other_tables_is_not_refused(journal: Journal) -> None:
    with journal.store.transaction() as session:
        session.execute(text("SELECT * FROM fulfillment_orders WHERE carrier = 'UPDATE accounts'"))
        session.execute(text("UPDATE change_records SET reason = 'x' WHERE id = -1"))
        session.execute(text("INSERT INTO product_rules (pattern, kind, serialized, priority) "
                             "VALUES ('SUB-*', 'provision', FALSE, 10)"))


def test_bulk_writes_may_go_around_and_write_their_own_records(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    journal.new_records()
    with journal.store.transaction() as session:
        with bulk_writes("ERP round trip"):
            session.execute(update(FulfillmentOrder).where(FulfillmentOrder.id == order_id)
                            .values(carrier="UPS"))
            session.connection().exec_driver_sql("UPDATE fulfillment_order_lines SET location = 'X-1'")
    order = journal.order(order_id)
    assert (order.carrier, {line.location for line in order.lines}) == ("UPS", {"X-1"})
    assert journal.new_records() == []
    with pytest.raises(UnrecordedChange):  # the permission ends with the block
        with journal.store.transaction() as session:
            session.execute(update(FulfillmentOrder).values(carrier="DHL"))


def test_a_change_and_its_records_commit_or_roll_back_together(journal: Journal) -> None:
    journal.import_rows(REV_1)
    order_id = journal.create("Q-J-1")
    journal.new_records()
    with pytest.raises(RuntimeError, match="power cut"):
        with journal.store.transaction(who="maria", source=ChangeSource.USER_EDIT) as session:
            order = find_order(session, order_id)
            order.carrier = "UPS"
            order.lines[1].quantity = Decimal(1)
            session.flush()
            written = session.execute(select(ChangeRecord.field).where(ChangeRecord.order_id == order_id,
                                                                        ChangeRecord.field != "created")).scalars()
            assert sorted(written) == ["carrier", "quantity"]  # written in the same transaction...
            raise RuntimeError("power cut")
    order = journal.order(order_id)
    assert (order.carrier, order.lines[1].quantity, order.version) == (None, Decimal(4), 1)
    assert journal.new_records() == []  # ...and gone with it

    with journal.store.transaction(who="maria", source=ChangeSource.USER_EDIT, reason="customer called") as session:
        find_order(session, order_id).carrier = "UPS"
    assert journal.new_records() == [("order", "FO-000001", "carrier", None, "UPS", "maria", "user_edit",
                                      "customer called")]

"""Orders made the way a coordinator makes them: a CPQ export imported, then an order from a quote."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from qtc_desktop.domain import Account, ChangeRecord, ChangeSource, FulfillmentKind, FulfillmentOrder, OrderStatus
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.document import order_document
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, backordered, record_shipment
from qtc_desktop.services.orders.workflow import change_status
from qtc_desktop.store import OpenedStore, open_store, resolve_url
from qtc_desktop.store.journal import recording
from databases import PostgresDatabases

HEADERS = ["Quote Number", "Account ID", "Account Name", "Line", "Product Code", "Product Name",
           "Product Family", "Quantity", "Net Price", "Net Total", "Start Date", "End Date",
           "Subscription Term"]
START, END = dt.date(2026, 7, 1), dt.date(2027, 6, 30)
_NORTHWIND = ["001Nw00000AbCdE", "Northwind Traders Ltd"]
_CONTOSO = ["001Cn00000XyZ12", "Contoso GmbH"]
_FABRIKAM = ["001Fb00000QrSt9", "Fabrikam Inc"]
# One accepted quote with every kind of line a hardware-and-cloud vendor sells.
MIXED = "Q-2026-0042"
MIXED_QUOTE: list[list[object]] = [
    [MIXED, *_NORTHWIND, 1, "HW-SRV-R220", "Rack Server R220", "Hardware", 2, 6000.5, 12001, None, None, None],
    [MIXED, *_NORTHWIND, 2, "HW-RAIL-KIT", "Sliding rail kit", "Hardware", 4, 89, 356, None, None, None],
    [MIXED, *_NORTHWIND, 3, "SUB-CLOUD-STD", "Cloud Management Standard", "Subscriptions", 25, 96, 2400,
     START, END, 12],
    [MIXED, *_NORTHWIND, 4, "SUB-BACKUP-1TB", "Offsite backup 1 TB", "Subscriptions", 3, 240, 720, None, None, 36],
    [MIXED, *_NORTHWIND, 5, "SVC-INSTALL", "On-site installation", "Professional Services", 1.5, 1250, 1875,
     None, None, None],
    [MIXED, *_NORTHWIND, 6, "TRN-ADMIN", "Administrator training (day)", "Training", 2, 900, 1800,
     None, None, None],
]
# Goods only: what most orders in the warehouse look like.
GOODS = "Q-2026-0077"
GOODS_QUOTE: list[list[object]] = [
    [GOODS, *_CONTOSO, 1, "HW-SW-48P", "Switch 48 port", "Hardware", 3, 2100, 6300, None, None, None],
    [GOODS, *_CONTOSO, 2, "CBL-CAT6-3M", "Patch cable Cat6 3 m", "Accessories", 40, 4.5, 180, None, None, None],
]
SERVICES = "Q-2026-0081"
SERVICES_QUOTE: list[list[object]] = [
    [SERVICES, *_CONTOSO, 1, "SVC-MIGRATION", "Data centre migration (hours)", "Professional Services", 40, 150,
     6000, None, None, None],
]
SUBSCRIPTIONS = "Q-2026-0090"
SUBSCRIPTIONS_QUOTE: list[list[object]] = [
    [SUBSCRIPTIONS, *_NORTHWIND, 1, "SUB-CLOUD-PRO", "Cloud Management Pro", "Subscriptions", 50, 144, 7200,
     START, END, 12],
]
# An account the CPQ export knows only by name: no address on file.
NO_ADDRESS = "Q-2026-0093"
NO_ADDRESS_QUOTE: list[list[object]] = [
    [NO_ADDRESS, *_FABRIKAM, 1, "HW-AP-6", "Wi-Fi 6 access point", "Hardware", 10, 310, 3100, None, None, None],
]
ADDRESSES = {
    "Northwind Traders Ltd": dict(street="12 Harbour Road", city="Southampton", postal_code="SO14 2AQ",
                                  region="Hampshire", country="GB", email="orders@northwind.example",
                                  phone="+44 23 8000 1234"),
    "Contoso GmbH": dict(street="Hauptstraße 5", city="München", postal_code="80331", region="Bayern",
                         country="DE", email="einkauf@contoso.example", phone="+49 89 123456"),
}
S = OrderStatus
# What the coordinator types before a goods order may go to the ERP.
RELEASE_FIELDS = {"carrier": "DHL Express", "requested_date": "2026-07-15", "incoterms": "DAP"}


def write_quote_file(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A CPQ quote-lines export as an xlsx: a title row, the header, the lines."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Quote Lines"
    sheet.append(["Accepted quotes, June 2026"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    book.close()
    return path


def import_quotes(store: OpenedStore, path: Path, *, addresses: bool = True) -> None:
    """Import one file; fill in the accounts' addresses, which CPQ exports do not carry."""
    with store.transaction() as session:
        result = import_file(session, path, who="importer")
        assert result.ok, result.problems
        if addresses:
            with recording(session, who="importer", source=ChangeSource.SYSTEM, reason="addresses from the CRM"):
                for account in session.execute(select(Account)).scalars():
                    for name, value in ADDRESSES.get(account.name, {}).items():
                        setattr(account, name, value)


@pytest.fixture(scope="session")
def quotes_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the quotes above, made once: importing spawns a reader process."""
    folder = tmp_path_factory.mktemp("quotes")
    path = folder / "quotes.sqlite3"
    store = open_store(resolve_url(str(path)))
    try:
        rows = [*MIXED_QUOTE, *GOODS_QUOTE, *SERVICES_QUOTE, *SUBSCRIPTIONS_QUOTE, *NO_ADDRESS_QUOTE]
        import_quotes(store, write_quote_file(folder / "accepted-quotes.xlsx", rows))
    finally:
        store.close()  # the last connection closing folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def db_template(postgres_databases: PostgresDatabases | None, tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """On PostgreSQL, the quotes above imported once into a template each test's database copies."""
    if postgres_databases is None:
        return None
    folder = tmp_path_factory.mktemp("quotes-postgresql")
    rows = [*MIXED_QUOTE, *GOODS_QUOTE, *SERVICES_QUOTE, *SUBSCRIPTIONS_QUOTE, *NO_ADDRESS_QUOTE]
    return postgres_databases.template_named(
        "quotes", lambda store: import_quotes(store, write_quote_file(folder / "accepted-quotes.xlsx", rows)))


@pytest.fixture
def db_path(tmp_path: Path, quotes_database: Path) -> Path:
    """Every test here starts from its own copy of the database with the quotes imported."""
    path = tmp_path / "t.sqlite3"
    shutil.copyfile(quotes_database, path)
    return path


class Orders:
    """Makes orders from the imported quotes and works on them, each method one user action.

    Test modules cannot import a conftest, so the quotes and helpers ride along on this object.
    """

    MIXED, GOODS, SERVICES, SUBSCRIPTIONS, NO_ADDRESS = MIXED, GOODS, SERVICES, SUBSCRIPTIONS, NO_ADDRESS
    MIXED_QUOTE, GOODS_QUOTE = MIXED_QUOTE, GOODS_QUOTE
    RELEASE_FIELDS = RELEASE_FIELDS
    START, END = START, END

    def __init__(self, store: OpenedStore, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._files = 0

    def import_rows(self, rows: Sequence[Sequence[object]]) -> None:
        """Import more quote lines (a new quote, or a new revision of one above)."""
        self._files += 1
        import_quotes(self.store, write_quote_file(self.folder / f"more-quotes-{self._files}.xlsx", rows))

    def create(self, quote_number: str = GOODS, *, who: str = "maria", revision: int | None = None) -> int:
        with self.store.transaction() as session:
            order = create_order(session, quote_number, who=who, revision=revision)
            session.flush()
            return order.id

    def edit(self, order_id: int, header: Mapping[str, str] = {}, lines: Mapping[int, Mapping[str, str]] = {},
             *, who: str = "maria", expected_version: int | None = None) -> list[str]:
        with self.store.transaction() as session:
            return apply_edit(session, find_order(session, order_id), OrderEdit(header, lines), who=who,
                              expected_version=expected_version)

    def status(self, order_id: int, status: OrderStatus | str, reason: str | None = None, *,
               who: str = "maria") -> None:
        with self.store.transaction() as session:
            change_status(session, find_order(session, order_id), OrderStatus(status), who=who, reason=reason)

    def ship(self, order_id: int, request: ShipmentRequest | Mapping[int, int | str | Decimal], *, who: str = "jo") -> str:
        """Record a shipment; quantities may be given as {line number: quantity}."""
        if not isinstance(request, ShipmentRequest):
            request = ShipmentRequest({no: Decimal(str(q)) for no, q in request.items()},
                                      tracking_number="1Z999AA10123456784")
        with self.store.transaction() as session:
            return record_shipment(session, find_order(session, order_id), request, who=who).number

    def fill_in(self, order_id: int) -> None:
        """Type in everything readiness asks for: carrier, dates, contacts, serial numbers."""
        lines: dict[int, dict[str, str]] = {}
        with self.store.session() as session:
            for line in find_order(session, order_id).lines:
                if line.kind is FulfillmentKind.PROVISION:
                    lines[line.line_no] = {"activation_contact": "it-admin@northwind.example",
                                           "subscription_start": "2026-07-01"}
                if line.serialized:
                    lines[line.line_no] = {"serial_numbers": ",".join(
                        f"SN{line.line_no}-{n:04d}" for n in range(1, int(line.quantity) + 1))}
        self.edit(order_id, RELEASE_FIELDS, lines)

    def bring_to(self, order_id: int, status: OrderStatus) -> None:
        """Walk a freshly created order along the workflow to `status` (not on hold)."""
        path = [S.READY, S.SENT_TO_ERP, S.CONFIRMED, S.PARTLY_SHIPPED, S.SHIPPED, S.CLOSED]
        if status is S.DRAFT:
            return
        if status is S.CANCELLED:
            self.status(order_id, S.CANCELLED, "Customer withdrew the purchase order")
            return
        self.fill_in(order_id)
        for step in path[:path.index(status) + 1]:
            if step is S.PARTLY_SHIPPED:
                self.ship(order_id, {1: 1})
            elif step is S.SHIPPED:
                with self.store.session() as session:
                    rest = backordered(find_order(session, order_id))
                self.ship(order_id, rest)
            else:
                self.status(order_id, step)

    def release(self, order_id: int) -> None:
        """Fill in the order and take it to confirmed: goods may ship."""
        self.bring_to(order_id, S.CONFIRMED)

    def load(self, order_id: int) -> FulfillmentOrder:
        """The order as committed, detached, with lines and shipments loaded."""
        with self.store.session() as session:
            return find_order(session, order_id)

    def document(self, order_id: int) -> dict[str, Any]:
        with self.store.session() as session:
            return order_document(session, find_order(session, order_id))

    def changes(self, order_id: int, field: str | None = None) -> list[ChangeRecord]:
        with self.store.session() as session:
            statement = select(ChangeRecord).where(ChangeRecord.order_id == order_id)
            if field is not None:
                statement = statement.where(ChangeRecord.field == field)
            return list(session.execute(statement.order_by(ChangeRecord.id)).scalars())



@pytest.fixture
def orders(store: OpenedStore, tmp_path: Path) -> Orders:
    return Orders(store, tmp_path)

"""An exported workbook taken back untouched changes nothing, whatever text the orders hold.

Orders are made straight through the ORM (in a recorded transaction), so their text can be
anything the database holds: formula triggers, spaces at either end, line breaks, other
scripts, "_x0041_" escapes, and strings as long as each field allows. Each example exports
in every built-in layout (and one of every column) and reads the file back; every reimport spawns a reader process,
so the examples are few.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from qtc_desktop.domain import (
    Account,
    ExportBatch,
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    ProvisioningAction,
    Quote,
    QuoteType,
    Shipment,
    ShipmentLine,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.exporting.columns import COLUMNS
from qtc_desktop.services.exporting.layouts import BUILT_IN, save_layout
from qtc_desktop.services.exporting.reimport import plan_reimport
from qtc_desktop.services.exporting.service import export_orders, orders_to_export
from qtc_desktop.services.exporting.writer import ExportRefused
from qtc_desktop.services.orders.fields import HEADER_FIELDS
from qtc_desktop.store import OpenedStore

# U+FFFE and U+FFFF are not characters XML may hold, so no xlsx can carry them (xlsxwriter
# writes "_xFFFF_", which readers take literally); surrogates cannot even be stored as UTF-8.
# No NUL: no input path accepts it (PostgreSQL text cannot hold it), so no order carries one.
ALPHABET = st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufffe\uffff")
TRICKY = (
    "=SUM(A1:A9)", "=cmd|' /C calc'!A0", "+49 89 123456", "-12", "@home", "\tindented", "\rreturn",
    "\r\nwindows", " leading", "trailing ", "   ", "two\nlines", "Köln", "Αθήνα", "東京都港区", "مرحبا",
    "שלום", "😀 emoji", "_x0041_", "_x005F_x0041_", "_x0041_x0042_", "a_x000D_b", "<r>A & B</r>",
    "<r><t>run</t></r>", "'quoted", "0042", "1e5", "TRUE", "#N/A", "\x0bvertical tab", "a\u2028b",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", " ", "\n")
_numbers = itertools.count(1)


def texts(limit: int) -> st.SearchStrategy[str | None]:
    """Any text up to `limit` characters, leaning on the cases spreadsheets get wrong."""
    short = st.text(ALPHABET, max_size=min(limit, 30))
    long = st.text(ALPHABET, min_size=1, max_size=6).map(lambda piece: (piece * limit)[:limit])
    return st.one_of(
        st.none(),
        st.sampled_from(TRICKY).map(lambda text: text[:limit]),
        short,
        st.tuples(st.sampled_from(TRIGGERS), short).map(lambda pair: (pair[0] + pair[1])[:limit]),
        long,
    )


def dates() -> st.SearchStrategy[dt.date | None]:
    return st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2199, 12, 31)))


ORDER_TEXT = ("customer_po", "carrier", "service_level", "warehouse", "instructions", "ship_to_name",
              "ship_to_street", "ship_to_postal_code", "ship_to_city", "ship_to_region", "bill_to_name",
              "bill_to_street", "bill_to_postal_code", "bill_to_city", "bill_to_region", "contact_name",
              "contact_email", "contact_phone", "erp_order_number")
LINE_TEXT = {"product_name": 255, "location": 64, "tenant": 255, "licence_key": 255, "activation_contact": 255}


@dataclass(frozen=True)
class LineSpec:
    product_code: str
    quantity: Decimal
    text: dict[str, str | None]
    subscription: tuple[dt.date | None, dt.date | None]
    amendment: tuple[ProvisioningAction, Decimal, dt.date] | None


@dataclass(frozen=True)
class OrderSpec:
    customer: str
    text: dict[str, str | None]
    dates: tuple[dt.date | None, dt.date | None, dt.date | None]
    serials: list[str]  # on line 1, a serialized line of goods
    lines: list[LineSpec]
    shipment: tuple[Decimal, str | None] | None  # part of line 1 shipped, and its tracking number


quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("999999999.9999"), places=4)
lines = st.builds(
    LineSpec,
    product_code=st.one_of(st.sampled_from(("HW-SRV-R220", "=A1", "-SKU", "Ölfilter-3")), st.text(ALPHABET, min_size=1,
                                                                                             max_size=64)),
    quantity=quantities,
    text=st.fixed_dictionaries({name: texts(limit) for name, limit in LINE_TEXT.items()}),
    subscription=st.tuples(dates(), dates()),
    amendment=st.one_of(st.none(), st.tuples(st.sampled_from(ProvisioningAction), quantities,
                                             st.dates(dt.date(2000, 1, 1), dt.date(2199, 12, 31)))),
)
serials = st.lists(st.one_of(st.sampled_from(("=1+1", "-0001", "@SN", " SN 1", "SN\u00a02", "序列号")),
                             st.text(ALPHABET.filter(lambda ch: ch not in ",;\n\t"), min_size=1, max_size=64)),
                   max_size=4, unique=True)
orders = st.builds(
    OrderSpec,
    customer=texts(255).map(lambda text: text or "Customer"),
    text=st.fixed_dictionaries({name: texts(HEADER_FIELDS[name].max_length or 64) for name in ORDER_TEXT}),
    dates=st.tuples(dates(), dates(), dates()),
    serials=serials,
    lines=st.lists(lines, min_size=0, max_size=3),
    shipment=st.one_of(st.none(), st.tuples(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1), places=4),
                                            texts(64))),
)


def make_order(store: OpenedStore, spec: OrderSpec) -> int:
    """A READY order (partly shipped if the spec ships) with a serialized line 1 and 0-3 more lines."""
    n = next(_numbers)
    with store.transaction(who="test setup") as session:
        account = Account(name=spec.customer, external_id=f"ACC-RT-{n}", country="DE")
        quote = Quote(number=f"Q-RT-{n}", revision=1, type=QuoteType.NEW, account=account, currency="EUR",
                      net_total=Decimal("1234.56"), line_count=1 + len(spec.lines))
        order = FulfillmentOrder(number=f"FO-RT{n:05d}", quote=quote, account=account, status=OrderStatus.READY,
                                 ship_to_country="DE", bill_to_country="AT", incoterms="DAP",
                                 requested_date=spec.dates[0], promised_date=spec.dates[1],
                                 confirmed_date=spec.dates[2], **spec.text)
        first = FulfillmentOrderLine(line_no=1, product_code="HW-SW-48P", product_name="Switch 48 port",
                                     kind=FulfillmentKind.SHIP, quantity=Decimal(len(spec.serials) + 2),
                                     serialized=True, serial_numbers=list(spec.serials))
        order.lines.append(first)
        for number, line in enumerate(spec.lines, start=2):
            action = line.amendment
            order.lines.append(FulfillmentOrderLine(
                line_no=number, product_code=line.product_code, kind=FulfillmentKind.PROVISION,
                quantity=line.quantity, subscription_start=line.subscription[0],
                subscription_end=line.subscription[1], action=action[0] if action else None,
                prior_quantity=action[1] if action else None, delta=-action[1] if action else None,
                effective_date=action[2] if action else None,
                **{name: value or "" if name == "product_name" else value for name, value in line.text.items()}))
        if spec.shipment is not None:
            quantity, tracking = spec.shipment
            shipment = Shipment(number=f"SH-RT{n:05d}", ship_date=dt.date(2026, 6, 1), tracking_number=tracking)
            shipment.lines.append(ShipmentLine(order_line=first, quantity=quantity))
            order.shipments.append(shipment)
            order.status = OrderStatus.PARTLY_SHIPPED
        session.add(order)
        session.flush()
        return order.id


def export(store: OpenedStore, order_id: int, path: Path, layout: str) -> None:
    with store.transaction() as session:
        export_orders(session, orders_to_export(session, [order_id]), path, layout, who="maria")


def expected_cells(store: OpenedStore, order_id: int) -> tuple[dict[str, str], list[dict[str, str]]]:
    """What the generic layout's text columns should show: the stored text, exactly."""
    with store.session() as session:
        order = session.get(FulfillmentOrder, order_id)
        assert order is not None
        header = {name: show(getattr(order, name)) for name in ORDER_TEXT}
        header["customer"] = order.account.name
        rows = [{"product_code": line.product_code, "serial_numbers": ", ".join(line.serial_numbers),
                 **{name: show(getattr(line, name)) for name in LINE_TEXT}} for line in order.lines]
        return header, rows


def read_sheets(path: Path) -> dict[str, list[dict[str, str]]]:
    """Each sheet's rows as header -> text ('' for an empty cell), read with python-calamine."""
    sheets = {}
    with CalamineWorkbook.from_path(str(path)) as workbook:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            headers = [str(cell) for cell in rows[0]]
            sheets[name] = [{h: cell if isinstance(cell, str) else show(cell) for h, cell in zip(headers, row)}
                            for row in rows[1:]]
    return sheets


def assert_generic_cells(store: OpenedStore, order_id: int, path: Path) -> None:
    header, lines_ = expected_cells(store, order_id)
    sheets = read_sheets(path)
    [order_row] = sheets["Orders"]
    for name, value in header.items():
        assert order_row[COLUMNS[name].label] == value, name
    assert len(sheets["Lines"]) == len(lines_)
    for row, line in zip(sheets["Lines"], lines_):
        for name, value in line.items():
            assert row[COLUMNS[name].label] == value, name


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=orders)
@example(spec=OrderSpec(
    customer="=HYPERLINK(\"http://example.com\")", dates=(dt.date(2026, 7, 15), None, dt.date(2199, 12, 31)),
    text={name: TRICKY[index % len(TRICKY)] for index, name in enumerate(ORDER_TEXT)} | {
        "instructions": ("Ring the bell twice.\n=not a formula\r\n" * 200)[:4000]},
    serials=["=1+1", "-0001", "@SN", "Seriennr. ä"], shipment=(Decimal("0.3333"), "+1Z999AA10123456784"),
    lines=[LineSpec("=A1", Decimal("123456789.1234"), {name: "\t" + name for name in LINE_TEXT},
                    (dt.date(2026, 7, 1), dt.date(2027, 6, 30)),
                    (ProvisioningAction.DECREASE, Decimal("2.5"), dt.date(2026, 8, 1)))]))
def test_an_untouched_export_comes_back_with_no_changes(store: OpenedStore, tmp_path: Path, spec: OrderSpec) -> None:
    with store.transaction() as session:  # every column, the order's repeated on each line's row
        save_layout(session, "everything", [(name, name.replace("_", " ").title()) for name in COLUMNS])
    order_id = make_order(store, spec)
    for layout in (*BUILT_IN, "everything"):
        path = tmp_path / f"{layout}.xlsx"
        export(store, order_id, path, layout)
        if layout == "generic":
            assert_generic_cells(store, order_id, path)
        with store.session() as session:
            plan = plan_reimport(session, path)
        assert (plan.changes, plan.conflicts, plan.errors) == ((), (), ()), layout


def test_text_longer_than_a_cell_holds_is_refused_and_nothing_is_written(store: OpenedStore, tmp_path: Path) -> None:
    spec = OrderSpec(customer="Contoso GmbH", text={"instructions": "x" * 32_768}, dates=(None, None, None),
                     serials=[], lines=[], shipment=None)
    order_id = make_order(store, spec)
    with store.session() as session:
        order = session.get(FulfillmentOrder, order_id)
        assert order is not None
        number, version = order.number, order.version
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportRefused) as refused:
        export(store, order_id, folder / "orders.xlsx", "generic")
    message = str(refused.value)
    assert number in message and "'Instructions'" in message and "32,768" in message and "32,767" in message
    assert list(folder.iterdir()) == []  # no workbook, no temporary file
    with store.session() as session:
        order = session.get(FulfillmentOrder, order_id)
        assert order is not None
        assert (order.status, order.version, order.last_export_batch_id) == (OrderStatus.READY, version, None)
        assert session.execute(select(func.count()).select_from(ExportBatch)).scalar_one() == 0


def test_text_of_exactly_a_cells_length_is_exported_whole(store: OpenedStore, tmp_path: Path) -> None:
    text = ("Ω" * 32_766) + "!"
    spec = OrderSpec(customer="Contoso GmbH", text={"instructions": text}, dates=(None, None, None),
                     serials=[], lines=[], shipment=None)
    order_id = make_order(store, spec)
    export(store, order_id, tmp_path / "orders.xlsx", "generic")
    assert read_sheets(tmp_path / "orders.xlsx")["Orders"][0]["Instructions"] == text
    with store.session() as session:
        plan = plan_reimport(session, tmp_path / "orders.xlsx")
    assert (plan.changes, plan.conflicts, plan.errors) == ((), (), ())


def test_a_character_no_spreadsheet_can_hold_is_refused_and_nothing_is_written(
        store: OpenedStore, tmp_path: Path) -> None:
    spec = OrderSpec(customer="Contoso GmbH", text={"customer_po": "PO-\uffff-7"}, dates=(None, None, None),
                     serials=[], lines=[], shipment=None)
    order_id = make_order(store, spec)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportRefused, match=r"'Customer PO'.*U\+FFFE or U\+FFFF"):
        export(store, order_id, folder / "orders.xlsx", "generic")
    assert list(folder.iterdir()) == []
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(ExportBatch)).scalar_one() == 0

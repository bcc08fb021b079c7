"""The pick list read back from the PDF: goods still to ship, by warehouse then bin in walking order,
a check box per row, totals per product over all orders."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from qtc_desktop.domain import (
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    ProvisioningAction,
)
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import ShipmentRequest, record_shipment
from qtc_desktop.services.paperwork.documents import write_pick_list
from qtc_desktop.services.paperwork.pick_list import pick_items, totals_by_product
from qtc_desktop.services.paperwork.printing import PaperworkRefused
from qtc_desktop.services.preferences import Preferences
from qtc_desktop.store import OpenedStore

SHIP, PERFORM, PROVISION = FulfillmentKind.SHIP, FulfillmentKind.PERFORM, FulfillmentKind.PROVISION
COMPANY = Preferences(company_name="Fabrikam Fulfilment GmbH")
TABLE_HEADER = ["✓", "Bin", "Product", "Qty", "Order / line"]
SWITCH, CABLE, RAIL, UPS = (("HW-SW-48P", "48-port PoE+ Switch"), ("HW-CBL-C6A", "Cat6A patch cable 2 m"),
                            ("HW-RAIL-KIT", "Sliding rail kit"), ("HW-UPS-1500", "UPS 1500 VA, rack mount"))


def goods(line_no: int, product: tuple[str, str], quantity: int, location: str | None,
          **more: Any) -> dict[str, Any]:
    return dict(line_no=line_no, product_code=product[0], product_name=product[1], kind=SHIP,
                quantity=Decimal(quantity), location=location, **more)


# Order "rno": 6 switches and 10 cables still to ship after a partial shipment; a fully shipped
# server, a service, a subscription and an amendment's decrease are nothing to pick.
RNO_LINES = [
    goods(1, SWITCH, 10, "A-10"),
    goods(2, CABLE, 40, "A-2"),
    dict(line_no=3, product_code="SVC-INSTALL", product_name="On-site installation", kind=PERFORM,
         quantity=Decimal(1)),
    dict(line_no=4, product_code="SUB-CLOUD-STD", product_name="Cloud Management Standard", kind=PROVISION,
         quantity=Decimal(25)),
    goods(5, RAIL, 4, None),
    goods(6, ("HW-AP-6E", "Wi-Fi 6E access point"), 3, "A-1", action=ProvisioningAction.DECREASE,
          prior_quantity=Decimal(10), delta=Decimal(-3)),
    goods(7, ("HW-SRV-R220", "Rack Server R220"), 2, "A-1"),
]
RNO_SHIPPED = {1: Decimal(4), 2: Decimal(30), 7: Decimal(2)}
AMS_LINES = [goods(1, CABLE, 12, "B-1"), goods(2, SWITCH, 3, "A-10")]
NOWHERE_LINES = [goods(1, UPS, 1, "C-1"), goods(2, CABLE, 5, "A-2")]


# --- reading the PDF back -------------------------------------------------------------------------

def page_lines(path: Path) -> list[list[str]]:
    """Each page's text as pypdf extracts it: one stripped entry per line of text."""
    return [[line.strip() for line in page.extract_text().splitlines()] for page in PdfReader(path).pages]


def has_run(lines: Sequence[str], run: Sequence[str]) -> bool:
    return any(list(lines[i:i + len(run)]) == list(run) for i in range(len(lines) - len(run) + 1))


def between(lines: Sequence[str], first: str, last: str) -> list[str]:
    """The entries after the first `first` and before the next `last`."""
    start = lines.index(first) + 1
    return list(lines[start:lines.index(last, start)])


# --- making orders --------------------------------------------------------------------------------

def confirmed_orders(store: OpenedStore, count: int) -> list[str]:
    """Numbers of sample orders that are confirmed (goods may ship) and have shipped nothing yet."""
    with store.session() as session:
        numbers = list(session.execute(
            select(FulfillmentOrder.number).where(FulfillmentOrder.status == OrderStatus.CONFIRMED,
                                                  ~FulfillmentOrder.shipments.any())
            .order_by(FulfillmentOrder.number)).scalars())
    assert len(numbers) >= count, "the sample data has fewer confirmed orders than this test needs"
    return numbers[:count]


def reshape(store: OpenedStore, number: str, warehouse: str | None, lines: Sequence[Mapping[str, Any]]) -> None:
    """Give a sample order this warehouse and exactly these lines."""
    with store.transaction(who="test setup") as session:
        order = find_order(session, number)
        order.warehouse = warehouse
        order.lines.clear()
        session.flush()  # the old lines go before new ones take their line numbers
        order.lines.extend(FulfillmentOrderLine(**{"serial_numbers": [], **line}) for line in lines)


@pytest.fixture
def three(sample_store: OpenedStore) -> tuple[str, str, str]:
    """Orders (rno, ams, nowhere): in warehouses RNO-1 and AMS-2 and in none; rno partly shipped."""
    rno, ams, nowhere = confirmed_orders(sample_store, 3)
    reshape(sample_store, rno, "RNO-1", RNO_LINES)
    reshape(sample_store, ams, "AMS-2", AMS_LINES)
    reshape(sample_store, nowhere, None, NOWHERE_LINES)
    with sample_store.transaction() as session:
        record_shipment(session, find_order(session, rno), ShipmentRequest(RNO_SHIPPED), who="jo")
    return rno, ams, nowhere


def write(store: OpenedStore, tmp_path: Path, *orders: str, preferences: Preferences = COMPANY) -> Path:
    with store.session() as session:
        return write_pick_list(session, orders, tmp_path / "pick.pdf", preferences)


# --- what to pick, in which order -----------------------------------------------------------------

def test_items_are_goods_still_to_ship_by_warehouse_then_bin_in_natural_order(
        sample_store: OpenedStore, three: tuple[str, str, str]) -> None:
    rno, ams, nowhere = three
    with sample_store.session() as session:
        items = pick_items([find_order(session, number) for number in (nowhere, rno, ams)])

    assert [(i.warehouse, i.location, i.product_code, i.quantity, i.order_number, i.line_no) for i in items] == [
        ("AMS-2", "A-10", "HW-SW-48P", Decimal(3), ams, 2),
        ("AMS-2", "B-1", "HW-CBL-C6A", Decimal(12), ams, 1),
        ("RNO-1", "A-2", "HW-CBL-C6A", Decimal(10), rno, 2),
        ("RNO-1", "A-10", "HW-SW-48P", Decimal(6), rno, 1),
        ("RNO-1", "(no bin)", "HW-RAIL-KIT", Decimal(4), rno, 5),
        ("(no warehouse)", "A-2", "HW-CBL-C6A", Decimal(5), nowhere, 2),
        ("(no warehouse)", "C-1", "HW-UPS-1500", Decimal(1), nowhere, 1),
    ]
    assert totals_by_product(items) == [("HW-CBL-C6A", "Cat6A patch cable 2 m", Decimal(27)),
                                        ("HW-RAIL-KIT", "Sliding rail kit", Decimal(4)),
                                        ("HW-SW-48P", "48-port PoE+ Switch", Decimal(9)),
                                        ("HW-UPS-1500", "UPS 1500 VA, rack mount", Decimal(1))]


def test_bins_and_warehouses_sort_in_natural_order_unknown_last() -> None:
    """Numbers inside bin and warehouse names compare as numbers (A-9 before A-10), letters ignore case."""
    bins = ["A-10", "a-3", "A-2", "B-1-10", None, "B-1-9", "10", "9", "A-2-1"]
    unsaved = [FulfillmentOrder(number=f"FO-00000{n}", warehouse=warehouse, lines=[
        FulfillmentOrderLine(**goods(line_no, CABLE, 1, location)) for line_no, location in enumerate(bins, 1)])
        for n, warehouse in enumerate(["WH-10", None, "WH-9"], start=1)]

    items = pick_items(unsaved)

    walk = ["9", "10", "A-2", "A-2-1", "a-3", "A-10", "B-1-9", "B-1-10", "(no bin)"]
    assert [(item.warehouse, item.location) for item in items] == [
        (warehouse, location) for warehouse in ["WH-9", "WH-10", "(no warehouse)"] for location in walk]


# --- the PDF --------------------------------------------------------------------------------------

def test_pick_list_pdf_lists_every_item_in_walking_order_with_boxes_and_totals(
        sample_store: OpenedStore, three: tuple[str, str, str], tmp_path: Path) -> None:
    rno, ams, nowhere = three
    path = write(sample_store, tmp_path, rno, ams, nowhere)

    [lines] = page_lines(path)
    assert lines[:2] == ["Pick list", f"Fabrikam Fulfilment GmbH · orders {rno}, {ams}, {nowhere}"]
    assert has_run(lines, TABLE_HEADER), lines
    assert between(lines, "Order / line", "Totals per product") == [
        "Warehouse AMS-2",
        "☐", "A-10", *SWITCH, "3", f"{ams} / 2",
        "☐", "B-1", *CABLE, "12", f"{ams} / 1",
        "Warehouse RNO-1",
        "☐", "A-2", *CABLE, "10", f"{rno} / 2",
        "☐", "A-10", *SWITCH, "6", f"{rno} / 1",
        "☐", "(no bin)", *RAIL, "4", f"{rno} / 5",
        "Warehouse (no warehouse)",
        "☐", "A-2", *CABLE, "5", f"{nowhere} / 2",
        "☐", "C-1", *UPS, "1", f"{nowhere} / 1",
    ]
    assert between(lines, "Totals per product", "Pick list · 3 order(s)") == [
        "Product", "Name", "Qty", *CABLE, "27", *RAIL, "4", *SWITCH, "9", *UPS, "1"]
    assert lines[-2:] == ["Pick list · 3 order(s)", "Page 1 of 1"]
    text = "\n".join(lines)
    for left_out in ("SVC-INSTALL", "SUB-CLOUD-STD", "HW-AP-6E", "HW-SRV-R220"):
        assert left_out not in text


def test_an_order_named_twice_is_picked_once(sample_store: OpenedStore, three: tuple[str, str, str],
                                             tmp_path: Path) -> None:
    rno, ams, _ = three
    with sample_store.session() as session:
        rno_id = find_order(session, rno).id

    [lines] = page_lines(write(sample_store, tmp_path, rno, str(rno_id), ams, rno.lower()))

    assert lines[1] == f"Fabrikam Fulfilment GmbH · orders {rno}, {ams}"
    assert between(lines, "Totals per product", "Pick list · 2 order(s)") == [
        "Product", "Name", "Qty", *CABLE, "22", *RAIL, "4", *SWITCH, "9"]


def test_nothing_left_to_pick(sample_store: OpenedStore, tmp_path: Path) -> None:
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, "FRA-1", [RNO_LINES[2], RNO_LINES[3]])

    [lines] = page_lines(write(sample_store, tmp_path, number))

    assert between(lines, "Order / line", "Totals per product") == ["Nothing left to pick."]
    assert between(lines, "Totals per product", "Pick list · 1 order(s)") == ["Product", "Name", "Qty"]


def test_long_pick_list_numbers_pages_and_repeats_the_header(sample_store: OpenedStore, tmp_path: Path) -> None:
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, "FRA-1", [goods(n, (f"HW-{n:03d}", f"Part {n}"), n, f"A-{n}")
                                            for n in range(70, 0, -1)])

    path = write(sample_store, tmp_path, number, preferences=Preferences(paper_size="Letter"))

    pages = page_lines(path)
    assert len(pages) >= 2
    assert [page[-1] for page in pages] == [f"Page {n} of {len(pages)}" for n in range(1, len(pages) + 1)]
    # Pages of picks repeat the pick table's header, pages of totals the totals table's.
    assert [has_run(page, TABLE_HEADER) for page in pages] == ["☐" in page for page in pages]
    totals_pages = pages[next(n for n, page in enumerate(pages) if "Totals per product" in page):]
    assert len(totals_pages) >= 2 and all(has_run(page, ["Product", "Name", "Qty"]) for page in totals_pages)
    lines = [line for page in pages for line in page]
    bins = [lines[i + 1] for i, line in enumerate(lines) if line == "☐"]
    assert bins == [f"A-{n}" for n in range(1, 71)]  # A-9 before A-10, across the page breaks
    totals = lines[lines.index("Totals per product"):]
    assert [line for line in totals if line.startswith("HW-")] == [f"HW-{n:03d}" for n in range(1, 71)]


def test_unknown_order_and_no_order_are_refused(sample_store: OpenedStore, tmp_path: Path) -> None:
    with pytest.raises(QtcError, match=r"^There is no order FO-999999\.$"):
        write(sample_store, tmp_path, "FO-000001", "FO-999999")
    with pytest.raises(PaperworkRefused, match=r"^A pick list needs at least one order\.$"):
        write(sample_store, tmp_path)
    assert not (tmp_path / "pick.pdf").exists()


def test_rendered_first_page_is_not_blank(sample_store: OpenedStore, three: tuple[str, str, str],
                                          tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the pick list's page is not rendered")
    path = write(sample_store, tmp_path, *three)

    subprocess.run([pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=60)
    with Image.open(tmp_path / "page.png") as page:
        grey = page.convert("L")
        width, height = grey.size
        bands = [grey.crop((0, height * n // 10, width, height * (n + 1) // 10)).histogram() for n in range(10)]
    inked = [sum(band[:128]) / sum(band) for band in bands]
    assert inked[0] > 0.005, "no title or table at the top of the page"
    assert 0.003 < sum(inked) / 10 < 0.5, f"{sum(inked) / 10:.1%} of the page is dark"

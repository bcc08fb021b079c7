"""`qtc-desktop pdf packing-slip|pick-list`, in process and once as a subprocess: the PDFs written
and read back, exit 1 naming what is wrong, nothing left behind in the folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from qtc_desktop.cli import main
from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, FulfillmentOrderLine, OrderStatus
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import PackageSpec, ShipmentRequest, record_shipment
from qtc_desktop.services.preferences import ENV_CONFIG_DIR, Preferences, save_preferences
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import open_store, resolve_url
from qtc_desktop.store.database import ENV_DATABASE_URL

SERIALS = ["SW-0001", "SW-0002", "SW-0003"]


class Paperwork(NamedTuple):
    """The database made for this module and what is in it."""

    path: Path
    shipped: str  # an order with two shipments
    first: str
    second: str
    unshipped: str  # an order with goods and no shipment
    unshipped_id: int


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach the user's real database or log folder."""
    monkeypatch.setenv(ENV_DATABASE_URL, str(tmp_path / "env-default.sqlite3"))
    monkeypatch.setattr("qtc_desktop.crash_log.crash_log_dir", lambda: tmp_path / "logs")


@pytest.fixture(scope="module")
def paperwork_database(tmp_path_factory: pytest.TempPathFactory) -> Paperwork:
    """Sample data; one confirmed order gets known lines and two shipments, another known lines only."""
    path = tmp_path_factory.mktemp("paperwork") / "paperwork.sqlite3"
    store = open_store(resolve_url(str(path)))
    try:
        with store.transaction() as session:
            load_sample_data(session, orders=90, seed=2026, today=dt.date(2026, 6, 15))
        with store.session() as session:
            shipped, unshipped = session.execute(
                select(FulfillmentOrder.number).where(FulfillmentOrder.status == OrderStatus.CONFIRMED,
                                                      ~FulfillmentOrder.shipments.any())
                .order_by(FulfillmentOrder.number).limit(2)).scalars()
        with store.transaction(who="test setup") as session:
            for number, warehouse in ((shipped, "RNO-1"), (unshipped, "AMS-2")):
                order = find_order(session, number)
                order.warehouse, order.customer_po = warehouse, f"PO {number} <&>"
                order.lines.clear()
                session.flush()  # the old lines go before new ones take their line numbers
                order.lines += [
                    FulfillmentOrderLine(line_no=1, product_code="HW-SW-48P", product_name="48-port PoE+ Switch",
                                         kind=FulfillmentKind.SHIP, quantity=Decimal(3), serialized=True,
                                         serial_numbers=SERIALS, location="A-10"),
                    FulfillmentOrderLine(line_no=2, product_code="HW-CBL-C6A", product_name="Cat6A patch cable",
                                         kind=FulfillmentKind.SHIP, quantity=Decimal(40), serial_numbers=[],
                                         location="A-2"),
                ]
            unshipped_id = find_order(session, unshipped).id
        with store.transaction() as session:
            first = record_shipment(session, find_order(session, shipped), ShipmentRequest(
                {1: Decimal(2), 2: Decimal(10)}, packages=[PackageSpec(Decimal("8.5"), reference="BOX-1")],
                tracking_number="1Z999AA10123456784", ship_date=dt.date(2026, 6, 20)), who="jo").number
        with store.transaction() as session:
            second = record_shipment(session, find_order(session, shipped), ShipmentRequest(
                {1: Decimal(1)}, tracking_number="1Z999AA10123456799", ship_date=dt.date(2026, 6, 22)),
                who="jo").number
    finally:
        store.close()
    return Paperwork(path, shipped, first, second, unshipped, unshipped_id)


@pytest.fixture
def db(tmp_path: Path, paperwork_database: Paperwork) -> str:
    path = tmp_path / "orders.sqlite3"
    shutil.copyfile(paperwork_database.path, path)
    return str(path)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the PDFs, so a test can see everything that was written into it."""
    folder = tmp_path / "paperwork"
    folder.mkdir()
    return folder


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, *argv])
    stdout, stderr = capsys.readouterr()
    assert "internal error" not in stderr
    return code, stdout, stderr


def pages(path: Path) -> list[list[str]]:
    """Each page's text as pypdf extracts it: one stripped entry per line of text."""
    return [[line.strip() for line in page.extract_text().splitlines()] for page in PdfReader(path).pages]


def has_run(lines: list[str], run: list[str]) -> bool:
    return any(lines[i:i + len(run)] == run for i in range(len(lines) - len(run) + 1))


# --- packing slips --------------------------------------------------------------------------------

def test_packing_slip_of_every_shipment_of_the_order(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                                     paperwork_database: Paperwork) -> None:
    w = paperwork_database
    pdf = out / "slips.pdf"

    code, stdout, stderr = run(capsys, db, "pdf", "packing-slip", w.shipped, "--out", str(pdf))

    assert (code, stderr) == (0, "")
    assert stdout == f"{pdf}: 2 packing slip(s) ({w.first}, {w.second})\n"
    assert [p.name for p in out.iterdir()] == ["slips.pdf"]  # no temporary file left beside it
    first, second = pages(pdf)
    assert has_run(first, ["Packing slip", w.first]) and has_run(second, ["Packing slip", w.second])
    assert has_run(first, ["CUSTOMER PO", f"PO {w.shipped} <&>"]), first
    assert has_run(first, ["TRACKING", "1Z999AA10123456784"]) and has_run(second, ["TRACKING", "1Z999AA10123456799"])
    assert has_run(first, ["1", "HW-SW-48P", "48-port PoE+ Switch", "3", "2", "0", "SW-0001, SW-0002"]), first
    assert has_run(first, ["2", "HW-CBL-C6A", "Cat6A patch cable", "40", "10", "30"]), first
    assert has_run(first, ["BOX-1", "8.5", "1 package(s)", "8.5"]), first
    assert has_run(second, ["1", "HW-SW-48P", "48-port PoE+ Switch", "3", "1", "0", "SW-0003"]), second
    assert "HW-CBL-C6A" not in second
    assert [page[-2:] for page in (first, second)] == [
        [f"Packing slip {w.first} · order {w.shipped}", "Page 1 of 1"],
        [f"Packing slip {w.second} · order {w.shipped}", "Page 1 of 1"]]


def test_shipment_option_chooses_one_shipment(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                              paperwork_database: Paperwork) -> None:
    w = paperwork_database
    pdf = out / "second.pdf"

    code, stdout, _ = run(capsys, db, "pdf", "packing-slip", w.shipped, "--shipment", w.second, "--out", str(pdf))

    assert (code, stdout) == (0, f"{pdf}: 1 packing slip(s) ({w.second})\n")
    [page] = pages(pdf)
    assert has_run(page, ["Packing slip", w.second]) and w.first not in "\n".join(page)
    assert has_run(page, ["SHIP DATE", "2026-06-22"]), page


def test_order_without_shipments_by_id_gets_an_order_slip(capsys: pytest.CaptureFixture[str], db: str,
                                                          out: Path, paperwork_database: Paperwork) -> None:
    w = paperwork_database
    pdf = out / "order.pdf"

    code, stdout, _ = run(capsys, db, "pdf", "packing-slip", str(w.unshipped_id), "--out", str(pdf))

    assert (code, stdout) == (0, f"{pdf}: 1 packing slip(s) ({w.unshipped})\n")
    [page] = pages(pdf)
    assert has_run(page, ["Packing slip", w.unshipped]), page
    assert has_run(page, ["1", "HW-SW-48P", "48-port PoE+ Switch", "3", "0", "3", "SW-0001, SW-0002, SW-0003"])
    assert page[-2:] == [f"Packing slip {w.unshipped}", "Page 1 of 1"]


def test_paper_size_and_company_come_from_the_preferences(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                                          paperwork_database: Paperwork) -> None:
    save_preferences(Preferences(company_name="Tom & Jerry <Ltd>", paper_size="Letter"))
    pdf = out / "letter.pdf"

    assert run(capsys, db, "pdf", "packing-slip", paperwork_database.unshipped, "--out", str(pdf))[0] == 0

    page = PdfReader(pdf).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612.0, 792.0)
    assert pages(pdf)[0][0] == "Tom & Jerry <Ltd>"


def test_unknown_order_or_shipment_exits_1_naming_it(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                                     paperwork_database: Paperwork) -> None:
    w = paperwork_database
    pdf = str(out / "slips.pdf")

    assert run(capsys, db, "pdf", "packing-slip", "FO-999999", "--out", pdf) == (
        1, "", "qtc-desktop: There is no order FO-999999.\n")
    assert run(capsys, db, "pdf", "packing-slip", w.shipped, "--shipment", "SH-9999999", "--out", pdf) == (
        1, "", f"qtc-desktop: Order {w.shipped} has no shipment SH-9999999 (shipments: {w.first}, {w.second}).\n")
    assert run(capsys, db, "pdf", "packing-slip", w.unshipped, "--shipment", w.first, "--out", pdf) == (
        1, "", f"qtc-desktop: Order {w.unshipped} has no shipment {w.first} (shipments: none yet).\n")
    assert run(capsys, db, "pdf", "pick-list", w.shipped, "FO-999998", "--out", pdf) == (
        1, "", "qtc-desktop: There is no order FO-999998.\n")
    assert list(out.iterdir()) == []


def test_missing_folder_exits_1_and_writes_nothing(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                                   paperwork_database: Paperwork) -> None:
    for command in (["packing-slip", paperwork_database.shipped], ["pick-list", paperwork_database.shipped]):
        pdf = out / "not here" / "paperwork.pdf"
        code, stdout, stderr = run(capsys, db, "pdf", *command, "--out", str(pdf))
        assert (code, stdout) == (1, "")
        assert stderr == f"qtc-desktop: Cannot write {pdf}: the folder {pdf.parent} does not exist.\n"
    assert list(out.iterdir()) == []


def test_an_existing_file_is_replaced_whole(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                            paperwork_database: Paperwork) -> None:
    pdf = out / "slips.pdf"
    pdf.write_text("yesterday's slips")

    assert run(capsys, db, "pdf", "packing-slip", paperwork_database.unshipped, "--out", str(pdf))[0] == 0

    assert pdf.read_bytes().startswith(b"%PDF-") and len(pages(pdf)) == 1
    assert [p.name for p in out.iterdir()] == ["slips.pdf"]


# --- pick list ------------------------------------------------------------------------------------

def test_pick_list_of_several_orders(capsys: pytest.CaptureFixture[str], db: str, out: Path,
                                     paperwork_database: Paperwork) -> None:
    w = paperwork_database
    pdf = out / "pick.pdf"

    code, stdout, stderr = run(capsys, db, "pdf", "pick-list", w.unshipped, w.shipped, "--out", str(pdf))

    assert (code, stderr, stdout) == (0, "", f"{pdf}: pick list for 2 order(s)\n")
    assert [p.name for p in out.iterdir()] == ["pick.pdf"]
    [page] = pages(pdf)
    start = page.index("Order / line") + 1
    assert page[start:page.index("Totals per product")] == [
        "Warehouse AMS-2",
        "☐", "A-2", "HW-CBL-C6A", "Cat6A patch cable", "40", f"{w.unshipped} / 2",
        "☐", "A-10", "HW-SW-48P", "48-port PoE+ Switch", "3", f"{w.unshipped} / 1",
        "Warehouse RNO-1",  # the shipped order: 30 cables still to go, every switch shipped
        "☐", "A-2", "HW-CBL-C6A", "Cat6A patch cable", "30", f"{w.shipped} / 2",
    ]
    assert has_run(page, ["Totals per product", "Product", "Name", "Qty", "HW-CBL-C6A", "Cat6A patch cable", "70",
                          "HW-SW-48P", "48-port PoE+ Switch", "3"]), page
    assert page[-2:] == ["Pick list · 2 order(s)", "Page 1 of 1"]


def test_pick_list_in_a_subprocess(tmp_path: Path, db: str, out: Path, paperwork_database: Paperwork) -> None:
    """The installed command's way in: `python -m qtc_desktop`, its own process, exit code and output."""
    pdf = out / "pick.pdf"
    environment = {**os.environ, ENV_CONFIG_DIR: str(tmp_path / "config"), ENV_DATABASE_URL: db}

    done = subprocess.run([sys.executable, "-m", "qtc_desktop", "pdf", "pick-list", paperwork_database.shipped,
                           "--out", str(pdf)], capture_output=True, text=True, env=environment, timeout=120)

    assert (done.returncode, done.stderr, done.stdout) == (0, "", f"{pdf}: pick list for 1 order(s)\n")
    assert has_run(pages(pdf)[0], ["☐", "A-2", "HW-CBL-C6A", "Cat6A patch cable", "30"])

"""Packing slips read back from the PDF: every field, serial and quantity, text exactly as typed,
fonts for any script, page X of Y per slip with the table header on every page, paper sizes, logo."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import select

from qtc_desktop.domain import (
    FulfillmentKind,
    FulfillmentOrder,
    FulfillmentOrderLine,
    OrderStatus,
    ProvisioningAction,
)
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import PackageSpec, ShipmentRequest, record_shipment
from qtc_desktop.services.paperwork.documents import SlipRequest, packing_slips, write_packing_slips
from qtc_desktop.services.paperwork.packing_slip import PackingSlip, SlipLine, SlipPackage
from qtc_desktop.services.paperwork.printing import PaperworkRefused
from qtc_desktop.services.preferences import Preferences
from qtc_desktop.services.progress import Cancelled, Progress
from qtc_desktop.store import OpenedStore

SHIP, PERFORM, PROVISION = FulfillmentKind.SHIP, FulfillmentKind.PERFORM, FulfillmentKind.PROVISION
SHIP_DATE = dt.date(2026, 6, 20)
SERVER_SERIALS = ["SRV-0001", "SRV-0002"]
SWITCH_SERIALS = [f"SW-{n:06d}" for n in range(1, 61)]  # 60 on one line: the cell wraps
COMPANY = Preferences(company_name="Fabrikam Fulfilment GmbH",
                      company_address="Industriestraße 7\n70565 Stuttgart\nGermany")
HEADER = {
    "ship_to_name": "Northwind Traders Ltd", "ship_to_street": "12 Harbour Road", "ship_to_postal_code": "SO14 2AQ",
    "ship_to_city": "Southampton", "ship_to_region": "Hampshire", "ship_to_country": "GB",
    "bill_to_name": "Northwind Finance", "bill_to_street": "PO Box 77", "bill_to_postal_code": "SO15 1AA",
    "bill_to_city": "Southampton", "bill_to_region": None, "bill_to_country": "GB",
    "contact_name": "Ann Lee", "contact_phone": None, "contact_email": None,
    "customer_po": "PO-4711-B", "erp_order_number": "SO1234567", "carrier": "UPS", "service_level": "Standard",
    "instructions": "Deliver to loading dock B, 8:00-16:00.",
}
LINES: list[dict[str, Any]] = [
    dict(line_no=1, product_code="HW-SRV-R220", product_name="Rack Server R220, 2U", kind=SHIP,
         quantity=Decimal(2), serialized=True, location="A-01-03"),
    dict(line_no=2, product_code="HW-SW-48P", product_name="48-port PoE+ Switch", kind=SHIP,
         quantity=Decimal(60), serialized=True, location="A-02-01"),
    dict(line_no=3, product_code="HW-CBL-C6A", product_name="Cat6A patch cable 2 m", kind=SHIP,
         quantity=Decimal(40), location="B-03-01"),
    dict(line_no=4, product_code="SVC-INSTALL", product_name="On-site installation", kind=PERFORM,
         quantity=Decimal(1)),
    dict(line_no=5, product_code="SUB-CLOUD-STD", product_name="Cloud Management Standard", kind=PROVISION,
         quantity=Decimal(25)),
]
# What leaves now: both servers, all 60 switches, 25 of the 40 cables (15 stay backordered).
SHIPMENT = ShipmentRequest(
    {1: Decimal(2), 2: Decimal(60), 3: Decimal(25)}, serials={1: SERVER_SERIALS, 2: SWITCH_SERIALS},
    packages=[PackageSpec(Decimal("12.5"), Decimal(60), Decimal(40), Decimal(40), "BOX-1"),
              PackageSpec(Decimal("30.25"), reference="PALLET-2")],
    carrier="DHL Express", service_level="Next day 9:00", tracking_number="9400111899223197428490",  # 22 digits
    ship_date=SHIP_DATE)
LINES_HEADER = ["#", "Product", "Ordered", "Shipped", "Backordered", "Serial numbers"]


# --- reading the PDF back -------------------------------------------------------------------------

def page_lines(path: Path) -> list[list[str]]:
    """Each page's text as pypdf extracts it: one stripped entry per line of text."""
    return [[line.strip() for line in page.extract_text().splitlines()] for page in PdfReader(path).pages]


def all_lines(path: Path) -> list[str]:
    return [line for page in page_lines(path) for line in page]


def has_run(lines: Sequence[str], run: Sequence[str]) -> bool:
    """Whether `run` appears in `lines` as consecutive entries, exactly."""
    return any(list(lines[i:i + len(run)]) == list(run) for i in range(len(lines) - len(run) + 1))


def footers(path: Path) -> list[str]:
    return [next(line for line in page if line.startswith("Page ")) for page in page_lines(path)]


def _resources(pdf_object: Any) -> list[DictionaryObject]:
    """The resource dictionaries of a page and of the form XObjects it draws, recursively."""
    resources = pdf_object.get("/Resources")
    if resources is None:
        return []
    resources = resources.get_object()
    found = [resources]
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            found += _resources(xobject)
    return found


def images(path: Path) -> list[tuple[int, int]]:
    """Width and height of every image XObject the pages draw."""
    return [(int(x.get_object()["/Width"]), int(x.get_object()["/Height"]))
            for page in PdfReader(path).pages for resources in _resources(page)
            for x in (resources.get("/XObject") or {}).values() if x.get_object().get("/Subtype") == "/Image"]


def embedded_fonts(path: Path) -> set[str]:
    """Base names (without the subset prefix) of the fonts whose program is inside the PDF."""
    names = set()
    for page in PdfReader(path).pages:
        for resources in _resources(page):
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor")
                if descriptor is not None and any(key in descriptor.get_object()
                                                  for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def text_runs(path: Path, page: int = 0) -> list[tuple[str, str, float, float]]:
    """(text, font, size, y on the page) of every piece of text drawn on a page."""
    runs: list[tuple[str, str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1] if font else "?"
            runs.append((text.strip(), name, float(size), cm[5] + tm[5]))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return runs


# --- making orders and slips ----------------------------------------------------------------------

def confirmed_orders(store: OpenedStore, count: int) -> list[str]:
    """Numbers of sample orders that are confirmed (goods may ship) and have shipped nothing yet."""
    with store.session() as session:
        numbers = list(session.execute(
            select(FulfillmentOrder.number).where(FulfillmentOrder.status == OrderStatus.CONFIRMED,
                                                  ~FulfillmentOrder.shipments.any())
            .order_by(FulfillmentOrder.number)).scalars())
    assert len(numbers) >= count, "the sample data has fewer confirmed orders than this test needs"
    return numbers[:count]


def reshape(store: OpenedStore, number: str, header: Mapping[str, object],
            lines: Sequence[Mapping[str, Any]]) -> None:
    """Give a sample order these header fields and exactly these lines."""
    with store.transaction(who="test setup") as session:
        order = find_order(session, number)
        for name, value in header.items():
            setattr(order, name, value)
        order.lines.clear()
        session.flush()  # the old lines go before new ones take their line numbers
        order.lines.extend(FulfillmentOrderLine(**{"serial_numbers": [], **line}) for line in lines)


def ship(store: OpenedStore, number: str, request: ShipmentRequest) -> str:
    with store.transaction() as session:
        return record_shipment(session, find_order(session, number), request, who="jo").number


def slips_of(store: OpenedStore, *requests: SlipRequest) -> list[PackingSlip]:
    with store.session() as session:
        return packing_slips(session, requests)


@pytest.fixture
def shipped(sample_store: OpenedStore) -> tuple[str, str]:
    """(order number, shipment number) of an order with every field a slip prints, shipped once."""
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, HEADER, LINES)
    return number, ship(sample_store, number, SHIPMENT)


def slip(key: str, lines: int = 1, order: str = "FO-000001") -> PackingSlip:
    """A slip made directly, for layout tests that need no database."""
    return PackingSlip(
        key=key, shipment_number=key, order_number=order, erp_order_number="SO1", customer_po="PO-1",
        ship_date="2026-06-20", carrier="UPS", service_level="", tracking_number="1Z1", ship_to=("Ship to",),
        bill_to=("Bill to",), contact="", instructions="",
        lines=tuple(SlipLine(n, f"HW-{n:04d}", f"Product number {n}", Decimal(3), Decimal(2), Decimal(1),
                             (f"SN-{n:04d}",)) for n in range(1, lines + 1)),
        packages=(SlipPackage("BOX 1", Decimal("4.5"), "60 × 40 × 40"),))


def write(tmp_path: Path, slips: Sequence[PackingSlip], preferences: Preferences = COMPANY,
          name: str = "slips.pdf") -> Path:
    return write_packing_slips(slips, tmp_path / name, preferences)


# --- every field ----------------------------------------------------------------------------------

def test_slip_prints_every_field_of_the_shipment(sample_store: OpenedStore, shipped: tuple[str, str],
                                                 tmp_path: Path) -> None:
    number, shipment = shipped
    path = write(tmp_path, slips_of(sample_store, SlipRequest(number)))

    lines = all_lines(path)
    pages = len(page_lines(path))
    assert has_run(lines, ["Fabrikam Fulfilment GmbH", "Industriestraße 7", "70565 Stuttgart", "Germany",
                           "Packing slip", shipment]), lines
    assert has_run(lines, ["SHIP TO", "Northwind Traders Ltd", "12 Harbour Road", "SO14 2AQ Southampton",
                           "Hampshire", "GB"]), lines
    assert has_run(lines, ["BILL TO", "Northwind Finance", "PO Box 77", "SO15 1AA Southampton", "GB"]), lines
    assert has_run(lines, ["ORDER", number, "ERP SALES ORDER", "SO1234567", "CUSTOMER PO", "PO-4711-B",
                           "SHIP DATE", "2026-06-20", "CARRIER", "DHL Express · Next day 9:00",
                           "TRACKING", "9400111899223197428490", "CONTACT", "Ann Lee"]), lines
    assert has_run(lines, LINES_HEADER), lines
    assert has_run(lines, ["1", "HW-SRV-R220", "Rack Server R220, 2U", "2", "2", "0", "SRV-0001, SRV-0002"]), lines
    assert has_run(lines, ["2", "HW-SW-48P", "48-port PoE+ Switch", "60", "60", "0"]), lines
    assert has_run(lines, ["3", "HW-CBL-C6A", "Cat6A patch cable 2 m", "40", "25", "15"]), lines
    # The 60 serials wrap over many lines of their cell: every one is there, once, in order.
    text = "\n".join(lines)
    assert re.findall(r"SW-\d{6}", text) == SWITCH_SERIALS
    assert sum(1 for line in lines if line.startswith("SW-")) > 5  # wrapped, not cut off
    assert has_run(lines, ["Package", "Weight (kg)", "Size (cm)", "BOX-1", "12.5", "60 × 40 × 40",
                           "PALLET-2", "30.25", "2 package(s)", "42.75"]), lines
    assert has_run(lines, ["INSTRUCTIONS", "Deliver to loading dock B, 8:00-16:00."]), lines
    assert "Received in good order by (name, signature, date)" in lines
    assert footers(path) == [f"Page {n} of {pages}" for n in range(1, pages + 1)]
    assert lines[-2:] == [f"Packing slip {shipment} · order {number}", f"Page {pages} of {pages}"]
    # Services and subscriptions are not in the box.
    assert "SVC-INSTALL" not in text and "SUB-CLOUD-STD" not in text


def test_barcode_carries_the_shipment_number_in_human_readable_text(
        sample_store: OpenedStore, shipped: tuple[str, str], tmp_path: Path) -> None:
    number, shipment = shipped
    path = write(tmp_path, slips_of(sample_store, SlipRequest(number, shipment)))

    drawn = [(font, size, y) for text, font, size, y in text_runs(path) if text == shipment]
    # The number in bold under the title, and again in small type under the Code128 bars.
    assert [(font, size) for font, size, _ in drawn] == [("DejaVuSans-Bold", 9.0), ("DejaVuSans", 7.0)]
    assert drawn[1][2] < drawn[0][2] - 20  # below the bars, which sit below the bold number


def test_order_without_shipments_prints_an_order_slip(sample_store: OpenedStore, tmp_path: Path) -> None:
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, HEADER, [
        *LINES[2:],
        # An amendment's decrease ships nothing: it is neither on the slip nor backordered.
        dict(line_no=6, product_code="HW-AP-6E", product_name="Wi-Fi 6E access point", kind=SHIP,
             quantity=Decimal(3), action=ProvisioningAction.DECREASE, prior_quantity=Decimal(10), delta=Decimal(-3)),
    ])
    [order_slip] = slips_of(sample_store, SlipRequest(number))
    assert (order_slip.key, order_slip.shipment_number) == (number, None)
    assert [(line.line_no, line.ordered, line.shipped, line.backordered) for line in order_slip.lines] == [
        (3, Decimal(40), Decimal(0), Decimal(40))]

    lines = all_lines(write(tmp_path, [order_slip]))
    assert has_run(lines, ["Packing slip", number]), lines
    assert has_run(lines, ["3", "HW-CBL-C6A", "Cat6A patch cable 2 m", "40", "0", "40"]), lines
    assert has_run(lines, ["SHIP DATE", "—", "CARRIER", "UPS · Standard", "TRACKING", "—"]), lines
    assert "HW-AP-6E" not in lines
    assert has_run(lines, [f"Packing slip {number}", "Page 1 of 1"]), lines


def test_each_shipment_gets_a_slip_unless_one_is_chosen(sample_store: OpenedStore, shipped: tuple[str, str],
                                                        tmp_path: Path) -> None:
    number, first = shipped
    with sample_store.transaction() as session:  # the last 15 cables follow
        second = record_shipment(session, find_order(session, number), ShipmentRequest(
            {3: Decimal(15)}, tracking_number="JD0146000099", ship_date=SHIP_DATE + dt.timedelta(days=3)),
            who="jo").number

    assert [s.key for s in slips_of(sample_store, SlipRequest(number))] == [first, second]
    [chosen] = slips_of(sample_store, SlipRequest(number, second.lower()))
    assert chosen.key == second
    assert [(line.line_no, line.shipped, line.backordered, line.serials) for line in chosen.lines] == [
        (3, Decimal(15), Decimal(0), ())]
    lines = all_lines(write(tmp_path, [chosen]))
    assert has_run(lines, ["3", "HW-CBL-C6A", "Cat6A patch cable 2 m", "40", "15", "0"]), lines
    assert has_run(lines, ["SHIP DATE", "2026-06-23"]) and has_run(lines, ["TRACKING", "JD0146000099"]), lines
    assert "SW-000001" not in "\n".join(lines)

    with pytest.raises(PaperworkRefused) as refused:
        slips_of(sample_store, SlipRequest(number, "SH-9999999"))
    assert str(refused.value) == f"Order {number} has no shipment SH-9999999 (shipments: {first}, {second})."


# --- text exactly as typed, in any script -----------------------------------------------------------

def test_markup_in_any_field_prints_verbatim_and_loads_no_file(sample_store: OpenedStore, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (8, 8), "red").save("pixel.png")
    tags = '<img src="pixel.png" width="40" height="40"/>'  # a picture that exists, were the tag read
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, {**HEADER, "ship_to_name": "Tom & Jerry <Ltd>", "bill_to_name": "R&amp;D <b>x</b>",
                                   "customer_po": "PO <i>7</i>", "instructions": '<img src="/etc/passwd"/>\n' + tags},
            [{**LINES[2], "product_name": '<img src="/etc/passwd"/>'}])
    preferences = Preferences(company_name="Tom & Jerry <Ltd>", company_address='<img src="/etc/passwd"/>',
                              company_logo=str(tmp_path / "no-logo.png"))

    path = write(tmp_path, slips_of(sample_store, SlipRequest(number)), preferences)

    lines = all_lines(path)
    assert has_run(lines, ["Tom & Jerry <Ltd>", '<img src="/etc/passwd"/>', "Packing slip"]), lines
    assert has_run(lines, ["SHIP TO", "Tom & Jerry <Ltd>"]) and has_run(lines, ["BILL TO", "R&amp;D <b>x</b>"])
    assert has_run(lines, ["CUSTOMER PO", "PO <i>7</i>"]), lines
    assert has_run(lines, ["HW-CBL-C6A", '<img src="/etc/passwd"/>', "40"]), lines
    assert has_run(lines, ["INSTRUCTIONS", '<img src="/etc/passwd"/>', tags]), lines
    assert images(path) == []  # neither tag read a file


def test_names_in_greek_cyrillic_polish_and_turkish_print_in_embedded_dejavu(
        sample_store: OpenedStore, tmp_path: Path) -> None:
    names = {"ship_to_name": "Ψηφιακή Αθηνών Α.Ε.", "ship_to_street": "Λεωφόρος Συγγρού 44",
             "bill_to_name": "ООО «Северный ветер»", "bill_to_street": "ул. Пушкина, д. 10",
             "bill_to_city": "Łódź", "ship_to_city": "İstanbul", "contact_name": "Işıl Çağlayan"}
    products = ["Zażółć gęślą jaźń", "Ağ anahtarı, Şişli", "Коммутатор Ёж", "Δρομολογητής"]
    number = confirmed_orders(sample_store, 1)[0]
    reshape(sample_store, number, {**HEADER, **names, "ship_to_postal_code": None, "bill_to_postal_code": None},
            [dict(line_no=n, product_code=f"HW-{n}", product_name=name, kind=SHIP, quantity=Decimal(1))
             for n, name in enumerate(products, start=1)])

    path = write(tmp_path, slips_of(sample_store, SlipRequest(number)))

    lines = all_lines(path)
    for name in [*names.values(), *products]:
        assert name in lines
    assert {font for _, font, _, _ in text_runs(path)} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert embedded_fonts(path) == {"DejaVuSans", "DejaVuSans-Bold"}


# --- pages ----------------------------------------------------------------------------------------

def test_long_slip_numbers_its_pages_and_repeats_the_table_header(tmp_path: Path) -> None:
    path = write(tmp_path, [slip("SH-0000100", lines=120)])

    pages = page_lines(path)
    assert len(pages) >= 3
    assert footers(path) == [f"Page {n} of {len(pages)}" for n in range(1, len(pages) + 1)]
    for lines in pages:
        assert has_run(lines, LINES_HEADER), lines
        assert "Packing slip SH-0000100 · order FO-000001" in lines
    found = re.findall(r"^HW-(\d{4})$", "\n".join(all_lines(path)), flags=re.MULTILINE)
    assert found == [f"{n:04d}" for n in range(1, 121)]  # each line once, none lost at a page break


def test_a_line_with_more_serials_than_a_page_holds_splits_across_pages(tmp_path: Path) -> None:
    serials = tuple(f"SN-{n:06d}" for n in range(1, 401))
    big = PackingSlip(**{**slip("SH-0000101").__dict__, "lines": (
        SlipLine(1, "HW-SW-48P", "48-port PoE+ Switch", Decimal(400), Decimal(400), Decimal(0), serials),)})

    path = write(tmp_path, [big])

    pages = page_lines(path)
    assert len(pages) >= 2
    assert re.findall(r"SN-\d{6}", "\n".join(all_lines(path))) == list(serials)
    assert all(has_run(lines, LINES_HEADER) for lines in pages)


def test_several_slips_in_one_pdf_each_count_their_own_pages(tmp_path: Path) -> None:
    long = slip("SH-0000001", lines=35)
    assert len(page_lines(write(tmp_path, [long], name="alone.pdf"))) == 2
    # The same slip twice (chosen twice in a list) is two slips, not one of four pages.
    path = write(tmp_path, [long, slip("SH-0000002", order="FO-000002"), slip("SH-0000003"),
                            slip("SH-0000002", order="FO-000002")])

    assert footers(path) == ["Page 1 of 2", "Page 2 of 2", "Page 1 of 1", "Page 1 of 1", "Page 1 of 1"]
    titles = [next(line for line in page if line.startswith("Packing slip SH-")) for page in page_lines(path)]
    assert titles == ["Packing slip SH-0000001 · order FO-000001"] * 2 + [
        "Packing slip SH-0000002 · order FO-000002", "Packing slip SH-0000003 · order FO-000001",
        "Packing slip SH-0000002 · order FO-000002"]


@pytest.mark.parametrize(("paper", "size"), [("A4", (595.2756, 841.8898)), ("Letter", (612.0, 792.0))])
def test_paper_size_comes_from_the_preferences(tmp_path: Path, paper: str, size: tuple[float, float]) -> None:
    path = write(tmp_path, [slip("SH-0000001", lines=40)], Preferences(paper_size=paper))

    for page in PdfReader(path).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size, abs=0.01)
    assert "HW-0040" in all_lines(path)  # nothing falls off the narrower or shorter page


def test_unknown_paper_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PaperworkRefused, match=r"^Unknown paper size 'A3' \(A4 or Letter\)\.$"):
        write(tmp_path, [slip("SH-0000001")], Preferences(paper_size="A3"))
    assert list(tmp_path.iterdir()) == []


# --- the logo -------------------------------------------------------------------------------------

def test_logo_from_the_preferences_else_the_bundled_one_and_a_missing_file_is_skipped(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "navy").save(logo)
    with Image.open(Path(__file__).parents[3] / "resources" / "logo.png") as bundled:
        default_size = bundled.size

    chosen = write(tmp_path, [slip("SH-1")], Preferences(company_name="Acme", company_logo=str(logo)), "chosen.pdf")
    default = write(tmp_path, [slip("SH-1")], Preferences(company_name="Acme"), "default.pdf")
    missing = write(tmp_path, [slip("SH-1")],
                    Preferences(company_name="Acme", company_logo=str(tmp_path / "gone.png")), "missing.pdf")

    assert images(chosen) == [(120, 40)]
    assert images(default) == [default_size]
    assert images(missing) == []
    assert has_run(all_lines(missing), ["Acme", "Packing slip", "SH-1"])


# --- progress, cancel, the file -------------------------------------------------------------------

class Recorder(Progress):
    def __init__(self, cancel_after: int | None = None) -> None:
        super().__init__()
        self.messages: list[str] = []
        self.cancel_after = cancel_after

    def report(self, done: int, total: int, message: str) -> None:
        self.messages.append(message)
        if self.cancel_after is not None and done == self.cancel_after and message.startswith("Slip"):
            self.cancel()


def test_progress_per_slip_and_cancel_leaves_no_file(tmp_path: Path) -> None:
    slips = [slip(f"SH-{n}") for n in range(1, 4)]
    progress = Recorder()
    write_packing_slips(slips, tmp_path / "done.pdf", COMPANY, progress)
    assert progress.messages == ["Writing done.pdf", "Slip 1 of 3", "Slip 2 of 3", "Slip 3 of 3"]

    cancelling = Recorder(cancel_after=1)
    with pytest.raises(Cancelled):
        write_packing_slips(slips, tmp_path / "cancelled.pdf", COMPANY, cancelling)
    assert cancelling.messages == ["Writing cancelled.pdf", "Slip 1 of 3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.pdf"]  # no half file, no temporary


def test_nothing_to_print_and_a_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PaperworkRefused, match=r"^There is no packing slip to print\.$"):
        write(tmp_path, [])
    out = tmp_path / "no such folder" / "slips.pdf"
    with pytest.raises(PaperworkRefused) as refused:
        write_packing_slips([slip("SH-1")], out, COMPANY)
    assert str(refused.value) == f"Cannot write {out}: the folder {out.parent} does not exist."
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_replaced_is_refused_and_no_temporary_file_stays(tmp_path: Path) -> None:
    out = tmp_path / "slips.pdf"
    out.mkdir()  # say, a folder where the PDF should go

    with pytest.raises(PaperworkRefused) as refused:
        write_packing_slips([slip("SH-1")], out, COMPANY)

    assert str(refused.value).startswith(f"Cannot write {out}: ")
    assert str(refused.value).endswith(" If it is open in a PDF viewer, close it and try again.")
    assert [p.name for p in tmp_path.iterdir()] == ["slips.pdf"] and not any(out.iterdir())


def test_rendered_first_page_is_not_blank(sample_store: OpenedStore, shipped: tuple[str, str],
                                          tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the slip's page is not rendered")
    number, _ = shipped
    path = write(tmp_path, slips_of(sample_store, SlipRequest(number)))

    subprocess.run([pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=60)
    with Image.open(tmp_path / "page.png") as page:
        grey = page.convert("L")
        assert grey.size == pytest.approx((413, 585), abs=1)  # A4 at 50 dpi
        width, height = grey.size
        bands = [grey.crop((0, height * n // 10, width, height * (n + 1) // 10)).histogram() for n in range(10)]
    inked = [sum(band[:128]) / sum(band) for band in bands]
    assert 0.01 < sum(inked) / 10 < 0.5, f"{sum(inked) / 10:.1%} of the page is dark"
    assert inked[0] > 0.02, "no company block, title or barcode at the top of the page"

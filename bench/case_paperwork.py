"""1,000 one-page packing slips read and laid out in one PDF; against bare platypus laying out the same content."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from export_fixture import _remove_with_sidecars, export_db

NAME = "paperwork"
TARGET = 1.3
SLIPS = 1_000  # one-page slips, one per shipment: the first shipments (by number) whose slip fits one page
FIXTURE_VERSION = 1  # bump when the choice of shipments changes

# Ours reads a copy of the export fixture's database (the app's store sets WAL mode on what it opens:
# the cached fixture itself is never opened by the app), opened once, as the window holds its store open.
_store: Any = None
_runs_dir: Path | None = None
_requests: list[tuple[str, str]] = []  # (order number, shipment number) of each slip
_preferences: Any = None
_records: dict[str, list[dict[str, float]]] = {"ours": []}  # every run's read and write seconds
_shape: dict[str, int] = {}

# The floor's input, made in setup from one run of ours (untimed): per slip, the markup of every
# paragraph (the same escaped text as ours prints) and the barcode value; and the page geometry.
_floor_slips: list[dict[str, Any]] = []
_floor: dict[str, Any] = {}
FLOOR_FONT, FLOOR_BOLD = "BenchDejaVuSans", "BenchDejaVuSans-Bold"  # the same TTF files, registered apart


def setup(cache_dir: Path) -> None:
    global _store, _runs_dir, _preferences
    from qtc_desktop.services.preferences import Preferences
    from qtc_desktop.store import open_store, resolve_url

    _runs_dir = cache_dir / "paperwork-runs"
    _runs_dir.mkdir(parents=True, exist_ok=True)
    source = export_db(cache_dir)
    copy = _runs_dir / "paperwork.sqlite3"
    if _store is not None:
        _store.close()
    _remove_with_sidecars(copy)
    shutil.copyfile(source, copy)  # reading stores nothing, but the store sets WAL mode on what it opens
    _store = open_store(resolve_url(str(copy)), exclusive=False)
    _preferences = Preferences(paper_size="A4", company_name="Northwind Traders Ltd.",
                               company_address="Harbour Road 12\n3011 AA Rotterdam\nNetherlands")
    _requests[:] = _chosen_shipments(cache_dir, source)
    # One run of ours, not reported: its slips become the floor's content, and its PDF is compared with the floor's.
    slips = _run_ours()
    _records["ours"].pop()
    ours_pages = _page_texts(_runs_dir / "ours.pdf")
    footers = {_footer(page) for page in ours_pages}
    if len(ours_pages) != SLIPS or footers != {"Page 1 of 1"}:
        raise AssertionError(f"{NAME}: ours wrote {len(ours_pages)} pages (footers {sorted(footers)[:5]}), "
                             f"not {SLIPS} one-page slips; delete bench/.cache/paperwork-slips-*.json")
    _prepare_floor(slips)
    floor()
    _check_same_text(ours_pages, _page_texts(_runs_dir / "floor.pdf"))
    _shape.update(slips=len(slips), lines=sum(len(slip.lines) for slip in slips),
                  serials=sum(len(line.serials) for slip in slips for line in slip.lines),
                  packages=sum(len(slip.packages) for slip in slips),
                  bytes_ours=(_runs_dir / "ours.pdf").stat().st_size,
                  bytes_floor=(_runs_dir / "floor.pdf").stat().st_size)


def _run_ours() -> list[Any]:
    from qtc_desktop.services.paperwork.documents import SlipRequest, packing_slips, write_packing_slips

    assert _store is not None and _runs_dir is not None, "setup() first"
    out = _runs_dir / "ours.pdf"
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    with _store.session() as session:
        slips = packing_slips(session, [SlipRequest(order, shipment) for order, shipment in _requests])
    read = time.perf_counter()
    write_packing_slips(slips, out, _preferences)
    end = time.perf_counter()
    _records["ours"].append({"seconds": end - start, "read": read - start, "write": end - read})
    return slips


def ours() -> float:
    """packing_slips (read from the database) + write_packing_slips (one PDF), in the store the window holds open."""
    _run_ours()
    return _records["ours"][-1]["seconds"]


def floor() -> None:
    """The same slips from bare platypus: same page, fonts, paragraphs, tables, barcode and logo; "Page N" by onPage."""
    # The layout of packing_slip.py, written out with bare reportlab. When that layout changes, setup's
    # check (the same text on every page) fails until this follows it.
    from reportlab.graphics.barcode import createBarcodeDrawing
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    assert _runs_dir is not None
    f = _floor
    st, ts, width, logo = f["styles"], f["table_styles"], f["width"], f["logo"]
    titles: list[str] = []

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FLOOR_FONT, 7.5)
        canvas.setFillColor(f["grey"])
        number = canvas.getPageNumber()
        canvas.drawString(f["margin"], 9 * mm, titles[number - 1] if number <= len(titles) else "")
        canvas.drawRightString(f["page"][0] - f["margin"], 9 * mm, f"Page {number}")
        canvas.restoreState()

    story: list[Any] = []
    for slip in _floor_slips:
        titles.append(slip["title"])  # one page per slip: page N is slip N
        block = [Image(logo, width=36 * mm, height=12 * mm, kind="proportional"),
                 Paragraph(f["company_name"], st["bold"]), Paragraph(f["company_address"], st["small"])]
        barcode = createBarcodeDrawing("Code128", value=slip["code"], barHeight=11 * mm, barWidth=0.33 * mm,
                                       humanReadable=True, fontName=FLOOR_FONT, fontSize=7)
        heading = Table([[block, [Paragraph("Packing slip", st["title_right"]),
                                  Paragraph(slip["code_markup"], st["bold_right"]), barcode]]],
                        colWidths=[width * 0.55, width * 0.45])
        heading.setStyle(ts["heading"])
        facts = Table([[Paragraph(label, st["label"]), Paragraph(value, st["body"])] for label, value in slip["facts"]],
                      colWidths=[30 * mm, None])
        facts.setStyle(ts["facts"])
        addresses = Table([[[Paragraph("SHIP TO", st["label"]), Paragraph(slip["ship_to"], st["body"])],
                            [Paragraph("BILL TO", st["label"]), Paragraph(slip["bill_to"], st["body"])], facts]],
                          colWidths=[width * 0.25, width * 0.25, width * 0.5])
        addresses.setStyle(ts["addresses"])
        rows: list[Sequence[Any]] = [f["lines_header"]()]
        for number, code, name, ordered, shipped, backordered, serials in slip["lines"]:
            rows.append([Paragraph(number, st["cell"]), [Paragraph(code, st["head"]), Paragraph(name, st["cell"])],
                         Paragraph(ordered, st["number"]), Paragraph(shipped, st["number"]),
                         Paragraph(backordered, st["number"]), Paragraph(serials, st["cell"])])
        if not slip["lines"]:
            rows.append([Paragraph("", st["body"]), Paragraph("No goods in this shipment.", st["cell"]),
                         "", "", "", ""])
        lines = Table(rows, colWidths=f["lines_widths"], repeatRows=1, hAlign="LEFT", splitInRow=1)
        lines.setStyle(ts["lines"])
        story += [heading, Spacer(0, 5 * mm), addresses, Spacer(0, 5 * mm), lines]
        if slip["packages"]:
            rows = [[Paragraph("Package", st["head"]), Paragraph("Weight (kg)", st["head_number"]),
                     Paragraph("Size (cm)", st["head"])]]
            rows += [[Paragraph(reference, st["cell"]), Paragraph(weight, st["number"]), Paragraph(size, st["cell"])]
                     for reference, weight, size in slip["packages"]]
            count, total = slip["package_total"]
            rows.append([Paragraph(count, st["head"]), Paragraph(total, st["head_number"]), Paragraph("", st["body"])])
            packages = Table(rows, colWidths=[width * 0.4, 25 * mm, None], repeatRows=1, hAlign="LEFT")
            packages.setStyle(ts["packages"])
            story += [Spacer(0, 4 * mm), packages]
        if slip["instructions"]:
            story += [Spacer(0, 4 * mm), Paragraph("INSTRUCTIONS", st["label"]),
                      Paragraph(slip["instructions"], st["body"])]
        box = Table([[Paragraph("Received in good order by (name, signature, date)", st["label"])], [""]],
                    colWidths=[width * 0.6], rowHeights=[6 * mm, 16 * mm], hAlign="LEFT")
        box.setStyle(ts["signature"])
        story += [Spacer(0, 8 * mm), KeepTogether([box]), PageBreak()]
    story.pop()  # no empty page after the last slip
    margin = f["margin"]
    document = SimpleDocTemplate(str(_runs_dir / "floor.pdf"), pagesize=f["page"], leftMargin=margin,
                                 rightMargin=margin, topMargin=margin, bottomMargin=margin + 4,
                                 title="Packing slips", author=f["company_name_plain"])
    document.build(story, onFirstPage=footer, onLaterPages=footer)


def _chosen_shipments(cache_dir: Path, db: Path) -> list[tuple[str, str]]:
    """The first SLIPS shipments (by number) whose slip is one page; found once by ours' own layout, then cached.

    The layout code is in the cache's name: a change to it chooses again (a slip may grow a page).
    """
    import qtc_desktop.services.paperwork as package

    digest = hashlib.sha256()
    for source in sorted(Path(package.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    path = cache_dir / f"paperwork-slips-{SLIPS}-v{FIXTURE_VERSION}-{db.stem}-{digest.hexdigest()[:10]}.json"
    if path.exists():
        return [(order, shipment) for order, shipment in json.loads(path.read_text())]
    for stale in cache_dir.glob("paperwork-slips-*.json"):
        stale.unlink()
    print(f"choosing {SLIPS:,} one-page packing slips...", file=sys.stderr)
    with _store.session() as session:
        from sqlalchemy import select

        from qtc_desktop.domain import FulfillmentOrder, Shipment

        candidates = [(order, shipment) for order, shipment in session.execute(
            select(FulfillmentOrder.number, Shipment.number).join(Shipment, Shipment.order_id == FulfillmentOrder.id)
            .order_by(Shipment.number).limit(SLIPS * 11 // 10)).all()]
    _requests[:] = candidates
    _run_ours()
    _records["ours"].pop()
    assert _runs_dir is not None
    longer = {match.group(1) for match in re.finditer(r"Packing slip (\S+) · order \S+\s+Page \d+ of ([2-9]|\d\d+)",
                                                       "\n".join(_page_texts(_runs_dir / "ours.pdf")))}
    chosen = [pair for pair in candidates if pair[1] not in longer][:SLIPS]
    if len(chosen) < SLIPS:
        raise RuntimeError(f"only {len(chosen):,} one-page slips among the first {len(candidates):,} shipments")
    path.write_text(json.dumps(chosen))
    return chosen


def _prepare_floor(slips: Sequence[Any]) -> None:
    """Every text of every slip as the markup Paragraph takes (escaped as printed), and the floor's styles."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, TableStyle

    from qtc_desktop.domain.values import show
    from qtc_desktop.resources import resource_path

    for name, file in ((FLOOR_FONT, "DejaVuSans.ttf"), (FLOOR_BOLD, "DejaVuSans-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(FLOOR_FONT, normal=FLOOR_FONT, bold=FLOOR_BOLD, italic=FLOOR_FONT,
                                  boldItalic=FLOOR_BOLD)
    ink, rule, shade, grey = (colors.HexColor(c) for c in ("#1f2937", "#9ca3af", "#e5e7eb", "#6b7280"))
    base = ParagraphStyle("body", fontName=FLOOR_FONT, fontSize=9, leading=11.5, textColor=ink)
    st = {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "label": ParagraphStyle("label", parent=base, fontName=FLOOR_BOLD, fontSize=7, leading=9, textColor=grey),
        "bold": ParagraphStyle("bold", parent=base, fontName=FLOOR_BOLD),
        "title_right": ParagraphStyle("title_right", parent=base, fontName=FLOOR_BOLD, fontSize=16, leading=19,
                                      alignment=2),
        "bold_right": ParagraphStyle("bold_right", parent=base, fontName=FLOOR_BOLD, alignment=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "number": ParagraphStyle("number", parent=base, fontSize=8.5, leading=10.5, alignment=2),
        "head": ParagraphStyle("head", parent=base, fontName=FLOOR_BOLD, fontSize=8, leading=10),
        "head_number": ParagraphStyle("head_number", parent=base, fontName=FLOOR_BOLD, fontSize=8, leading=10,
                                      alignment=2),
    }
    top = ("VALIGN", (0, 0), (-1, -1), "TOP")
    table_styles = {
        "heading": TableStyle([top, ("ALIGN", (1, 0), (1, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
        "facts": TableStyle([top, ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]),
        "addresses": TableStyle([top, ("LEFTPADDING", (0, 0), (-1, -1), 0)]),
        "lines": TableStyle([top, ("LINEBELOW", (0, 0), (-1, 0), 0.8, rule), ("BACKGROUND", (0, 0), (-1, 0), shade),
                             ("LINEBELOW", (0, 1), (-1, -1), 0.25, rule)]),
        "packages": TableStyle([("BACKGROUND", (0, 0), (-1, 0), shade), ("LINEABOVE", (0, -1), (-1, -1), 0.8, rule),
                                ("LINEBELOW", (0, 1), (-1, -2), 0.25, rule)]),
        "signature": TableStyle([("BOX", (0, 0), (-1, -1), 0.8, grey)]),
    }
    margin = 15 * mm
    width = A4[0] - 2 * margin - 2 * 6  # the tables fit inside the frame's 6-point padding

    def lines_header() -> list[Any]:
        return [Paragraph("#", st["head"]), Paragraph("Product", st["head"]), Paragraph("Ordered", st["head_number"]),
                Paragraph("Shipped", st["head_number"]), Paragraph("Backordered", st["head_number"]),
                Paragraph("Serial numbers", st["head"])]

    preferences = _preferences
    _floor.clear()
    _floor.update(styles=st, table_styles=table_styles, width=width, margin=margin, page=A4, grey=grey,
                  logo=str(resource_path("logo.png")), company_name=_markup(preferences.company_name),
                  company_name_plain=preferences.company_name, company_address=_markup(preferences.company_address),
                  lines_header=lines_header,
                  lines_widths=[8 * mm, width * 0.30, 19 * mm, 19 * mm, 26 * mm, None])
    _floor_slips.clear()
    for slip in slips:
        code = slip.shipment_number or slip.order_number
        facts = [("Order", slip.order_number), ("ERP sales order", slip.erp_order_number),
                 ("Customer PO", slip.customer_po), ("Ship date", slip.ship_date),
                 ("Carrier", " · ".join(part for part in (slip.carrier, slip.service_level) if part)),
                 ("Tracking", slip.tracking_number), ("Contact", slip.contact)]
        total = sum((package.weight_kg or Decimal(0) for package in slip.packages), Decimal(0))
        _floor_slips.append({
            "code": code, "code_markup": _markup(code),
            "title": f"Packing slip {code}" + (f" · order {slip.order_number}" if slip.shipment_number else ""),
            "ship_to": _markup("\n".join(slip.ship_to) or "—"), "bill_to": _markup("\n".join(slip.bill_to) or "—"),
            "facts": [(_markup(label.upper()), _markup(value or "—")) for label, value in facts],
            "lines": [(_markup(line.line_no), _markup(line.product_code), _markup(line.product_name),
                       _markup(show(line.ordered)), _markup(show(line.shipped)), _markup(show(line.backordered)),
                       _markup(", ".join(line.serials))) for line in slip.lines],
            "packages": [(_markup(package.reference), _markup(show(package.weight_kg)), _markup(package.dimensions))
                         for package in slip.packages],
            "package_total": (_markup(f"{len(slip.packages)} package(s)"), _markup(show(total))),
            "instructions": _markup(slip.instructions) if slip.instructions else "",
        })


def _markup(value: object) -> str:
    """Text as Paragraph markup that prints as written (what any careful script must do with user text)."""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


def _page_texts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


def _footer(text: str) -> str:
    found = re.findall(r"Page \d+(?: of \d+)?", text)
    return found[-1] if found else ""


def _check_same_text(ours_pages: list[str], floor_pages: list[str]) -> None:
    """Both sides print the same text on every page, but for the footer's "of Y" (what ours adds)."""
    if len(ours_pages) != len(floor_pages):
        raise AssertionError(f"{NAME}: ours wrote {len(ours_pages)} pages, the floor {len(floor_pages)}")
    for number, (a, b) in enumerate(zip(ours_pages, floor_pages), start=1):
        if _without_footer(a) != _without_footer(b):
            raise AssertionError(f"{NAME}: page {number} differs:\n--- ours\n{a}\n--- floor\n{b}")


def _without_footer(text: str) -> tuple[list[str], list[str]]:
    """The page's lines but the footer's, in order; and the footer's, with the page number as #.

    The floor draws its footer as the page begins (onPage), ours as the document ends: the
    footer's place in the extracted text differs, not what it says.
    """
    footer = re.compile(r"Packing slip \S+ · order \S+|Page \d+(?: of \d+)?")
    lines = text.splitlines()
    return ([line for line in lines if not footer.fullmatch(line)],
            sorted(re.sub(r"Page \d+(?: of \d+)?", "Page #", line) for line in lines if footer.fullmatch(line)))


def extra_report(rows: list[dict[str, Any]]) -> list[str]:
    timed = len(rows[0]["ours_runs"])
    runs = _records["ours"][-timed:]

    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    floor_s = rows[0]["floor"]
    return [
        f"{NAME}: {_shape['slips']:,} one-page slips ({_shape['lines']:,} lines, {_shape['serials']:,} serials, "
        f"{_shape['packages']:,} packages); PDF {_shape['bytes_ours'] / 1e6:.1f} MB ours, "
        f"{_shape['bytes_floor'] / 1e6:.1f} MB floor; same text on every page but the footer's \"of Y\"",
        f"{NAME}: seconds, median of {timed}",
        f"  ours   {rows[0]['ours']:6.2f} = read (packing_slips) {median('read'):.2f} "
        f"+ write (write_packing_slips) {median('write'):.2f}",
        f"  floor  {floor_s:6.2f} (bare platypus from prepared text; \"Page N\" by onPage, no two-pass \"of Y\")",
        f"  write alone: ours {median('write'):.2f} / floor {floor_s:.2f} = {median('write') / floor_s:.2f}x",
    ]

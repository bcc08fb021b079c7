"""The packing slip that travels with a shipment: who, where, what, how many, which serials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, PageBreak, Spacer, Table, TableStyle

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, Shipment
from qtc_desktop.domain.values import show
from qtc_desktop.services.orders.shipping import delivers, shipped_quantities
from qtc_desktop.services.paperwork.printing import (
    FONT,
    RULE,
    SHADE,
    Company,
    DocumentStart,
    labelled,
    text,
)


@dataclass(frozen=True)
class SlipLine:
    line_no: int
    product_code: str
    product_name: str
    ordered: Decimal
    shipped: Decimal  # in this shipment (the whole order's so far on an order slip)
    backordered: Decimal
    serials: tuple[str, ...]


@dataclass(frozen=True)
class SlipPackage:
    reference: str
    weight_kg: Decimal | None
    dimensions: str


@dataclass(frozen=True)
class PackingSlip:
    """Everything printed on one slip, read from the database before any drawing."""

    key: str
    shipment_number: str | None
    order_number: str
    erp_order_number: str
    customer_po: str
    ship_date: str
    carrier: str
    service_level: str
    tracking_number: str
    ship_to: tuple[str, ...]
    bill_to: tuple[str, ...]
    contact: str
    instructions: str
    lines: tuple[SlipLine, ...]
    packages: tuple[SlipPackage, ...]


def slip_for(order: FulfillmentOrder, shipment: Shipment | None) -> PackingSlip:
    """The slip of one shipment of the order (or, with none, of the order as it stands)."""
    shipped_total = shipped_quantities(order)
    in_shipment = ({line.order_line_id: line for line in shipment.lines} if shipment is not None else {})
    lines = []
    for line in order.lines:
        if line.kind is not FulfillmentKind.SHIP:
            continue
        part = in_shipment.get(line.id)
        # A decrease or removal on an amendment ships nothing: not on the slip, not backordered.
        if (shipment is not None and part is None) or (shipment is None and not delivers(line)):
            continue
        shipped = part.quantity if part is not None else shipped_total.get(line.id, Decimal(0))
        serials = tuple(part.serial_numbers) if part is not None else tuple(line.serial_numbers or ())
        lines.append(SlipLine(line.line_no, line.product_code, line.product_name, line.quantity, shipped,
                              max(Decimal(0), line.quantity - shipped_total.get(line.id, Decimal(0))), serials))
    packages = tuple(SlipPackage(package.reference or f"Package {index}", package.weight_kg,
                                 " × ".join(show(v) for v in (package.length_cm, package.width_cm, package.height_cm)
                                            if v is not None))
                     for index, package in enumerate(shipment.packages if shipment is not None else (), start=1))
    return PackingSlip(
        key=shipment.number if shipment is not None else order.number,
        shipment_number=shipment.number if shipment is not None else None,
        order_number=order.number, erp_order_number=order.erp_order_number or "",
        customer_po=order.customer_po or "",
        ship_date=show(shipment.ship_date) if shipment is not None else "",
        carrier=(shipment.carrier if shipment is not None else None) or order.carrier or "",
        service_level=(shipment.service_level if shipment is not None else None) or order.service_level or "",
        tracking_number=(shipment.tracking_number or "") if shipment is not None else "",
        ship_to=_address(order.ship_to_name, order.ship_to_street, order.ship_to_postal_code, order.ship_to_city,
                         order.ship_to_region, order.ship_to_country),
        bill_to=_address(order.bill_to_name, order.bill_to_street, order.bill_to_postal_code, order.bill_to_city,
                         order.bill_to_region, order.bill_to_country),
        contact="\n".join(part for part in (order.contact_name, order.contact_phone, order.contact_email) if part),
        instructions=order.instructions or "", lines=tuple(lines), packages=packages)


def _address(name: str | None, street: str | None, postal_code: str | None, city: str | None,
             region: str | None, country: str | None) -> tuple[str, ...]:
    town = " ".join(part for part in (postal_code, city) if part)
    return tuple(part for part in (name, street, town, region, country) if part)


def slip_story(slip: PackingSlip, company: Company, width: float) -> list[Flowable]:
    """The flowables of one slip, starting on a new page."""
    code = slip.shipment_number or slip.order_number
    title = f"Packing slip {code}" + (f" · order {slip.order_number}" if slip.shipment_number else "")
    story: list[Flowable] = [DocumentStart(slip.key, title)]
    story.append(_heading(slip, company, width, code))
    story.append(Spacer(0, 5 * mm))
    # The facts column is wide enough for a 22-digit tracking number on one line.
    addresses = Table([[labelled("Ship to", "\n".join(slip.ship_to)), labelled("Bill to", "\n".join(slip.bill_to)),
                        _facts(slip)]], colWidths=[width * 0.25, width * 0.25, width * 0.5])
    addresses.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [addresses, Spacer(0, 5 * mm), _lines_table(slip, width)]
    if slip.packages:
        story += [Spacer(0, 4 * mm), _packages_table(slip, width)]
    if slip.instructions:
        story += [Spacer(0, 4 * mm), *labelled("Instructions", slip.instructions)]
    story += [Spacer(0, 8 * mm), KeepTogether(_signature(width)), PageBreak()]
    return story


def _heading(slip: PackingSlip, company: Company, width: float, code: str) -> Table:
    logo: Flowable = Spacer(0, 0)
    if company.logo is not None and company.logo.is_file():
        logo = Image(str(company.logo), width=36 * mm, height=12 * mm, kind="proportional")
    block = [logo, text(company.name, "bold"), text(company.address, "small")]
    barcode = createBarcodeDrawing("Code128", value=code, barHeight=11 * mm, barWidth=0.33 * mm, humanReadable=True,
                                   fontName=FONT, fontSize=7)
    title = [text("Packing slip", "title_right"), text(code, "bold_right"), barcode]
    table = Table([[block, title]], colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _facts(slip: PackingSlip) -> Table:
    rows = [("Order", slip.order_number), ("ERP sales order", slip.erp_order_number),
            ("Customer PO", slip.customer_po), ("Ship date", slip.ship_date),
            ("Carrier", " · ".join(part for part in (slip.carrier, slip.service_level) if part)),
            ("Tracking", slip.tracking_number), ("Contact", slip.contact)]
    table = Table([[text(label.upper(), "label"), text(value or "—")] for label, value in rows],
                  colWidths=[30 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return table


def _lines_table(slip: PackingSlip, width: float) -> Table:
    header = [text("#", "head"), text("Product", "head"), text("Ordered", "head_number"),
              text("Shipped", "head_number"), text("Backordered", "head_number"), text("Serial numbers", "head")]
    rows: list[Sequence[object]] = [header]
    for line in slip.lines:
        rows.append([text(line.line_no, "cell"), [text(line.product_code, "head"), text(line.product_name, "cell")],
                     text(show(line.ordered), "number"), text(show(line.shipped), "number"),
                     text(show(line.backordered), "number"), text(", ".join(line.serials), "cell")])
    if not slip.lines:
        rows.append([text(""), text("No goods in this shipment.", "cell"), "", "", "", ""])
    # Wide enough for "Ordered" and "Backordered" in one piece; a line with hundreds of serials
    # is taller than a page, so its row splits across pages instead of failing the whole PDF.
    table = Table(rows, colWidths=[8 * mm, width * 0.30, 19 * mm, 19 * mm, 26 * mm, None], repeatRows=1,
                  hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ]))
    return table


def _packages_table(slip: PackingSlip, width: float) -> Table:
    rows: list[Sequence[object]] = [[text("Package", "head"), text("Weight (kg)", "head_number"),
                                     text("Size (cm)", "head")]]
    rows += [[text(p.reference, "cell"), text(show(p.weight_kg), "number"), text(p.dimensions, "cell")]
             for p in slip.packages]
    total = sum((p.weight_kg or Decimal(0) for p in slip.packages), Decimal(0))
    rows.append([text(f"{len(slip.packages)} package(s)", "head"), text(show(total), "head_number"), text("")])
    table = Table(rows, colWidths=[width * 0.4, 25 * mm, None], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE),
                               ("LINEBELOW", (0, 1), (-1, -2), 0.25, RULE)]))
    return table


def _signature(width: float) -> list[Flowable]:
    box = Table([[text("Received in good order by (name, signature, date)", "label")], [""]],
                colWidths=[width * 0.6], rowHeights=[6 * mm, 16 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#6b7280"))]))
    return [box]


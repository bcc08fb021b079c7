"""The pick list: what to fetch for one or many orders, by warehouse and bin, in walking order."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder
from qtc_desktop.domain.values import show
from qtc_desktop.services.orders.shipping import backordered
from qtc_desktop.services.paperwork.printing import RULE, SHADE, Company, DocumentStart, text

NO_WAREHOUSE, NO_BIN = "(no warehouse)", "(no bin)"


@dataclass(frozen=True)
class PickItem:
    warehouse: str
    location: str
    product_code: str
    product_name: str
    quantity: Decimal
    order_number: str
    line_no: int


def pick_items(orders: Sequence[FulfillmentOrder]) -> list[PickItem]:
    """Goods still to ship, sorted for walking: warehouse, then bin in natural order (A-2 before A-10)."""
    items = []
    for order in orders:
        open_goods = backordered(order)
        for line in order.lines:
            quantity = open_goods.get(line.line_no)
            if line.kind is not FulfillmentKind.SHIP or not quantity:
                continue
            items.append(PickItem(order.warehouse or NO_WAREHOUSE, line.location or NO_BIN, line.product_code,
                                  line.product_name, quantity, order.number, line.line_no))
    return sorted(items, key=lambda item: (item.warehouse == NO_WAREHOUSE, _natural(item.warehouse),
                                           item.location == NO_BIN, _natural(item.location), item.product_code,
                                           item.order_number, item.line_no))


def _natural(value: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", value))


def totals_by_product(items: Sequence[PickItem]) -> list[tuple[str, str, Decimal]]:
    totals: dict[str, tuple[str, Decimal]] = {}
    for item in items:
        name, quantity = totals.get(item.product_code, (item.product_name, Decimal(0)))
        totals[item.product_code] = (name, quantity + item.quantity)
    return [(code, name, quantity) for code, (name, quantity) in sorted(totals.items())]


def pick_list_story(orders: Sequence[FulfillmentOrder], company: Company, width: float) -> list[Flowable]:
    items = pick_items(orders)
    numbers = ", ".join(order.number for order in orders)
    title = f"Pick list · {len(orders)} order(s)"
    story: list[Flowable] = [DocumentStart("pick-list", title), text("Pick list", "title"),
                             text(f"{company.name} · orders {numbers}", "small"), Spacer(0, 4 * mm)]
    header = [text("✓", "head"), text("Bin", "head"), text("Product", "head"), text("Qty", "head_number"),
              text("Order / line", "head")]
    rows: list[list[object]] = []
    styles_ = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
               ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]
    warehouse = None
    for item in items:
        if item.warehouse != warehouse:
            warehouse = item.warehouse
            rows.append([text(f"Warehouse {warehouse}", "bold"), "", "", "", ""])
            styles_.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        rows.append([text("☐", "bold"), text(item.location, "cell"),
                     [text(item.product_code, "head"), text(item.product_name, "cell")],
                     text(show(item.quantity), "number"), text(f"{item.order_number} / {item.line_no}", "cell")])
    if not items:
        rows.append(["", "", text("Nothing left to pick.", "cell"), "", ""])
    table = Table([header, *rows], colWidths=[8 * mm, 28 * mm, width * 0.45, 16 * mm, None], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle(styles_))
    story += [table, Spacer(0, 6 * mm), text("Totals per product", "bold")]
    totals = [[text(code, "head"), text(name, "cell"), text(show(quantity), "number")]
              for code, name, quantity in totals_by_product(items)]
    totals_table = Table([[text("Product", "head"), text("Name", "head"), text("Qty", "head_number")], *totals],
                         colWidths=[40 * mm, width * 0.5, 20 * mm], repeatRows=1, hAlign="LEFT")
    totals_table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE),
                                      ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE)]))
    story += [totals_table, PageBreak()]
    return story

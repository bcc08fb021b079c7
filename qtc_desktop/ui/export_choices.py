"""The choices Export for ERP offers, in numbers and words: which orders, and which layout.

The orders are those selected in the Orders list, those it shows, or everything changed since
the last export; they are counted off the GUI thread, since the list may hold 100,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import FulfillmentOrder
from qtc_desktop.services.exporting.layouts import Layout
from qtc_desktop.services.exporting.service import (
    EXPORTABLE,
    OrderToExport,
    count_changed_since_export,
    orders_to_export,
)
from qtc_desktop.services.lists import ORDERS, ListQuery, row_ids
from qtc_desktop.ui.list_page import ListPage

SELECTED, LISTED, CHANGED = "selected", "listed", "changed"
LAYOUT_TITLES = {
    "generic": "Generic: an Orders sheet and a Lines sheet",
    "odoo": "Odoo: sale order import",
    "erpnext": "ERPNext: Data Import of Sales Orders",
}
_ID_CHUNK = 5000  # ids per IN (...) query: well below SQLite's limit on bound parameters


@dataclass(frozen=True)
class OrderCounts:
    """How many orders each choice names, and how many of them may go to the ERP."""

    selected: tuple[int, ...]
    selected_exportable: tuple[int, ...]
    listed: tuple[int, ...]
    listed_exportable: tuple[int, ...]
    changed: int


def count_orders(session: Session, selected: Sequence[int], query: ListQuery) -> OrderCounts:
    exportable = set(session.execute(
        select(FulfillmentOrder.id).where(FulfillmentOrder.status.in_(EXPORTABLE))).scalars())
    listed = tuple(row_ids(session.connection(), ORDERS, query))
    changed = count_changed_since_export(session)
    return OrderCounts(tuple(selected), tuple(i for i in selected if i in exportable),
                       listed, tuple(i for i in listed if i in exportable), changed)


def exportable_orders(session: Session, ids: Sequence[int]) -> list[OrderToExport]:
    """The orders among `ids` that may go to the ERP now (read in chunks: a list can hold 100,000)."""
    orders: list[OrderToExport] = []
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = list(ids[start:start + _ID_CHUNK])
        released = list(session.execute(select(FulfillmentOrder.id).where(
            FulfillmentOrder.id.in_(chunk), FulfillmentOrder.status.in_(EXPORTABLE))).scalars())
        if released:
            orders += orders_to_export(session, released)
    return sorted(orders, key=lambda order: order.number)


def chosen_ids(counts: OrderCounts, choice: str) -> tuple[tuple[int, ...], int]:
    """The exportable ids of the selected or listed orders, and how many of them are left out."""
    if choice == SELECTED:
        return counts.selected_exportable, len(counts.selected) - len(counts.selected_exportable)
    return counts.listed_exportable, len(counts.listed) - len(counts.listed_exportable)


def choice_texts(counts: OrderCounts | None, view: str) -> tuple[str, str, str]:
    """The words of the selected, listed and changed choices; without numbers until counted."""
    if counts is None:
        return ("The orders selected in the Orders list", "The orders the Orders list shows now",
                "Everything changed since the last export")
    return (f"The {noun(len(counts.selected), 'order')} selected in the Orders list"
            if counts.selected else "The orders selected in the Orders list (none are)",
            f"The {noun(len(counts.listed), 'order')} the Orders list shows now" + (f" ({view})" if view else ""),
            f"Everything changed since the last export ({noun(counts.changed, 'order')})")


def orders_note(counts: OrderCounts, choice: str) -> tuple[str, bool]:
    """A note on the chosen orders (blank when there is nothing to say), and whether any can go."""
    if choice == CHANGED:
        ready = counts.changed > 0
        return ("Orders changed since the ERP last saw them, and released orders never sent."
                if ready else "Nothing has changed since the last export."), ready
    ids, left_out = chosen_ids(counts, choice)
    if left_out and ids:
        return (f"{noun(len(ids), 'order')} can go to the ERP; {left_out} not released "
                "(drafts, on hold or cancelled) will be left out."), True
    if left_out:
        return "None of these orders is released; drafts, held and cancelled orders stay here.", False
    return "", bool(ids)


def describe_layout(layout: Layout) -> str:
    rows = {"order": "a row per order", "line": "a row per line",
            "nested": "a row per line, the order's columns on its first line"}
    return "; ".join(f"Sheet “{sheet.name}”: {noun(len(sheet.columns), 'column')}, {rows[sheet.rows]}"
                     for sheet in layout.sheets) + "."


def describe_view(page: ListPage) -> str:
    """The list's search and filters in words, e.g. `search "acme", Ready`."""
    parts = []
    search = page.model.query.search.strip()
    if search:
        parts.append(f"search “{search}”")
    for list_filter in page.spec.filters:
        value = page.model.query.filters.get(list_filter.key, list_filter.default)
        if value != list_filter.default:
            combo = page.filters.get(list_filter.key)
            parts.append(combo.currentText() if combo is not None else value)
    return ", ".join(parts)


def noun(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")

"""Exporting orders for the ERP: choose them, write the workbook, record the batch."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from qtc_desktop.domain import (
    ChangeSource,
    ExportBatch,
    ExportBatchOrder,
    FulfillmentOrder,
    OrderStatus,
    Shipment,
)
from qtc_desktop.domain.values import show
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.columns import COLUMNS, Facts, Value
from qtc_desktop.services.exporting.keys import row_key
from qtc_desktop.services.exporting.layouts import Layout, SheetLayout, layout_named
from qtc_desktop.services.exporting.writer import ExportRefused, SheetRows, write_csv, write_xlsx
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.orders.shipping import shipped_quantities
from qtc_desktop.services.progress import Progress
from qtc_desktop.store.journal import recording

FORMAT_VERSION = "1"
# What may go to the ERP: released orders and those it already has. Not drafts, held or cancelled ones.
EXPORTABLE = frozenset({OrderStatus.READY, OrderStatus.SENT_TO_ERP, OrderStatus.CONFIRMED,
                        OrderStatus.PARTLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.CLOSED})


_P = ParamSpec("_P")
_R = TypeVar("_R")


def collector_paused(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with Python's cyclic garbage collector off (as import_file does).

    Loading, exporting or re-importing tens of thousands of orders makes hundreds of
    thousands of objects that all live until the job ends: collections walking them again
    and again while they are made cost a third of an export of 50,000 lines. The collector
    is on again (as it was) when the function returns.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


@dataclass(frozen=True)
class ExportResult:
    batch_id: int
    path: Path
    layout: str
    orders: tuple[str, ...]
    lines: int
    csv_files: tuple[Path, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {"batch": self.batch_id, "file": str(self.path), "layout": self.layout,
                "orders": list(self.orders), "lines": self.lines, "csv": [str(p) for p in self.csv_files]}


@collector_paused
def _changed_since_export() -> Any:
    return FulfillmentOrder.status.in_(EXPORTABLE) & or_(
        FulfillmentOrder.changed_since_export.is_(True),
        (FulfillmentOrder.status == OrderStatus.READY) & FulfillmentOrder.last_export_batch_id.is_(None))


def count_changed_since_export(session: Session) -> int:
    """How many orders `orders_to_export(changed=True)` would give, without loading them."""
    return session.execute(select(func.count(FulfillmentOrder.id)).where(_changed_since_export())).scalar_one()


def orders_to_export(session: Session, order_ids: Sequence[int] | None = None, *,
                     changed: bool = False) -> list[FulfillmentOrder]:
    """The given orders, or every order changed since the ERP saw it (or released and never sent)."""
    # Not the lines' quote lines: no export column reads them, and they were a third of the load.
    statement = select(FulfillmentOrder).options(
        selectinload(FulfillmentOrder.lines), selectinload(FulfillmentOrder.account),
        selectinload(FulfillmentOrder.quote),
        selectinload(FulfillmentOrder.shipments).selectinload(Shipment.lines)).order_by(FulfillmentOrder.number)
    if changed:
        return list(session.execute(statement.where(_changed_since_export())).scalars())
    orders = list(session.execute(statement.where(FulfillmentOrder.id.in_(list(order_ids or ())))).scalars())
    missing = set(order_ids or ()) - {order.id for order in orders}
    if missing:
        raise QtcError(f"No order with id {', '.join(map(str, sorted(missing)))}.")
    refused = [f"{order.number} is {order.status.phrase}" for order in orders if order.status not in EXPORTABLE]
    if refused:
        raise ExportRefused("Not exported (only released orders go to the ERP): " + "; ".join(refused) + ".")
    return orders


@collector_paused
def export_orders(session: Session, orders: Sequence[FulfillmentOrder], path: Path, layout_name: str, *,
                  who: str, csv: bool = False, progress: Progress | None = None) -> ExportResult:
    """Write the orders in the layout and record the batch, in the caller's transaction.

    Exported orders that were ready are now sent to the ERP; every exported order loses its
    changed-since-export mark. The file is written before the caller commits, so an export
    that fails leaves the database as it was.
    """
    progress = progress or Progress()
    if not orders:
        raise ExportRefused("There are no orders to export.")
    layout = layout_named(session, layout_name)
    path = path.expanduser().resolve()
    if path.suffix.lower() != ".xlsx":
        raise ExportRefused(f"{path.name}: exports are .xlsx workbooks (CSV files are written beside it).")
    total = sum(len(order.lines) for order in orders) * len(layout.sheets) + len(orders)
    progress.step(0, total, "Preparing the export")
    batch = ExportBatch(token=secrets.token_hex(16), layout_name=layout.name, file_path=str(path),
                        created_by=who)
    session.add(batch)
    session.flush()
    with recording(session, who=who, source=ChangeSource.ERP_EXPORT, reason=f"exported to {path.name}",
                   export_batch_id=batch.id):
        for order in orders:
            if order.status is OrderStatus.READY:
                order.status = OrderStatus.SENT_TO_ERP
            order.changed_since_export = False
            order.last_export_batch_id = batch.id
    facts = {order.id: _facts(order) for order in orders}
    for order in orders:
        session.add(ExportBatchOrder(batch_id=batch.id, order_id=order.id, order_version=order.version,
                                     snapshot=_snapshot(order, layout, facts[order.id])))
    sheets = [_sheet_rows(sheet, orders, facts, batch.token) for sheet in layout.sheets]
    meta = {"format": FORMAT_VERSION, "database": database_id(session), "export": str(batch.id),
            "layout": layout.to_text(), "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "exported_by": who, "note": "Kept for taking this workbook back into qtc-desktop; "
                                        "leave this sheet and the 'qtc key' columns as they are."}
    written = [len(orders)]

    def step(rows: int) -> None:
        written[0] += rows
        progress.step(min(written[0], total), total, f"Writing {path.name}")

    write_xlsx(path, sheets, meta, step)
    csv_files: list[Path] = []
    try:
        if csv:
            for sheet in sheets:
                target = path.with_name(f"{path.stem}-{sheet.layout.name.replace(' ', '-')}.csv")
                write_csv(target, sheet)
                csv_files.append(target)
        session.flush()
    except BaseException:
        # The batch will not be stored: take away what this export wrote (an older file it
        # replaced is gone, but no file claims a batch the database does not have).
        for written_file in (path, *csv_files):
            written_file.unlink(missing_ok=True)
        raise
    return ExportResult(batch.id, path, layout.name, tuple(order.number for order in orders),
                        sum(len(order.lines) for order in orders), tuple(csv_files))


def _facts(order: FulfillmentOrder) -> Facts:
    tracking = next((s.tracking_number for s in reversed(order.shipments) if s.tracking_number), None)
    return Facts(shipped_quantities(order), tracking)


def _sheet_rows(sheet: SheetLayout, orders: Sequence[FulfillmentOrder], facts: dict[int, Facts],
                secret: str) -> SheetRows:
    columns = [COLUMNS[name] for name, _ in sheet.columns]
    rows: list[list[Value]] = []
    labels: list[str] = []
    for order in orders:
        fact = facts[order.id]
        if sheet.rows == "order":
            rows.append([c.read(order, None, fact) for c in columns]
                        + [row_key(secret, order.id, None, order.version), order.version])
            labels.append(order.number)
            continue
        for index, line in enumerate(order.lines or [None]):
            first = index == 0
            values = [c.read(order, line, fact) if c.level == "line" or first or sheet.rows == "line" else None
                      for c in columns]
            line_id = line.id if line is not None else None
            rows.append(values + [row_key(secret, order.id, line_id, order.version), order.version])
            labels.append(order.number)
    return SheetRows(sheet, rows, labels)


def _snapshot(order: FulfillmentOrder, layout: Layout, facts: Facts) -> dict[str, Any]:
    """The editable values as they left, the "at export" side of the round trip's compare."""
    names = {name for sheet in layout.sheets for name, _ in sheet.columns if COLUMNS[name].editable}
    header = {name: show(COLUMNS[name].read(order, None, facts)) for name in names if COLUMNS[name].level == "order"}
    lines = {str(line.id): {name: show(COLUMNS[name].read(order, line, facts)) for name in names
                            if COLUMNS[name].level == "line"} for line in order.lines}
    # Which order and line numbers each key stands for, so a key moved onto another row is caught.
    return {"order": header, "lines": lines, "number": order.number,
            "line_numbers": {str(line.id): line.line_no for line in order.lines}}


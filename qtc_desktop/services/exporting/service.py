"""Exporting orders for the ERP: choose them, write the workbook, record the batch."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import operator
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ExportBatch, FulfillmentOrder, OrderStatus
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.exporting.batches import mark_exported, record_snapshots
from qtc_desktop.services.exporting.columns import LINE_COLUMNS, ORDER_COLUMNS, Value
from qtc_desktop.services.exporting.keys import row_key
from qtc_desktop.services.exporting.layouts import SheetLayout, layout_named
from qtc_desktop.services.exporting.loading import NO_LINE, NO_ORDER, ExportOrder, chunks, load_orders
from qtc_desktop.services.exporting.writer import ExportRefused, SheetRows, write_csv, write_xlsx
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.progress import Progress

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


def _changed_since_export() -> Any:
    return FulfillmentOrder.status.in_(EXPORTABLE) & or_(
        FulfillmentOrder.changed_since_export.is_(True),
        (FulfillmentOrder.status == OrderStatus.READY) & FulfillmentOrder.last_export_batch_id.is_(None))


def count_changed_since_export(session: Session) -> int:
    """How many orders `orders_to_export(changed=True)` would give, without loading them."""
    return session.execute(select(func.count(FulfillmentOrder.id)).where(_changed_since_export())).scalar_one()


@dataclass(frozen=True)
class OrderToExport:
    """An order chosen for an export; export_orders reads the rest."""

    id: int
    number: str
    status: OrderStatus


def orders_to_export(session: Session, order_ids: Sequence[int] | None = None, *,
                     changed: bool = False) -> list[OrderToExport]:
    """The given orders, or every order changed since the ERP saw it (or released and never sent), by number."""
    chosen = select(FulfillmentOrder.id, FulfillmentOrder.number, FulfillmentOrder.status)
    if changed:
        return [OrderToExport(*row) for row in session.execute(
            chosen.where(_changed_since_export()).order_by(FulfillmentOrder.number))]
    wanted = list(dict.fromkeys(order_ids or ()))
    orders = sorted((OrderToExport(*row) for chunk in chunks(wanted)
                     for row in session.execute(chosen.where(FulfillmentOrder.id.in_(chunk)))),
                    key=lambda order: order.number)
    missing = set(wanted) - {order.id for order in orders}
    if missing:
        raise QtcError(f"No order with id {', '.join(map(str, sorted(missing)))}.")
    refused = [f"{order.number} is {order.status.phrase}" for order in orders if order.status not in EXPORTABLE]
    if refused:
        raise ExportRefused("Not exported (only released orders go to the ERP): " + "; ".join(refused) + ".")
    return orders


@collector_paused
def export_orders(session: Session, orders: Sequence[OrderToExport | FulfillmentOrder], path: Path,
                  layout_name: str, *, who: str, csv: bool = False, progress: Progress | None = None) -> ExportResult:
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
    session.flush()  # what the session holds goes first: the orders are read from the tables
    loaded = load_orders(session, [order.id for order in orders])
    missing = {order.id for order in orders} - {order.id for order in loaded}
    if missing:
        raise QtcError(f"No order with id {', '.join(map(str, sorted(missing)))}.")
    lines = sum(len(order.lines) for order in loaded)
    total = lines * len(layout.sheets) + len(loaded)
    progress.step(0, total, "Preparing the export")
    batch = ExportBatch(token=secrets.token_hex(16), layout_name=layout.name, file_path=str(path),
                        created_by=who)
    session.add(batch)
    session.flush()
    versions = mark_exported(session, loaded, batch.id, who=who, reason=f"exported to {path.name}")
    record_snapshots(session, loaded, versions, batch.id, layout)
    sheets = [_sheet_rows(sheet, loaded, versions, batch.token) for sheet in layout.sheets]
    meta = {"format": FORMAT_VERSION, "database": database_id(session), "export": str(batch.id),
            "layout": layout.to_text(), "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "exported_by": who, "note": "Kept for taking this workbook back into qtc-desktop; "
                                        "leave this sheet and the 'qtc key' columns as they are."}
    written = [len(loaded)]

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
    return ExportResult(batch.id, path, layout.name, tuple(order.number for order in loaded), lines,
                        tuple(csv_files))


def _sheet_rows(sheet: SheetLayout, orders: Sequence[ExportOrder], versions: dict[int, int],
                secret: str) -> SheetRows:
    """The sheet's rows: each picked by position from the order's values followed by the line's."""
    pick = _picker([_POSITIONS[name] for name, _ in sheet.columns])
    rows: list[tuple[Value, ...]] = []
    labels: list[str] = []
    for order in orders:
        version = versions[order.id]
        if sheet.rows == "order" or not order.lines:
            rows.append(pick(order.values + NO_LINE) + (row_key(secret, order.id, None, version), version))
            labels.append(order.number)
            continue
        blank = order.values if sheet.rows == "line" else NO_ORDER
        for index, line in enumerate(order.lines):
            values = (order.values if index == 0 else blank) + line.values
            rows.append(pick(values) + (row_key(secret, order.id, line.id, version), version))
        labels += [order.number] * len(order.lines)
    return SheetRows(sheet, rows, labels)


_POSITIONS = {column.name: at for at, column in enumerate((*ORDER_COLUMNS, *LINE_COLUMNS))}


def _picker(positions: list[int]) -> Callable[[tuple[Value, ...]], tuple[Value, ...]]:
    """A function taking these positions of a tuple, as a tuple (itemgetter gives a bare value for one)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    if not positions:
        return lambda _values: ()
    return cast(Callable[[tuple[Value, ...]], tuple[Value, ...]], operator.itemgetter(*positions))

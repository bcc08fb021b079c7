"""Taking an exported workbook back from the ERP team: what they changed, what conflicts, applied.

Each row carries its order's (and line's) signed key and the version the order had when it
left. A field is *changed in the sheet* when it differs from what was exported (the batch's
snapshot). If the order also changed that field in the app since, it is a *conflict*: shown
with the three values and applied only when the coordinator says so. Rows missing from the
sheet change nothing. A damaged or forged key, a workbook from another database, or a value
a field cannot take refuses the whole file.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ExportBatch, ExportBatchOrder
from qtc_desktop.services.exporting.reimport_apply import apply_reimport
from qtc_desktop.services.exporting.reimport_compare import compare, load_orders
from qtc_desktop.services.exporting.reimport_plan import Problem, ReimportPlan, SheetChange
from qtc_desktop.services.exporting.layouts import Layout, SheetLayout
from qtc_desktop.services.exporting.reimport_sheets import Exported, Found, find_sheet, read_meta, read_sheet
from qtc_desktop.services.exporting.service import collector_paused
from qtc_desktop.services.exporting.writer import META_SHEET
from qtc_desktop.services.importing.reading import RawSheet, UnreadableFile, read_workbook
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.progress import Progress

__all__ = ["Problem", "ReimportPlan", "SheetChange", "apply_reimport", "plan_reimport"]


class _Reading:
    """What plan_reimport works out from each sheet as the reader child hands it over.

    The meta sheet comes first: the batch and its snapshots are loaded while the child still
    reads the other sheets, and each of the layout's sheets is checked as it arrives, while
    the child reads the next (a renamed one waits for the whole workbook). Problems are
    reported in the layout's order of sheets, whatever the order they were read in.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.meta_seen = False
        self.meta: tuple[int, Layout] | None = None
        self.problem: Problem | None = None
        self.batch: ExportBatch | None = None
        self.versions: dict[int, Exported] = {}
        self.found: dict[int, Found] = {}
        self.checked: dict[str, list[Problem]] = {}  # layout sheet name -> its problems

    def arrived(self, sheet: RawSheet) -> None:
        if sheet.name == META_SHEET and not self.meta_seen:
            self.start(sheet)
        elif self.batch is not None and self.meta is not None and sheet.name not in self.checked:
            layout = next((found for found in self.meta[1].sheets if found.name == sheet.name), None)
            if layout is not None:
                self.check(sheet, layout)

    def start(self, meta_sheet: RawSheet | None) -> None:
        self.meta_seen = True
        self.meta, self.problem = read_meta(self.session, meta_sheet)
        if self.meta is None:
            return
        self.batch = self.session.get(ExportBatch, self.meta[0])
        if self.batch is not None:
            self.versions = {order_id: Exported(version, snapshot) for order_id, version, snapshot in
                             self.session.connection().execute(
                                 select(ExportBatchOrder.order_id, ExportBatchOrder.order_version,
                                        ExportBatchOrder.snapshot).where(ExportBatchOrder.batch_id == self.batch.id))}

    def check(self, sheet: RawSheet | None, layout: SheetLayout) -> None:
        assert self.batch is not None
        if sheet is None:
            self.checked[layout.name] = [Problem(layout.name, None, None, "the sheet is missing from the workbook")]
        else:
            self.checked[layout.name] = read_sheet(sheet, layout, self.batch.token, self.versions, self.found)

    def errors(self, layout: Layout) -> list[Problem]:
        return [problem for sheet in layout.sheets for problem in self.checked.get(sheet.name, [])]


@collector_paused
def plan_reimport(session: Session, path: Path, progress: Progress | None = None) -> ReimportPlan:
    """Read the workbook and work out every change and conflict; nothing is stored."""
    reading = _Reading(session)
    try:
        workbook = read_workbook(path, progress=progress, first=(META_SHEET,), on_sheet=reading.arrived)
    except UnreadableFile as exc:
        return ReimportPlan(path, None, errors=(Problem(None, None, None, str(exc)),))
    if not reading.meta_seen:
        reading.start(next((sheet for sheet in workbook.sheets if sheet.name == META_SHEET), None))
    if reading.meta is None:
        return ReimportPlan(path, None, errors=(reading.problem or Problem(None, None, None, "unreadable"),))
    batch_id, layout = reading.meta
    batch = reading.batch
    if batch is None:
        return ReimportPlan(path, batch_id, errors=(Problem(META_SHEET, None, None, (
            f"export {batch_id} is not known to this database; was it exported from a copy?")),))
    for sheet_layout in layout.sheets:
        if sheet_layout.name not in reading.checked:
            reading.check(find_sheet(workbook, sheet_layout), sheet_layout)
    versions, found, errors = reading.versions, reading.found, reading.errors(layout)
    if errors:
        return ReimportPlan(path, batch.id, errors=tuple(errors))
    changes: list[SheetChange] = []
    conflicts: list[SheetChange] = []
    # Only an order with a value that differs from its snapshot can change or conflict: load just those.
    differing = {order_id: sheet_values for order_id, sheet_values in sorted(found.items()) if sheet_values.differs}
    loaded = load_orders(session, list(differing))
    for order_id, sheet_values in differing.items():
        order = loaded.get(order_id) or find_order(session, order_id)
        both, only = compare(order, versions[order_id].snapshot, sheet_values, errors)
        changes += only
        conflicts += both
    missing = len(versions) - len(found)
    notes = (f"{missing} exported order(s) are not in the sheet; they are left as they are.",) if missing else ()
    return ReimportPlan(path, batch.id, tuple(changes), tuple(conflicts), tuple(errors), notes)

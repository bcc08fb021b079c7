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
from qtc_desktop.services.exporting.reimport_compare import compare, differs, load_orders
from qtc_desktop.services.exporting.reimport_plan import Problem, ReimportPlan, SheetChange
from qtc_desktop.services.exporting.reimport_sheets import Exported, Found, find_sheet, read_meta, read_sheet
from qtc_desktop.services.exporting.service import collector_paused
from qtc_desktop.services.exporting.writer import META_SHEET
from qtc_desktop.services.importing.reading import UnreadableFile, read_workbook
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.progress import Progress

__all__ = ["Problem", "ReimportPlan", "SheetChange", "apply_reimport", "plan_reimport"]


@collector_paused
def plan_reimport(session: Session, path: Path, progress: Progress | None = None) -> ReimportPlan:
    """Read the workbook and work out every change and conflict; nothing is stored."""
    try:
        workbook = read_workbook(path, progress=progress)
    except UnreadableFile as exc:
        return ReimportPlan(path, None, errors=(Problem(None, None, None, str(exc)),))
    meta, problem = read_meta(session, workbook)
    if meta is None:
        return ReimportPlan(path, None, errors=(problem or Problem(None, None, None, "unreadable"),))
    batch_id, layout = meta
    batch = session.get(ExportBatch, batch_id)
    if batch is None:
        return ReimportPlan(path, batch_id, errors=(Problem(META_SHEET, None, None, (
            f"export {batch_id} is not known to this database; was it exported from a copy?")),))
    versions = {order_id: Exported(version, snapshot) for order_id, version, snapshot in session.connection().execute(
        select(ExportBatchOrder.order_id, ExportBatchOrder.order_version, ExportBatchOrder.snapshot)
        .where(ExportBatchOrder.batch_id == batch.id))}
    found: dict[int, Found] = {}
    errors: list[Problem] = []
    for sheet_layout in layout.sheets:
        sheet = find_sheet(workbook, sheet_layout)
        if sheet is None:
            errors.append(Problem(sheet_layout.name, None, None, "the sheet is missing from the workbook"))
            continue
        errors += read_sheet(sheet, sheet_layout, batch.token, versions, found)
    if errors:
        return ReimportPlan(path, batch.id, errors=tuple(errors))
    changes: list[SheetChange] = []
    conflicts: list[SheetChange] = []
    # Only an order with a value that differs from its snapshot can change or conflict: load just those.
    differing = {order_id: sheet_values for order_id, sheet_values in sorted(found.items())
                 if differs(versions[order_id].snapshot, sheet_values)}
    loaded = load_orders(session, list(differing))
    for order_id, sheet_values in differing.items():
        order = loaded.get(order_id) or find_order(session, order_id)
        both, only = compare(order, versions[order_id].snapshot, sheet_values, errors)
        changes += only
        conflicts += both
    missing = len(versions) - len(found)
    notes = (f"{missing} exported order(s) are not in the sheet; they are left as they are.",) if missing else ()
    return ReimportPlan(path, batch.id, tuple(changes), tuple(conflicts), tuple(errors), notes)

"""A rejected file saved back as a workbook: the user's rows plus an Errors column to fix them by."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.importing.service import FilePreview


def write_error_workbook(preview: FilePreview, target: Path) -> int:
    """Write the previewed sheet with an Errors column; returns how many rows carry an error."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    if preview.layout is None:
        raise QtcError(f"{preview.path.name} could not be read, so there are no rows to write back.")
    sheet = preview.layout.sheet
    by_row: dict[int, list[str]] = defaultdict(list)
    general: list[str] = []
    for problem in preview.problems:
        if problem.row is None:
            general.append(problem.message)
        else:
            by_row[problem.row].append(f"{problem.column}: {problem.message}" if problem.column
                                       else problem.message)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet.name[:31] or "Lines")
    bold = Font(bold=True)
    flagged = PatternFill("solid", fgColor="FFF2CC")
    width = max((len(row) for row in sheet.rows), default=0)

    def cell(value: Any, *, header: bool = False, error: bool = False) -> WriteOnlyCell:
        made = WriteOnlyCell(worksheet, value=_cell_value(value))
        if isinstance(value, str):
            made.data_type = "s"  # text that starts with "=" stays text, never a formula
        if header:
            made.font = bold
        if error:
            made.fill = flagged
        return made

    for index, row in enumerate(sheet.rows):
        number = index + 1
        padded = list(row) + [None] * (width - len(row))
        if index == preview.layout.header_row:
            worksheet.append([cell(v, header=True) for v in padded] + [cell("Errors", header=True)])
            continue
        errors = by_row.get(number, [])
        if number == 1 and general:
            errors = general + errors
        worksheet.append([cell(v, error=bool(errors)) for v in padded] + [cell("; ".join(errors), error=bool(errors))])
    _save_atomically(workbook, target)
    return len(by_row)


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _save_atomically(workbook: Any, target: Path) -> None:
    """Write beside the target and rename, so a failed save never leaves half a file."""
    handle, temporary = tempfile.mkstemp(prefix=".qtc-", suffix=".xlsx", dir=target.parent)
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise QtcError(f"Could not write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

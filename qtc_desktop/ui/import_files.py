"""The files of an import: how each is read, what its preview found, whether it was stored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor

from qtc_desktop.services.importing.service import FilePreview, ImportOptions
from qtc_desktop.ui.jobs import Job

IMPORT_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".txt"})
IMPORT_FILTER = "Quote files (*.xlsx *.xlsm *.ods *.xls *.csv *.txt);;All files (*)"
DATE_ORDERS = (("Day first (31/12/2026)", "dmy"), ("Month first (12/31/2026)", "mdy"))
PREVIEW, IMPORT, ERRORS = "preview", "import", "errors"
RED, GREEN, GREY = QColor("#b91c1c"), QColor("#15803d"), QColor("#6b7280")
STATUS_COLOURS = {"created": GREEN, "revised": QColor("#1d4ed8"), "unchanged": GREY}
PROBLEM_SHEET, PROBLEM_ROW, PROBLEM_COLUMN, PROBLEM_MESSAGE = range(4)


@dataclass(eq=False)
class ImportFile:
    """One file in the dialog: how it is read, what its preview found, whether it was stored."""

    path: Path
    options: ImportOptions = ImportOptions()
    preview: FilePreview | None = None
    stored: FilePreview | None = None  # the result of a successful import
    error: str = ""  # the last job's failure, as a sentence
    note: str = ""  # the last thing that happened to it, for the message line
    job: Job | None = None
    job_kind: str = ""
    progress: tuple[int, int, str] = (0, 0, "")
    asked_date_order: bool = False

    @property
    def can_import(self) -> bool:
        return self.job is None and self.stored is None and self.preview is not None and self.preview.ok

    def mark(self) -> tuple[str, QColor | None, str]:
        """The sign, colour and words the file list shows for the file."""
        if self.job is not None:
            return "…", None, {IMPORT: "Importing…", ERRORS: "Writing the errors…"}.get(self.job_kind, "Reading…")
        if self.stored is not None:
            return "✓", GREEN, f"Imported: {status_counts(self.stored)}"
        if self.error:
            return "✗", RED, self.error
        if self.preview is None:
            return "–", GREY, self.note or "Not read"
        if self.preview.ok:
            return "✓", None, f"Ready: {len(self.preview.quotes)} quotes"
        return "✗", RED, f"{len(self.preview.problems)} problems"


def status_counts(preview: FilePreview) -> str:
    counts = Counter(quote.status for quote in preview.quotes)
    return ", ".join(f"{counts[status]} {status}" for status in ("created", "revised", "unchanged"))


def noun(count: int, singular: str) -> str:
    return f"{count:,} {singular}{'' if count == 1 else 's'}"

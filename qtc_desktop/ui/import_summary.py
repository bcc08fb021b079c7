"""What the Import dialog says, in a sentence, about one file, about all of them, and about a cancelled job."""

from __future__ import annotations

from collections.abc import Sequence

from qtc_desktop.ui.import_files import ERRORS, IMPORT, ImportFile, noun, status_counts


def file_summary(item: ImportFile) -> str:
    """The line under the file's name: how it stands, and what it takes to import it."""
    preview = item.stored or item.preview
    if preview is None:
        return "Reading the file…" if item.job is not None else ""
    if item.stored is not None:
        return f"Imported {noun(len(preview.quotes), 'quote')}: {status_counts(preview)}."
    if preview.ok:
        lines = sum(quote.lines for quote in preview.quotes)
        return (f"No problems. Ready to import {noun(len(preview.quotes), 'quote')} "
                f"({noun(lines, 'line')}): {status_counts(preview)}.")
    return (f"{noun(len(preview.problems), 'problem')}. Nothing from this file can be imported "
            "until they are fixed; Save Errors As… writes the rows with the reasons beside them.")


def batch_summary(items: Sequence[ImportFile]) -> str:
    """The line under the list of files: how many are imported, busy, or have problems."""
    stored = sum(1 for item in items if item.stored is not None)
    busy = sum(1 for item in items if item.job is not None)
    failed = sum(1 for item in items if item.job is None and item.stored is None
                 and (item.error or (item.preview is not None and not item.preview.ok)))
    parts = [f"{stored} of {noun(len(items), 'file')} imported"]
    if busy:
        parts.append(f"{busy} being read or stored")
    if failed:
        parts.append(f"{failed} with problems")
    return "; ".join(parts) + "."


def cancelled_note(kind: str) -> str:
    """What a cancelled job of this kind (PREVIEW, IMPORT or ERRORS) left behind."""
    if kind == IMPORT:
        return "Import cancelled; nothing from this file was stored."
    if kind == ERRORS:
        return "Saving the errors was cancelled."
    return "Reading cancelled. Read Again reads the file from the start."

"""Importing quote files: preview every problem first, then store each file whole or not at all."""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtc_desktop.domain import ImportMapping
from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.importing.building import ReadOptions, build_quotes
from qtc_desktop.services.importing.layout import Layout, find_layout
from qtc_desktop.services.importing.problems import Problem
from qtc_desktop.services.importing.reading import RawWorkbook, UnreadableFile, read_workbook
from qtc_desktop.services.importing.storing import LineChange, QuotePlan, plan_quotes, store_quotes
from qtc_desktop.services.progress import Progress


@dataclass(frozen=True)
class ImportOptions:
    mapping: str | None = None  # the name of a saved column mapping
    columns: Mapping[str, str] | None = None  # an unsaved mapping, header -> field (the dialog)
    read: ReadOptions = ReadOptions()


@dataclass(frozen=True)
class QuoteResult:
    number: str
    revision: int
    type: str
    account: str
    lines: int
    net_total: Decimal
    currency: str
    status: str  # created, revised or unchanged
    changes: tuple[LineChange, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "revision": self.revision, "type": self.type,
                "account": self.account, "lines": self.lines, "net_total": f"{self.net_total:.2f}",
                "currency": self.currency, "status": self.status,
                "changes": [str(change) for change in self.changes]}


@dataclass(frozen=True)
class FilePreview:
    """Everything the importer found in one file, before anything is stored."""

    path: Path
    problems: tuple[Problem, ...]
    quotes: tuple[QuoteResult, ...] = ()
    notes: tuple[str, ...] = ()
    layout: Layout | None = None
    workbook: RawWorkbook | None = None
    needs_date_order: bool = False
    plans: tuple[QuotePlan, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "ok": self.ok, "quotes": [q.as_json() for q in self.quotes],
                "errors": [p.as_json() for p in self.problems], "notes": list(self.notes),
                "sheet": self.layout.sheet.name if self.layout else None,
                "header_row": self.layout.header_row + 1 if self.layout else None}


def preview_file(session: Session, path: Path, options: ImportOptions = ImportOptions(),
                 progress: Progress | None = None) -> FilePreview:
    """Read, check and match one file against the database; write nothing."""
    progress = progress or Progress()
    progress.step(0, 3, f"Reading {path.name}")
    if not path.is_file():
        return FilePreview(path, (Problem("", None, None, f"{path} does not exist or is not a file"),))
    try:
        workbook = read_workbook(path, progress=progress)
    except UnreadableFile as exc:
        return FilePreview(path, (Problem("", None, None, str(exc)),))
    progress.step(1, 3, f"Checking {path.name}")
    layout = find_layout(workbook, _columns(session, options))
    if isinstance(layout, Problem):
        return FilePreview(path, (layout,), notes=workbook.notes, workbook=workbook)
    built = build_quotes(workbook, layout, options.read)
    notes = (*workbook.notes, layout.describe(), *built.notes)
    progress.step(2, 3, f"Matching {len(built.quotes):,} quotes")
    plans, plan_problems = plan_quotes(session, built.quotes, layout.sheet.name)
    problems = (*built.problems, *plan_problems)
    results = tuple(
        QuoteResult(plan.draft.number, plan.revision, plan.draft.type.value, plan.draft.account_label,
                    len(plan.draft.lines), plan.draft.net_total, plan.draft.currency, plan.status,
                    plan.changes)
        for plan in plans
    )
    return FilePreview(path, tuple(problems), results, notes, layout, workbook, built.needs_date_order,
                       tuple(plans))


def import_file(session: Session, path: Path, options: ImportOptions = ImportOptions(), *,
                who: str, progress: Progress | None = None) -> FilePreview:
    """Preview the file and, when it has no problem, store it in the caller's transaction.

    A file with any problem stores nothing; the caller commits or rolls back the whole file.
    """
    progress = progress or Progress()
    # Tens of thousands of long-lived drafts: cyclic collections walking them again and
    # again cost a tenth of an import, and the drafts hold no cycles worth collecting.
    enabled = gc.isenabled()
    gc.disable()
    try:
        preview = preview_file(session, path, options, progress)
        if preview.ok:
            progress.step(3, 4, f"Storing {len(preview.quotes):,} quotes")
            store_quotes(session, preview.plans, source_file=path.name, who=who)
            progress.step(4, 4, f"Stored {path.name}")
    finally:
        if enabled:
            gc.enable()
    return preview


def _columns(session: Session, options: ImportOptions) -> Mapping[str, str] | None:
    if options.columns is not None:
        return options.columns
    if options.mapping is None:
        return None
    mapping = session.execute(select(ImportMapping).where(ImportMapping.name == options.mapping)).scalar()
    if mapping is None:
        known = session.execute(select(ImportMapping.name).order_by(ImportMapping.name)).scalars().all()
        raise QtcError(f"There is no saved mapping named '{options.mapping}'"
                       + (f" (saved: {', '.join(known)})" if known else " (none are saved yet)"))
    return mapping.columns


def save_mapping(session: Session, name: str, columns: Mapping[str, str]) -> ImportMapping:
    """Save (or replace) a named column mapping for files the built-in names do not cover."""
    name = name.strip()
    if not name:
        raise QtcError("A mapping needs a name.")
    mapping = session.execute(select(ImportMapping).where(ImportMapping.name == name)).scalar()
    if mapping is None:
        mapping = ImportMapping(name=name, columns=dict(columns))
        session.add(mapping)
    else:
        mapping.columns = dict(columns)
    session.flush()
    return mapping


def load_mapping(session: Session, name: str) -> dict[str, str]:
    """The columns of a saved mapping, header -> field value, "extra" or "ignore"."""
    mapping = session.execute(select(ImportMapping).where(ImportMapping.name == name)).scalar()
    if mapping is None:
        raise QtcError(f"There is no saved mapping named '{name}'.")
    return dict(mapping.columns)


def mapping_names(session: Session) -> list[str]:
    return list(session.execute(select(ImportMapping.name).order_by(ImportMapping.name)).scalars())

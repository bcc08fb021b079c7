"""Take Back from ERP: preview cell by cell what the ERP team changed in an exported workbook, then
apply it in one transaction, conflicts only where the coordinator ticks them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from qtc_desktop.domain import ExportBatch
from qtc_desktop.services.exporting.reimport import ReimportPlan, SheetChange, apply_reimport, plan_reimport
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store
from qtc_desktop.ui.export_choices import noun
from qtc_desktop.ui.job_progress import JobProgress
from qtc_desktop.ui.labels import ERROR_STYLE, GREY, plain_label
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.reimport_sections import (
    CHANGE_HEADERS,
    CONFLICT_HEADERS,
    ERROR_HEADERS,
    TAKE,
    change_row,
    conflict_row,
    fill_rows,
    section_box,
    section_tree,
)

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods", ".xls"})
WORKBOOK_FILTER = "Workbooks (*.xlsx *.xlsm *.ods *.xls);;All files (*)"
KeyRole = Qt.ItemDataRole.UserRole
PLAN, APPLY = "plan", "apply"
SHORT_SECTION = 8  # rows a section shows in full; a longer one scrolls and shares the window


@dataclass(frozen=True)
class Planned:
    plan: ReimportPlan
    about: str  # which export the workbook came from, in words


@dataclass(frozen=True)
class Applied:
    planned: Planned
    # What was applied; None when the workbook or the orders changed since the preview.
    changes: tuple[SheetChange, ...] | None


class ReimportDialog(QDialog):
    """One workbook at a time: read it (off the GUI thread), show what would change, apply."""

    # Changes were stored: a sentence for the status bar.
    applied = Signal(str)

    def __init__(self, store: Store, jobs: JobRunner, who: str, parent: QWidget | None = None, *,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reimportDialog")
        self.setWindowTitle("Take Back from ERP")
        self.resize(1000, 680)
        self.setAcceptDrops(True)
        self.store, self.jobs, self.who = store, jobs, who
        self.path: Path | None = None
        self.planned: Planned | None = None
        self.stored: tuple[SheetChange, ...] | None = None  # what Apply stored
        self.job: Job | None = None
        self.job_kind = ""

        self.title = QLabel("No workbook chosen")
        self.title.setObjectName("fileName")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.choose_button = QPushButton("&Choose File…")
        self.choose_button.setObjectName("chooseFile")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.choose_button)
        self.summary = plain_label("summary")

        self.drop_zone = QLabel("Drop the workbook the ERP team sent back here,\nor choose it with Choose File…\n\n"
                                "Nothing is stored until you have seen every change and pressed Apply.")
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setFrameShape(QFrame.Shape.StyledPanel)
        self.drop_zone.setStyleSheet(f"#dropZone {{ border: 2px dashed #9aa3af; border-radius: 8px; color: {GREY}; "
                                     "padding: 24px; }")
        self.progress = JobProgress()
        self.message = plain_label("message")
        self.message.hide()

        self.changes = section_tree("changes", CHANGE_HEADERS)
        self.conflicts = section_tree("conflicts", CONFLICT_HEADERS)
        self.conflicts.itemChanged.connect(lambda _item, _column: self._update())
        self.errors = section_tree("errors", ERROR_HEADERS)
        self.errors.setWordWrap(True)  # a message says what to fix: all of it shows
        self.errors.setUniformRowHeights(False)
        self.changes_box = section_box("changesBox", self.changes)
        self.conflicts_box = section_box("conflictsBox", self.conflicts)
        self.conflicts_note = plain_label("conflictsNote", grey=True)
        self.conflicts_note.setText("Changed in the sheet and in the app since the export. The app's value stays "
                                    "unless you tick “Take the sheet's value”.")
        layout = self.conflicts_box.layout()
        assert layout is not None
        layout.addWidget(self.conflicts_note)
        self.errors_box = section_box("errorsBox", self.errors)
        self.sections = QWidget()
        self.sections.setObjectName("sections")
        self.sections_layout = QVBoxLayout(self.sections)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        for box in (self.errors_box, self.conflicts_box, self.changes_box):
            self.sections_layout.addWidget(box)
        self.sections_layout.addStretch(0)  # takes the room when every section is short
        self.notes = plain_label("notes", grey=True)

        self.apply_button = QPushButton("&Apply")
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notes, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.close_button)

        column = QVBoxLayout(self)
        column.addLayout(heading)
        column.addWidget(self.summary)
        column.addWidget(self.progress)
        column.addWidget(self.message)
        column.addWidget(self.drop_zone, 1)
        column.addWidget(self.sections, 1)
        column.addLayout(buttons)
        self._show()
        if path is not None:
            self.read(path)

    # -- choosing a file ------------------------------------------------------------------

    def choose_file(self) -> None:
        if self.job is not None:
            return
        folder = str(self.path.parent) if self.path is not None else ""
        chosen, _filter = QFileDialog.getOpenFileName(self, "Take Back from ERP", folder, WORKBOOK_FILTER)
        if chosen:
            self.read(Path(chosen))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.job is None and dropped_workbook(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_workbook(event.mimeData())
        if path is None or self.job is not None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.read(path)

    # -- jobs -----------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        """Read the workbook and work out what it would change; nothing is stored."""
        if self.job is not None:
            return
        store = self.store
        self.path, self.planned, self.stored = path, None, None

        def work(progress: Progress) -> Planned:
            with store.session() as session:  # reads only; closing rolls back
                plan = plan_reimport(session, path, progress)
                return Planned(plan, _about(session, plan))

        self._start(PLAN, work, f"Reading {path.name}…", self._planned)
        self._show()

    def apply(self) -> None:
        """Store the changes and the ticked conflicts, in one transaction, if the preview still holds."""
        planned, path = self.planned, self.path
        if planned is None or path is None or not self.apply_button.isEnabled():
            return
        store, who, accept = self.store, self.who, self.taken_conflicts()

        def work(progress: Progress) -> Applied:
            with store.transaction() as session:
                # Read again in the same transaction: what is applied is exactly what was shown.
                plan = plan_reimport(session, path, progress)
                fresh = Planned(plan, _about(session, plan))
                if not _same(plan, planned.plan):
                    return Applied(fresh, None)
                return Applied(fresh, tuple(apply_reimport(session, plan, who=who, accept=accept)))

        self._start(APPLY, work, f"Applying {path.name}…", self._applied)

    def _start(self, kind: str, work: Callable[[Progress], Any], text: str, done: Callable[[Any], None]) -> None:
        job = Job(work)
        self.job, self.job_kind = job, kind
        job.signals.succeeded.connect(done)
        job.signals.failed.connect(lambda message: self._say(message, error=True))
        job.signals.cancelled.connect(lambda: self._say(
            "Applying cancelled; nothing was stored." if kind == APPLY else "Reading cancelled.", error=False))
        job.signals.finished.connect(lambda: self._finished(job))
        self.progress.follow(job, text)
        self._say("", error=False)
        self.jobs.start(job)
        self._update()

    def _finished(self, job: Job) -> None:
        if self.job is job:
            self.job, self.job_kind = None, ""
        self._update()

    def _planned(self, planned: Planned) -> None:
        self.planned = planned
        self._show()
        if planned.plan.errors:
            self._say("Nothing will be applied: fix what the errors below say in the workbook (or export the "
                      "orders again), then choose it again.", error=True)

    def _applied(self, outcome: Applied) -> None:
        ticked = self.taken_conflicts()
        self.planned = outcome.planned
        if outcome.changes is None:
            self._show(ticked)
            self._say("The workbook or the orders changed since the preview, so nothing was applied. "
                      "This is what the workbook would change now; look again and apply.", error=True)
            return
        self.stored = outcome.changes
        self._show(ticked)
        left = len(outcome.planned.plan.conflicts) - len(ticked & _keys(outcome.planned.plan.conflicts))
        assert self.path is not None
        text = f"Applied {noun(len(outcome.changes), 'change')} from {self.path.name}"
        if left:
            text += f"; {noun(left, 'conflict')} left as the app has {'it' if left == 1 else 'them'}"
        self._say(text + ".", error=False)
        self.applied.emit(text)

    # -- what is shown ----------------------------------------------------------------------

    def taken_conflicts(self) -> set[tuple[str, str]]:
        """The (order, field) of every conflict whose sheet value is ticked."""
        keys = set()
        for position in range(self.conflicts.topLevelItemCount()):
            item = self.conflicts.topLevelItem(position)
            if item is not None and item.checkState(TAKE) == Qt.CheckState.Checked:
                order, field = item.data(0, KeyRole)
                keys.add((str(order), str(field)))
        return keys

    def _show(self, ticked: set[tuple[str, str]] | None = None) -> None:
        planned, path = self.planned, self.path
        self.title.setText(path.name if path is not None else "No workbook chosen")
        self.title.setToolTip(str(path) if path is not None else "")
        self.drop_zone.setVisible(planned is None and self.job is None)
        self.sections.setVisible(planned is not None)
        plan = planned.plan if planned is not None else ReimportPlan(Path(), None)
        fill_rows(self.changes, [change_row(change) for change in plan.changes], range(2, 4))
        self.conflicts.blockSignals(True)
        fill_rows(self.conflicts, [conflict_row(change) for change in plan.conflicts], range(2, TAKE))
        for position, change in enumerate(plan.conflicts):
            item = self.conflicts.topLevelItem(position)
            assert item is not None
            item.setData(0, KeyRole, [change.order, change.field])
            taken = ticked is not None and (change.order, change.field) in ticked
            item.setCheckState(TAKE, Qt.CheckState.Checked if taken else Qt.CheckState.Unchecked)
            if self.stored is not None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        self.conflicts.blockSignals(False)
        fill_rows(self.errors, [[problem.sheet or "", "" if problem.row is None else str(problem.row),
                             problem.column or "", problem.message] for problem in plan.errors])
        self.changes_box.setTitle(f"Changed in the sheet ({len(plan.changes)})")
        self.conflicts_box.setTitle(f"Conflicts ({len(plan.conflicts)})")
        self.errors_box.setTitle(f"Errors ({len(plan.errors)})")
        self.changes_box.setVisible(bool(plan.changes))
        self.conflicts_box.setVisible(bool(plan.conflicts))
        self.errors_box.setVisible(bool(plan.errors))
        self._share_height(plan)
        self.notes.setText("\n".join(plan.notes))
        self.summary.setText(self._summary())
        self._update()

    def _share_height(self, plan: ReimportPlan) -> None:
        """A few conflicts take only the height of their rows; the changes (or errors) and a long
        list of conflicts share the rest of the window."""
        long_ones = 0
        for position, (box, tree, rows) in enumerate(((self.errors_box, self.errors, len(plan.errors)),
                                                      (self.conflicts_box, self.conflicts, len(plan.conflicts)),
                                                      (self.changes_box, self.changes, len(plan.changes)))):
            short = rows <= SHORT_SECTION and tree is self.conflicts  # changes or errors are the body
            if short and rows:
                frame = 2 * tree.frameWidth() + tree.horizontalScrollBar().sizeHint().height()
                tree.setMaximumHeight(tree.header().sizeHint().height() + rows * tree.sizeHintForRow(0) + frame)
            else:
                tree.setMaximumHeight(16777215)  # QWIDGETSIZE_MAX
            long_ones += 0 if short or not rows else 1
            self.sections_layout.setStretch(position, 0 if short else 1)
        self.sections_layout.setStretch(3, 0 if long_ones else 1)

    def _summary(self) -> str:
        planned = self.planned
        if planned is None:
            return "Reading the workbook…" if self.job is not None else ""
        plan = planned.plan
        lead = f"{planned.about}. " if planned.about else ""
        if self.stored is not None:
            return lead + f"Applied {noun(len(self.stored), 'change')}."
        if plan.errors:
            return lead + f"The workbook cannot be taken back as it is: {noun(len(plan.errors), 'error')}."
        if not plan.changes and not plan.conflicts:
            return lead + "Nothing changed on the ERP side; there is nothing to apply."
        parts = [f"{noun(len(plan.changes), 'change')} to apply"]
        if plan.conflicts:
            parts.append(f"{noun(len(plan.conflicts), 'conflict')} to decide")
        return lead + ", ".join(parts) + ". Nothing is stored until you press Apply."

    def _update(self) -> None:
        planned, idle = self.planned, self.job is None
        plan = planned.plan if planned is not None else None
        count = (len(plan.changes) + len(self.taken_conflicts())) if plan is not None else 0
        self.apply_button.setEnabled(idle and plan is not None and plan.ok and self.stored is None and count > 0)
        self.apply_button.setText(f"&Apply {noun(count, 'Change')}" if count and self.stored is None else "&Apply")
        self.choose_button.setEnabled(idle)
        self.close_button.setText("Cancel" if self.job_kind == APPLY else "Close")

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setVisible(bool(text))

    def reject(self) -> None:
        """Close; while applying, cancel first (the transaction is rolled back whole)."""
        if self.job_kind == APPLY:
            self.progress.cancel()
            return
        if self.job is not None:
            self.job.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job_kind == APPLY:
            self.progress.cancel()
            event.ignore()
            return
        super().closeEvent(event)


def dropped_workbook(mime: QMimeData) -> Path | None:
    """The one workbook being dragged, or None."""
    if not mime.hasUrls():
        return None
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    if len(paths) != 1 or paths[0].suffix.lower() not in WORKBOOK_SUFFIXES:
        return None
    return paths[0]


def _about(session: Session, plan: ReimportPlan) -> str:
    batch = session.get(ExportBatch, plan.batch_id) if plan.batch_id is not None else None
    if batch is None:
        return ""
    when = batch.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Export {batch.id} of {when} by {batch.created_by}, {batch.layout_name} layout"


def _same(fresh: ReimportPlan, shown: ReimportPlan) -> bool:
    return (fresh.changes, fresh.conflicts, fresh.errors) == (shown.changes, shown.conflicts, shown.errors)


def _keys(changes: Sequence[SheetChange]) -> set[tuple[str, str]]:
    return {(change.order, change.field) for change in changes}

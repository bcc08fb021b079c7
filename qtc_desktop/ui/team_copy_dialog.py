"""File ▸ Copy to a Team Database…: this database, history and all, into a team's empty one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.preferences import load_preferences, save_preferences
from qtc_desktop.services.progress import Progress
from qtc_desktop.store import Store, StoreError, open_store, resolve_url
from qtc_desktop.store.copying import CopyReport, copy_database, tables_in_order
from qtc_desktop.ui.jobs import Job, JobRunner

EXPLANATION = (
    "Copies this database into a new, empty database on your team's PostgreSQL server: every "
    "account, quote, order, shipment and change record, and the database's identity, so ERP "
    "workbooks exported before the move still come back. This database stays as it is.\n\n"
    "The copy is one transaction and is checked table by table; a copy that fails leaves the "
    "team database empty.")


WIDTH = 600


def _fit(label: QLabel) -> None:
    """A wrapped label as tall as its text at the dialog's width (layouts ask only its width)."""
    margins = 2 * 11  # the dialog layout's left and right margins
    label.setMinimumHeight(label.heightForWidth(WIDTH - margins))
    window = label.window()
    if window is not None:
        window.adjustSize()


class TeamCopyDialog(QDialog):
    def __init__(self, store: Store, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamCopyDialog")
        self.setWindowTitle("Copy to a Team Database")
        self.store, self.jobs = store, jobs
        self.job: Job | None = None
        self.report: CopyReport | None = None
        self.target_url = ""  # as the preferences keep it: no password
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setObjectName("teamUrl")
        self.url.setPlaceholderText("postgresql+psycopg://you@server/qtc")
        self.url.setToolTip("The team's empty database; its password comes from your .pgpass file")
        self.url.textChanged.connect(lambda _text: self._update_buttons())
        self.use_it = QCheckBox("Use the team database from the next start")
        self.use_it.setObjectName("useTeamDatabase")
        self.use_it.setChecked(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("copyProgress")
        self.progress.hide()
        self.message = QLabel()
        self.message.setObjectName("copyMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setDefault(True)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.start_copy)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        label = QLabel("&Team database:")
        label.setBuddy(self.url)
        layout.addWidget(label)
        layout.addWidget(self.url)
        layout.addWidget(self.use_it)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setFixedWidth(WIDTH)
        _fit(explanation)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.copy_button.setEnabled(self.job is None and self.report is None and bool(self.url.text().strip()))

    def start_copy(self) -> None:
        text = self.url.text().strip()
        try:
            url = resolve_url(text)
        except StoreError as exc:
            self._say(str(exc), problem=True)
            return
        tables = [table.name for table in tables_in_order()]
        self.target_url = url.set(password=None).render_as_string(hide_password=False)

        def work(progress: Progress) -> CopyReport:
            target = open_store(url, exclusive=True)
            try:
                return copy_database(self.store, target, lambda table, done, total: progress.step(
                    tables.index(table), len(tables), f"Copying {table.replace('_', ' ')}: {done:,} of {total:,} rows"))
            finally:
                target.close()

        self.job = Job(work)
        self.job.signals.progress.connect(self._show_progress)
        self.job.signals.succeeded.connect(self._copied)
        self.job.signals.failed.connect(lambda message: self._say(message, problem=True))
        self.job.signals.cancelled.connect(lambda: self._say("Cancelled: nothing was kept in the team database."))
        self.job.signals.finished.connect(self._finished)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._say(f"Connecting to {url.render_as_string(hide_password=True)} …")
        self.url.setEnabled(False)
        self.jobs.start(self.job)
        self._update_buttons()

    def _show_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self._say(text)

    def _copied(self, report: CopyReport) -> None:
        self.report = report
        self.progress.setValue(self.progress.maximum())
        lines = [f"Copied {report.rows:,} rows in {len(report.tables)} tables to {report.target}; "
                 "every table's count matches this database."]
        if self.use_it.isChecked():
            preferences = load_preferences()
            preferences.database_url = self.target_url
            try:
                save_preferences(preferences)
                lines.append("qtc-desktop opens the team database from its next start.")
            except USER_ERRORS as exc:
                lines.append(str(exc))
        self._say("\n".join(lines))

    def _finished(self) -> None:
        self.job = None
        self.url.setEnabled(self.report is None)
        if self.report is None:
            self.progress.hide()
        self._update_buttons()

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setStyleSheet("color: #b91c1c;" if problem else "")
        self.message.setText(text)
        _fit(self.message)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()  # the copy rolls back; the dialog closes when it has
            self.job.signals.finished.connect(super().reject)
            return
        super().reject()

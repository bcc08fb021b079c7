"""A job's progress in a dialog: a line of text, a bar and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from qtc_desktop.ui.jobs import Job


class JobProgress(QWidget):
    """A job's progress as a line of text, a bar and a Cancel button; hidden while idle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobProgress")
        self.text = QLabel()
        self.text.setObjectName("progressText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setObjectName("progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelJob")
        self.cancel_button.setAutoDefault(False)
        self.job: Job | None = None
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 2)
        row.addWidget(self.bar, 3)
        row.addWidget(self.cancel_button)
        self.hide()

    def follow(self, job: Job, text: str) -> None:
        self.job = job
        self.text.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        job.signals.progress.connect(self._show)
        job.signals.finished.connect(self._done)
        self.show()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.text.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _show(self, done: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(min(done, total) if total > 0 else 0)
        if text and self.cancel_button.isEnabled():
            self.text.setText(text)

    def _done(self) -> None:
        self.job = None
        self.hide()

"""The status bar's warning while the database cannot be reached, for as long as that lasts."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from qtc_desktop.services.changes.watching import POLL_SECONDS


class ConnectionWarning(QLabel):
    """Hidden while the database answers; says so, and that nothing typed is lost, while it does not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionWarning")
        self.setStyleSheet("#connectionWarning { background: #fdecea; color: #b71c1c; font-weight: bold; "
                           "border: 1px solid #f5c2c0; border-radius: 3px; padding: 1px 8px; }")
        self.hide()

    def show_lost(self, message: str) -> None:
        self.setText(f"⚠ {message} Your unsaved edits stay in their windows; retrying every {POLL_SECONDS} s.")
        self.setToolTip("Lists and open orders catch up with what others saved as soon as the database answers "
                        "again; until then a save is refused and what you typed stays in its window.")
        self.show()

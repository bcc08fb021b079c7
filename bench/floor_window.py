"""Cold-start floor: import SQLAlchemy, show a QMainWindow with a QTableView, quit at its first paint."""

from __future__ import annotations

import sqlalchemy  # noqa: F401 - the app needs these at start too
import sqlalchemy.orm  # noqa: F401
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class QuitAtFirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication([])
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(0, 12, table))
window.setCentralWidget(table)
watcher = QuitAtFirstPaint()
table.viewport().installEventFilter(watcher)
window.show()
raise SystemExit(app.exec())

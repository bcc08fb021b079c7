"""The banner over an order with unsaved edits when someone else saves the same order."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class OutsideChangeBanner(QFrame):
    """Who changed what since the window read the order, and the two ways on from there."""

    reload_clicked = Signal()
    apply_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outsideChangeBanner")
        self.setStyleSheet("#outsideChangeBanner { background: #e8f1fd; border: 1px solid #8db4e8; "
                           "border-radius: 4px; }")
        self.label = QLabel()
        self.label.setObjectName("outsideChangeText")
        self.label.setWordWrap(True)
        self.reload_button = QPushButton("Reload (discard mine)")
        self.reload_button.setObjectName("outsideChangeReload")
        self.reload_button.setToolTip("Read the order as it is saved now; what you typed since your last save is "
                                      "dropped")
        self.reload_button.clicked.connect(self.reload_clicked)
        self.apply_button = QPushButton("Apply mine on top")
        self.apply_button.setObjectName("outsideChangeApply")
        self.apply_button.setToolTip("Read the order as it is saved now, then type your edits in again, unsaved: "
                                     "check them, then save")
        self.apply_button.clicked.connect(self.apply_clicked)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch()
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addLayout(buttons)
        self.hide()

    def show_changes(self, changes: Sequence[str]) -> None:
        """`changes` as changes_since words them: "Alex: carrier DHL → UPS"."""
        people = list(dict.fromkeys(line.partition(": ")[0] for line in changes if ": " in line))
        who = " and ".join(people[:2]) + (f" and {len(people) - 2} more" if len(people) > 2 else "") or "Someone"
        items = "".join(f"<li>{escape(line)}</li>" for line in changes)
        self.label.setText(
            f"<b>{escape(who)} saved this order while you were editing it.</b>"
            + (f"<ul style='margin: 2px 0 2px -20px;'>{items}</ul>" if items else "<br>")
            + "Your edits are not saved yet: apply them on top of these and save, or reload and drop them.")
        self.show()

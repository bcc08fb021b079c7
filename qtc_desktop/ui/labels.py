"""Labels for text the app did not choose (file names, cells, messages): plain text, word-wrapped."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_STYLE = "color: #b91c1c;"
GREY = "#5f6672"


def plain_label(name: str, *, grey: bool = False) -> QLabel:
    """A word-wrapped label whose text is never read as markup; `grey` for notes."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if grey:
        label.setStyleSheet(f"color: {GREY};")
    return label

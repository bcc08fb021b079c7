"""Opening the main window the way every GUI test needs it: shown, active, with its own settings."""

from __future__ import annotations

from qtc_desktop.ui.main_window import MainWindow
from PySide6.QtCore import Qt

from qtc_desktop.services.preferences import Preferences


def make_window(qtbot, store, settings, *, coordinator: str | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, settings)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    if coordinator is not None:
        window.preferences = Preferences(coordinator_name=coordinator)
    return window


def double_click(qtbot, table, index) -> None:  # type: ignore[no-untyped-def]
    """What a real double-click sends: a click, then the double-click on the same cell."""
    position = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=position)

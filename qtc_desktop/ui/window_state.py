"""What the main window remembers between runs: its size and place, the list on screen, each list's layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qtc_desktop.ui.main_window import MainWindow

# Each list keeps these under lists/<name>/ (see ListPage.save_state).
LIST_KEYS = ("header", "splitter", "detail_visible")


def restore_window_state(window: MainWindow, default_tab: int) -> None:
    """Put the window back as it was left; a saved tab that is not one of the lists gives default_tab."""
    settings = window.settings
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    for page in window.pages:
        page.restore_state({key: settings.value(f"lists/{page.spec.name}/{key}")
                            for key in LIST_KEYS
                            if settings.value(f"lists/{page.spec.name}/{key}") is not None})
    tab = str(settings.value("window/tab", default_tab))
    window.tabs.setCurrentIndex(int(tab) if tab.isdigit() and int(tab) < len(window.pages) else default_tab)
    window.action_detail.setChecked(not window.pages[0].detail.isHidden())


def save_window_state(window: MainWindow) -> None:
    settings = window.settings
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("window/tab", window.tabs.currentIndex())
    for page in window.pages:
        for key, value in page.save_state().items():
            settings.setValue(f"lists/{page.spec.name}/{key}", value)
    settings.sync()

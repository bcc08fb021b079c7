"""Pictures of the real window for the README: `python -m qtc_desktop.ui.screenshots [DIR]`.

Runs the app on a fresh sample database (offscreen works) and saves what each list looks
like, so the README always shows the window as it is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import open_store, resolve_url
from qtc_desktop.ui.app import make_application
from qtc_desktop.ui.main_window import TAB_ACCOUNTS, TAB_ORDERS, TAB_QUOTES, MainWindow

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
SHOTS = (("main-window.png", TAB_ORDERS, 3), ("quotes.png", TAB_QUOTES, 1), ("accounts.png", TAB_ACCOUNTS, 0))


def make_screenshots(folder: Path) -> list[Path]:
    app = make_application()
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(resolve_url(str(Path(scratch) / "sample.sqlite3")))
        with store.transaction() as session:
            load_sample_data(session, orders=240)
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        window.resize(1440, 840)
        window.show()
        for name, tab, row in SHOTS:
            window.tabs.setCurrentIndex(tab)
            window.current_page().table.selectRow(row)
            for _ in range(5):
                app.processEvents()
            path = folder / name
            window.grab().save(str(path))
            saved.append(path)
        window.close()
        store.close()
    QApplication.processEvents()
    return saved


if __name__ == "__main__":
    for saved_path in make_screenshots(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR):
        print(saved_path)

"""Starting the window: the application object, the database, and errors as sentences."""

from __future__ import annotations

import functools
import gc
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QMessageLogContext, QtMsgType, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from qtc_desktop import __version__
from qtc_desktop.crash_log import write_crash_log
from qtc_desktop.services.preferences import load_preferences
from qtc_desktop.store import OpenedStore, StoreError, open_store, resolve_url
from qtc_desktop.store.database import connection_problem

ORGANIZATION = "qtc-desktop"
APPLICATION = "qtc-desktop"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app.setApplicationDisplayName("qtc-desktop")
    if app.platformName() == "offscreen":
        _quiet_offscreen_plugin()
    return app


# Said by Qt's offscreen platform (smoke tests, CI) for every window with a minimum size;
# it has no windowing system to pass the hint to, so there is nothing to fix.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _quiet_offscreen_plugin() -> None:
    previous = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message == OFFSCREEN_NOISE:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def run_app(db: str | None = None, quit_after: float | None = None) -> int:
    """Open the main window on the chosen database and run until it closes."""
    app = make_application()
    try:
        store: OpenedStore = open_store(resolve_url(db, load_preferences().database_url))
    except StoreError as exc:
        gc.enable()
        QMessageBox.critical(None, "qtc-desktop", str(exc))
        return 1
    from qtc_desktop.ui.main_window import MainWindow

    sys.excepthook = functools.partial(_show_unexpected_error, store.location)
    try:
        window = MainWindow(store)
        if quit_after is not None:
            window.first_list_painted.connect(
                lambda: QTimer.singleShot(int(quit_after * 1000), window.close))
        window.show()
        # What start-up made lives as long as the window: move it out of the collector's
        # way for good, then collect normally again (see cli.main).
        gc.freeze()
        gc.enable()
        return app.exec()
    finally:
        sys.excepthook = sys.__excepthook__
        store.close()


def _show_unexpected_error(location: str, kind: type[BaseException], exc: BaseException,
                           tb: TracebackType | None) -> None:
    """A bug in a slot: tell the user in a sentence, keep the window, keep the details.

    A database server gone away is no bug: say so, and that open windows keep their edits.
    """
    problem = connection_problem(exc, location)
    if problem is not None:
        QMessageBox.warning(QApplication.activeWindow(), "qtc-desktop",
                            f"{problem}\n\nOpen windows keep what you typed; save again once the server answers.")
        return
    log = write_crash_log(exc.with_traceback(tb))
    QMessageBox.critical(
        QApplication.activeWindow(), "qtc-desktop",
        f"Something went wrong: {type(exc).__name__}: {exc}\n\n"
        f"The details were written to {log}. Your data is as it was last saved.",
    )

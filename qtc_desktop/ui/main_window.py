"""The coordinator's home: Quotes, Orders and Accounts, with menus, toolbar and status bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop import __version__
from qtc_desktop.services.lists import ACCOUNTS, ORDERS, QUOTES
from qtc_desktop.services.preferences import load_preferences
from qtc_desktop.services.progress import Progress
from qtc_desktop.services.sample_data import SampleSummary, is_empty, load_sample_data
from qtc_desktop.store import Store
from qtc_desktop.ui.catch_up import CatchUp
from qtc_desktop.ui.change_watcher import ChangeWatcher
from qtc_desktop.ui.file_actions import FileActions, dropped_files
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.list_actions import LIST_TITLES, ListActions, read_again_in_place
from qtc_desktop.ui.list_page import ListPage
from qtc_desktop.ui.order_actions import OrderActions
from qtc_desktop.ui.window_state import restore_window_state, save_window_state

if TYPE_CHECKING:  # the import and ERP windows load when first used, not at start-up
    from qtc_desktop.services.changes.watching import OutsideChanges
    from qtc_desktop.ui.export_dialog import ExportDialog
    from qtc_desktop.ui.import_dialog import ImportDialog
    from qtc_desktop.ui.reimport_dialog import ReimportDialog

TAB_QUOTES, TAB_ORDERS, TAB_ACCOUNTS = range(3)


class MainWindow(QMainWindow):
    # Emitted once the current list has painted for the first time (start-up timing).
    first_list_painted = Signal()

    def __init__(self, store: Store, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.settings = settings or QSettings()
        self.preferences = load_preferences()
        self.jobs = JobRunner(self)
        self.setWindowTitle(f"qtc-desktop — {store.location}")
        self.resize(1280, 780)
        # What others save (on a shared database) reaches the lists and open windows; the
        # bookmark is taken before the lists are first read, so nothing falls in between.
        self.watcher = ChangeWatcher(store, self)
        self.watcher.start()

        self.pages = [
            ListPage(store, QUOTES, "quotes"),
            ListPage(store, ORDERS, "orders"),
            ListPage(store, ACCOUNTS, "accounts"),
        ]
        self._loaded: set[int] = set()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        for page, title in zip(self.pages, LIST_TITLES):
            self.tabs.addTab(page, title)
            page.count_changed.connect(self._update_status)

        self.empty_banner = self._make_empty_banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.empty_banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._make_actions()
        # Create Order, Edit Order, Move To, Record Shipment and Open Account, with the
        # editor, account and shipment windows they open.
        self.order_actions = OrderActions(self)
        self._make_menus()
        self._make_toolbar()
        # Lists, account pages and open orders catch up with what the watcher notices.
        self.catch_up = CatchUp(self, self.watcher, self._update_empty_banner, self)
        self.connection_warning = self.catch_up.connection_warning
        self.database_label = QLabel(store.location)
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setToolTip("The database this window works on")
        self.statusBar().addPermanentWidget(self.database_label)

        restore_window_state(self, default_tab=TAB_ORDERS)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())
        self._update_empty_banner()
        self._first_paint_seen = False
        self.current_page().table.viewport().installEventFilter(self)
        self.setAcceptDrops(True)  # quote files dropped anywhere on the window are imported

    # -- building ---------------------------------------------------------------------

    def _make_empty_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("emptyBanner")
        banner.setFrameShape(QFrame.Shape.StyledPanel)
        banner.setStyleSheet("#emptyBanner { background: palette(alternate-base); }")
        text = QLabel("<b>This database is empty.</b> Load sample data to look around: "
                      "accounts, quotes and orders in every state, made up by the app.")
        text.setWordWrap(True)
        button = QPushButton("Load &Sample Data")
        button.setObjectName("loadSampleData")
        button.clicked.connect(self.load_sample_data)
        row = QHBoxLayout(banner)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(text, 1)
        row.addWidget(button)
        return banner

    def _make_actions(self) -> None:
        # File ▸ import, export and take back, sample data, team copy, preferences and quit.
        self.file_actions = FileActions(self, self.pages[TAB_ORDERS], self.load_sample_data, self._read_lists_again,
                                        lambda order_id: self.order_actions.order_changed(order_id), self)
        self.action_import = self.file_actions.action_import
        self.action_export_erp = self.file_actions.action_export_erp
        self.action_reimport_erp = self.file_actions.action_reimport_erp
        self.action_sample = self.file_actions.action_sample
        self.action_team_copy = self.file_actions.action_team_copy
        self.action_preferences = self.file_actions.action_preferences
        self.action_quit = self.file_actions.action_quit
        # Edit ▸ Copy Rows and Find; View ▸ the lists, the detail pane and Refresh.
        self.list_actions = ListActions(self, self)
        self.action_find = self.list_actions.action_find
        self.action_copy = self.list_actions.action_copy
        self.action_refresh = self.list_actions.action_refresh
        self.action_detail = self.list_actions.action_detail
        self.tab_actions = self.list_actions.tab_actions

        self.action_about = QAction("&About qtc-desktop", self)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self.about)
        self.action_about_qt = QAction("About &Qt", self)
        self.action_about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.action_about_qt.triggered.connect(QApplication.aboutQt)

    def _make_menus(self) -> None:
        menu = self.menuBar()
        self.file_actions.add_to_menu(menu.addMenu("&File"))
        self.list_actions.add_to_menus(menu.addMenu("&Edit"), menu.addMenu("&View"))
        menu.addMenu(self.order_actions.menu)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.action_about)
        help_menu.addAction(self.action_about_qt)

    def _make_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.file_actions.add_to_toolbar(toolbar)
        self.list_actions.add_to_toolbar(toolbar)
        self.order_actions.add_to_toolbar(toolbar)

    # -- pages --------------------------------------------------------------------------

    def current_page(self) -> ListPage:
        return self.pages[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        self.list_actions.show_tab(index)
        # Lists load when first shown: start-up pays only for the one on screen.
        if index not in self._loaded:
            self._loaded.add(index)
            self.pages[index].refresh()
            self.pages[index].show_sort_indicator()
        self._update_status()

    def refresh(self) -> None:
        self._loaded = {self.tabs.currentIndex()}
        self.current_page().refresh()
        self._update_empty_banner()
        self.statusBar().showMessage("Refreshed", 2000)

    def lists_changed(self, *, background: bool = False) -> None:
        """Data changed (an order was created, saved, moved or shipped): the list on screen is
        read again, keeping its selection and where it is scrolled to (`background`, after a
        colleague's save: on a thread of its own); the others when next shown.
        """
        self._loaded = {self.tabs.currentIndex()}
        read_again_in_place(self.current_page(), background=background)

    def others_saved(self, changes: OutsideChanges) -> None:
        """Saves noticed by the watcher (others', and this window's own): the list on screen, the
        open account pages they touch and every open order catch up."""
        self.catch_up.others_saved(changes)

    def _update_status(self, _count: int | None = None) -> None:
        page = self.current_page()
        self.statusBar().showMessage(f"{page.model.rowCount():,} {page.noun}")

    def _update_empty_banner(self) -> None:
        with self.store.session() as session:
            empty = is_empty(session)
        self.empty_banner.setVisible(empty)
        self.action_sample.setEnabled(empty)

    def _read_lists_again(self) -> None:
        """After sample data or an import: every list reads again (the one on screen now)."""
        self._loaded.clear()
        self._tab_changed(self.tabs.currentIndex())
        self._update_empty_banner()

    # -- commands -----------------------------------------------------------------------

    def copy_rows(self) -> None:
        self.list_actions.copy_rows()

    def load_sample_data(self) -> None:
        with self.store.session() as session:
            if not is_empty(session):
                QMessageBox.information(self, "Sample data", "Sample data goes only into an empty database.")
                return
        store = self.store

        def work(progress: Progress) -> SampleSummary:
            with store.transaction() as session:
                return load_sample_data(session, progress=progress)

        dialog = QProgressDialog("Creating sample data…", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Sample data")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        job = Job(work)

        def show_progress(done: int, total: int, text: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(text)

        job.signals.progress.connect(show_progress)
        dialog.canceled.connect(job.cancel)
        job.signals.succeeded.connect(self._sample_data_loaded)
        job.signals.failed.connect(lambda message: QMessageBox.warning(self, "Sample data", message))
        job.signals.cancelled.connect(
            lambda: self.statusBar().showMessage("Sample data cancelled; nothing was stored", 5000))
        job.signals.finished.connect(dialog.reset)
        self.sample_job, self.sample_progress = job, dialog
        self.jobs.start(job)

    def _sample_data_loaded(self, summary: SampleSummary) -> None:
        self._read_lists_again()
        self.statusBar().showMessage(
            f"Loaded {summary.accounts} accounts, {summary.quotes} quotes and {summary.orders} orders", 5000)

    # -- the File menu's commands (FileActions) ------------------------------------------

    @property
    def import_dialog(self) -> ImportDialog | None:
        return self.file_actions.import_dialog

    @property
    def export_dialog(self) -> ExportDialog | None:
        return self.file_actions.export_dialog

    @property
    def reimport_dialog(self) -> ReimportDialog | None:
        return self.file_actions.reimport_dialog

    def import_quotes(self) -> None:
        """File ▸ Import Quotes…: choose files, then preview and import them."""
        self.file_actions.import_quotes()

    def import_files(self, paths: list[Path]) -> ImportDialog:
        """Open the Import dialog on these files; it previews each one straight away."""
        return self.file_actions.import_files(paths)

    def export_for_erp(self) -> ExportDialog:
        """File ▸ Export for ERP…: the selected, listed or changed orders to a workbook."""
        return self.file_actions.export_for_erp()

    def take_back_from_erp(self, path: Path | None = None) -> ReimportDialog:
        """File ▸ Take Back from ERP…: preview the ERP team's workbook, then apply it."""
        return self.file_actions.take_back_from_erp(path)

    def copy_to_team_database(self) -> None:
        self.file_actions.copy_to_team_database()

    def edit_preferences(self) -> None:
        self.file_actions.edit_preferences()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    def about(self) -> None:
        QMessageBox.about(
            self, "About qtc-desktop",
            f"<h3>qtc-desktop {__version__}</h3>"
            "<p>The fulfillment coordinator's desktop: accepted quotes in, fulfillment orders "
            "kept right while the deal changes, ERP spreadsheets out and back, packing paperwork.</p>"
            f"<p>Database: {_html_escape(self.store.location)}</p>",
        )

    # -- state --------------------------------------------------------------------------

    def save_state(self) -> None:
        save_window_state(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.order_actions.close_windows():  # an editor with unsaved changes stayed open
            event.ignore()
            return
        self.watcher.stop()
        self.jobs.cancel_all()
        self.jobs.wait()
        self.save_state()
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._first_paint_seen and event.type() == QEvent.Type.Paint:
            self._first_paint_seen = True
            QTimer.singleShot(0, self.first_list_painted.emit)
        return False


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

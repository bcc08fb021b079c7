"""The coordinator's home: Quotes, Orders and Accounts, with menus, toolbar and status bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop import __version__
from qtc_desktop.services.lists import ACCOUNTS, ORDERS, QUOTES
from qtc_desktop.services.progress import Progress
from qtc_desktop.services.sample_data import SampleSummary, is_empty, load_sample_data
from qtc_desktop.store import Store
from qtc_desktop.ui.change_watcher import ChangeWatcher
from qtc_desktop.ui.connection_warning import ConnectionWarning
from qtc_desktop.ui.jobs import Job, JobRunner
from qtc_desktop.ui.list_page import ListPage
from qtc_desktop.ui.order_actions import OrderActions
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.preferences import load_preferences, save_preferences
from qtc_desktop.ui.preferences import PreferencesDialog

if TYPE_CHECKING:  # the import and ERP windows load when first used, not at start-up
    from qtc_desktop.services.changes.watching import OutsideChanges
    from qtc_desktop.services.importing.service import FilePreview
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
        for page, title in zip(self.pages, ("&Quotes", "&Orders", "&Accounts")):
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
        self.connection_warning = ConnectionWarning()
        self.statusBar().addPermanentWidget(self.connection_warning)
        self.watcher.changed.connect(self.others_saved)
        self.watcher.connection_lost.connect(self.connection_warning.show_lost)
        self.watcher.connection_restored.connect(self._connection_restored)
        self.database_label = QLabel(store.location)
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setToolTip("The database this window works on")
        self.statusBar().addPermanentWidget(self.database_label)

        self._restore_state()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())
        self._update_empty_banner()
        self._first_paint_seen = False
        self.current_page().table.viewport().installEventFilter(self)
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.reimport_dialog: ReimportDialog | None = None
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
        style = self.style()
        self.action_import = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton),
                                     "&Import Quotes…", self)
        self.action_import.setShortcut(QKeySequence("Ctrl+I"))
        self.action_import.setStatusTip("Preview and import accepted quotes from xlsx, xlsm, ods, xls or csv files")
        self.action_import.triggered.connect(self.import_quotes)
        self.action_export_erp = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton),
                                         "&Export for ERP…", self)
        self.action_export_erp.setIconText("Export for ERP")
        self.action_export_erp.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action_export_erp.setStatusTip("Write the selected, listed or changed orders to an ERP-ready workbook")
        self.action_export_erp.triggered.connect(self.export_for_erp)
        self.action_reimport_erp = QAction(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack),
                                           "&Take Back from ERP…", self)
        self.action_reimport_erp.setIconText("Take Back from ERP")
        self.action_reimport_erp.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.action_reimport_erp.setStatusTip("Preview and apply what the ERP team changed in an exported workbook")
        self.action_reimport_erp.triggered.connect(lambda _checked=False: self.take_back_from_erp())
        self.action_sample = QAction("Load &Sample Data…", self)
        self.action_sample.setStatusTip("Fill this empty database with realistic sample data")
        self.action_sample.triggered.connect(self.load_sample_data)
        self.action_team_copy = QAction("Copy to a &Team Database…", self)
        self.action_team_copy.setObjectName("actionTeamCopy")
        self.action_team_copy.setStatusTip("Copy this database, history and all, into a team's empty PostgreSQL database")
        self.action_team_copy.triggered.connect(self.copy_to_team_database)
        self.action_preferences = QAction("&Preferences…", self)
        self.action_preferences.setShortcut(QKeySequence.StandardKey.Preferences)
        if self.action_preferences.shortcut().isEmpty():
            self.action_preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_preferences.triggered.connect(self.edit_preferences)
        self.action_quit = QAction("&Quit", self)
        self.action_quit.setShortcut(QKeySequence.StandardKey.Quit)
        if self.action_quit.shortcut().isEmpty():
            self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.close)

        self.action_find = QAction(style.standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView), "&Find", self)
        self.action_find.setShortcut(QKeySequence.StandardKey.Find)
        self.action_find.setStatusTip("Search the current list")
        self.action_find.triggered.connect(lambda: self.current_page().focus_search())
        self.action_copy = QAction("&Copy Rows", self)
        self.action_copy.setShortcut(QKeySequence.StandardKey.Copy)
        self.action_copy.setStatusTip("Copy the selected rows, with headers, to paste into Excel")
        self.action_copy.triggered.connect(self.copy_rows)

        self.action_refresh = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "&Refresh", self)
        self.action_refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        if self.action_refresh.shortcut().isEmpty():
            self.action_refresh.setShortcut(QKeySequence("F5"))
        self.action_refresh.setStatusTip("Read the list again from the database")
        self.action_refresh.triggered.connect(self.refresh)
        self.action_detail = QAction("Show &Detail Pane", self, checkable=True, checked=True)
        self.action_detail.setShortcut(QKeySequence("Ctrl+D"))
        self.action_detail.toggled.connect(self._show_detail_pane)
        self.tab_actions = []
        for index, name in enumerate(("&Quotes", "&Orders", "&Accounts")):
            action = QAction(name, self, checkable=True)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
            self.tab_actions.append(action)

        self.action_about = QAction("&About qtc-desktop", self)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self.about)
        self.action_about_qt = QAction("About &Qt", self)
        self.action_about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.action_about_qt.triggered.connect(QApplication.aboutQt)

    def _make_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.action_import)
        file_menu.addSeparator()
        file_menu.addAction(self.action_export_erp)
        file_menu.addAction(self.action_reimport_erp)
        file_menu.addSeparator()
        file_menu.addAction(self.action_sample)
        file_menu.addAction(self.action_team_copy)
        file_menu.addSeparator()
        file_menu.addAction(self.action_preferences)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.action_copy)
        edit_menu.addAction(self.action_find)
        view_menu = menu.addMenu("&View")
        for action in self.tab_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.action_detail)
        view_menu.addAction(self.action_refresh)
        menu.addMenu(self.order_actions.menu)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.action_about)
        help_menu.addAction(self.action_about_qt)

    def _make_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.action_import)
        toolbar.addAction(self.action_export_erp)
        toolbar.addAction(self.action_reimport_erp)
        toolbar.addAction(self.action_refresh)
        toolbar.addAction(self.action_find)
        self.order_actions.add_to_toolbar(toolbar)

    # -- pages --------------------------------------------------------------------------

    def current_page(self) -> ListPage:
        return self.pages[self.tabs.currentIndex()]

    def _tab_changed(self, index: int) -> None:
        for position, action in enumerate(self.tab_actions):
            action.setChecked(position == index)
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

    def lists_changed(self) -> None:
        """Data changed (an order was created, saved, moved or shipped): the list on screen is
        read again now, keeping its selection and where it is scrolled to; the others when next shown.

        With a shared database this runs whenever a colleague saves, so a selection of many
        orders (say for packing slips) must survive it too, not only the current row.
        """
        self._loaded = {self.tabs.currentIndex()}
        page = self.current_page()
        chosen, scrolled = page.selected_ids(), page.table.verticalScrollBar().value()
        page.refresh()
        if len(chosen) > 1:
            _reselect(page, set(chosen))
        page.table.verticalScrollBar().setValue(scrolled)

    def others_saved(self, changes: OutsideChanges) -> None:
        """Saves noticed by the watcher (others', and this window's own): the list on screen, the
        open account pages they touch and every open order catch up."""
        self.lists_changed()
        if self.empty_banner.isVisible():
            self._update_empty_banner()
        for account_id, page in list(self.order_actions.account_pages.items()):
            if (changes.many_orders or changes.many_accounts or account_id in changes.accounts) and shiboken6.isValid(page):
                page.reload()
        if self.order_actions.editors:
            from qtc_desktop.ui.order_editor import OrderEditor  # loaded already: an editor is open

            for editor in list(self.order_actions.editors.values()):
                if isinstance(editor, OrderEditor) and shiboken6.isValid(editor) and editor.isVisible():
                    editor.notice_outside_change()
        self.order_actions.update_actions()
        self.statusBar().showMessage(f"{changes.summary} — lists updated", 15000)

    def _connection_restored(self) -> None:
        self.connection_warning.hide()
        self.statusBar().showMessage(f"Connected again to {self.store.location}", 5000)

    def _update_status(self, _count: int | None = None) -> None:
        page = self.current_page()
        self.statusBar().showMessage(f"{page.model.rowCount():,} {page.noun}")

    def _update_empty_banner(self) -> None:
        with self.store.session() as session:
            empty = is_empty(session)
        self.empty_banner.setVisible(empty)
        self.action_sample.setEnabled(empty)

    def _show_detail_pane(self, visible: bool) -> None:
        for page in self.pages:
            page.detail.setVisible(visible)

    # -- commands -----------------------------------------------------------------------

    def copy_rows(self) -> None:
        page = self.current_page()
        rows = sorted({index.row() for index in page.table.selectionModel().selectedRows()})
        if not rows:
            return
        model = page.model
        header = page.table.horizontalHeader()
        columns = [header.logicalIndex(visual) for visual in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(visual))]
        lines = ["\t".join(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns)]
        for row in rows:
            lines.append("\t".join(_tsv_cell(model.data(model.index(row, c))) for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        self.statusBar().showMessage(f"Copied {len(rows):,} rows", 3000)

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
        job.signals.cancelled.connect(lambda: self.statusBar().showMessage("Sample data cancelled; nothing was stored", 5000))
        job.signals.finished.connect(dialog.reset)
        self.sample_job, self.sample_progress = job, dialog
        self.jobs.start(job)

    def _sample_data_loaded(self, summary: SampleSummary) -> None:
        self._loaded.clear()
        self._tab_changed(self.tabs.currentIndex())
        self._update_empty_banner()
        self.statusBar().showMessage(
            f"Loaded {summary.accounts} accounts, {summary.quotes} quotes and {summary.orders} orders", 5000)

    # -- importing ----------------------------------------------------------------------

    def import_quotes(self) -> None:
        """File ▸ Import Quotes…: choose files, then preview and import them."""
        from qtc_desktop.ui.import_files import IMPORT_FILTER

        folder = str(self.settings.value("import/folder", ""))
        chosen, _filter = QFileDialog.getOpenFileNames(self, "Import Quotes", folder, IMPORT_FILTER)
        if chosen:
            self.settings.setValue("import/folder", str(Path(chosen[0]).parent))
            self.import_files([Path(name) for name in chosen])

    def import_files(self, paths: list[Path]) -> ImportDialog:
        """Open the Import dialog on these files; it previews each one straight away."""
        from qtc_desktop.ui.import_dialog import ImportDialog

        previous = self.import_dialog
        if previous is not None and not previous.busy_jobs():
            previous.deleteLater()  # a busy one is cancelling; it goes with the window
        dialog = ImportDialog(self.store, self.jobs, paths, self.preferences.who, self)
        dialog.imported.connect(self._quotes_imported)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _quotes_imported(self, preview: FilePreview) -> None:
        from qtc_desktop.ui.import_files import status_counts

        self._loaded.clear()
        self._tab_changed(self.tabs.currentIndex())
        self._update_empty_banner()
        self.statusBar().showMessage(f"Imported {preview.path.name}: {status_counts(preview)}", 10000)

    # -- the ERP round trip ----------------------------------------------------------------

    def export_for_erp(self) -> ExportDialog:
        """File ▸ Export for ERP…: the selected, listed or changed orders to a workbook."""
        from qtc_desktop.ui.export_dialog import ExportDialog

        if self.export_dialog is not None and not self.export_dialog.busy():
            self.export_dialog.deleteLater()  # a busy one is cancelling; it goes with the window
        dialog = ExportDialog(self.store, self.jobs, self.settings, self.preferences.who, self.pages[TAB_ORDERS], self)
        dialog.exported.connect(self._erp_changed)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def take_back_from_erp(self, path: Path | None = None) -> ReimportDialog:
        """File ▸ Take Back from ERP…: preview the ERP team's workbook, then apply it."""
        from qtc_desktop.ui.reimport_dialog import ReimportDialog

        if self.reimport_dialog is not None and self.reimport_dialog.job is None:
            self.reimport_dialog.deleteLater()
        dialog = ReimportDialog(self.store, self.jobs, self.preferences.who, self, path=path)
        dialog.applied.connect(self._erp_changed)
        self.reimport_dialog = dialog
        dialog.open()
        if path is None:
            dialog.choose_file()
        return dialog

    def _erp_changed(self, message: str) -> None:
        self.order_actions.order_changed(0)  # lists and open account pages read again
        self.statusBar().showMessage(message, 15000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _dropped_files(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_files(paths)

    def copy_to_team_database(self) -> None:
        from qtc_desktop.ui.team_copy_dialog import TeamCopyDialog

        dialog = TeamCopyDialog(self.store, self.jobs, self)
        dialog.exec()
        dialog.deleteLater()

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.preferences, self)
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            try:
                save_preferences(dialog.preferences())
            except USER_ERRORS as exc:
                QMessageBox.warning(self, "Preferences", str(exc))
                return
            self.preferences = dialog.preferences()

    def about(self) -> None:
        QMessageBox.about(
            self, "About qtc-desktop",
            f"<h3>qtc-desktop {__version__}</h3>"
            "<p>The fulfillment coordinator's desktop: accepted quotes in, fulfillment orders "
            "kept right while the deal changes, ERP spreadsheets out and back, packing paperwork.</p>"
            f"<p>Database: {_html_escape(self.store.location)}</p>",
        )

    # -- state --------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        for page in self.pages:
            page.restore_state({key: self.settings.value(f"lists/{page.spec.name}/{key}")
                                for key in ("header", "splitter", "detail_visible")
                                if self.settings.value(f"lists/{page.spec.name}/{key}") is not None})
        tab = str(self.settings.value("window/tab", TAB_ORDERS))
        self.tabs.setCurrentIndex(int(tab) if tab.isdigit() and int(tab) < len(self.pages) else TAB_ORDERS)
        self.action_detail.setChecked(not self.pages[0].detail.isHidden())

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        for page in self.pages:
            for key, value in page.save_state().items():
                self.settings.setValue(f"lists/{page.spec.name}/{key}", value)
        self.settings.sync()

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


def _reselect(page: ListPage, ids: set[int]) -> None:
    """Select these rows again (the current one already is), as runs of rows: select-all stays one range."""
    model = page.model
    runs: list[list[int]] = []
    for row in range(model.rowCount()):
        if model.row_id(row) not in ids:
            continue
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    selection = QItemSelection()
    for first, last in runs:
        selection.select(model.index(first, 0), model.index(last, model.columnCount() - 1))
    page.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)


def _dropped_files(mime: QMimeData) -> list[Path]:
    """The quote files among what is being dragged; other files are left out."""
    from qtc_desktop.ui.import_files import IMPORT_SUFFIXES

    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in IMPORT_SUFFIXES]


def _tsv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\n", " ")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

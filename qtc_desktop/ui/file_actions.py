"""The File menu: import quotes, export for ERP and take back, sample data, team copy, preferences, quit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QStyle, QToolBar

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.preferences import save_preferences
from qtc_desktop.ui.preferences import PreferencesDialog

if TYPE_CHECKING:  # the import and ERP windows load when first used, not at start-up
    from qtc_desktop.services.importing.service import FilePreview
    from qtc_desktop.ui.export_dialog import ExportDialog
    from qtc_desktop.ui.import_dialog import ImportDialog
    from qtc_desktop.ui.list_page import ListPage
    from qtc_desktop.ui.main_window import MainWindow
    from qtc_desktop.ui.reimport_dialog import ReimportDialog


class FileActions(QObject):
    """Owns the File menu's actions, the Import, Export and Take Back dialogs they open, and the
    commands behind them; loading sample data and quitting stay the window's."""

    def __init__(self, window: MainWindow, orders_page: ListPage, load_sample_data: Callable[[], None],
                 quotes_imported: Callable[[], None], orders_changed: Callable[[int], None],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.window = window
        self._orders_page = orders_page  # Export for ERP offers its selected or listed orders
        self._quotes_imported = quotes_imported  # the lists and the empty-database banner read again
        self._orders_changed = orders_changed  # lists and open account pages read the orders again
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.reimport_dialog: ReimportDialog | None = None
        style = window.style()
        self.action_import = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton),
                                     "&Import Quotes…", window)
        self.action_import.setShortcut(QKeySequence("Ctrl+I"))
        self.action_import.setStatusTip("Preview and import accepted quotes from xlsx, xlsm, ods, xls or csv files")
        self.action_import.triggered.connect(self.import_quotes)
        self.action_export_erp = QAction(style.standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton),
                                         "&Export for ERP…", window)
        self.action_export_erp.setIconText("Export for ERP")
        self.action_export_erp.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action_export_erp.setStatusTip("Write the selected, listed or changed orders to an ERP-ready workbook")
        self.action_export_erp.triggered.connect(self.export_for_erp)
        self.action_reimport_erp = QAction(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack),
                                           "&Take Back from ERP…", window)
        self.action_reimport_erp.setIconText("Take Back from ERP")
        self.action_reimport_erp.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.action_reimport_erp.setStatusTip("Preview and apply what the ERP team changed in an exported workbook")
        self.action_reimport_erp.triggered.connect(lambda _checked=False: self.take_back_from_erp())
        self.action_sample = QAction("Load &Sample Data…", window)
        self.action_sample.setStatusTip("Fill this empty database with realistic sample data")
        self.action_sample.triggered.connect(load_sample_data)
        self.action_team_copy = QAction("Copy to a &Team Database…", window)
        self.action_team_copy.setObjectName("actionTeamCopy")
        self.action_team_copy.setStatusTip(
            "Copy this database, history and all, into a team's empty PostgreSQL database")
        self.action_team_copy.triggered.connect(self.copy_to_team_database)
        self.action_preferences = QAction("&Preferences…", window)
        self.action_preferences.setShortcut(QKeySequence.StandardKey.Preferences)
        if self.action_preferences.shortcut().isEmpty():
            self.action_preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.action_preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.action_preferences.triggered.connect(self.edit_preferences)
        self.action_quit = QAction("&Quit", window)
        self.action_quit.setShortcut(QKeySequence.StandardKey.Quit)
        if self.action_quit.shortcut().isEmpty():
            self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(window.close)

    def add_to_menu(self, file_menu: QMenu) -> None:
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

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.addAction(self.action_import)
        toolbar.addAction(self.action_export_erp)
        toolbar.addAction(self.action_reimport_erp)

    # -- importing ----------------------------------------------------------------------

    def import_quotes(self) -> None:
        """File ▸ Import Quotes…: choose files, then preview and import them."""
        from qtc_desktop.ui.import_files import IMPORT_FILTER

        settings = self.window.settings
        folder = str(settings.value("import/folder", ""))
        chosen, _filter = QFileDialog.getOpenFileNames(self.window, "Import Quotes", folder, IMPORT_FILTER)
        if chosen:
            settings.setValue("import/folder", str(Path(chosen[0]).parent))
            self.import_files([Path(name) for name in chosen])

    def import_files(self, paths: list[Path]) -> ImportDialog:
        """Open the Import dialog on these files; it previews each one straight away."""
        from qtc_desktop.ui.import_dialog import ImportDialog

        window = self.window
        previous = self.import_dialog
        if previous is not None and not previous.busy_jobs():
            previous.deleteLater()  # a busy one is cancelling; it goes with the window
        dialog = ImportDialog(window.store, window.jobs, paths, window.preferences.who, window)
        dialog.imported.connect(self._imported)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, preview: FilePreview) -> None:
        from qtc_desktop.ui.import_files import status_counts

        self._quotes_imported()
        self.window.statusBar().showMessage(f"Imported {preview.path.name}: {status_counts(preview)}", 10000)

    # -- the ERP round trip ----------------------------------------------------------------

    def export_for_erp(self) -> ExportDialog:
        """File ▸ Export for ERP…: the selected, listed or changed orders to a workbook."""
        from qtc_desktop.ui.export_dialog import ExportDialog

        window = self.window
        if self.export_dialog is not None and not self.export_dialog.busy():
            self.export_dialog.deleteLater()  # a busy one is cancelling; it goes with the window
        dialog = ExportDialog(window.store, window.jobs, window.settings, window.preferences.who,
                              self._orders_page, window)
        dialog.exported.connect(self._erp_changed)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def take_back_from_erp(self, path: Path | None = None) -> ReimportDialog:
        """File ▸ Take Back from ERP…: preview the ERP team's workbook, then apply it."""
        from qtc_desktop.ui.reimport_dialog import ReimportDialog

        window = self.window
        if self.reimport_dialog is not None and self.reimport_dialog.job is None:
            self.reimport_dialog.deleteLater()
        dialog = ReimportDialog(window.store, window.jobs, window.preferences.who, window, path=path)
        dialog.applied.connect(self._erp_changed)
        self.reimport_dialog = dialog
        dialog.open()
        if path is None:
            dialog.choose_file()
        return dialog

    def _erp_changed(self, message: str) -> None:
        self._orders_changed(0)  # lists and open account pages read again
        self.window.statusBar().showMessage(message, 15000)

    # -- the database and the coordinator ---------------------------------------------------

    def copy_to_team_database(self) -> None:
        from qtc_desktop.ui.team_copy_dialog import TeamCopyDialog

        dialog = TeamCopyDialog(self.window.store, self.window.jobs, self.window)
        dialog.exec()
        dialog.deleteLater()

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.window.preferences, self.window)
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            try:
                save_preferences(dialog.preferences())
            except USER_ERRORS as exc:
                QMessageBox.warning(self.window, "Preferences", str(exc))
                return
            self.window.preferences = dialog.preferences()


def dropped_files(mime: QMimeData) -> list[Path]:
    """The quote files among what is being dragged; other files are left out."""
    from qtc_desktop.ui.import_files import IMPORT_SUFFIXES

    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in IMPORT_SUFFIXES]

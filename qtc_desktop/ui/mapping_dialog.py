"""Choosing what each column of a file means, and saving that as a named mapping."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.importing.fields import REQUIRED, Field, built_in_field, normalise
from qtc_desktop.services.importing.layout import EXTRA, HEADER_SCAN_ROWS, IGNORE
from qtc_desktop.services.importing.problems import column_letter
from qtc_desktop.services.importing.reading import RawSheet
from qtc_desktop.services.importing.service import (
    FilePreview,
    ImportOptions,
    load_mapping,
    mapping_names,
    save_mapping,
)
from qtc_desktop.store import Store
from qtc_desktop.ui.import_preview_model import format_cell

EXTRA_TEXT = "— keep as extra attribute —"
IGNORE_TEXT = "— ignore —"
NO_SAVED = "— none —"


class MappingDialog(QDialog):
    """One combo per header of the chosen header row; OK previews the file again with it."""

    def __init__(self, store: Store, preview: FilePreview, options: ImportOptions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.setWindowTitle(f"Columns of {preview.path.name}")
        self.resize(720, 560)
        self.store = store
        self.preview = preview
        self._read = options.read
        self._current: dict[str, str] = {normalise(h): v for h, v in (options.columns or {}).items()}
        self._saved_as: tuple[str, dict[str, str]] | None = None
        self.combos: dict[int, QComboBox] = {}
        self.headers: dict[int, str] = {}
        self.sheets = [sheet for sheet in self._all_sheets() if not sheet.hidden]

        self.saved = QComboBox()
        self.saved.setObjectName("savedMappings")
        self.saved.setToolTip("Start from a mapping saved earlier")
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("sheet")
        self.sheet_box.addItems([sheet.name for sheet in self.sheets])
        self.header_row = QSpinBox()
        self.header_row.setObjectName("headerRow")
        self.header_row.setToolTip("The row holding the column names, as the spreadsheet numbers it")
        form = QFormLayout()
        form.addRow("&Saved mapping:", self.saved)
        form.addRow("S&heet:", self.sheet_box)
        form.addRow("&Header in row:", self.header_row)
        self.sheet_box.setVisible(len(self.sheets) > 1)
        form.labelForField(self.sheet_box).setVisible(len(self.sheets) > 1)

        self.rows_area = QScrollArea()
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QFrame.Shape.StyledPanel)
        self.check = QLabel()
        self.check.setObjectName("mappingCheck")
        self.check.setWordWrap(True)

        self.name = QLineEdit(options.mapping or "")
        self.name.setObjectName("mappingName")
        self.name.setMaxLength(64)
        self.name.setPlaceholderText("e.g. Angebote DE")
        self.save_button = QPushButton("Sa&ve Mapping")
        self.save_button.setObjectName("saveMapping")
        self.save_button.setToolTip("Keep these columns under this name for files like this one")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setObjectName("mappingMessage")
        self.message.setWordWrap(True)
        name_label = QLabel("&Name:")
        name_label.setBuddy(self.name)
        save_row = QHBoxLayout()
        save_row.addWidget(name_label)
        save_row.addWidget(self.name, 1)
        save_row.addWidget(self.save_button)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Preview Again")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rows_area, 1)
        layout.addWidget(self.check)
        layout.addLayout(save_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._load_saved_names(options.mapping)
        sheet_index, row = self._starting_point()
        self.sheet_box.setCurrentIndex(sheet_index)
        self._set_row_range()
        self.header_row.setValue(row + 1)
        self._build_rows(from_layout=True)
        if options.mapping is not None:  # the combos show what the saved mapping made of the file
            self._saved_as = (options.mapping, self.columns())
        self.saved.activated.connect(self._saved_chosen)
        self.sheet_box.currentIndexChanged.connect(self._sheet_changed)
        self.header_row.valueChanged.connect(lambda _row: self._build_rows(from_layout=False))

    # -- what the user chose ----------------------------------------------------------

    def columns(self) -> dict[str, str]:
        """The mapping as the service takes it: header -> field value, "extra" or "ignore"."""
        return {self.headers[column]: combo.currentData() for column, combo in self.combos.items()}

    def options(self) -> ImportOptions:
        """What to preview the file with: the saved mapping if it is what the combos show."""
        columns = self.columns()
        if self._saved_as is not None and self._saved_as[1] == columns:
            return ImportOptions(mapping=self._saved_as[0], read=self._read)
        return ImportOptions(columns=columns, read=self._read)

    def combo_for(self, header: str) -> QComboBox:
        for column, text in self.headers.items():
            if text == header:
                return self.combos[column]
        raise KeyError(header)

    def choose(self, header: str, value: str) -> None:
        """Set a header's combo to a field value, "extra" or "ignore", as a user picks it."""
        combo = self.combo_for(header)
        combo.setCurrentIndex(combo.findData(value))

    # -- saving ---------------------------------------------------------------------

    def save(self) -> None:
        name = self.name.text().strip()
        columns = self.columns()
        if name in self._names() and QMessageBox.question(
                self, "Save mapping", f"A mapping named '{name}' exists. Replace it?") \
                != QMessageBox.StandardButton.Yes:
            return
        try:
            with self.store.transaction() as session:
                save_mapping(session, name, columns)
        except USER_ERRORS as exc:
            self._say(str(exc), error=True)
            return
        self._saved_as = (name, columns)
        self._load_saved_names(name)
        self._say(f"Saved as '{name}'. Files with these headers can use it from now on.")

    def _names(self) -> list[str]:
        return [self.saved.itemText(i) for i in range(1, self.saved.count())]

    def _load_saved_names(self, current: str | None) -> None:
        with self.store.session() as session:
            names = mapping_names(session)
        self.saved.clear()
        self.saved.addItem(NO_SAVED)
        self.saved.addItems(names)
        self.saved.setCurrentIndex(max(0, self.saved.findText(current)) if current else 0)
        self.saved.setEnabled(bool(names))

    def _saved_chosen(self, index: int) -> None:
        if index <= 0:
            return
        name = self.saved.itemText(index)
        try:
            with self.store.session() as session:
                columns = load_mapping(session, name)
        except USER_ERRORS as exc:
            self._say(str(exc), error=True)
            return
        self._current = {normalise(h): v for h, v in columns.items()}
        self._build_rows(from_layout=False)
        self.name.setText(name)
        self._saved_as = (name, self.columns())

    # -- building the rows ------------------------------------------------------------

    def _all_sheets(self) -> list[RawSheet]:
        if self.preview.workbook is not None:
            return list(self.preview.workbook.sheets)
        return [self.preview.layout.sheet] if self.preview.layout is not None else []

    def _sheet(self) -> RawSheet | None:
        index = self.sheet_box.currentIndex()
        return self.sheets[index] if 0 <= index < len(self.sheets) else None

    def _starting_point(self) -> tuple[int, int]:
        """The sheet and 0-based header row to start from: the importer's guess, else the first text."""
        names = [sheet.name for sheet in self.sheets]
        if self.preview.layout is not None and self.preview.layout.sheet.name in names:
            return names.index(self.preview.layout.sheet.name), self.preview.layout.header_row
        for problem in self.preview.problems:  # "no column for ..." names the row it looked at
            if problem.sheet in names and problem.row is not None:
                return names.index(problem.sheet), problem.row - 1
        for index, sheet in enumerate(self.sheets):
            for row, cells in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
                if sum(1 for value in cells if isinstance(value, str) and value.strip()) >= 2:
                    return index, row
        return 0, 0

    def _set_row_range(self) -> None:
        sheet = self._sheet()
        rows = min(HEADER_SCAN_ROWS, len(sheet.rows)) if sheet is not None else 0
        self.header_row.setRange(1, max(1, rows))
        self.header_row.setEnabled(rows > 0)

    def _sheet_changed(self, _index: int) -> None:
        self.header_row.blockSignals(True)
        self._set_row_range()
        self.header_row.setValue(1)
        self.header_row.blockSignals(False)
        self._build_rows(from_layout=False)

    def _preselect(self, column: int, header: str, from_layout: bool) -> str:
        layout = self.preview.layout
        if from_layout and layout is not None and self._sheet() is layout.sheet:
            if column in layout.fields:
                return layout.fields[column].value
            return EXTRA if column in layout.extras else IGNORE
        key = normalise(header)
        if key in self._current:
            return self._current[key]
        field = built_in_field(header)
        return field.value if field is not None else EXTRA

    def _build_rows(self, *, from_layout: bool) -> None:
        sheet = self._sheet()
        row = self.header_row.value() - 1
        cells = sheet.rows[row] if sheet is not None and 0 <= row < len(sheet.rows) else []
        samples = sheet.rows[row + 1] if sheet is not None and row + 1 < len(sheet.rows) else []
        hidden = set(sheet.hidden_columns) if sheet is not None else set()
        self.combos, self.headers = {}, {}
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        for column, title in enumerate(("", "Column in the file", "First value", "Read as")):
            heading = QLabel(f"<b>{title}</b>")
            grid.addWidget(heading, 0, column)
        for column, value in enumerate(cells):
            # The importer reads only text headers in visible columns; so does this list.
            if not isinstance(value, str) or not value.strip() or column in hidden:
                continue
            header = value.strip()
            line = len(self.combos) + 1
            letter = QLabel(column_letter(column))
            letter.setEnabled(False)
            name = QLabel(header)
            name.setTextFormat(Qt.TextFormat.PlainText)
            sample = QLabel(format_cell(samples[column]) if column < len(samples) else "")
            sample.setTextFormat(Qt.TextFormat.PlainText)
            sample.setEnabled(False)
            combo = self._field_combo(header)
            combo.setCurrentIndex(max(0, combo.findData(self._preselect(column, header, from_layout))))
            combo.currentIndexChanged.connect(self._update_check)
            for position, widget in enumerate((letter, name, sample, combo)):
                grid.addWidget(widget, line, position)
            self.combos[column] = combo
            self.headers[column] = header
        if not self.combos:
            empty = QLabel(f"Row {row + 1} has no column names. Choose the row that has them.")
            empty.setEnabled(False)
            grid.addWidget(empty, 1, 0, 1, 4)
        grid.setRowStretch(len(self.combos) + 2, 1)
        self.rows_area.setWidget(body)
        self._update_check()

    def _field_combo(self, header: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"field_{header}")
        combo.setAccessibleName(f"Read {header} as")
        for field in Field:
            combo.addItem(field.label + (" *" if field in REQUIRED else ""), field.value)
        combo.addItem(EXTRA_TEXT, EXTRA)
        combo.addItem(IGNORE_TEXT, IGNORE)
        combo.setMaxVisibleItems(len(Field) + 2)
        return combo

    def _update_check(self, _index: int = 0) -> None:
        chosen: dict[str, list[str]] = {}
        for column, combo in self.combos.items():
            value = combo.currentData()
            if value not in (EXTRA, IGNORE):
                chosen.setdefault(value, []).append(column_letter(column))
        missing = [field.label for field in REQUIRED if field.value not in chosen]
        twice = [f"{Field(value).label} ({', '.join(letters)})" for value, letters in chosen.items()
                 if len(letters) > 1]
        lines = []
        if missing:
            lines.append(f"Still needed: {', '.join(missing)}.")
        if twice:
            lines.append(f"Chosen for more than one column, only the first is read: {'; '.join(twice)}.")
        ok = not missing
        self.check.setText(" ".join(lines) if lines else "Every required column (*) is chosen.")
        self.check.setStyleSheet("" if ok and not twice else "color: #b91c1c;")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.save_button.setEnabled(ok)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b91c1c;" if error else "")

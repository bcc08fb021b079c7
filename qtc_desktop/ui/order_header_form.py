"""The order header as a form: addresses, contact and order terms, each field checked as typed."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from qtc_desktop.domain import FulfillmentOrder
from qtc_desktop.services.orders.fields import HEADER_FIELDS, INCOTERMS, ValueRefused, format_value, parse_value

ADDRESS_PARTS = ("name", "street", "city", "postal_code", "region", "country")
GROUPS = (
    ("Ship to", tuple(f"ship_to_{part}" for part in ADDRESS_PARTS)),
    ("Bill to", tuple(f"bill_to_{part}" for part in ADDRESS_PARTS)),
    ("Contact", ("contact_name", "contact_email", "contact_phone")),
    ("Order", ("customer_po", "requested_date", "promised_date", "carrier", "service_level", "incoterms",
               "warehouse")),
    ("Instructions", ("instructions",)),
)
# Inside the Ship to and Bill to boxes the prefix goes without saying.
SHORT_LABELS = {"name": "Name", "street": "Street", "city": "City", "postal_code": "Postal code",
                "region": "Region", "country": "Country", "contact_name": "Name", "contact_email": "Email",
                "contact_phone": "Phone"}
PLACEHOLDERS = {"country": "two letters, e.g. DE", "date": "YYYY-MM-DD", "email": "name@example.com",
                "phone": "+49 89 123456"}
INCOTERM_NAMES = {
    "EXW": "Ex Works", "FCA": "Free Carrier", "CPT": "Carriage Paid To", "CIP": "Carriage and Insurance Paid To",
    "DAP": "Delivered at Place", "DPU": "Delivered at Place Unloaded", "DDP": "Delivered Duty Paid",
    "FAS": "Free Alongside Ship", "FOB": "Free on Board", "CFR": "Cost and Freight",
    "CIF": "Cost, Insurance and Freight",
}
INVALID_STYLE = "border: 1px solid #c62828; border-radius: 3px; padding: 2px;"
MISSING_STYLE = "background: #fff4d6;"  # the same amber as a missing cell in the lines table
# Besides the platform's undo and redo keys, the window's redo answers to both of these.
_WINDOW_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))
_MERGE_ID = 7100  # QUndoCommand ids of typing in a field: one per field, see FieldCommand


class FieldCommand(QUndoCommand):
    """A header field's text changed. Typing on in the same field extends the same step."""

    def __init__(self, form: HeaderForm, name: str, old: str, new: str, typing: bool = True,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(HEADER_FIELDS[name].label.lower(), parent)
        self.form, self.name, self.old, self.new, self.typing = form, name, old, new, typing

    def id(self) -> int:
        return _MERGE_ID + list(HEADER_FIELDS).index(self.name) if self.typing else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, FieldCommand) or other.name != self.name or not other.typing:
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)  # typed back to where it was: no step at all
        return True

    def redo(self) -> None:
        self.form.set_text(self.name, self.new)

    def undo(self) -> None:
        self.form.set_text(self.name, self.old)


class FieldEntry:
    """One field's editor and the small red reason below it."""

    def __init__(self, name: str, editor: QLineEdit | QComboBox | QPlainTextEdit) -> None:
        self.name, self.editor = name, editor
        editor.setObjectName(f"field_{name}")
        self.error = QLabel()
        self.error.setObjectName(f"error_{name}")
        self.error.setStyleSheet("color: #c62828; font-size: 11px;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.box = QWidget()
        column = QVBoxLayout(self.box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        self.buttons: list[QToolButton] = []
        self.row = QHBoxLayout()
        self.row.setSpacing(2)
        self.row.addWidget(editor, 1)
        column.addLayout(self.row)
        column.addWidget(self.error)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        if isinstance(self.editor, QComboBox):
            return self.editor.currentText()
        return self.editor.text()

    def set_text(self, text: str) -> None:
        if text == self.text():
            return  # keeps the cursor where the user is typing
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        elif isinstance(self.editor, QComboBox):
            self.editor.setEditText(text)
        else:
            self.editor.setText(text)

    def show_state(self, error: str | None, missing: str | None = None) -> None:
        """The reason it is refused (red), or that readiness waits for it (amber), or neither."""
        self.error.setText(error or "")
        self.error.setVisible(bool(error))
        style = INVALID_STYLE if error else MISSING_STYLE if missing else ""
        if self.editor.styleSheet() != style:
            self.editor.setStyleSheet(style)
        self.editor.setToolTip(error or (f"Missing: {missing}" if missing else ""))

    def set_read_only(self, read_only: bool) -> None:
        if isinstance(self.editor, QComboBox):
            self.editor.setEnabled(not read_only)
        else:
            self.editor.setReadOnly(read_only)
        for button in self.buttons:
            button.setEnabled(not read_only)

    def add_button(self, button: QToolButton) -> None:
        self.buttons.append(button)
        self.row.addWidget(button)


class HeaderForm(QWidget):
    """The header fields of the order being edited; valid values go straight onto its detached object."""

    changed = Signal()  # after any field's text changed (readiness and Save follow)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo = undo_stack
        self._order: FulfillmentOrder | None = None
        self._original: dict[str, str] = {}
        self._loaded_values: dict[str, object] = {}
        self._texts: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self._missing: dict[str, str] = {}
        self._loading = False
        self.entries: dict[str, FieldEntry] = {}
        self.groups: dict[str, QGroupBox] = {}
        for title, names in GROUPS:
            box = QGroupBox(title)
            box.setObjectName(f"group_{title.replace(' ', '_').lower()}")
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setVerticalSpacing(4)
            for name in names:
                entry = self._make_entry(name)
                self.entries[name] = entry
                if title == "Instructions":
                    form.addRow(entry.box)
                else:
                    form.addRow(SHORT_LABELS.get(name.removeprefix("ship_to_").removeprefix("bill_to_"),
                                                 HEADER_FIELDS[name].label), entry.box)
            self.groups[title] = box
        self.same_as_ship_to = QPushButton("Same as ship-to")
        self.same_as_ship_to.setObjectName("sameAsShipTo")
        self.same_as_ship_to.setToolTip("Copy the ship-to address into the bill-to address (one undo step)")
        self.same_as_ship_to.clicked.connect(self.copy_ship_to_bill_to)
        bill_form = self.groups["Bill to"].layout()
        assert isinstance(bill_form, QFormLayout)
        bill_form.addRow("", self.same_as_ship_to)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.groups["Ship to"], 0, 0)
        grid.addWidget(self.groups["Contact"], 1, 0)
        grid.addWidget(self.groups["Bill to"], 0, 1)
        grid.addWidget(self.groups["Instructions"], 1, 1)
        grid.addWidget(self.groups["Order"], 0, 2, 2, 1)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(2, 1)

    # -- building -------------------------------------------------------------------

    def _make_entry(self, name: str) -> FieldEntry:
        spec = HEADER_FIELDS[name]
        editor: QLineEdit | QComboBox | QPlainTextEdit
        if spec.kind == "incoterms":
            editor = QComboBox()
            editor.setEditable(True)
            editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            editor.addItem("")
            for code in INCOTERMS:
                editor.addItem(code)
                editor.setItemData(editor.count() - 1, INCOTERM_NAMES.get(code, code), Qt.ItemDataRole.ToolTipRole)
            editor.editTextChanged.connect(lambda _text, field=name: self._user_changed(field))
        elif name == "instructions":
            editor = QPlainTextEdit()
            editor.setPlaceholderText("For the warehouse and the carrier: dock, hours, who to call")
            editor.setTabChangesFocus(True)
            editor.setMinimumHeight(54)
            editor.setMaximumHeight(96)
            editor.textChanged.connect(lambda field=name: self._user_changed(field))
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(PLACEHOLDERS.get(spec.kind, ""))
            editor.textChanged.connect(lambda _text, field=name: self._user_changed(field))
        # Ctrl+Z and Ctrl+Shift+Z belong to the window's undo stack, not to one field.
        editor.installEventFilter(self)
        line_edit = editor.lineEdit() if isinstance(editor, QComboBox) else None
        if line_edit is not None:
            line_edit.installEventFilter(self)
        entry = FieldEntry(name, editor)
        if spec.kind == "date":
            entry.add_button(self._calendar_button(name))
        return entry

    def _calendar_button(self, name: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"calendar_{name}")
        button.setText("…")
        button.setToolTip("Pick a date from a calendar")
        button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        calendar = QCalendarWidget()
        calendar.setGridVisible(True)
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(lambda: self._show_calendar(calendar, name))
        calendar.clicked.connect(lambda date: self._date_picked(menu, name, date))
        button.setMenu(menu)
        return button

    def _date_picked(self, menu: QMenu, name: str, date: QDate) -> None:
        menu.close()
        self.set_by_user(name, date.toString("yyyy-MM-dd"))

    def _show_calendar(self, calendar: QCalendarWidget, name: str) -> None:
        date = QDate.fromString(self._texts.get(name, "").strip(), "yyyy-MM-dd")
        calendar.setSelectedDate(date if date.isValid() else QDate.currentDate())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                or QKeySequence(event.keyCombination()) in _WINDOW_KEYS):
            return True  # not taken by the field: the window's shortcut fires
        return super().eventFilter(watched, event)

    # -- the order's values -----------------------------------------------------------

    def load(self, order: FulfillmentOrder, read_only: bool = False) -> None:
        self._order = order
        self._loaded_values = {name: getattr(order, name) for name in self.entries}
        self._original = {name: format_value(value) for name, value in self._loaded_values.items()}
        self._texts = dict(self._original)
        self._errors.clear()
        self._loading = True
        try:
            for name, entry in self.entries.items():
                entry.set_text(self._original[name])
                entry.show_state(None)
                entry.set_read_only(read_only)
        finally:
            self._loading = False
        self.same_as_ship_to.setEnabled(not read_only)
        self.changed.emit()

    def text(self, name: str) -> str:
        return self._texts[name]

    def set_text(self, name: str, text: str) -> None:
        """Show the text in the field, check it, and put its value on the order (undo commands' way in)."""
        self._texts[name] = text
        self._loading = True
        try:
            self.entries[name].set_text(text)
        finally:
            self._loading = False
        try:
            value = parse_value(HEADER_FIELDS[name], text)
        except ValueRefused as exc:
            self._errors[name] = str(exc)
            # Until the field is put right it counts as it was loaded; the red reason says the rest.
            value = self._loaded_values[name]
        else:
            self._errors.pop(name, None)
        self.entries[name].show_state(self._errors.get(name), self._missing.get(name))
        if self._order is not None:
            setattr(self._order, name, value)
        self.changed.emit()

    def set_by_user(self, name: str, text: str, typing: bool = False) -> None:
        if text != self._texts[name]:
            self._undo.push(FieldCommand(self, name, self._texts[name], text, typing))

    def _user_changed(self, name: str) -> None:
        if not self._loading and name in self.entries:
            self.set_by_user(name, self.entries[name].text(), typing=True)

    def copy_ship_to_bill_to(self) -> None:
        pairs = [(f"bill_to_{part}", self._texts[f"ship_to_{part}"]) for part in ADDRESS_PARTS
                 if self._texts[f"bill_to_{part}"] != self._texts[f"ship_to_{part}"]]
        if not pairs:
            return
        self._undo.beginMacro("copy the ship-to address to bill-to")
        for name, text in pairs:
            self.set_by_user(name, text)
        self._undo.endMacro()

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def is_valid(self) -> bool:
        return not self._errors

    def changed_fields(self) -> dict[str, str]:
        """Field -> text, for every field whose text differs from the one loaded."""
        return {name: text for name, text in self._texts.items() if text.strip() != self._original[name]}

    def show_problem(self, name: str, message: str) -> None:
        """A problem the services found at Save, at its field, until the field is edited."""
        if name in self.entries:
            self._errors[name] = message
            self.entries[name].show_state(message)
            self.changed.emit()

    def set_missing(self, missing: dict[str, str]) -> None:
        """Mark the fields the readiness checklist waits for (field -> what it says)."""
        if missing != self._missing:
            self._missing = dict(missing)
            for name, entry in self.entries.items():
                entry.show_state(self._errors.get(name), self._missing.get(name))

    def focus_field(self, name: str) -> None:
        if name in self.entries:
            self.entries[name].editor.setFocus(Qt.FocusReason.OtherFocusReason)

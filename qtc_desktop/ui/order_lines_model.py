"""The order's lines as an editable table: each cell checked as typed, every change undoable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand, QUndoStack

from qtc_desktop.domain import FulfillmentKind, FulfillmentOrder, FulfillmentOrderLine
from qtc_desktop.services.orders.editing import OrderEdit, check_edit
from qtc_desktop.services.changes.actions import describe_action
from qtc_desktop.services.orders.errors import FieldProblem
from qtc_desktop.services.orders.fields import LINE_FIELDS, format_value, parse_value
from qtc_desktop.services.orders.readiness import Missing
from qtc_desktop.services.orders.shipping import delivers

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    field: str | None = None  # the line field it edits; None for a read-only column
    numeric: bool = False


COLUMNS = (
    Column("#", numeric=True), Column("Product"), Column("Name"),
    Column("Kind", "kind"), Column("Qty to fulfil", "quantity", numeric=True),
    Column("Serialized", "serialized"), Column("Serial numbers", "serial_numbers"),
    Column("Bin", "location"), Column("Tenant", "tenant"), Column("Licence key", "licence_key"),
    Column("Activation contact", "activation_contact"),
    Column("Sub. start", "subscription_start"), Column("Sub. end", "subscription_end"),
    Column("Shipped", numeric=True), Column("Backordered", numeric=True),
    Column("Provisioning action"),  # on amendment, renewal and cancellation orders
)
(COL_LINE, COL_CODE, COL_NAME, COL_KIND, COL_QUANTITY, COL_SERIALIZED, COL_SERIALS, COL_LOCATION,
 COL_TENANT, COL_LICENCE, COL_ACTIVATION, COL_START, COL_END, COL_SHIPPED, COL_BACKORDERED,
 COL_ACTION) = range(len(COLUMNS))
COLUMN_OF = {column.field: number for number, column in enumerate(COLUMNS) if column.field}

REFUSED_BACKGROUND = QColor("#fde2e1")
MISSING_BACKGROUND = QColor("#fff4d6")
_UNDO_VERBS = {"Pasted": "paste into", "Cleared": "clear"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class CellCommand(QUndoCommand):
    """One line field set to a value: undo puts the previous value back.

    Values are checked before the command is made; undo and redo only step back and forth
    between states that were each valid, so they need no check.
    """

    def __init__(self, model: OrderLinesModel, line_no: int, field: str, old: object, new: object) -> None:
        super().__init__(f"line {line_no} {LINE_FIELDS[field].label.lower()}")
        self.model, self.line_no, self.field, self.old, self.new = model, line_no, field, old, new

    def redo(self) -> None:
        self.model.put(self.line_no, self.field, self.new)

    def undo(self) -> None:
        self.model.put(self.line_no, self.field, self.old)


class OrderLinesModel(QAbstractTableModel):
    """The lines of the order being edited, on its detached ORM objects.

    Only valid values are ever stored on a line; a refused value leaves the cell as it
    was, red with the reason until the next edit.
    """

    edited = Signal()  # after any value changed (readiness follows)
    message = Signal(str, bool)  # what happened to the last edit or paste, and whether it is a problem

    def __init__(self, undo_stack: QUndoStack | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._undo = undo_stack
        self._order: FulfillmentOrder | None = None
        self._lines: list[FulfillmentOrderLine] = []
        self._shipped: dict[int, Decimal] = {}
        self._original: dict[tuple[int, str], str] = {}
        self._refused: dict[tuple[int, int], str] = {}  # (row, column) -> why
        self._missing: dict[tuple[int, int], str] = {}  # (row, column) -> what readiness lacks
        self._read_only = False
        self._bold = QFont()
        self._bold.setBold(True)

    # -- the lines ------------------------------------------------------------------

    def set_order(self, order: FulfillmentOrder, shipped: dict[int, Decimal], read_only: bool = False) -> None:
        self.beginResetModel()
        self._order = order
        self._lines = sorted(order.lines, key=lambda line: line.line_no)
        self._shipped = shipped
        self._original = {(line.line_no, name): format_value(getattr(line, name))
                          for line in self._lines for name in LINE_FIELDS}
        self._refused.clear()
        self._missing.clear()
        self._read_only = read_only
        self.endResetModel()

    def line(self, row: int) -> FulfillmentOrderLine:
        return self._lines[row]

    def row_of(self, line_no: int) -> int | None:
        for row, line in enumerate(self._lines):
            if line.line_no == line_no:
                return row
        return None

    def changed(self) -> dict[int, dict[str, str]]:
        """Line number -> field -> text, for every value that differs from the one loaded."""
        changes: dict[int, dict[str, str]] = {}
        for line in self._lines:
            for name in LINE_FIELDS:
                text = format_value(getattr(line, name))
                if text != self._original[(line.line_no, name)]:
                    changes.setdefault(line.line_no, {})[name] = text
        return changes

    def put(self, line_no: int, field: str, value: object) -> None:
        """Store a checked value on the line (the undo commands' way in)."""
        row = self.row_of(line_no)
        if row is None:
            return
        setattr(self._lines[row], field, list(value) if isinstance(value, list) else value)
        self._refused.pop((row, COLUMN_OF[field]), None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.edited.emit()

    def problem(self, row: int, field: str, text: str) -> str | None:
        """Why `text` may not go into the field, or None when it may.

        The order services' own check runs on the line as edited so far, so a quantity
        below the serials already typed, or serials on a line that is not serialized, are
        refused here rather than at Save. A rule the stored line already broke is not
        held against an unrelated edit.
        """
        assert self._order is not None
        line_no = self._lines[row].line_no
        before = check_edit(self._order, OrderEdit(lines={line_no: {}}))[2]
        after = check_edit(self._order, OrderEdit(lines={line_no: {field: text}}))[2]
        new = [item for item in after if item not in before]
        return "; ".join(_describe(item) for item in new) or None

    def set_text(self, row: int, field: str, text: str) -> bool:
        """Check and store one cell as the user typed it; False (and the reason shown) if refused."""
        why = self.problem(row, field, text)
        if why is not None:
            self._refuse(row, COLUMN_OF[field], why)
            return False
        line = self._lines[row]
        value = parse_value(LINE_FIELDS[field], text)
        old = getattr(line, field)
        if format_value(old) == format_value(value):
            return True
        command = CellCommand(self, line.line_no, field, list(old) if isinstance(old, list) else old, value)
        if self._undo is None:
            command.redo()
        else:
            self._undo.push(command)
        return True

    def paste(self, cells: Sequence[tuple[int, int, str]], skipped: int = 0,
              verb: str = "Pasted") -> tuple[int, list[str]]:
        """Put each (row, column, text) in turn, as one undo step; returns (stored, refusals)."""
        self.clear_refusals()
        stored, refusals, open_macro = 0, [], False
        for row, column, text in cells:
            field = COLUMNS[column].field
            if field is None or self._read_only:
                refusals.append(f"line {self._lines[row].line_no} {COLUMNS[column].title.lower()} is read-only")
                continue
            why = self.problem(row, field, text)
            if why is not None:
                self._refuse(row, column, why, announce=False)
                refusals.append(why)
                continue
            if self._undo is not None and not open_macro:
                self._undo.beginMacro(f"{_UNDO_VERBS.get(verb, verb.lower())} {len(cells)} cells")
                open_macro = True
            self.set_text(row, field, text)
            stored += 1
        if open_macro and self._undo is not None:
            self._undo.endMacro()
        rows = sorted({self._lines[row].line_no for row, _c, _t in cells})
        where = f"line {rows[0]}" if len(rows) == 1 else f"lines {rows[0]}–{rows[-1]}" if rows else "no line"
        text = (f"{verb} {stored} cells in {where}." if stored == len(cells)
                else f"{verb} {stored} of {len(cells)} cells in {where}.")
        if skipped:
            text += f" {skipped} cells below the last line or past the last column were left out."
        if refusals:
            text += " Not taken: " + "; ".join(refusals[:4]) + (f"; and {len(refusals) - 4} more" if len(refusals) > 4 else "")
        self.message.emit(text, bool(refusals))
        return stored, refusals

    def show_problems(self, problems: Sequence[FieldProblem]) -> None:
        """Problems the services found at Save, at their cells."""
        for item in problems:
            row = self.row_of(item.line_no) if item.line_no is not None else None
            if row is not None and item.field in COLUMN_OF:
                self._refuse(row, COLUMN_OF[item.field], _describe(item), announce=False)

    def set_missing(self, missing: Sequence[Missing]) -> None:
        """Mark the cells the readiness checklist is waiting for."""
        cells = {}
        for item in missing:
            row = self.row_of(item.line_no) if item.line_no is not None else None
            if row is not None and item.field in COLUMN_OF:
                cells[(row, COLUMN_OF[item.field])] = str(item)
        if cells != self._missing:
            self._missing = cells
            if self._lines:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, len(COLUMNS) - 1),
                                      [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])

    def clear_refusals(self) -> None:
        cells, self._refused = list(self._refused), {}
        for row, column in cells:
            index = self.index(row, column)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])

    def _refuse(self, row: int, column: int, why: str, announce: bool = True) -> None:
        self._refused[(row, column)] = why
        index = self.index(row, column)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])
        if announce:
            self.message.emit(f"Not taken: {why}", True)

    # -- QAbstractTableModel --------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return LINE_FIELDS[column.field].label if column.field else f"{column.title} (read-only)"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        field = COLUMNS[index.column()].field
        if field is None or self._read_only:
            return flags
        if index.column() == COL_SERIALIZED:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines) and 0 <= index.column() < len(COLUMNS)):
            return None
        row, column = index.row(), index.column()
        line, spec = self._lines[row], COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(line, column)
        if role == Qt.ItemDataRole.EditRole:
            return format_value(getattr(line, spec.field)) if spec.field else self._display(line, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == COL_SERIALIZED:
            return Qt.CheckState.Checked if line.serialized else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if spec.numeric else _LEFT
        if role == Qt.ItemDataRole.BackgroundRole:
            if (row, column) in self._refused:
                return QBrush(REFUSED_BACKGROUND)
            if (row, column) in self._missing:
                return QBrush(MISSING_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self._is_changed(line, spec.field) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self._read_only:
            return False
        field = COLUMNS[index.column()].field
        if field is None:
            return False
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == COL_SERIALIZED:
            text = "yes" if Qt.CheckState(value) == Qt.CheckState.Checked else "no"
        elif role == Qt.ItemDataRole.EditRole:
            text = "" if value is None else str(value)
        else:
            return False
        self.clear_refusals()
        stored = self.set_text(index.row(), field, text)
        if stored:
            self.message.emit("", False)
        return stored

    # -- what a cell shows ------------------------------------------------------------

    def _display(self, line: FulfillmentOrderLine, column: int) -> str:
        if column == COL_LINE:
            return str(line.line_no)
        if column == COL_CODE:
            return line.product_code
        if column == COL_NAME:
            return line.product_name
        if column == COL_SERIALIZED:
            return ""
        if column == COL_SERIALS:
            serials = format_value(line.serial_numbers or [])
            if not line.serialized:
                return serials
            counted = f"{len(line.serial_numbers or [])} of {format_value(line.quantity)}"
            return f"{counted}: {serials}" if serials else counted
        if column == COL_SHIPPED:
            return format_value(self._shipped.get(line.id, Decimal(0))) if line.kind is FulfillmentKind.SHIP else ""
        if column == COL_ACTION:
            if line.action is None:
                return ""
            return describe_action(line.action, line.product_code, line.prior_quantity, line.delta,
                                   line.effective_date, line.subscription_end)
        if column == COL_BACKORDERED:
            if line.kind is not FulfillmentKind.SHIP or not delivers(line):
                return ""
            return format_value(max(Decimal(0), line.quantity - self._shipped.get(line.id, Decimal(0))))
        field = COLUMNS[column].field
        return format_value(getattr(line, field)) if field else ""

    def _tooltip(self, row: int, column: int) -> str | None:
        line, field = self._lines[row], COLUMNS[column].field
        notes = []
        if (row, column) in self._refused:
            notes.append(f"Not taken: {self._refused[(row, column)]}")
        if (row, column) in self._missing:
            notes.append(f"Missing: {self._missing[(row, column)]}")
        if column == COL_SERIALS and line.serialized:
            notes.append(f"{len(line.serial_numbers or [])} of {format_value(line.quantity)} serial numbers")
        if field and self._is_changed(line, field):
            notes.append(f"Unsaved; was {self._original[(line.line_no, field)] or '(blank)'}")
        return "\n".join(notes) or None

    def _is_changed(self, line: FulfillmentOrderLine, field: str | None) -> bool:
        return field is not None and format_value(getattr(line, field)) != self._original[(line.line_no, field)]


def _describe(item: FieldProblem) -> str:
    label = LINE_FIELDS[item.field].label.lower() if item.field in LINE_FIELDS else item.field
    return f"line {item.line_no} {label}: {item.message}"


def block_from_text(text: str) -> list[list[str]]:
    """Rows of cells from the clipboard: lines by \\n or \\r\\n, cells by tab, as Excel copies them."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # Excel ends even a single cell with a newline
    return [line.split("\t") for line in lines]


def paste_targets(block: list[list[str]], row: int, column: int, rows: int,
                  fill_rows: Sequence[int] = ()) -> tuple[list[tuple[int, int, str]], int]:
    """(row, column, text) for each pasted cell from the current cell on, and how many fell outside.

    One copied cell and several selected rows in the current column: the value goes into
    each selected row, as Excel does.
    """
    if len(block) == 1 and len(block[0]) == 1 and len(fill_rows) > 1:
        return [(target, column, block[0][0]) for target in sorted(fill_rows)], 0
    cells, outside = [], 0
    for down, values in enumerate(block):
        for across, text in enumerate(values):
            target_row, target_column = row + down, column + across
            if target_row >= rows or target_column >= len(COLUMNS):
                outside += 1
            else:
                cells.append((target_row, target_column, text))
    return cells, outside

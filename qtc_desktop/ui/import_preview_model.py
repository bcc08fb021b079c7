"""The rows of a file being imported, as the sheet has them, with every problem at its cell."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from qtc_desktop.services.importing.layout import Layout
from qtc_desktop.services.importing.problems import Problem, column_letter

# The messages of the problems at a cell (or, in the vertical header, in a row), a list of str.
ProblemsRole = Qt.ItemDataRole.UserRole + 1
# The cell as read from the file (str, int, float, date, ...), before formatting.
RawValueRole = Qt.ItemDataRole.UserRole + 2

PROBLEM_CELL = QColor("#f8d0d0")  # strong enough to find by eye in a wide sheet
PROBLEM_ROW = QColor("#fdf0f0")
ROW_MARK = "⚠ "
_Index = QModelIndex | QPersistentModelIndex


def column_index(letter: str) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26: the inverse of column_letter."""
    number = 0
    for char in letter.strip().upper():
        if not "A" <= char <= "Z":
            raise ValueError(f"{letter!r} is not a column letter")
        number = number * 26 + ord(char) - 64
    return number - 1


def format_cell(value: Any) -> str:
    """A cell as a person would read it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class ImportPreviewModel(QAbstractTableModel):
    """The layout sheet from its header row down: header cells as column titles, sheet rows as rows.

    Row numbers in the vertical header are the sheet's own (1-based), so a problem's
    "row 7" is the row marked 7 here and in Excel.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Sequence[Sequence[Any]] = ()
        self._first_row = 0  # 0-based sheet index of the first row shown (under the header)
        self._width = 0
        self._headers: dict[int, str] = {}
        self._header_tips: dict[int, str] = {}
        self._hidden: frozenset[int] = frozenset()
        self._cell_problems: dict[tuple[int, int], list[str]] = {}
        self._row_problems: dict[int, list[str]] = {}
        self._cell_brush = QBrush(PROBLEM_CELL)
        self._row_brush = QBrush(PROBLEM_ROW)
        self._hidden_brush = QBrush(QColor("#9ca3af"))
        self._numeric = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self._text = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

    # -- what it shows --------------------------------------------------------------

    def set_preview(self, layout: Layout | None, problems: Sequence[Problem] = ()) -> None:
        """Show the layout's sheet under its header row, marking the problems in it."""
        self.beginResetModel()
        if layout is None:
            self._rows, self._first_row, self._width = (), 0, 0
            self._headers, self._header_tips, self._hidden = {}, {}, frozenset()
        else:
            sheet = layout.sheet
            self._first_row = layout.header_row + 1
            self._rows = sheet.rows[self._first_row:]
            header_cells = sheet.rows[layout.header_row] if layout.header_row < len(sheet.rows) else []
            self._width = max([len(header_cells), *(len(row) for row in self._rows)], default=0)
            self._hidden = frozenset(sheet.hidden_columns)
            self._headers = {c: format_cell(v) for c, v in enumerate(header_cells) if format_cell(v).strip()}
            self._header_tips = {c: self._header_tip(layout, c) for c in range(self._width)}
        self._cell_problems, self._row_problems = defaultdict(list), defaultdict(list)
        sheet_name = layout.sheet.name if layout is not None else None
        for problem in problems:
            if problem.row is None or (problem.sheet and problem.sheet != sheet_name):
                continue
            row = self.row_of_sheet_row(problem.row)
            if row is None:
                continue
            self._row_problems[row].append(problem.message)
            column = self._column(problem.column)
            if column is not None:
                self._cell_problems[(row, column)].append(problem.message)
        self.endResetModel()

    def _header_tip(self, layout: Layout, column: int) -> str:
        letter = column_letter(column)
        if column in self._hidden:
            return f"Column {letter}: hidden in the file, not read"
        if column in layout.fields:
            return f"Column {letter} → {layout.fields[column].label}"
        if column in layout.extras:
            return f"Column {letter}: kept as an extra attribute"
        if column in layout.headers:
            return f"Column {letter}: ignored"
        return f"Column {letter}"

    def _column(self, letter: str | None) -> int | None:
        if not letter:
            return None
        try:
            column = column_index(letter)
        except ValueError:
            return None
        return column if column < self._width else None

    def row_of_sheet_row(self, sheet_row: int) -> int | None:
        """The model row showing a sheet's row (1-based), or None when it is not shown."""
        row = sheet_row - 1 - self._first_row
        return row if 0 <= row < len(self._rows) else None

    def sheet_row(self, row: int) -> int:
        return self._first_row + row + 1

    def index_of(self, problem: Problem) -> QModelIndex:
        """Where a problem sits: its cell, the row's first cell, or an invalid index."""
        if problem.row is None:
            return QModelIndex()
        row = self.row_of_sheet_row(problem.row)
        if row is None or self._width == 0:
            return QModelIndex()
        column = self._column(problem.column)
        return self.index(row, column if column is not None else 0)

    def problem_rows(self) -> list[int]:
        return sorted(self._row_problems)

    # -- QAbstractTableModel --------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._width

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < self._width:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers.get(section, column_letter(section))
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._header_tips.get(section)
            return None
        if not 0 <= section < len(self._rows):
            return None
        messages = self._row_problems.get(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{ROW_MARK if messages else ''}{self.sheet_row(section)}"
        if role == Qt.ItemDataRole.ToolTipRole and messages:
            return "\n".join(messages)
        if role == ProblemsRole:
            return list(messages or ())
        if role == Qt.ItemDataRole.ForegroundRole and messages:
            return QBrush(QColor("#b91c1c"))
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < self._width):
            return None
        cells = self._rows[row]
        value = cells[column] if column < len(cells) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_cell(value)
        if role == RawValueRole:
            return value
        messages = self._cell_problems.get((row, column))
        if role == ProblemsRole:
            return list(messages or ())
        if role == Qt.ItemDataRole.ToolTipRole:
            if messages:
                return "\n".join(messages)
            return "\n".join(self._row_problems[row]) if row in self._row_problems else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if messages:
                return self._cell_brush
            return self._row_brush if row in self._row_problems else None
        if role == Qt.ItemDataRole.ForegroundRole and column in self._hidden:
            return self._hidden_brush
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            return self._numeric if numeric else self._text
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

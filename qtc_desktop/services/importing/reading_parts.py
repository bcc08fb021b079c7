"""What the reader child sends back to reading.py: a workbook's sheets as plain tuples.

Like reading_worker, this module imports nothing of the database layer: the child process
unpickles nothing else, and starts from nothing.
"""

from __future__ import annotations

from typing import NamedTuple


class SheetParts(NamedTuple):
    """RawSheet's fields, as the child sends them back to reading.py."""

    name: str
    rows: list[list[object]]  # cells as RawSheet describes them
    hidden: bool
    hidden_columns: frozenset[int]
    formulas_without_value: tuple[tuple[int, int], ...]


class WorkbookParts(NamedTuple):
    kind: str
    sheets: list[SheetParts]
    date1904: bool
    notes: list[str]

"""What a re-import would do: the sheet's changes, its conflicts and the problems that refuse it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SheetChange:
    order: str
    order_id: int
    line_no: int | None
    line_id: int | None
    column: str  # the export column's name
    exported: str
    current: str
    sheet: str

    @property
    def field(self) -> str:
        return self.column if self.line_no is None else f"line {self.line_no} {self.column}"

    def as_applied(self) -> dict[str, Any]:
        return {"order": self.order, "field": self.field, "old": self.current or None, "new": self.sheet or None}

    def as_conflict(self) -> dict[str, Any]:
        return {"order": self.order, "field": self.field, "exported": self.exported or None,
                "current": self.current or None, "sheet": self.sheet or None}


@dataclass(frozen=True)
class Problem:
    sheet: str | None
    row: int | None  # 1-based, as the spreadsheet shows it
    column: str | None  # the header
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"sheet '{self.sheet}'" if self.sheet else "",
                                            f"row {self.row}" if self.row else "",
                                            f"column '{self.column}'" if self.column else "") if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ReimportPlan:
    path: Path
    batch_id: int | None
    changes: tuple[SheetChange, ...] = ()  # changed in the sheet only: applied
    conflicts: tuple[SheetChange, ...] = ()  # changed on both sides: applied only when accepted
    errors: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self, applied: Sequence[SheetChange] | None = None,
                pending: Sequence[SheetChange] | None = None) -> dict[str, Any]:
        return {"file": str(self.path), "export": self.batch_id,
                "applied": [change.as_applied() for change in (self.changes if applied is None else applied)],
                "conflicts": [change.as_conflict() for change in (self.conflicts if pending is None else pending)],
                "errors": [problem.as_json() for problem in self.errors], "notes": list(self.notes)}


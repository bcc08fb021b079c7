"""What can go wrong with an order edit, each said so the coordinator can fix it."""

from __future__ import annotations

from dataclasses import dataclass

from qtc_desktop.services.errors import QtcError


@dataclass(frozen=True)
class FieldProblem:
    field: str  # the field's name, e.g. "ship_to_country"
    message: str
    line_no: int | None = None  # None for a header field

    def __str__(self) -> str:
        where = f"line {self.line_no} {self.field}" if self.line_no is not None else self.field
        return f"{where}: {self.message}"


class EditRefused(QtcError):
    """One or more values are not valid; nothing was changed."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class StaleOrder(QtcError):
    """Someone saved the order after this window read it; saving would overwrite their work."""

    def __init__(self, number: str, expected: int, current: int | None, changes: list[str]) -> None:
        self.number, self.expected, self.current, self.changes = number, expected, current, changes
        detail = f" ({'; '.join(changes[:5])})" if changes else ""
        versions = f" (version {expected} → {current})" if current is not None else ""
        super().__init__(f"Order {number} was changed since you opened it{versions}{detail}. "
                         "Reload it, or apply your edits again on top.")


class StatusRefused(QtcError):
    """The workflow does not allow this status change now, and says why."""

    def __init__(self, number: str, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(f"Order {number}: " + "; ".join(reasons))

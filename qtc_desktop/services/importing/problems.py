"""Problems found in an import file, each at its sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from qtc_desktop.services.errors import QtcError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where a person would look for it."""

    sheet: str
    row: int | None  # 1-based, as the spreadsheet shows it; None for the whole file
    column: str | None  # column letter, e.g. "F"; None for a whole row or file
    message: str

    def __str__(self) -> str:
        where = [f"sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_json(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class ImportRejected(QtcError):
    """A file that cannot be imported as it is; nothing of it was stored."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file_name = file_name
        self.problems = problems
        first = "; ".join(str(problem) for problem in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{file_name} was not imported: {first}{more}")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

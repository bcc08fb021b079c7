"""Finding the quote lines in a workbook: which sheet, which header row, which column is what."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from qtc_desktop.services.importing.fields import REQUIRED, Field, built_in_field, normalise
from qtc_desktop.services.importing.problems import Problem
from qtc_desktop.services.importing.reading import RawSheet, RawWorkbook

HEADER_SCAN_ROWS = 60  # title blocks above the header are a few rows, never dozens
IGNORE = "ignore"  # a saved mapping's value for a column to leave out
EXTRA = "extra"  # a saved mapping's value for a column to keep as an extra attribute


@dataclass(frozen=True)
class Layout:
    """Where the lines are: the chosen sheet, its header row and what each column holds."""

    sheet: RawSheet
    header_row: int  # 0-based
    fields: Mapping[int, Field]  # column index -> field
    extras: Mapping[int, str]  # column index -> header, for columns that map to no field
    headers: Mapping[int, str]  # every header cell, by column index
    considered: tuple[tuple[str, int], ...]  # (sheet name, fields found), best first

    def column_of(self, field: Field) -> int | None:
        for column, mapped in self.fields.items():
            if mapped is field:
                return column
        return None

    def describe(self) -> str:
        others = [f"'{name}' ({score} columns)" for name, score in self.considered[1:] if score]
        chosen = f"Sheet '{self.sheet.name}', header in row {self.header_row + 1}"
        return chosen + (f"; also looked at {', '.join(others)}" if others else "")


@dataclass(frozen=True)
class _Candidate:
    sheet: RawSheet
    row: int
    fields: dict[int, Field]
    extras: dict[int, str]
    headers: dict[int, str]

    @property
    def complete(self) -> bool:
        return all(field in self.fields.values() for field in REQUIRED)

    @property
    def rank(self) -> tuple[bool, int, int]:
        data_rows = sum(1 for row in self.sheet.rows[self.row + 1:] if any(_text(v) for v in row))
        return (self.complete, len(self.fields), data_rows)


def find_layout(workbook: RawWorkbook, mapping: Mapping[str, str] | None = None) -> Layout | Problem:
    """The sheet and header row that best fit quote lines, or the reason none does."""
    saved = {normalise(header): value for header, value in (mapping or {}).items()}
    best_per_sheet: list[_Candidate] = []
    for sheet in workbook.sheets:
        if sheet.hidden:
            continue
        candidates = [_candidate(sheet, row, saved) for row in range(min(HEADER_SCAN_ROWS, len(sheet.rows)))]
        candidates = [c for c in candidates if c.fields]
        if candidates:
            best_per_sheet.append(max(candidates, key=lambda c: (c.complete, len(c.fields), -c.row)))
    if not best_per_sheet:
        return Problem("", None, None, "no sheet has a header row naming quote columns "
                       "(quote number, product code, quantity ...); choose the columns with a mapping")
    best_per_sheet.sort(key=lambda c: c.rank, reverse=True)
    chosen = best_per_sheet[0]
    considered = tuple((c.sheet.name, len(c.fields)) for c in best_per_sheet)
    if not chosen.complete:
        missing = [field.label for field in REQUIRED if field not in chosen.fields.values()]
        found = ", ".join(f"'{h}'" for h in chosen.headers.values())
        return Problem(chosen.sheet.name, chosen.row + 1, None,
                       f"no column for {', '.join(missing)} (the header row has {found}); "
                       "choose the columns with a mapping")
    return Layout(chosen.sheet, chosen.row, chosen.fields, chosen.extras, chosen.headers, considered)


def _candidate(sheet: RawSheet, row: int, saved: Mapping[str, str]) -> _Candidate:
    fields: dict[int, Field] = {}
    extras: dict[int, str] = {}
    headers: dict[int, str] = {}
    for column, value in enumerate(sheet.rows[row]):
        header = _text(value)
        if not header or column in sheet.hidden_columns or not isinstance(value, str):
            continue
        headers[column] = header
        field = _field_for(header, saved)
        if field == IGNORE:
            continue
        if isinstance(field, Field) and field not in fields.values():
            fields[column] = field
        else:
            extras[column] = header
    if len(fields) < 2:  # one recognised word in a title row is not a header
        fields = {}
    return _Candidate(sheet, row, fields, extras, headers)


def _field_for(header: str, saved: Mapping[str, str]) -> Field | str | None:
    key = normalise(header)
    if key in saved:
        value = saved[key]
        if value in (IGNORE, EXTRA):
            return value
        try:
            return Field(value)
        except ValueError:  # a mapping saved by a later version, or edited by hand
            return EXTRA
    return built_in_field(header)


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)

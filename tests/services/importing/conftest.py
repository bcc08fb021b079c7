"""Quote files written by the tests themselves: xlsx, ods and CSV exports, and hostile zips."""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

DATA = Path(__file__).resolve().parents[2] / "data"

QUOTE_LINES = [
    ["Quote Number", "Product Code", "Quantity", "Net Total", "Start Date"],
    ["Q-00042", "WIDGET-1", 3, 1234.5, dt.date(2026, 7, 1)],
    ["Q-00042", "GADGET-2", 1, 99.0, dt.date(2026, 7, 1)],
]

_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
_ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK_XML = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Lines" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
_SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' \
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def sheet_xml(sheet_data: str, *, before: str = "", prolog: str = "") -> bytes:
    """A worksheet part around the given <sheetData> content (before: e.g. a <cols> element)."""
    return (_SHEET_OPEN.replace(b"\n", b"\n" + prolog.encode(), 1)
            + f"{before}<sheetData>{sheet_data}</sheetData></worksheet>".encode())


@dataclass(frozen=True)
class RawMember:
    """A zip member given as raw deflate bytes, so a test can declare whatever sizes it likes."""

    name: str
    deflated: bytes
    crc: int
    size: int  # the uncompressed size written into the headers
    flags: int = 0


def zeros_deflated(megabytes: int) -> RawMember:
    """A member of `megabytes` MiB of zeros, made without holding them: about 1 KB per MiB.

    After a full flush the compressor starts afresh, so one compressed MiB can be repeated.
    """
    zeros = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return RawMember("xl/sharedStrings.xml", block * megabytes + compressor.flush(), crc, megabytes << 20)


class QuoteFiles:
    """Writes quote files into one folder; each method returns the path it wrote.

    The module's helpers ride along as attributes, since test modules cannot import conftest.
    """

    RawMember = RawMember
    sheet_xml = staticmethod(sheet_xml)
    zeros_deflated = staticmethod(zeros_deflated)
    data = DATA
    quote_lines = QUOTE_LINES
    workbook_xml = WORKBOOK_XML

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def xlsx(self, sheets: Mapping[str, Sequence[Sequence[object]]], name: str = "quotes.xlsx", *,
             origin: tuple[int, int] = (1, 1), hidden_sheets: Mapping[str, str] = {},
             hidden_columns: Mapping[str, Sequence[str]] = {}, date1904: bool = False,
             merged: Mapping[str, Sequence[str]] = {}) -> Path:
        """An openpyxl workbook; origin is the 1-based (row, column) of each sheet's first cell.

        Text starting with "=" becomes a formula, which openpyxl saves without a value.
        """
        book = openpyxl.Workbook()
        book.remove(book.active)
        if date1904:
            book.epoch = CALENDAR_MAC_1904
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.cell(origin[0] + r, origin[1] + c, value)
            sheet.sheet_state = hidden_sheets.get(title, "visible")
            for letter in hidden_columns.get(title, ()):
                sheet.column_dimensions[letter].hidden = True
            for cells in merged.get(title, ()):
                sheet.merge_cells(cells)
        path = self.folder / name
        book.save(path)
        book.close()
        return path

    def quote_xlsx(self, name: str = "quotes.xlsx", *, origin: tuple[int, int] = (1, 1)) -> Path:
        """A small CPQ-style export: one quote, two lines, a title row above the header."""
        return self.xlsx({"Lines": [["Accepted quotes, June 2026"], [], *QUOTE_LINES]}, name, origin=origin)

    def zip(self, name: str, parts: Mapping[str, bytes]) -> Path:
        path = self.folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, data in parts.items():
                archive.writestr(part, data)
        return path

    def minimal_xlsx(self, sheet: bytes, name: str = "quotes.xlsx", *, workbook: bytes = WORKBOOK_XML,
                     extra: Mapping[str, bytes] = {}) -> Path:
        """An xlsx of one sheet 'Lines' whose XML is written by hand, as a hostile file would be."""
        return self.zip(name, {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _ROOT_RELS,
                               "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
                               "xl/worksheets/sheet1.xml": sheet, **extra})

    def patched(self, source: Path, part: str, change: Callable[[bytes], bytes], name: str | None = None) -> Path:
        """A copy of the zip at source with one part rewritten by change (the part may be new)."""
        path = self.folder / (name or f"patched-{source.name}")
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            names = old.namelist()
            for item in names:
                data = old.read(item)
                new.writestr(item, change(data) if item == part else data)
            if part not in names:
                new.writestr(part, change(b""))
        return path

    def raw_zip(self, name: str, members: Sequence[RawMember], *, base: Mapping[str, bytes] = {}) -> Path:
        """A zip written byte by byte: stored parts from base, then members exactly as given."""
        stored = [(RawMember(part, data, zlib.crc32(data), len(data)), 0) for part, data in base.items()]
        local, central = bytearray(), bytearray()
        for member, method in [*stored, *((member, 8) for member in members)]:
            encoded = member.name.encode()
            header = struct.pack("<HHHHHIIIHH", 20, member.flags, method, 0, 0x21, member.crc,
                                 len(member.deflated), member.size, len(encoded), 0)
            central += b"PK\x01\x02" + struct.pack("<H", 20) + header + struct.pack(
                "<HHHII", 0, 0, 0, 0, len(local)) + encoded
            local += b"PK\x03\x04" + header + encoded + member.deflated
        count = len(stored) + len(members)
        end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(central), len(local), 0)
        path = self.folder / name
        path.write_bytes(bytes(local + central + end))
        return path

    def ods(self, sheets: Mapping[str, Sequence[Sequence[object]]], name: str = "quotes.ods", *,
            hidden_sheets: Sequence[str] = (), blank_rows: int = 0, blank_columns: int = 0) -> Path:
        """An OpenDocument spreadsheet written by hand (no LibreOffice here): text and floats."""
        tables = []
        for title, rows in sheets.items():
            style = ' table:style-name="hidden"' if title in hidden_sheets else ""
            lines = [f'<table:table-row table:number-rows-repeated="{blank_rows}"><table:table-cell/></table:table-row>'
                     if blank_rows else ""]
            for row in rows:
                cells = ['<table:table-cell/>' * blank_columns]
                for value in row:
                    if isinstance(value, float | int):
                        cells.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                                     f'<text:p>{value}</text:p></table:table-cell>')
                    else:
                        cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                                     '</text:p></table:table-cell>')
                lines.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
            tables.append(f'<table:table table:name="{escape(title)}"{style}>{"".join(lines)}</table:table>')
        content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2">
<office:automatic-styles><style:style style:name="hidden" style:family="table">
<style:table-properties table:display="false"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body></office:document-content>"""
        manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
        path = self.folder / name
        with zipfile.ZipFile(path, "w") as archive:
            # The mimetype comes first and uncompressed, as the OpenDocument format requires.
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
            archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        return path

    def text(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.folder / name
        path.write_bytes(text.encode(encoding))
        return path

    def bytes(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path


@pytest.fixture
def quote_files(tmp_path: Path) -> QuoteFiles:
    return QuoteFiles(tmp_path)

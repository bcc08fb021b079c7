"""What a file is and whether it is safe to open, judged from its bytes before any parser runs."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

# Nothing here imports the database layer: the child process that parses spreadsheets
# imports this module, and SQLAlchemy would add a quarter of a second to every read.


class Refused(Exception):
    """A file that cannot, or must not, be read; the message names the file and what is wrong.

    reading.py turns it into UnreadableFile, the error the rest of the app knows.
    """


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost before it is refused as not being a quote export.

    The largest real quote exports are a few MB with some thousands of lines; every default
    is two or three orders of magnitude above that and far below what would hurt the app.
    Import it from reading.py; it lives here so that the child process unpickles it cheaply.
    """

    max_file_bytes: int = 200_000_000  # the file on disk
    max_member_bytes: int = 500_000_000  # one part of an xlsx/ods zip once unpacked
    # Sheet XML packs about 10:1, a sheet of repeated empty styled cells about 50:1; 1 GB of
    # zeros packs 1000:1. Small parts are exempt: tiny repetitive XML can pack very tightly.
    max_compression_ratio: float = 200.0
    ratio_exempt_below_bytes: int = 1_000_000
    max_cells: int = 20_000_000  # rows x columns of one sheet counted from A1, as it is held
    max_seconds: float = 120.0  # wall clock for the child process that parses a spreadsheet
    max_memory_bytes: int = 2 * 1024**3  # address space of that child (POSIX only)


OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, or an empty one

_NOT_SPREADSHEETS = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)
_RESAVE = "; open it in Excel or LibreOffice and save it as .xlsx"


def container_of(head: bytes) -> str | None:
    """'zip' or 'ole2' when the first bytes say so, else None (text or something else)."""
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    return None


def refuse_known_non_spreadsheets(name: str, head: bytes) -> None:
    """Raise Refused for formats recognisable by their first bytes that we cannot read."""
    for magic, what in _NOT_SPREADSHEETS:
        if head.startswith(magic):
            raise Refused(f"{name} is not a spreadsheet (it looks like {what})")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:300].lower()
    # CPQ and reporting tools often save an HTML table or Excel 2003 XML under an .xls name.
    if start.startswith((b"<html", b"<!doctype html", b"<table")):
        raise Refused(f"{name} is a web page (HTML), not a spreadsheet{_RESAVE}")
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise Refused(f"{name} is an Excel 2003 XML spreadsheet, which cannot be read{_RESAVE}")


def zip_kind(zf: zipfile.ZipFile, name: str) -> str:
    """'xlsx', 'xlsm' or 'ods' for a zip holding a workbook; Refused otherwise."""
    names = set(zf.namelist())
    if "xl/workbook.xml" in names:
        content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        macros = "xl/vbaProject.bin" in names or b"macroEnabled" in content_types
        return "xlsm" if macros else "xlsx"
    if "xl/workbook.bin" in names:
        raise Refused(f"{name} is an Excel binary workbook (.xlsb), which cannot be read{_RESAVE}")
    mimetype = zf.read("mimetype")[:200].strip() if "mimetype" in names else b""
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet") and "content.xml" in names:
        return "ods"
    if any(part.startswith("xl/") for part in names):
        raise Refused(f"{name} is damaged: it has no xl/workbook.xml")
    what = "a zip archive"
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        what = "an OpenDocument file that is not a spreadsheet"
    elif "word/document.xml" in names:
        what = "a Word document"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation"
    raise Refused(f"{name} is not a spreadsheet (it looks like {what})")


def guard_zip(zf: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """Refuse encrypted parts, zip bombs and XML with a DTD before any parser sees the zip.

    Sizes come from the central directory. zipfile stops at the declared size and then
    fails the CRC check, so our own reads of a part that lies cannot unpack more; calamine's
    reads are held by the child process's memory limit.
    """
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            raise Refused(f"{name} is encrypted; save it without a password and try again")
        if info.file_size > limits.max_member_bytes:
            raise Refused(
                f"{name}: part '{info.filename}' would unpack to {info.file_size:,} bytes "
                f"(the limit is {limits.max_member_bytes:,}); refused as a possible zip bomb")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_exempt_below_bytes and ratio > limits.max_compression_ratio:
            raise Refused(
                f"{name}: part '{info.filename}' would unpack {ratio:,.0f} times larger "
                f"(the limit is {limits.max_compression_ratio:,.0f}); refused as a possible zip bomb")
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as member:
                refuse_dtd(name, info.filename, member.read(_PROLOG_BYTES))


_PROLOG_BYTES = 65536
_ROOT_START = re.compile(rb"<[A-Za-z_]")  # the root element; a DTD may only come before it


def refuse_dtd(name: str, part: str, head: bytes) -> None:
    """Refuse XML whose prolog declares a DTD: spreadsheets never need one, attacks do.

    Internal entities are how "billion laughs" expands kilobytes into gigabytes; external
    (SYSTEM/PUBLIC) entities make a parser read local files or URLs.
    """
    root = _ROOT_START.search(head)
    prolog = head[: root.start()] if root else head
    if root is None and len(head) >= _PROLOG_BYTES:
        raise Refused(f"{name} is damaged: part '{part}' has no XML element in its first 64 KB")
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        attack = "external entities" if b"SYSTEM" in prolog or b"PUBLIC" in prolog else "entity expansion"
        raise Refused(
            f"{name}: part '{part}' declares an XML document type; spreadsheets never need one, "
            f"so it was refused as a possible attack ({attack})")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: UTF-16/UTF-8 by BOM, UTF-8, else cp1252.

    Raises ValueError when the bytes are not text in any of these encodings.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data:
        raise ValueError("binary data")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # raises for its five unassigned bytes, as binary would
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > 8:
        raise ValueError("binary data")
    return text, "Windows-1252"


DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
_SAMPLE_CHARS = 65536
_SAMPLE_RECORDS = 200
_SEP_LINE = re.compile(r"sep=(.)\r?\n")


def explicit_delimiter(text: str) -> str | None:
    """The delimiter named by Excel's optional first line `sep=;`, if the file has one."""
    found = _SEP_LINE.match(text)
    return found.group(1) if found else None


def sniff_delimiter(text: str) -> str | None:
    """The candidate giving the most records with one and the same column count above 1.

    csv.Sniffer is not used: on short or irregular samples it picks letters or quotes.
    Counting records (not lines) keeps quoted fields with newlines and delimiters intact.
    Ties go to more columns, then to the order of DELIMITERS. None when nothing splits.
    """
    sample = text[:_SAMPLE_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[int, int, int] | None = None
    chosen = None
    for order, delimiter in enumerate(DELIMITERS):
        try:
            records = list(islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter),
                                  _SAMPLE_RECORDS + 1))
        except csv.Error:
            continue
        if truncated or len(records) > _SAMPLE_RECORDS:
            records = records[:-1]  # possibly cut in the middle
        widths = Counter(len(r) for r in records if any(field.strip() for field in r))
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (count, width, -order)
        if width > 1 and (best is None or score > best):
            best, chosen = score, delimiter
    return chosen



@dataclass
class SheetScan:
    """What one xlsx worksheet's XML says that calamine does not report; 0-based positions."""

    hidden_columns: set[int] = field(default_factory=set)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


MAX_COLUMNS = 16384  # XFD, Excel's last column
_HUGE = 10**9  # any row or column number past this is as absurd as 10**9
_CHUNK = 1 << 20
_MAX_CARRY = 8 << 20  # a row longer than this is cut at a cell end instead of at the row end
_OVERLAP = 256
# References of any element or namespace prefix. Rows of 6+ digits and columns of 2+ letters
# are rare in quote exports, so for the usual sheet these find nothing and cost little.
# Spaces around "=" would slip past (and halve the speed); no writer produces them, and a
# file crafted that way still meets the child process's memory limit.
_BIG_ROW = re.compile(rb"""r=["'][A-Za-z]*(\d{6,})""")
_WIDE_COLUMN = re.compile(rb"""r=["']([A-Za-z]{2,})\d""")
_REFERENCE = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]+)(\d+)["']""")
_ATTRIBUTE = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.\-]*:)?worksheet\b")


class _Patterns:
    """Regexes for one element prefix ('' or 'x:'); each starts with a literal, which keeps re fast."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        cell_end = rb"(.*?)</" + p + rb"c\s*>"
        self.row_end = b"</" + prefix + b"row>"
        self.cell_end = b"</" + prefix + b"c>"
        self.col_gate = b"<" + prefix + b"col"
        self.formula_gate = b"<" + prefix + b"f"
        self.col = re.compile(rb"<" + p + rb"col\b([^>]*)>")
        # A formula followed by no value, by <v/> or by an empty <v></v>, then the cell's end.
        # Anchored on <f, so that cells without formulas and with values cost no Python work.
        self.bare_formula = re.compile(
            rb"<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f\s*>)\s*"
            rb"(?:<" + p + rb"v\s*/>|(<" + p + rb"v(?:\s[^>]*)?>\s*</" + p + rb"v\s*>))?\s*</" + p + rb"c\s*>")
        self.cell_start = b"<" + prefix + b"c "
        self.error_cell = re.compile(
            rb"<" + p + rb"c\b([^>]*\st\s*=\s*[\"']e[\"'][^>]*)(?<!/)>" + cell_end, re.S)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*)(?<!/)>" + cell_end, re.S)
        self.value = re.compile(rb"<" + p + rb"v(?:\s[^>]*)?(/)?>([^<]*)")
        self.inline = re.compile(rb"<" + p + rb"is\b")


def scan_worksheet(zf: zipfile.ZipFile, part: str, sheet: str, name: str, limits: ReadLimits, *,
                   extent: bool = True) -> SheetScan:
    """Hidden columns, formulas without a cached value and error cells of one worksheet.

    With extent, refuses a sheet whose cells, counted from A1, would exceed limits.max_cells:
    calamine allocates the whole rectangle at once, and a 5 KB file with cells at A1 and
    XFD1048576 makes it ask for 512 GB and abort the process. The first pass bounds the
    extent cheaply from all references; only when that bound is too big does a second pass
    count exactly, and only cells that hold a value, as calamine does (Excel writes styled
    empty cells). Without extent (a third of the cost), the caller guards memory otherwise.
    """
    with zf.open(part) as stream:
        root = _ROOT_PREFIX.search(stream.read(_PROLOG_BYTES))
    patterns = _Patterns((root.group(1) or b"") if root else b"")
    scan = SheetScan()
    big_row = wide_column = 0
    for piece in _pieces(zf, part, patterns):
        if extent:
            # Every cell past column Z matches: collect the distinct letters in C, convert only those.
            big_row = max([big_row, *map(_number, set(_BIG_ROW.findall(piece)))])
            wide_column = max([wide_column, *map(_column_number, set(_WIDE_COLUMN.findall(piece)))])
        if patterns.col_gate in piece:
            _hidden_columns(piece, patterns, scan)
        if patterns.formula_gate in piece:
            _formulas_without_value(piece, patterns, scan)
        if b't="e"' in piece or b"t='e'" in piece:
            _errors(piece, patterns, scan)
    if extent and (big_row or 99_999) * (wide_column or 26) > limits.max_cells:
        rows, columns = _value_extent(zf, part, patterns)
        if rows * columns > limits.max_cells:
            raise Refused(f"{name}: sheet '{sheet}' claims {rows:,} rows x {columns:,} columns; "
                          "that is not a quote export")
    return scan


_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?dimension\s+ref\s*=\s*["'][A-Za-z$]*\d*:?[A-Za-z$]*(\d+)["']""")


def claimed_rows(zf: zipfile.ZipFile, part: str) -> int:
    """The rows a worksheet's <dimension> claims (0 without one): a hint, not to be trusted."""
    with zf.open(part) as stream:
        found = _DIMENSION.search(stream.read(4096))
    return int(found[1]) if found else 0


def _pieces(zf: zipfile.ZipFile, part: str, patterns: _Patterns) -> Iterator[bytes]:
    """The part unpacked in pieces that end after a row, so that no cell is split in two."""
    with zf.open(part) as stream:
        carry = b""
        while chunk := stream.read(_CHUNK):
            buffer = carry + chunk
            end, cut = patterns.row_end, buffer.rfind(patterns.row_end)
            if cut < 0 and len(buffer) > _MAX_CARRY:
                end, cut = patterns.cell_end, buffer.rfind(patterns.cell_end)
            if cut >= 0:
                yield buffer[: cut + len(end)]
                carry = buffer[cut + len(end):]
            elif len(buffer) > _MAX_CARRY:  # not XML we know; keep a tail for a reference cut in two
                yield buffer
                carry = buffer[-_OVERLAP:]
            else:
                carry = buffer
        if carry:
            yield carry


def _hidden_columns(piece: bytes, patterns: _Patterns, scan: SheetScan) -> None:
    for found in patterns.col.finditer(piece):
        attributes = _attributes(found[1])
        if attributes.get(b"hidden") in (b"1", b"true"):
            first = max(_number(attributes.get(b"min", b"")), 1)
            last = min(_number(attributes.get(b"max", b"")), MAX_COLUMNS)
            scan.hidden_columns.update(range(first - 1, last))


def _formulas_without_value(piece: bytes, patterns: _Patterns, scan: SheetScan) -> None:
    for found in patterns.bare_formula.finditer(piece):
        start = piece.rfind(patterns.cell_start, 0, found.start())
        attributes = piece[start: piece.find(b">", start)] if start >= 0 else b""
        # Excel stores an empty text result as <v></v> in a t="str" cell: a value after all.
        if found[1] and _attributes(attributes).get(b"t") == b"str":
            continue
        position = _position(attributes)
        if position is not None:
            scan.formulas_without_value.add(position)


def _errors(piece: bytes, patterns: _Patterns, scan: SheetScan) -> None:
    for found in patterns.error_cell.finditer(piece):
        position = _position(found[1])
        value = patterns.value.search(found[2])
        if position is not None and value is not None and value[2].strip():
            scan.errors[position] = value[2].strip()[:32].decode("utf-8", "replace")


def _value_extent(zf: zipfile.ZipFile, part: str, patterns: _Patterns) -> tuple[int, int]:
    """Rows and columns from A1 to the farthest cell that holds a value (1-based counts)."""
    rows = columns = 0
    for piece in _pieces(zf, part, patterns):
        for found in patterns.cell.finditer(piece):
            value = patterns.value.search(found[2])
            if patterns.inline.search(found[2]) or (value is not None and not value[1] and value[2].strip()):
                position = _position(found[1])
                if position is not None:
                    rows, columns = max(rows, position[0] + 1), max(columns, position[1] + 1)
    return rows, columns


def _position(attributes: bytes) -> tuple[int, int] | None:
    """0-based (row, column) of a cell's r="C5" attribute."""
    found = _REFERENCE.search(attributes)
    if found is None:
        return None
    return max(_number(found[2]), 1) - 1, max(_column_number(found[1]), 1) - 1


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return {found[1]: found[2] if found[2] is not None else found[3] for found in _ATTRIBUTE.finditer(text)}


def _number(digits: bytes) -> int:
    # int() refuses strings of more than 4300 digits; a hostile file may well hold one.
    return int(digits) if digits.isdigit() and len(digits) <= 9 else (_HUGE if digits.isdigit() else 0)


def _column_number(letters: bytes) -> int:
    """1-based column number of letters like b'XFD'; absurd lengths become _HUGE."""
    if len(letters) > 4:
        return _HUGE
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number

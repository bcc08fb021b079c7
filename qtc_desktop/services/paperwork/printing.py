"""What every document shares: fonts that print any Latin, Greek or Cyrillic name, text that
prints as written, page sizes, the company block, and "page X of Y" per document."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from qtc_desktop.resources import resource_path
from qtc_desktop.services.errors import QtcError

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_SIZES = {"A4": A4, "Letter": LETTER}
MARGIN = 15 * mm
INK = colors.HexColor("#1f2937")
RULE = colors.HexColor("#9ca3af")
SHADE = colors.HexColor("#e5e7eb")


class PaperworkRefused(QtcError):
    """The document cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Company:
    name: str
    address: str  # lines separated by newlines
    logo: Path | None


@cache
def register_fonts() -> None:
    """DejaVu Sans from resources/fonts: the PDF base fonts cannot print Ελληνικά or Кириллица."""
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        path = resource_path("fonts", file)
        if not path.is_file():
            raise PaperworkRefused(f"The font {path} is missing; reinstall qtc-desktop.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "label": ParagraphStyle("label", parent=base, fontName=BOLD, fontSize=7, leading=9,
                                textColor=colors.HexColor("#6b7280")),
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=19),
        "title_right": ParagraphStyle("title_right", parent=base, fontName=BOLD, fontSize=16, leading=19,
                                      alignment=2),
        "bold_right": ParagraphStyle("bold_right", parent=base, fontName=BOLD, alignment=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "number": ParagraphStyle("number", parent=base, fontSize=8.5, leading=10.5, alignment=2),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "head_number": ParagraphStyle("head_number", parent=base, fontName=BOLD, fontSize=8, leading=10,
                                      alignment=2),
    }


def text(value: object, style: str = "body") -> Paragraph:
    """User or imported text as a paragraph that prints exactly as written.

    reportlab's Paragraph reads markup: `<` and `&` would start tags or entities, unknown
    tags vanish and `<img src=...>` reads a local file. Everything is escaped; line breaks
    are the only thing turned into markup.
    """
    shown = "" if value is None else str(value)
    return Paragraph(escape(shown).replace("\r\n", "\n").replace("\n", "<br/>"), styles()[style])


def labelled(label: str, value: object) -> list[Paragraph]:
    return [text(label.upper(), "label"), text(value if value not in (None, "") else "—")]


class DocumentStart(Flowable):
    """Marks where one document (a slip, a pick list) begins, for its own page numbers."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key, self.title = key, title
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        # Counted, not keyed: the same shipment chosen twice is two documents of their own.
        canvas.qtc_documents = getattr(canvas, "qtc_documents", 0) + 1
        canvas.qtc_document = (f"{canvas.qtc_documents}:{self.key}", self.title)


class NumberedCanvas(Canvas):
    """Holds the pages back until the end, then writes "page X of Y" counted per document."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.qtc_document: tuple[str, str] = ("", "")

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals: dict[str, int] = {}
        for page in self._pages:
            key = page["qtc_document"][0]
            totals[key] = totals.get(key, 0) + 1
        seen: dict[str, int] = {}
        for page in self._pages:
            self.__dict__.update(page)
            key, title = self.qtc_document
            seen[key] = seen.get(key, 0) + 1
            self._footer(title, seen[key], totals[key])
            super().showPage()
        super().save()

    def _footer(self, title: str, page: int, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(colors.HexColor("#6b7280"))
        self.drawString(MARGIN, 9 * mm, title)
        self.drawRightString(width - MARGIN, 9 * mm, f"Page {page} of {total}")
        self.restoreState()


def page_size(name: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[name]
    except KeyError:
        raise PaperworkRefused(f"Unknown paper size {name!r} (A4 or Letter).") from None

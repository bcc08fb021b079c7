"""Making the PDFs: the slips or pick list chosen, read from the database, laid out, saved whole."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak, SimpleDocTemplate
from sqlalchemy.orm import Session

from qtc_desktop.domain import FulfillmentOrder
from qtc_desktop.resources import resource_path
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.paperwork.packing_slip import PackingSlip, slip_for, slip_story
from qtc_desktop.services.paperwork.pick_list import pick_list_story
from qtc_desktop.services.paperwork.printing import (
    MARGIN,
    Company,
    NumberedCanvas,
    PaperworkRefused,
    page_size,
    register_fonts,
)
from qtc_desktop.services.preferences import Preferences
from qtc_desktop.services.progress import Progress

FRAME_PADDING = 6  # points: reportlab's page frame pads each side; tables fit inside it


@dataclass(frozen=True)
class SlipRequest:
    order: str  # id or number
    shipment: str | None = None  # a shipment number; None: every shipment of the order (the order if none)


def company_of(preferences: Preferences) -> Company:
    logo = Path(preferences.company_logo).expanduser() if preferences.company_logo else resource_path("logo.png")
    return Company(preferences.company_name or "Your company", preferences.company_address, logo)


def packing_slips(session: Session, requests: Sequence[SlipRequest]) -> list[PackingSlip]:
    """The slips asked for, read in one go (the drawing needs no database)."""
    slips = []
    for request in requests:
        order = find_order(session, request.order)
        if request.shipment is not None:
            wanted = request.shipment.strip().upper()
            shipment = next((s for s in order.shipments if s.number == wanted or str(s.id) == wanted), None)
            if shipment is None:
                known = ", ".join(s.number for s in order.shipments) or "none yet"
                raise PaperworkRefused(f"Order {order.number} has no shipment {request.shipment} (shipments: {known}).")
            slips.append(slip_for(order, shipment))
        elif order.shipments:
            slips += [slip_for(order, shipment) for shipment in order.shipments]
        else:
            slips.append(slip_for(order, None))
    return slips


def write_packing_slips(slips: Sequence[PackingSlip], out: Path, preferences: Preferences,
                        progress: Progress | None = None) -> Path:
    """All slips in one PDF, each with its own page numbers."""
    if not slips:
        raise PaperworkRefused("There is no packing slip to print.")
    progress = progress or Progress()
    company = company_of(preferences)
    width = page_size(preferences.paper_size)[0] - 2 * MARGIN - 2 * FRAME_PADDING
    story: list[Flowable] = []
    for index, slip in enumerate(slips):
        story += slip_story(slip, company, width)
        # Drawn as the PDF is built: progress for the slow part, and Cancel stops it there.
        story.insert(len(story) - 1, ProgressTick(progress, index + 1, len(slips)))
    return _save(story, out, preferences, progress, "Packing slips")


class ProgressTick(Flowable):
    """Reports that a document has been drawn; Progress raises Cancelled when the user cancelled."""

    def __init__(self, progress: Progress, done: int, total: int) -> None:
        super().__init__()
        self.progress, self.done, self.total = progress, done, total

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.progress.step(self.done, self.total, f"Slip {self.done:,} of {self.total:,}")


def write_pick_list(session: Session, orders: Sequence[str], out: Path, preferences: Preferences,
                    progress: Progress | None = None) -> Path:
    if not orders:
        raise PaperworkRefused("A pick list needs at least one order.")
    found: list[FulfillmentOrder] = []
    for reference in orders:
        order = find_order(session, reference)
        if all(order.id != other.id for other in found):  # "12" and "FO-000012" twice would pick twice
            found.append(order)
    company = company_of(preferences)
    width = page_size(preferences.paper_size)[0] - 2 * MARGIN - 2 * FRAME_PADDING
    return _save(pick_list_story(found, company, width), out, preferences, progress or Progress(), "Pick list")


def _save(story: list[Flowable], out: Path, preferences: Preferences, progress: Progress, title: str) -> Path:
    """Build into a temporary file beside `out` and rename it into place: never half a PDF."""
    register_fonts()
    if story and isinstance(story[-1], PageBreak):
        # A break after the last document would print an empty page. Dropped in place, not by
        # copying: build consumes the list it is given, so each drawn flowable is freed; a copy
        # would keep every document's laid-out flowables alive to the end (2.3x the garbage
        # collector's work on 1,000 slips).
        story.pop()
    out = out.expanduser().resolve()
    if not out.parent.is_dir():
        raise PaperworkRefused(f"Cannot write {out}: the folder {out.parent} does not exist.")
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    document = SimpleDocTemplate(str(temporary), pagesize=page_size(preferences.paper_size), leftMargin=MARGIN,
                                 rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4, title=title,
                                 author=preferences.company_name or "qtc-desktop")
    progress.step(0, 1, f"Writing {out.name}")
    try:
        document.build(story, canvasmaker=NumberedCanvas)
        os.replace(temporary, out)
    except OSError as exc:
        raise PaperworkRefused(f"Cannot write {out}: {exc.strerror or exc}. If it is open in a PDF viewer, "
                               "close it and try again.") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return out

"""The order editor's body: the order's title strip, its header beside the readiness, its lines and history below.

The editor owns the parts (header form, lines view, readiness and history panels, banners)
and decides what happens in them; this lays them out and words the order's facts over them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.domain import FulfillmentOrder
from qtc_desktop.ui.history_panel import HistoryPanel
from qtc_desktop.ui.list_model import _STATUS_COLOURS  # a status looks the same in the lists and here
from qtc_desktop.ui.order_header_form import HeaderForm
from qtc_desktop.ui.order_lines_view import LinesView
from qtc_desktop.ui.readiness_panel import ReadinessPanel

# #, product, name, kind, qty, serialized, serials, bin, tenant, licence, activation, start, end, shipped, backordered
COLUMN_WIDTHS = (34, 118, 170, 74, 86, 74, 190, 64, 150, 110, 170, 84, 84, 64, 86)


class EditorBody(QWidget):
    """The editor window's central widget: what sits under its toolbar."""

    # The History tab came to the front (True) or went behind the lines (False).
    history_shown = Signal(bool)

    def __init__(self, form: HeaderForm, readiness_panel: ReadinessPanel, lines_view: LinesView,
                 history_panel: HistoryPanel, banners: Sequence[QWidget], parent: QWidget) -> None:
        # Made inside the window, so the lines' row height follows the window's font.
        super().__init__(parent)
        self.history_panel = history_panel
        self.title_label = QLabel()
        self.title_label.setObjectName("orderTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title_label.setFont(font)
        self.status_label = QLabel()
        self.status_label.setObjectName("orderStatus")
        self.subtitle_label = QLabel()
        self.subtitle_label.setObjectName("orderSubtitle")
        self.notice_label = QLabel()
        self.notice_label.setObjectName("orderNotice")
        self.notice_label.setStyleSheet("color: #b45309;")
        strip = QHBoxLayout()
        strip.addWidget(self.title_label)
        strip.addWidget(self.status_label)
        strip.addSpacing(8)
        strip.addWidget(self.subtitle_label, 1)
        strip.addWidget(self.notice_label)

        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setWidget(form)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(form_scroll)
        top.addWidget(readiness_panel)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 1)
        top.setChildrenCollapsible(False)

        lines_title = QLabel("<span style='color: palette(mid);'>Double-click a cell to edit; "
                             "Ctrl+V pastes a block copied from Excel; Delete clears</span>")
        self.lines_message = QLabel()
        self.lines_message.setObjectName("linesMessage")
        self.lines_message.setWordWrap(True)
        header = lines_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            lines_view.setColumnWidth(column, width)
        lines_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        lines_box = QWidget()
        lines_layout = QVBoxLayout(lines_box)
        lines_layout.setContentsMargins(0, 4, 0, 0)
        lines_layout.addWidget(lines_title)
        lines_layout.addWidget(lines_view, 1)
        lines_layout.addWidget(self.lines_message)

        # The lines and the order's history share the lower half: Ctrl+H goes back and forth.
        self.body_tabs = QTabWidget()
        self.body_tabs.setObjectName("orderTabs")
        self.body_tabs.setDocumentMode(True)
        self.lines_box = lines_box
        self.body_tabs.addTab(lines_box, "&Lines")
        self.body_tabs.addTab(history_panel, "&History")
        self.body_tabs.currentChanged.connect(self._tab_changed)
        history_panel.loaded.connect(self._history_loaded)

        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(self.body_tabs)
        body.setSizes([form.sizeHint().height() + 40, 400])
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(strip)
        for banner in banners:
            layout.addWidget(banner)
        layout.addWidget(body, 1)

    def show_order(self, order: FulfillmentOrder, read_only: bool) -> None:
        """The number, its status, the facts a coordinator checks first, and why it cannot change (if so)."""
        self.title_label.setText(order.number)
        colour = _STATUS_COLOURS.get(order.status, "#6b7280")
        self.status_label.setText(order.status.label)
        self.status_label.setStyleSheet(f"background: {colour}; color: white; border-radius: 8px; "
                                        "padding: 2px 10px; font-weight: bold;")
        facts = [order.account.name, f"quote {order.quote.number} rev {order.quote.revision}",
                 f"{order.quote.currency} {order.quote.net_total:,.2f}"]
        if order.erp_order_number:
            facts.append(f"ERP {order.erp_order_number}")
        facts.append(f"version {order.version}")
        self.subtitle_label.setText("  ·  ".join(facts))
        notes = []
        if order.status_reason:
            notes.append(f"{order.status.label}: {order.status_reason}")
        if read_only:
            notes.append(f"This order is {order.status.phrase}; it can no longer be changed.")
        elif order.changed_since_export:
            notes.append("Changed since the ERP last saw it.")
        self.notice_label.setText("  ".join(notes))

    def show_unavailable(self, message: str) -> None:
        """Why the order could not be read, in red where its notes go."""
        self.notice_label.setText(message)
        self.notice_label.setStyleSheet("color: #c62828; font-weight: bold;")

    def show_lines_message(self, text: str, problem: bool) -> None:
        self.lines_message.setText(text)
        self.lines_message.setStyleSheet("color: #c62828;" if problem else "")

    def show_history(self, show: bool = True) -> None:
        self.body_tabs.setCurrentWidget(self.history_panel if show else self.lines_box)

    def _tab_changed(self, index: int) -> None:
        showing = self.body_tabs.widget(index) is self.history_panel
        self.history_shown.emit(showing)
        if showing:  # read again, for what others saved meanwhile
            self.history_panel.refresh()

    def _history_loaded(self, shown: int, total: int) -> None:
        count = f"{total:,}" if shown == total else f"{shown:,} of {total:,}"
        self.body_tabs.setTabText(self.body_tabs.indexOf(self.history_panel), f"&History ({count})")

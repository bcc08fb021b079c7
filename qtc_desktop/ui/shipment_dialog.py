"""Record Shipment: what leaves in one go (lines, quantities, serials, packages, carrier, tracking)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.errors import EditRefused
from qtc_desktop.services.orders.fields import format_value
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.shipping import PackageSpec, ShipmentRequest, record_shipment
from qtc_desktop.services.orders.to_ship import ShippingOrder
from qtc_desktop.store import Store

LINE_NO, PRODUCT, NAME, ORDERED, SHIPPED, REMAINING, SHIP_NOW, SERIALS = range(8)
LINE_HEADERS = ("#", "Product", "Name", "Ordered", "Shipped", "Remaining", "Ship now", "Serial numbers")
WEIGHT, LENGTH, WIDTH, HEIGHT = range(4)
PACKAGE_HEADERS = ("Weight (kg)", "Length (cm)", "Width (cm)", "Height (cm)")
MAX_TEXT = 64  # carrier, service level and tracking number columns hold 64 characters
MAX_DECIMALS = 4  # quantities, weights and sizes are stored to four decimal places


class ShipmentDialog(QDialog):
    """Lines with what remains (ship-now boxes default to all of it), serials, carrier, tracking,
    date and packages; OK stores the shipment in one transaction or shows why it cannot."""

    # The order's id, once the shipment is stored.
    recorded = Signal(int)

    def __init__(self, store: Store, order: ShippingOrder, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shipmentDialog")
        self.setWindowTitle(f"Record Shipment — {order.number}")
        self.store, self.order, self.who = store, order, who
        self.shipment_number: str | None = None
        self.quantity_boxes: dict[int, QDoubleSpinBox] = {}
        self.serial_edits: dict[int, QLineEdit] = {}
        self._serials_typed: set[int] = set()  # lines whose serials the user changed by hand

        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet("color: #b91c1c;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record &Shipment")
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)

        heading = QLabel(f"<b>{_html(order.number)}</b> · {_html(order.account)} · {_html(order.status_label)}")
        heading.setObjectName("shipmentHeading")

        self.lines = self._make_lines_table()
        self.carrier = self._text_field("carrier", order.carrier, "Carrier (the order's unless changed)")
        self.service_level = self._text_field("serviceLevel", order.service_level, "Service level")
        self.tracking = self._text_field("tracking", None, "The carrier's tracking number")
        self.ship_date = QDateEdit(QDate.currentDate())
        self.ship_date.setObjectName("shipDate")
        self.ship_date.setCalendarPopup(True)
        self.ship_date.setDisplayFormat("yyyy-MM-dd")
        form = QFormLayout()
        form.addRow("&Carrier:", self.carrier)
        form.addRow("Service &level:", self.service_level)
        form.addRow("&Tracking number:", self.tracking)
        form.addRow("Ship &date:", self.ship_date)

        packages_box = QGroupBox("Packages")
        self.packages = QTableWidget(0, len(PACKAGE_HEADERS))
        self.packages.setObjectName("packages")
        self.packages.setHorizontalHeaderLabels(list(PACKAGE_HEADERS))
        self.packages.verticalHeader().setVisible(True)
        self.packages.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.packages.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.packages.setMinimumHeight(110)
        self.add_package_button = QPushButton("&Add Package")
        self.add_package_button.setObjectName("addPackage")
        self.add_package_button.clicked.connect(self.add_package)
        self.remove_package_button = QPushButton("&Remove Package")
        self.remove_package_button.setObjectName("removePackage")
        self.remove_package_button.clicked.connect(self.remove_package)
        package_buttons = QVBoxLayout()
        package_buttons.addWidget(self.add_package_button)
        package_buttons.addWidget(self.remove_package_button)
        package_buttons.addStretch()
        package_row = QHBoxLayout(packages_box)
        package_row.addWidget(self.packages, 1)
        package_row.addLayout(package_buttons)
        self.add_package()
        self.packages.itemChanged.connect(lambda _item: self.validate())

        details = QHBoxLayout()
        details.addLayout(form, 2)
        details.addWidget(packages_box, 3)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel("Goods still to ship. Set <i>Ship now</i> to what leaves in this shipment; "
                                "what stays behind remains backordered."))
        layout.addWidget(self.lines, 1)
        layout.addLayout(details)
        layout.addWidget(self.problems)
        layout.addWidget(self.buttons)
        self.resize(900, 560)
        self.validate()

    # -- building -----------------------------------------------------------------------

    def _make_lines_table(self) -> QTableWidget:
        table = QTableWidget(len(self.order.lines), len(LINE_HEADERS))
        table.setObjectName("shipmentLines")
        table.setHorizontalHeaderLabels(list(LINE_HEADERS))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the boxes and fields in it take the focus
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        for row, line in enumerate(self.order.lines):
            cells = (str(line.line_no), line.product_code, line.product_name, _number(line.ordered),
                     _number(line.shipped), _number(line.remaining))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (LINE_NO, ORDERED, SHIPPED, REMAINING):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
            box = QDoubleSpinBox()
            box.setObjectName(f"shipNow{line.line_no}")
            box.setDecimals(0 if line.whole_units else MAX_DECIMALS)
            box.setRange(0, float(line.remaining))
            box.setValue(float(line.remaining))
            box.setAlignment(Qt.AlignmentFlag.AlignRight)
            box.setToolTip(f"How many of {line.product_code} leave now (0 leaves the line for later)")
            box.valueChanged.connect(lambda _value, no=line.line_no: self._quantity_changed(no))
            table.setCellWidget(row, SHIP_NOW, box)
            self.quantity_boxes[line.line_no] = box
            serials = QLineEdit()
            serials.setObjectName(f"serials{line.line_no}")
            if line.serialized:
                serials.setPlaceholderText("SN1, SN2, …")
                serials.setToolTip("The serial number of each unit leaving now, separated by commas")
                serials.setText(", ".join(line.unshipped_serials[: int(line.remaining)]))
                serials.textEdited.connect(lambda _text, no=line.line_no: self._serials_edited(no))
            else:
                serials.setPlaceholderText("not serialized")
                serials.setEnabled(False)
            table.setCellWidget(row, SERIALS, serials)
            self.serial_edits[line.line_no] = serials
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SERIALS, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        table.setColumnWidth(SHIP_NOW, 90)
        header.setSectionResizeMode(SHIP_NOW, QHeaderView.ResizeMode.Fixed)
        return table

    def _text_field(self, name: str, value: str | None, tip: str) -> QLineEdit:
        field = QLineEdit(value or "")
        field.setObjectName(name)
        field.setToolTip(tip)
        field.textChanged.connect(lambda _text: self.validate())
        return field

    # -- packages -----------------------------------------------------------------------

    def add_package(self) -> None:
        row = self.packages.rowCount()
        self.packages.blockSignals(True)
        self.packages.insertRow(row)
        for column in range(len(PACKAGE_HEADERS)):
            item = QTableWidgetItem("")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.packages.setItem(row, column, item)
        self.packages.blockSignals(False)
        self.validate()

    def remove_package(self) -> None:
        rows = sorted({index.row() for index in self.packages.selectedIndexes()}
                      or ({self.packages.currentRow()} if self.packages.currentRow() >= 0 else set()), reverse=True)
        for row in rows:
            self.packages.removeRow(row)
        self.validate()

    def set_package(self, row: int, weight: str, length: str = "", width: str = "", height: str = "") -> None:
        """Fill in a package row, as typing into its cells would."""
        while self.packages.rowCount() <= row:
            self.add_package()
        for column, text in zip((WEIGHT, LENGTH, WIDTH, HEIGHT), (weight, length, width, height)):
            cell = self.packages.item(row, column)
            assert cell is not None
            cell.setText(text)

    def _cell(self, row: int, column: int) -> str:
        item = self.packages.item(row, column)
        return item.text().strip() if item is not None else ""

    # -- checking -----------------------------------------------------------------------

    def _quantity_changed(self, line_no: int) -> None:
        line = next(line for line in self.order.lines if line.line_no == line_no)
        if line.serialized and line_no not in self._serials_typed:
            # Follow the quantity with the recorded serials until the user types their own.
            self.serial_edits[line_no].setText(", ".join(line.unshipped_serials[: self._quantity(line_no)]))
        self.validate()

    def _serials_edited(self, line_no: int) -> None:
        self._serials_typed.add(line_no)
        self.validate()

    def _quantity(self, line_no: int) -> int:
        return int(round(self.quantity_boxes[line_no].value()))

    def quantities(self) -> dict[int, Decimal]:
        """Line number -> quantity leaving now, for the lines with any."""
        result = {}
        for line in self.order.lines:
            box = self.quantity_boxes[line.line_no]
            quantity = Decimal(str(round(box.value(), box.decimals())))
            if quantity > 0:
                result[line.line_no] = quantity
        return result

    def serials(self) -> dict[int, list[str]]:
        return {line.line_no: [s.strip() for s in self.serial_edits[line.line_no].text().replace(";", ",").split(",")
                               if s.strip()]
                for line in self.order.lines if line.serialized}

    def package_specs(self) -> tuple[list[PackageSpec], list[str]]:
        specs: list[PackageSpec] = []
        problems: list[str] = []
        for row in range(self.packages.rowCount()):
            texts = [self._cell(row, column) for column in range(len(PACKAGE_HEADERS))]
            if not any(texts):
                continue  # an empty row is no package
            values: list[Decimal | None] = []
            for header, text in zip(PACKAGE_HEADERS, texts):
                value, problem = _measure(text)
                if problem:
                    problems.append(f"Package {row + 1}: {header.split(' ')[0].lower()} {problem}.")
                values.append(value)
            specs.append(PackageSpec(values[0], values[1], values[2], values[3], reference=f"BOX {len(specs) + 1}"))
        return specs, problems

    def check(self) -> list[str]:
        """What is wrong with the form now, in the words the problems line shows."""
        problems = []
        quantities = self.quantities()
        if not quantities:
            problems.append("Set Ship now on at least one line.")
        serials = self.serials()
        for line in self.order.lines:
            quantity = quantities.get(line.line_no)
            if not line.serialized or quantity is None:
                continue
            typed = serials.get(line.line_no, [])
            duplicates = sorted({s for s in typed if typed.count(s) > 1})
            if duplicates:
                problems.append(f"Line {line.line_no}: serial number {', '.join(duplicates)} appears twice.")
            if typed and len(typed) != quantity:
                problems.append(f"Line {line.line_no}: {len(typed)} serial numbers for {_number(quantity)} units.")
            elif not typed:
                problems.append(f"Line {line.line_no}: {line.product_code} is serialized; enter the serial number "
                                f"of each of the {_number(quantity)} units.")
        for field, label in ((self.carrier, "Carrier"), (self.service_level, "Service level"),
                             (self.tracking, "Tracking number")):
            if len(field.text().strip()) > MAX_TEXT:
                problems.append(f"{label} is longer than {MAX_TEXT} characters.")
        problems += self.package_specs()[1]
        return problems

    def validate(self) -> bool:
        problems = self.check()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)
        return not problems

    # -- storing ------------------------------------------------------------------------

    def request(self) -> ShipmentRequest:
        quantities = self.quantities()
        serials = {no: typed for no, typed in self.serials().items() if no in quantities and typed}
        return ShipmentRequest(
            quantities, serials, self.package_specs()[0],
            carrier=self.carrier.text().strip() or None,
            service_level=self.service_level.text().strip() or None,
            tracking_number=self.tracking.text().strip() or None,
            ship_date=_date(self.ship_date.date()),
        )

    def record(self) -> None:
        """OK: store the shipment in one transaction, or say why not and stay open."""
        if not self.validate():
            return
        request = self.request()
        try:
            with self.store.transaction() as session:
                order = find_order(session, self.order.id)
                shipment = record_shipment(session, order, request, who=self.who,
                                           expected_version=self.order.version)
                self.shipment_number = shipment.number
        except EditRefused as exc:
            self._show_problems([_sentence(str(problem)) for problem in exc.problems])
            return
        except USER_ERRORS as exc:
            self._show_problems([str(exc)])
            return
        self.recorded.emit(self.order.id)
        self.accept()

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(True)


def _measure(text: str) -> tuple[Decimal | None, str | None]:
    """A weight or size as typed (a comma works as the decimal mark), or why it is not one."""
    if not text:
        return None, None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, f"'{text}' is not a number"
    if not value.is_finite() or value <= 0 or value >= Decimal("1e6"):
        return None, f"{text} is not above zero" if value.is_finite() and value <= 0 else f"{text} is not plausible"
    if value != value.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        return None, f"{text} has more than {MAX_DECIMALS} decimal places"
    return value, None


def _number(value: Decimal) -> str:
    return format_value(value) or "0"


def _date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

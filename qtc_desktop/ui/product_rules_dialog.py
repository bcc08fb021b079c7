"""Product rules in the window: which product codes ship, are provisioned or performed, and carry serials."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.orders.rules import RuleView, list_rules, remove_rule, save_rule
from qtc_desktop.store import Store

PATTERN, KIND, SERIALIZED, PRIORITY = range(4)
KINDS = ("ship", "provision", "perform")


class ProductRulesDialog(QDialog):
    """Edit every rule in a table; OK saves them all in one transaction."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Product Rules")
        self.store = store
        self.resize(620, 380)
        intro = QLabel("When an order is created, each line takes the first rule whose pattern matches its "
                       "product code (lowest priority number first; * matches anything, e.g. HW-SRV-*). "
                       "Lines no rule matches: subscriptions are provisioned, services performed, the rest shipped.")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("rules")
        self.table.setHorizontalHeaderLabels(["Product code pattern", "Fulfillment", "Serialized", "Priority"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(PATTERN, QHeaderView.ResizeMode.Stretch)
        add = QPushButton("&Add Rule")
        add.clicked.connect(lambda: self.add_row(RuleView("", "ship", False, 100)))
        remove = QPushButton("&Remove Rule")
        remove.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b91c1c")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        with store.session() as session:
            self._loaded = list_rules(session)
        for rule in self._loaded:
            self.add_row(rule)

    def add_row(self, rule: RuleView) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        pattern = QTableWidgetItem(rule.pattern)
        self.table.setItem(row, PATTERN, pattern)
        kind = QComboBox()
        kind.addItems(KINDS)
        kind.setCurrentText(rule.kind)
        self.table.setCellWidget(row, KIND, kind)
        serialized = QCheckBox()
        serialized.setChecked(rule.serialized)
        self.table.setCellWidget(row, SERIALIZED, serialized)
        priority = QSpinBox()
        priority.setRange(0, 10_000)
        priority.setValue(rule.priority)
        self.table.setCellWidget(row, PRIORITY, priority)
        if not rule.pattern:
            self.table.setCurrentCell(row, PATTERN)
            self.table.editItem(pattern)

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)

    def rules(self) -> list[RuleView]:
        rules = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, PATTERN)
            pattern = item.text().strip().upper() if item is not None else ""
            kind, serialized, priority = (self.table.cellWidget(row, column) for column in (KIND, SERIALIZED, PRIORITY))
            assert isinstance(kind, QComboBox) and isinstance(serialized, QCheckBox) and isinstance(priority, QSpinBox)
            if pattern:
                rules.append(RuleView(pattern, kind.currentText(), serialized.isChecked(), priority.value()))
        return rules

    def accept(self) -> None:
        wanted = self.rules()
        patterns = [rule.pattern for rule in wanted]
        twice = sorted({p for p in patterns if patterns.count(p) > 1})
        if twice:
            self.message.setText(f"Each pattern once, please: {', '.join(twice)} appears twice.")
            return
        try:
            with self.store.transaction() as session:
                for old in self._loaded:
                    if old.pattern not in patterns:
                        remove_rule(session, old.pattern)
                for rule in wanted:
                    save_rule(session, rule.pattern, rule.kind, serialized=rule.serialized, priority=rule.priority)
        except USER_ERRORS as exc:
            self.message.setText(str(exc))
            return
        super().accept()


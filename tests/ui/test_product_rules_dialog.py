"""The Product Rules dialog: rules typed into the table are saved together, or not at all."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from qtc_desktop.services.orders.rules import RuleView, list_rules, save_rule
from qtc_desktop.ui.product_rules_dialog import KIND, PATTERN, PRIORITY, SERIALIZED, ProductRulesDialog


def test_rules_are_added_changed_and_removed_in_one_save(qtbot, empty_store) -> None:
    with empty_store.transaction() as session:
        save_rule(session, "OLD-*", "perform")
        save_rule(session, "KEEP-*", "ship")
    dialog = ProductRulesDialog(empty_store)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    old_row = next(r for r in range(2) if dialog.table.item(r, PATTERN).text() == "OLD-*")
    dialog.table.selectRow(old_row)
    dialog.remove_selected()
    dialog.add_row(RuleView("", "ship", False, 100))
    row = dialog.table.rowCount() - 1
    dialog.table.item(row, PATTERN).setText("hw-srv-*")
    dialog.table.cellWidget(row, SERIALIZED).setChecked(True)
    dialog.table.cellWidget(row, PRIORITY).setValue(3)
    assert isinstance(dialog.table.cellWidget(row, KIND), QComboBox)
    dialog.accept()
    assert dialog.result() == ProductRulesDialog.DialogCode.Accepted
    with empty_store.session() as session:
        assert list_rules(session) == [RuleView("HW-SRV-*", "ship", True, 3), RuleView("KEEP-*", "ship", False, 100)]


def test_a_bad_rule_keeps_the_dialog_open_and_stores_nothing(qtbot, empty_store) -> None:
    dialog = ProductRulesDialog(empty_store)
    qtbot.addWidget(dialog)
    dialog.add_row(RuleView("SUB-*", "provision", False, 100))
    row = dialog.table.rowCount() - 1
    serialized = dialog.table.cellWidget(row, SERIALIZED)
    assert isinstance(serialized, QCheckBox) and isinstance(dialog.table.cellWidget(row, PRIORITY), QSpinBox)
    serialized.setChecked(True)
    dialog.accept()
    assert "serial numbers" in dialog.message.text()
    assert dialog.result() != ProductRulesDialog.DialogCode.Accepted
    with empty_store.session() as session:
        assert list_rules(session) == []

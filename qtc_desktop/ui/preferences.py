"""The Preferences dialog; the preferences themselves live in services/preferences.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from qtc_desktop.services.preferences import PAPER_SIZES, Preferences, os_user


class PreferencesDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(preferences.coordinator_name)
        self.name.setObjectName("coordinatorName")
        self.name.setPlaceholderText(os_user())
        self.name.setToolTip("Your name as the history of every change shows it")
        self.company = QLineEdit(preferences.company_name)
        self.company.setObjectName("companyName")
        self.company.setToolTip("Printed at the top of packing slips and pick lists")
        self.paper = QComboBox()
        self.paper.setObjectName("paperSize")
        self.paper.addItems(PAPER_SIZES)
        self.paper.setCurrentText(preferences.paper_size)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Your &name:", self.name)
        form.addRow("&Company:", self.company)
        form.addRow("&Paper size:", self.paper)
        form.addRow(buttons)

    def preferences(self) -> Preferences:
        return Preferences(self.name.text(), self.paper.currentText(), self.company.text())

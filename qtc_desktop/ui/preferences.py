"""The coordinator's preferences, kept in QSettings beside the window state."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

PAPER_SIZES = ("A4", "Letter")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        return "unknown"


@dataclass
class Preferences:
    coordinator_name: str = ""
    paper_size: str = "A4"
    company_name: str = ""

    @property
    def who(self) -> str:
        """Who the change records name: the coordinator, else the operating-system user."""
        return self.coordinator_name.strip() or _os_user()

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        paper = str(settings.value("preferences/paper_size", "A4"))
        return cls(
            coordinator_name=str(settings.value("preferences/coordinator_name", "")),
            paper_size=paper if paper in PAPER_SIZES else "A4",
            company_name=str(settings.value("preferences/company_name", "")),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("preferences/coordinator_name", self.coordinator_name.strip())
        settings.setValue("preferences/paper_size", self.paper_size)
        settings.setValue("preferences/company_name", self.company_name.strip())


class PreferencesDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.name = QLineEdit(preferences.coordinator_name)
        self.name.setObjectName("coordinatorName")
        self.name.setPlaceholderText(_os_user())
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

"""The Preferences dialog; the preferences themselves live in services/preferences.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from qtc_desktop.resources import resource_path
from qtc_desktop.services.preferences import PAPER_SIZES, Preferences, os_user
from qtc_desktop.store import StoreError, resolve_url

LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
LOGO_FILTER = "PNG or JPEG image (*.png *.jpg *.jpeg)"
LOGO_HEIGHT = 28  # the thumbnail beside the path, in pixels
ADDRESS_LINES = 4


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
        self.address = QPlainTextEdit(preferences.company_address)
        self.address.setObjectName("companyAddress")
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("Street\nPostal code and city\nCountry")
        self.address.setToolTip("Printed under the company name on packing slips, a line for each line here")
        line = self.address.fontMetrics().lineSpacing()
        self.address.setFixedHeight(line * ADDRESS_LINES + 2 * round(self.address.document().documentMargin()) + 6)

        self.logo = QLineEdit(preferences.company_logo)
        self.logo.setObjectName("companyLogo")
        self.logo.setPlaceholderText("The logo that comes with qtc-desktop")
        self.logo.setToolTip("A PNG or JPEG file printed at the top left of packing slips")
        self.logo.textChanged.connect(lambda _text: self._show_logo())
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(LOGO_HEIGHT * 3, LOGO_HEIGHT)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        choose = QPushButton("C&hoose…")
        choose.setObjectName("chooseLogo")
        choose.setAutoDefault(False)
        choose.clicked.connect(self.choose_logo)
        clear = QPushButton("C&lear")
        clear.setObjectName("clearLogo")
        clear.setAutoDefault(False)
        clear.setToolTip("Print the logo that comes with qtc-desktop")
        clear.clicked.connect(self.logo.clear)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(clear)

        self.paper = QComboBox()
        self.paper.setObjectName("paperSize")
        self.paper.addItems(PAPER_SIZES)
        self.paper.setCurrentText(preferences.paper_size)
        self.database = QLineEdit(preferences.database_url)
        self.database.setObjectName("databaseUrl")
        self.database.setPlaceholderText("Blank: this computer's own file")
        self.database.setToolTip("A team's shared database, e.g. postgresql+psycopg://you@server/qtc.\n"
                                 "Used from the next start; --db and QTC_DATABASE_URL win over it.\n"
                                 "Keep the password out of it: PostgreSQL reads it from your .pgpass file.")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b91c1c;")
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Your &name:", self.name)
        form.addRow("&Company:", self.company)
        form.addRow("Company &address:", self.address)
        form.addRow("Company l&ogo:", logo_row)
        form.addRow("&Paper size:", self.paper)
        form.addRow("Team &database:", self.database)
        note = QLabel("Takes effect when qtc-desktop starts again.")
        note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow("", note)
        form.addRow(self.problem)
        form.addRow(buttons)
        self.setMinimumWidth(560)
        self._show_logo()

    def choose_logo(self) -> None:
        current = self.logo.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(self, "Company Logo", start, LOGO_FILTER)
        if chosen:
            self.logo.setText(chosen)

    def logo_problem(self) -> str:
        """Why the logo file cannot be printed, or "" when it can (or none is chosen)."""
        text = self.logo.text().strip()
        if not text:
            return ""
        path = Path(text).expanduser()
        if not path.is_file():
            return f"There is no logo file {path}."
        if path.suffix.lower() not in LOGO_SUFFIXES or not QImageReader(str(path)).canRead():
            return f"The logo {path.name} is not a PNG or JPEG image."
        return ""

    def _show_logo(self) -> None:
        text = self.logo.text().strip()
        path = Path(text).expanduser() if text else resource_path("logo.png")
        pixmap = QPixmap(str(path)) if path.is_file() else QPixmap()
        if pixmap.isNull():
            self.logo_preview.clear()
            return
        ratio = self.devicePixelRatioF()
        scaled = pixmap.scaled(round(self.logo_preview.width() * ratio), round(LOGO_HEIGHT * ratio),
                               Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(ratio)
        self.logo_preview.setPixmap(scaled)

    def database_problem(self) -> str:
        """Why the team database is not usable as written, or "" (blank is this computer's file)."""
        text = self.database.text().strip()
        if not text:
            return ""
        if "://" not in text:
            return f"The team database is a URL such as postgresql+psycopg://you@server/qtc, not {text!r}."
        try:
            url = resolve_url(text)
        except StoreError as exc:
            return str(exc)
        if url.password:
            return "Leave the password out of the team database URL: put it in your .pgpass file (see the README)."
        return ""

    def accept(self) -> None:
        for problem, field in ((self.logo_problem(), self.logo), (self.database_problem(), self.database)):
            self.problem.setText(problem)
            self.problem.setVisible(bool(problem))
            if problem:
                field.setFocus()
                return
        super().accept()

    def preferences(self) -> Preferences:
        return Preferences(coordinator_name=self.name.text(), paper_size=self.paper.currentText(),
                           company_name=self.company.text(), company_address=self.address.toPlainText(),
                           company_logo=self.logo.text(), database_url=self.database.text())

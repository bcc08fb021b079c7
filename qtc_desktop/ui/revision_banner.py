"""The banner over an order while a newer revision of its quote waits to be reviewed."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from qtc_desktop.services.orders.revising import RevisionProposal


class RevisionBanner(QFrame):
    """Says which revision arrived and how much it changes; the button opens the review."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revisionBanner")
        self.setStyleSheet("#revisionBanner { background: #fff4d6; border: 1px solid #e5c07b; border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton("Review Changes…")
        self.button.setObjectName("reviewRevision")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def show_proposal(self, proposal: RevisionProposal | None) -> None:
        """The revision waiting for the order, or None (hidden)."""
        if proposal is None:
            self.hide()
            return
        count = len(proposal.lines)
        self.label.setText(
            f"<b>Quote {proposal.quote_number} revision {proposal.to_revision} has arrived</b>; this order "
            f"follows revision {proposal.from_revision}. "
            + (f"{count} line change{'s' if count != 1 else ''} to review." if count else
               "It changes nothing this order carries."))
        self.show()

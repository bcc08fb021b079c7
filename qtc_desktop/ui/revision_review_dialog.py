"""Review Quote Revision: take a new revision of the quote over onto its open order, change by change."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qtc_desktop.services.errors import USER_ERRORS, QtcError
from qtc_desktop.services.orders.errors import StaleOrder
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.revising import LineProposal, RevisionProposal, apply_revision, pending_revision
from qtc_desktop.store import Store

TITLE = "Review Quote Revision"
CHANGE, LINE, PRODUCT, DETAIL = range(4)
HEADERS = ("Change", "Line", "Product", "What changes")
KIND_TEXT = {"added": "Add", "removed": "Remove", "changed": "Change"}
BLOCKED_COLOR = "#b91c1c"
KeyRole = Qt.ItemDataRole.UserRole


class RevisionReviewDialog(QDialog):
    """The changes a newer quote revision brings to one open order, each with a checkbox.

    Raises a QtcError (or StoreError) when the order cannot be read or follows the newest
    revision already; `review_revision` shows that to the coordinator.
    """

    def __init__(self, store: Store, order_id: int, who: str, parent: QWidget | None = None, *,
                 expected_version: int | None = None) -> None:
        pending = read_pending(store, order_id)  # before any widget exists: it may raise
        super().__init__(parent)
        self.setObjectName("revisionReviewDialog")
        self.store = store
        self.order_id = order_id
        self.who = who
        self.given_version = expected_version
        self.applied: list[str] = []
        self.resize(780, 420)

        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.intro = QLabel()
        self.intro.setObjectName("intro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QTreeWidget()
        self.list.setObjectName("proposals")
        self.list.setColumnCount(len(HEADERS))
        self.list.setHeaderLabels(HEADERS)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.header().setStretchLastSection(True)
        self.list.itemChanged.connect(self._update_buttons)
        self.note = QLabel()
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox()
        self.apply_button = QPushButton("&Apply Selected")
        self.apply_button.setObjectName("applySelected")
        self.follow_button = QPushButton("&Follow Revision")
        self.follow_button.setObjectName("followRevision")
        buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.follow_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button.clicked.connect(self.apply_selected)
        self.follow_button.clicked.connect(self.follow_revision)
        buttons.rejected.connect(self.reject)
        self.apply_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.show_pending(pending)

    # -- reading ------------------------------------------------------------------------

    def show_pending(self, pending: PendingRevision) -> None:
        """Fill the list with what the newest revision would change on the order."""
        proposal, number = pending.proposal, pending.order_number
        self.proposal = proposal
        self.order_number = number
        self.loaded_version = pending.version
        self.setWindowTitle(f"{TITLE} — {number}")
        self.heading.setText(f"<b>Quote {escape(proposal.quote_number)} revision {proposal.to_revision} has arrived; "
                             f"this order follows revision {proposal.from_revision}.</b>")
        self.intro.setText(f"Order {number} for {pending.account}. Tick the changes to take over; what you "
                           "filled in on the order (serial numbers, dates, locations) stays as it is.")
        self.list.blockSignals(True)
        self.list.clear()
        for line in proposal.lines:
            self.list.addTopLevelItem(_proposal_item(line, proposal))
        self.list.blockSignals(False)
        for column in range(len(HEADERS) - 1):
            self.list.resizeColumnToContents(column)
        revision = proposal.to_revision
        self.list.setVisible(bool(proposal.lines))
        if proposal.lines:
            self.note.setText(f"<b>Apply Selected</b> takes over the ticked changes; the order follows revision "
                              f"{revision} once none is left. <b>Follow Revision</b> also makes it follow revision "
                              f"{revision} now, keeping the unticked lines as the order has them.")
        else:
            self.note.setText(f"Revision {revision} changes nothing on this order's lines (prices or terms only). "
                              f"<b>Follow Revision</b> makes the order follow it.")
        self._update_buttons()

    @property
    def expected_version(self) -> int:
        """The order's version the choices were made against: the caller's, else the one read here."""
        return self.given_version if self.given_version is not None else self.loaded_version

    def items(self) -> dict[str, QTreeWidgetItem]:
        """The list's rows by change key ("line 3", "new 5")."""
        rows = (self.list.topLevelItem(row) for row in range(self.list.topLevelItemCount()))
        return {item.data(CHANGE, KeyRole): item for item in rows if item is not None}

    def checked_keys(self) -> list[str]:
        return [key for key, item in self.items().items() if item.checkState(CHANGE) == Qt.CheckState.Checked]

    def _update_buttons(self) -> None:
        self.apply_button.setEnabled(bool(self.checked_keys()))

    # -- applying -----------------------------------------------------------------------

    def apply_selected(self) -> None:
        self._apply(follow=False)

    def follow_revision(self) -> None:
        self._apply(follow=True)

    def _apply(self, *, follow: bool) -> None:
        """One transaction: the ticked changes (and with `follow` the new revision), or nothing."""
        keys = self.checked_keys()
        try:
            with self.store.transaction() as session:
                order = find_order(session, self.order_id)
                applied = apply_revision(session, order, keys, who=self.who, follow=follow,
                                         expected_version=self.expected_version)
        except StaleOrder as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            if self.given_version is None:
                self._reload()
            return
        except USER_ERRORS as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            return
        self.applied = applied
        self.accept()

    def _reload(self) -> None:
        """After someone else saved the order: show what is pending now (the ticks start afresh)."""
        try:
            self.show_pending(read_pending(self.store, self.order_id))
        except USER_ERRORS as exc:
            QMessageBox.warning(self, TITLE, str(exc))
            self.reject()


@dataclass(frozen=True)
class PendingRevision:
    order_number: str
    account: str
    version: int
    proposal: RevisionProposal


def read_pending(store: Store, order_id: int) -> PendingRevision:
    """The order and what its quote's newest revision would change on it; a QtcError when nothing would."""
    with store.session() as session:
        order = find_order(session, order_id)
        proposal = pending_revision(session, order)
        number, account, version = order.number, order.account.name, order.version
        quote_number = order.quote.number
    if proposal is None:
        raise QtcError(f"Order {number} follows the newest revision of quote {quote_number}: "
                       "there is nothing to review.")
    return PendingRevision(number, account, version, proposal)


def _proposal_item(line: LineProposal, proposal: RevisionProposal) -> QTreeWidgetItem:
    item = QTreeWidgetItem([KIND_TEXT[line.kind], "", line.product_code, _detail(line, proposal)])
    item.setData(CHANGE, KeyRole, line.key)
    item.setData(LINE, Qt.ItemDataRole.DisplayRole, line.line_no)
    item.setTextAlignment(LINE, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if line.blocked:
        item.setFlags(Qt.ItemFlag.ItemNeverHasChildren)  # shown, neither enabled nor checkable
        item.setCheckState(CHANGE, Qt.CheckState.Unchecked)
        item.setForeground(DETAIL, QBrush(QColor(BLOCKED_COLOR)))
        item.setToolTip(DETAIL, f"Cannot apply: {line.blocked}")
    else:
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemNeverHasChildren)
        item.setCheckState(CHANGE, Qt.CheckState.Checked)
    return item


def _detail(line: LineProposal, proposal: RevisionProposal) -> str:
    if line.kind == "changed":
        text = ", ".join(f"{change.label} {change.current or '(blank)'} → "
                         f"{change.proposed or '(blank)'}" for change in line.fields)
    elif line.kind == "added":
        text = f"new in revision {proposal.to_revision}"
    else:
        text = f"not in revision {proposal.to_revision}"
    return f"{text} — cannot apply: {line.blocked}" if line.blocked else text


def review_revision(parent: QWidget | None, store: Store, order_id: int, who: str,
                    expected_version: int | None = None) -> list[str] | None:
    """Show the review for the order; what was applied, or None when cancelled or nothing was pending."""
    try:
        dialog = RevisionReviewDialog(store, order_id, who, parent, expected_version=expected_version)
    except USER_ERRORS as exc:
        QMessageBox.warning(parent, TITLE, str(exc))
        return None
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.applied if accepted else None
    finally:
        dialog.deleteLater()

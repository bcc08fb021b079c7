"""Quote revisions in the window: Compare Revisions shows what a revision changed, Review Quote
Revision takes it over onto the order made from the earlier one, change by change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QTreeWidgetItem
from sqlalchemy import select

from window_helpers import make_window
from qtc_desktop.domain import ChangeRecord, ChangeSource, OrderStatus, Quote
from qtc_desktop.services.importing.service import import_file
from qtc_desktop.services.lists import ORDERS
from qtc_desktop.services.orders.creation import create_order
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.services.orders.revising import pending_revision
from qtc_desktop.services.orders.shipping import ShipmentRequest, record_shipment
from qtc_desktop.store import OpenedStore, open_store, resolve_url
from qtc_desktop.ui.main_window import TAB_ORDERS, TAB_QUOTES, MainWindow
from qtc_desktop.ui.revision_diff_dialog import RevisionDiffDialog
from qtc_desktop.ui.revision_review_dialog import RevisionReviewDialog, review_revision

HEADERS = ["Quote Number", "Revision", "Account ID", "Account Name", "Line", "Product Code", "Product Name",
           "Product Family", "Quantity", "Net Price", "Net Total"]
CONTOSO = ["001Cn00000XyZ12", "Contoso GmbH"]
SWITCHES, ACCESS_POINTS, SINGLE = "Q-2026-0077", "Q-2026-0078", "Q-2026-0093"
REVISION_1 = [
    [SWITCHES, 1, *CONTOSO, 1, "HW-SW-48P", "Switch 48 port", "Hardware", 3, 2100, 6300],
    [SWITCHES, 1, *CONTOSO, 2, "CBL-CAT6-3M", "Patch cable Cat6 3 m", "Accessories", 40, 4.5, 180],
    [SWITCHES, 1, *CONTOSO, 3, "HW-SFP-10G", "SFP+ module 10G", "Hardware", 6, 120, 720],
    [ACCESS_POINTS, 1, *CONTOSO, 1, "HW-AP-6", "Wi-Fi 6 access point", "Hardware", 10, 310, 3100],
    [ACCESS_POINTS, 1, *CONTOSO, 2, "CBL-CAT6-1M", "Patch cable Cat6 1 m", "Accessories", 20, 3, 60],
    [SINGLE, 1, *CONTOSO, 1, "HW-RACK-42U", "Rack cabinet 42U", "Hardware", 1, 1400, 1400],
]
# The customer took a fourth switch, dropped the cables, got a better SFP price and added power supplies.
REVISION_2 = [
    [SWITCHES, 2, *CONTOSO, 1, "HW-SW-48P", "Switch 48 port", "Hardware", 4, 2100, 8400],
    [SWITCHES, 2, *CONTOSO, 3, "HW-SFP-10G", "SFP+ module 10G", "Hardware", 6, 110, 660],
    [SWITCHES, 2, *CONTOSO, 4, "HW-PSU-650", "Redundant power supply", "Hardware", 2, 190, 380],
    # Five of these cables have shipped already: removing the line is blocked on the order.
    [ACCESS_POINTS, 2, *CONTOSO, 1, "HW-AP-6", "Wi-Fi 6 access point", "Hardware", 12, 310, 3720],
]


def _write(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Quote Lines"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    book.close()
    return path


def _import(store: OpenedStore, path: Path) -> None:
    with store.transaction() as session:
        result = import_file(session, path, who="importer")
        assert result.ok, result.problems


@pytest.fixture(scope="module")
def revised_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Orders made from revision 1, then revision 2 imported; made once (importing spawns a reader)."""
    folder = tmp_path_factory.mktemp("revisions")
    path = folder / "revised.sqlite3"
    store = open_store(resolve_url(str(path)))
    try:
        _import(store, _write(folder / "revision-1.xlsx", REVISION_1))
        with store.transaction() as session:
            for number in (SWITCHES, ACCESS_POINTS, SINGLE):
                create_order(session, number, who="maria")
        with store.transaction(who="test setup") as session:
            order = find_order(session, _order_id(session, ACCESS_POINTS))
            order.status = OrderStatus.CONFIRMED
        with store.transaction() as session:
            order = find_order(session, _order_id(session, ACCESS_POINTS))
            record_shipment(session, order, ShipmentRequest({2: Decimal(5)}, tracking_number="1Z999AA10123456784"),
                            who="jo")
        _import(store, _write(folder / "revision-2.xlsx", REVISION_2))
    finally:
        store.close()
    return path


def _order_id(session, quote_number: str) -> int:  # type: ignore[no-untyped-def]
    quote = session.scalars(select(Quote).where(Quote.number == quote_number, Quote.revision == 1)).one()
    (order,) = quote.orders
    return order.id


@pytest.fixture
def store(tmp_path: Path, revised_database: Path) -> Iterator[OpenedStore]:
    path = tmp_path / "revised.sqlite3"
    shutil.copyfile(revised_database, path)
    opened = open_store(resolve_url(str(path)))
    yield opened
    opened.close()


@pytest.fixture
def ids(store: OpenedStore) -> dict[str, int]:
    """Order ids by quote number, and the quotes' newest revision ids as 'quote <number>'."""
    with store.session() as session:
        found = {number: _order_id(session, number) for number in (SWITCHES, ACCESS_POINTS, SINGLE)}
        for quote in session.scalars(select(Quote).where(~Quote.superseded)):
            found[f"quote {quote.number}"] = quote.id
    return found


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


def _rows(tree) -> list[QTreeWidgetItem]:  # type: ignore[no-untyped-def]
    return [tree.topLevelItem(row) for row in range(tree.topLevelItemCount())]


def _texts(item: QTreeWidgetItem) -> list[str]:
    return [item.text(column) for column in range(item.columnCount())]


def _diff_rows(dialog: RevisionDiffDialog) -> dict[str, tuple[str, str]]:
    """Line number -> (change, product) as the tree shows them."""
    return {item.text(0): (item.text(2), item.text(1)) for item in _rows(dialog.tree)}


def _children(item: QTreeWidgetItem) -> dict[str, tuple[str, str]]:
    """Field -> (before, after) of a changed line."""
    children = [item.child(row) for row in range(item.childCount())]
    return {child.text(2): (child.text(3), child.text(4)) for child in children}


# -- Compare Revisions --------------------------------------------------------------------


def test_compare_revisions_from_the_quotes_tab_shows_lines_added_removed_and_changed(
        qtbot, store, settings, ids, warnings) -> None:
    window = make_window(qtbot, store, settings)
    window.tabs.setCurrentIndex(TAB_QUOTES)
    quotes = window.current_page()
    assert quotes.select_id(ids[f"quote {SWITCHES}"])
    action = window.order_actions.action_compare_revisions
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+D"
    assert action in window.order_actions.menu.actions()

    qtbot.keyClick(quotes.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    dialog = window.order_actions.diff_dialog
    assert dialog is not None and dialog.isVisible() and warnings == []
    assert SWITCHES in dialog.windowTitle()
    assert (dialog.from_box.currentText(), dialog.to_box.currentText()) == ("Revision 1", "Revision 2")
    assert _diff_rows(dialog) == {"1": ("Changed", "HW-SW-48P"), "2": ("Removed", "CBL-CAT6-3M"),
                                  "3": ("Changed", "HW-SFP-10G"), "4": ("Added", "HW-PSU-650")}
    first, removed, sfp, added = _rows(dialog.tree)
    assert _children(first) == {"quantity": ("3", "4"), "net total": ("6300", "8400")}
    assert _children(sfp) == {"net price": ("120", "110"), "net total": ("720", "660")}
    assert removed.childCount() == 0 and added.childCount() == 0
    assert first.isExpanded()
    assert dialog.summary.text() == "2 lines changed, 1 added, 1 removed"

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_switching_the_revision_boxes_compares_other_revisions(qtbot, store, warnings) -> None:
    dialog = RevisionDiffDialog(store, SWITCHES)
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "2 lines changed, 1 added, 1 removed"

    dialog.to_box.setCurrentIndex(dialog.to_box.findData(1))
    assert dialog.tree.topLevelItemCount() == 0
    assert dialog.summary.text().startswith("No line changed")

    dialog.from_box.setCurrentIndex(dialog.from_box.findData(2))  # the other way round
    assert _diff_rows(dialog) == {"1": ("Changed", "HW-SW-48P"), "2": ("Added", "CBL-CAT6-3M"),
                                  "3": ("Changed", "HW-SFP-10G"), "4": ("Removed", "HW-PSU-650")}
    assert _children(_rows(dialog.tree)[0])["quantity"] == ("4", "3")
    assert "revision 1 against revision 2" in dialog.heading.text()


def test_compare_revisions_for_an_order_compares_its_revision_with_the_newest(
        qtbot, store, settings, ids, warnings) -> None:
    window = make_window(qtbot, store, settings)
    window.tabs.setCurrentIndex(TAB_ORDERS)
    assert window.current_page().select_id(ids[ACCESS_POINTS])
    window.order_actions.action_compare_revisions.trigger()
    dialog = window.order_actions.diff_dialog
    assert dialog is not None and dialog.number == ACCESS_POINTS
    assert (dialog.from_box.currentData(), dialog.to_box.currentData()) == (1, 2)
    assert _diff_rows(dialog) == {"1": ("Changed", "HW-AP-6"), "2": ("Removed", "CBL-CAT6-1M")}
    assert dialog.summary.text() == "1 line changed, 1 removed"


def test_a_quote_with_one_revision_says_there_is_nothing_to_compare(qtbot, store) -> None:
    dialog = RevisionDiffDialog(store, SINGLE)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "only revision 1" in dialog.heading.text()
    assert not dialog.tree.isVisible() and not dialog.from_box.isEnabled() and not dialog.to_box.isEnabled()


# -- Review Quote Revision ----------------------------------------------------------------


def _review(qtbot, store: OpenedStore, order_id: int, **kwargs) -> RevisionReviewDialog:  # type: ignore[no-untyped-def]
    dialog = RevisionReviewDialog(store, order_id, "Dana Coordinator", **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _line_quantities(store: OpenedStore, order_id: int) -> dict[int, str]:
    with store.session() as session:
        return {line.line_no: f"{line.quantity.normalize():f}" for line in find_order(session, order_id).lines}


def _pending_keys(store: OpenedStore, order_id: int) -> list[str] | None:
    with store.session() as session:
        proposal = pending_revision(session, find_order(session, order_id))
        return None if proposal is None else [line.key for line in proposal.lines]


def test_the_review_lists_each_change_ticked(qtbot, store, ids) -> None:
    dialog = _review(qtbot, store, ids[SWITCHES])
    assert f"Quote {SWITCHES} revision 2 has arrived; this order follows revision 1" in dialog.heading.text()
    rows = {item.data(0, Qt.ItemDataRole.UserRole): _texts(item) for item in _rows(dialog.list)}
    assert rows == {
        "line 1": ["Change", "1", "HW-SW-48P", "quantity 3 → 4"],
        "line 2": ["Remove", "2", "CBL-CAT6-3M", "not in revision 2"],
        "new 4": ["Add", "4", "HW-PSU-650", "new in revision 2"],
    }
    assert dialog.checked_keys() == ["line 1", "line 2", "new 4"]
    assert dialog.apply_button.isEnabled() and dialog.follow_button.isEnabled()


def test_applying_one_ticked_change_changes_that_line_and_leaves_the_rest_pending(
        qtbot, store, ids, warnings) -> None:
    order_id = ids[SWITCHES]
    dialog = _review(qtbot, store, order_id)
    items = dialog.items()
    items["line 2"].setCheckState(0, Qt.CheckState.Unchecked)
    items["new 4"].setCheckState(0, Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    assert warnings == []
    assert dialog.applied == ["line 1 HW-SW-48P: quantity 3 → 4"]
    assert _line_quantities(store, order_id) == {1: "4", 2: "40", 3: "6"}
    assert _pending_keys(store, order_id) == ["line 2", "new 4"]
    with store.session() as session:
        assert find_order(session, order_id).quote.revision == 1
        record = session.scalars(select(ChangeRecord).where(ChangeRecord.order_id == order_id,
                                                            ChangeRecord.field == "quantity")).one()
        assert (record.who, record.source, record.old_value, record.new_value) == (
            "Dana Coordinator", ChangeSource.QUOTE_REVISION, "3", "4")


def test_unticking_every_change_disables_apply_selected(qtbot, store, ids) -> None:
    dialog = _review(qtbot, store, ids[SWITCHES])
    for item in dialog.items().values():
        item.setCheckState(0, Qt.CheckState.Unchecked)
    assert not dialog.apply_button.isEnabled() and dialog.follow_button.isEnabled()


def test_follow_revision_makes_the_order_follow_revision_2_keeping_unticked_lines(
        qtbot, store, ids, warnings) -> None:
    order_id = ids[SWITCHES]
    dialog = _review(qtbot, store, order_id)
    dialog.items()["line 2"].setCheckState(0, Qt.CheckState.Unchecked)  # keep the cables for now
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.follow_button, Qt.MouseButton.LeftButton)

    assert warnings == []
    assert dialog.applied[-1] == f"follows {SWITCHES} revision 2"
    assert _line_quantities(store, order_id) == {1: "4", 2: "40", 3: "6", 4: "2"}
    assert _pending_keys(store, order_id) is None
    with store.session() as session:
        assert find_order(session, order_id).quote.revision == 2


def test_a_change_the_order_cannot_take_is_shown_disabled_with_its_reason(qtbot, store, ids, warnings) -> None:
    order_id = ids[ACCESS_POINTS]
    dialog = _review(qtbot, store, order_id)
    blocked = dialog.items()["line 2"]
    assert not blocked.flags() & Qt.ItemFlag.ItemIsEnabled
    assert not blocked.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert blocked.checkState(0) == Qt.CheckState.Unchecked
    assert blocked.text(3) == "not in revision 2 — cannot apply: 5 already shipped"
    assert dialog.checked_keys() == ["line 1"]

    # Were it ticked anyway, the service refuses it and the other change is not made either.
    blocked.setCheckState(0, Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert warnings == ["Cannot apply line 2: 5 already shipped."]
    assert dialog.isVisible() and dialog.applied == []
    assert _line_quantities(store, order_id) == {1: "10", 2: "20"}


def test_an_order_saved_meanwhile_is_not_overwritten_and_the_review_reads_it_again(
        qtbot, store, ids, warnings) -> None:
    order_id = ids[SWITCHES]
    dialog = _review(qtbot, store, order_id)
    with store.transaction() as session:  # another window saves the order
        apply_edit(session, find_order(session, order_id), OrderEdit({}, {1: {"quantity": "2"}}), who="maria")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    (message,) = warnings
    assert "was changed since you opened it" in message
    assert dialog.isVisible() and dialog.applied == []
    assert _line_quantities(store, order_id)[1] == "2"
    assert dialog.items()["line 1"].text(3) == "quantity 2 → 4"  # read again


def test_review_revision_says_when_nothing_is_pending(qtbot, store, ids, warnings) -> None:
    assert review_revision(None, store, ids[SINGLE], "Dana Coordinator") is None
    assert warnings == [f"Order {_number(store, ids[SINGLE])} follows the newest revision of quote {SINGLE}: "
                        "there is nothing to review."]


def _number(store: OpenedStore, order_id: int) -> str:
    with store.session() as session:
        return find_order(session, order_id).number


def _net_total_listed(page, order_id: int) -> str:  # type: ignore[no-untyped-def]
    row = page.model.row_of(order_id)
    assert row is not None
    return page.model.data(page.model.index(row, ORDERS.column_index("net_total")))


def test_review_quote_revision_from_the_orders_list(qtbot, store, settings, ids, warnings, monkeypatch) -> None:
    window: MainWindow = make_window(qtbot, store, settings, coordinator="Dana Coordinator")
    window.tabs.setCurrentIndex(TAB_ORDERS)
    orders = window.current_page()
    action = window.order_actions.action_review_revision
    assert action in window.order_actions.menu.actions()
    assert orders.select_id(ids[SINGLE])
    assert not action.isEnabled()  # its quote has one revision
    assert orders.select_id(ids[SWITCHES])
    assert action.isEnabled()
    assert _net_total_listed(orders, ids[SWITCHES]) == "7,200.00"  # revision 1's

    def take_everything(dialog: RevisionReviewDialog) -> int:
        assert dialog.checked_keys() == ["line 1", "line 2", "new 4"]
        dialog.apply_button.click()
        return int(QDialog.DialogCode.Accepted if dialog.result() else QDialog.DialogCode.Rejected)

    monkeypatch.setattr(RevisionReviewDialog, "exec", take_everything)
    action.trigger()

    assert warnings == []
    assert _line_quantities(store, ids[SWITCHES]) == {1: "4", 3: "6", 4: "2"}
    assert f"follows {SWITCHES} revision 2" in window.statusBar().currentMessage()
    assert orders.current_id() == ids[SWITCHES]
    assert _net_total_listed(orders, ids[SWITCHES]) == "9,440.00"  # the list read the order again
    assert not action.isEnabled()  # nothing left to review
    with store.session() as session:
        changes = session.scalars(select(ChangeRecord).where(ChangeRecord.order_id == ids[SWITCHES],
                                                             ChangeRecord.source == ChangeSource.QUOTE_REVISION))
        assert {change.who for change in changes} == {"Dana Coordinator"}


def test_the_order_editor_shows_the_new_revision_and_its_review_applies_it(
        qtbot, store, ids, warnings, monkeypatch) -> None:
    import qtc_desktop.ui.order_editor as editor_module
    from qtc_desktop.ui.order_editor import OrderEditor

    order_id = ids[SWITCHES]
    editor = OrderEditor(store, order_id, "Dana Coordinator")
    qtbot.addWidget(editor)
    editor.show()
    assert editor.revision_banner.isVisible()
    assert f"Quote {SWITCHES} revision 2 has arrived" in editor.revision_label.text()
    assert "3 line changes to review" in editor.revision_label.text()

    def tick_all_and_follow(parent, store_, order_id_, who, expected_version=None):  # type: ignore[no-untyped-def]
        dialog = RevisionReviewDialog(store_, order_id_, who, parent, expected_version=expected_version)
        qtbot.addWidget(dialog)
        dialog.items()["line 2"].setCheckState(0, Qt.CheckState.Unchecked)  # keep the cables
        qtbot.mouseClick(dialog.follow_button, Qt.MouseButton.LeftButton)
        return dialog.applied

    monkeypatch.setattr(editor_module, "review_revision", tick_all_and_follow)
    qtbot.mouseClick(editor.review_button, Qt.MouseButton.LeftButton)

    assert warnings == []
    assert not editor.revision_banner.isVisible()
    assert "quote Q-2026-0077 rev 2" in editor.subtitle_label.text()
    assert _line_quantities(store, order_id) == {1: "4", 2: "40", 3: "6", 4: "2"}
    assert _pending_keys(store, order_id) is None
    # With unsaved edits the review waits for a save.
    shown: list[str] = []
    monkeypatch.setattr(editor, "_tell", lambda icon, title, text, details="": shown.append(text))
    editor.revision_banner.show()
    qtbot.keyClicks(editor.form.entries["carrier"].editor, "DHL Express")
    assert editor.is_dirty()
    qtbot.mouseClick(editor.review_button, Qt.MouseButton.LeftButton)
    assert shown == ["Save or undo your edits before applying the quote's revision."]
    monkeypatch.setattr(editor, "_ask", lambda *args: QMessageBox.StandardButton.Discard)
    editor.close()

"""Two coordinators on one database: the window notices what the other saved, and loses nothing.

Alex is a second store on the same database, saving through the services as his own app
would; Dana is the window. Tests call the watcher's poll() and wait for its answer
instead of waiting for the timer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import qtc_desktop.ui.change_watcher as watcher_module
import qtc_desktop.ui.list_model as list_model_module
from qtc_desktop.domain import ChangeRecord, FulfillmentOrder, OrderStatus
from qtc_desktop.services.changes.watching import POLL_SECONDS
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.store import OpenedStore, open_store
from qtc_desktop.ui.change_watcher import ChangeWatcher
from qtc_desktop.ui.main_window import TAB_ORDERS, MainWindow
from qtc_desktop.ui.order_editor import OrderEditor
from window_helpers import make_window

REFUSED = ('connection to server at "db.example" (10.0.0.5), port 5432 failed: Connection refused\n'
           '\tIs the server running on that host and accepting TCP/IP connections?')


class Colleague:
    """Alex, in his own app on the same database."""

    def __init__(self, store: OpenedStore) -> None:
        self.store = open_store(store.url, exclusive=False)

    def saves(self, order_id: int, **fields: str) -> None:
        with self.store.transaction() as session:
            apply_edit(session, find_order(session, order_id), OrderEdit(fields), who="Alex")


class Dialogs:
    """Every message box: recorded, answered as the test says, else Discard (closing) or Escape."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown: list[str] = []
        self.answers: list[str] = []
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._exec(box))

    def _exec(self, box: QMessageBox) -> int:
        self.shown.append(f"{box.text()}\n{box.informativeText()}")
        wanted = self.answers.pop(0) if self.answers else "Discard"
        for button in box.buttons():
            if button.text().replace("&", "") == wanted:
                button.click()
                return box.result()
        assert wanted == "Discard", f"no button {wanted!r} in {[b.text() for b in box.buttons()]}"
        box.escapeButton().click()
        return box.result()


@pytest.fixture
def alex(filled_store: OpenedStore) -> Iterator[Colleague]:
    colleague = Colleague(filled_store)
    yield colleague
    colleague.store.close()


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def window(qtbot, filled_store: OpenedStore, settings, dialogs: Dialogs) -> MainWindow:
    window = make_window(qtbot, filled_store, settings, coordinator="Dana")
    window.tabs.setCurrentIndex(TAB_ORDERS)
    return window


@pytest.fixture
def draft_id(filled_store: OpenedStore) -> int:
    with filled_store.session() as session:
        return session.execute(select(FulfillmentOrder.id).where(FulfillmentOrder.status == OrderStatus.DRAFT)
                               .order_by(FulfillmentOrder.id).limit(1)).scalar_one()


def poll(qtbot, watcher: ChangeWatcher) -> None:
    """One look, answered; in a window, also the lists it had read again (on their own thread)."""
    with qtbot.waitSignal(watcher.polled, timeout=10000):
        watcher.poll()
    window = watcher.parent()
    if isinstance(window, MainWindow):
        qtbot.waitUntil(lambda: not any(page.model.refreshing for page in window.pages), timeout=10000)


def open_editor(qtbot, window: MainWindow, order_id: int) -> OrderEditor:
    editor = window.order_actions.open_editor(order_id)
    assert isinstance(editor, OrderEditor)
    qtbot.waitExposed(editor)
    return editor


def stored(store: OpenedStore, order_id: int) -> FulfillmentOrder:
    with store.session() as session:
        return find_order(session, order_id)


def listed(window: MainWindow, order_id: int, column: str) -> object:
    page = window.pages[TAB_ORDERS]
    row = page.model.row_of(order_id)
    assert row is not None
    return page.model.data(page.model.index(row, page.spec.column_index(column)))


# -- the watcher on its own ----------------------------------------------------------------

def test_the_watcher_reports_each_save_once_with_who_and_which_orders(qtbot, filled_store, alex, draft_id) -> None:
    watcher = ChangeWatcher(filled_store)
    watcher.start()
    assert watcher.timer.isActive() and watcher.timer.interval() == POLL_SECONDS * 1000
    with filled_store.session() as session:
        other_id = session.execute(select(FulfillmentOrder.id).where(FulfillmentOrder.id != draft_id,
                                                                     FulfillmentOrder.status == OrderStatus.DRAFT)
                                   .limit(1)).scalar_one()
    alex.saves(draft_id, carrier="UPS")
    alex.saves(other_id, customer_po="PO-4471", warehouse="AMS-2")
    found = []
    watcher.changed.connect(found.append)
    poll(qtbot, watcher)
    assert len(found) == 1
    assert found[0].summary == "3 changes saved by Alex"
    assert found[0].orders == {draft_id, other_id} and found[0].people == ("Alex",)

    with qtbot.assertNotEmitted(watcher.changed):
        poll(qtbot, watcher)  # nothing new since
    watcher.stop()
    assert not watcher.timer.isActive()


def test_a_bug_in_a_look_is_raised_on_the_windows_thread_not_swallowed(qtbot, filled_store, monkeypatch) -> None:
    def broken(session, since):
        raise ValueError("a bug in the query")

    watcher = ChangeWatcher(filled_store)
    watcher.start()
    monkeypatch.setattr(watcher_module, "changes_after", broken)
    with qtbot.captureExceptions() as exceptions:
        poll(qtbot, watcher)
    watcher.stop()
    assert [str(exc) for _kind, exc, _trace in exceptions] == ["a bug in the query"]
    assert not watcher.lost


# -- the lists -------------------------------------------------------------------------------

def test_a_colleagues_save_reaches_the_orders_list_keeping_the_selection(qtbot, window, alex) -> None:
    page = window.current_page()
    chosen = [page.model.row_id(row) for row in (3, 4, 5, 9)]
    page.select_id(chosen[0])
    for row_id in chosen[1:]:
        row = page.model.row_of(row_id)
        page.table.selectionModel().select(page.model.index(row, 0), page.table.selectionModel().SelectionFlag.Select
                                           | page.table.selectionModel().SelectionFlag.Rows)
    assert page.selected_ids() == chosen

    alex.saves(chosen[1], carrier="UPS Worldwide")
    assert listed(window, chosen[1], "carrier") != "UPS Worldwide"
    poll(qtbot, window.watcher)

    assert listed(window, chosen[1], "carrier") == "UPS Worldwide"
    assert page.current_id() == chosen[0] and page.selected_ids() == chosen
    assert window.statusBar().currentMessage() == "1 change saved by Alex — lists updated"


def hold_background_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """(started, release): a list read on a thread other than the window's waits for `release`."""
    started, release = threading.Event(), threading.Event()
    reading = list_model_module.row_ids

    def row_ids(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            started.set()
            assert release.wait(10), "the test never released the read"
        return reading(*args, **kwargs)

    monkeypatch.setattr(list_model_module, "row_ids", row_ids)
    return started, release


def test_a_colleagues_save_is_read_without_making_the_window_wait(qtbot, window, alex, monkeypatch) -> None:
    page = window.current_page()
    order_id = page.model.row_id(2)
    page.select_id(order_id)
    started, release = hold_background_reads(monkeypatch)
    alex.saves(order_id, carrier="UPS Worldwide")
    with qtbot.waitSignal(window.watcher.polled, timeout=10000):
        window.watcher.poll()
    assert started.wait(10) and page.model.refreshing
    # The server is slow to answer: the window goes on working, with the rows it had.
    qtbot.wait(100)
    page.table.selectRow(3)
    assert listed(window, order_id, "carrier") != "UPS Worldwide"
    clicked = page.current_id()
    release.set()
    qtbot.waitUntil(lambda: not page.model.refreshing, timeout=10000)
    assert listed(window, order_id, "carrier") == "UPS Worldwide"
    assert page.current_id() == clicked  # the click made while it was read is kept
    assert window.statusBar().currentMessage() == "1 change saved by Alex — lists updated"


def test_a_search_typed_while_a_colleagues_save_is_read_wins(qtbot, window, alex, monkeypatch) -> None:
    page = window.current_page()
    order_id = page.model.row_id(0)
    started, release = hold_background_reads(monkeypatch)
    alex.saves(order_id, carrier="UPS Worldwide")
    with qtbot.waitSignal(window.watcher.polled, timeout=10000):
        window.watcher.poll()
    assert started.wait(10)
    number = listed(window, order_id, "number")
    page.model.set_search(str(number))  # read at once, on the window's thread
    assert page.model.rowCount() == 1 and not page.model.refreshing
    with qtbot.waitSignal(page.model._read_in_background, timeout=10000):  # it arrives, and is dropped
        release.set()
    assert page.model.rowCount() == 1 and page.model.row_id(0) == order_id
    assert listed(window, order_id, "carrier") == "UPS Worldwide"  # the search read it anyway


# -- open orders -------------------------------------------------------------------------------

def test_an_open_order_without_edits_reloads_and_says_who_changed_what(qtbot, window, alex, draft_id,
                                                                        filled_store) -> None:
    editor = open_editor(qtbot, window, draft_id)
    before = stored(filled_store, draft_id).carrier or "(blank)"
    alex.saves(draft_id, carrier="UPS")
    poll(qtbot, window.watcher)

    assert editor.form.text("carrier") == "UPS"
    assert not editor.isWindowModified() and not editor.others.banner.isVisible()
    assert editor.statusBar().currentMessage() == f"Reloaded: Alex changed carrier {before} → UPS."
    assert editor.version == stored(filled_store, draft_id).version


def test_an_open_order_with_edits_shows_the_banner_and_applies_mine_on_top(qtbot, window, alex, draft_id,
                                                                           filled_store) -> None:
    editor = open_editor(qtbot, window, draft_id)
    carrier_before = editor.form.text("carrier")
    editor.form.set_by_user("customer_po", "PO-DANA-7")
    alex.saves(draft_id, carrier="UPS")
    poll(qtbot, window.watcher)

    banner = editor.others.banner
    assert banner.isVisible()
    assert "Alex saved this order while you were editing it" in banner.label.text()
    assert "Alex: carrier" in banner.label.text() and "→ UPS" in banner.label.text()
    # Nothing of either side moved: Dana's edit is on screen, unsaved; Alex's is only listed.
    assert editor.form.text("customer_po") == "PO-DANA-7" and editor.form.text("carrier") == carrier_before
    assert editor.isWindowModified() and stored(filled_store, draft_id).customer_po != "PO-DANA-7"

    qtbot.mouseClick(banner.apply_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert editor.form.text("carrier") == "UPS" and editor.form.text("customer_po") == "PO-DANA-7"
    assert editor.isWindowModified()
    assert stored(filled_store, draft_id).customer_po != "PO-DANA-7"  # still only on screen

    with qtbot.waitSignal(editor.saved):
        assert editor.save()
    order = stored(filled_store, draft_id)
    assert (order.carrier, order.customer_po) == ("UPS", "PO-DANA-7")
    with filled_store.session() as session:
        records = session.execute(select(ChangeRecord.who, ChangeRecord.field, ChangeRecord.new_value)
                                  .where(ChangeRecord.order_id == draft_id, ChangeRecord.who.in_(["Alex", "Dana"]))
                                  .order_by(ChangeRecord.id)).all()
    assert [tuple(record) for record in records] == [("Alex", "carrier", "UPS"), ("Dana", "customer_po", "PO-DANA-7")]


def test_reload_on_the_banner_discards_mine(qtbot, window, alex, draft_id, filled_store) -> None:
    editor = open_editor(qtbot, window, draft_id)
    po_before = editor.form.text("customer_po")
    editor.form.set_by_user("customer_po", "PO-DANA-7")
    alex.saves(draft_id, carrier="UPS")
    poll(qtbot, window.watcher)
    assert editor.others.banner.isVisible()

    qtbot.mouseClick(editor.others.banner.reload_button, Qt.MouseButton.LeftButton)
    assert not editor.others.banner.isVisible() and not editor.isWindowModified()
    assert editor.form.text("carrier") == "UPS" and editor.form.text("customer_po") == po_before
    assert stored(filled_store, draft_id).customer_po == (po_before or None)


def test_a_save_under_the_banner_still_meets_the_stale_check(qtbot, window, alex, draft_id, filled_store,
                                                             dialogs) -> None:
    editor = open_editor(qtbot, window, draft_id)
    editor.form.set_by_user("carrier", "DHL Express")
    alex.saves(draft_id, carrier="UPS")
    poll(qtbot, window.watcher)
    assert editor.others.banner.isVisible()

    dialogs.answers = ["Keep editing"]
    assert not editor.save()
    assert "Alex: carrier" in dialogs.shown[-1] and "→ UPS" in dialogs.shown[-1]
    assert stored(filled_store, draft_id).carrier == "UPS"  # Alex's save stands; Dana's is still on screen
    assert editor.form.text("carrier") == "DHL Express" and editor.others.banner.isVisible()


def test_an_open_account_page_of_the_changed_order_reads_it_again(qtbot, window, alex, draft_id,
                                                                  filled_store) -> None:
    account_id = stored(filled_store, draft_id).account_id
    page = window.order_actions.open_account(account_id)
    qtbot.waitExposed(page)
    number = stored(filled_store, draft_id).number
    model = page.models["orders"]
    carrier_column = next(column for column in range(model.columnCount())
                          if model.headerData(column, Qt.Orientation.Horizontal) == "Carrier")

    def shown_carrier() -> object:
        row = next(row for row in range(model.rowCount()) if model.data(model.index(row, 0)) == number)
        return model.data(model.index(row, carrier_column))

    alex.saves(draft_id, carrier="UPS Worldwide")
    assert shown_carrier() != "UPS Worldwide"
    poll(qtbot, window.watcher)
    assert shown_carrier() == "UPS Worldwide"


# -- the database going away -------------------------------------------------------------------

def test_an_unreachable_database_warns_in_the_status_bar_then_catches_up(qtbot, window, alex, draft_id,
                                                                         filled_store, dialogs,
                                                                         monkeypatch) -> None:
    answering = watcher_module.changes_after

    def unreachable(session, since):
        raise OperationalError("SELECT max(change_records.id)", {}, Exception(REFUSED))

    monkeypatch.setattr(watcher_module, "changes_after", unreachable)
    lost: list[str] = []
    restored: list[bool] = []
    messages: list[str] = []
    window.watcher.connection_lost.connect(lost.append)
    window.watcher.connection_restored.connect(lambda: restored.append(True))
    window.statusBar().messageChanged.connect(messages.append)
    alex.saves(draft_id, carrier="UPS Worldwide")  # saved while this window cannot look

    warning = window.connection_warning
    assert not warning.isVisible()
    with qtbot.captureExceptions() as exceptions:
        poll(qtbot, window.watcher)
        poll(qtbot, window.watcher)
    assert exceptions == []
    assert warning.isVisible()
    assert warning.text() == (f"⚠ Cannot reach the database {filled_store.location} ({REFUSED.splitlines()[0]}). "
                              "Your unsaved edits stay in their windows; retrying every 5 s.")
    assert len(lost) == 1  # said once, not at every look
    assert dialogs.shown == [] and QApplication.activeModalWidget() is None
    assert window.watcher.timer.isActive() and window.watcher.timer.interval() == POLL_SECONDS * 1000

    monkeypatch.setattr(watcher_module, "changes_after", answering)
    poll(qtbot, window.watcher)
    assert not warning.isVisible() and restored == [True]
    assert f"Connected again to {filled_store.location}" in messages
    # What was saved during the outage is not missed.
    assert listed(window, draft_id, "carrier") == "UPS Worldwide"
    assert window.statusBar().currentMessage() == "1 change saved by Alex — lists updated"


def test_a_look_that_hangs_never_holds_up_the_window(qtbot, window, alex, draft_id, monkeypatch) -> None:
    """A server that does not answer (a connect waiting out its timeout) leaves the window working."""
    answering = watcher_module.changes_after
    started, release = threading.Event(), threading.Event()

    def hanging(session, since):
        started.set()
        release.wait(30)
        return answering(session, since)

    monkeypatch.setattr(watcher_module, "changes_after", hanging)
    assert window.watcher.poll()
    assert started.wait(10)
    # The look is out; the window still does its work, and a second look waits its turn.
    editor = open_editor(qtbot, window, draft_id)
    editor.form.set_by_user("customer_po", "PO-DANA-7")
    alex.saves(draft_id, carrier="UPS")
    assert not window.watcher.poll()
    with qtbot.waitSignal(window.watcher.polled, timeout=10000):
        release.set()
    assert editor.others.banner.isVisible() and "Alex: carrier" in editor.others.banner.label.text()
    editor.undo_stack.setClean()


def test_nothing_changes_under_an_open_question(qtbot, window, alex, draft_id) -> None:
    """While a modal dialog asks something, what was found waits for the first look after it."""
    question = QDialog(window)
    question.setModal(True)
    question.show()
    qtbot.waitExposed(question)
    alex.saves(draft_id, carrier="UPS Worldwide")
    with qtbot.assertNotEmitted(window.watcher.changed):
        poll(qtbot, window.watcher)
    assert listed(window, draft_id, "carrier") != "UPS Worldwide"

    question.reject()
    poll(qtbot, window.watcher)
    assert listed(window, draft_id, "carrier") == "UPS Worldwide"
    assert window.statusBar().currentMessage() == "1 change saved by Alex — lists updated"

"""The main window, driven as a coordinator drives it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from window_helpers import make_window
from qtc_desktop.services.lists import ORDERS
from qtc_desktop.ui.list_model import RawValueRole
from qtc_desktop.ui.main_window import TAB_ACCOUNTS, TAB_ORDERS, TAB_QUOTES, MainWindow




def test_empty_database_offers_sample_data_and_loads_it(qtbot, empty_store, settings) -> None:
    window = make_window(qtbot, empty_store, settings)
    assert window.tabs.currentIndex() == TAB_ORDERS
    assert window.empty_banner.isVisible()
    assert window.current_page().model.rowCount() == 0
    with qtbot.waitSignal(window.current_page().model.refreshed, timeout=20000):
        qtbot.mouseClick(_button(window), Qt.MouseButton.LeftButton)
    assert not window.empty_banner.isVisible()
    assert window.current_page().model.rowCount() == 90
    assert "90 orders" in window.current_page().count_label.text()
    assert not window.action_sample.isEnabled()


def test_cancelling_sample_data_stores_nothing(qtbot, empty_store, settings, monkeypatch) -> None:
    import time

    import qtc_desktop.ui.main_window as main_window_module
    from qtc_desktop.domain import Account, ChangeSource
    from qtc_desktop.services.sample_data import is_empty
    from qtc_desktop.store.journal import recording

    def endless_sample_data(session, *, progress):
        with recording(session, who="sample data", source=ChangeSource.SYSTEM):
            session.add(Account(name="Half-made Account Ltd"))  # flushed inside the job's transaction, not committed
        while True:
            progress.step(1, 2, "Creating quotes and orders")  # raises once cancelled
            time.sleep(0.01)

    monkeypatch.setattr(main_window_module, "load_sample_data", endless_sample_data)
    window = make_window(qtbot, empty_store, settings)
    window.action_sample.trigger()
    job = window.sample_job
    reports: list[tuple[int, int, str]] = []
    outcome: list[str] = []
    job.signals.progress.connect(lambda *report: reports.append(report))
    job.signals.cancelled.connect(lambda: outcome.append("cancelled"))
    qtbot.waitUntil(lambda: len(reports) > 0, timeout=10000)
    from PySide6.QtWidgets import QPushButton

    window.sample_progress.findChild(QPushButton).click()  # the dialog's Cancel button
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=10000)
    window.jobs.wait()
    assert window.empty_banner.isVisible()
    with empty_store.session() as session:
        assert is_empty(session)
    assert "nothing was stored" in window.statusBar().currentMessage()


def _button(window: MainWindow):
    from PySide6.QtWidgets import QPushButton

    return window.empty_banner.findChild(QPushButton, "loadSampleData")


def test_typing_in_search_filters_the_list(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = window.current_page()
    assert page.model.rowCount() == 90
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    with qtbot.waitSignal(page.model.refreshed, timeout=5000):
        qtbot.keyClicks(page.search, "FO-00001")
    assert page.model.rowCount() == 10  # FO-000010 .. FO-000019
    assert page.count_label.text() == "10 orders"
    with qtbot.waitSignal(page.model.refreshed, timeout=5000):
        page.search.clear()
    assert page.model.rowCount() == 90


def test_filter_combo_and_header_click_sort(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = window.current_page()
    combo = page.filters["status"]
    with qtbot.waitSignal(page.model.refreshed):
        combo.setCurrentIndex(combo.findData("draft"))
    status = ORDERS.column_index("status")
    assert {page.model.data(page.model.index(r, status)) for r in range(page.model.rowCount())} == {"Draft"}
    header = page.table.horizontalHeader()
    account = ORDERS.column_index("account")
    with qtbot.waitSignal(page.model.refreshed):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=header.rect().topLeft() + _section_center(header, account))
    names = [page.model.data(page.model.index(r, account)) for r in range(page.model.rowCount())]
    assert names in (sorted(names), sorted(names, reverse=True))
    assert names[0] != names[-1]


def _section_center(header, logical):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(logical) + header.sectionSize(logical) // 2,
                  header.height() // 2)


def test_selecting_a_row_shows_its_detail(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = window.current_page()
    page.table.selectRow(0)
    number = page.model.data(page.model.index(0, 0))
    assert page.detail.detail is not None
    assert page.detail.detail.title == f"Order {number}"
    labels = dict(page.detail.detail.fields)
    assert "Account" in labels and "Status" in labels
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TAB_ACCOUNTS
    accounts = window.current_page()
    assert accounts.model.rowCount() > 0  # loaded when first shown
    accounts.table.selectRow(0)
    assert accounts.detail.detail.kind == "account"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TAB_QUOTES
    window.current_page().table.selectRow(1)
    assert window.current_page().detail.detail.tables[0].title == "Lines"


def test_each_list_starts_in_its_default_order(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    for index, page in enumerate(window.pages):
        window.tabs.setCurrentIndex(index)
        key = page.spec.default_sort
        column = page.spec.column_index(key)
        values = [page.model.data(page.model.index(r, column), RawValueRole) for r in range(page.model.rowCount())]
        expected = sorted(values, reverse=page.spec.default_descending)
        assert values == expected, page.spec.name
        assert page.table.horizontalHeader().sortIndicatorSection() == column


def test_copy_rows_puts_tab_separated_text_with_headers_on_the_clipboard(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    page = window.current_page()
    page.table.selectRow(0)
    page.table.setFocus()
    window.action_copy.trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:2] == ["Order", "Status"]
    assert lines[1].split("\t")[0] == page.model.data(page.model.index(0, 0))


def test_window_state_survives_a_restart(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    window.tabs.setCurrentIndex(TAB_ACCOUNTS)
    window.pages[TAB_ORDERS].table.horizontalHeader().resizeSection(2, 333)
    window.pages[TAB_ORDERS].model.sort(ORDERS.column_index("account"), Qt.SortOrder.AscendingOrder)
    window.pages[TAB_ORDERS].show_sort_indicator()
    window.close()
    again = make_window(qtbot, filled_store, settings)
    assert again.tabs.currentIndex() == TAB_ACCOUNTS
    orders = again.pages[TAB_ORDERS]
    assert orders.table.horizontalHeader().sectionSize(2) == 333
    again.tabs.setCurrentIndex(TAB_ORDERS)
    assert orders.model.sort_state() == (ORDERS.column_index("account"), Qt.SortOrder.AscendingOrder)
    assert orders.detail.isVisible() and again.action_detail.isChecked()


def test_hiding_the_detail_pane_is_remembered(qtbot, filled_store, settings) -> None:
    window = make_window(qtbot, filled_store, settings)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert not window.current_page().detail.isVisible()
    window.close()
    again = make_window(qtbot, filled_store, settings)
    assert not again.action_detail.isChecked()
    assert all(page.detail.isHidden() for page in again.pages)
    again.action_detail.trigger()
    assert again.current_page().detail.isVisible()


def test_about_names_the_version(qtbot, filled_store, settings, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window = make_window(qtbot, filled_store, settings)
    window.action_about.trigger()
    from qtc_desktop import __version__

    assert __version__ in shown[0]


def test_preferences_are_saved(qtbot, filled_store, settings, monkeypatch) -> None:
    from qtc_desktop.services.preferences import load_preferences
    from qtc_desktop.ui.preferences import PreferencesDialog

    def fake_exec(dialog: PreferencesDialog) -> int:
        dialog.name.setText("Dana Coordinator")
        dialog.paper.setCurrentText("Letter")
        return PreferencesDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", fake_exec)
    window = make_window(qtbot, filled_store, settings)
    window.action_preferences.trigger()
    loaded = load_preferences()
    assert loaded.who == "Dana Coordinator"
    assert loaded.paper_size == "Letter"

"""File ▸ Copy to a Team Database…: the copy runs as a job, reports the counts, and can switch the app over."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from qtc_desktop.domain import ChangeRecord, FulfillmentOrder
from qtc_desktop.services.preferences import load_preferences
from qtc_desktop.store import OpenedStore, open_store, resolve_url
from qtc_desktop.ui.jobs import JobRunner
from qtc_desktop.ui.team_copy_dialog import TeamCopyDialog


def counts(store: OpenedStore) -> tuple[int, int]:
    with store.session() as session:
        return (session.execute(select(func.count(FulfillmentOrder.id))).scalar_one(),
                session.execute(select(func.count(ChangeRecord.id))).scalar_one())


def make_dialog(qtbot, store: OpenedStore) -> TeamCopyDialog:  # type: ignore[no-untyped-def]
    jobs = JobRunner()
    dialog = TeamCopyDialog(store, jobs)
    dialog.jobs_owner = jobs  # keep the runner alive as long as the dialog
    qtbot.addWidget(dialog)
    return dialog


def test_copying_reports_the_counts_and_opens_the_team_database_next_time(qtbot, filled_store: OpenedStore,
                                                                          tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, filled_store)
    assert not dialog.copy_button.isEnabled()  # nothing to copy to yet
    target = tmp_path / "team.sqlite3"
    dialog.url.setText(f"sqlite:///{target}")
    assert dialog.copy_button.isEnabled()
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.job is None, timeout=60_000)
    assert dialog.report is not None and dialog.report.verified
    assert "every table's count matches" in dialog.message.text()
    assert "opens the team database from its next start" in dialog.message.text()
    assert load_preferences().database_url == f"sqlite:///{target}"
    assert not dialog.copy_button.isEnabled()  # once is enough
    team = open_store(resolve_url(str(target)), exclusive=False)
    try:
        assert counts(team) == counts(filled_store)
    finally:
        team.close()


def test_a_target_that_holds_data_is_refused_in_the_dialog_and_nothing_changes(qtbot, filled_store: OpenedStore,
                                                                               tmp_path: Path) -> None:
    target = tmp_path / "busy.sqlite3"
    dialog = make_dialog(qtbot, filled_store)
    dialog.url.setText(str(target))
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.job is None, timeout=60_000)
    second = make_dialog(qtbot, filled_store)
    second.url.setText(str(target))
    second.use_it.setChecked(False)
    second.copy_button.click()
    qtbot.waitUntil(lambda: second.job is None and "already holds data" in second.message.text(), timeout=60_000)
    assert second.report is None and second.copy_button.isEnabled() and second.progress.isHidden()


def test_an_unreachable_server_is_named_and_the_preferences_stay(qtbot, filled_store: OpenedStore) -> None:
    dialog = make_dialog(qtbot, filled_store)
    dialog.url.setText("postgresql+psycopg://dana@127.0.0.1:9/qtc")
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert "Cannot open the database postgresql+psycopg://dana@127.0.0.1:9/qtc" in dialog.message.text()
    assert load_preferences().database_url == ""


def test_the_file_menu_opens_the_dialog_on_the_windows_database(qtbot, filled_store: OpenedStore, settings,
                                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from window_helpers import make_window

    shown: list[TeamCopyDialog] = []
    monkeypatch.setattr(TeamCopyDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    window = make_window(qtbot, filled_store, settings)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.action_team_copy in file_menu.actions()
    window.action_team_copy.trigger()
    assert len(shown) == 1 and shown[0].store is filled_store and shown[0].jobs is window.jobs

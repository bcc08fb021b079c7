"""`db copy --to URL`: a coordinator's SQLite database moved into an empty one, history and all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from qtc_desktop.cli import main
from qtc_desktop.domain import ChangeRecord, ChangeSource, FulfillmentOrder
from qtc_desktop.services.changes.history import order_history
from qtc_desktop.services.identity import database_id
from qtc_desktop.services.orders.editing import LOCKED, OrderEdit, apply_edit
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import OpenedStore, StoreError, open_store, resolve_url
from qtc_desktop.store import copying
from qtc_desktop.store.copying import copy_database, tables_in_order


@pytest.fixture
def source(tmp_path: Path, sample_today: dt.date) -> Iterator[OpenedStore]:
    """One coordinator's SQLite file: 30 sample orders, one of them edited since."""
    store = open_store(resolve_url(str(tmp_path / "mine.sqlite3")))
    try:
        with store.transaction(who="Dana") as session:
            load_sample_data(session, orders=30, today=sample_today)
        with store.transaction() as session:
            order = session.execute(select(FulfillmentOrder).order_by(FulfillmentOrder.id)).scalars().first()
            assert order is not None
            apply_edit(session, order, OrderEdit({"carrier": "DHL Express", "ship_to_city": "Köln"}),
                       who="Dana", reason="moved to a team")
        yield store
    finally:
        store.close()


@pytest.fixture
def target(new_db_url: Callable[[str], URL]) -> Iterator[OpenedStore]:
    store = open_store(new_db_url("team"))
    try:
        yield store
    finally:
        store.close()


def all_rows(store: OpenedStore) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))] for table in tables_in_order()}


def counts(store: OpenedStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in tables_in_order()}


def test_every_row_and_change_record_arrives_and_the_counts_are_verified(source: OpenedStore,
                                                                       target: OpenedStore) -> None:
    report = copy_database(source, target)
    assert report.verified
    assert {t.table: t.target_rows for t in report.tables} == counts(source) == counts(target)
    assert report.rows > 200 and counts(target)["change_records"] > 20
    assert all_rows(target) == all_rows(source)  # every value, Decimals, dates and JSON included
    with source.session() as mine, target.session() as theirs:
        assert database_id(theirs) == database_id(mine)  # old exports still come back
        first = select(FulfillmentOrder).order_by(FulfillmentOrder.id).limit(1)
        history = [(e.who, e.field, e.old, e.new) for e in order_history(theirs, theirs.scalars(first).one())]
        assert history == [(e.who, e.field, e.old, e.new)
                           for e in order_history(mine, mine.scalars(first).one())]
        assert ("Dana", "Köln") in [(who, new) for who, field, _, new in history if field == "ship_to_city"]


def test_the_copy_takes_new_work_without_clashing_ids(source: OpenedStore, target: OpenedStore) -> None:
    copy_database(source, target)
    before = counts(target)[ChangeRecord.__tablename__]
    with target.transaction() as session:
        order = session.execute(select(FulfillmentOrder).where(FulfillmentOrder.status.not_in(LOCKED))
                                .order_by(FulfillmentOrder.id.desc())).scalars().first()
        assert order is not None
        apply_edit(session, order, OrderEdit({"carrier": "UPS"}), who="Alex", source=ChangeSource.USER_EDIT)
    with target.session() as session:
        newest = session.execute(select(ChangeRecord).order_by(ChangeRecord.id.desc())).scalars().first()
        assert newest is not None and newest.who == "Alex" and newest.new_value == "UPS"
    assert counts(target)[ChangeRecord.__tablename__] == before + 1


def test_a_database_that_already_holds_data_is_refused_and_left_alone(source: OpenedStore,
                                                                      target: OpenedStore) -> None:
    copy_database(source, target)
    before = all_rows(target)
    with pytest.raises(StoreError, match="already holds data"):
        copy_database(source, target)
    assert all_rows(target) == before


def test_a_copy_that_fails_half_way_leaves_the_target_empty(source: OpenedStore, target: OpenedStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    empty = all_rows(target)
    monkeypatch.setattr(copying, "CHUNK_ROWS", 7)

    def fail_in_the_lines(table: str, done: int, _total: int) -> None:
        if table == "quote_lines" and done >= 14:
            raise StoreError("the network went away")

    with pytest.raises(StoreError, match="network"):
        copy_database(source, target, fail_in_the_lines)
    assert all_rows(target) == empty


def test_copying_a_database_onto_itself_is_refused(source: OpenedStore) -> None:
    with pytest.raises(StoreError, match="is the one being copied"):
        copy_database(source, source)


def test_the_command_copies_and_reports_counts_as_json(source: OpenedStore, new_db_url: Callable[[str], URL],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    expected = counts(source)
    path = source.url.database
    assert path is not None
    source.close()  # the command takes the file's lock itself
    to = new_db_url("cli").render_as_string(hide_password=False)
    assert main(["--db", path, "db", "copy", "--to", to, "--json"]) == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert report["verified"] is True
    assert {name: table["target"] for name, table in report["tables"].items()} == expected
    assert main(["--db", path, "db", "copy", "--to", to]) == 1
    assert "already holds data" in capsys.readouterr().err


def test_an_unreachable_server_is_named_in_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(tmp_path / "mine.sqlite3")
    assert main(["--db", "postgresql+psycopg://qtc@127.0.0.1:9/qtc", "db", "info"]) == 1
    message = capsys.readouterr().err
    assert "Cannot open the database postgresql+psycopg://qtc@127.0.0.1:9/qtc" in message
    assert "Traceback" not in message
    assert main(["--db", source, "db", "copy", "--to", "postgresql+psycopg://qtc@127.0.0.1:9/qtc"]) == 1
    assert "127.0.0.1:9" in capsys.readouterr().err

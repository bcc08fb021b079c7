"""Noticing others' saves: the bookmark moves with every committed change, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from qtc_desktop.domain import FulfillmentOrder, OrderStatus
from qtc_desktop.services.changes.watching import bookmark, changes_after, order_versions
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.store import OpenedStore, open_store


@pytest.fixture
def team(store: OpenedStore, sample_today: dt.date) -> OpenedStore:
    with store.transaction(who="setup") as session:
        load_sample_data(session, orders=12, today=sample_today)
    return store


def editable(store: OpenedStore, skip: int = 0) -> int:
    with store.session() as session:
        # Drafts and ready orders: an edit there changes just the fields it names.
        return session.execute(select(FulfillmentOrder.id)
                               .where(FulfillmentOrder.status.in_([OrderStatus.DRAFT, OrderStatus.READY]))
                               .order_by(FulfillmentOrder.id).offset(skip).limit(1)).scalar_one()


def edit(store: OpenedStore, order_id: int, who: str, **fields: str) -> None:
    with store.transaction() as session:
        apply_edit(session, session.get_one(FulfillmentOrder, order_id), OrderEdit(fields), who=who)


def test_nothing_new_is_none_and_a_colleagues_save_names_him_and_the_order(team: OpenedStore) -> None:
    with team.session() as session:
        seen = bookmark(session)
        assert changes_after(session, seen) is None
    order_id = editable(team)
    colleague = open_store(team.url, exclusive=False)  # another window on the same database
    try:
        edit(colleague, order_id, "Alex", carrier="UPS", ship_to_city="Lyon")
    finally:
        colleague.close()
    with team.session() as session:
        news = changes_after(session, seen)
        assert news is not None
        assert (news.records, news.people, news.orders) == (2, ("Alex",), frozenset({order_id}))
        assert news.summary == "2 changes saved by Alex"
        assert changes_after(session, news.bookmark) is None  # the next look starts after it


def test_people_are_named_newest_first_and_versions_follow_saves(team: OpenedStore) -> None:
    first, second = editable(team), editable(team, skip=1)
    with team.session() as session:
        seen = bookmark(session)
        versions = order_versions(session, [first, second])
    edit(team, first, "Alex", carrier="Alex Freight")
    edit(team, second, "Sam", carrier="Sam Freight")
    edit(team, second, "Kim", carrier="Kim Freight")
    with team.session() as session:
        news = changes_after(session, seen)
        assert news is not None and news.people == ("Kim", "Sam", "Alex")
        assert news.summary == "3 changes saved by Kim and Sam and 1 more"
        assert news.orders == {first, second}
        assert order_versions(session, [first, second]) == {first: versions[first] + 1, second: versions[second] + 2}
        assert order_versions(session, []) == {}


@pytest.mark.postgresql_only
def test_a_save_that_commits_after_a_newer_one_is_still_noticed(team: OpenedStore) -> None:
    """PostgreSQL hands out record ids at write time: a slow transaction commits an older id."""
    slow_id, quick_id = editable(team), editable(team, skip=1)
    slow = team.session()
    try:
        slow.begin()
        apply_edit(slow, slow.get_one(FulfillmentOrder, slow_id), OrderEdit({"carrier": "Slow Freight"}), who="Alex")
        slow.flush()  # its record has an id now, but nobody else can see it
        edit(team, quick_id, "Sam", carrier="Quick Courier")
        with team.session() as session:
            seen = bookmark(session)  # already past the slow record's id
        slow.commit()
    finally:
        slow.close()
    with team.session() as session:
        news = changes_after(session, seen)
        assert news is not None and news.records == 1

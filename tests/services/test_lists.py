"""The Quotes, Orders and Accounts lists: search, filters and sort done in SQL, checked in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from qtc_desktop.domain import Account, FulfillmentOrder, OrderStatus, Quote, QuoteType
from qtc_desktop.services.lists import (
    ACCOUNTS,
    LISTS,
    ORDERS,
    QUOTES,
    ListQuery,
    ListSpec,
    count_all,
    fetch_rows,
    format_value,
    row_ids,
)
from qtc_desktop.services.sample_data import load_sample_data
from qtc_desktop.services.summaries import account_summaries, order_summaries, quote_summaries
from qtc_desktop.store import OpenedStore, open_store, resolve_url

from databases import PostgresDatabases, postgres_or_skip

ALL_ROWS = {"quotes": {"revisions": "all"}}  # the Quotes list shows latest revisions by default


@pytest.fixture(scope="module")
def shared_store(
    tmp_path_factory: pytest.TempPathFactory, sample_today: dt.date, engine_name: str,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[OpenedStore]:
    """One sample database for the many tests here that only read it, on each engine."""
    if engine_name == "sqlite":
        url = resolve_url(str(tmp_path_factory.mktemp("lists") / "t.sqlite3"))
    else:
        url = postgres_or_skip(postgres_databases).create()
    store = open_store(url)
    try:
        with store.transaction(who="test setup") as session:
            load_sample_data(session, orders=90, today=sample_today)
        yield store
    finally:
        store.close()


@pytest.fixture
def connection(shared_store: OpenedStore) -> Iterator[Connection]:
    with shared_store.engine.connect() as connection:
        yield connection


@pytest.fixture
def orders(connection: Connection) -> list[dict[str, Any]]:
    return order_summaries(connection)


def ids(connection: Connection, spec: ListSpec, search: str = "", **filters: str) -> list[int]:
    return row_ids(connection, spec, ListQuery(search=search, filters=filters))


@pytest.mark.parametrize(
    ("spec", "model"), [(ORDERS, FulfillmentOrder), (QUOTES, Quote), (ACCOUNTS, Account)]
)
def test_every_row_is_listed_once(connection: Connection, spec: ListSpec, model: type) -> None:
    total = connection.execute(select(func.count()).select_from(model)).scalar_one()
    assert total > 0
    listed = row_ids(connection, spec, ListQuery(filters=ALL_ROWS.get(spec.name, {})))
    assert len(listed) == len(set(listed)) == total
    assert count_all(connection, spec) == total


def test_lists_are_registered_by_name() -> None:
    assert LISTS == {"orders": ORDERS, "quotes": QUOTES, "accounts": ACCOUNTS}


# -- search ------------------------------------------------------------------------------


def test_search_by_part_of_an_account_name_finds_its_orders(
    connection: Connection, orders: list[dict[str, Any]]
) -> None:
    term = orders[0]["account"].split()[0].casefold()  # e.g. "coho", typed in lower case
    expected = {order["id"] for order in orders if term in order["account"].casefold()}
    assert 0 < len(expected) < len(orders)
    found = ids(connection, ORDERS, term)
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert set(ids(connection, ORDERS, term.upper())) == expected


def test_search_words_are_all_required(connection: Connection, orders: list[dict[str, Any]]) -> None:
    first, second = orders[0]["account"].casefold().split()[:2]  # e.g. "coho", "retail"
    with_first = {o["id"] for o in orders if first in o["account"].casefold()}
    with_second = {o["id"] for o in orders if second in o["account"].casefold()}
    both = with_first & with_second
    assert both and both != with_first | with_second  # otherwise AND and OR look the same
    assert set(ids(connection, ORDERS, f"{second.title()}  {first}")) == both


def test_search_by_order_or_quote_number(connection: Connection, orders: list[dict[str, Any]]) -> None:
    order = orders[6]
    assert ids(connection, ORDERS, order["number"]) == [order["id"]]
    assert order["id"] in ids(connection, ORDERS, order["quote"].lower())


def test_search_with_no_match_is_empty(connection: Connection) -> None:
    assert ids(connection, ORDERS, "no-such-customer-anywhere") == []


@pytest.mark.parametrize("typed", ["αθήνα", "ΑΘΉΝΑ", "KÖLN"])
def test_search_ignores_case_beyond_ascii(connection: Connection, typed: str) -> None:
    # Customers in Athens and Köln are in the sample data; a coordinator types the city
    # in whatever case. SQLite's own lower() folds only A-Z.
    expected = {
        account["id"] for account in account_summaries(connection)
        if typed.casefold() in (account["address"]["city"] or "").casefold()
    }
    assert expected
    assert set(ids(connection, ACCOUNTS, typed)) == expected


@pytest.fixture
def awkward_accounts(sample_store: OpenedStore) -> dict[str, int]:
    names = ["100% Organic Foods Ltd", "1000 Lakes Energy Oy", "Recycled_Paper Labs Inc.",
             "Recycled Paper Labs Inc.", "Back\\Slash Engineering GmbH"]
    with sample_store.transaction(who="test setup") as session:
        accounts = [Account(name=name) for name in names]
        session.add_all(accounts)
        session.flush()
        return {account.name: account.id for account in accounts}


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("100%", "100% Organic Foods Ltd"),
        ("%", "100% Organic Foods Ltd"),
        ("d_paper", "Recycled_Paper Labs Inc."),
        ("_", "Recycled_Paper Labs Inc."),
        ("\\", "Back\\Slash Engineering GmbH"),
        ("k\\s", "Back\\Slash Engineering GmbH"),
    ],
)
def test_like_wildcards_in_search_are_literal(
    sample_store: OpenedStore, awkward_accounts: dict[str, int], typed: str, name: str
) -> None:
    with sample_store.engine.connect() as connection:
        assert ids(connection, ACCOUNTS, typed) == [awkward_accounts[name]]


# -- sort --------------------------------------------------------------------------------

SORTABLE = [(spec, column.key) for spec in (ORDERS, QUOTES, ACCOUNTS) for column in spec.columns]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize(("spec", "key"), SORTABLE, ids=[f"{s.name}.{k}" for s, k in SORTABLE])
def test_sort_matches_python_sort_of_the_shown_values(
    connection: Connection, spec: ListSpec, key: str, descending: bool
) -> None:
    query = ListQuery(filters=ALL_ROWS.get(spec.name, {}), sort_key=key, descending=descending)
    listed = row_ids(connection, spec, query)
    rows = fetch_rows(connection, spec, listed)
    index = spec.column_index(key)
    values = [(rows[row_id][index], row_id) for row_id in listed]
    filled = sorted(((v, i) for v, i in values if v is not None), reverse=descending)
    blank = sorted(((v, i) for v, i in values if v is None), key=lambda p: p[1], reverse=descending)
    # Ties fall back to the id in the same direction; blanks go last either way.
    assert listed == [row_id for _, row_id in filled + blank]


@pytest.mark.parametrize("descending", [False, True])
def test_blank_values_sort_last_both_ways(
    connection: Connection, orders: list[dict[str, Any]], descending: bool
) -> None:
    blank = {o["id"] for o in orders if o["promised_date"] is None}
    assert 0 < len(blank) < len(orders)
    listed = row_ids(connection, ORDERS, ListQuery(sort_key="promised_date", descending=descending))
    assert set(listed[-len(blank):]) == blank


def test_default_sort_is_newest_number_first(connection: Connection, orders: list[dict[str, Any]]) -> None:
    by_id = {o["id"]: o["number"] for o in orders}
    listed = ids(connection, ORDERS)
    assert [by_id[i] for i in listed] == sorted(by_id.values(), reverse=True)
    account_names = [a["name"] for a in account_summaries(connection)]
    rows = fetch_rows(connection, ACCOUNTS, ids(connection, ACCOUNTS))
    assert [rows[i][0] for i in ids(connection, ACCOUNTS)] == sorted(account_names)


# -- filters -----------------------------------------------------------------------------


def test_open_filter_leaves_out_closed_and_cancelled(
    connection: Connection, orders: list[dict[str, Any]]
) -> None:
    expected = {o["id"] for o in orders if o["status"] not in ("closed", "cancelled")}
    assert 0 < len(expected) < len(orders)
    assert set(ids(connection, ORDERS, status="open")) == expected


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.ON_HOLD, OrderStatus.DRAFT])
def test_status_filter_shows_that_status_only(
    connection: Connection, orders: list[dict[str, Any]], status: OrderStatus
) -> None:
    expected = {o["id"] for o in orders if o["status"] == status.value}
    assert expected
    assert set(ids(connection, ORDERS, status=status.value)) == expected


def test_changed_filter_and_search_combine(connection: Connection, orders: list[dict[str, Any]]) -> None:
    changed = {o["id"] for o in orders if o["changed_since_export"]}
    assert changed
    assert set(ids(connection, ORDERS, status="changed")) == changed
    term = orders[0]["account"].split()[0]
    expected = {o["id"] for o in orders if o["status"] not in ("closed", "cancelled")
                and term.casefold() in o["account"].casefold()}
    assert set(ids(connection, ORDERS, term, status="open")) == expected


def test_unknown_status_is_refused(connection: Connection) -> None:
    with pytest.raises(ValueError):
        ids(connection, ORDERS, status="lost")


def test_quote_type_filter(connection: Connection) -> None:
    quotes = quote_summaries(connection)
    amendments = {(q["number"], q["revision"]) for q in quotes if q["type"] == "amendment"}
    assert amendments
    listed = ids(connection, QUOTES, type=QuoteType.AMENDMENT.value, revisions="all")
    rows = fetch_rows(connection, QUOTES, listed)
    number, revision = QUOTES.column_index("number"), QUOTES.column_index("revision")
    assert {(rows[i][number], rows[i][revision]) for i in listed} == amendments


def test_revisions_filter_hides_superseded_quotes(sample_store: OpenedStore) -> None:
    with sample_store.transaction(who="test setup") as session:
        old = session.scalars(select(Quote).order_by(Quote.id).limit(1)).one()
        old.superseded = True
        new = Quote(number=old.number, revision=2, type=old.type, account_id=old.account_id,
                    currency=old.currency, net_total=old.net_total + Decimal("250.00"),
                    line_count=old.line_count, quote_date=old.quote_date)
        session.add(new)
    with sample_store.engine.connect() as connection:
        total = count_all(connection, QUOTES)
        latest = ids(connection, QUOTES)  # the default
        assert latest == ids(connection, QUOTES, revisions="latest")
        assert new.id in latest and old.id not in latest
        assert len(latest) == total - 1
        everything = ids(connection, QUOTES, revisions="all")
        assert len(everything) == total and {old.id, new.id} <= set(everything)


def test_accounts_with_open_orders_filter(connection: Connection) -> None:
    accounts = account_summaries(connection)
    expected = {a["id"] for a in accounts if a["open_orders"] > 0}
    assert 0 < len(expected) < len(accounts)
    assert set(ids(connection, ACCOUNTS, orders="open")) == expected


# -- fetching and showing ----------------------------------------------------------------


def test_fetch_rows_returns_the_shown_values_of_the_asked_rows(
    connection: Connection, orders: list[dict[str, Any]]
) -> None:
    listed = ids(connection, ORDERS)
    wanted = listed[10:17]
    rows = fetch_rows(connection, ORDERS, wanted)
    assert set(rows) == set(wanted)
    by_id = {o["id"]: o for o in orders}
    net_totals = {(q["number"], q["revision"]): q["net_total"] for q in quote_summaries(connection)}
    column = ORDERS.column_index
    for row_id, row in rows.items():
        order = by_id[row_id]
        assert len(row) == len(ORDERS.columns)
        assert row[column("number")] == order["number"]
        assert row[column("account")] == order["account"]
        assert row[column("quote")] == order["quote"]
        assert row[column("status")] == order["status"]
        net_total = row[column("net_total")]
        assert isinstance(net_total, Decimal)
        assert f"{net_total:.2f}" == net_totals[(order["quote"], order["quote_revision"])]
    assert fetch_rows(connection, ORDERS, []) == {}
    assert fetch_rows(connection, ORDERS, [10**9]) == {}


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("money", Decimal("1234.5"), "1,234.50"),
        ("money", Decimal("-1234.5"), "-1,234.50"),
        ("money", Decimal("99999999999.99"), "99,999,999,999.99"),
        ("money", Decimal("0.00"), "0.00"),
        ("money", None, ""),
        ("status", OrderStatus.SENT_TO_ERP, "Sent to ERP"),
        ("status", "partly_shipped", "Partly shipped"),
        ("quote_type", QuoteType.AMENDMENT, "Amendment"),
        ("flag", True, "Yes"),
        ("flag", False, ""),
        ("date", dt.date(2026, 6, 15), "2026-06-15"),
        ("int", 12, "12"),
        ("text", "Munson's Retail GmbH", "Munson's Retail GmbH"),
    ],
)
def test_format_value(kind: Any, value: object, shown: str) -> None:
    assert format_value(kind, value) == shown


# -- order filters: needs attention, requested date, account -------------------------------

from qtc_desktop.domain import FulfillmentKind  # noqa: E402
from qtc_desktop.services import lists  # noqa: E402
from qtc_desktop.services.orders.readiness import blocks_release, readiness  # noqa: E402

NOT_DUE = {"shipped", "closed", "cancelled"}


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch, sample_today: dt.date) -> dt.date:
    """The filters' today is the day the sample data was made for (a Monday)."""
    monkeypatch.setattr(lists, "_today", lambda: sample_today)
    return sample_today


def _requested(order: dict[str, Any]) -> dt.date | None:
    return dt.date.fromisoformat(order["requested_date"]) if order["requested_date"] else None


def _not_ready_in_python(session: Any) -> set[int]:
    """What the readiness checklist (the order editor's) says, order by order."""
    from sqlalchemy.orm import selectinload

    orders = session.scalars(select(FulfillmentOrder).options(selectinload(FulfillmentOrder.lines))).all()
    return {order.id for order in orders
            if order.status in (OrderStatus.DRAFT, OrderStatus.READY) and blocks_release(readiness(order))}


def test_not_ready_filter_matches_the_readiness_checklist(shared_store: OpenedStore, connection: Connection) -> None:
    with shared_store.session() as session:
        expected = _not_ready_in_python(session)
        before_release = session.scalar(select(func.count()).select_from(FulfillmentOrder).where(
            FulfillmentOrder.status.in_((OrderStatus.DRAFT, OrderStatus.READY))))
    assert 0 < len(expected) < before_release  # some drafts are complete, some are not
    assert set(ids(connection, ORDERS, attention="not_ready")) == expected


def _complete_goods_order(session: Any) -> FulfillmentOrder:
    """A ready order whose goods and subscriptions lack nothing."""
    from sqlalchemy.orm import selectinload

    candidates = session.scalars(select(FulfillmentOrder).where(FulfillmentOrder.status == OrderStatus.READY)
                                 .options(selectinload(FulfillmentOrder.lines)).order_by(FulfillmentOrder.id)).all()
    for order in candidates:
        kinds = {line.kind for line in order.lines}
        if FulfillmentKind.SHIP in kinds and FulfillmentKind.PROVISION in kinds and not readiness(order):
            return order
    raise AssertionError("the sample data has no complete ready order with goods and subscriptions")


def _first(order: FulfillmentOrder, kind: FulfillmentKind) -> Any:
    return next(line for line in order.lines if line.kind is kind)


BREAKAGES: dict[str, Any] = {
    "ship-to country blank": lambda o: setattr(o, "ship_to_country", ""),
    "ship-to country missing": lambda o: setattr(o, "ship_to_country", None),
    "ship-to street missing": lambda o: setattr(o, "ship_to_street", None),
    "no carrier": lambda o: setattr(o, "carrier", None),
    "no requested date": lambda o: setattr(o, "requested_date", None),
    "no bill-to name": lambda o: setattr(o, "bill_to_name", ""),
    "no activation contact": lambda o: setattr(_first(o, FulfillmentKind.PROVISION), "activation_contact", None),
    "no subscription start": lambda o: setattr(_first(o, FulfillmentKind.PROVISION), "subscription_start", None),
    "serialized goods in part units": lambda o: (
        setattr(_first(o, FulfillmentKind.SHIP), "serialized", True),
        setattr(_first(o, FulfillmentKind.SHIP), "quantity", Decimal("1.5"))),
    "no lines": lambda o: o.lines.clear(),
    # Only goods need an address and a carrier: a subscription-only order is ready without them.
    "subscriptions only, no address": lambda o: (
        [o.lines.remove(line) for line in list(o.lines) if line.kind is not FulfillmentKind.PROVISION],
        setattr(o, "ship_to_country", None), setattr(o, "carrier", None), setattr(o, "requested_date", None)),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_not_ready_filter_agrees_with_readiness_on_each_rule(sample_store: OpenedStore, breakage: str) -> None:
    with sample_store.transaction(who="test setup") as session:
        order = _complete_goods_order(session)
        with sample_store.engine.connect() as connection:
            assert order.id not in ids(connection, ORDERS, attention="not_ready")
        BREAKAGES[breakage](order)
        order_id = order.id
    with sample_store.session() as session:
        expected = _not_ready_in_python(session)
    with sample_store.engine.connect() as connection:
        listed = set(ids(connection, ORDERS, attention="not_ready"))
    assert listed == expected
    assert (order_id in listed) is (breakage != "subscriptions only, no address")


def test_overdue_filter(connection: Connection, orders: list[dict[str, Any]], fixed_today: dt.date) -> None:
    expected = {o["id"] for o in orders if (_requested(o) or dt.date.max) < fixed_today
                and o["status"] not in NOT_DUE}
    shipped_late = {o["id"] for o in orders if (_requested(o) or dt.date.max) < fixed_today
                    and o["status"] in NOT_DUE}
    assert expected and shipped_late  # both kinds exist, so the status part is tested
    assert set(ids(connection, ORDERS, attention="overdue")) == expected


def test_needs_attention_is_any_of_the_three(
    shared_store: OpenedStore, connection: Connection, orders: list[dict[str, Any]], fixed_today: dt.date
) -> None:
    with shared_store.session() as session:
        not_ready = _not_ready_in_python(session)
    overdue = {o["id"] for o in orders if (_requested(o) or dt.date.max) < fixed_today and o["status"] not in NOT_DUE}
    changed = {o["id"] for o in orders if o["changed_since_export"]}
    assert set(ids(connection, ORDERS, attention="changed")) == changed
    assert set(ids(connection, ORDERS, attention="any")) == not_ready | overdue | changed
    assert not_ready | overdue | changed != {o["id"] for o in orders}
    # Combined with another filter, both apply.
    drafts = {o["id"] for o in orders if o["status"] == "draft"}
    assert set(ids(connection, ORDERS, attention="any", status="draft")) == (not_ready | overdue | changed) & drafts


def test_unknown_attention_is_refused(connection: Connection) -> None:
    with pytest.raises(ValueError):
        ids(connection, ORDERS, attention="urgent")


def _week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


REQUESTED_CHOICES: dict[str, Any] = {
    "past": lambda d, today: d is not None and d < today,
    "this_week": lambda d, today: d is not None and _week(d) == _week(today),
    "next_week": lambda d, today: d is not None and _week(d) == _week(today + dt.timedelta(days=7)),
    "next_30": lambda d, today: d is not None and 0 <= (d - today).days < 30,
    "none": lambda d, today: d is None,
    "2026-05-01..2026-05-31": lambda d, today: d is not None and d.year == 2026 and d.month == 5,
    "..2026-04-30": lambda d, today: d is not None and d <= dt.date(2026, 4, 30),
    "2026-07-01..": lambda d, today: d is not None and d >= dt.date(2026, 7, 1),
    "between": lambda d, today: True,  # chosen, no dates given yet
}


@pytest.mark.parametrize("choice", list(REQUESTED_CHOICES))
def test_requested_date_filter(
    connection: Connection, orders: list[dict[str, Any]], fixed_today: dt.date, choice: str
) -> None:
    expected = {o["id"] for o in orders if REQUESTED_CHOICES[choice](_requested(o), fixed_today)}
    if choice in ("past", "next_30", "none", "2026-05-01..2026-05-31"):
        assert 0 < len(expected) < len(orders)
    assert set(ids(connection, ORDERS, requested=choice)) == expected


def test_every_requested_choice_is_understood(connection: Connection) -> None:
    requested = next(f for f in ORDERS.filters if f.key == "requested")
    for value, _label in requested.choices:
        ids(connection, ORDERS, requested=value)
    assert requested.date_range_choice in dict(requested.choices)


@pytest.mark.parametrize("value", ["2026-13-01..", "soon", "2026-05-01"])
def test_unknown_requested_range_is_refused(connection: Connection, value: str) -> None:
    with pytest.raises(ValueError):
        ids(connection, ORDERS, requested=value)


def test_account_filter_and_its_choices(connection: Connection) -> None:
    rows = connection.execute(select(FulfillmentOrder.id, FulfillmentOrder.account_id)).all()
    by_account: dict[int, set[int]] = {}
    for order_id, account_id in rows:
        by_account.setdefault(account_id, set()).add(order_id)
    account = next(f for f in ORDERS.filters if f.key == "account")
    assert account.choices_from is not None
    choices = account.choices_from(connection)
    assert {int(value) for value, _label in choices} == set(by_account)  # only accounts with orders
    labels = [label for _value, label in choices]
    assert labels == sorted(labels)
    busiest = max(by_account, key=lambda a: len(by_account[a]))
    assert len(by_account[busiest]) > 1
    assert set(ids(connection, ORDERS, account=str(busiest))) == by_account[busiest]
    assert set(ids(connection, ORDERS, account=str(busiest), status="open")) <= by_account[busiest]
    with pytest.raises(ValueError):
        ids(connection, ORDERS, account="Coho")


def test_account_choices_tell_apart_accounts_of_the_same_name(sample_store: OpenedStore) -> None:
    with sample_store.transaction(who="test setup") as session:
        order = session.scalars(select(FulfillmentOrder).limit(1)).one()
        name = session.get(Account, order.account_id).name
        twin = Account(name=name, external_id="TWIN-1")
        session.add(twin)
        session.flush()
        quote = session.get(Quote, order.quote_id)
        twin_quote = Quote(number="Q-TWIN", account_id=twin.id, currency=quote.currency)
        session.add(twin_quote)
        session.flush()
        session.add(FulfillmentOrder(number="FO-TWIN", quote_id=twin_quote.id, account_id=twin.id))
    with sample_store.engine.connect() as connection:
        account = next(f for f in ORDERS.filters if f.key == "account")
        assert account.choices_from is not None
        labels = dict(account.choices_from(connection))
    assert labels[str(twin.id)] == f"{name} (TWIN-1)"
    assert labels[str(order.account_id)].startswith(f"{name} (")

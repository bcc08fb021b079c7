"""Two coordinators on one PostgreSQL server: no save overwrites another's unseen, nothing is lost.

"Dana" is this test process; "Alex" is another process, the command line run with his own
preferences, as a colleague's computer would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, text

from qtc_desktop.domain import ChangeRecord
from qtc_desktop.services.orders.editing import OrderEdit, apply_edit
from qtc_desktop.services.orders.errors import StaleOrder
from qtc_desktop.services.orders.lookup import find_order
from qtc_desktop.store import OpenedStore, StoreError

if TYPE_CHECKING:
    from conftest import Orders

pytestmark = pytest.mark.postgresql_only


def as_colleague(store: OpenedStore, tmp_path: Path, name: str, *args: str) -> subprocess.Popen[str]:
    """The command line in a process of its own, with `name` in its own preferences."""
    folder = tmp_path / f"config-{name}"
    folder.mkdir(exist_ok=True)
    (folder / "preferences.json").write_text(json.dumps({"coordinator_name": name}), encoding="utf-8")
    environment = {**os.environ, "QTC_CONFIG_DIR": str(folder)}
    environment.pop("QTC_DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "qtc_desktop", "--db", store.url.render_as_string(hide_password=False),
                             *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    _out, err = process.communicate(timeout=120)
    return process.returncode, err


def records(store: OpenedStore, order_id: int, field: str) -> list[tuple[str, str | None, str | None]]:
    with store.session() as session:
        rows = session.execute(select(ChangeRecord.who, ChangeRecord.old_value, ChangeRecord.new_value)
                               .where(ChangeRecord.order_id == order_id, ChangeRecord.field == field)
                               .order_by(ChangeRecord.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_the_second_save_is_told_who_changed_what_and_applies_its_edits_on_top(orders: Orders, store: OpenedStore,
                                                                              tmp_path: Path) -> None:
    order_id = orders.create()
    number = orders.load(order_id).number
    opened_at = orders.load(order_id).version  # Dana opens the order

    code, err = finished(as_colleague(store, tmp_path, "Alex", "order", "set", number, "carrier=UPS Ground",
                                      "contact_name=Alex's contact", "--version", str(opened_at)))
    assert code == 0, err

    with pytest.raises(StaleOrder) as refused, store.transaction() as session:
        apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "DHL Express", "ship_to_city": "Lyon"}),
                   who="Dana", expected_version=opened_at)
    assert "Alex: carrier (blank) → UPS Ground" in refused.value.changes
    assert "Alex: contact name (blank) → Alex's contact" in refused.value.changes
    assert orders.load(order_id).carrier == "UPS Ground"  # Dana's refused save changed nothing

    with store.transaction() as session:  # "apply mine on top": the newer order, Dana's edits again
        order = find_order(session, order_id)
        apply_edit(session, order, OrderEdit({"carrier": "DHL Express", "ship_to_city": "Lyon"}), who="Dana",
                   expected_version=refused.value.current)
    final = orders.load(order_id)
    assert (final.carrier, final.ship_to_city, final.contact_name) == ("DHL Express", "Lyon", "Alex's contact")
    assert records(store, order_id, "carrier") == [("Alex", None, "UPS Ground"), ("Dana", "UPS Ground", "DHL Express")]

    # Alex's window still shows the version he saw: his next save is refused, naming Dana.
    code, err = finished(as_colleague(store, tmp_path, "Alex", "order", "set", number, "carrier=FedEx",
                                      "--version", str(opened_at + 1)))
    assert code == 1
    assert "was changed since you opened it" in err and "Dana: carrier UPS Ground → DHL Express" in err
    assert orders.load(order_id).carrier == "DHL Express"


def test_two_processes_saving_at_once_one_wins_and_the_other_is_refused(orders: Orders, store: OpenedStore,
                                                                      tmp_path: Path) -> None:
    order_id = orders.create()
    order = orders.load(order_id)
    both = [as_colleague(store, tmp_path, name, "order", "set", order.number, f"carrier={name}'s carrier",
                         "--version", str(order.version)) for name in ("Alex", "Sam")]
    results = {name: finished(process) for name, process in zip(("Alex", "Sam"), both)}
    winners = [name for name, (code, _err) in results.items() if code == 0]
    assert len(winners) == 1, results
    loser = next(name for name in results if name not in winners)
    assert results[loser][0] == 1 and "was changed since you opened it" in results[loser][1]
    assert orders.load(order_id).carrier == f"{winners[0]}'s carrier"
    assert records(store, order_id, "carrier") == [(winners[0], None, f"{winners[0]}'s carrier")]


def test_a_connection_lost_mid_save_stores_nothing_and_the_next_save_goes_through(orders: Orders,
                                                                                store: OpenedStore) -> None:
    order_id = orders.create()
    before = len(records(store, order_id, "carrier"))
    with pytest.raises(StoreError, match="connection to the database .* was lost.*Nothing of this change was stored"):
        with store.transaction() as session:
            apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "Lost in transit"}), who="Dana")
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with store.engine.connect() as other:  # the server (or the network) drops this connection
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert orders.load(order_id).carrier is None
    assert len(records(store, order_id, "carrier")) == before
    with store.transaction() as session:  # the pool notices the dead connection and opens a new one
        apply_edit(session, find_order(session, order_id), OrderEdit({"carrier": "Second try"}), who="Dana")
    assert orders.load(order_id).carrier == "Second try"

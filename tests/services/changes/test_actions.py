"""Amendments, renewals and cancellations turned into provisioning actions, as `actions --json` prints them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from qtc_desktop.cli import main
from qtc_desktop.domain import Account, ContractedPosition
from qtc_desktop.store import OpenedStore

HEADERS = ["Quote Number", "Quote Type", "Account ID", "Account Name", "Contract", "Product Code", "Quantity",
           "Prior Quantity", "Start Date", "End Date"]
ACCOUNT = ["001Nw00000AbCdE", "Northwind Traders Ltd"]
START, CONTRACT_END = dt.date(2026, 9, 1), dt.date(2027, 6, 30)


def import_rows(store: OpenedStore, tmp_path: Path, rows: list[list[object]], capsys: pytest.CaptureFixture[str],
                headers: list[str] = HEADERS) -> None:
    path = tmp_path / f"quotes-{len(list(tmp_path.iterdir()))}.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    workbook.close()
    assert main(["--db", store.url.render_as_string(hide_password=False), "import", str(path)]) == 0, capsys.readouterr().err
    capsys.readouterr()


def actions(store: OpenedStore, quote: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    assert main(["--db", store.url.render_as_string(hide_password=False), "actions", quote, "--json"]) == 0
    return {entry["product"]: entry for entry in json.loads(capsys.readouterr().out)}


@pytest.fixture
def contracted(store: OpenedStore) -> OpenedStore:
    """Northwind has 25 cloud seats, 10 backup units and 1 support plan under contract C-100."""
    with store.transaction(who="test setup") as session:
        account = Account(external_id=ACCOUNT[0], name=ACCOUNT[1])
        session.add(account)
        session.flush()
        for code, quantity in (("SUB-CLOUD", 25), ("SUB-BACKUP", 10), ("SUB-SUPPORT", 1)):
            session.add(ContractedPosition(account_id=account.id, contract_number="C-100", product_code=code,
                                           quantity=Decimal(quantity), start_date=dt.date(2026, 7, 1),
                                           end_date=CONTRACT_END))
    store.close()  # the CLI opens the file itself
    return store


def test_an_amendment_without_prior_quantities_is_resolved_from_the_contract(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-AM-1", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD", 40, None, START, None],
            ["Q-AM-1", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP", 4, None, START, None],
            ["Q-AM-1", "Amendment", *ACCOUNT, "C-100", "SUB-SUPPORT", 1, None, START, None],
            ["Q-AM-1", "Amendment", *ACCOUNT, "C-100", "SUB-SECURITY", 5, None, START, None]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-AM-1", capsys)
    assert found["SUB-CLOUD"] == {"product": "SUB-CLOUD", "action": "increase", "prior_quantity": 25,
                                  "new_quantity": 40, "delta": 15, "effective_date": "2026-09-01",
                                  "end_date": "2027-06-30"}
    assert (found["SUB-BACKUP"]["action"], found["SUB-BACKUP"]["delta"]) == ("decrease", -6)
    assert (found["SUB-SUPPORT"]["action"], found["SUB-SUPPORT"]["delta"]) == ("none", 0)
    # A new subscription co-terminates with the contract.
    assert found["SUB-SECURITY"] == {"product": "SUB-SECURITY", "action": "add", "prior_quantity": 0,
                                     "new_quantity": 5, "delta": 5, "effective_date": "2026-09-01",
                                     "end_date": "2027-06-30"}


def test_a_prior_quantity_column_wins_and_zero_removes_on_the_start_date(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-AM-2", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD", 30, 20, START, None],
            ["Q-AM-2", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP", 0, 10, START, None]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-AM-2", capsys)
    assert (found["SUB-CLOUD"]["action"], found["SUB-CLOUD"]["prior_quantity"], found["SUB-CLOUD"]["delta"]) == (
        "increase", 20, 10)
    assert found["SUB-BACKUP"] == {"product": "SUB-BACKUP", "action": "remove", "prior_quantity": 10,
                                   "new_quantity": 0, "delta": -10, "effective_date": "2026-09-01",
                                   "end_date": "2026-09-01"}


def test_one_product_out_and_another_in_is_a_swap(contracted: OpenedStore, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-AM-3", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD", 0, None, START, None],
            ["Q-AM-3", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD-PRO", 25, None, START, None]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-AM-3", capsys)
    assert (found["SUB-CLOUD"]["action"], found["SUB-CLOUD"]["delta"]) == ("swap", -25)
    assert (found["SUB-CLOUD-PRO"]["action"], found["SUB-CLOUD-PRO"]["delta"]) == ("swap", 25)


def test_swaps_pair_products_of_one_family_and_nothing_else(contracted: OpenedStore, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # Listed so that pairing in quote order would swap cloud for backup: the families decide.
    rows = [["Q-AM-4", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD", 0, None, START, None, "Cloud"],
            ["Q-AM-4", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP", 0, None, START, None, "Backup"],
            ["Q-AM-4", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP-PLUS", 10, None, START, None, "backup "],
            ["Q-AM-4", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD-PRO", 25, None, START, None, "Cloud"],
            ["Q-AM-4", "Amendment", *ACCOUNT, "C-100", "SUB-SECURITY", 5, None, START, None, "Security"]]
    import_rows(contracted, tmp_path, rows, capsys, HEADERS + ["Product Family"])
    found = actions(contracted, "Q-AM-4", capsys)
    assert {product: (entry["action"], entry["delta"]) for product, entry in found.items()} == {
        "SUB-CLOUD": ("swap", -25), "SUB-CLOUD-PRO": ("swap", 25), "SUB-BACKUP": ("swap", -10),
        "SUB-BACKUP-PLUS": ("swap", 10), "SUB-SECURITY": ("add", 5)}


def test_a_removal_and_an_addition_of_different_families_are_no_swap(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-AM-5", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP", 0, None, START, None, "Backup"],
            ["Q-AM-5", "Amendment", *ACCOUNT, "C-100", "SUB-SECURITY", 5, None, START, None, "Security"]]
    import_rows(contracted, tmp_path, rows, capsys, HEADERS + ["Product Family"])
    found = actions(contracted, "Q-AM-5", capsys)
    assert (found["SUB-BACKUP"]["action"], found["SUB-SECURITY"]["action"]) == ("remove", "add")


def test_without_families_only_a_lone_removal_and_addition_are_a_swap(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-AM-6", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD", 0, None, START, None],
            ["Q-AM-6", "Amendment", *ACCOUNT, "C-100", "SUB-BACKUP", 0, None, START, None],
            ["Q-AM-6", "Amendment", *ACCOUNT, "C-100", "SUB-CLOUD-PRO", 25, None, START, None],
            ["Q-AM-6", "Amendment", *ACCOUNT, "C-100", "SUB-SECURITY", 5, None, START, None]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-AM-6", capsys)
    assert {product: entry["action"] for product, entry in found.items()} == {
        "SUB-CLOUD": "remove", "SUB-BACKUP": "remove", "SUB-CLOUD-PRO": "add", "SUB-SECURITY": "add"}


def test_a_renewal_extends_and_its_quantity_changes_are_increases_or_decreases(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renewal_start, renewal_end = dt.date(2027, 7, 1), dt.date(2028, 6, 30)
    rows = [["Q-RN-1", "Renewal", *ACCOUNT, "C-100", "SUB-CLOUD", 25, None, renewal_start, renewal_end],
            ["Q-RN-1", "Renewal", *ACCOUNT, "C-100", "SUB-BACKUP", 12, None, renewal_start, renewal_end]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-RN-1", capsys)
    assert found["SUB-CLOUD"] == {"product": "SUB-CLOUD", "action": "renew", "prior_quantity": 25,
                                  "new_quantity": 25, "delta": 0, "effective_date": "2027-07-01",
                                  "end_date": "2028-06-30"}
    assert (found["SUB-BACKUP"]["action"], found["SUB-BACKUP"]["delta"]) == ("increase", 2)


def test_a_cancellation_takes_every_line_to_zero(contracted: OpenedStore, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["Q-CX-1", "Cancellation", *ACCOUNT, "C-100", "SUB-CLOUD", 0, None, START, None],
            ["Q-CX-1", "Cancellation", *ACCOUNT, "C-100", "SUB-BACKUP", 0, None, START, None]]
    import_rows(contracted, tmp_path, rows, capsys)
    found = actions(contracted, "Q-CX-1", capsys)
    assert {product: (a["action"], a["prior_quantity"], a["new_quantity"], a["delta"]) for product, a in found.items()} \
        == {"SUB-CLOUD": ("cancel", 25, 0, -25), "SUB-BACKUP": ("cancel", 10, 0, -10)}


def test_a_new_quote_adds_everything_and_an_unknown_quote_is_a_message(
        contracted: OpenedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_rows(contracted, tmp_path, [["Q-NEW-1", "New", *ACCOUNT, None, "HW-SRV", 2, None, None, None]], capsys)
    assert actions(contracted, "Q-NEW-1", capsys)["HW-SRV"]["action"] == "add"
    assert main(["--db", contracted.url.render_as_string(hide_password=False), "actions", "Q-NOPE", "--json"]) == 1
    assert "no quote Q-NOPE" in capsys.readouterr().err

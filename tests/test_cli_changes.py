"""Change tracking from the command line: `diff`, `order revision`, and `history` with its filters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qtc_desktop.cli import main
from qtc_desktop.services.preferences import Preferences, save_preferences

HEADERS = ["Quote Number", "Account Name", "Line", "Product Code", "Product Name", "Quantity", "Start Date",
           "End Date"]
START, END, LATER_END = dt.date(2026, 7, 1), dt.date(2027, 6, 30), dt.date(2027, 12, 31)
REV_1 = [["Q-C1", "Acme Corp", 1, "HW-SRV", "Server", 2, None, None],
         ["Q-C1", "Acme Corp", 2, "HW-RAIL", "Rail kit", 4, None, None],
         ["Q-C1", "Acme Corp", 3, "SUB-CLOUD", "Cloud seats", 25, START, END]]
# One more server, no rail kit, seats until the end of 2027, and a UPS.
REV_2 = [["Q-C1", "Acme Corp", 1, "HW-SRV", "Server", 3, None, None],
         ["Q-C1", "Acme Corp", 3, "SUB-CLOUD", "Cloud seats", 25, START, LATER_END],
         ["Q-C1", "Acme Corp", 4, "HW-UPS", "UPS 1500VA", 1, None, None]]
WHO = "Dana Coordinator"


class Cli:
    def __init__(self, db: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.folder, self.capsys = str(db), folder, capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        code = main(["--db", self.db, *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, err
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def import_rows(self, name: str, rows: list[list[object]]) -> None:
        path = self.folder / name
        book = openpyxl.Workbook()
        book.active.append(HEADERS)
        for row in rows:
            book.active.append(row)
        book.save(path)
        book.close()
        self.ok("import", str(path))


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Quote Q-C1 in two revisions, and order FO-000001 made from the first, with a location filled in."""
    save_preferences(Preferences(coordinator_name=WHO))
    cli = Cli(tmp_path / "changes.sqlite3", tmp_path, capsys)
    cli.import_rows("rev1.xlsx", REV_1)
    cli.ok("order", "create", "Q-C1")
    cli.ok("order", "set", "FO-000001", "line.1.location=A-01-3", "line.3.quantity=20")
    cli.import_rows("rev2.xlsx", REV_2)
    return cli


def change(key: str, kind: str, line: int, product: str, fields: list[tuple[str, str, str]] = []) -> dict[str, Any]:
    return {"key": key, "kind": kind, "line": line, "product": product,
            "fields": [{"field": f, "current": c, "proposed": p} for f, c, p in fields], "blocked": None}


PENDING = {"order": "FO-000001", "quote": "Q-C1", "from_revision": 1, "to_revision": 2,
           "changes": [change("line 1", "changed", 1, "HW-SRV", [("quantity", "2", "3")]),
                       change("line 2", "removed", 2, "HW-RAIL"),
                       change("line 3", "changed", 3, "SUB-CLOUD", [("subscription_end", "2027-06-30", "2027-12-31")]),
                       change("new 4", "added", 4, "HW-UPS")]}


def quantities(document: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(line["line"], line["product_code"], line["quantity"]) for line in document["lines"]]


# diff

def test_diff_compares_the_newest_revision_with_the_one_before(cli: Cli) -> None:
    assert cli.json("diff", "Q-C1") == {
        "quote": "Q-C1", "from_revision": 1, "to_revision": 2,
        "changes": [{"kind": "changed", "line": 1, "product": "HW-SRV",
                     "fields": [{"field": "quantity", "old": "2", "new": "3"}]},
                    {"kind": "removed", "line": 2, "product": "HW-RAIL", "fields": []},
                    {"kind": "changed", "line": 3, "product": "SUB-CLOUD",
                     "fields": [{"field": "end_date", "old": "2027-06-30", "new": "2027-12-31"}]},
                    {"kind": "added", "line": 4, "product": "HW-UPS", "fields": []}]}
    assert cli.ok("diff", "Q-C1", "--from", "1", "--to", "2") == (
        "Q-C1: revision 1 → 2\n"
        "  line 1 HW-SRV: quantity 2 → 3\n"
        "  line 2 HW-RAIL removed\n"
        "  line 3 SUB-CLOUD: end date 2027-06-30 → 2027-12-31\n"
        "  line 4 HW-UPS added\n")


def test_diff_of_a_revision_with_itself_or_one_that_is_not_there(cli: Cli) -> None:
    assert cli.ok("diff", "Q-C1", "--to", "1") == "Q-C1: revision 1 → 1\n  no line changed\n"
    assert cli.json("diff", "Q-C1", "--from", "2")["changes"] == []
    code, out, err = cli.run("diff", "Q-C1", "--from", "5", "--json")
    assert (code, out) == (1, "")
    assert err == "qtc-desktop: Quote Q-C1 has no revision 5 (revisions: 1, 2).\n"
    code, _, err = cli.run("diff", "Q-NOPE")
    assert (code, err) == (1, "qtc-desktop: There is no quote Q-NOPE.\n")


# order revision

def test_order_revision_shows_the_changes_then_applies_them_one_by_one(cli: Cli) -> None:
    shown = cli.json("order", "revision", "FO-000001")
    assert shown["pending_revision"] == PENDING
    assert (shown["quote_revision"], quantities(shown)) == (1, [(1, "HW-SRV", "2"), (2, "HW-RAIL", "4"),
                                                                (3, "SUB-CLOUD", "20")])

    applied = cli.json("order", "revision", "FO-000001", "--apply", "1")
    assert applied["pending_revision"] == {**PENDING, "changes": PENDING["changes"][1:]}
    assert applied["lines"][0]["quantity"] == "3" and applied["lines"][0]["location"] == "A-01-3"
    assert applied["version"] == shown["version"] + 1

    applied = cli.json("order", "revision", "FO-000001", "--apply", "line 2", "--apply", "new:4")
    assert applied["pending_revision"]["changes"] == [PENDING["changes"][2]]
    assert quantities(applied) == [(1, "HW-SRV", "3"), (3, "SUB-CLOUD", "20"), (4, "HW-UPS", "1")]

    followed = cli.json("order", "revision", "FO-000001", "--apply", "all")
    assert (followed["pending_revision"], followed["quote_revision"]) == (None, 2)
    assert [(line["line"], line["quantity"], line["subscription_end"]) for line in followed["lines"]] == [
        (1, "3", None), (3, "20", "2027-12-31"), (4, "1", None)]  # the coordinator's 20 seats stay


def test_order_revision_follow_keeps_what_was_not_applied(cli: Cli) -> None:
    followed = cli.json("order", "revision", "FO-000001", "--apply", "3", "--follow")
    assert (followed["pending_revision"], followed["quote_revision"]) == (None, 2)
    assert [(line["line"], line["product_code"], line["quantity"], line["subscription_end"])
            for line in followed["lines"]] == [(1, "HW-SRV", "2", None), (2, "HW-RAIL", "4", None),
                                               (3, "SUB-CLOUD", "20", "2027-12-31")]
    code, _, err = cli.run("order", "revision", "FO-000001", "--apply", "all")
    assert (code, err) == (1, "qtc-desktop: Order FO-000001 already follows the newest revision of quote Q-C1.\n")


def test_order_revision_refuses_a_key_it_does_not_know_and_changes_nothing(cli: Cli) -> None:
    before = cli.json("order", "show", "FO-000001")
    code, out, err = cli.run("order", "revision", "FO-000001", "--apply", "line 9", "--apply", "1", "--json")
    assert (code, out) == (1, "")
    assert err == ("qtc-desktop: Revision 2 of Q-C1 has no change line 9 for order FO-000001 "
                   "(changes: line 1, line 2, line 3, new 4).\n")
    assert cli.json("order", "show", "FO-000001") == before


def test_order_revision_as_text_lists_the_changes_by_key(cli: Cli) -> None:
    text = cli.ok("order", "revision", "FO-000001")
    assert ("  quote Q-C1 revision 2 has arrived (this order follows revision 1):\n"
            "    line 1: quantity 2 -> 3\n"
            "    line 2: removed HW-RAIL\n"
            "    line 3: subscription_end 2027-06-30 -> 2027-12-31\n"
            "    new 4: added HW-UPS\n") in text


# history

def test_history_of_an_order_filtered_by_field_and_source(cli: Cli) -> None:
    cli.ok("order", "revision", "FO-000001", "--apply", "all")
    found = cli.json("history", "FO-000001", "--field", "quantity", "--source", "quote_revision")
    assert [{k: r[k] for k in ("who", "source", "reason", "entity", "subject", "order", "field", "old", "new")}
            for r in found] == [
        {"who": WHO, "source": "quote_revision", "reason": "Q-C1 rev 1 → rev 2", "entity": "order_line",
         "subject": "line 1", "order": "FO-000001", "field": "quantity", "old": "2", "new": "3"}]
    by_hand = cli.json("history", "FO-000001", "--field", "quantity", "--source", "user_edit")
    assert [(r["subject"], r["old"], r["new"]) for r in by_hand] == [("line 3", "25", "20")]
    assert [(r["subject"], r["field"]) for r in cli.json("history", "FO-000001", "--source", "quote_revision")] == [
        ("FO-000001", "quote"), ("line 1", "quote_line"), ("line 1", "quantity"), ("line 2", "deleted"),
        ("line 3", "quote_line"), ("line 3", "subscription_end"), ("line 4", "created")]
    assert cli.json("history", "FO-000001", "--field", "carrier") == []


def test_history_of_an_account_holds_its_quotes_orders_and_their_changes(cli: Cli) -> None:
    found = cli.json("history", "--account", "acme corp")
    assert [(r["source"], r["entity"], r["subject"], r["order"], r["field"], r["old"], r["new"]) for r in found] == [
        ("import", "account", "Acme Corp", None, "created", None, "Acme Corp"),
        ("import", "quote", "Q-C1 rev 1", None, "revision", None, "1"),
        ("user_edit", "order", "FO-000001", "FO-000001", "created", None, "Q-C1 rev 1"),
        ("user_edit", "order_line", "line 1", "FO-000001", "location", None, "A-01-3"),
        ("user_edit", "order_line", "line 3", "FO-000001", "quantity", "25", "20"),
        ("import", "quote", "Q-C1 rev 2", None, "revision", "1", "2"),
        ("import", "quote", "line 1 HW-SRV", None, "quantity", "2", "3"),
        ("import", "quote", "line 2 HW-RAIL", None, "removed", "HW-RAIL", None),
        ("import", "quote", "line 3 SUB-CLOUD", None, "end_date", "2027-06-30", "2027-12-31"),
        ("import", "quote", "line 4 HW-UPS", None, "added", None, "HW-UPS")]
    assert {r["who"] for r in found} == {WHO}
    assert [r["reason"] for r in found][:2] == ["Imported from rev1.xlsx"] * 2
    imports = cli.json("history", "--account", "Acme Corp", "--field", "revision", "--source", "import")
    assert [(r["subject"], r["old"], r["new"]) for r in imports] == [("Q-C1 rev 1", None, "1"),
                                                                     ("Q-C1 rev 2", "1", "2")]
    code, _, err = cli.run("history", "--account", "Globex", "--json")
    assert (code, err) == (1, "qtc-desktop: There is no account Globex.\n")


@pytest.mark.parametrize("args", [["history", "--json"], ["history", "FO-000001", "--account", "Acme Corp"]])
def test_history_needs_an_order_or_an_account_not_both(cli: Cli, args: list[str]) -> None:
    code, out, err = cli.run(*args)
    assert (code, out) == (2, "")
    assert err == "qtc-desktop: history needs an ORDER_ID or --account ACCOUNT, one of the two\n"


def test_history_refuses_a_source_it_does_not_know(cli: Cli) -> None:
    code, out, err = cli.run("history", "FO-000001", "--source", "email", "--json")
    assert (code, out) == (2, "")
    assert err == ("qtc-desktop: --source 'email' is not a source (user_edit, import, quote_revision, amendment, "
                   "erp_round_trip, erp_export, system)\n")

"""`qtc-desktop order ...`: create, show, set, status and ship, in process, each test on its own database."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qtc_desktop.cli import main
from qtc_desktop.store.database import ENV_DATABASE_URL

QUOTE = "Q-2026-0077"
EXPORT = [
    ["Quote Number", "Account ID", "Account Name", "Line", "Product Code", "Product Name", "Product Family",
     "Quantity", "Net Price", "Net Total", "Start Date", "End Date", "Subscription Term"],
    [QUOTE, "001Cn00000XyZ12", "Contoso GmbH", 1, "HW-SW-48P", "Switch 48 port", "Hardware", 3, 2100, 6300,
     None, None, None],
    [QUOTE, "001Cn00000XyZ12", "Contoso GmbH", 2, "CBL-CAT6-3M", "Patch cable Cat6 3 m", "Accessories", 40, 4.5,
     180, None, None, None],
    [QUOTE, "001Cn00000XyZ12", "Contoso GmbH", 3, "SUB-NMS-STD", "Network monitoring", "Subscriptions", 1, 1200,
     1200, dt.date(2026, 7, 1), dt.date(2027, 6, 30), 12],
]
# What the coordinator types before the order may go to the ERP: the CPQ export had no address.
READY_FIELDS = ["ship_to_street=Hauptstraße 5", "ship_to_city=München", "ship_to_postal_code=80331",
                "ship_to_country=DE", "bill_to_country=DE", "carrier=DHL Express", "requested_date=2026-07-15",
                "line.3.activation_contact=netops@contoso.example"]


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach the user's real database or log folder."""
    monkeypatch.setenv(ENV_DATABASE_URL, str(tmp_path / "env-default.sqlite3"))
    monkeypatch.setattr("qtc_desktop.crash_log.crash_log_dir", lambda: tmp_path / "logs")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the quote imported by `qtc-desktop import`, made once for the module."""
    folder = tmp_path_factory.mktemp("imported")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Quote Lines"
    for row in EXPORT:
        sheet.append(row)
    book.save(folder / "accepted-quotes.xlsx")
    book.close()
    database = folder / "quotes.sqlite3"
    assert main(["--db", str(database), "import", str(folder / "accepted-quotes.xlsx")]) == 0
    return database


@pytest.fixture
def db(tmp_path: Path, imported: Path) -> str:
    path = tmp_path / "orders.sqlite3"
    shutil.copyfile(imported, path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db, *argv])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> dict[str, Any]:
    """The order document a successful command prints with --json."""
    code, out, err = run(capsys, db, *argv, "--json")
    assert (code, err) == (0, ""), err
    document: dict[str, Any] = json.loads(out)
    return document


def fails(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> str:
    """The message of a refused command, after checking it printed nothing and changed nothing."""
    before = ok(capsys, db, "order", "show", "1") if argv[1] != "create" else None
    code, out, err = run(capsys, db, *argv)
    assert (code, out) == (1, "")
    assert err.startswith("qtc-desktop: ") and err.count("\n") == 1
    if before is not None:
        assert ok(capsys, db, "order", "show", "1") == before
    return err.removeprefix("qtc-desktop: ").strip()


def usage_error(capsys: pytest.CaptureFixture[str], db: str, *argv: str) -> str:
    with pytest.raises(SystemExit) as raised:
        main(["--db", db, *argv])
    out, err = capsys.readouterr()
    assert (raised.value.code, out) == (2, "")
    assert "usage:" in err
    return err


def create(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, Any]:
    return ok(capsys, db, "order", "create", QUOTE)


def ready(capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    ok(capsys, db, "order", "set", "1", *READY_FIELDS)
    ok(capsys, db, "order", "status", "1", "ready")


def test_create_prints_the_order_document(capsys: pytest.CaptureFixture[str], db: str) -> None:
    document = create(capsys, db)
    assert {"id", "number", "status", "version", "quote", "account", "header", "lines", "shipments",
            "readiness"} <= set(document)
    assert (document["id"], document["number"], document["status"], document["version"], document["quote"],
            document["account"]) == (1, "FO-000001", "draft", 1, QUOTE, "Contoso GmbH")
    assert [(line["line"], line["product_code"], line["quantity"], line["kind"]) for line in document["lines"]] == [
        (1, "HW-SW-48P", "3", "ship"), (2, "CBL-CAT6-3M", "40", "ship"), (3, "SUB-NMS-STD", "1", "provision")]
    assert document["shipments"] == []
    assert {item["field"] for item in document["readiness"]} >= {"ship_to_country", "carrier", "requested_date",
                                                                 "activation_contact"}


def test_create_without_json_describes_the_order(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, db, "order", "create", QUOTE)
    assert (code, err) == (0, "")
    assert out.startswith("FO-000001 (draft, version 1) for Contoso GmbH, quote Q-2026-0077 rev 1\n")
    assert "  line 2: CBL-CAT6-3M x 40 (ship), shipped 0, backordered 40\n" in out
    assert "  still missing:\n" in out and "    - carrier (goods ship)\n" in out


def test_a_second_order_for_the_quote_and_an_unknown_quote_fail(capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    assert fails(capsys, db, "order", "create", QUOTE) == "Quote Q-2026-0077 revision 1 already has order FO-000001."
    assert fails(capsys, db, "order", "create", "Q-1999-0001") == "There is no quote Q-1999-0001."


def test_show_finds_the_order_by_id_and_by_number(capsys: pytest.CaptureFixture[str], db: str) -> None:
    created = create(capsys, db)
    assert ok(capsys, db, "order", "show", "1") == created
    assert ok(capsys, db, "order", "show", "FO-000001") == created
    code, out, err = run(capsys, db, "order", "show", "fo-000001")
    assert (code, err) == (0, "") and out.startswith("FO-000001 (draft, version 1)")


def test_set_fills_in_header_and_line_fields(capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    document = ok(capsys, db, "order", "set", "1", "carrier=DHL Express", "incoterms=dap",
                  "line.1.serialized=yes", "line.1.serial_numbers=SW48-0001,SW48-0002", "line.2.quantity=25")
    assert (document["version"], document["header"]["carrier"], document["header"]["incoterms"]) == (
        2, "DHL Express", "DAP")
    assert (document["lines"][0]["serialized"], document["lines"][0]["serial_numbers"]) == (
        True, ["SW48-0001", "SW48-0002"])
    assert document["lines"][1]["quantity"] == "25"
    assert ok(capsys, db, "order", "show", "FO-000001") == document
    # A blank value clears the field.
    assert ok(capsys, db, "order", "set", "1", "carrier=")["header"]["carrier"] is None


@pytest.mark.parametrize(("assignments", "message"), [
    (["ship_to_country=Germany"], "ship_to_country: 'Germany' is not a two-letter country code"),
    (["carrier=UPS", "contact_email=einkauf(at)contoso"], "contact_email: 'einkauf(at)contoso' is not an email"),
    (["requested_date=15.07.2026"], "requested_date: '15.07.2026' is not a date (YYYY-MM-DD)"),
    (["line.2.quantity=41"], "line 2 quantity: is more than the quote's 40"),
    (["line.2.quantity=0"], "line 2 quantity: 0 is not a quantity above zero"),
    (["line.1.serial_numbers=A,B"], "line 1 serial_numbers: the item is not serialized"),
    (["line.1.serialized=yes", "line.1.serial_numbers=A,B,C,D"],
     "line 1 serial_numbers: 4 serial numbers for a quantity of 3"),
    (["line.3.subscription_end=2026-01-31"], "line 3 subscription_end: ends before it starts"),
    (["line.9.quantity=1"], "line 9 line: order FO-000001 has no line 9"),
    (["colour=blue"], "colour: is not an order field (fields: ship_to_name, "),
    (["line.1.colour=blue"], "line 1 colour: is not a line field (fields: quantity, "),
    (["carrier"], "carrier: is not FIELD=VALUE"),
    (["line.one.quantity=2"], "line.one.quantity: is neither FIELD nor line.N.FIELD"),
])
def test_set_refuses_bad_values_naming_the_field_and_changes_nothing(
        capsys: pytest.CaptureFixture[str], db: str, assignments: list[str], message: str) -> None:
    create(capsys, db)
    assert message in fails(capsys, db, "order", "set", "1", "warehouse=MUC-1", *assignments)


def test_set_with_a_stale_version_is_refused(capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    ok(capsys, db, "order", "set", "1", "carrier=UPS", "--version", "1")
    message = fails(capsys, db, "order", "set", "1", "carrier=FedEx", "--version", "1")
    assert message.startswith("Order FO-000001 was changed since you opened it (version 1 → 2)")


def test_status_ready_is_refused_with_what_is_missing_then_allowed(
        capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    message = fails(capsys, db, "order", "status", "1", "ready")
    assert message.startswith("Order FO-000001: missing bill-to name and country; missing ship-to street")
    assert "missing carrier (goods ship); missing requested date" in message
    assert "missing line 3: SUB-NMS-STD: activation contact" in message
    ok(capsys, db, "order", "set", "1", *READY_FIELDS)
    document = ok(capsys, db, "order", "status", "1", "ready")
    assert (document["status"], document["readiness"]) == ("ready", [])
    assert document["next_statuses"] == ["draft", "sent_to_erp", "on_hold", "cancelled"]


def test_hold_needs_a_reason_and_returns_where_it_was(capsys: pytest.CaptureFixture[str], db: str) -> None:
    create(capsys, db)
    assert fails(capsys, db, "order", "status", "1", "on_hold") == (
        "Order FO-000001: putting an order on hold needs a reason")
    document = ok(capsys, db, "order", "status", "1", "on_hold", "--reason", "Credit check pending")
    assert (document["status"], document["status_reason"], document["next_statuses"]) == (
        "on_hold", "Credit check pending", ["draft", "cancelled"])
    assert "cannot go from on hold to ready (allowed: draft, cancelled)" in fails(
        capsys, db, "order", "status", "1", "ready")
    assert ok(capsys, db, "order", "status", "1", "draft")["status"] == "draft"


def test_ship_records_a_shipment(capsys: pytest.CaptureFixture[str], db: str) -> None:
    ready(capsys, db)
    assert "goods ship once the order is sent to the ERP" in fails(capsys, db, "order", "ship", "1", "--line", "1=1")
    ok(capsys, db, "order", "status", "1", "sent_to_erp")
    document = ok(capsys, db, "order", "ship", "1", "--line", "1=1", "--tracking", "T", "--package",
                  "2.5:30x20x10", "--date", "2026-07-14")
    assert document["status"] == "partly_shipped"
    assert document["shipments"] == [{
        "number": "SH-0000001", "ship_date": "2026-07-14", "carrier": "DHL Express", "service_level": None,
        "tracking_number": "T", "lines": [{"line": 1, "quantity": "1", "serial_numbers": []}],
        "packages": [{"reference": None, "weight_kg": "2.5", "dimensions_cm": ["30", "20", "10"]}]}]
    assert [(line["shipped"], line["backordered"]) for line in document["lines"]] == [
        ("1", "2"), ("0", "40"), ("0", "0")]
    document = ok(capsys, db, "order", "ship", "1", "--line", "1=2", "--line", "2=40", "--carrier", "UPS",
                  "--package", "11")
    assert document["status"] == "shipped" and document["shipments"][1]["carrier"] == "UPS"
    assert document["shipments"][1]["packages"][0] == {"reference": None, "weight_kg": "11",
                                                       "dimensions_cm": [None, None, None]}


@pytest.mark.parametrize(("options", "message"), [
    (["--line", "1:1"], "--line: '1:1' is not N=QTY"),
    (["--line", "x=1"], "--line: 'x=1' is not N=QTY"),
    (["--line", "1=one"], "--line: '1=one' is not N=QTY"),
    (["--line", "2=NaN"], "line 2 quantity: must be above zero"),
    (["--line", "1=4"], "line 1 quantity: 4 is more than the 3 still to ship"),
    (["--line", "3=1"], "line 3 quantity: SUB-NMS-STD is provisioned, not shipped"),
    (["--line", "1=1", "--package", "heavy"], "--package: 'heavy' is not KG or KG:LxWxH"),
    (["--line", "1=1", "--package", "2.5:30x20"], "--package: '2.5:30x20' is not KG or KG:LxWxH"),
    (["--line", "1=1", "--package", "-2.5"], "package 1: weight -2.5 is not a plausible weight"),
    (["--line", "1=1", "--serial", "first=A"], "--serial: 'first=A' is not N=SN1,SN2"),
    (["--line", "1=1", "--date", "14.07.2026"], "--date: '14.07.2026' is not YYYY-MM-DD"),
])
def test_ship_refuses_bad_options_and_records_nothing(
        capsys: pytest.CaptureFixture[str], db: str, options: list[str], message: str) -> None:
    ready(capsys, db)
    ok(capsys, db, "order", "status", "1", "sent_to_erp")
    assert message in fails(capsys, db, "order", "ship", "1", *options)


@pytest.mark.parametrize("argv", [
    ["show", "7"], ["show", "FO-000007"], ["set", "7", "carrier=UPS"], ["status", "7", "ready"],
    ["ship", "7", "--line", "1=1"],
])
def test_an_unknown_order_fails(capsys: pytest.CaptureFixture[str], db: str, argv: list[str]) -> None:
    create(capsys, db)
    assert fails(capsys, db, "order", *argv) == f"There is no order {argv[1]}."


@pytest.mark.parametrize("argv", [
    [], ["frobnicate"], ["create"], ["create", QUOTE, "--revision", "0"], ["show"], ["set", "1"],
    ["status", "1"], ["status", "1", "bogus"], ["ship", "1"], ["ship", "1", "--tracking", "T"],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db: str, argv: list[str]) -> None:
    err = usage_error(capsys, db, "order", *argv)
    assert "error:" in err


def test_product_rules_from_the_command_line(tmp_path, capsys) -> None:
    from qtc_desktop.cli import main as run

    db = str(tmp_path / "rules.sqlite3")
    assert run(["--db", db, "product-rule", "set", "hw-srv-*", "ship", "--serialized", "--priority", "5"]) == 0
    assert run(["--db", db, "product-rule", "set", "*-LIC", "provision"]) == 0
    capsys.readouterr()
    assert run(["--db", db, "product-rule", "list", "--json"]) == 0
    import json

    assert json.loads(capsys.readouterr().out) == [
        {"pattern": "HW-SRV-*", "kind": "ship", "serialized": True, "priority": 5},
        {"pattern": "*-LIC", "kind": "provision", "serialized": False, "priority": 100}]
    assert run(["--db", db, "product-rule", "set", "SUB-*", "provision", "--serialized"]) == 1
    assert "serial numbers" in capsys.readouterr().err
    assert run(["--db", db, "product-rule", "remove", "*-lic"]) == 0
    assert run(["--db", db, "product-rule", "remove", "*-lic"]) == 1

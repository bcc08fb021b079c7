"""The command line: JSON on stdout, messages on stderr, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qtc_desktop.cli import main
from qtc_desktop.store import open_store, resolve_url
from qtc_desktop.store.database import ENV_DATABASE_URL
from qtc_desktop.store.migrate import HEAD_REVISION

MONEY = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may reach the user's real database or log folder."""
    monkeypatch.setenv(ENV_DATABASE_URL, str(tmp_path / "env-default.sqlite3"))
    monkeypatch.setattr("qtc_desktop.crash_log.crash_log_dir", lambda: tmp_path / "logs")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite3")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def exit_code(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int | str | None, str, str]:
    with pytest.raises(SystemExit) as raised:
        main(list(argv))
    out, err = capsys.readouterr()
    return raised.value.code, out, err


@pytest.fixture
def filled(capsys: pytest.CaptureFixture[str], db: str) -> str:
    code, out, err = run(capsys, "--db", db, "sample-data")
    assert (code, out) == (0, "")
    assert f"Loaded sample data into {Path(db).resolve()}" in err
    return db


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = exit_code(capsys, "--version")
    assert (code, out, err) == (0, "qtc-desktop 0.1.0\n", "")


def test_quotes_json(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "quotes", "--json")
    assert (code, err) == (0, "")
    quotes = json.loads(out)
    assert isinstance(quotes, list) and len(quotes) > 90
    for quote in quotes:
        assert {"number", "revision", "type", "account", "lines", "net_total", "currency"} <= set(quote)
        assert isinstance(quote["lines"], int) and quote["lines"] > 0
        assert isinstance(quote["revision"], int)
        assert MONEY.match(quote["net_total"]), quote["net_total"]
        assert quote["type"] in {"new", "amendment", "renewal", "cancellation"}
        assert re.fullmatch(r"[A-Z]{3}", quote["currency"])


def test_orders_json(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "orders", "--json")
    assert (code, err) == (0, "")
    orders = json.loads(out)
    assert len(orders) == 90
    quote_numbers = {q["number"] for q in json.loads(run(capsys, "--db", filled, "quotes", "--json")[1])}
    for order in orders:
        assert {"id", "number", "quote", "account", "status", "lines"} <= set(order)
        assert isinstance(order["id"], int) and isinstance(order["lines"], int)
        assert order["quote"] in quote_numbers
    assert len({order["status"] for order in orders}) >= 6


def test_accounts_json(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "accounts", "--json")
    assert (code, err) == (0, "")
    accounts = json.loads(out)
    assert accounts and all(isinstance(a["name"], str) and a["name"] for a in accounts)
    assert sum(a["quotes"] for a in accounts) == len(json.loads(run(capsys, "--db", filled, "quotes", "--json")[1]))
    # Non-Latin names come through as text, not as \\u escapes.
    assert any(not a["name"].isascii() or not (a["address"]["city"] or "").isascii() for a in accounts)
    assert "\\u" not in out


def test_table_output_has_a_header_and_a_row_per_order(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "orders")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["id", "number", "status", "account", "quote", "lines", "requested_date"]
    assert len(lines) == 1 + 90


def test_sample_data_json_goes_to_stdout(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(capsys, "--db", db, "sample-data", "--orders", "12", "--json")
    assert code == 0
    made = json.loads(out)  # only JSON on stdout, the sentence on stderr
    assert made["orders"] == 12 and made["quotes"] > 12 and made["accounts"] > 0
    assert "Loaded sample data" in err and "Loaded" not in out


def test_sample_data_into_a_filled_database_fails(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "sample-data")
    assert (code, out) == (1, "")
    assert err.startswith("qtc-desktop: ") and "already holds data" in err
    assert len(json.loads(run(capsys, "--db", filled, "orders", "--json")[1])) == 90


def test_db_info_names_the_database_and_schema(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    code, out, err = run(capsys, "--db", filled, "db-info")
    assert (code, err) == (0, "")
    assert f"database: {Path(filled).resolve()}" in out
    assert f"schema: {HEAD_REVISION}" in out


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["sample-data", "--orders", "0"], ["sample-data", "--orders", "ten"],
     ["sample-data", "--orders", "2000000"], ["quotes", "--csv"]],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], db: str, argv: list[str]) -> None:
    code, out, err = exit_code(capsys, "--db", db, *argv)
    assert (code, out) == (2, "")
    assert "usage:" in err and "error:" in err
    assert not Path(db).exists()  # refused before anything was opened


def test_environment_selects_the_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chosen = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv(ENV_DATABASE_URL, str(chosen))
    assert run(capsys, "sample-data", "--orders", "10")[0] == 0
    assert chosen.is_file()
    code, out, _ = run(capsys, "orders", "--json")
    assert code == 0 and len(json.loads(out)) == 10
    # --db still wins over the environment.
    code, out, _ = run(capsys, "--db", str(tmp_path / "other.sqlite3"), "orders", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_locked_database_refuses_writes_but_not_reads(capsys: pytest.CaptureFixture[str], filled: str) -> None:
    window = open_store(resolve_url(filled))  # as if the app had it open
    try:
        code, out, err = run(capsys, "--db", filled, "sample-data")
        assert (code, out) == (1, "")
        assert str(Path(filled).resolve()) in err
        assert f"pid {os.getpid()}" in err
        code, out, err = run(capsys, "--db", filled, "quotes", "--json")
        assert (code, err) == (0, "")
        assert len(json.loads(out)) > 90
    finally:
        window.close()


# -- end to end, as a scheduled job would run it ------------------------------------------


def cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qtc_desktop", *argv],
        capture_output=True, text=True, encoding="utf-8", timeout=120, env=env,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, Any]:
    home = tmp_path / "home"
    return {
        **os.environ,
        ENV_DATABASE_URL: str(tmp_path / "e2e-default.sqlite3"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONWARNINGS": "error",
        "PYTHONIOENCODING": "utf-8",
    }


def test_end_to_end_sample_data_then_quotes(tmp_path: Path, env: dict[str, str]) -> None:
    db = str(tmp_path / "e2e.sqlite3")
    made = cli("--db", db, "sample-data", "--orders", "20", "--json", env=env)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["orders"] == 20
    listed = cli("--db", db, "quotes", "--json", env=env)
    assert (listed.returncode, listed.stderr) == (0, "")
    quotes = json.loads(listed.stdout)
    assert len(quotes) == json.loads(made.stdout)["quotes"]
    assert all(MONEY.match(q["net_total"]) for q in quotes)
    again = cli("--db", db, "sample-data", env=env)
    assert (again.returncode, again.stdout) == (1, "")
    assert "already holds data" in again.stderr


def test_end_to_end_version_and_usage(env: dict[str, str]) -> None:
    version = cli("--version", env=env)
    assert (version.returncode, version.stdout) == (0, "qtc-desktop 0.1.0\n")
    unknown = cli("frobnicate", env=env)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "invalid choice" in unknown.stderr

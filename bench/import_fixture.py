"""The import case's fixtures (a 50,000-line quote workbook, empty databases) and its three timed sides.

The sides run in a fresh interpreter each (`python -c "from import_fixture import run; run(...)"`,
see case_import.py) so that each run's peak memory is its own. Each times itself, after its
imports, and prints one JSON line: seconds, peak RSS of itself and of its waited-for children.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import shutil
import sqlite3
import sys
import time
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

QUOTES = 2_500
LINES_PER_QUOTE = 20
LINE_COUNT = QUOTES * LINES_PER_QUOTE
FIXTURE_VERSION = 1  # bump when the workbook's content changes
HEADERS = ("Quote Number", "Account Name", "Account ID", "Product Code", "Product Name", "Quantity",
           "List Price", "Net Price", "Additional Disc. (%)", "Net Total", "Start Date", "End Date",
           "Currency", "Sales Region")
CUSTOM = "Sales Region"  # maps to no field: the importer keeps it in the line's `extra`
SEED = 2026


# -- fixtures (untimed, cached) ------------------------------------------------------------

def workbook(cache_dir: Path) -> Path:
    """The quote workbook as Excel saves it (shared strings, date cells), built once (~10 s)."""
    path = cache_dir / f"quotes-{LINE_COUNT // 1000}k-v{FIXTURE_VERSION}.xlsx"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    for stale in cache_dir.glob("quotes-*.xlsx"):
        stale.unlink()
    print(f"building {path} ({LINE_COUNT:,} lines)...", file=sys.stderr)
    building = cache_dir / f"building-{path.name}"
    building.unlink(missing_ok=True)  # an interrupted build is never reused
    _write_workbook(building, _lines())
    _check_shared_strings(building)
    building.rename(path)
    return path


def _lines() -> list[tuple[Any, ...]]:
    """2,500 quotes of 20 lines, as a CPQ quote-line report exports them."""
    rng = random.Random(SEED)
    first = ("Northwind", "Contoso", "Fabrikam", "Adventure", "Tailspin", "Wingtip", "Litware",
             "Proseware", "Coho", "Alpine", "Blue Yonder", "Margie's", "Lucerne", "Woodgrove",
             "Humongous", "Fourth Coffee", "Trey", "Wide World", "Graphic", "Southridge")
    second = ("Traders", "Systems", "Industries", "Holdings", "Logistics", "Analytics", "Health",
              "Energy", "Media", "Labs", "Foods", "Airlines", "Bank", "Insurance", "Retail")
    suffix = ("Inc.", "Ltd", "GmbH", "SA", "AG", "BV", "LLC", "plc", "Oy", "AB")
    regions = ("NA East", "NA West", "EMEA North", "EMEA South", "DACH", "APAC", "LATAM", "ANZ")
    currencies = ("USD", "USD", "USD", "EUR", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY")
    accounts = []
    for index in range(600):
        name = f"{rng.choice(first)} {rng.choice(second)} {rng.choice(suffix)} {index:03d}"
        account_id = "001" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
                                     for _ in range(15))
        accounts.append((name, account_id, rng.choice(currencies), rng.choice(regions)))
    families = ("Platform", "Analytics", "Storage", "Security", "Support", "Services", "Hardware")
    editions = ("Standard", "Professional", "Enterprise", "Unlimited")
    terms = ("Annual Subscription", "Monthly Subscription", "Perpetual Licence", "Add-on", "Bundle")
    products = []
    for index in range(400):
        code = f"SKU-{10000 + index * 7}"
        name = f"{rng.choice(families)} {rng.choice(editions)} {rng.choice(terms)} ({index % 9 + 1} seats)"
        products.append((code, name, round(rng.uniform(5, 5000), 2)))
    discounts = (0, 0, 0, 5, 10, 12.5, 15, 20, 25, 30)
    quantities = (1, 1, 2, 3, 5, 10, 12, 25, 50, 100, 250)
    epoch = dt.date(2025, 1, 1)
    rows = []
    for quote in range(QUOTES):
        number = f"Q-{100001 + quote}"
        account_name, account_id, currency, region = rng.choice(accounts)
        start = epoch + dt.timedelta(days=rng.randrange(730))
        for line_product in rng.sample(products, LINES_PER_QUOTE):
            code, name, list_price = line_product
            discount = rng.choice(discounts)
            quantity = rng.choice(quantities)
            net_price = round(list_price * (1 - discount / 100), 4)
            net_total = round(net_price * quantity, 2)
            line_start = start + dt.timedelta(days=rng.choice((0, 0, 0, 30, 90)))
            months = rng.choice((12, 12, 24, 36))
            end = dt.date(line_start.year + months // 12, line_start.month, 1) - dt.timedelta(days=1)
            end = max(end, line_start)
            rows.append((number, account_name, account_id, code, name, quantity, list_price, net_price,
                         discount, net_total, line_start, end, currency, region))
    return rows


def _write_workbook(path: Path, rows: list[tuple[Any, ...]]) -> None:
    # xlsxwriter in its default mode writes a shared-strings table, as Excel and LibreOffice do
    # (openpyxl 3.1 writes every string inline, which calamine reads by another path).
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Quote Lines")
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": 14})  # Excel's built-in short date, m/d/yyyy
    money = book.add_format({"num_format": 4})  # #,##0.00
    sheet.write_row(0, 0, HEADERS, bold)
    formats = {6: money, 7: money, 9: money, 10: date, 11: date}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, formats[c])
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value, formats.get(c))
    sheet.autofilter(0, 0, len(rows), len(HEADERS) - 1)
    sheet.freeze_panes(1, 0)
    book.close()


def _check_shared_strings(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        sheet = zf.read("xl/worksheets/sheet1.xml")
    if "xl/sharedStrings.xml" not in names or b't="s"' not in sheet or b"inlineStr" in sheet:
        raise RuntimeError(f"{path} does not keep its text in shared strings")


def empty_db(cache_dir: Path) -> Path:
    """An empty database at the app's current schema (created and migrated by the app itself)."""
    from qtc_desktop.store import open_store, resolve_url
    from qtc_desktop.store.migrate import HEAD_REVISION

    path = cache_dir / f"import-empty-{HEAD_REVISION}.sqlite3"
    if path.exists():
        return path
    for stale in cache_dir.glob("import-empty-*.sqlite3"):
        _remove_with_sidecars(stale)
    building = cache_dir / f"building-{path.name}"
    _remove_with_sidecars(building)
    store = open_store(resolve_url(str(building)))
    store.close()
    _settle(building, path)
    return path


def floor_db(cache_dir: Path, xlsx: Path) -> Path:
    """The empty database with the workbook's accounts and quotes already in it, for the floor's lines."""
    from sqlalchemy import create_engine, insert

    from qtc_desktop.domain import Account, Quote
    from qtc_desktop.store.migrate import HEAD_REVISION

    path = cache_dir / f"import-floor-{HEAD_REVISION}-{xlsx.stem}.sqlite3"
    if path.exists():
        return path
    for stale in cache_dir.glob("import-floor-*.sqlite3"):
        _remove_with_sidecars(stale)
    building = cache_dir / f"building-{path.name}"
    _remove_with_sidecars(building)
    shutil.copyfile(empty_db(cache_dir), building)
    accounts: dict[str, str] = {}
    quotes: dict[str, tuple[str, str]] = {}
    for number, name, account_id, *_, currency, _region in _lines():
        accounts[account_id] = name
        quotes.setdefault(number, (account_id, currency))
    now = dt.datetime.now(dt.timezone.utc)
    engine = create_engine(f"sqlite:///{building}")
    with engine.begin() as connection:
        ids = connection.execute(insert(Account).returning(Account.external_id, Account.id), [
            {"external_id": account_id, "name": name, "created_at": now, "updated_at": now}
            for account_id, name in accounts.items()]).all()
        account_ids: dict[str | None, int] = {external_id: account_id for external_id, account_id in ids}
        connection.execute(insert(Quote), [
            {"number": number, "revision": 1, "account_id": account_ids[account_id], "currency": currency,
             "imported_at": now} for number, (account_id, currency) in quotes.items()])
    engine.dispose()
    _settle(building, path)
    return path


def _settle(building: Path, path: Path) -> None:
    """Fold the write-ahead log into the file, then rename: an interrupted build is never reused."""
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    building.rename(path)
    _remove_with_sidecars(building)


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- the sides, each run in its own interpreter ----------------------------------------------

def run(side: str, xlsx: str, db: str) -> None:
    """One timed run of `side` ("ours", "floor" or "pandas"); prints its figures as one JSON line."""
    figures = {"ours": _ours, "floor": _floor, "pandas": _pandas}[side](Path(xlsx), Path(db))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({**figures, "self_kib": own, "children_kib": children}))


def _ours(xlsx: Path, db: Path) -> dict[str, Any]:
    """What `qtc-desktop --db NEW.sqlite3 import FILE` does after its imports."""
    from qtc_desktop.services.importing.service import import_file
    from qtc_desktop.services.progress import Progress
    from qtc_desktop.store import open_store, resolve_url

    class Phases(Progress):  # the window passes such a subclass too; this one only notes the time
        def __init__(self) -> None:
            super().__init__()
            self.marks: list[tuple[str, float]] = []

        def report(self, done: int, total: int, message: str) -> None:
            self.marks.append((message.split()[0].lower(), time.perf_counter()))

    progress = Phases()
    start = time.perf_counter()
    store = open_store(resolve_url(str(db)))
    with store.transaction() as session:
        result = import_file(session, xlsx, who="bench", progress=progress)
        assert result.ok, [str(problem) for problem in result.problems[:5]]
        assert sum(quote.lines for quote in result.quotes) == LINE_COUNT
        stored = time.perf_counter()
    committed = time.perf_counter()
    store.close()
    end = time.perf_counter()
    marks = [("open", start), *progress.marks, ("commit", stored), ("close", committed), ("", end)]
    # open: open_store; read: the reader child, from spawn to the rows back in this process;
    # check: find_layout and build_quotes; match: plan_quotes; store: store_quotes;
    # commit; close: disposing of the engine (SQLite checkpoints the WAL into the file).
    names = {"open": "open", "reading": "read", "checking": "check", "matching": "match",
             "storing": "store", "stored": "store", "commit": "commit", "close": "close"}
    phases: dict[str, float] = {}
    for (name, at), (_, after) in zip(marks, marks[1:]):
        phases[names[name]] = phases.get(names[name], 0.0) + after - at
    return {"seconds": end - start, "phases": phases, "tracker_kib": _resource_tracker_peak_kib()}


def _resource_tracker_peak_kib() -> int:
    """The peak RSS of multiprocessing's resource tracker, a third process the reader brings along."""
    try:
        from multiprocessing import resource_tracker

        pid = getattr(resource_tracker._resource_tracker, "_pid", None)  # no public accessor
        if pid is None:
            return 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (ImportError, AttributeError, OSError, ValueError):
        pass
    return 0


def _floor(xlsx: Path, db: Path) -> dict[str, Any]:
    """calamine's rows, minimally converted, into the app's quote_lines table with one executemany."""
    from decimal import Decimal
    from typing import cast

    import python_calamine
    from sqlalchemy import Table, create_engine, event, insert, text

    from qtc_desktop.domain import QuoteLine

    table = cast(Table, QuoteLine.__table__)

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        # The app's own settings (foreign keys enforced, WAL, synchronous=NORMAL), so neither
        # side pays for durability the other skips.
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    start = time.perf_counter()
    engine = create_engine(f"sqlite:///{db}")
    event.listen(engine, "connect", pragmas)
    with engine.connect() as connection:
        quote_ids: dict[Any, int] = dict(connection.execute(text("SELECT number, id FROM quotes")).tuples().all())
    rows = python_calamine.CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    read = time.perf_counter()
    column = {name: index for index, name in enumerate(rows[0])}
    q, code, name, qty, lp, np_, disc, tot, sd, ed, extra = (column[h] for h in (
        "Quote Number", "Product Code", "Product Name", "Quantity", "List Price", "Net Price",
        "Additional Disc. (%)", "Net Total", "Start Date", "End Date", CUSTOM))
    line_numbers: dict[Any, int] = {}
    lines = []
    for row in rows[1:]:
        number = row[q]
        line_no = line_numbers[number] = line_numbers.get(number, 0) + 1
        lines.append({
            "quote_id": quote_ids[number], "line_no": line_no, "product_code": row[code],
            "product_name": row[name], "quantity": Decimal(repr(row[qty])),
            "list_price": Decimal(repr(row[lp])), "net_price": Decimal(repr(row[np_])),
            "discount_percent": Decimal(repr(row[disc])), "net_total": Decimal(repr(row[tot])),
            "start_date": row[sd], "end_date": row[ed], "extra": {CUSTOM: row[extra]},
        })
    converted = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(table), lines)
    stored = time.perf_counter()
    engine.dispose()
    end = time.perf_counter()
    assert len(lines) == LINE_COUNT
    return {"seconds": end - start, "phases": {"read": read - start, "convert": converted - read,
                                               "store+commit": stored - converted, "close": end - stored}}


def _pandas(xlsx: Path, db: Path) -> dict[str, Any]:
    """What a power user would script: read_excel (default engine) and to_sql into a new file."""
    import pandas

    start = time.perf_counter()
    frame = pandas.read_excel(xlsx)
    read = time.perf_counter()
    with closing(sqlite3.connect(db)) as connection:
        frame.to_sql("quote_lines", connection, index=False)
        connection.commit()
    end = time.perf_counter()
    assert len(frame) == LINE_COUNT
    return {"seconds": end - start, "phases": {"read": read - start, "store": end - read}}

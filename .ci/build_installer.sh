#!/usr/bin/env bash
# Build the one-folder qtc-desktop bundle with PyInstaller (build_installer.spec) into
# build/dist/qtc-desktop/, then smoke-test the built program:
#   --version; a fresh SQLite DB (exercises the bundled Alembic migrations) with
#   sample-data and quotes --json; and, once qtc_desktop/ui/app.py exists, opening the
#   window offscreen with --quit-after 0.
#
# Usage: .ci/build_installer.sh            (PYTHON=/path/to/python to use another interpreter)
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DIST=build/dist
APP="$DIST/qtc-desktop/qtc-desktop"

if [[ ! -x "$PYTHON" ]] && ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "build_installer: no Python at $PYTHON (create the venv or set PYTHON)" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! "$PYTHON" -c "import PyInstaller" >/dev/null 2>&1; then
    echo "build_installer: installing PyInstaller" >&2
    "$PYTHON" -m pip install 'pyinstaller>=6.5'
fi

expected_version="$("$PYTHON" - <<'EOF'
import ast, pathlib
tree = ast.parse(pathlib.Path("qtc_desktop/__init__.py").read_text(encoding="utf-8"))
print(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
           and any(getattr(t, "id", None) == "__version__" for t in n.targets)))
EOF
)"

echo "build_installer: PyInstaller $("$PYTHON" -m PyInstaller --version), $("$PYTHON" --version)" >&2
start=$SECONDS
"$PYTHON" -m PyInstaller --noconfirm --clean --distpath "$DIST" --workpath build/work build_installer.spec
build_seconds=$((SECONDS - start))

[[ -e "$APP" || ! -e "$APP.exe" ]] || APP="$APP.exe"  # Git Bash on Windows
if [[ ! -x "$APP" ]]; then
    echo "build_installer: FAILED: no executable at $APP" >&2
    exit 1
fi

fail() {
    echo "build_installer: SMOKE TEST FAILED: $*" >&2
    exit 1
}

echo "build_installer: smoke test" >&2
export QT_QPA_PLATFORM=offscreen
# Keep the smoke test away from the real user's data, logs and settings.
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/data" XDG_CONFIG_HOME="$tmp/home/config" \
    XDG_STATE_HOME="$tmp/home/state" XDG_CACHE_HOME="$tmp/home/cache" \
    XDG_RUNTIME_DIR="$tmp/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset QTC_DATABASE_URL

version_out="$("$APP" --version)" || fail "--version exited $?"
echo "  --version: $version_out" >&2
[[ "$version_out" == "qtc-desktop $expected_version" ]] \
    || fail "--version printed '$version_out', expected 'qtc-desktop $expected_version'"

db="$tmp/smoke.sqlite3"
"$APP" --db "$db" sample-data --orders 20 || fail "sample-data on a fresh database exited $?"

"$APP" --db "$db" quotes --json >"$tmp/quotes.json" || fail "quotes --json exited $?"
"$PYTHON" - "$tmp/quotes.json" <<'EOF' || fail "quotes --json did not print a non-empty JSON list"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(rows, list) and rows, rows
print(f"  quotes --json: {len(rows)} quotes", file=sys.stderr)
EOF

schema="$("$APP" --db "$db" db-info)" || fail "db-info exited $?"
grep -q '^schema: [^N]' <<<"$schema" || fail "db-info shows no schema revision: $schema"
echo "  db-info: $(grep '^schema:' <<<"$schema")" >&2

# The importer reads files in a spawned child process: in the bundle that child is the
# program itself (multiprocessing.freeze_support), which only a real import proves.
"$PYTHON" - "$tmp/quotes.xlsx" <<'EOF' || fail "could not write the smoke-test workbook"
import datetime, sys
import openpyxl
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.append(["Quote Number", "Account Name", "Product Code", "Quantity", "Net Total", "Start Date"])
sheet.append(["Q-SMOKE-1", "Smoke Test Ltd", "HW-1", 2, 199.5, datetime.date(2026, 1, 31)])
workbook.save(sys.argv[1])
EOF
rc=0
timeout 120 "$APP" --db "$db" import "$tmp/quotes.xlsx" --json >"$tmp/import.json" || rc=$?
[[ $rc -eq 0 ]] || fail "import of a small workbook exited $rc: $(cat "$tmp/import.json")"
"$PYTHON" - "$tmp/import.json" <<'EOF' || fail "import --json did not report the quote"
import json, sys
result = json.load(open(sys.argv[1], encoding="utf-8"))
quote = result["files"][0]["quotes"][0]
assert (quote["number"], quote["net_total"], quote["status"]) == ("Q-SMOKE-1", "199.50", "created"), quote
print("  import: Q-SMOKE-1 created (the bundled reader child process works)", file=sys.stderr)
EOF

# Paperwork needs the bundled fonts and logo (resources/) and reportlab's barcode modules.
"$APP" --db "$db" pdf pick-list 1 2 3 --out "$tmp/pick.pdf" || fail "pdf pick-list exited $?"
"$APP" --db "$db" pdf packing-slip 1 --out "$tmp/slip.pdf" || fail "pdf packing-slip exited $?"
head -c 5 "$tmp/slip.pdf" | grep -q '%PDF-' || fail "pdf packing-slip did not write a PDF"
echo "  pdf: a pick list and a packing slip written" >&2
# ERP export writes with xlsxwriter, imported only when an export runs.
"$APP" --db "$db" export "$tmp/erp.xlsx" --layout generic --changed --json >"$tmp/export.json" \
    || fail "export --changed exited $?: $(cat "$tmp/export.json")"
echo "  export: $(grep -c '"FO-' "$tmp/export.json") order(s) written" >&2

# Team mode: the bundled psycopg driver and the migrations on a real PostgreSQL server,
# and the local file moved into a new database there (.ci/run starts the server).
if [[ -n "${QTC_TEST_POSTGRESQL_URL:-}" ]] && command -v psql >/dev/null 2>&1; then
    team_db="qtc_smoke_$$"
    admin="${QTC_TEST_POSTGRESQL_URL/postgresql+psycopg:/postgresql:}"
    psql "$admin" -q -c "CREATE DATABASE $team_db" || fail "could not create $team_db on the test server"
    team_url="${QTC_TEST_POSTGRESQL_URL%/*}/$team_db"
    rc=0
    "$APP" --db "$db" db copy --to "$team_url" --json >"$tmp/copy.json" || rc=$?
    team_orders="$("$APP" --db "$team_url" orders --json | grep -c '"FO-' || true)"
    psql "$admin" -q -c "DROP DATABASE $team_db WITH (FORCE)" || true
    [[ $rc -eq 0 ]] || fail "db copy --to PostgreSQL exited $rc: $(cat "$tmp/copy.json")"
    grep -q '"verified": true' "$tmp/copy.json" || fail "db copy did not verify: $(cat "$tmp/copy.json")"
    [[ "$team_orders" -gt 0 ]] || fail "the copied PostgreSQL database lists no orders"
    echo "  team mode: copied to PostgreSQL, verified, $team_orders orders listed there" >&2
else
    echo "  team mode: no PostgreSQL server (QTC_TEST_POSTGRESQL_URL) for the smoke test" >&2
fi

rc=0
timeout 60 "$APP" --db "$db" --quit-after 0 || rc=$?
[[ $rc -eq 0 ]] || fail "the window (--quit-after 0) exited $rc (124: timed out after 60 s)"
echo "  window: opened and quit after the first paint" >&2

echo "build_installer: OK"
echo "build_installer: build time: ${build_seconds} s"
echo "build_installer: bundle size: $(du -sh "$DIST/qtc-desktop" | cut -f1) ($DIST/qtc-desktop)"

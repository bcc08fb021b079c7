"""Set up and run qtc-desktop from a fresh clone with nothing but Python.

    python3 dev.py run [ARGS...]     set up .venv and start the app (ARGS go to qtc-desktop)
    python3 dev.py test [ARGS...]    set up .venv with test tools; check layering and types; run pytest
    python3 dev.py bench [CASES...]  run the benchmarks in bench/
    python3 dev.py installer         build the PyInstaller app and smoke-test it
    python3 dev.py screenshots       regenerate the README pictures from the running app

Works the same on Windows, macOS and Linux; `make` is not needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
EXTRAS = {"run": "", "test": "[test,postgresql]", "bench": "[test,bench]", "installer": "[installer]",
          "screenshots": ""}


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (editable) unless pyproject.toml is unchanged."""
    if sys.version_info < (3, 11):
        sys.exit(f"qtc-desktop needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating {VENV} with Python {sys.version.split()[0]} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing qtc-desktop{extras} and its dependencies …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f".{extras}"], cwd=ROOT, check=True)
    stamp.write_text(digest)


def run(*command: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.run([str(part) for part in command], cwd=ROOT, env=env).returncode


def postgresql_for_tests() -> dict[str, str]:
    """Start the throwaway PostgreSQL server the team-mode tests use, where this machine has one.

    QTC_TEST_POSTGRESQL_URL already set: that server. Otherwise .ci/postgres.sh starts one
    on 127.0.0.1 (it never installs anything from here). Without a server the PostgreSQL
    half of the store and service tests is skipped, and pytest's summary says so.
    """
    if os.environ.get("QTC_TEST_POSTGRESQL_URL") or os.name != "posix":
        return {}
    started = subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh")], cwd=ROOT, capture_output=True, text=True,
                             env=dict(os.environ, QTC_PG_NO_INSTALL="1"))
    line = started.stdout.strip().rpartition("export QTC_TEST_POSTGRESQL_URL=")[2]
    if started.returncode != 0 or not line:
        print("No PostgreSQL server here: the team-mode (PostgreSQL) tests will be skipped. "
              "See README, Team mode.", flush=True)
        return {}
    print(f"PostgreSQL for the tests: {line}", flush=True)
    return {"QTC_TEST_POSTGRESQL_URL": line}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    task, rest = argv[0], argv[1:]
    ensure_venv(EXTRAS[task])
    if task == "run":
        return run(PYTHON, "-m", "qtc_desktop", *rest)
    if task == "test":
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env.update(postgresql_for_tests())
        for step in (
            [BIN / "lint-imports", "--no-cache"],
            [PYTHON, "-m", "mypy"],
            [PYTHON, "-m", "pytest", *rest],
        ):
            code = run(*step, env=env)
            if code != 0:
                return code
        return 0
    if task == "bench":
        return run(PYTHON, "bench/run.py", *rest, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if task == "installer":
        return run("bash", ".ci/build_installer.sh", env=dict(os.environ, PYTHON=str(PYTHON)))
    if task == "screenshots":
        return run(PYTHON, "-m", "qtc_desktop.ui.screenshots", env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

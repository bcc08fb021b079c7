"""Cold start: the app's main window on 100,000 orders, first paint, exit; against a bare Qt window."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from fixtures import orders_db

NAME = "cold_start"
TARGET = 1.5
FLOOR_SCRIPT = Path(__file__).with_name("floor_window.py")

_db: Path | None = None
_env: dict[str, str] = {}


def setup(cache_dir: Path) -> None:
    global _db, _env
    _db = orders_db(cache_dir)
    # Bytecode as an installed build has it: this checkout may forbid writing .pyc files
    # (PYTHONDONTWRITEBYTECODE), which would make ours, not the floor, compile its modules
    # on every run. Both sides read and write their bytecode under the cache instead.
    _env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    _env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(cache_dir / "pycache"))
    ours()  # writes the bytecode, untimed
    floor()


def _run(*args: str) -> None:
    """One fresh process with offscreen Qt and empty settings (a new XDG_CONFIG_HOME each run)."""
    with tempfile.TemporaryDirectory(prefix="qtc-bench-config-") as config:
        done = subprocess.run([sys.executable, *args], env={**_env, "XDG_CONFIG_HOME": config},
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr}")


def ours() -> None:
    assert _db is not None, "setup() first"
    _run("-m", "qtc_desktop", "--db", str(_db), "--quit-after", "0")


def floor() -> None:
    _run(str(FLOOR_SCRIPT))

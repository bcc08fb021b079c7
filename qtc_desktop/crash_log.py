"""Where the details of an unexpected error go, so the user sees a sentence, not a traceback."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path


def crash_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("qtc-desktop", appauthor=False)


def write_crash_log(exc: BaseException) -> Path:
    """Write the traceback to a new file and return its path (a temp file if logs fail)."""
    text = "".join(traceback.format_exception(exc))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder = crash_log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"error-{stamp}-{os.getpid()}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        handle, name = tempfile.mkstemp(prefix="qtc-desktop-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        return Path(name)

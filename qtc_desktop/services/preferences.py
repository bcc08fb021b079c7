"""The coordinator's preferences, in one small file the window and the command line both read."""

from __future__ import annotations

import getpass
import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from qtc_desktop.services.errors import QtcError

ENV_CONFIG_DIR = "QTC_CONFIG_DIR"  # another folder for preferences.json (tests, portable installs)
PAPER_SIZES = ("A4", "Letter")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        return "unknown"


@dataclass
class Preferences:
    coordinator_name: str = ""
    paper_size: str = "A4"
    company_name: str = ""
    company_address: str = ""  # lines separated by newlines, printed under the name on paperwork
    company_logo: str = ""  # a PNG or JPEG file; blank for the bundled default
    # A team's shared database (postgresql+psycopg://user@server/qtc); blank for this computer's
    # SQLite file. --db and QTC_DATABASE_URL win over it. No password here: see the README.
    database_url: str = ""

    @property
    def who(self) -> str:
        """Who change records name: the coordinator, else the operating-system user."""
        return self.coordinator_name.strip() or os_user()


def preferences_path() -> Path:
    folder = os.environ.get(ENV_CONFIG_DIR)
    if folder:
        return Path(folder) / "preferences.json"
    from platformdirs import user_config_path

    return user_config_path("qtc-desktop", appauthor=False) / "preferences.json"


def load_preferences(path: Path | None = None) -> Preferences:
    """The saved preferences; the defaults when there are none or the file is unreadable."""
    path = path or preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    known = {field.name for field in fields(Preferences)}
    values = {key: str(value) for key, value in data.items() if key in known and isinstance(value, str)}
    preferences = Preferences(**values)
    if preferences.paper_size not in PAPER_SIZES:
        preferences.paper_size = "A4"
    return preferences


def save_preferences(preferences: Preferences, path: Path | None = None) -> None:
    """Write beside the file and rename, so a crash never leaves half a preferences file."""
    path = path or preferences_path()
    cleaned = Preferences(preferences.coordinator_name.strip(), preferences.paper_size,
                          preferences.company_name.strip(), preferences.company_address.strip(),
                          preferences.company_logo.strip(), preferences.database_url.strip())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".preferences-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(cleaned), stream, ensure_ascii=False, indent=2)
        os.replace(temporary, path)
    except OSError as exc:
        raise QtcError(f"Could not save the preferences to {path}: {exc.strerror or exc}") from exc

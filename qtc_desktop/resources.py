"""Paths of the bundled resource files (icons etc.), from the source tree or a PyInstaller build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The project's resources/ directory: next to the package, or inside a frozen bundle."""
    if getattr(sys, "frozen", False):
        # PyInstaller unpacks (onefile) or places (onedir, under _internal/) data here;
        # build_installer.spec bundles the top-level resources/ folder as "resources".
        return Path(getattr(sys, "_MEIPASS")) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a file under resources/, e.g. resource_path("icons", "app.png").

    The path is not checked: the caller decides what a missing file means.
    """
    return resources_dir().joinpath(*parts)

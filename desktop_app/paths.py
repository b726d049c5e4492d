"""Where things live: the user's data folder (platformdirs) and the shipped resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from desktop_app import APP_NAME

DB_FILENAME = "ledger.sqlite3"


def data_dir() -> Path:
    """The user's data folder; `AFTERSALES_LEDGER_HOME` redirects it (tests, portable installs)."""
    override = os.environ.get("AFTERSALES_LEDGER_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # buyers' data: the owner's eyes only
    return path


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resources_dir() -> Path:
    """`resources/` beside the package in a source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)

"""Shared fixtures: every test gets its own data folder and database file in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests, on CI or on a developer's desktop.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_app.store.database import Database, open_database


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Redirect the user's data folder so no test touches real user files."""
    home = tmp_path / "data-home"
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()

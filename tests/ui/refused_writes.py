"""Fixtures of the tests that make a dialog's write fail: imported by a test module, they apply to every test in it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop_app.store import database


@pytest.fixture(autouse=True)
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box over the window instead of the dialog (as before) is recorded, never left blocking the test."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_args: said.append(text))
    return said


@pytest.fixture(autouse=True)
def quick_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the ledger is opened: a locked ledger is refused in 0.3 s, not 30."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)

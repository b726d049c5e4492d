"""The window started on a ledger it cannot open (session 29's hostile settings): said in a box, never only on a
console a program started from its icon does not have."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.ui import app as gui


def _no_window(target: object) -> None:
    raise AssertionError(f"a window opened on {target}")


def test_a_damaged_team_settings_file_is_said_in_a_box_at_start(qtbot: QtBot, data_home: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    data_home.mkdir(parents=True)
    (data_home / "team.json").write_bytes(b'{"server": "postgresql+psycopg://shop@192.0.2.10/aftersa')
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(gui, "create_window", _no_window)
    monkeypatch.setattr(gui, "setup_logging", lambda: data_home / "ledger.log")  # the test run's logging stays
    interval = sys.getswitchinterval()
    try:
        assert gui.run_gui([]) == 2
    finally:
        sys.setswitchinterval(interval)
    assert len(shown) == 1 and "团队设置文件" in shown[0] and str(data_home / "team.json") in shown[0], shown
    assert "团队设置文件" in capsys.readouterr().err
    assert not (data_home / "ledger.sqlite3").exists()

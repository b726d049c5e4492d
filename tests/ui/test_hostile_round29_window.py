"""Session 29's hostile inputs in the window: a ledger it cannot open said in a box (never only on a console a
program started from its icon does not have), a damaged workbook refused in the window's language."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.store.ledger_files import count_rows
from desktop_app.ui import app as gui
from tests.ui.conftest import close_window, open_laptop_window
from tests.unit.test_hostile_round29 import SAMPLES, _damaged_workbooks

CJK = re.compile(r"[\u3400-\u9fff]")


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


def test_a_damaged_workbook_dropped_on_the_english_window_is_refused_in_english(
        qtbot: QtBot, tmp_path: Path, data_home: Path, english: QTranslator) -> None:
    """The refusal stayed Chinese in the English window (工作表“订单”里有无法识别的单元格位置“”: bytes of the broken
    stream, quoted as an empty position) or quoted calamine's English (I/O error: …) in the Chinese one; the damage
    is said in the window's language now, and the good file beside it imported."""
    broken = _damaged_workbooks(tmp_path)["deflate_broken"]
    good = tmp_path / "pdd_orders.csv"
    good.write_bytes((SAMPLES / "pdd_orders.csv").read_bytes())
    win = open_laptop_window(qtbot, tmp_path / "import.sqlite3")
    try:
        dialog = win.import_files([broken, good])
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
        reasons = [dialog.table.item(row, 6).text() for row in range(dialog.table.rowCount())]
        refusal = next(r for r in reasons if "Sheet" in r)
        assert "damaged" in refusal and not CJK.search(refusal.replace("订单", "")), refusal
        assert "I/O error" not in refusal and '""' not in refusal, refusal
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        dialog.close()
    finally:
        close_window(win)
    assert count_rows(tmp_path / "import.sqlite3").orders == 40  # type: ignore[union-attr]

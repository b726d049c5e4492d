"""The rules form's date windows are China time on a PC in a daylight-saving zone (session 16, tried as
a tester: a window's time inside the PC's spring-forward gap moved by an hour when the row was edited)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDateTimeEdit
from pytestqt.qtbot import QtBot

from tests.ui.test_calendar_tab import Ledger, open_ledger
from tests.ui.test_rules_dialog import make_dialog


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


@pytest.mark.usefixtures("new_york")
def test_a_window_time_in_the_pcs_daylight_saving_gap_keeps_its_china_time(qtbot: QtBot, ledger: Ledger) -> None:
    # 2027-03-14 02:30 does not exist in New York (clocks jump from 02:00 to 03:00); in China it does.
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("taobao")
    dialog.views.setCurrentWidget(dialog.editor)
    text = dialog.editor.toPlainText()
    window = text.index('id = "spring_festival_2022"')
    head, tail = text[:window], text[window:]
    tail = tail.replace("start = 2022-01-25T00:00:00", "start = 2027-03-14T02:30:00", 1)
    tail = tail.replace("end = 2022-02-08T23:59:59", "end = 2027-03-20T23:59:59", 1)
    dialog.editor.setPlainText(head + tail)
    dialog.views.setCurrentWidget(dialog.form)
    form = dialog.form
    form.select_timer("seller_confirm_return")
    row = [form.windows.item(r, 0).text() for r in range(form.windows.rowCount())].index("2022年春节售后时效")
    start, end = form.windows.cellWidget(row, 1), form.windows.cellWidget(row, 2)
    assert isinstance(start, QDateTimeEdit) and isinstance(end, QDateTimeEdit)
    assert start.text() == "2027-03-14 02:30:00"
    end.setDateTime(end.dateTime().addDays(1))  # the shop moves the window's end by a day
    written = dialog.editor.toPlainText()
    assert "start = 2027-03-14T02:30:00" in written and "end = 2027-03-21T23:59:59" in written

"""Two seats editing one reship's items: the one whose dialog was filled before the other saved is told, and
sees the other's items, instead of writing over them without a word. The other seat is a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.ui.reships.reship_dialogs import ItemsDialog
from tests.ui.test_reship_tab import Queue, add_order, douyin_request, queue, row_of  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


def test_items_saved_over_another_seats_edit_are_refused_with_its_items_shown(
        qtbot: QtBot, queue: Queue, db_path: Path) -> None:  # noqa: F811
    add_order(queue.db, "douyin", "DY7001", [("纯棉袜子", "白色", 2), ("T恤", "L", 1)])
    case_id = douyin_request(queue.db, "DY7001")
    queue.open(qtbot)
    tab = queue.tab
    tab.select_case(case_id)
    tab.items_button.click()
    mine = tab.dialog
    assert isinstance(mine, ItemsDialog) and mine.table.rowCount() == 2
    # Meanwhile another seat (the command line, another computer) says only the T-shirt is missing.
    other = subprocess.run([sys.executable, "-m", "desktop_app", "reship", "items", str(case_id), "--item", "T恤|L|1",
                            "--db", str(db_path)], env={**os.environ, "PYTHONPATH": str(ROOT)},
                           capture_output=True, text=True, timeout=120)
    assert other.returncode == 0, other.stderr
    mine.table.selectRow(1)
    mine.remove_button.click()
    mine.quantity_box(0).setValue(1)  # this seat: one sock
    mine.ok_button.click()
    queue.idle(qtbot)
    # It overwrote the T-shirt with one sock, and said 补发商品已保存.
    assert row_of(queue.db, case_id).items == (ReshipItemRow("T恤", "L", 1),)
    qtbot.waitUntil(lambda: mine.write_problem.isVisible(), timeout=5000)  # said in the dialog, still open
    assert "刚被" in mine.write_problem.text() and "未保存" in mine.write_problem.text()
    assert mine.isVisible() and mine.table.rowCount() == 1 and mine.quantity_box(0).value() == 1
    queue.idle(qtbot)
    assert "T恤" in queue.cell(0, "items")  # the fresh state beside the message

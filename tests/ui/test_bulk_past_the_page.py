"""全选 over more cases than the list has read (it reads 200 a page, as the view scrolls): the batch takes
every selected case, not the 200 whose page happened to be read (the 需要处理 list of a 双11 morning, 1,792
cases, gave the dialog 200)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
from desktop_app.ui.widgets.paged_model import PAGE_SIZE
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle
from tests.ui.test_table_models import bulk_seed

CASES = PAGE_SIZE * 2 + 50  # reships 1…450; every third closed: 300 open, on two pages and a half


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    bulk_seed(db_path, CASES)
    yield from opened_window(qtbot, db_path)


def test_select_all_past_the_pages_read_takes_every_case(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    open_ids = [i for i in range(1, CASES + 1) if i % 3 != 0]
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(open_ids), timeout=5000)
    assert not tab.model.is_loaded(len(open_ids) - 1)  # the last page was never shown
    tab.table.selectAll()
    assert str(len(open_ids)) in tab.bulk_button.text()
    tab.open_bulk()
    qtbot.waitUntil(lambda: tab.findChild(BulkActionDialog) is not None, timeout=5000)
    dialog = tab.findChild(BulkActionDialog)
    assert isinstance(dialog, BulkActionDialog)
    assert dialog.case_ids == open_ids
    dialog.action.setCurrentIndex(dialog.action.findData("agree_reship"))
    qtbot.waitUntil(lambda: dialog.summary.text().startswith(f"{len(open_ids)} 张售后单将执行“同意补发”"),
                    timeout=5000)
    assert tab.model.cached_pages() == 1  # the pages read for the batch did not push the one on screen out
    dialog.close()
    wait_idle(qtbot, window)

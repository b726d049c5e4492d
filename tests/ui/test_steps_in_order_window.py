"""The window tells the same story as the command line for a reship shipped on the day it was agreed, typed by its
day only (seed 004's 48 h to ship and 3 元): the case is shipped in time — no 赔付 line, no red 下一个时限 — where
it showed the 48 h overdue with 3 元 at stake on a 已补发 case."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.case_filters import CaseSort
from desktop_app.store.database import open_database
from desktop_app.ui.widgets.paged_model import ROW_ROLE
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for order_no, shipped in (("6923456789012345680", "2026-11-28"), ("6923456789012345681", None)):
        case_id = open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=parse_moment("2026-11-28 10:00")), author="小林").case_id
        reships.agree(db, case_id, at=parse_moment("2026-11-28 12:00"), author="小林")
        if shipped:
            reships.ship(db, case_id, "中通快递", "75123456789012", at=parse_moment(shipped), author="小林")
    db.close()
    return db_path


def test_a_reship_shipped_on_its_agreement_day_reads_in_time_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    model = tab.model
    column = model.column_index(CaseSort.NEXT_DUE)
    cells = {model.index(r, 0).data(ROW_ROLE).id: model.index(r, column).data() for r in range(model.rowCount())}
    assert "补寄发货" not in (cells[1] or "") and "补寄发货并上传运单号（48小时）" in cells[2]
    tab.select_case(2)
    qtbot.waitUntil(lambda: tab.detail.case_id == 2 and "赔付" in tab.detail.summary.toPlainText(), timeout=5000)
    assert "2026-11-30 12:00 前未完成须赔付 3.00 元" in tab.detail.summary.toPlainText()  # the one not shipped
    tab.select_case(1)
    qtbot.waitUntil(lambda: "6923456789012345680" in tab.detail.summary.toPlainText(), timeout=5000)
    assert "赔付" not in tab.detail.summary.toPlainText()


"""The 下一个时限 sort follows the clock (issue 13): a case whose stored next deadline the platform has
settled by itself since is read again by the window's minute tick, and the table shows the new order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop_app.core.clock import Moment, now
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_filters import CaseSort
from desktop_app.store.database import open_database
from desktop_app.store.models import Case
from desktop_app.ui.cases.case_table_model import CaseTableModel
from desktop_app.ui.widgets.paged_model import ROW_ROLE
from tests.ui.conftest import opened_window, wait_idle


def test_the_minute_tick_moves_a_case_the_platform_settled_below_the_work_to_do(
        qtbot: QtBot, seeded_path: Path) -> None:
    start = now()
    db = open_database(seeded_path)
    # 拼多多 承诺补发 promised an hour ago (3 working days, assumed): the shop's work, due in days.
    work = open_case(db, NewCase(Platform.PDD, "TICK-B", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=Moment(start - timedelta(hours=2))), author="测试").case_id
    act_on_case(db, work, CaseAction.AGREE_RESHIP, at=Moment(start - timedelta(hours=1)), author="测试")
    # 抖店 refund-only request of 50 h ago: its 48 h answer (assumed) ran out 2 h ago and the platform refunded.
    settled = open_case(db, NewCase(Platform.DOUYIN, "TICK-A", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                                    requested=Moment(start - timedelta(hours=50))), author="测试").case_id
    for win in opened_window(qtbot, seeded_path):
        qtbot.waitUntil(lambda win=win: hasattr(win, "next_due_clock"), timeout=10000)  # start-up jobs began
        wait_idle(qtbot, win)
        model = win.cases_tab.model
        with qtbot.waitSignal(model.loaded, timeout=10000):
            win.cases_tab.table.sortByColumn(model.column_index(CaseSort.NEXT_DUE), Qt.SortOrder.AscendingOrder)
        assert listed(model) == [work, settled]
        # As a ledger last written before the answer ran out has it: the answer stored, to be read again
        # when it runs out (2 h ago). The sort put the settled case first, as overdue.
        with db.transaction() as s:
            s.execute(update(Case).where(Case.id == settled).values(
                next_due_at=start - timedelta(hours=2), next_due_name="处理仅退款申请（48小时）（时长为估计）",
                next_due_automatic=True, next_due_until=start - timedelta(hours=2)))
        with qtbot.waitSignal(model.loaded, timeout=10000):
            model.reload()
        assert listed(model) == [settled, work]
        with qtbot.waitSignal(model.loaded, timeout=10000):
            win.next_due_clock.tick()
        wait_idle(qtbot, win)
        assert listed(model) == [work, settled]
        cell = model.index(1, model.column_index(CaseSort.NEXT_DUE)).data()
        assert cell == "平台已超时自动处理：处理仅退款申请（48小时）（时长为估计）"
    db.close()


def listed(model: CaseTableModel) -> list[int]:
    return [model.index(r, 0).data(ROW_ROLE).id for r in range(model.rowCount())]

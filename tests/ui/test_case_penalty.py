"""The money a platform penalty puts on a case is shown on the case (issue 13 item 9): 抖店's 3 元 for a
reship not shipped within 48 h of agreeing (seed 004 "應當按照每單3元的標準向用戶進行賠付"), at stake while
the reship is still to ship within its 48 h, owed once they ran out (shipped late or not yet: session 22).
`deadlines` showed it; the case did not."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import Moment, now
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.ui.window.main_window import MainWindow
from tests.unit.test_reships import moment


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for order_no in ("6923456789012345678", "6923456789012345679"):
        case_id = open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=moment("2026-11-28 10:00")), author="小林").case_id
        reships.agree(db, case_id, at=moment("2026-11-28 12:00"), author="小林")
    reships.ship(db, 2, "中通快递", "75123456789012", at=moment("2026-12-01 09:00"), author="小林")
    # #3: agreed an hour ago, 47 h left to ship: at stake only.
    at = now()
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345670", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(at - timedelta(hours=2))), author="小林").case_id
    reships.agree(db, case_id, at=Moment(at - timedelta(hours=1)), author="小林")
    db.close()
    return db_path


def test_the_case_shows_the_3_yuan_at_stake_and_lost(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    tab.select_case(1)
    qtbot.waitUntil(lambda: tab.detail.case_id == 1 and "赔付" in tab.detail.summary.toPlainText(), timeout=5000)
    text = tab.detail.summary.toPlainText()
    # Not shipped when its 48 h ran out on 11-30: the 3 元 is owed and counted (session 22), shipped or not.
    assert "补寄发货并上传运单号（48小时）：已超时（2026-11-30 12:00）须赔付 3.00 元" in text
    assert "3.00 元（时限超时，按平台规则计入）" in text
    tab.select_case(3)
    qtbot.waitUntil(lambda: "6923456789012345670" in tab.detail.summary.toPlainText(), timeout=5000)
    text = tab.detail.summary.toPlainText()
    assert "前未完成须赔付 3.00 元" in text and "时限超时" not in text  # at stake, not counted
    tab.select_case(2)
    qtbot.waitUntil(lambda: tab.detail.case_id == 2 and "已超时" in tab.detail.summary.toPlainText(), timeout=5000)
    assert "已超时（2026-11-30 12:00）须赔付 3.00 元" in tab.detail.summary.toPlainText()

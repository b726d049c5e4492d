"""How the English window reads on a 双11 day (session 29's walk at 1366×768): no full-width marks drawn by the
interface's CJK font in English texts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QTranslator
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.case_filters import OpenState
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
from desktop_app.ui.cases.bulk_undo import KIND
from desktop_app.ui.reships.reship_dialogs import DecisionDialog
from desktop_app.ui.translations import ts_file
from tests.ui.conftest import close_window, open_laptop_window
from tests.ui.test_claims_tab import Env as ClaimsEnv
from tests.ui.test_claims_tab import add_order
from tests.ui.test_claims_tab import env as env  # the fixture
from tests.ui.test_reship_tab import Queue as ReshipQueue
from tests.ui.test_reship_tab import add_order as add_reship_order
from tests.ui.test_reship_tab import douyin_request
from tests.ui.test_reship_tab import queue as queue  # the fixture

# The CJK font draws "…" as a wide, raised "⋯" (Loading⋯, Import cost table⋯), and "，（）：" full-width.
WIDE_MARKS = re.compile("[…，（）：；、]")
CJK = re.compile(r"[\u3400-\u9fff]")


def test_no_english_text_ends_in_the_cjk_ellipsis() -> None:
    found = []
    for message in ET.parse(ts_file("en")).getroot().iter("message"):
        translation = message.find("translation")
        texts = [translation.text or ""] if translation is not None else []
        if translation is not None:
            texts += [form.text or "" for form in translation.iter("numerusform")]
        found += [text for text in texts if "…" in text]
    assert not found, found[:5]


def test_a_bulk_change_of_kind_reads_in_english_punctuation(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                          english: QTranslator) -> None:
    """更改售后类型 on eleven cases, one closed: the plan joined its moves and refused cases with "，", "（…）"
    and " …" in English too ("Pending → Processing ×10；1 cannot be changed: #11（Closed）")."""
    win = open_laptop_window(qtbot, tmp_path / "ledger.sqlite3")
    try:
        db = win.context.db
        assert db is not None
        for n in range(12):
            open_case(db, NewCase(Platform.DOUYIN, f"6923456789012345{n:02}", CaseKind.RESHIP), author="小林")
        for case_id in range(1, 12):
            act_on_case(db, case_id, CaseAction.CLOSE, note="买家撤销", author="客服")
        tab = win.cases_tab
        win.refresh()
        tab.filter_bar.open_filter.setCurrentIndex(tab.filter_bar.open_filter.findData(OpenState.ALL))
        qtbot.waitUntil(lambda: tab.model.rowCount() == 12 and not win.runner.busy, timeout=10000)
        tab.table.selectAll()
        dialog = tab.open_bulk()
        assert isinstance(dialog, BulkActionDialog)
        dialog.action.setCurrentIndex(dialog.action.findData(KIND))
        dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.REFUND_ONLY.value))
        plan = dialog.summary.text()
        assert plan.startswith('1 cases will become "Refund only"'), plan
        assert not WIDE_MARKS.search(plan), plan
        assert "#1 (Closed)" in plan and plan.endswith(" ..."), plan
    finally:
        close_window(win)


def test_a_full_claims_list_shows_its_next_step_and_totals_in_yuan_in_english(
        qtbot: QtBot, english: QTranslator, env: ClaimsEnv) -> None:
    """The totals line kept the full-width ￥ in English ("Claimed ￥25.00"); and with a list long enough for its
    scroll bar, at the first run's 1280 px, the splitter gave the list so little room that 下一步 ended past
    its edge (the ￥'s width alone had kept it in view with one claim)."""
    for n in range(30):
        order = add_order(env.db, f"261102-{n:05}", "中通快递", f"ZT{n:05}")
        open_claim(env.db, NewClaim(ClaimIncident.DAMAGED, order_id=order))
    env.tab.resize(1268, 640)  # the tab in a 1280×720 window
    env.tab.refresh()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.model.rowCount() == 30, timeout=5000)
    totals = env.tab.totals_label.text()
    assert "￥" not in totals and "<b>¥" in totals, totals
    table, model = env.tab.table, env.tab.model
    qtbot.waitUntil(table.verticalScrollBar().isVisible, timeout=3000)
    column = model.column_index("next_step")
    edge = table.columnViewportPosition(column) + table.columnWidth(column)
    assert edge <= table.viewport().width(), (edge, table.viewport().width())
    assert table.columnWidth(column) >= table.horizontalHeader().fontMetrics().horizontalAdvance("Next step")


def test_agreeing_a_reship_says_what_follows_in_english(qtbot: QtBot, english: QTranslator,
                                                        queue: ReshipQueue) -> None:
    """同意补发's explanation was the pack's sentence in Chinese in the English window ("处理补寄申请（48小时）：
    未及时处理则自动同意补寄", "补寄发货并上传运单号（48小时）：同意后48小时内发出并填写运单号；逾期：…")."""
    add_reship_order(queue.db, "douyin", "DY1001", [("纯棉袜子", "白色", 2)])
    douyin_request(queue.db, "DY1001")
    queue.open(qtbot)
    queue.select(0)
    queue.tab.agree_button.click()
    dialog = queue.tab.dialog
    assert isinstance(dialog, DecisionDialog) and dialog.isVisible()
    said = dialog.explanation.text()
    assert "once agreed, ship within 48 hours and enter the tracking number; if late: " in said, said
    assert ": if not handled in time: " in said, said
    assert not CJK.search(said), said
    dialog.reject()


def test_agreeing_a_reship_says_what_follows_in_chinese_as_before(qtbot: QtBot, queue: ReshipQueue) -> None:
    add_reship_order(queue.db, "douyin", "DY1001", [("纯棉袜子", "白色", 2)])
    douyin_request(queue.db, "DY1001")
    queue.open(qtbot)
    queue.select(0)
    queue.tab.agree_button.click()
    dialog = queue.tab.dialog
    assert isinstance(dialog, DecisionDialog)
    said = dialog.explanation.text()
    assert "：同意后48小时内发出并填写运单号；逾期：" in said and "：未及时处理则" in said, said
    dialog.reject()

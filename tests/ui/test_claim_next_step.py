"""The claims tab shows each open claim's next escalation step and its deadline (table column, coloured
like every deadline) and, in the detail pane, the step with its checklist."""

from __future__ import annotations

import os
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import Moment, now, parse_moment
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.ui.widgets import status_colours
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from tests.ui.test_claims_tab import Env, add_order, env  # noqa: F401  (the fixture)


def test_next_step_column_and_detail_checklist(qtbot: QtBot, env: Env) -> None:  # noqa: F811
    order_id = add_order(env.db, "261101-555", "圆通速递", "YT9001")
    # Escalated to the head office ten days ago: the courier's 7 days are over, 12305 is open now.
    long_ago = Moment(now() - timedelta(days=10))
    escalated = open_claim(env.db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id, at=long_ago)).claim_id
    act_on_claim(env.db, escalated, ClaimAction.SUBMIT_STATEMENT, at=long_ago)
    act_on_claim(env.db, escalated, ClaimAction.ESCALATE_HQ, at=long_ago)
    # A draft recorded just now: report to the outlet by tomorrow.
    draft = open_claim(env.db, NewClaim(incident=ClaimIncident.DAMAGED, order_id=order_id, again=True,
                                        at=parse_moment(now().strftime("%Y-%m-%d %H:%M")))).claim_id
    env.tab.refresh()
    env.idle(qtbot)
    model = env.tab.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    column = model.column_index("next_step")
    assert model.headerData(column, Qt.Orientation.Horizontal) == "下一步"
    cells = {model.index(r, 0).data(ROW_ROLE).id: model.index(r, column) for r in range(model.rowCount())}
    assert cells[escalated].data().startswith("国家邮政局申诉 ") and cells[escalated].data().endswith("起")
    assert QColor(cells[escalated].data(Qt.ItemDataRole.ForegroundRole).color()) == status_colours.OVERDUE
    assert cells[draft].data().startswith("提交货值说明 截止")
    assert QColor(cells[draft].data(Qt.ItemDataRole.ForegroundRole).color()) == status_colours.DUE_SOON
    tip = cells[escalated].data(Qt.ItemDataRole.ToolTipRole)
    assert "12305" in tip and "快递企业收到投诉后有 7 天处理期" in tip

    env.tab.select_claim(escalated)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None and env.tab.detail.detail.id == escalated,
                    timeout=5000)
    text = env.tab.detail.summary.toPlainText()
    assert "下一步：总部 7 天未处理则向国家邮政局 12305 申诉" in text and "（现在可以办理）" in text
    assert "找：国家邮政局 12305" in text
    assert "✓ 运单号" in text and "✗ 破损照片、与快递的沟通记录" in text
    assert "□ 寄件人（本店）姓名、电话、身份证明" in text
    # Each mark in the theme's shade (a fixed #444 all but vanished on the dark theme).
    html = env.tab.detail.summary.toHtml().lower()
    for name in ("done", "overdue", "secondary"):
        assert status_colours.shade(name) in html
    assert "#444444" not in html
    shot = os.environ.get("CLAIM_NEXT_STEP_PNG")
    if shot:
        env.tab.resize(1366, 768)
        env.tab.grab().save(shot)

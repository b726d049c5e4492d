"""A claim's goods and money: each amount whole in its column, in Chinese and in English."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop_app.core.claims import ClaimAction, ClaimIncident, PayoutChannel
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.models import Order, OrderItem
from desktop_app.ui.claims.new_claim_dialog import PAID_COLUMN, VALUE_COLUMN
from tests.ui.test_claims_tab import Env, _new_claim_for
from tests.ui.test_claims_tab import env as env  # the fixture


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_paid_and_claimed_amounts_are_whole(qtbot: QtBot, env: Env, language: str,
                                                request: pytest.FixtureRequest) -> None:
    """理赔金额 was sized to its title before its amounts were filled: "12,9…" of 12,996.00; the two amount
    columns are as wide as each other, the wider one's widest text."""
    if language == "en":
        request.getfixturevalue("english")
    with env.db.transaction() as session:
        session.execute(update(Order).values(paid_fen=2_599_800))  # thousands of yuan a line
    dialog = _new_claim_for(qtbot, env.tab, "ZT7788")
    qtbot.waitExposed(dialog)
    table = dialog.items
    option = QStyleOptionViewItem()
    for column in (PAID_COLUMN, VALUE_COLUMN):
        for row in range(table.rowCount()):
            index = table.model().index(row, column)
            needed = table.itemDelegate().sizeHint(option, index).width()
            assert table.columnWidth(column) >= needed, (column, index.data(), table.columnWidth(column), needed)
    assert table.item(0, VALUE_COLUMN).text() == "12,996.00"
    assert table.columnWidth(PAID_COLUMN) == table.columnWidth(VALUE_COLUMN)
    dialog.close()


def test_a_claims_goods_and_money_read_whole_in_english(qtbot: QtBot, env: Env, english: QTranslator) -> None:
    """At 1366 px the claim's goods showed 数量 100 px wide and 申请金额 past the edge over a sideways scroll
    bar; a payout wrote the full-width ￥ ("¥ 50.00") and （Bank transfer） in English."""
    env.tab.resize(1366, 740)
    with env.db.transaction() as session:
        order_id = session.query(Order.id).scalar()
        session.execute(update(OrderItem).values(title="加厚珊瑚绒毛毯 冬季午睡毯 150x200cm 灰色 加大加厚款"))
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id)).claim_id
    act_on_claim(env.db, claim_id, ClaimAction.SUBMIT_STATEMENT)
    act_on_claim(env.db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=5000, channel=PayoutChannel.BANK)
    env.tab.refresh()
    env.idle(qtbot)
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None, timeout=5000)
    goods = env.tab.detail.items
    qtbot.waitUntil(lambda: goods.topLevelItemCount() == 2, timeout=5000)
    columns = goods.header()
    last = columns.count() - 1
    assert columns.sectionViewportPosition(last) + columns.sectionSize(last) <= goods.viewport().width()
    for column in range(1, columns.count()):
        assert columns.sectionSize(column) >= goods.sizeHintForColumn(column), column
    summary = env.tab.detail.summary.toPlainText()
    assert "¥50.00 (" in summary and "￥" not in summary and "（" not in summary, summary

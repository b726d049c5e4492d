"""The new claim's goods: each amount whole in its column, in Chinese and in English."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop_app.store.models import Order
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

"""A claim whose goods have no price is stated from the window: the dialog asks for the prices (for
this statement only) instead of telling the shop to run `statement … --unit-price 59.00` on a command
line it does not have; a wrong price is said in Chinese and nothing is generated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.vocabulary import Platform, order_key
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.statements import StatementRequest
from desktop_app.store.database import open_database
from desktop_app.store.models import Order, OrderItem, utcnow
from desktop_app.ui.statements.statement_dialog import StatementDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.test_statement_render import add_order, pdf_text


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    """Claim 1 priced; claim 2 for goods of an export without prices (抖店 sample order 6997277114671694613)."""
    db = open_database(db_path)
    try:
        priced = add_order(db, "3712345678901234561", "78123456789012")
        open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=priced), author="test")
        with db.transaction() as session:
            order = Order(
                order_key=order_key(Platform.DOUYIN, "6997277114671694613"), platform="douyin",
                order_no="6997277114671694613", receiver="范敏怡", carrier="圆通速递", tracking_no="YT7332608645586",
                shipped_at=datetime(2026, 11, 16, 5, 41, tzinfo=UTC), imported_at=utcnow(),
                search_text="6997277114671694613",
                items=[OrderItem(position=0, title="纯棉袜子 10双装 中筒", spec="均码", quantity=2)],
            )
            session.add(order)
            session.flush()
            unpriced = order.id
        open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=unpriced), author="test")
    finally:
        db.close()
    return db_path


def test_prices_typed_for_goods_without_one(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = StatementDialog(window.context, StatementRequest(claim_ids=(1, 2)), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.typed_prices.isVisible(), timeout=10000)
    assert "纯棉袜子 10双装 中筒" in dialog.page.message
    assert "--unit-price" not in dialog.page.message and "命令" not in dialog.page.message
    assert list(dialog.typed_prices.fields) == ["纯棉袜子 10双装 中筒"]
    assert not dialog.pdf_button.isEnabled()

    field = dialog.typed_prices.fields["纯棉袜子 10双装 中筒"]
    field.setText("十二块")  # not money: said, nothing read
    dialog.typed_prices.use_button.click()
    assert "不是有效的金额" in dialog.typed_prices.problem.text()
    assert dialog.typed_prices.problem.isVisible()
    assert not dialog.pdf_button.isEnabled()

    field.setText("12.50")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.typed_prices.use_button.click()
    assert dialog.list.count() == 2 and dialog.pdf_button.isEnabled()
    assert not dialog.typed_prices.isVisible()
    pdf = tmp_path / "both.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        assert dialog.save_pdf(pdf)
    text = pdf_text(pdf)
    assert "12.50" in text and "25.00" in text  # 2 × 12.50


def test_the_greyed_out_print_and_save_buttons_say_why(qtbot: QtBot, window: MainWindow) -> None:
    """打印预览 / 保存 PDF / 保存 Excel stood greyed out without a word while the dialog asked for prices."""
    dialog = StatementDialog(window.context, StatementRequest(claim_ids=(1, 2)), window)
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = (dialog.preview_button, dialog.pdf_button, dialog.xlsx_button)
    assert all(not b.isEnabled() and b.toolTip() == "正在读取货值说明……" for b in buttons)
    qtbot.waitUntil(lambda: dialog.typed_prices.isVisible(), timeout=10000)
    for button in buttons:
        assert not button.isEnabled() and "先在下方填写单价" in button.toolTip(), button.text()
    dialog.typed_prices.fields["纯棉袜子 10双装 中筒"].setText("12.50")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.typed_prices.use_button.click()
    assert all(b.isEnabled() and not b.toolTip() for b in buttons)


def test_the_command_line_still_names_its_option(window: MainWindow) -> None:
    """The same problem on the command line keeps its way of typing a price (`--unit-price`)."""
    from desktop_app.core.statement import StatementIncomplete
    from desktop_app.services.statements import load_statements

    assert window.context.db is not None
    with pytest.raises(StatementIncomplete) as raised:
        load_statements(window.context.db, StatementRequest(claim_ids=(2,)))
    assert "--unit-price" in raised.value.message
    assert raised.value.unpriced == ("纯棉袜子 10双装 中筒",)

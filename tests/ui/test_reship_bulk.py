"""批量处理 in the 补发队列: only what every selected reship allows, a summary before, a result per reship
after; a tracking number each (one bad among them refused alone), 缺货改退款, statements, export."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.services import reships
from desktop_app.services.cases import act_on_case
from desktop_app.store.case_queries import case_row
from desktop_app.ui.reships.reship_bulk import EXPORT, OUT_OF_STOCK, PICKING, SHIP, TRACKING_COLUMN, ReshipBulkDialog
from tests.ui.test_reship_tab import Queue, add_order, douyin_request, queue, row_of

__all__ = ["queue"]  # the fixture, shared with the queue's own tests


def agreed(queue: Queue, count: int) -> list[int]:
    ids = []
    for n in range(count):
        add_order(queue.db, "douyin", f"DY300{n}", [("纯棉袜子", "白色", n + 1)], receiver=f"买家{n}")
        case_id = douyin_request(queue.db, f"DY300{n}")
        reships.agree(queue.db, case_id, at=parse_moment("2026-05-06 12:00"))
        ids.append(case_id)
    return ids


def open_bulk(qtbot: QtBot, queue: Queue) -> ReshipBulkDialog:
    queue.open(qtbot)
    queue.tab.table.selectAll()
    assert queue.tab.bulk_button.isEnabled() and "（3）" in queue.tab.bulk_button.text()
    dialog = queue.tab.open_bulk()
    assert isinstance(dialog, ReshipBulkDialog) and dialog.isVisible()
    return dialog


def test_tracking_numbers_for_each_with_one_refused(qtbot: QtBot, queue: Queue) -> None:
    ids = agreed(queue, 3)
    dialog = open_bulk(qtbot, queue)
    offered = [dialog.action.itemData(i) for i in range(1, dialog.action.count())]  # after （选择操作）
    assert offered[:2] == [SHIP, OUT_OF_STOCK] and "ship_reship" not in offered
    assert offered[-2:] == [PICKING, EXPORT] and "statements" in offered and "agree_reship" not in offered
    assert dialog.action.currentData() == SHIP and dialog.tracking.isVisible()
    assert "将为 3 条补发录入运单号" in dialog.summary.text()
    rows = {dialog.tracking.item(r, 0).text(): r for r in range(3)}
    dialog.tracking.item(rows[f"#{ids[0]}"], TRACKING_COLUMN).setText("YT1234567890")
    dialog.tracking.item(rows[f"#{ids[1]}"], TRACKING_COLUMN).setText("7.7E+11")  # Excel ate this one
    dialog.tracking.item(rows[f"#{ids[2]}"], TRACKING_COLUMN).setText("SF1234567890")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=10000) as finished:
        dialog.run_button.click()
    results = {r.case_id: r for r in finished.args[0]}
    assert results[ids[0]].ok and results[ids[2]].ok and not results[ids[1]].ok
    assert "Excel" in (results[ids[1]].error or "")
    texts = [dialog.result_list.item(i).text() for i in range(3)]
    assert any("已补发，运单号 YT1234567890" in t for t in texts) and dialog.summary.text() == "完成 2 张，未执行 1 张"
    shipped = row_of(queue.db, ids[0])
    assert shipped.status is ReshipStatus.SHIPPED and (shipped.carrier, shipped.tracking_no) == (
        "圆通速递", "YT1234567890")  # recognised from the number
    assert row_of(queue.db, ids[1]).status is ReshipStatus.AGREED  # untouched
    dialog.run_button.click()  # 关闭
    queue.idle(qtbot)
    assert [queue.tab.model.row_object(r).case_id for r in range(queue.tab.model.rowCount())] == [ids[1]]


def test_out_of_stock_with_one_changed_meanwhile(qtbot: QtBot, queue: Queue) -> None:
    ids = agreed(queue, 3)
    dialog = open_bulk(qtbot, queue)
    dialog.action.setCurrentIndex(dialog.action.findData(OUT_OF_STOCK))
    assert not dialog.tracking.isVisible() and "3 条补发将改为“仅退款”" in dialog.summary.text()
    reships.ship(queue.db, ids[1], "中通", "ZT1000000001")  # shipped meanwhile, from another seat
    dialog.note.setPlainText("仓库缺货")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=10000) as finished:
        dialog.run_button.click()
    assert [(r.case_id, r.ok) for r in finished.args[0]] == [(ids[0], True), (ids[1], False), (ids[2], True)]
    with queue.db.reading() as session:
        assert [case_row(session, i).kind for i in ids] == ["refund_only", "reship", "refund_only"]


def test_agree_many_requests_and_refuse_needs_a_reason(qtbot: QtBot, queue: Queue) -> None:
    ids = []
    for n in range(3):
        add_order(queue.db, "douyin", f"DY400{n}", [("T恤", "L", 1)])
        ids.append(douyin_request(queue.db, f"DY400{n}"))
    dialog = open_bulk(qtbot, queue)
    offered = [dialog.action.itemData(i) for i in range(1, dialog.action.count())]  # after （选择操作）
    assert SHIP not in offered and offered[0] == OUT_OF_STOCK and "agree_reship" in offered
    # 缺货改退款 (first) stood preselected with 执行 the default button: nothing is chosen until the shop does.
    assert dialog.action.currentData() is None and not dialog.run_button.isEnabled()
    assert dialog.summary.text() == "选择要对这 3 条补发执行的操作"
    dialog.action.setCurrentIndex(dialog.action.findData("reject"))
    dialog.run_button.click()
    assert "请在备注中写明原因" in dialog.summary.text() and not dialog.results
    dialog.action.setCurrentIndex(dialog.action.findData("agree_reship"))
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("3 张售后单将执行“同意补发”"), timeout=5000)
    act_on_case(queue.db, ids[2], CaseAction.CLOSE, author="客服")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=10000) as finished:
        dialog.run_button.click()
    assert [r.ok for r in finished.args[0]] == [True, True, False]
    assert row_of(queue.db, ids[0]).status is ReshipStatus.AGREED


def test_export_and_picking_list_of_the_selection(qtbot: QtBot, queue: Queue, tmp_path: Path) -> None:
    ids = agreed(queue, 3)
    dialog = open_bulk(qtbot, queue)
    dialog.action.setCurrentIndex(dialog.action.findData(EXPORT))
    assert not dialog.note.isEnabled()
    target = tmp_path / "补发.xlsx"
    dialog.export_to(target)
    queue.idle(qtbot)
    assert dialog.summary.text() == f"已导出 3 条补发到 {target}"
    sheet = load_workbook(target).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:7] == ("售后单", "平台", "订单号", "收货人", "手机", "地址", "补发商品")
    assert sorted(line[0] for line in lines[1:]) == ids
    assert {line[6] for line in lines[1:]} == {"纯棉袜子 白色 ×1", "纯棉袜子 白色 ×2", "纯棉袜子 白色 ×3"}
    dialog.run_button.click()
    queue.tab.table.selectAll()
    picking = queue.tab.open_bulk()
    assert picking is not None
    picking.action.setCurrentIndex(picking.action.findData(PICKING))
    assert "将为 3 条补发打印拣货单" in picking.summary.text()
    with qtbot.waitSignal(picking.picking_requested, timeout=5000):
        picking.run_button.click()
    assert queue.tab.dialog is not None and queue.tab.dialog.objectName() == "picking_preview"
    queue.tab.dialog.close()

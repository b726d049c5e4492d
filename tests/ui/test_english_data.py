"""The English window on a ledger of the shared samples: what the staff read is English, what the buyer
or the courier receives and what the platforms said stays Chinese on purpose, and the Chinese window is
unchanged.

A playbook's steps, postage rule and script titles, a claim's next step, its documents and whom to
contact, the history notes the ledger writes, a shop policy: they came from the data files and stayed
Chinese in the English window ("Steps (破损)", "Postage: 谁过错谁承担：…", "Next step：向快递网点报案…").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core import import_refusals as refusals
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import LedgerDamaged, UserError
from desktop_app.core.event_notes import note
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.order_import import import_files
from desktop_app.services.playbooks import check_step, load_playbooks
from desktop_app.store.database import open_database
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.imports.import_dialog import ImportDialog, row_error_text
from desktop_app.ui.widgets.timeline import TimelineView
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import close_window, open_laptop_window

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CJK = re.compile(r"[\u3400-\u9fff]")

# Widgets whose text is data, Chinese on purpose (objectName → why).
DATA_WIDGETS = {
    "guide_script_text": "the reply script is sent to the buyer in Chinese (its tooltip says so)",
    "case_table": "receivers, shop names and goods are the shop's data",
    "claim_table": "receivers and carriers are the order's data",
    "reship_table": "addresses and goods are the order's data",
    "order_table": "receivers, carriers and the platform's order status words",
    "transit_table": "carriers' names and parcel numbers",
    "claim_detail_items": "the goods of the order",
    "report_products": "the goods of the order",
    "claim_carrier_filter": "carriers' names",
    "order_detail": "the order as exported: names, address, goods, the platform's status word",
    "shop_filter": "the shops' names (the platform after them is English)",
    "report_shop": "the shops' names (the platform after them is English)",
}
# Quoted inside an English sentence: the platform's own status word, the buyer's words, the shop's own
# description of a claim.
QUOTED = re.compile(r"^(Platform export: |Imported from \S+: |[\w ]+, claimed ¥\S+: ).*$", re.DOTALL)


@pytest.fixture
def english(english: QTranslator) -> Iterator[QTranslator]:
    """Our English (tests/ui/conftest.py) with the English locale (month names), as the app installs them."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield english
    QLocale.setDefault(before)


@pytest.fixture
def sample_ledger(tmp_path: Path, data_home: Path) -> tuple[Path, int]:
    """The shared sample exports imported, a reship for a damaged parcel with its first step ticked off,
    and a claim for it."""
    path = tmp_path / "samples.sqlite3"
    db = open_database(path)
    try:
        import_files(db, sorted((FIXTURES / "samples").glob("*_*.*")))
        import_cases(db, sorted(p for p in (FIXTURES / "aftersales").iterdir() if p.suffix in (".csv", ".xlsx")))
        agreed = ((CaseAction.AGREE_RESHIP, parse_moment("2026-11-21 10:00")),)
        case_id = open_case(db, NewCase(Platform.DOUYIN, "6999181014330197092", CaseKind.RESHIP, CaseReason.DAMAGED,
                                        actions=agreed), author="小林").case_id
        damaged = next(p for p in load_playbooks().playbooks if p.id == "damaged")
        check_step(db, case_id, damaged, damaged.steps[0].id, author="小林")
        open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=case_id, description="外箱压坏"), author="小林")
    finally:
        db.close()
    return path, case_id



def _in_data_widget(widget: QWidget) -> bool:
    while widget is not None:
        if widget.objectName() in DATA_WIDGETS:
            return True
        widget = widget.parentWidget()
    return False


def _texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) of what a visible widget shows the staff: labels, buttons, tabs, lists, headers."""
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or _in_data_widget(widget):
            continue
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        yield where, widget.toolTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield where, widget.text()
        elif isinstance(widget, QGroupBox):
            yield where, widget.title()
        elif isinstance(widget, QComboBox):
            yield from ((where, widget.itemText(i)) for i in range(widget.count()))
        elif isinstance(widget, QTabWidget):
            yield from ((where, widget.tabText(i)) for i in range(widget.count()))
        elif isinstance(widget, QListWidget):
            yield from ((where, widget.item(i).text()) for i in range(widget.count()))
        elif isinstance(widget, QTreeWidget):  # the timelines: time, who (a seat's name), event, note
            for i in range(widget.topLevelItemCount()):
                item = widget.topLevelItem(i)
                yield where, item.text(2)
                yield where, QUOTED.sub(r"\1", item.text(3))
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            yield from ((where, str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                        for c in range(model.columnCount()))


def _claim_summary_staff_part(win: MainWindow) -> str:
    """The claim pane's next step (what to do, by when, whom to contact, the documents), without the
    order's table under it (receiver, address, carrier: data)."""
    browser = win.claims_tab.findChild(QTextBrowser, "claim_summary")
    text = browser.toPlainText()
    return text.split("\nOrder")[0]


def _select(qtbot: QtBot, win: MainWindow, view: QTableView, row: int) -> None:
    view.selectRow(row)
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)



@contextmanager
def import_summary(qtbot: QtBot, folder: Path, files: list[Path]) -> Iterator[ImportDialog]:
    """The import summary of `files` dropped on a new ledger in `folder`, in a laptop-sized window (closed after)."""
    win = open_laptop_window(qtbot, folder / "import.sqlite3")
    try:
        dialog = win.import_files(files)
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
        yield dialog
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        dialog.close()
    finally:
        close_window(win)

def test_the_english_window_shows_the_staff_no_chinese(qtbot: QtBot, sample_ledger: tuple[Path, int],
                                                      english: QTranslator) -> None:
    win = open_laptop_window(qtbot, sample_ledger[0])
    try:
        chinese: dict[str, str] = {}
        for index in range(win.tabs.count()):
            win.tabs.setCurrentIndex(index)
            qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
            tab = win.tabs.widget(index)
            table = next((v for v in tab.findChildren(QTableView) if v.isVisible() and v.model().rowCount()), None)
            rows = range(min(table.model().rowCount(), 30)) if table is not None else range(1)
            for row in rows:
                if table is not None:
                    _select(qtbot, win, table, row)
                chinese.update({text: where for where, text in _texts(win) if text and CJK.search(text)})
        assert not chinese, "\n".join(f"{where}: {text[:120]}" for text, where in sorted(chinese.items()))

        # the claim: its next step, deadline, contact and documents
        _show_claim(qtbot, win)
        summary = _claim_summary_staff_part(win)
        assert summary.startswith("Next step: Report it to the carrier's outlet"), summary
        assert "Contact: Carrier's outlet" in summary and "Documents needed:" in summary
        assert not CJK.search(summary), summary
        model = win.claims_tab.model
        tips = [model.data(model.index(0, c), Qt.ItemDataRole.ToolTipRole) for c in range(model.columnCount())]
        tip = next(t for t in tips if t and "outlet" in t)
        assert tip.startswith("Report it to the carrier's outlet") and "Still missing: Photos of the damage" in tip
        assert not CJK.search(tip), tip
    finally:
        close_window(win)


def test_the_reply_script_stays_chinese_and_says_why(qtbot: QtBot, sample_ledger: tuple[Path, int],
                                                    english: QTranslator) -> None:
    win = open_laptop_window(qtbot, sample_ledger[0])
    try:
        _show_case(qtbot, win, sample_ledger[1])
        guide = win.cases_tab.findChild(QPlainTextEdit, "guide_script_text")
        assert guide.toPlainText().startswith("熊涛兰您好，非常抱歉订单6999181014330197092")
        assert "in Chinese" in guide.toolTip()
        steps = win.cases_tab.findChild(QListWidget, "guide_steps")
        assert steps.item(0).text() == (
            "Ask the buyer for photos of the outer box (with the shipping label) and of the damage")
        # English steps are twice as long as the Chinese: they wrap in the pane instead of scrolling sideways
        assert steps.wordWrap() and steps.horizontalScrollBar().maximum() == 0
        assert steps.item(0).toolTip() == steps.item(0).text()
        timeline = _case_timeline(win)
        assert "Done (Damaged): Ask the buyer for photos of the outer box (with the shipping label) and of the " \
               "damage" in timeline
    finally:
        close_window(win)


def test_the_chinese_window_is_unchanged(qtbot: QtBot, sample_ledger: tuple[Path, int]) -> None:
    win = open_laptop_window(qtbot, sample_ledger[0])
    try:
        _show_case(qtbot, win, sample_ledger[1])
        steps = win.cases_tab.findChild(QListWidget, "guide_steps")
        assert steps.item(0).text() == "请买家拍外箱（带快递面单）和破损处的照片"
        postage = win.cases_tab.findChild(QLabel, "guide_postage").text()
        assert postage.startswith("运费：谁过错谁承担：运输途中破损由快递承担。")
        scripts = win.cases_tab.findChild(QComboBox, "guide_scripts")
        assert [scripts.itemText(i) for i in range(scripts.count())] == ["致歉并请买家拍照", "已补发", "部分退款补偿"]
        assert "已完成（破损）：请买家拍外箱（带快递面单）和破损处的照片" in _case_timeline(win)
        shops = win.cases_tab.findChild(QComboBox, "shop_filter")
        assert any(shops.itemText(i).endswith("（淘宝）") for i in range(shops.count()))

        _show_claim(qtbot, win)
        summary = win.claims_tab.findChild(QTextBrowser, "claim_summary").toPlainText()
        assert summary.startswith("下一步：向快递网点报案，提交货值说明\n截止 "), summary
        assert "找：快递网点" in summary and "需要的材料：" in summary
        assert "✗ 破损/丢件的照片或聊天截图" in summary
        history = win.claims_tab.findChild(QTreeWidget, "claim_history")
        assert re.fullmatch(r"破损，申请 \d+\.\d\d 元：外箱压坏", history.topLevelItem(0).text(3))
    finally:
        close_window(win)


def _show_case(qtbot: QtBot, win: MainWindow, case_id: int) -> None:
    win.show_case(case_id)
    qtbot.waitUntil(lambda: win.cases_tab.findChild(QListWidget, "guide_steps").count() > 0, timeout=10000)
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)


def _show_claim(qtbot: QtBot, win: MainWindow) -> None:
    win.tabs.setCurrentWidget(win.claims_tab)
    qtbot.waitUntil(lambda: win.claims_tab.model.rowCount() > 0, timeout=10000)
    _select(qtbot, win, win.claims_tab.findChild(QTableView, "claim_table"), 0)
    browser = win.claims_tab.findChild(QTextBrowser, "claim_summary")
    qtbot.waitUntil(lambda: "1" in browser.toPlainText() and not win.runner.busy, timeout=10000)


def _case_timeline(win: MainWindow) -> str:
    trees = win.cases_tab.findChildren(TimelineView)
    return "\n".join(t.topLevelItem(i).text(3) for t in trees for i in range(t.topLevelItemCount()))


def test_the_import_summary_names_the_formats_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                         english: QTranslator) -> None:
    """The import summary's 说明 said "拼多多订单" in the English window: a format's name has its English
    beside it in its profile (`label_en`)."""
    win = open_laptop_window(qtbot, tmp_path / "import.sqlite3")
    try:
        samples = FIXTURES / "samples"
        dialog = win.import_files([samples / "pdd_orders.csv", samples / "douyin_orders.xlsx"])
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
        notes = sorted(dialog.table.item(row, 6).text() for row in range(dialog.table.rowCount()))
        assert notes == ["Douyin Shop orders", "Pinduoduo orders"]
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        dialog.close()
    finally:
        close_window(win)


def test_an_error_dialog_says_a_fixed_message_in_english(english: QTranslator) -> None:
    """The error dialogs said the core's and services' fixed messages in Chinese ("备注内容不能为空",
    "内部错误（KeyError）…") in the English window; a message naming values stays as the core wrote it."""
    assert describe_error(UserError("备注内容不能为空")) == "The note is empty"
    assert describe_error(LedgerDamaged("/tmp/a.sqlite3")).endswith(' Restore the latest good backup under "Backups".')
    assert describe_error(KeyError("x")) == (
        "Internal error (KeyError): 'x'. Nothing was changed; please send the log to the developers.")
    assert describe_error(UserError("订单 123 不存在")) == "订单 123 不存在"


def test_the_chinese_error_dialog_is_unchanged() -> None:
    assert describe_error(UserError("备注内容不能为空")) == "备注内容不能为空"
    assert describe_error(KeyError("x")) == "内部错误（KeyError）：'x'。数据未被修改；请把日志发给开发者。"


def test_the_goods_value_statement_dialogs_name_the_shop_details_in_english(
        qtbot: QtBot, sample_ledger: tuple[Path, int], english: QTranslator) -> None:
    """店铺信息未填写 listed the empty details in Chinese ("Shop details missing: 店铺名称、联系人…") and
    the shop profile's shops read "小林家居旗舰店（Taobao）"; the statement itself stays Chinese (it goes to
    the courier)."""
    win = open_laptop_window(qtbot, sample_ledger[0])
    try:
        dialog = win.open_statements_for_claims([1])
        assert dialog is not None
        warning = dialog.findChild(QLabel, "statement_warning")
        qtbot.waitUntil(lambda: "Shop details missing" in warning.text(), timeout=10000)
        assert "Shop name, Contact, Phone, Payout account" in warning.text() and not CJK.search(warning.text())
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        dialog.close()
        profile = win.open_shop_profile()
        assert profile is not None
        shops = profile.findChild(QComboBox, "profile_shop")
        qtbot.waitUntil(lambda: shops.count() > 1, timeout=10000)
        assert shops.itemText(1) == "小林家居旗舰店 (Taobao)"
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        profile.close()
    finally:
        close_window(win)


def test_a_refused_file_says_why_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                            english: QTranslator) -> None:
    """A sheet the import does not recognise was explained in Chinese in the English summary ("无法识别的
    表格：…支持：抖店订单、京东订单…"); the column names it lacks stay as the platform writes them."""
    sheet = tmp_path / "档口发货表.csv"
    sheet.write_text("订单编号,收货人\n123,张三\n", encoding="utf-8")
    with import_summary(qtbot, tmp_path, [sheet]) as dialog:
        why = dialog.table.item(0, 6).text()
        assert why.startswith("Unrecognised sheet: no order export header in the first 10 rows. Supported: "
                              "Douyin Shop orders, JD orders, Pinduoduo orders"), why
        assert why.endswith("under \"Import other sheet\"") and "（" not in why


def test_a_lock_file_beside_an_open_export_is_named_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                              english: QTranslator) -> None:
    """Excel's ~$ file beside an export still open read "不是表格文件（无法识别的二进制格式）"; it now names
    the workbook to import instead, in the window's language."""
    lock = tmp_path / "~$退款管理.xlsx"
    lock.write_bytes(b"\x0bAdministrator" + b" " * 40 + b"\x00" * 100)
    with import_summary(qtbot, tmp_path, [lock]) as dialog:
        assert dialog.table.item(0, 6).text() == (
            "This is the temporary lock file a spreadsheet program (Excel, WPS ...) keeps beside \"退款管理.xlsx\" "
            "while it is open, not an export: import \"退款管理.xlsx\" itself (save and close it first if it is still "
            "open)")


def test_a_refused_file_reads_as_before_in_chinese() -> None:
    said = note(refusals.ORDERS_UNKNOWN_NEAREST, "抖店订单、京东订单", "京东订单", "订单号、商品名称")
    assert said == ("无法识别的表格：前 10 行里找不到订单导出的表头。支持：抖店订单、京东订单（最接近“京东订单”，"
                    "但缺少列：订单号、商品名称）。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列"
                    "的含义后导入")


def test_a_bad_cell_is_explained_in_english_with_its_value_as_written(qtbot: QtBot, tmp_path: Path,
                                                                     data_home: Path, english: QTranslator) -> None:
    """A bad cell read "用户实付金额(元)“七十九”不是有效的金额（应为数字，例如 12.50）" in the English summary;
    the column keeps the platform's name in its own column, the value stays as the file has it."""
    lines = (FIXTURES / "samples" / "pdd_orders.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[10] = "七十九"  # 用户实付金额(元)
    bad = tmp_path / "pdd_orders.csv"
    bad.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with import_summary(qtbot, tmp_path, [bad]) as dialog:
        assert dialog.errors.rowCount() == 1
        assert dialog.errors.item(0, 2).text() == "用户实付金额(元)"
        assert dialog.errors.item(0, 3).text() == "\"七十九\" is not a valid amount (a number, e.g. 12.50)"


def test_a_bad_cell_reads_as_before_in_chinese() -> None:
    message = "用户实付金额(元)“七十九”不是有效的金额（应为数字，例如 12.50）"
    assert row_error_text("用户实付金额(元)", message) == message


def test_the_taobao_or_tmall_warning_is_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                english: QTranslator) -> None:
    """Every 淘宝 refund list imported into a ledger that cannot tell 淘宝 from 天猫 warned in Chinese
    ("tb_refunds.csv：淘宝和天猫的退款列表格式相同…")."""
    with import_summary(qtbot, tmp_path, [FIXTURES / "aftersales" / "tb_refunds.csv"]) as dialog:
        said = dialog.warnings.text()
        assert said.startswith("tb_refunds.csv: Taobao and Tmall export refunds in the same layout"), said
        assert "it was imported as Taobao (Taobao's deadline rules)" in said and not CJK.search(said), said


def test_an_unknown_status_word_is_warned_about_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                           english: QTranslator) -> None:
    """"第 1 行“退款状态”列：未知的售后状态“平台新状态”…" in the English summary: now English around the
    platform's own column name and status word."""
    with (FIXTURES / "aftersales" / "tb_refunds.csv").open(encoding="gb18030", newline="") as source:
        rows = list(csv.reader(source))
    rows[1][13] = "平台新状态"  # 退款状态
    changed = tmp_path / "tb.csv"
    with changed.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    with import_summary(qtbot, tmp_path, [changed]) as dialog:
        said = dialog.warnings.text()
        assert 'tb.csv: Row 2, column "退款状态": unknown after-sales status "平台新状态"; a new case is recorded ' \
               "as Pending" in said, said


def test_the_ledgers_own_history_notes_read_in_english(english: QTranslator) -> None:
    """Links, undos and evidence brought from a case were written "关联售后单 #12", "撤销“同意退货”"…"""
    assert labels.note("关联售后单 #12") == "Linked to case #12"
    assert labels.note("撤销“同意退货”") == "Undid \"Approve return\""  # the Edit menu's says "Undo \"…\""
    assert labels.note("撤销“同意退货”：退货地址写错了") == "Undid \"Approve return\": 退货地址写错了"
    assert labels.note("理赔款用于补发 #3（售后单 #12）") == "Claim money pays for reship #3 (case #12)"
    assert labels.note("买家说周末在家") == "买家说周末在家"  # typed by hand: as written

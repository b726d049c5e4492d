"""The services' messages that name values are English in the English window, Chinese as before in the
Chinese window and on the command line (issue 15).

An action refused for a case's state ("退款售后单当前状态为“已关闭”，不能执行“同意退货”…"), another seat's
change ("售后单 #1 刚被 小王 修改了…"), an import's rejected rows and refused files ("订单号“…”在第 2 行已经
出现过…", "第 2 行第 2 列（“…”）里有一个空字符（NUL）…"), a claim's amounts, a backup that cannot be restored:
they were built in Chinese in core/ and services/ and reached the English window's message boxes, bulk
results and import summary as they were. They are now `Message`s (core/messages.py): the Chinese text
the command line prints, with the template and values the window translates.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QTranslator
from PySide6.QtWidgets import QDateTimeEdit
from pytestqt.qtbot import QtBot

from desktop_app.core import messages
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import ActionNotAllowed, UserError
from desktop_app.core.event_notes import Message, parse_note, put
from desktop_app.core.lifecycle import CaseAction, CaseStatus, transition
from desktop_app.core.money import parse_yuan
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.import_profiles import Layout
from desktop_app.services import reships
from desktop_app.services.backups import restore_backup
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.ledger_move import move_ledger
from desktop_app.services.order_import import import_files
from desktop_app.services.reship_paste import check_bulk_ship
from desktop_app.services.statements import StatementRequest
from desktop_app.store.database import Database, open_database
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui import labels
from desktop_app.ui.background import BackgroundRunner, describe_error
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.imports.import_texts import REFUSAL_TEMPLATES
from desktop_app.ui.reships.reship_tab import ReshipTab
from desktop_app.ui.statements.statement_dialog import StatementDialog
from desktop_app.ui.team.team_db_dialog import TeamDatabaseDialog
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from tests.conftest import MemoryKeyring
from tests.ui.conftest import close_window, open_laptop_window
from tests.ui.test_calendar_tab import Ledger, open_ledger
from tests.ui.test_column_mapping_dialog import open_mapping, supplier_sheet
from tests.ui.test_rule_form import douyin_form
from tests.ui.test_statement_typed_prices import seeded_path  # noqa: F401 (the fixture: goods without a price)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
CJK = re.compile(r"[\u3400-\u9fff]")


def _without(text: str, *data: str) -> str:
    """The text less the data it quotes (a buyer's goods, a column's name: Chinese on purpose)."""
    for value in data:
        text = text.replace(value, "")
    return text


# --- the catalog ------------------------------------------------------------------------------------


def test_every_message_has_english_around_its_values(english: QTranslator) -> None:
    values = tuple(f"v{n}" for n in range(1, 10))
    for template in messages.ALL:
        shown = labels.message(Message(template, values))
        assert not CJK.search(shown), (template.template, shown)


def test_a_message_that_came_as_text_is_read_back_as_the_one_it_was_written_from() -> None:
    """An import's warning or a row's reason travels as text (a plain `str` made from it): read back, each
    finds its own template, not a shorter one that reads it too."""
    values = tuple(f"v{n}" for n in range(1, 10))
    for template in messages.TEMPLATES:
        found = parse_note(put(template.template, values), messages.TEMPLATES)
        assert found is not None and found[0] == template, template.template


def test_the_chinese_window_shows_every_message_as_the_services_wrote_it() -> None:
    values = ("#7", "12.50", "小林家居", "DY123", "3", "4", "5", "6", "7")
    for template in messages.ALL:
        said = Message(template, values)
        assert labels.message(said) == str(said) == said


def test_a_refused_action_reads_as_before_in_chinese_and_english_in_the_window(english: QTranslator) -> None:
    with pytest.raises(ActionNotAllowed) as refused:
        transition(CaseKind.RETURN_REFUND, CaseStatus.CLOSED, CaseAction.AGREE_RETURN)
    assert refused.value.message == ("退货退款售后单当前状态为“已关闭”，不能执行“同意退货”。"
                                     "当前可执行：重新打开、交易成功")
    shown = describe_error(refused.value)
    assert shown.startswith("This Return & refund case is \"Closed\": it cannot take \""), shown
    assert not CJK.search(shown) and shown.count(", ") == 1, shown  # the two possible actions, in English
    with pytest.raises(UserError) as typed:
        parse_yuan("七十九", "Refund amount")  # the window names the field in its own language
    assert describe_error(typed.value) == "Refund amount \"七十九\" is not a valid amount (e.g. 12.50)"


def test_the_command_line_prints_the_chinese_it_printed_before(tmp_path: Path) -> None:
    """CLI output stays Chinese, byte for byte: a refused action and a refused file."""
    ledger = tmp_path / "cli.sqlite3"
    env_home = {"AFTERSALES_LEDGER_HOME": str(tmp_path / "home")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(ledger), *args], cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8", timeout=120,
                              env={**os.environ, **env_home})

    lines = (SAMPLES / "pdd_orders.csv").read_text(encoding="utf-8-sig").splitlines()
    damaged = tmp_path / "pdd_nul.csv"
    damaged.write_text("\n".join([lines[0], lines[1].replace(",", ",\x00", 1), *lines[2:]]) + "\n", encoding="utf-8")
    imported = run("import-orders", str(damaged))
    assert imported.returncode == 2
    assert ("第 2 行第 2 列（“261101-103283030276851”）里有一个空字符（NUL），文件已损坏或不是文本格式。"
            "请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入") in imported.stderr, imported.stderr
    assert run("case", "add", "--platform", "douyin", "--order", "DY1", "--kind", "reship").returncode == 0
    assert run("case", "act", "1", "refund").returncode == 0
    refused = run("case", "act", "1", "agree_reship")
    assert refused.returncode == 2
    assert refused.stderr == ("错误：补发售后单当前状态为“已退款”，不能执行“同意补发”。"
                              "当前可执行：完成、关闭、交易成功\n")


# --- in the English window ---------------------------------------------------------------------------



def test_a_bulk_action_says_in_english_what_it_will_do_and_why_a_case_was_refused(
        qtbot: QtBot, tmp_path: Path, data_home: Path, english: QTranslator) -> None:
    """The bulk dialog's plan ("4 张售后单将执行“同意补发”：待处理 → 待补发 ×4") and a case refused because
    another seat closed it meanwhile ("补发售后单当前状态为“已关闭”，不能执行“同意补发”…") were Chinese."""
    path = tmp_path / "bulk.sqlite3"
    win = open_laptop_window(qtbot, path)
    try:
        db = win.context.db
        assert db is not None
        for n in range(3):
            open_case(db, NewCase(Platform.DOUYIN, f"69234567890123456{n}", CaseKind.RESHIP), author="小林")
        tab = win.cases_tab
        win.refresh()
        qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10000)
        tab.table.selectAll()
        dialog = tab.open_bulk()
        assert isinstance(dialog, BulkActionDialog) and dialog.case_ids == [1, 2, 3]
        act_on_case(db, 3, CaseAction.CLOSE, note="买家撤销", author="客服")  # meanwhile, on another seat
        dialog.action.setCurrentIndex(dialog.action.findData("agree_reship"))
        qtbot.waitUntil(lambda: "cases will take" in dialog.summary.text(), timeout=10000)
        plan = dialog.summary.text()
        assert plan == '2 cases will take "Approve reship": Pending → Reship pending ×2; 1 cannot take it: #3 (Closed)'
        with qtbot.waitSignal(dialog.finished_bulk, timeout=10000):
            dialog.run_button.click()
        refused = dialog.result_list.item(2).text()
        # Who closed it, as another seat's step since the dialog read the cases: the seat's name as it is.
        assert refused.startswith("#3  ✗  Case #3 was just changed by 客服 ("), refused
        assert " Close): This Reship case is \"Closed\": it cannot take \"Approve reship\"." in refused, refused
        assert not CJK.search(refused.replace("客服", ""))
        dialog.run_button.click()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        close_window(win)


def test_an_import_with_bad_rows_and_a_damaged_file_is_explained_in_english(
        qtbot: QtBot, tmp_path: Path, data_home: Path, english: QTranslator) -> None:
    """A row repeating an order with other content and a file with a NUL byte were explained in Chinese in
    the English import summary; the column keeps the platform's name, a value stays as the file has it."""
    lines = (SAMPLES / "pdd_orders.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[10] = "1.00"  # 用户实付金额(元): the same order again, paid otherwise
    repeated = tmp_path / "pdd_orders.csv"
    repeated.write_text("\n".join([lines[0], lines[1], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    damaged = tmp_path / "pdd_nul.csv"
    damaged.write_text("\n".join([lines[0], lines[1].replace(",", ",\x00", 1), *lines[2:]]) + "\n", encoding="utf-8")
    win = open_laptop_window(qtbot, tmp_path / "import.sqlite3")
    try:
        dialog = win.import_files([repeated, damaged])
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
        assert dialog.errors.rowCount() == 1
        assert dialog.errors.item(0, 2).text() == "订单号"
        assert dialog.errors.item(0, 3).text() == (
            "订单号 \"261101-103283030276851\" is on row 2 already, but this row differs from row 2; this row was not "
            "imported (row 2 is kept). Check them and delete the extra row")
        reasons = [dialog.table.item(row, 6).text() for row in range(dialog.table.rowCount())]
        refusal = next(r for r in reasons if "NUL" in r)
        assert refusal.startswith("Row 2, column 2 (\"261101-103283030276851\") holds a null character (NUL)")
        assert not CJK.search(refusal), refusal
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        dialog.close()
    finally:
        close_window(win)


@pytest.fixture
def reship_tab(qtbot: QtBot, db: Database) -> Iterator[tuple[ReshipTab, BackgroundRunner]]:
    runner = BackgroundRunner()
    context = AppContext(runner)
    tab = ReshipTab(context)
    qtbot.addWidget(tab)
    tab.resize(1400, 600)
    tab.show()
    context.set_database(db)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    yield tab, runner
    runner.shutdown()


def test_another_seats_change_first_is_said_in_english(qtbot: QtBot, db: Database,
                                                       reship_tab: tuple[ReshipTab, BackgroundRunner],
                                                       english: QTranslator) -> None:
    """"售后单 #1 刚被 小王 修改了（现在是“待补发”），本次操作未保存…" in the English window (both backends:
    a team ledger's seats meet it most)."""
    tab, runner = reship_tab
    case_id = open_case(db, NewCase(Platform.DOUYIN, "DY4001", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=parse_moment("2026-05-06 10:00"))).case_id
    tab.refresh()
    qtbot.waitUntil(lambda: not runner.busy and tab.model.rowCount() == 1, timeout=10000)
    tab.select_case(case_id)
    reships.agree(db, case_id, at=parse_moment("2026-05-06 12:00"), author="小王")  # another seat, meanwhile
    tab.agree_button.click()
    tab.dialog.ok_button.click()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    dialog = tab.dialog  # said in the dialog, which stays open with what was typed
    assert isinstance(dialog, WritingDialog) and dialog.isVisible() and dialog.write_problem.isVisible()
    said = dialog.write_problem.text()
    assert f'Case #{case_id} was just changed by 小王 (now "Reship pending"); this change was not saved.' in said, said
    assert not CJK.search(_without(said, "小王"))


def test_a_file_that_is_no_backup_is_refused_in_english(tmp_path: Path, english: QTranslator) -> None:
    """恢复备份 with a file that is no ledger backup said "… 不是售后台账的备份" in the English window."""
    ledger = tmp_path / "ledger.sqlite3"
    other = tmp_path / "笔记.sqlite3"
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE notes (text TEXT)")
    made.close()
    with pytest.raises(UserError) as refused:
        restore_backup(ledger, other)
    assert refused.value.message == f"{other} 不是售后台账的备份"
    assert describe_error(refused.value) == f"{other} is not a backup of an Aftersales Ledger"


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def test_the_rule_editor_names_a_problem_in_english(qtbot: QtBot, ledger: Ledger, english: QTranslator) -> None:
    """The 时效规则 editor listed the validator's problems in Chinese in the English window ("规则文件 …：
    计时器“reship_answer”：“名称（name）”必须是非空文字", "结束时间早于开始时间")."""
    dialog = douyin_form(qtbot, ledger)
    dialog.form.name.setText("  ")
    dialog.form.name.editingFinished.emit()
    assert not dialog.validate_current()
    problem = dialog.problem_texts()[0]
    assert problem.startswith("Rule file ") and problem.endswith(
        ": timer \"reship_answer\": \"Name (name)\" must be a text, not empty"), problem
    assert not CJK.search(problem), problem
    dialog.select_pack("taobao")
    form = dialog.form
    form.select_timer("seller_confirm_return")
    end = form.windows.cellWidget(0, 2)
    assert isinstance(end, QDateTimeEdit)
    end.setDateTime(QDateTime.fromString("2000-01-01 00:00:00", "yyyy-MM-dd HH:mm:ss"))  # before its start
    assert not dialog.validate_current()
    assert any(p.endswith(": The end is before the start") and not CJK.search(p) for p in dialog.problem_texts()), \
        dialog.problem_texts()


def test_the_chinese_rule_editor_names_a_problem_as_before(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = douyin_form(qtbot, ledger)
    dialog.form.name.setText("  ")
    dialog.form.name.editingFinished.emit()
    assert not dialog.validate_current()
    assert dialog.problem_texts()[0].endswith("：计时器“reship_answer”：“名称（name）”必须是非空文字")


def test_a_failed_connection_to_the_team_database_is_said_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                                    memory_keyring: MemoryKeyring,
                                                                    english: QTranslator) -> None:
    """连接团队数据库 said "无法连接团队数据库 127.0.0.1:9/…：服务器拒绝连接（…）…" in the English window."""
    win = open_laptop_window(qtbot, tmp_path / "team.sqlite3")
    try:
        dialog = win.open_team_database()
        assert isinstance(dialog, TeamDatabaseDialog)
        dialog.host.setText("127.0.0.1")
        dialog.port.setValue(9)  # nothing listens there
        dialog.user.setText("kf")
        dialog.test_button.click()
        qtbot.waitUntil(lambda: "Cannot connect to the team database" in dialog.status.text(), timeout=15000)
        said = dialog.status.text()
        assert "the server refused the connection" in said and not CJK.search(said), said
        dialog.close()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        close_window(win)


def test_a_ledger_that_is_no_ledger_and_a_move_into_a_full_database_are_refused_in_english(
        tmp_path: Path, english: QTranslator) -> None:
    other = tmp_path / "notes.sqlite3"
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE notes (text TEXT)")
    made.close()
    with pytest.raises(UserError) as refused:
        open_database(other)
    assert refused.value.message.startswith(f"文件 {other} 不是售后台账数据库（里面是其他程序的数据：notes）")
    assert describe_error(refused.value).startswith(
        f"File {other} is not an Aftersales Ledger database (it holds another program's data: notes)")
    source, target = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"
    for path in (source, target):
        db = open_database(path)
        open_case(db, NewCase(Platform.DOUYIN, "DY1", CaseKind.RESHIP))
        db.close()
    with pytest.raises(UserError) as full:
        move_ledger(source, LedgerLocation(path=target))
    assert "已经有数据（订单 1 条，售后单 1 条" in full.value.message, full.value.message
    shown = describe_error(full.value)
    assert "holds data already (Order 1, After-sales case 1, " in shown, shown
    assert not CJK.search(_without(shown, str(target))), shown


def test_a_statement_without_prices_asks_for_them_in_english(
        qtbot: QtBot, seeded_path: Path, data_home: Path, english: QTranslator) -> None:  # noqa: F811
    """货值说明 for goods without a price said "理赔 #1 的商品没有单价和金额：…。请在理赔中补全，" before its
    English "or type the prices below" in the English window; a price typed wrong is English too."""
    win = open_laptop_window(qtbot, seeded_path)
    try:
        dialog = StatementDialog(win.context, StatementRequest(claim_ids=(2,)), win)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.typed_prices.isVisible(), timeout=10000)
        said = dialog.page.message
        assert said == ("The goods of claim #2 have no unit price or amount: 纯棉袜子 10双装 中筒. Complete them "
                        "in the claim, or type the prices below."), said
        dialog.typed_prices.fields["纯棉袜子 10双装 中筒"].setText("十二块")
        dialog.typed_prices.use_button.click()
        problem = dialog.typed_prices.problem.text()
        assert problem.endswith("\"十二块\" is not a valid amount (e.g. 12.50)"), problem
        assert not CJK.search(_without(problem, "纯棉袜子 10双装 中筒", "十二块")), problem
        dialog.close()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        close_window(win)


def test_the_column_mapping_dialog_names_its_problems_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                                 english: QTranslator) -> None:
    """导入其他表格 listed "请选择“订单号”在哪一列：…", "H 列同时对应了“商品总价”和“单价”…", "请填写方案名称…" in the
    English window; the sheet's own column names stay as the sheet writes them."""
    win = open_laptop_window(qtbot, tmp_path / "mapping.sqlite3")
    try:
        dialog = open_mapping(qtbot, win, supplier_sheet(tmp_path / "发货.xlsx"))
        dialog.choose_column("order_no", None)
        assert 'Choose the "Order no." column: orders are imported and merged by their number' in dialog.problems.text()
        dialog.choose_column("order_no", "单号")
        dialog.set_layout(Layout.ORDER_ROWS)
        dialog.choose_column("goods", "单价")
        said = dialog.problems.text()
        assert said.startswith("• Column H is chosen for \"") and "\": a column can stand for one field only" in said
        dialog.name_edit.setText("")
        said = dialog.problems.text()
        assert "Enter a name for the mapping (e.g. \"Supplier shipping sheet\")" in said, said
        assert not CJK.search(said), said
        dialog.reject()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        close_window(win)


def test_an_item_row_without_an_order_number_refuses_the_file_in_english(tmp_path: Path,
                                                                          english: QTranslator) -> None:
    """"第 3 行“订单号”列：缺少订单号。这张表每行是一件商品…所以整个文件都没有导入…" in the English summary."""
    raw = (SAMPLES / "jd_orders.csv").read_bytes().decode("gbk")
    rows = list(csv.reader(io.StringIO(raw)))
    rows[2][0] = ""  # an item row of the first order, its order number blank
    damaged = tmp_path / "jd.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    damaged.write_bytes(out.getvalue().encode("gbk"))
    db = open_database(tmp_path / "items.sqlite3")
    try:
        [result] = import_files(db, [damaged]).files
    finally:
        db.close()
    assert result.refused is not None and result.refused.startswith("第 3 行“订单号”列：")
    shown = labels.message(result.refused, REFUSAL_TEMPLATES)
    assert shown.startswith("Row 3, column \"订单号\": ") and "nothing of the file was imported" in shown, shown
    assert not CJK.search(_without(shown, "订单号")), shown


def test_a_pasted_list_says_its_header_and_a_short_line_in_english(db: Database, english: QTranslator) -> None:
    # 按表头跳过 and 每行需要两列 were plain Chinese text: the English paste dialog showed them as they were.
    with db.reading() as session:
        report = check_bulk_ship(session, "订单号\t运单号\n261101-103283030276851\n")
    said = [labels.message(line.message) for line in report.lines]
    assert said == ["The first line has no order number: skipped as a header",
                    "Each line needs two columns: order number, tracking number (a third may name the carrier)"]
    assert [line.message for line in report.lines] == ["第一行没有订单号，按表头跳过",
                                                      "每行需要两列：订单号、运单号（第三列可写快递公司）"]

"""After-sales exports dropped on the window with an order export: both imported, the after-sales
summary's numbers filter the Cases tab, the calendar shows the new cases' deadlines."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.case_filters import CaseFilter, CaseOrder
from desktop_app.store.case_queries import case_rows
from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_import_dialog import drop_files
from tests.unit.aftersales_files import TB_HEADER, tb_row, write_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_drop_orders_and_after_sales_mixed(qtbot: QtBot, window: MainWindow) -> None:
    files = [FIXTURES / "aftersales" / "dy_aftersales.xlsx", FIXTURES / "samples" / "pdd_orders.csv",
             FIXTURES / "aftersales" / "tb_refunds.csv"]
    drop_files(window, files)
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    intake = dialog.intake
    assert intake is not None and intake.orders is not None and intake.cases is not None
    assert [f.platform for f in intake.orders.files] == ["pdd"]
    assert [len(f.inserted) for f in intake.cases.files] == [20, 20]
    assert dialog.case_table.isVisible() and dialog.case_table.rowCount() == 2
    assert "售后单：新建 40" in dialog.heading.text()
    assert window.tabs.currentWidget() is window.cases_tab
    # A click on 新建售后单 of the Taobao file lists exactly its 20 cases (closed ones too).
    dialog.case_table.cellClicked.emit(1, 2)
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 20, timeout=10000)
    assert tab.only_button.isVisible() and "tb_refunds.csv" in tab.only_button.text()
    assert {tab.model.row_object(r).platform for r in range(20)} == {"taobao"}  # type: ignore[union-attr]
    tab.only_button.click()
    qtbot.waitUntil(lambda: not tab.only_button.isVisible(), timeout=5000)
    dialog.accept()
    # The calendar lists the imported open cases' timers (November requests: overdue by now).
    window.tabs.setCurrentWidget(window.calendar_tab)
    calendar = window.calendar_tab
    qtbot.waitUntil(lambda: calendar.overdue_list.topLevelItemCount() > 0, timeout=10000)


def test_a_folder_dropped_imports_the_exports_in_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    # The shop drops its 导出 folder: nothing happened, without a word. Now its spreadsheets are imported,
    # not the lock file of the export still open in Excel, a note or what sits in a sub-folder.
    folder = tmp_path / "双11 导出"
    (folder / "旧的").mkdir(parents=True)
    shutil.copy(FIXTURES / "aftersales" / "tb_refunds.csv", folder / "退款管理.csv")
    shutil.copy(FIXTURES / "samples" / "pdd_orders.csv", folder / "拼多多订单.CSV")
    shutil.copy(FIXTURES / "aftersales" / "dy_aftersales.xlsx", folder / "旧的" / "dy_aftersales.xlsx")
    (folder / "~$退款管理.xlsx").write_bytes(b"\x0bAdministrator" + b"\x00" * 150)
    (folder / "说明.txt").write_text("下载于 11 月 12 日", encoding="utf-8")
    drop_files(window, [folder])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    intake = dialog.intake
    assert intake is not None and intake.orders is not None and intake.cases is not None
    assert [Path(f.file).name for f in intake.orders.files] == ["拼多多订单.CSV"]
    assert [(Path(f.file).name, len(f.inserted)) for f in intake.cases.files] == [("退款管理.csv", 20)]
    assert not intake.orders.refused and not [f for f in intake.cases.files if f.refused]
    dialog.accept()


def test_a_folder_without_spreadsheets_dropped_is_said_so(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "图片"
    folder.mkdir()
    (folder / "破损.jpg").write_bytes(b"\xff\xd8\xff")
    drop_files(window, [folder])
    assert window.findChild(ImportDialog) is None
    assert window.statusBar().currentMessage() == "文件夹“图片”里没有可导入的表格（.csv、.xlsx、.xls）"


def test_the_after_sales_files_warnings_are_shown_over_the_summary(qtbot: QtBot, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    # A status word the table does not know, and a request the shop had typed in by hand: both were
    # said by import-cases but not in the window, whose summary showed the order files' warnings alone.
    assert window.context.db is not None
    open_case(window.context.db, NewCase(Platform.TAOBAO, "2000000000000000001", CaseKind.REFUND_ONLY), author="店主")
    path = write_csv(tmp_path / "tb.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001"),
                                           tb_row("100000000000000002", "2000000000000000002", status="平台新状态")])
    drop_files(window, [path])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    assert dialog.warnings.isVisible()
    lines = dialog.warnings.text().split("\n")
    assert len(lines) == 2 and all(line.startswith("tb.csv：") for line in lines)
    assert "与手工登记的售后单 #1 是同一订单 2000000000000000001" in dialog.warnings.text()
    assert "未知的售后状态“平台新状态”" in dialog.warnings.text()
    dialog.accept()


def test_a_dropped_pinduoduo_list_that_writes_douyins_header_lands_as_pinduoduo(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    # 售后单号 is 抖店's word for the column 拼多多 calls 售后编号: the window reads the file as what
    # the rest of its header says (it went in as 20 抖店 cases).
    text = (FIXTURES / "aftersales" / "pdd_aftersales.csv").read_bytes().decode("utf-8-sig")
    path = tmp_path / "售后列表.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("售后编号", "售后单号", 1).encode("utf-8"))
    drop_files(window, [path])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    intake = dialog.intake
    assert intake is not None and intake.cases is not None
    assert [(f.platform, len(f.inserted)) for f in intake.cases.files] == [("pdd", 20)]
    dialog.accept()


def test_a_tmall_refund_list_dropped_on_the_window_can_be_told_tmall(qtbot: QtBot, window: MainWindow) -> None:
    # 淘宝 and 天猫 refund lists share one layout: a drop takes them as 淘宝, and the window had no way to
    # say 天猫 (import-cases --platform tmall only), so a 天猫 shop's cases ran on 淘宝's timers.
    drop_files(window, [FIXTURES / "aftersales" / "tm_refunds.xlsx"])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    assert dialog.intake is not None and dialog.intake.cases is not None
    assert [(f.platform, len(f.inserted)) for f in dialog.intake.cases.files] == [("taobao", 20)]
    assert dialog.tmall_button.isVisible()
    assert dialog.warnings.isVisible() and "已按淘宝导入" in dialog.warnings.text()
    dialog.tmall_button.click()
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    cases = dialog.intake.cases
    assert cases is not None and [(f.platform, len(f.updated)) for f in cases.files] == [("tmall", 20)]
    assert not dialog.tmall_button.isVisible() and "售后单：新建 0，推进 20" in dialog.heading.text()
    # The first run's warning (已按淘宝导入) went with it: it stayed on screen under the 天猫 run's summary.
    assert not dialog.warnings.isVisible(), dialog.warnings.text()
    assert window.context.db is not None
    with window.context.db.reading() as session:
        platforms = {r.platform for r in case_rows(session, CaseFilter(), CaseOrder(), 0, 100)}
    assert platforms == {"tmall"}
    dialog.accept()


def test_the_summary_of_a_days_after_sales_files_is_laid_out_without_overlap(qtbot: QtBot,
                                                                               window: MainWindow) -> None:
    # The day's five after-sales exports dropped at once: the 淘宝-or-天猫 warning (three lines) was
    # painted over the summary's last file (jd_service.csv): the dialog stayed at the size it had while
    # importing, and a wrapped label's height does not count in a dialog's minimum size.
    names = ["tb_refunds.csv", "tm_refunds.xlsx", "dy_aftersales.xlsx", "pdd_aftersales.csv", "jd_service.csv"]
    drop_files(window, [FIXTURES / "aftersales" / name for name in names])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    qtbot.wait(50)  # the layout settles on the next turn of the event loop
    assert dialog.warnings.isVisible() and dialog.case_table.rowCount() == 5
    shown = [w for w in (dialog.heading, dialog.bar, dialog.rate, dialog.case_table, dialog.warnings,
                         dialog.box) if w.isVisible()]  # top to bottom (the 天猫 button beside the box)
    for upper, lower in pairwise(shown):
        top = lower.mapTo(dialog, lower.rect().topLeft()).y()
        bottom = upper.mapTo(dialog, upper.rect().bottomLeft()).y()
        assert bottom < top, (upper.objectName() or type(upper).__name__, lower.objectName() or type(lower).__name__)
    # Every file's line in view above the warning, and the warning's every line.
    table = dialog.case_table
    assert table.viewport().height() >= 5 * table.verticalHeader().defaultSectionSize()
    assert dialog.warnings.height() >= dialog.warnings.heightForWidth(dialog.warnings.width())
    assert dialog.geometry().bottom() <= dialog.screen().availableGeometry().bottom()  # grown within the screen
    dialog.accept()

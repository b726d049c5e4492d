"""The 统计 tab in the real main window: figures of a period, a click on a row lists those cases in the
Cases tab, export to xlsx."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTranslator
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import now, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.report_figures import Period
from desktop_app.store.database import open_database
from desktop_app.store.models import CarrierClaim, Case, Order, OrderItem
from desktop_app.store.order_sales import goods_lines
from desktop_app.ui.dashboard import dashboard_tab
from desktop_app.ui.dashboard.figure_table import FigureRow, FigureTable
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle
from tests.ui.test_english import CHINESE

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    cases = (
        (Platform.TAOBAO, "4100000000000000001", CaseKind.RESHIP, CaseReason.DAMAGED, "2026-11-03 10:00", None),
        (Platform.TAOBAO, "4100000000000000002", CaseKind.REFUND_ONLY, CaseReason.DAMAGED, "2026-11-20 10:00", 3000),
        (Platform.PDD, "261110-000000000003", CaseKind.REFUND_ONLY, CaseReason.LOST, "2026-11-21 10:00", 4500),
        # Damaged too, but in October: the click on 破损 for November must not list it.
        (Platform.PDD, "261010-000000000004", CaseKind.RESHIP, CaseReason.DAMAGED, "2026-10-21 10:00", None),
        (Platform.JD, "300000000005", CaseKind.EXCHANGE, CaseReason.SIZE_COLOUR, "2026-11-25 10:00", None),
    )
    ids = []
    for platform, order_no, kind, reason, requested, refund in cases:
        ids.append(open_case(db, NewCase(platform=platform, order_no=order_no, kind=kind, reason=reason,
                                         refund_fen=refund, requested=parse_moment(requested)), author="测试").case_id)
    set_case_costs(db, ids[0], CaseCosts(postage_out_fen=1200, written_off_fen=2500), author="测试")
    act_on_case(db, ids[1], CaseAction.REFUND, author="测试")  # the 拼多多 refund of 45.00 is still asked for
    db.close()
    return db_path


def show_november(qtbot: QtBot, window: MainWindow, idle: bool = True) -> None:
    tab = window.dashboard_tab
    window.tabs.setCurrentWidget(tab)
    tab.set_period(NOVEMBER)
    if idle:
        wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.period == NOVEMBER,
                    timeout=10000)


def rows_of(table: FigureTable) -> list[tuple[str, ...]]:
    return [row.cells for row in table.figures.rows]


def test_the_tab_shows_the_figures_of_the_period(qtbot: QtBot, window: MainWindow) -> None:
    show_november(qtbot, window)
    tab = window.dashboard_tab
    assert rows_of(tab.tables["report_by_reason"]) == [("破损", "2"), ("丢件", "1"), ("尺码/颜色不合适", "1")]
    assert rows_of(tab.tables["report_by_platform"]) == [("淘宝", "2"), ("京东", "1"), ("拼多多", "1")]
    # No case has a responsible party: the box says so rather than standing empty (a line with no click).
    assert rows_of(tab.tables["report_by_responsible"]) == [("（未填）", "4")]
    assert tab.tables["report_by_responsible"].figures.rows[0].selection is None
    money = dict(rows_of(tab.money))
    # 30.00 refunded (goods not returned), postage 12.00, written off 25.00 → 67.00; 45.00 not yet paid.
    assert money["退款"] == "30.00" and money["运费（本店承担）"] == "12.00" and money["净损失"] == "67.00"
    assert money["待退款"] == "45.00"
    assert "不计入净损失" in tab.money.toolTip()  # what 退款 and 待退款 count, where the shop reads them
    assert "售后单 4 张" in tab.summary.text()


def test_the_figures_do_not_wait_behind_a_long_write(qtbot: QtBot, window: MainWindow) -> None:
    """An import or the start-up jobs keep the worker busy for seconds: the figures are read beside it."""
    release = threading.Event()
    window.runner.run(lambda: release.wait(30))
    try:
        show_november(qtbot, window, idle=False)
        assert "售后单 4 张" in window.dashboard_tab.summary.text()
    finally:
        release.set()
    wait_idle(qtbot, window)


def test_a_click_on_a_reason_lists_those_cases_in_the_cases_tab(qtbot: QtBot, window: MainWindow) -> None:
    show_november(qtbot, window)
    table = window.dashboard_tab.tables["report_by_reason"]
    row = [cells[0] for cells in rows_of(table)].index("破损")
    index = table.model().index(row, 2)  # the bar
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    cases = window.cases_tab
    assert window.tabs.currentWidget() is cases
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: cases.model.rowCount() == 2, timeout=10000)
    assert {cases.model.row_object(r).reason for r in range(2)} == {"damaged"}
    assert "破损" in cases.report_button.text() and cases.report_button.isVisibleTo(cases)
    cases.report_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not cases.report_button.isVisibleTo(cases), timeout=5000)
    cases.open_filter.setCurrentIndex(cases.open_filter.findData("all"))
    qtbot.waitUntil(lambda: cases.model.rowCount() == 5, timeout=10000)


def test_a_click_on_a_platform_sets_the_platform_box(qtbot: QtBot, window: MainWindow) -> None:
    show_november(qtbot, window)
    table = window.dashboard_tab.tables["report_by_platform"]
    row = [cells[0] for cells in rows_of(table)].index("拼多多")
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(table.model().index(row, 0)).center())
    cases = window.cases_tab
    qtbot.waitUntil(lambda: cases.model.rowCount() == 1, timeout=10000)  # the October pdd case stays out
    assert cases.platform_filter.currentData() == "pdd"


def test_export_writes_the_tables_to_xlsx(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    show_november(qtbot, window)
    target = tmp_path / "统计.xlsx"
    window.dashboard_tab.export_to(target)
    wait_idle(qtbot, window)
    qtbot.waitUntil(target.exists, timeout=10000)
    book = load_workbook(target, read_only=True)
    assert book.sheetnames[:3] == ["概览", "按类型", "按原因"]
    reasons = [tuple(r) for r in book["按原因"].iter_rows(values_only=True)]
    assert reasons[1] == ("破损", 2)
    overview = {r[0]: r[1] for r in book["概览"].iter_rows(values_only=True)}
    assert str(overview["净损失"]) == "67" and str(overview["待退款"]) == "45"
    book.close()


def test_claims_older_than_the_days_chosen_are_listed(qtbot: QtBot, window: MainWindow) -> None:
    db = window.context.db
    assert db is not None
    with db.reading() as s:
        order_id = s.scalars(select(Case.order_id).where(Case.reason == CaseReason.LOST.value)).one()
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id, claimed_fen=4500,
                                       at=parse_moment("2026-11-22 10:00")), author="测试").claim_id
    with db.transaction() as s:  # recorded five days ago
        s.get_one(CarrierClaim, claim_id).created_at = now() - timedelta(days=5)
    show_november(qtbot, window)
    tab = window.dashboard_tab
    # A draft has no ticket number yet, so only the evidence is missing; five days is not old at 14.
    assert rows_of(tab.claims) == [(f"#{claim_id}", "", "261110-000000000003", "45.00", "缺少证据")]
    tab.old_days.setValue(3)
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.old_claim_days == 3,
                    timeout=10000)
    wait_idle(qtbot, window)
    assert rows_of(tab.claims)[0][4] == "超过 3 天、缺少证据"


def test_the_dashboard_opens_on_the_last_30_days(window: MainWindow) -> None:
    """Early in a month 本月 would show almost nothing: the tab opens on the last 30 days."""
    tab = window.dashboard_tab
    today = now().date()
    assert tab.quick.currentData() == "30d"
    assert tab.first.date().toPython() == today - timedelta(days=29) and tab.last.date().toPython() == today


def test_the_tab_reads_nothing_until_it_is_shown(qtbot: QtBot, window: MainWindow,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Built at start-up off screen, the tab kept its figures of the last 30 days, read beside the
    start-up jobs; its first opening then laid out every table twice (those rows, then the new ones)."""
    reads: list[Period] = []
    original = dashboard_tab.build_report
    monkeypatch.setattr(dashboard_tab, "build_report", lambda db, period, *a, **k: (
        reads.append(period), original(db, period, *a, **k))[1])
    tab = window.dashboard_tab  # built now, after the ledger opened
    tab.set_period(NOVEMBER)
    tab.old_days.setValue(3)
    wait_idle(qtbot, window)
    assert reads == [] and tab.report is None
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.report is not None, timeout=10000)
    wait_idle(qtbot, window)
    # Only the chosen period, never the default 30 days first. (On a loaded machine a start-up write may be
    # announced while the tab is showing, and the tab reads once more: that is it keeping up, not the bug
    # this pins.)
    assert reads and set(reads) == {NOVEMBER} and tab.report is not None and tab.report.old_claim_days == 3


def test_start_up_splits_the_goods_before_the_tab_is_first_opened(qtbot: QtBot, db_path: Path) -> None:
    """The tab's first opening after a launch split every goods string of its period into product lines
    (≈ 40 ms of its read at 100,000 cases, paid at each launch). Once start-up is over the window has split
    them on the preparing thread (services.report.warm_up): the first read splits none."""
    db = open_database(db_path)
    case_id = open_case(db, NewCase(platform=Platform.TAOBAO, order_no="4100000000000000042",
                                    kind=CaseKind.RESHIP, reason=CaseReason.DAMAGED), author="测试").case_id
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
    db.close()
    goods_lines.cache_clear()
    windows = opened_window(qtbot, db_path)
    window = next(windows)
    try:
        assert goods_lines.cache_info().currsize == 1  # split ahead
        split = goods_lines.cache_info().misses
        tab = window.dashboard_tab
        window.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.report is not None, timeout=10000)
        assert tab.report is not None and [p.key for p in tab.report.products] == ["CUP-01"]
        assert goods_lines.cache_info().misses == split
    finally:
        next(windows, None)


def test_the_summary_is_english_in_english(qtbot: QtBot, english: QTranslator,
                                           window: MainWindow) -> None:
    """Its second line ("错过平台时限 23 次；处罚金额按…") was the report's Chinese note in the English window."""
    show_november(qtbot, window)
    tab = window.dashboard_tab
    assert tab.report is not None
    late = replace(tab.report, timeliness=replace(tab.report.timeliness, missed=23), timer_penalised_cases=2,
                   money=replace(tab.report.money, penalties_timers=Decimal("33.00")),
                   notes=("错过平台时限 23 次", "平台处罚含时限超时按平台规则计入的 33.00 元（2 张售后单，…）"))
    tab._show(late)
    assert "Platform deadlines missed 23 times" in tab.summary.text()
    assert "include ¥33.00 by the platform's rules for timers that ran out (2 cases" in tab.summary.text()
    assert not CHINESE.search(tab.summary.text()), tab.summary.text()
    # One way of writing money in it: "net loss 41.00 yuan" beside "include ¥33.00" read as two currencies.
    assert "yuan" not in tab.summary.text() and "net loss ¥" in tab.summary.text(), tab.summary.text()
    assert tab.tables["report_by_reason"].figures.headers[1] == "Cases"


def test_a_figure_table_measures_its_texts_again_in_a_new_font(qtbot: QtBot) -> None:
    """The widths of the texts are kept between refreshes; a larger font (the user's settings) must not
    leave the columns at the small font's widths, cutting the figures short."""
    table = FigureTable("report_test", ("商品", "售后单"))
    qtbot.addWidget(table)
    rows = [FigureRow(("陶瓷马克杯（CUP-01）", "1,234"), 1234), FigureRow(("不锈钢保温杯", "98"), 98)]
    table.set_rows(rows)
    small = table.columnWidth(0)
    assert small >= table.fontMetrics().horizontalAdvance("陶瓷马克杯（CUP-01）")
    font = table.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    table.setFont(font)
    table.set_rows(rows)
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance("陶瓷马克杯（CUP-01）") > small

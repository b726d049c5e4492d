"""The windowed table models pass Qt's model tester and page through many rows lazily."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from desktop_app.core.clock import now
from desktop_app.services.deadlines import recompute_case
from desktop_app.store import case_listing, case_queries
from desktop_app.store.case_queries import CaseFilter, CaseOrder, CaseSort, OpenState, OrderFilter
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import AuditEvent, Case, Order
from desktop_app.store.rows import CaseRow
from desktop_app.store.search import SearchHits
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_table_model import CaseTableModel, countdown
from desktop_app.ui.orders.order_table_model import OrderTableModel
from desktop_app.ui.widgets.paged_model import LOADING, MAX_PAGES, PAGE_SIZE, ROW_ROLE, WANTED_PAGES, PagedTableModel
from desktop_app.ui.widgets.status_colours import OVERDUE


def shown_table(qtbot: QtBot, model: CaseTableModel) -> QTableView:
    """A view of `model` on screen (its visible rows are what pages are read for)."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    return view

def bulk_seed(path: Path, n: int) -> None:
    db = open_database(path)
    with db.transaction() as s:
        s.execute(insert(Order), [
            {"id": i, "order_key": f"pdd:{i:08d}", "platform": "pdd", "order_no": f"{i:08d}", "receiver": f"买家{i}",
             "search_text": f"{i:08d} 买家{i}"} for i in range(1, n + 1)
        ])
        s.execute(insert(Case), [
            {"id": i, "order_id": i, "platform": "pdd", "kind": "reship", "status": "pending", "is_open": i % 3 != 0,
             "amount_fen": i} for i in range(1, n + 1)
        ])
    db.close()


def test_case_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester, db_path: Path) -> None:
    bulk_seed(db_path, 450)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    assert model.rowCount() == 450
    qtmodeltester.check(model, force_py=True)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(CaseFilter(open_state=OpenState.OPEN))
    assert model.rowCount() == 300
    qtmodeltester.check(model, force_py=True)
    runner.shutdown()
    db.close()


def test_warming_the_searches_matches_nothing_and_keeps_the_rows(qtbot: QtBot, db: Database) -> None:
    """The start-up warm-up runs each kind of search once on the reading thread (one character, two, a
    trigram): its probes match no order, and the table keeps listing what it listed."""
    with db.transaction() as s:
        s.execute(insert(Order), [{"id": i, "order_key": f"pdd:{i:08d}", "platform": "pdd", "order_no": f"{i:08d}",
                                   "receiver": f"买家{i}", "search_text": f"{i:08d} 买家{i}"} for i in range(1, 31)])
        s.execute(insert(Case), [{"id": i, "order_id": i, "platform": "pdd", "kind": "reship", "status": "pending",
                                  "is_open": True} for i in range(1, 31)])
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    searched: list[tuple[SearchHits, threading.Thread]] = []
    original = case_queries.listed_case_ids

    def spy(session: Any, f: CaseFilter, order: CaseOrder, hits: SearchHits) -> list[int]:
        searched.append((hits, threading.current_thread()))
        return original(session, f, order, hits)

    with patch.object(case_queries, "listed_case_ids", spy):
        model.warm_searches()
        qtbot.waitUntil(lambda: len(searched) == 3, timeout=5000)
    assert all(hits.order_ids == () and thread is not threading.main_thread() for hits, thread in searched)
    assert model.rowCount() == 30 and model.filter == CaseFilter()
    runner.shutdown()


def read_row(qtbot: QtBot, model: PagedTableModel[CaseRow], row: int) -> CaseRow:
    """The row as the view gets it: asked for, then delivered by the reading thread."""
    if not model.is_loaded(row):
        with qtbot.waitSignal(model.dataChanged, timeout=5000):
            assert model.index(row, 0).data(ROW_ROLE) is None
            assert model.index(row, 0).data() == LOADING
    found = model.index(row, 0).data(ROW_ROLE)
    assert found is not None
    return found


def test_case_model_fetches_pages_on_demand_and_keeps_few(qtbot: QtBot, db_path: Path) -> None:
    n = PAGE_SIZE * (MAX_PAGES + 5)
    bulk_seed(db_path, n)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    assert model.rowCount() == n and model.cached_pages() == 1
    assert read_row(qtbot, model, n - 1).id == 1  # newest first by default (updated_at then id descending)
    for row in range(0, n, PAGE_SIZE):
        read_row(qtbot, model, row)
    assert model.cached_pages() == MAX_PAGES
    runner.shutdown()
    db.close()


def test_page_reads_run_off_the_gui_thread(qtbot: QtBot, db_path: Path) -> None:
    bulk_seed(db_path, PAGE_SIZE * 3)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    threads: list[threading.Thread] = []
    original = case_queries.rows_of_cases

    def spy(*args: Any, **kwargs: Any) -> list[CaseRow]:
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    with patch.object(case_queries, "rows_of_cases", spy):
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.set_database(db)
        read_row(qtbot, model, PAGE_SIZE * 2 + 5)
    assert len(threads) == 2  # the first page with the count, then the third page
    assert all(t is not threading.main_thread() for t in threads)
    runner.shutdown()
    db.close()


def test_only_the_latest_pages_asked_for_are_read(qtbot: QtBot, db_path: Path) -> None:
    """Dragging the scroll bar asks for many pages while one is read; only where it stops is read."""
    bulk_seed(db_path, PAGE_SIZE * 40)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    gate = threading.Event()
    runner.read(gate.wait)  # the reading thread is busy: the pages below queue up
    for page in range(1, 31):
        model.index(page * PAGE_SIZE, 0).data()
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    read = {row // PAGE_SIZE for row in range(model.rowCount()) if model.is_loaded(row)}
    assert read == {0, 1, *range(31 - WANTED_PAGES, 31)}
    runner.shutdown()
    db.close()


def test_order_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester, db_path: Path) -> None:
    bulk_seed(db_path, 120)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = OrderTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    qtmodeltester.check(model, force_py=True)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(OrderFilter(search="00000077"))
    assert model.rowCount() == 1
    runner.shutdown()
    db.close()


def test_countdown_reads_like_a_person() -> None:
    ref = now()
    assert countdown(ref + timedelta(hours=5, minutes=3), ref) == "剩 5 小时"
    assert countdown(ref - timedelta(days=2, hours=1), ref) == "已逾期 2 天"
    assert countdown(ref + timedelta(minutes=20), ref) == "剩 20 分钟"
    assert countdown(None, ref) == ""


def test_sorting_then_scrolling_shows_the_right_rows(qtbot: QtBot, db_path: Path) -> None:
    """A table view sorted by receiver and scrolled deep lists what the database lists at that offset,
    filled in by the reading thread (the rows show "…" until their page arrives)."""
    n = PAGE_SIZE * 6
    bulk_seed(db_path, n)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    view = shown_table(qtbot, model)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        view.sortByColumn(model.column_index(CaseSort.RECEIVER), Qt.SortOrder.DescendingOrder)
    view.scrollTo(model.index(PAGE_SIZE * 4 + 50, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top = view.rowAt(0)
    assert top >= PAGE_SIZE * 4
    qtbot.waitUntil(lambda: model.is_loaded(top), timeout=5000)
    shown = [model.index(row, model.column_index(CaseSort.RECEIVER)).data() for row in range(top, top + 10)]
    with db.reading() as session:
        expected = case_queries.case_rows(session, CaseFilter(), CaseOrder(CaseSort.RECEIVER, True), top, 10)
    assert shown == [r.receiver for r in expected]
    assert shown == sorted(shown, reverse=True)
    runner.shutdown()
    db.close()


def test_an_answer_the_platform_gave_by_itself_is_never_shown_overdue(qtbot: QtBot, db: Database) -> None:
    """抖店 agrees to a reship by itself when the shop's 48 h run out: the 下一个时限 column shows the
    answer while it can be given, then the 48 h ship clock that follows, never the answer in red."""
    moment = now()
    with db.transaction() as s:
        for i, hours_ago in ((1, 60), (2, 1)):
            s.add(Order(id=i, order_key=f"douyin:DY{i}", platform="douyin", order_no=f"DY{i}"))
            s.add(Case(id=i, order_id=i, platform="douyin", kind="reship", reason="missing_item", status="pending",
                       is_open=True))
            s.flush()
            s.add(AuditEvent(case_id=i, subject="case", subject_id=i, kind="created", milestone="requested",
                             at=moment - timedelta(hours=hours_ago)))
            recompute_case(s, i)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    column = next(c for c in range(model.columnCount()) if model.column_key(c) == CaseSort.NEXT_DUE)
    shown = {}
    for r in range(model.rowCount()):
        index = model.index(r, column)
        row = model.data(index, ROW_ROLE)
        assert isinstance(row, CaseRow)
        shown[row.id] = (model.data(index, Qt.ItemDataRole.DisplayRole), model.data(index, Qt.ItemDataRole.ToolTipRole),
                         model.data(index, Qt.ItemDataRole.ForegroundRole))
    ran_out, pending = shown[1], shown[2]
    assert "补寄发货并上传运单号" in ran_out[0] and "已逾期" not in ran_out[0]
    assert ran_out[2] is None or ran_out[2].color() != OVERDUE  # 36 h left: no colour
    assert pending[0].endswith("处理补寄申请（48小时）") and "已逾期" not in pending[0]
    assert "平台超时自动处理后：补寄发货并上传运单号" in pending[1]
    runner.shutdown()


def test_a_refund_the_platform_made_by_itself_says_so_instead_of_overdue(qtbot: QtBot, db: Database) -> None:
    """抖店 refunds a refund-only request the shop left unanswered for 48 h (assumed figure): nothing
    follows, so the column says the platform acted, in no colour, never "已逾期" in red."""
    moment = now()
    with db.transaction() as s:
        s.add(Order(id=1, order_key="douyin:DY1", platform="douyin", order_no="DY1"))
        s.add(Case(id=1, order_id=1, platform="douyin", kind="refund_only", reason="quality", status="pending",
                   is_open=True))
        s.flush()
        s.add(AuditEvent(case_id=1, subject="case", subject_id=1, kind="created", milestone="requested",
                         at=moment - timedelta(hours=50)))
        recompute_case(s, 1)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    column = next(c for c in range(model.columnCount()) if model.column_key(c) == CaseSort.NEXT_DUE)
    index = model.index(0, column)
    shown = model.data(index, Qt.ItemDataRole.DisplayRole)
    assert shown == "平台已超时自动处理：处理仅退款申请（48小时）（时长为估计）"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is None
    runner.shutdown()


def test_one_load_pages_through_one_set_of_anchors_and_a_reload_starts_anew(qtbot: QtBot, db_path: Path) -> None:
    """The pages of one load are read through one store CasePages (the anchors its deep pages leave make
    the next deep page a seek, issue 15); a reload after rows changed reads through a new one, so the
    rows shown deep down are the ones the database lists now, not positions from before the change."""
    n = PAGE_SIZE * 6
    bulk_seed(db_path, n)
    db = open_database(db_path)
    made: list[case_listing.CasePages] = []

    class Noted(case_listing.CasePages):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    view = shown_table(qtbot, model)
    receiver = model.column_index(CaseSort.RECEIVER)
    order = CaseOrder(CaseSort.RECEIVER, True)

    def bottom_rows() -> tuple[list[str], list[str]]:
        view.scrollToBottom()
        top = view.rowAt(0)
        qtbot.waitUntil(lambda: model.is_loaded(top) and model.is_loaded(n - 1), timeout=5000)
        shown = [model.index(row, receiver).data() for row in range(top, top + 10)]
        with db.reading() as session:
            return shown, [r.receiver for r in case_queries.case_rows(session, CaseFilter(), order, top, 10)]

    with patch.object(case_listing, "CasePages", Noted):
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.set_database(db)
        with qtbot.waitSignal(model.loaded, timeout=5000):
            view.sortByColumn(receiver, Qt.SortOrder.DescendingOrder)
        shown, expected = bottom_rows()
        assert shown == expected
        # One listing, and its reverse made by it for the pages of the lower half: the bottom is read from
        # the end, with no walk down from the top (the listing's only anchor is its top).
        sorted_by_receiver = made[-2]
        assert sorted_by_receiver.anchors == 1 and made[-1] is sorted_by_receiver._backward
        with db.transaction() as s:  # five cases that sort first: every row below moves down by five
            s.execute(insert(Order), [{"id": n + i, "order_key": f"pdd:new{i}", "platform": "pdd",
                                       "order_no": f"new{i}", "receiver": f"龘{i}"} for i in range(1, 6)])
            s.execute(insert(Case), [{"id": n + i, "order_id": n + i, "platform": "pdd", "kind": "reship",
                                      "status": "pending", "is_open": True} for i in range(1, 6)])
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.reload()
        n += 5
        shown, expected = bottom_rows()
        assert shown == expected
        assert made[-1] is not sorted_by_receiver
    runner.shutdown()
    db.close()

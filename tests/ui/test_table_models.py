"""The windowed table models pass Qt's model tester and page through many rows lazily."""

from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from desktop_app.store.case_queries import CaseFilter, OpenState, OrderFilter
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Order
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.case_table_model import CaseTableModel, countdown
from desktop_app.ui.order_table_model import OrderTableModel
from desktop_app.ui.paged_model import MAX_PAGES, PAGE_SIZE, ROW_ROLE


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


def test_case_model_fetches_pages_on_demand_and_keeps_few(qtbot: QtBot, db_path: Path) -> None:
    n = PAGE_SIZE * (MAX_PAGES + 5)
    bulk_seed(db_path, n)
    db = open_database(db_path)
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_database(db)
    assert model.rowCount() == n and model.cached_pages() == 1
    last = model.index(n - 1, 0).data(ROW_ROLE)
    assert last.id == 1  # newest first by default (updated_at then id descending)
    for row in range(0, n, PAGE_SIZE):
        model.index(row, 0).data()
    assert model.cached_pages() == MAX_PAGES
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
    from datetime import timedelta

    from desktop_app.core.clock import now

    ref = now()
    assert countdown(ref + timedelta(hours=5, minutes=3), ref) == "剩 5 小时"
    assert countdown(ref - timedelta(days=2, hours=1), ref) == "已逾期 2 天"
    assert countdown(ref + timedelta(minutes=20), ref) == "剩 20 分钟"
    assert countdown(None, ref) == ""

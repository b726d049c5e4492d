"""The 统计's per-month aggregate of the cases (`case_months`, migration 0025_case_months) stays equal to a rebuild
from the cases after every writer: ORM edits, the after-sales and order imports, undo, deletes, the deadline
engine (its helper process writes with plain sqlite3) and a pack edit's recompute. SQLite: the aggregate is kept
there alone (a team server reads the cases, test_case_months_report.py)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from aftersales_files import TB_HEADER, tb_row
from aftersales_files import write_csv as write_gb_csv
from case_months_ledger import build_year, exact
from sqlalchemy import select, update

from bench.bench_deadlines import build as build_timers
from bench.bench_deadlines import every_pack_edited
from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, ResponsibleParty
from desktop_app.services import deadlines
from desktop_app.services.bulk import act_on_cases, undo_batch
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.case_import import import_cases
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import CaseEdit, act_on_case, edit_case, undo_last_step
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_all, recompute_changed_rules
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Case, Order

pytestmark = pytest.mark.sqlite_only
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


@pytest.fixture
def year(db_path: Path) -> Iterator[tuple[Database, dict[str, int]]]:
    db = open_database(db_path)
    ids = build_year(db)
    yield db, ids
    db.close()


def _version(db: Database, case_id: int) -> int:
    with db.reading() as s:
        return s.get_one(Case, case_id).version


def test_the_migration_fills_the_aggregate_as_a_rebuild(year: tuple[Database, dict[str, int]]) -> None:
    db, _ids = year
    kept = exact(db)
    assert len(kept) > 100 and {row[5] for row in kept} >= {-1}  # cases without a shop: -1
    assert {row[2] for row in kept} >= {"", "=lost"} and {row[3] for row in kept} >= {"", "=merchant"}


def test_edits_of_a_case_and_of_its_orders_shop_keep_it_exact(year: tuple[Database, dict[str, int]]) -> None:
    db, ids = year
    before = exact(db)
    c7, c10 = ids["c7"], ids["c10"]  # open: 仅退款 not yet paid, 仅退款 paid and reopened
    change_case_kind(db, c7, CaseKind.PARTIAL_REFUND, at=parse_moment("2026-11-05 11:00"), author="测试")
    assert exact(db) != before
    edit_case(db, c7, CaseEdit(reason=CaseReason.DAMAGED, refund_fen=None, compensation_fen=4400,
                               responsible=ResponsibleParty.CARRIER, platform_case_no=None,
                               requested=parse_moment("2026-10-20 08:00")), _version(db, c7), author="测试")
    moved = exact(db)
    assert any(row[4] == "2026-10" and row[2] == "=damaged" and row[3] == "=carrier" for row in moved)
    edit_case(db, c7, CaseEdit(reason=None, refund_fen=None, compensation_fen=None, responsible=None,
                               platform_case_no=None), _version(db, c7), author="测试")
    exact(db)
    set_case_costs(db, c10, CaseCosts(postage_out_fen=700, postage_back_fen=300, written_off_fen=1500,
                                      penalty_fen=0), author="测试")
    exact(db)
    act_on_case(db, c10, CaseAction.CLOSE, at=parse_moment("2026-11-23 10:00"), author="测试")
    exact(db)
    act_on_case(db, c7, CaseAction.COMPENSATE, at=parse_moment("2026-11-24 10:00"), paid_fen=4400, author="测试")
    exact(db)
    with db.transaction() as s:  # the ORM alone: the shop of an order, then none
        order = s.get_one(Order, s.get_one(Case, c7).order_id)
        order.shop_id = ids["shop2"]
    assert any(row[5] == ids["shop2"] and row[0] == "taobao" for row in exact(db))
    with db.transaction() as s:
        s.get_one(Order, s.get_one(Case, c7).order_id).shop_id = None
        s.get_one(Case, ids["c8"]).platform = "tmall"
    exact(db)


def test_undo_of_a_batch_and_of_a_step_and_deletes_keep_it_exact(year: tuple[Database, dict[str, int]],
                                                                   db_path: Path) -> None:
    db, ids = year
    before = exact(db)
    batch = [ids["c7"], ids["c10"], ids["c3"]]
    outcome = act_on_cases(db, batch, CaseAction.CLOSE, note="重复申请", author="小林")
    assert _open(exact(db)) == _open(before) - 3
    undone = undo_batch(db, [(r.case_id, r.undo_event) for r in outcome.results if r.undo_event is not None],
                        author="小林")
    assert all(r.ok for r in undone.results)
    assert _open(exact(db)) == _open(before)
    act_on_case(db, ids["c7"], CaseAction.REJECT, at=parse_moment("2026-11-06 10:00"), author="测试")
    assert _open(exact(db)) == _open(before) - 1
    undo_last_step(db, ids["c7"], author="测试")
    assert _open(exact(db)) == _open(before)
    with db.reading() as s:
        doomed = list(s.scalars(select(Case.id).where(Case.kind == "reship")))
    raw = sqlite3.connect(db_path)  # no writer of the app deletes cases; one by hand must not leave them counted
    try:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(f"DELETE FROM cases WHERE id IN ({', '.join(map(str, doomed))})")
        raw.commit()
    finally:
        raw.close()
    assert not any(row[1] == "reship" for row in exact(db))


def _open(rows: list[tuple[object, ...]]) -> int:
    return sum(int(str(row[7])) for row in rows)


def _tb_file(tmp_path: Path, name: str, status: str, finished: str = "") -> Path:
    rows = [TB_HEADER, *(tb_row(f"30000000000{n:04d}", f"43{n:017d}", status=status, finished=finished,
                                requested=f"2026-{n % 12 + 1:02d}-1{n % 9} 10:00:00", amount=f"{n + 10}.00")
                         for n in range(30))]
    return write_gb_csv(tmp_path / name, rows)


def test_the_after_sales_import_and_its_reimport_keep_it_exact(year: tuple[Database, dict[str, int]],
                                                               tmp_path: Path) -> None:
    db, _ids = year
    before = exact(db)
    first = import_cases(db, [_tb_file(tmp_path, "new.csv", "买家已经申请退款，等待卖家同意")])
    assert len(first.files[0].inserted) == 30
    grown = exact(db)
    assert sum(row[6] for row in grown) == sum(row[6] for row in before) + 30
    again = import_cases(db, [_tb_file(tmp_path, "later.csv", "退款成功", "2026-12-01 10:00:00")])
    assert len(again.files[0].updated) >= 20
    paid = exact(db)
    assert sum(row[8] for row in paid) > sum(row[8] for row in grown)  # the refunds now paid


def test_an_order_import_that_moves_orders_to_another_shop_keeps_it_exact(
        year: tuple[Database, dict[str, int]], tmp_path: Path) -> None:
    db, _ids = year
    listing = SAMPLES / "taobao_ExportOrderList.csv"
    assert not any(f.refused for f in import_files(db, [listing]).files)
    with db.transaction() as s:  # a case on each imported order
        for order in s.scalars(select(Order).where(Order.platform == "taobao", Order.shop_id.is_not(None))):
            s.add(Case(order_id=order.id, platform="taobao", kind="refund_only", status="pending", is_open=True,
                       refund_fen=1000, requested_at=parse_moment("2026-11-07 10:00").at))
    shops_before = {row[5] for row in exact(db)}
    moved = tmp_path / "taobao_ExportOrderList.csv"
    text = listing.read_text(encoding="gb18030").replace("小林家居旗舰店", "小林家居二店")
    moved.write_text(text, encoding="gb18030")
    assert not any(f.refused for f in import_files(db, [moved]).files)
    assert {row[5] for row in exact(db)} != shops_before


def test_the_deadline_engine_its_helper_process_and_a_pack_edit_keep_it_exact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Timers written by the engine in this process and by its helper process (plain sqlite3), then a pack
    edit's recompute of the cases of the edited plans, and back."""
    built = tmp_path / "built.sqlite3"
    build_timers(built, 240)
    shutil.copyfile(built, tmp_path / "timers.sqlite3")
    monkeypatch.setattr(deadlines, "PARALLEL_FROM", 1)
    monkeypatch.setattr(deadlines, "PARALLEL_SLICE", 17)
    db = open_database(tmp_path / "timers.sqlite3")
    try:
        shipped = RuleContext.load()
        with db.transaction() as s:  # no timer counted yet: the recompute writes every case's
            s.execute(update(Case).values(met_timers=0, missed_timers=0, open_timers=0))
        assert sum(row[14] + row[15] + row[16] for row in exact(db)) == 0
        assert recompute_all(db, shipped).value > 0
        first = exact(db)
        assert sum(row[14] + row[15] + row[16] for row in first) > 0  # timers met, missed, open
        edited = RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar)
        assert recompute_changed_rules(db, edited).value > 0
        exact(db)
        recompute_changed_rules(db, shipped)
        assert exact(db) == first
    finally:
        db.close()

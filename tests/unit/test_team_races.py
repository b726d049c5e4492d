"""Two seats writing the same things at the same moment on a team ledger (PostgreSQL; skipped without
AFTERSALES_TEST_PG_URL). Each test holds the first seat's transaction open at the point where the race
bit, starts the second seat on a thread, waits until the server shows it waiting for a lock, then lets
the first commit: the order of events is fixed, not left to timing."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import StaleData, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import claims, deadlines, ledger_move, reship_paste, returns
from desktop_app.services.bulk import act_on_cases
from desktop_app.services.case_import import import_case_steps, import_cases
from desktop_app.services.case_writes import record_event
from desktop_app.services.cases import NewCase, act_in_session, act_on_case, find_or_create_order, open_case
from desktop_app.services.claims import ClaimExists, NewClaim, open_claim
from desktop_app.services.ledger_move import move_ledger
from desktop_app.services.order_import import import_files, import_steps
from desktop_app.services.playbooks import POLICY_SETTING, enabled_policy_ids, load_policies, set_policy
from desktop_app.services.product_costs import import_product_costs
from desktop_app.services.reship_paste import bulk_ship
from desktop_app.services.returns import match_parcel, receive_return
from desktop_app.services.stepwise import run_to_end
from desktop_app.store import database
from desktop_app.store.database import Database, open_database
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.locations import parse_location
from desktop_app.store.models import Case, ProductCost, utcnow
from desktop_app.store.setting_rows import locked_setting

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Seat:
    """A second seat's call on a thread of its own: its result, or the exception it raised."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = work()
            except BaseException as exc:  # handed to the test
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def outcome(self) -> Any:
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_a_seat_waits_for_a_lock(url: str, timeout: float = 30) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'")).scalar_one()
            if waiting:
                return
            time.sleep(0.02)
        raise AssertionError("the second seat never waited for the first")
    finally:
        engine.dispose()


@pytest.fixture
def two_seats(pg_url: str) -> Iterator[tuple[Database, Database]]:
    first, second = open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李")
    yield first, second
    first.close()
    second.close()


def test_two_imports_of_one_order_file_at_once_store_each_order_once(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    sample = FIXTURES / "samples" / "douyin_orders.xlsx"
    steps = import_steps(first, [sample])
    while not ((step := next(steps)).phase == "importing" and step.rows_done):
        pass  # the first seat's orders and lines are written, not yet committed
    other = Seat(lambda: import_files(second, [sample]))
    wait_until_a_seat_waits_for_a_lock(pg_url)
    assert run_to_end(steps).inserted == 40
    later = other.outcome()
    assert (later.inserted, later.unchanged) == (0, 40)  # it read what the first stored
    with first.reading() as session:
        doubled = session.execute(text(
            "SELECT count(*) FROM (SELECT order_id, position FROM order_items GROUP BY order_id, position "
            "HAVING count(*) > 1) AS twice")).scalar_one()
    assert doubled == 0


def test_two_imports_of_one_after_sales_file_at_once(pg_url: str, two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    sample = FIXTURES / "aftersales" / "pdd_aftersales.csv"
    steps = import_case_steps(first, [sample])
    while not ((step := next(steps)).phase == "importing" and step.rows_done):
        pass  # the first seat's cases and placeholder orders are written, not yet committed
    other = Seat(lambda: import_cases(second, [sample]))
    wait_until_a_seat_waits_for_a_lock(pg_url)
    assert len(run_to_end(steps).files[0].inserted) == 20
    later = other.outcome().files[0]  # was an IntegrityError on the placeholder orders
    assert (later.inserted, len(later.unchanged)) == ((), 20)


def test_two_seats_open_cases_for_one_unimported_order_at_once(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    with first.transaction() as session:
        placeholder = find_or_create_order(session, Platform.PDD, "261203-555")
        other = Seat(lambda: open_case(second, NewCase(Platform.PDD, "261203-555", CaseKind.RESHIP)))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    opened = other.outcome()  # was an IntegrityError on the order's key
    with second.reading() as session:
        order_id = session.execute(text("SELECT order_id FROM cases WHERE id = :id"),
                                   {"id": opened.case_id}).scalar_one()
    assert order_id == placeholder.id


def test_an_after_sales_import_meets_a_case_typed_for_one_of_its_orders(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    with first.transaction() as session:  # a case typed by hand for an order the file names, not committed
        placeholder = find_or_create_order(session, Platform.PDD, "261111-383992070643567")
        other = Seat(lambda: import_cases(second, [FIXTURES / "aftersales" / "pdd_aftersales.csv"]))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    imported = other.outcome().files[0]  # was an IntegrityError on the order's key
    assert len(imported.inserted) == 20
    with second.reading() as session:  # the file's case of that order (which of the 20 comes first may vary)
        order_ids = session.execute(text(
            "SELECT cases.order_id FROM cases JOIN orders ON orders.id = cases.order_id "
            "WHERE orders.order_no = '261111-383992070643567'")).scalars().all()
    assert order_ids == [placeholder.id]


def test_an_after_sales_import_meets_a_case_another_seat_closed_meanwhile(
        two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    lists = FIXTURES / "aftersales"
    import_cases(first, [lists / "tb_refunds.csv"])
    with first.reading() as session:  # a request the later export moves on (待处理 → 退款成功)
        case_id = session.execute(text("SELECT id FROM cases WHERE platform_case_no = '261234134238445819'")
                                  ).scalar_one()
    steps = import_case_steps(first, [lists / "tb_refunds_later.csv"])
    while next(steps).phase != "importing":
        pass  # the file's cases are read, not yet moved on
    act_on_case(second, case_id, CaseAction.CLOSE, author="小李")  # committed meanwhile (the server lets it)
    result = run_to_end(steps).files[0]  # the whole file failed: 不能执行“同意退货” on 已关闭
    assert result.stored and len(result.inserted) == 3 and case_id in result.updated  # the platform's facts
    with first.reading() as session:
        status = session.execute(text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}).scalar_one()
    assert status == "closed"  # the seat's close stands: the platform's steps were planned from it


def test_two_imports_of_one_cost_price_sheet_at_once(pg_url: str, tmp_path: Path,
                                                      two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    sheet = tmp_path / "成本价.csv"
    sheet.write_text("商家编码,商品名称,成本价\nSKU-1,猫砂,12.50\nSKU-2,保温杯,30\n", encoding="utf-8-sig")
    with first.transaction() as session:  # the first seat's import of the sheet, under way
        take_import_turn(session)
        session.add(ProductCost(sku_code="SKU-1", title="猫砂", cost_fen=1250, updated_at=utcnow()))
        session.flush()
        other = Seat(lambda: import_product_costs(second, sheet))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    imported = other.outcome()  # was an IntegrityError on SKU-1
    assert (imported.added, imported.unchanged) == (1, 1)


def test_two_seats_switching_on_two_shop_policies_at_once_keep_both(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    first, second = two_seats
    policies = load_policies()
    one, other_one = policies[0].id, policies[1].id
    with first.transaction() as session:  # the first seat's switch, under way
        setting = locked_setting(session, POLICY_SETTING)
        setting.value = one
        session.flush()
        other = Seat(lambda: set_policy(second, policies, other_one, True))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    assert set(other.outcome().value) == {one, other_one}  # the first one's was dropped (a lost update)
    with first.reading() as session:
        assert set(enabled_policy_ids(session)) == {one, other_one}


def test_two_seats_order_imports_of_one_moment_recompute_a_case_once(
        two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = two_seats
    samples = FIXTURES / "samples"
    case_id = open_case(first, NewCase(Platform.TAOBAO, "4910237409546111393", CaseKind.REFUND_ONLY,
                                       CaseReason.QUALITY, requested=Moment(now())), author="小王").case_id
    remember = deadlines.remember_rules
    midway, go_on = threading.Event(), threading.Event()

    def first_recompute_midway(*args: Any) -> None:  # the open cases recomputed after the first import
        if not midway.is_set():
            midway.set()
            assert go_on.wait(30)
        remember(*args)

    monkeypatch.setattr(deadlines, "remember_rules", first_recompute_midway)
    # The order is paid and not yet sent (买家已付款，等待卖家发货, no tracking number): its case gains 发货时效
    # (付款后72小时).
    importing = Seat(lambda: import_files(first, [samples / "taobao_ExportOrderList.csv",
                                                 samples / "taobao_ExportOrderDetailList.csv"]))
    assert midway.wait(60)
    other = Seat(lambda: import_files(second, [samples / "pdd_orders.csv"]))  # another seat, another shop
    other.thread.join(timeout=1)
    go_on.set()
    assert importing.outcome().inserted == other.outcome().inserted == 40
    with first.reading() as session:
        timers = session.execute(text("SELECT timer_id FROM deadlines WHERE case_id = :id"),
                                 {"id": case_id}).scalars().all()
    assert timers.count("ship_by") == 1  # it was there twice


def paused_once(module: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """`module.name` holds its first caller (after calling through) until `go_on` is set; later callers pass."""
    real = getattr(module, name)
    midway, go_on = threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not midway.is_set():
            midway.set()
            assert go_on.wait(30)
        return result

    monkeypatch.setattr(module, name, held)
    return midway, go_on


def test_a_window_step_on_a_case_another_seat_is_changing_waits_and_is_told_who_and_what_now(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    """Both seats showed the case at one version. The second's step met the first's at the UPDATE and
    failed there with SQLAlchemy's StaleDataError ("这条记录刚被另一个窗口或程序修改了"), or, each one's
    timeline entry holding the case against the other's, in a deadlock ("另一个席位同时修改了同一条记录"):
    never the case, the seat or its state. It now waits for the first and reads what it wrote."""
    first, second = two_seats
    case_id = open_case(first, NewCase(Platform.PDD, "261203-701", CaseKind.RESHIP), author="店主").case_id
    with first.reading() as session:
        shown = session.execute(text("SELECT version FROM cases WHERE id = :id"), {"id": case_id}).scalar_one()
    with first.transaction() as session:  # 小王's 同意补发, not yet committed
        act_in_session(session, case_id, CaseAction.AGREE_RESHIP, None, Moment(now()), "小王", shown)
        other = Seat(lambda: act_on_case(second, case_id, CaseAction.REJECT, "缺货", author="小李",
                                         expected_version=shown))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    with pytest.raises(StaleData, match=f"售后单 #{case_id} 刚被 小王 修改了（现在是“待补发”）"):
        other.outcome()
    with first.reading() as session:
        steps = session.execute(text("SELECT action FROM audit_events WHERE case_id = :id AND kind = 'action'"),
                                {"id": case_id}).scalars().all()
    assert steps == ["agree_reship"]


def test_a_command_on_a_case_another_seat_is_changing_acts_on_what_that_seat_wrote(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    """A command names no version: it failed on a note another seat was writing to the case ("这条记录刚被
    另一个窗口或程序修改了") where, one after the other, both go through."""
    first, second = two_seats
    case_id = open_case(first, NewCase(Platform.PDD, "261203-702", CaseKind.REFUND_ONLY), author="店主").case_id
    with first.transaction() as session:  # 小王's note, not yet committed
        case = session.get(Case, case_id)
        assert case is not None
        case.updated_at = utcnow()
        record_event(session, case, kind="note", author="小王", note="买家说明天寄回")
        session.flush()
        other = Seat(lambda: act_on_case(second, case_id, CaseAction.START, author="小李"))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    assert other.outcome().status is CaseStatus.PROCESSING
    with first.reading() as session:
        kinds = session.execute(text("SELECT kind, author FROM audit_events WHERE case_id = :id ORDER BY id"),
                                {"id": case_id}).all()
    assert [tuple(k) for k in kinds] == [("created", "店主"), ("note", "小王"), ("action", "小李")]


def test_one_unknown_parcel_scanned_at_two_seats_at_once_is_one_unmatched_parcel(
        pg_url: str, two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both seats found no 无主件 with the number and each recorded one: the list showed the parcel twice."""
    first, second = two_seats
    midway, go_on = paused_once(returns, "guess_parcel_carrier", monkeypatch)  # found none, not yet recorded
    scanning = Seat(lambda: receive_return(first, "YT7788990011", InspectionResult.GOOD, author="小王"))
    assert midway.wait(30)
    other = Seat(lambda: receive_return(second, "YT7788990011", InspectionResult.DEFECTIVE, author="小李"))
    try:
        wait_until_a_seat_waits_for_a_lock(pg_url, timeout=10)
    finally:
        go_on.set()
    recorded, again = scanning.outcome(), other.outcome()
    assert recorded.parcel is not None and again.parcel is not None and again.repeated
    assert again.parcel.id == recorded.parcel.id
    with first.reading() as session:
        assert session.execute(text("SELECT count(*) FROM unmatched_parcels")).scalar_one() == 1


def test_one_lost_parcel_claimed_at_two_seats_at_once_is_one_claim(
        pg_url: str, two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both seats found no open claim for the waybill and each recorded one (the courier takes one claim a
    waybill; 统计 counted the money twice). The second is now told of the first's, as one after the other."""
    first, second = two_seats
    case_id = open_case(first, NewCase(Platform.PDD, "261203-703", CaseKind.RESHIP), author="店主").case_id
    with first.reading() as session:
        order_id = session.execute(text("SELECT order_id FROM cases WHERE id = :id"), {"id": case_id}).scalar_one()
    lost = NewClaim(ClaimIncident.LOST, order_id=order_id, claimed_fen=5000, tracking_no="YT5566778899")
    midway, go_on = paused_once(claims, "refuse_second_claim", monkeypatch)  # found none, not yet recorded
    claiming = Seat(lambda: open_claim(first, lost, author="小王"))
    assert midway.wait(30)
    other = Seat(lambda: open_claim(second, lost, author="小李"))
    try:
        wait_until_a_seat_waits_for_a_lock(pg_url, timeout=10)
    finally:
        go_on.set()
    claim_id = claiming.outcome().claim_id
    with pytest.raises(ClaimExists, match=f"运单 YT5566778899 已有进行中的理赔 #{claim_id}"):
        other.outcome()
    with first.reading() as session:
        assert session.execute(text("SELECT count(*) FROM carrier_claims")).scalar_one() == 1


def test_a_batch_step_on_a_case_held_too_long_says_why_in_chinese(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A case another seat held past the lock timeout failed in a batch as "数据库错误（OperationalError）"."""
    monkeypatch.setattr(database, "SERVER_LOCK_TIMEOUT_MS", 300)
    first, second = open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李")
    try:
        ids = [open_case(first, NewCase(Platform.PDD, f"261203-71{n}", CaseKind.RESHIP), author="店主").case_id
               for n in range(2)]
        with first.transaction() as session:  # 小王 works on the second case, for longer than the timeout
            act_in_session(session, ids[1], CaseAction.AGREE_RESHIP, None, Moment(now()), "小王")
            outcome = act_on_cases(second, ids, CaseAction.AGREE_RESHIP, author="小李")
    finally:
        first.close()
        second.close()
    assert [r.ok for r in outcome.results] == [True, False]
    assert outcome.results[1].error is not None and outcome.results[1].error.startswith("另一个席位正在修改同一批记录")


def test_two_moves_of_a_ledger_file_into_one_empty_database_at_once_copy_it_once(
        db_path: Path, empty_server_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both moves found the database empty; the second failed on the first one's rows with "内部错误
    （IntegrityError）" (exit 3). It now waits for the first and is told the database has data."""
    local = open_database(db_path)
    open_case(local, NewCase(Platform.PDD, "261203-720", CaseKind.RESHIP), author="店主")
    local.close()
    midway, go_on = paused_once(ledger_move, "copy_rows", monkeypatch)  # copied, not yet committed
    moving = Seat(lambda: move_ledger(db_path, parse_location(empty_server_db)))
    assert midway.wait(60)
    other = Seat(lambda: move_ledger(db_path, parse_location(empty_server_db)))
    try:
        wait_until_a_seat_waits_for_a_lock(empty_server_db)
    finally:
        go_on.set()
    assert moving.outcome().counts["cases"] == 1
    with pytest.raises(UserError, match="已经有数据"):
        other.outcome()


def test_two_seats_pasting_tracking_lists_that_share_reships_in_another_order_ship_each_once(
        two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each seat shipped the first case of its list and then waited for the other's: a deadlock the server
    broke by failing one seat's whole paste. The cases of a paste are now taken in id order first."""
    first, second = two_seats
    orders = ["261203-741", "261203-742"]
    for order in orders:
        case_id = open_case(first, NewCase(Platform.PDD, order, CaseKind.RESHIP), author="店主").case_id
        act_on_case(first, case_id, CaseAction.AGREE_RESHIP, author="店主")
    both_shipped_one = threading.Barrier(2, timeout=1)  # old: both get here; new: the second waits for the first
    real = reship_paste.ship_in_session

    def then_wait(*args: Any) -> None:
        real(*args)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_shipped_one.wait()

    monkeypatch.setattr(reship_paste, "ship_in_session", then_wait)
    pasting = Seat(lambda: bulk_ship(first, f"{orders[0]},YT1000000001\n{orders[1]},YT1000000002", "圆通速递",
                                     author="小王"))
    other = Seat(lambda: bulk_ship(second, f"{orders[1]},YT1000000002\n{orders[0]},YT1000000001", "圆通速递",
                                   author="小李"))
    reports = [pasting.outcome(), other.outcome()]  # one of them was DeadlockDetected
    assert sorted(r.shipped for r in reports) == [0, 2], reports
    with first.reading() as session:
        ships = session.execute(text("SELECT count(*) FROM audit_events WHERE action = 'ship_reship'")).scalar_one()
    assert ships == 2


def test_an_unmatched_parcel_matched_at_one_seat_while_another_scans_it_again(
        pg_url: str, two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The second scan's new inspection result and the match met at the parcel's row: the scan failed with
    "这条记录刚被另一个窗口或程序修改了". The match now waits for the scan and takes its result."""
    first, second = two_seats
    parcel = receive_return(first, "YT6655443322", InspectionResult.GOOD, author="小王").parcel
    assert parcel is not None
    case_id = open_case(first, NewCase(Platform.PDD, "261203-760", CaseKind.RETURN_REFUND), author="店主").case_id
    act_on_case(first, case_id, CaseAction.AGREE_RETURN, author="店主")
    midway, go_on = paused_once(returns, "waiting_parcel", monkeypatch)  # the scan found the parcel waiting
    scanning = Seat(lambda: receive_return(first, "YT6655443322", InspectionResult.DEFECTIVE, author="小王"))
    assert midway.wait(30)
    matching = Seat(lambda: match_parcel(second, parcel.id, case_id, author="小李"))
    try:
        wait_until_a_seat_waits_for_a_lock(pg_url, timeout=10)
    finally:
        go_on.set()
    assert scanning.outcome().repeated
    matched = matching.outcome().value
    assert matched.case_id == case_id and matched.status is CaseStatus.RETURN_RECEIVED
    with first.reading() as session:
        result = session.execute(text("SELECT result FROM return_inspections WHERE case_id = :id"),
                                 {"id": case_id}).scalar_one()
    assert result == "defective"


def test_a_batch_waiting_for_another_seats_step_on_a_case_dates_its_own_step_after_it(
        pg_url: str, two_seats: tuple[Database, Database]) -> None:
    """Two seats' batches on the same cases: the later one's time was taken when it began, before the step
    another seat took meanwhile (or on a computer whose clock runs behind), and the case was refused as
    "关闭的时间 12:11 早于同意补发的时间 12:11 … 先撤销那一步". With no time given, the step is now dated when
    the case is its turn, after the case's last step."""
    first, second = two_seats
    case_id = open_case(first, NewCase(Platform.PDD, "261204-770", CaseKind.RESHIP), author="店主").case_id
    ahead = Moment(now() + timedelta(minutes=2))  # 小王's step: later than 小李's batch began
    with first.transaction() as session:
        act_in_session(session, case_id, CaseAction.AGREE_RESHIP, None, ahead, "小王")
        other = Seat(lambda: act_on_cases(second, [case_id], CaseAction.CLOSE, author="小李"))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    outcome = other.outcome()
    assert [(r.ok, r.error) for r in outcome.results] == [(True, None)]
    with first.reading() as session:
        steps = session.execute(text("SELECT action, at FROM audit_events WHERE case_id = :id AND kind = 'action' "
                                     "ORDER BY id"), {"id": case_id}).all()
    assert [s.action for s in steps] == ["agree_reship", "close"] and steps[1].at >= steps[0].at

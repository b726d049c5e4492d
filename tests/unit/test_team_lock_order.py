"""Every write that locks several cases on a team ledger locks them in one order (id order), so that two seats'
writes on shared cases wait for each other instead of deadlocking. Real processes on one PostgreSQL (skipped
without AFTERSALES_TEST_PG_URL), held at a barrier where the old order bit."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.returns import InspectionResult
from desktop_app.services import case_import
from desktop_app.services.case_import import import_cases
from desktop_app.services.reship_paste import bulk_ship
from desktop_app.services.returns import receive_return
from desktop_app.store.database import open_database

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
FORKED = multiprocessing.get_context("fork")
ANSWERS: Any = FORKED.Queue()
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

PDD_HEADER = ("售后编号,订单号,商品名称,商品规格,售后类型,售后状态,申请时间,申请退款金额,售后原因,"
              "退货物流公司,退货物流单号\n")
ORDERS = {"A": ("117117150001", "261201-100000000000001"), "B": ("117117150002", "261201-100000000000002")}
PARCEL = "75123456789012"


def pdd_reships(path: Path, order: str, amount: str) -> Path:
    """Two 补寄 requests waiting for the shop's parcel (待商家补寄), in the order `order` names them."""
    rows = [f"{ORDERS[c][0]}\t,{ORDERS[c][1]},保温杯,白,补寄,待商家补寄,2026-12-01 10:00:00\t,{amount},少件/漏发,,\n"
            for c in order]
    path.write_text(PDD_HEADER + "".join(rows), encoding="utf-8-sig")
    return path


def pdd_returns(path: Path, order: str, amount: str) -> Path:
    """Two 退货退款 requests whose goods the buyer sent back in one parcel (待商家收货)."""
    rows = [f"{ORDERS[c][0]}\t,{ORDERS[c][1]},保温杯,白,退货退款,待商家收货,2026-12-01 10:00:00\t,{amount},质量问题,"
            f"中通快递,{PARCEL}\n" for c in order]
    path.write_text(PDD_HEADER + "".join(rows), encoding="utf-8-sig")
    return path


def lock_waits(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one())
    finally:
        engine.dispose()


def importing_seat(url: str, path: Path, barrier: Any, answers: Any) -> None:
    """小王 imports the later export: after the first case it writes, it lets the paste start and goes on only
    once the paste waits for a lock (the moment the two orders of locking met)."""
    real = case_import.update_case
    first = [True]

    def held(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        if first[0]:
            first[0] = False
            barrier.wait()
            deadline = time.monotonic() + 10
            while not lock_waits(url) and time.monotonic() < deadline:
                time.sleep(0.02)

    case_import.update_case = held  # this process's own copy of the module
    db = open_database(url, seat="小王")
    try:
        result = import_cases(db, [path]).files[0]
        answers.put(("import", "ok", len(result.updated)))
    except Exception as exc:  # handed to the test
        answers.put(("import", "error", f"{type(exc).__name__}: {exc}"))
    finally:
        db.close()


def pasting_seat(url: str, lines: str, barrier: Any, answers: Any) -> None:
    db = open_database(url, seat="小李")
    try:
        barrier.wait()
        answers.put(("paste", "ok", bulk_ship(db, lines, "圆通速递", author="小李").shipped))
    except Exception as exc:  # handed to the test
        answers.put(("paste", "error", f"{type(exc).__name__}: {exc}"))
    finally:
        db.close()


def scanning_seat(url: str, barrier: Any, answers: Any) -> None:
    db = open_database(url, seat="小李")
    try:
        barrier.wait()
        received = receive_return(db, PARCEL, InspectionResult.GOOD, author="小李")
        answers.put(("scan", "ok", len(received.cases)))
    except Exception as exc:  # handed to the test
        answers.put(("scan", "error", f"{type(exc).__name__}: {exc}"))
    finally:
        db.close()


def race(*seats: Any) -> dict[str, tuple[Any, ...]]:
    """Each seat's answer, the seats run as processes of their own."""
    for seat in seats:
        seat.start()
    got = {answer[0]: answer[1:] for answer in (ANSWERS.get(timeout=90) for _ in seats)}
    for seat in seats:
        seat.join(timeout=30)
    return got


def test_an_after_sales_import_and_a_paste_on_shared_reship_cases_wait_for_each_other(
        pg_url: str, tmp_path: Path) -> None:
    """The import locked the cases it updated in the file's order, a paste in id order: the import held B (first
    in its file) and wanted A, the paste held A and wanted B, and the server broke the deadlock by failing one
    seat's whole import or paste (另一个席位同时修改了同一条记录). The import now takes them in id order too."""
    db = open_database(pg_url, seat="店主")
    try:
        import_cases(db, [pdd_reships(tmp_path / "售后.csv", "AB", "30.00")])  # A gets the lower id
    finally:
        db.close()
    later = pdd_reships(tmp_path / "售后（新）.csv", "BA", "35.00")  # the same requests, new amounts, B first
    lines = "\n".join(f"{ORDERS[c][1]},YT10000000000{n}" for n, c in enumerate("AB"))
    barrier = FORKED.Barrier(2, timeout=30)
    got = race(FORKED.Process(target=importing_seat, args=(pg_url, later, barrier, ANSWERS)),
               FORKED.Process(target=pasting_seat, args=(pg_url, lines, barrier, ANSWERS)))
    assert got == {"import": ("ok", 2), "paste": ("ok", 2)}, got  # one of them was DeadlockDetected
    db = open_database(pg_url)
    try:
        with db.reading() as session:
            rows = session.execute(text("SELECT status, amount_fen FROM cases ORDER BY id")).all()
    finally:
        db.close()
    assert [tuple(r) for r in rows] == [(CaseStatus.RESHIPPED.value, 3500)] * 2  # both seats' writes stand


def test_an_after_sales_import_and_a_return_parcel_of_two_of_its_cases_wait_for_each_other(
        pg_url: str, tmp_path: Path) -> None:
    """A parcel scanned at the returns desk took its cases the latest changed first (B, then A), the import in
    id order (A, then B): the scan held B and wanted A, the import the other way round, and the server failed
    one of them. The scan now locks its cases in id order first."""
    db = open_database(pg_url, seat="店主")
    try:
        import_cases(db, [pdd_returns(tmp_path / "售后.csv", "AB", "30.00")])
    finally:
        db.close()
    later = pdd_returns(tmp_path / "售后（新）.csv", "AB", "35.00")
    barrier = FORKED.Barrier(2, timeout=30)
    got = race(FORKED.Process(target=importing_seat, args=(pg_url, later, barrier, ANSWERS)),
               FORKED.Process(target=scanning_seat, args=(pg_url, barrier, ANSWERS)))
    assert got == {"import": ("ok", 2), "scan": ("ok", 2)}, got  # one of them was DeadlockDetected
    db = open_database(pg_url)
    try:
        with db.reading() as session:
            rows = session.execute(text("SELECT status, amount_fen FROM cases ORDER BY id")).all()
    finally:
        db.close()
    assert [tuple(r) for r in rows] == [(CaseStatus.RETURN_RECEIVED.value, 3500)] * 2

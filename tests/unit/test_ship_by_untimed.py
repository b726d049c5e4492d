"""淘宝's 订单列表 export gives an order's tracking number (物流单号) but no 发货时间: the order went out at a time the
ledger cannot know. Its 发货时效 (72 h after payment, seed 001: "卖家的发货时间,以快递公司系统内记录的时间为准") cannot
be judged from the ledger, so it shows none — a deadline missed by a shipment that may have been on time charged
the shop a 5 % penalty it did not owe (a 双11 day's November: 2,442.96 元 of such penalties). A known time is judged."""

from __future__ import annotations

from datetime import datetime

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.deadlines import recompute_case
from desktop_app.services.order_campaign import find_order
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import Order


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def ship_by(db: Database, case_id: int) -> tuple[DeadlineStatus, int | None] | None:
    with db.reading() as session:
        found = [d for d in case_deadlines(session, case_id) if d.timer_id == "ship_by"]
    return (found[0].status, found[0].penalty_fen) if found else None


def sent(db: Database, case_id: int, tracking_no: str | None, shipped: str | None) -> None:
    with db.transaction() as session:
        order = session.get(Order, find_order(db, "3100000000000000001"))
        assert order is not None
        order.tracking_no, order.shipped_at = tracking_no, at(shipped) if shipped else None
        order.paid_fen = 20000
        session.flush()
        recompute_case(session, case_id)


def test_an_order_sent_at_a_time_no_export_gave_has_no_ship_by_to_judge(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.TAOBAO, "3100000000000000001", CaseKind.REFUND_ONLY,
                                    CaseReason.NOT_RECEIVED, requested=Moment(at("2026-11-25 10:00")),
                                    milestones={"paid": Moment(at("2026-11-20 08:00"))}), author="测试").case_id
    sent(db, case_id, None, None)  # nothing says it went out: past its 72 h, 10 元 (5 %) at stake
    assert ship_by(db, case_id) == (DeadlineStatus.OPEN, 1000)
    sent(db, case_id, "YT8812345678901", None)  # the export's tracking number, no time
    assert ship_by(db, case_id) is None
    sent(db, case_id, "YT8812345678901", "2026-11-22 09:00")  # a known time within the 72 h
    assert ship_by(db, case_id) == (DeadlineStatus.MET, None)
    sent(db, case_id, "YT8812345678901", "2026-11-24 09:00")  # a known time past them
    assert ship_by(db, case_id) == (DeadlineStatus.MISSED, 1000)

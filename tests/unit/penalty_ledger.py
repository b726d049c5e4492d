"""A ledger whose platform penalties are computed by hand (issues 13 item 9, 17; session 22). Every deadline is
the engine's, from the real packs: 淘宝's ship-by (seed 001: "卖家…实际未在七十二小时内发货…需向买家支付该商品实际成交
金额的百分之五作为违约金,且金额最高不超过三十元") and 抖店's reship (seed 004: "若商家逾期未完成補寄發貨…應當按照每單3元
的標準向用戶進行賠付").

Cases (China time; the penalty falls due at its deadline's due time):
  A  douyin reship missing_item  requested 11-10 10:00, agreed 11-10 12:00 (ship by 11-12 12:00), shipped
                                 11-13 09:00: late → 3.00, fell due 11-12 12:00
  B  taobao refund_only          order paid 199.00 on 11-16 10:00 (ship by 11-19 10:00), never shipped; requested
                                 11-20 10:00, refunded 199.00 on 11-20 12:00: late → 5 % of 199.00 = 9.95
  C  taobao refund_only          order paid 800.00 on 11-20 10:00 (ship by 11-23 10:00), never shipped; requested
                                 11-24 10:00, still open: ran out → 5 % = 40.00, capped at 30.00
  D  taobao refund_only          order paid 500.00 on 11-29 10:00 (ship by 12-02 10:00); requested 11-30 12:00,
                                 open: 25.00 — a November case whose penalty fell due in December
  E  douyin reship missing_item  as A (agreed 11-14 12:00, shipped 11-17 09:00: late, 3.00 by the rule), but the
                                 shop recorded the penalty it actually paid by hand: 5.00 — counted once, 5.00
  F  taobao refund_only          order paid 300.00 on 11-18 10:00 (ship by 11-21 10:00), requested 11-23 10:00,
                                 open: first without a shipping time (15.00 owed), then the order's shipping time
                                 as the courier recorded it comes in, 11-20 09:00 (in time): met → no penalty

(Orders paid after 双11's window, 10-15 20:00 – 11-11 23:59:59, whose ship-by is 7 days: 72 h here.)

November (by request for the cases, by due time for the timers' penalties), once F's time came in:
  平台处罚 = 3.00 (A) + 9.95 (B) + 30.00 (C) + 5.00 (E, recorded) = 47.95; of it by timers 42.95 on 3 cases
  net loss = 199.00 (B's refund paid) + 47.95 = 246.95; before it, F's 15.00 more: 62.95 and 261.95
  抖店 alone 8.00 (3.00 + 5.00), 淘宝 alone 39.95; December: D's 25.00 (no December case).
"""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.deadlines import recompute_cases
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order

# Before F's shipping time came in (F's 15.00 counted too) and after.
NOVEMBER_MONEY = {"penalties": "62.95", "net_loss": "261.95", "refunded": "199.00"}
NOVEMBER_MONEY_CORRECTED = {"penalties": "47.95", "net_loss": "246.95", "refunded": "199.00"}


def _reship(db: Database, order_no: str, requested: str, agreed: str, shipped: str) -> int:
    case_id = open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=parse_moment(requested)), author="测试").case_id
    reships.agree(db, case_id, at=parse_moment(agreed), author="测试")
    reships.ship(db, case_id, "中通快递", f"7512345{order_no[-5:]}", at=parse_moment(shipped), author="测试")
    return case_id


def _taobao(db: Database, order_no: str, paid: str, paid_fen: int, requested: str, refund_fen: int | None) -> int:
    case_id = open_case(db, NewCase(Platform.TAOBAO, order_no, CaseKind.REFUND_ONLY, CaseReason.LATE_SHIPMENT,
                                    refund_fen=refund_fen, requested=parse_moment(requested)), author="测试").case_id
    with db.transaction() as s:  # the order as an import brings it: paid, its amount, not shipped
        order = s.scalars(select(Order).join(Case, Case.order_id == Order.id).where(Case.id == case_id)).one()
        order.paid_at, order.paid_fen = parse_moment(paid).at, paid_fen
        recompute_cases(s, [case_id])
    return case_id


def build(db: Database) -> dict[str, int]:
    ids = {
        "A": _reship(db, "6900000000000010001", "2026-11-10 10:00", "2026-11-10 12:00", "2026-11-13 09:00"),
        "B": _taobao(db, "4100000000000010002", "2026-11-16 10:00", 19_900, "2026-11-20 10:00", 19_900),
        "C": _taobao(db, "4100000000000010003", "2026-11-20 10:00", 80_000, "2026-11-24 10:00", None),
        "D": _taobao(db, "4100000000000010004", "2026-11-29 10:00", 50_000, "2026-11-30 12:00", None),
        "E": _reship(db, "6900000000000010005", "2026-11-14 10:00", "2026-11-14 12:00", "2026-11-17 09:00"),
        "F": _taobao(db, "4100000000000010006", "2026-11-18 10:00", 30_000, "2026-11-23 10:00", None),
    }
    act_on_case(db, ids["B"], CaseAction.REFUND, at=parse_moment("2026-11-20 12:00"), author="测试")
    set_case_costs(db, ids["E"], CaseCosts(penalty_fen=500), author="测试")
    return ids


def correct_f(db: Database, case_id: int) -> None:
    """F's order gets the shipping time the courier recorded (as an order import writes it): 11-20 09:00."""
    with db.transaction() as s:
        order = s.scalars(select(Order).join(Case, Case.order_id == Order.id).where(Case.id == case_id)).one()
        order.shipped_at = parse_moment("2026-11-20 09:00").at
        recompute_cases(s, [case_id])

"""A small ledger whose November 2026 figures are computed by hand (see EXPECTED_* below).

Cases (requested at, China time):
  #1 taobao  reship          missing_item         2026-11-01 00:00  postage out 8.00, written off 20.00, shop 小林家居,
                                                                      closed 2026-11-02 00:00 (24 h)
  #2 taobao  return_refund   no_reason_7d         2026-11-15 12:00  refund 59.90 paid while the return was on its
                                                                      way; return postage 10.00 (buyer pays)
  #3 tmall   refund_only     lost                 2026-11-30 23:59  refund 100.00 paid; claim 100.00 on 中通快递, two
                                                                      partial payouts 30.00 (bank) + 20.00 (运费抵扣)
  #4 pdd     partial_refund  damaged              2026-11-10 10:00  compensation 5.00 paid, penalty 3.00, return
                                                                      postage 6.00 (shop pays), closed 2026-11-12
                                                                      10:00 (48 h)
  #5 taobao  refund_only     quality              2026-10-31 23:30  refund 999.00 paid — before the period
  #6 douyin  reship          lost                 2026-12-01 00:00  refund 777.00 paid — after the period (16:00
                                                                      UTC Nov 30)
  #7 taobao  refund_only     quality              2026-11-05 10:00  refund 30.00 asked, not yet paid (待退款)
  #8 taobao  refund_only     no_reason_7d         2026-11-06 10:00  refund 40.00 asked, refused 2026-11-07 22:00 (36 h)
  #9 douyin  refund_only     changed_mind         2026-11-08 10:00  refund 25.00 asked, closed without a refund
                                                                      2026-11-09 22:00 (36 h)
  #10 jd     refund_only     stalled              2026-11-20 10:00  refund 12.00 paid, completed, then reopened (open)

退款 counts the refunds paid: 59.90 + 100.00 + 12.00 = 171.90 (not #7, #8, #9: 95.00 never left the shop);
待退款 is #7's 30.00 (#10 is open but was paid).
Net loss in November: 100.00 + 12.00 (refunds paid; #2's goods came back) + 5.00 + postage 14.00 + 20.00
+ 3.00 − 50.00 received = 104.00.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import delete

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimAction, ClaimIncident, PayoutChannel
from desktop_app.core.clock import now, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services import reships
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.services.product_costs import case_goods_cost, import_product_costs
from desktop_app.store.case_facts import recompute_case_facts
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Deadline, Order, OrderItem, Shop

EXPECTED_MONEY = {
    "refunded": "171.90", "compensated": "5.00", "postage": "14.00", "written_off": "20.00", "penalties": "3.00",
    "claimed": "100.00", "received": "50.00", "outstanding": "50.00", "net_loss": "104.00", "pending_refund": "30.00",
}
EXPECTED_BY_KIND = {"refund_only": 5, "partial_refund": 1, "reship": 1, "return_refund": 1}
EXPECTED_BY_PLATFORM = {"taobao": 4, "douyin": 1, "jd": 1, "pdd": 1, "tmall": 1}
EXPECTED_BY_REASON = {"no_reason_7d": 2, "quality": 1, "changed_mind": 1, "damaged": 1, "lost": 1, "missing_item": 1,
                      "stalled": 1}


def _case(db: Database, platform: Platform, order_no: str, kind: CaseKind, reason: CaseReason, requested: str,
          refund: int | None = None, compensation: int | None = None,
          responsible: ResponsibleParty | None = None) -> int:
    return open_case(db, NewCase(
        platform=platform, order_no=order_no, kind=kind, reason=reason, refund_fen=refund,
        compensation_fen=compensation, responsible=responsible, requested=parse_moment(requested),
    ), author="测试").case_id


def build(db: Database) -> dict[str, int]:
    """Build the ledger; returns the case and claim ids by name."""
    ids: dict[str, int] = {}
    ids["c1"] = _case(db, Platform.TAOBAO, "4100000000000000001", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                      "2026-11-01 00:00", responsible=ResponsibleParty.MERCHANT)
    ids["c2"] = _case(db, Platform.TAOBAO, "4100000000000000002", CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D,
                      "2026-11-15 12:00", refund=5990, responsible=ResponsibleParty.BUYER)
    ids["c3"] = _case(db, Platform.TMALL, "4100000000000000003", CaseKind.REFUND_ONLY, CaseReason.LOST,
                      "2026-11-30 23:59", refund=10000, responsible=ResponsibleParty.CARRIER)
    ids["c4"] = _case(db, Platform.PDD, "261110-000000000004", CaseKind.PARTIAL_REFUND, CaseReason.DAMAGED,
                      "2026-11-10 10:00", compensation=500, responsible=ResponsibleParty.MERCHANT)
    ids["c5"] = _case(db, Platform.TAOBAO, "4100000000000000005", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                      "2026-10-31 23:30", refund=99900)
    ids["c6"] = _case(db, Platform.DOUYIN, "6900000000000000006", CaseKind.RESHIP, CaseReason.LOST,
                      "2026-12-01 00:00", refund=77700)
    ids["c7"] = _case(db, Platform.TAOBAO, "4100000000000000007", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                      "2026-11-05 10:00", refund=3000)
    ids["c8"] = _case(db, Platform.TAOBAO, "4100000000000000008", CaseKind.REFUND_ONLY, CaseReason.NO_REASON_7D,
                      "2026-11-06 10:00", refund=4000)
    ids["c9"] = _case(db, Platform.DOUYIN, "6900000000000000009", CaseKind.REFUND_ONLY, CaseReason.CHANGED_MIND,
                      "2026-11-08 10:00", refund=2500)
    ids["c10"] = _case(db, Platform.JD, "310000000010", CaseKind.REFUND_ONLY, CaseReason.STALLED,
                       "2026-11-20 10:00", refund=1200)
    steps = (
        ("c2", CaseAction.AGREE_RETURN, "2026-11-15 14:00"), ("c2", CaseAction.REFUND_IN_TRANSIT, "2026-11-16 12:00"),
        ("c3", CaseAction.REFUND, "2026-12-01 08:00"), ("c4", CaseAction.COMPENSATE, "2026-11-12 09:00"),
        ("c5", CaseAction.REFUND, "2026-11-01 09:00"), ("c6", CaseAction.REFUND, "2026-12-01 09:00"),
        ("c8", CaseAction.REJECT, "2026-11-07 22:00"), ("c9", CaseAction.CLOSE, "2026-11-09 22:00"),
        ("c10", CaseAction.REFUND, "2026-11-20 12:00"), ("c10", CaseAction.COMPLETE, "2026-11-21 12:00"),
        ("c10", CaseAction.REOPEN, "2026-11-22 12:00"),
    )
    for name, action, at in steps:
        act_on_case(db, ids[name], action, at=parse_moment(at), author="测试")
    set_case_costs(db, ids["c1"], CaseCosts(postage_out_fen=800, written_off_fen=2000), author="测试")
    set_case_costs(db, ids["c2"], CaseCosts(postage_back_fen=1000), author="测试")  # the rule: buyer pays
    set_case_costs(db, ids["c4"], CaseCosts(postage_back_fen=600, penalty_fen=300), author="测试")  # shop pays
    act_on_case(db, ids["c1"], CaseAction.CLOSE, at=parse_moment("2026-11-02 00:00"), author="测试")
    act_on_case(db, ids["c4"], CaseAction.CLOSE, at=parse_moment("2026-11-12 10:00"), author="测试")
    with db.transaction() as s:
        shop = Shop(platform="taobao", name="小林家居")
        s.add(shop)
        s.flush()
        c1 = s.get_one(Case, ids["c1"])
        s.get_one(Order, c1.order_id).shop_id = shop.id
        c3 = s.get_one(Case, ids["c3"])
        order3 = s.get_one(Order, c3.order_id)
        order3.carrier = "中通快递"
        order3.imported_at = parse_moment("2026-11-29").at
        order3.paid_at = parse_moment("2026-11-28 10:00").at
        order3.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
        # An order without a case, paid in November on the same courier and product.
        other = Order(order_key="taobao:4100000000000000099", platform="tmall", order_no="4100000000000000099",
                      carrier="中通快递", paid_at=parse_moment("2026-11-20 09:00").at,
                      imported_at=parse_moment("2026-11-21").at, search_text="")
        other.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=3))
        s.add(other)
        ids["shop"] = shop.id
    ids["claim"] = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=ids["c3"], claimed_fen=10000,
                                           at=parse_moment("2026-12-01 09:00")), author="测试").claim_id
    act_on_claim(db, ids["claim"], ClaimAction.SUBMIT_STATEMENT, at=parse_moment("2026-12-01 10:00"), author="测试")
    act_on_claim(db, ids["claim"], ClaimAction.PAY_PARTIALLY, amount_fen=3000, channel=PayoutChannel.BANK,
                 at=parse_moment("2026-12-03 10:00"), author="测试")
    act_on_claim(db, ids["claim"], ClaimAction.PAY_PARTIALLY, amount_fen=2000,
                 channel=PayoutChannel.FREIGHT_DEDUCTION, at=parse_moment("2026-12-05 10:00"), author="测试")
    _deadlines(db, ids)
    return ids


def _deadlines(db: Database, ids: dict[str, int]) -> None:
    """Platform timers by hand: #1 met, #2 missed, #3 open and overdue, #4 open and not yet due, #5 missed
    (outside the period)."""
    moment = now()
    with db.transaction() as s:
        s.execute(delete(Deadline).where(Deadline.claim_id.is_(None)))
        timers = (
            ("c1", "met", moment - timedelta(days=30)), ("c2", "missed", moment - timedelta(days=20)),
            ("c3", "open", moment - timedelta(hours=1)), ("c4", "open", moment + timedelta(days=2)),
            ("c5", "missed", moment - timedelta(days=40)),
        )
        for name, status, due in timers:
            s.add(Deadline(case_id=ids[name], timer_id="test_timer", name="测试时限", starts_at=due - timedelta(days=2),
                           due_at=due, action="auto_refund", status=status,
                           met_at=due if status == "met" else None))
        s.flush()
        # Written by hand, not by the deadline engine: the case rows' copies are refreshed as the
        # migration fills them.
        recompute_case_facts(s)


# --- a second ledger: what an outside tester tries first (session 21) ---------------------------------------
#
# Cases (requested at, China time):
#   #e1 pdd     partial_refund damaged       2026-11-15 10:00  补偿 10.00 paid 11-15 12:00; closed, reopened,
#                                                               changed to 仅退款, 退款 233.00 paid 11-18 12:00
#                                                               (the buyer got 10.00 + 233.00 = 243.00)
#   #e2 jd      reship        missing_item   2026-11-05 10:00  order of 3 lines: cup SKU-7AV3TG ×1, cat litter
#                                                               SKU-AQ9GWN ×3, socks SKU-2WXXTJ ×1; reships cup ×1
#                                                               and litter ×1; postage out 12.00; written off at
#                                                               the cost table's prices of what it sends:
#                                                               30.00 + 20.50 = 50.50 (the sheet wrote the codes
#                                                               sku-aq9gwn and ＳＫＵ－２ＷＸＸＴＪ)
#   #e3 tmall   refund_only   not_received   2026-11-11 23:30  refund 20.00 asked, not paid; its order came in a
#                                                               淘宝 export of the shop 小林家居 (a taobao shop)
#
# 退款 233.00; 补偿买家 10.00; 运费 12.00; 货损 50.50; net loss 233.00 + 10.00 + 12.00 + 50.50 = 305.50;
# 待退款 20.00. --platform tmall --shop 小林家居: #e3 alone (0.00 net loss, 20.00 待退款).

EDGE_MONEY = {
    "refunded": "233.00", "compensated": "10.00", "postage": "12.00", "written_off": "50.50", "penalties": "0.00",
    "claimed": "0.00", "received": "0.00", "outstanding": "0.00", "net_loss": "305.50", "pending_refund": "20.00",
}
EDGE_COST_SHEET = (("商家编码", "商品名称", "成本价"), ("SKU-7AV3TG", "保温杯", 30), ("sku-aq9gwn", "猫砂", 20.5),
                   ("ＳＫＵ－２ＷＸＸＴＪ", "袜子", "10.00"))
EDGE_JD_ORDER = "342696464696"


def build_edges(db: Database, cost_sheet: Path) -> dict[str, int]:
    """Build the second ledger (`cost_sheet`: where the cost table's xlsx is written); the ids by name."""
    ids: dict[str, int] = {}
    with db.transaction() as s:
        shop = Shop(platform="taobao", name="小林家居")
        jd = Order(order_key=f"jd:{EDGE_JD_ORDER}", platform="jd", order_no=EDGE_JD_ORDER, search_text="",
                   paid_at=parse_moment("2026-11-01 22:01").at, imported_at=parse_moment("2026-11-02").at)
        for n, (code, title, quantity) in enumerate((("SKU-7AV3TG", "儿童保温杯", 1), ("SKU-AQ9GWN", "宠物猫砂", 3),
                                                     ("SKU-2WXXTJ", "纯棉袜子", 1))):
            jd.items.append(OrderItem(position=n, title=title, sku_code=code, quantity=quantity))
        taobao = Order(order_key="taobao:4100000000000000301", platform="taobao", order_no="4100000000000000301",
                       search_text="", paid_at=parse_moment("2026-11-10 09:00").at,
                       imported_at=parse_moment("2026-11-10").at)
        s.add_all([shop, jd, taobao])
        s.flush()
        taobao.shop_id = shop.id
        ids["shop"] = shop.id
    ids["e1"] = _case(db, Platform.PDD, "261115-000000000001", CaseKind.PARTIAL_REFUND, CaseReason.DAMAGED,
                      "2026-11-15 10:00", compensation=1000)
    for action, at in ((CaseAction.COMPENSATE, "2026-11-15 12:00"), (CaseAction.CLOSE, "2026-11-16 10:00"),
                       (CaseAction.REOPEN, "2026-11-18 10:00")):
        act_on_case(db, ids["e1"], action, at=parse_moment(at), author="测试")
    change_case_kind(db, ids["e1"], CaseKind.REFUND_ONLY, at=parse_moment("2026-11-18 10:01"), author="测试")
    act_on_case(db, ids["e1"], CaseAction.REFUND, at=parse_moment("2026-11-18 12:00"), paid_fen=23300, author="测试")
    ids["e2"] = _case(db, Platform.JD, EDGE_JD_ORDER, CaseKind.RESHIP, CaseReason.MISSING_ITEM, "2026-11-05 10:00")
    reships.agree(db, ids["e2"], at=parse_moment("2026-11-05 11:00"), author="测试")
    reships.update_items(db, ids["e2"], [ReshipItemRow("儿童保温杯", None, 1), ReshipItemRow("宠物猫砂", None, 1)],
                         author="测试")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in EDGE_COST_SHEET:
        sheet.append(list(row))
    book.save(cost_sheet)
    import_product_costs(db, cost_sheet)
    written_off = case_goods_cost(db, ids["e2"])
    assert written_off.missing == ()
    set_case_costs(db, ids["e2"], CaseCosts(postage_out_fen=1200, written_off_fen=written_off.cost_fen), author="测试")
    ids["e3"] = _case(db, Platform.TMALL, "4100000000000000301", CaseKind.REFUND_ONLY, CaseReason.NOT_RECEIVED,
                      "2026-11-11 23:30", refund=2000)
    return ids

"""Two claims on one order asking more than the buyer paid for it: said when the second is recorded."""

from __future__ import annotations

import pytest

from desktop_app.cli import run
from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.database import Database
from desktop_app.store.models import Order, OrderItem, utcnow

ORDER = "261120-000000000001"


def a_case(db: Database) -> int:
    """A case on an imported order: two mugs at 30 元 and a bowl at 60 元, 106 元 paid with 6 元 postage."""
    with db.transaction() as s:
        order = Order(order_key=f"pdd:{ORDER}", platform="pdd", order_no=ORDER, receiver="梁军桐", carrier="中通快递",
                      tracking_no="ZT7788", paid_fen=10600, postage_fen=600, imported_at=utcnow(), search_text=ORDER)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", spec="白色", quantity=2, unit_price_fen=3000))
        order.items.append(OrderItem(position=1, title="汤碗", spec="大号", quantity=1, unit_price_fen=6000))
        s.add(order)
    return open_case(db, NewCase(platform=Platform.PDD, order_no=ORDER, kind=CaseKind.RESHIP, reason=CaseReason.LOST,
                                 refund_fen=10000), author="测试").case_id


def test_a_second_claim_past_the_orders_value_is_said(db: Database) -> None:
    case_id = a_case(db)  # the goods cost the buyer 100 元 (106 paid less 6 postage)
    first = open_claim(db, NewClaim(ClaimIncident.LOST, case_id=case_id), author="测试")
    assert first.warning is None
    within = open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=case_id, claimed_fen=0, again=True),
                        author="测试")
    assert within.warning is None  # 100 + 0: nothing more asked
    second = open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=case_id, claimed_fen=2000, again=True),
                        author="测试")
    assert second.warning == (f"订单 {ORDER} 的理赔合计申请 120.00 元，超过买家为整单商品实付的 100.00 元"
                              f"（另有理赔 #{first.claim_id} 100.00 元）："
                              "请核对是否重复登记，多出的部分需有保价或运费等依据")


def test_a_claim_closed_with_nothing_asks_nothing(db: Database) -> None:
    case_id = a_case(db)
    first = open_claim(db, NewClaim(ClaimIncident.LOST, case_id=case_id), author="测试").claim_id
    act_on_claim(db, first, ClaimAction.CLOSE, author="测试")  # the courier found the parcel: dropped
    again = open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=case_id, again=True),
                       author="测试")
    assert again.warning is None


def test_cli_claim_add_says_it_on_stderr(db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = a_case(db)
    base = ["--db", ledger_target]
    assert run(["claim", "add", "--case", str(case_id), "--incident", "lost", *base]) == 0
    assert capsys.readouterr().err == ""
    assert run(["claim", "add", "--case", str(case_id), "--incident", "damaged", "--again", *base]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().isdigit()
    assert captured.err.startswith(f"提示：订单 {ORDER} 的理赔合计申请 200.00 元") and "Traceback" not in captured.err

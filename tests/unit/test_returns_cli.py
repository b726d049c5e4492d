"""The returns desk headless: the buyer's return parcel, `returns find | receive | transit | unmatched | match`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import CHINA, now, parse_moment
from desktop_app.store.database import open_database
from desktop_app.store.models import Order, OrderItem
from desktop_app.store.search import build_search_text


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seed_order(db_path: str) -> None:
    db = open_database(db_path)
    with db.transaction() as s:
        order = Order(order_key="taobao:4145384019161461003", platform="taobao", order_no="4145384019161461003",
                      receiver="秦文红", phone="19328792174", imported_at=parse_moment("2026-11-20").at,
                      search_text=build_search_text(["4145384019161461003", "秦文红"]))
        order.items.append(OrderItem(title="宠物猫砂 豆腐砂 6L", spec="原味", quantity=4, paid_fen=7900))
        order.items.append(OrderItem(title="猫砂铲", spec=None, quantity=1, paid_fen=0))
        s.add(order)
    db.close()


def return_case(capsys: pytest.CaptureFixture[str], db: str, order: str = "4145384019161461003",
                reason: str = "no_reason_7d") -> int:
    code, out, _ = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", order,
                       "--kind", "return_refund", "--reason", reason, "--amount", "79",
                       "--requested-at", "2026-11-21 09:00", "--agreed-at", "2026-11-21 10:00", "--json")
    assert code == 0
    return int(json.loads(out)["id"])


def test_buyer_shipped_return_records_the_parcel_and_find_shows_what_should_be_inside(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    seed_order(ledger_target)
    db = ledger_target
    case_id = return_case(capsys, db)
    code, out, _ = cli(capsys, "case", "act", str(case_id), "buyer_shipped_return", "--carrier", "中通快递",
                       "--tracking", " 7512 3456 7890 12 ", "--at", "2026-11-22 15:00", "--db", db)
    assert code == 0 and out.strip() == f"#{case_id} 买家已寄回 → 等待买家退货"
    code, out, _ = cli(capsys, "returns", "find", "75123456789012", "--db", db, "--json")
    data = json.loads(out)
    assert code == 0 and data["case"] == case_id and data["order"] == "4145384019161461003"
    assert data["status"] == "awaiting_return" and data["kind"] == "return_refund" and data["platform"] == "taobao"
    assert (data["return_carrier"], data["return_tracking"]) == ("中通快递", "75123456789012")
    assert data["return_shipped_at"] == "2026-11-22T15:00:00+08:00"
    assert [(i["title"], i["quantity"]) for i in data["items"]] == [("宠物猫砂 豆腐砂 6L", 4), ("猫砂铲", 1)]
    code, out, _ = cli(capsys, "returns", "find", "75123456789012", "--db", db)
    assert code == 0 and "秦文红" in out and "宠物猫砂 豆腐砂 6L 原味 ×4" in out
    code, out, err = cli(capsys, "returns", "find", "75123456789099", "--db", db, "--json")
    assert code == 1 and out == "" and "没有售后单登记了退货运单号 75123456789099" in err
    code, _, err = cli(capsys, "returns", "find", "1.23E+13", "--db", db)
    assert code == 1 and "Excel" in err


def test_the_parcel_options_need_the_right_action_and_a_clean_number(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    case_id = return_case(capsys, db)
    code, out, err = cli(capsys, "case", "act", str(case_id), "refund", "--tracking", "75123456789012", "--db", db)
    assert code == 2 and out == "" and "buyer_shipped_return" in err
    code, _, err = cli(capsys, "case", "act", str(case_id), "buyer_shipped_return", "--tracking", "7.5E+13",
                       "--db", db)
    assert code == 2 and "Excel" in err
    code, out, _ = cli(capsys, "case", "show", str(case_id), "--db", db, "--json")
    assert [e["action"] for e in json.loads(out)["events"]][-1] == "agree_return"  # nothing half-recorded


def test_receive_records_receipt_inspection_and_suggests_the_next_step(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    seed_order(ledger_target)
    db = ledger_target
    case_id = return_case(capsys, db)
    cli(capsys, "case", "act", str(case_id), "buyer_shipped_return", "--tracking", "SF1400123456789", "--db", db)
    code, out, _ = cli(capsys, "returns", "receive", "sf1400123456789", "--result", "good", "--note", "吊牌完好",
                       "--db", db, "--json")
    data = json.loads(out)
    assert code == 0 and data["matched"] and data["case"] == case_id and data["status"] == "return_received"
    (only,) = data["cases"]
    assert only["before"] == "awaiting_return" and only["received"] is True
    assert only["suggestion"]["action"] == "refund"
    code, out, _ = cli(capsys, "case", "show", str(case_id), "--db", db, "--json")
    events = json.loads(out)["events"]
    assert events[-2]["action"] == "receive_return"
    assert events[-1]["note"] == "退货验货：良品（运单 SF1400123456789）；吊牌完好"
    # Scanned again: the inspection is recorded, the state no longer changes, refund is still the way on.
    code, out, _ = cli(capsys, "returns", "receive", "SF1400123456789", "--result", "次品", "--db", db)
    assert code == 0 and "状态不变（已收到退货）" in out and "部分退款" in out
    code, out, _ = cli(capsys, "returns", "find", "SF1400123456789", "--db", db, "--json")
    assert [x["result"] for x in json.loads(out)["inspections"]] == ["good", "defective"]
    code, _, err = cli(capsys, "returns", "receive", "SF1400123456789", "--result", "broken", "--db", db)
    assert code == 2 and "验货结果" in err and "良品" in err


def test_one_parcel_for_two_cases_is_received_on_both(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    first, second = return_case(capsys, db, "100"), return_case(capsys, db, "100", reason="quality")
    code, _, _ = cli(capsys, "case", "act", f"{first},{second}", "buyer_shipped_return", "--tracking",
                     "YT7500000000001", "--db", db)
    assert code == 0
    code, out, _ = cli(capsys, "returns", "find", "YT7500000000001", "--db", db, "--json")
    data = json.loads(out)
    assert {data["case"], *data["same_parcel"]} == {first, second}
    code, out, _ = cli(capsys, "returns", "receive", "YT7500000000001", "--result", "defective", "--db", db,
                       "--json")
    cases = {c["case"]: c for c in json.loads(out)["cases"]}
    assert all(c["status"] == "return_received" for c in cases.values())
    # 次品 is expected when the buyer returned for a quality fault, not for a 7-day no-reason return.
    assert cases[second]["suggestion"]["action"] == "refund"
    assert cases[first]["suggestion"]["action"] is None and "部分退款" in cases[first]["suggestion"]["text"]


def test_a_parcel_without_a_case_is_kept_as_unmatched_and_matched_later(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    code, out, err = cli(capsys, "returns", "receive", "JT0001234567890", "--result", "wrong_item", "--note",
                         "里面是别家的杯子", "--at", "2026-11-25 11:00", "--db", db, "--json")
    data = json.loads(out)
    assert code == 1 and data["matched"] is False and data["carrier_guess"] == "极兔速递"
    assert "无主件 #1" in err and "returns match" in err
    code, _, err = cli(capsys, "returns", "receive", "JT0001234567890", "--result", "wrong_item", "--db", db)
    assert code == 1 and "此前已登记过" in err
    code, out, _ = cli(capsys, "returns", "unmatched", "--db", db, "--json")
    (parcel,) = json.loads(out)
    assert (parcel["id"], parcel["tracking"], parcel["result"]) == (1, "JT0001234567890", "wrong_item")
    assert parcel["received_at"] == "2026-11-25T11:00:00+08:00" and parcel["note"] == "里面是别家的杯子"
    code, _, err = cli(capsys, "returns", "find", "JT0001234567890", "--db", db)
    assert code == 1 and "无主件 #1" in err
    # The buyer's tracking number turns up: the shop is told the parcel is already here.
    case_id = return_case(capsys, db)
    code, _, err = cli(capsys, "case", "act", str(case_id), "buyer_shipped_return", "--tracking", "JT0001234567890",
                       "--db", db)
    assert code == 0 and "无主件 #1" in err
    code, out, _ = cli(capsys, "returns", "match", "1", str(case_id), "--db", db, "--json")
    assert code == 0 and json.loads(out)["status"] == "return_received"
    code, out, _ = cli(capsys, "returns", "unmatched", "--db", db, "--json")
    assert json.loads(out) == []
    code, out, _ = cli(capsys, "returns", "find", "JT0001234567890", "--db", db, "--json")
    assert json.loads(out)["inspections"][0]["at"] == "2026-11-25T11:00:00+08:00"
    code, _, err = cli(capsys, "returns", "match", "1", str(case_id), "--db", db)
    assert code == 2 and "已关联到售后单" in err


def test_transit_lists_returns_on_the_way_longer_than_n_days(capsys: pytest.CaptureFixture[str],
                                                             ledger_target: str) -> None:
    db = ledger_target
    old, new = return_case(capsys, db, "1"), return_case(capsys, db, "2")
    cli(capsys, "case", "act", str(old), "buyer_shipped_return", "--tracking", "75000000000001", "--at",
        "2026-11-22 10:00", "--db", db)
    cli(capsys, "case", "act", str(new), "buyer_shipped_return", "--tracking", "75000000000002", "--db", db)
    code, out, _ = cli(capsys, "returns", "transit", "--days", "5", "--db", db, "--json")
    assert code == 0 and [r["case"] for r in json.loads(out)] == [old]
    code, out, _ = cli(capsys, "returns", "transit", "--days", "0", "--db", db, "--json")
    assert [r["case"] for r in json.loads(out)] == [old, new]
    code, _, err = cli(capsys, "returns", "transit", "--days", "-1", "--db", db)
    assert code == 2 and "负数" in err


def test_transit_says_when_the_platform_already_refunded(capsys: pytest.CaptureFixture[str],
                                                         ledger_target: str) -> None:
    """淘宝 refunds by itself when the shop has not confirmed a return 10 days after the buyer shipped it:
    that deadline is no longer shown as one ahead (it was the case's stored earliest open deadline)."""
    db = ledger_target
    at = now().astimezone(CHINA)

    def day(days_ago: int) -> str:
        return (at - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")

    ids = []
    for order, shipped in (("1", 15), ("2", 2)):
        code, out, _ = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", order,
                           "--kind", "return_refund", "--reason", "no_reason_7d", "--amount", "79",
                           "--requested-at", day(20), "--agreed-at", day(19), "--json")
        ids.append(int(json.loads(out)["id"]))
        assert cli(capsys, "case", "act", str(ids[-1]), "buyer_shipped_return", "--tracking", f"7500000000000{order}",
                   "--at", day(shipped), "--db", db)[0] == 0
    code, out, _ = cli(capsys, "returns", "transit", "--days", "1", "--db", db, "--json")
    old, new = json.loads(out)
    assert (old["case"], new["case"]) == tuple(ids)
    assert (old["next_due"], old["next_due_at"]) == (None, None)
    assert old["platform_acted"] == "确认收到退货（买家寄回后10天）"
    assert new["next_due"] == "确认收到退货（买家寄回后10天）" and new["platform_acted"] is None
    code, out, _ = cli(capsys, "returns", "transit", "--days", "1", "--db", db)
    assert code == 0 and "平台已超时自动处理：确认收到退货（买家寄回后10天）" in out.splitlines()[0]


def test_a_buyers_shipping_typed_after_the_seven_days_says_the_platform_had_closed_the_refund(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    """seeds/001_7891156e224716f9.txt: "(一)退货协议达成用户需要在7天内退货,逾期未退货,退款会被关闭;(二)点击【提交退货
    信息】后,卖家会有10天的时间来进行确认". Agreed 11-01 12:00, the buyer's shipping typed days later without --at:
    the 10 days ran silently from the late record (to 11-30 10:00 for a record on 11-20 10:00, later than the
    platform's if the buyer shipped in time) beside 'the platform closed the refund at 11-08 12:00'. Said now on
    stderr, with the way to record the real time; a shipping in time says nothing."""
    db = ledger_target
    for order in ("4145384019161461091", "4145384019161461092"):
        assert cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", order, "--kind",
                   "return_refund", "--reason", "quality", "--requested-at", "2026-11-01 10:00",
                   "--agreed-at", "2026-11-01 12:00")[0] == 0
    code, _out, err = cli(capsys, "case", "act", "1", "buyer_shipped_return", "--tracking", "75000000000091",
                          "--at", "2026-11-20 10:00", "--db", db)
    assert code == 0
    assert ("#1 提醒：“买家寄回退货（同意后7天）”已于 2026-11-08 12:00 到期，"
            "平台当时已自动处理（自动关闭退款（买家未寄回））。若这一步其实在那之前就发生了，"
            "请撤销它（编辑 → 撤销，或 case undo 1）后按实际时间记录") in err
    code, _out, err = cli(capsys, "case", "act", "2", "buyer_shipped_return", "--tracking", "75000000000092",
                          "--at", "2026-11-08 12:00", "--db", db)  # the last second of the 7 days: in time
    assert code == 0 and "提醒" not in err
    # The real time recorded after the undo: the 10 days run from it (11-05 10:00 → 11-15 10:00).
    assert cli(capsys, "case", "undo", "1", "--db", db)[0] == 0
    code, _out, err = cli(capsys, "case", "act", "1", "buyer_shipped_return", "--tracking", "75000000000091",
                          "--at", "2026-11-05 10:00", "--db", db)
    assert code == 0 and "提醒" not in err
    code, out, _ = cli(capsys, "deadlines", "--case", "1", "--all", "--json", "--db", db)
    timers = {d["timer"]: d for d in json.loads(out)}
    assert timers["seller_confirm_return"]["due_at"] == "2026-11-15T10:00:00+08:00"


def test_steps_on_several_cases_say_which_came_after_the_platform_acted(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    """seeds/004_e1a46d0aca1946af.txt: "用戶申請補寄后,商家需在48小時內進行處理,若商家未進行處理,系統超時自動同意".
    Two 抖店 reship requests, 11-28 10:00 and 11-29 12:00, agreed together at 11-30 11:00: the first had been
    agreed by the platform at 11-30 10:00 (its 48 h to ship run from then), the second is in time."""
    db = ledger_target
    for order, asked in (("6923456789012345620", "2026-11-28 10:00"), ("6923456789012345621", "2026-11-29 12:00")):
        assert cli(capsys, "case", "add", "--db", db, "--platform", "douyin", "--order", order, "--kind", "reship",
                   "--reason", "missing_item", "--requested-at", asked)[0] == 0
    code, _out, err = cli(capsys, "case", "act", "1,2", "agree_reship", "--at", "2026-11-30 11:00", "--db", db)
    assert code == 0
    assert "#1 提醒：“处理补寄申请（48小时）”已于 2026-11-30 10:00 到期，平台当时已自动处理（自动同意补寄）" in err
    assert "#2 提醒" not in err

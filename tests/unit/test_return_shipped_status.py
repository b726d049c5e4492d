"""The buyer shipped the return: the case still waits for it (等待买家退货, as issue 12 reads the platforms'
lists: receipt is the shop's step), with the parcel recorded and the 10 days to confirm counted from the shipping."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import case_deadlines


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def shown(capsys: pytest.CaptureFixture[str], db: str, case_id: int) -> dict[str, object]:
    code, out, err = cli(capsys, "case", "show", str(case_id), "--db", db, "--json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_a_shipped_return_keeps_waiting_in_list_filter_show_and_undo(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    code, out, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "4145384019161461003",
                         "--kind", "return_refund", "--reason", "quality", "--amount", "79",
                         "--requested-at", "2026-11-21 09:00", "--agreed-at", "2026-11-21 10:00", "--json")
    assert code == 0, err
    waiting = int(json.loads(out)["id"])
    # Typed with the time the buyer shipped: the step, not only its time.
    code, out, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "4145384019161461004",
                         "--kind", "return_refund", "--requested-at", "2026-11-21 09:00",
                         "--agreed-at", "2026-11-21 10:00", "--return-shipped-at", "2026-11-22 15:00", "--json")
    assert code == 0, err
    typed = int(json.loads(out)["id"])
    code, out, err = cli(capsys, "case", "act", str(waiting), "buyer_shipped_return", "--carrier", "中通快递",
                         "--tracking", "75123456789012", "--at", "2026-11-22 16:00", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "awaiting_return"

    for case_id in (waiting, typed):
        data = shown(capsys, db, case_id)
        assert (data["status"], data["status_label"]) == ("awaiting_return", "等待买家退货")
        assert [e["action"] for e in data["events"]][-1] == "buyer_shipped_return"  # type: ignore[index]
    code, out, _ = cli(capsys, "case", "list", "--status", "awaiting_return", "--db", db, "--json")
    assert code == 0 and sorted(r["id"] for r in json.loads(out)) == sorted([waiting, typed])

    # Taken back: waiting again, and the parcel the step recorded is no longer the case's.
    code, out, err = cli(capsys, "case", "undo", str(waiting), "--db", db)
    assert code == 0 and out.strip() == f"#{waiting} 已撤销“买家已寄回” → 等待买家退货", err
    data = shown(capsys, db, waiting)
    assert data["status"] == "awaiting_return" and data["return_tracking"] is None
    code, out, _ = cli(capsys, "returns", "find", "75123456789012", "--db", db)
    assert code == 1

    # Recorded again, a corrected number, then the desk receives it.
    cli(capsys, "case", "act", str(waiting), "buyer_shipped_return", "--tracking", "75123456789012", "--db", db)
    code, out, _ = cli(capsys, "case", "act", str(waiting), "buyer_shipped_return", "--tracking", "SF1400123456789",
                       "--db", db)
    assert code == 0 and out.strip() == f"#{waiting} 买家已寄回 → 等待买家退货"
    code, out, err = cli(capsys, "returns", "receive", "SF1400123456789", "--result", "good", "--db", db, "--json")
    assert code == 0, err
    (only,) = json.loads(out)["cases"]
    assert (only["before"], only["status"]) == ("awaiting_return", "return_received")


def test_a_parcel_that_arrives_after_the_refund_or_the_end_is_not_told_to_refund(
        capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    """Refunded while the parcel travelled (退货途中退款), the desk's 良品 said 在平台后台同意退款…记为已退款
    (a second refund) and 次品 said 拒绝退款; on a closed case the same. Now: complete it, or settle the
    difference with the buyer, or reopen first."""
    db = ledger_target
    ids = []
    for order, tracking in (("4145384019161461003", "75123456789012"), ("4145384019161461004", "75123456789013")):
        code, out, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", order,
                             "--kind", "return_refund", "--reason", "no_reason_7d", "--amount", "79",
                             "--agreed-at", "2026-11-21 10:00", "--json")
        assert code == 0, err
        ids.append(int(json.loads(out)["id"]))
        cli(capsys, "case", "act", str(ids[-1]), "buyer_shipped_return", "--tracking", tracking, "--db", db)
    refunded, closed = ids
    assert cli(capsys, "case", "act", str(refunded), "refund_in_transit", "--db", db)[0] == 0
    assert cli(capsys, "case", "act", str(closed), "close", "--db", db)[0] == 0

    def received(tracking: str, result: str) -> dict[str, object]:
        code, out, err = cli(capsys, "returns", "receive", tracking, "--result", result, "--db", db, "--json")
        assert code == 0, err
        (only,) = json.loads(out)["cases"]
        assert only["received"] is False
        suggestion: dict[str, object] = only["suggestion"]
        return suggestion

    good = received("75123456789012", "good")
    assert good["action"] == "complete" and "可以结束" in str(good["text"]) and "同意退款" not in str(good["text"])
    defective = received("75123456789012", "defective")
    assert defective["action"] is None and "拒绝退款" not in str(defective["text"])
    assert "协商补偿差价" in str(defective["text"])
    ended = received("75123456789013", "good")
    assert ended["action"] is None and str(ended["text"]).startswith("这张售后单已结束（已关闭）")


def test_correcting_the_parcel_number_keeps_the_platforms_ten_days(db: Database) -> None:
    """买家已寄回 again (the buyer gave a wrong number first) recorded a second 买家寄回 and the 10 days to
    confirm the return ran from the correction: 2026-12-12 where the platform refunds on 12-10."""
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-11-29 10:00")),)
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RETURN_REFUND,
                                    requested=parse_moment("2026-11-29 09:00"), actions=agreed), author="店主").case_id
    buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", "75123456789012"),
                         at=parse_moment("2026-11-30 10:00"), author="店主")

    def confirm_by() -> list[str]:
        with db.reading() as session:
            return [d.due_at.astimezone(CHINA).strftime("%m-%d %H:%M") for d in case_deadlines(session, case_id)
                    if d.timer_id == "seller_confirm_return"]

    assert confirm_by() == ["12-10 10:00"]
    corrected = buyer_shipped_return(db, case_id, ReturnParcel.of("圆通速递", "YT1234567890123"),
                                     at=parse_moment("2026-12-02 10:00"), author="店主").value
    assert corrected.status is CaseStatus.AWAITING_RETURN
    assert confirm_by() == ["12-10 10:00"]
    with db.reading() as session:
        detail = case_detail(session, case_id)
    assert detail.return_tracking_no == "YT1234567890123"


def test_a_shipping_typed_without_the_agreement_is_refused(capsys: pytest.CaptureFixture[str],
                                                           ledger_target: str) -> None:
    """`case add --return-shipped-at` without --agreed-at left the shipping on a case 待处理, and once agreed
    the case said 等待买家退货 while 下一个时限 counted the 10 days to confirm receipt from it (and 买家已寄回
    then recorded a second shipping). Refused, saying to give the agreement too; nothing is written."""
    db = ledger_target
    open_database(db).close()  # an empty ledger, there to be listed (one that is not there is refused)
    code, out, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "4145384019161461005",
                         "--kind", "return_refund", "--requested-at", "2026-11-21 09:00",
                         "--return-shipped-at", "2026-11-22 15:00")
    assert code != 0 and out == "" and "--agreed-at" in err and "Traceback" not in err
    code, out, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "4145384019161461005",
                         "--kind", "refund_only", "--return-shipped-at", "2026-11-22 15:00")
    assert code != 0 and "没有退货这一步" in err
    code, out, _ = cli(capsys, "case", "list", "--db", db, "--json")
    assert code == 0 and json.loads(out) == []

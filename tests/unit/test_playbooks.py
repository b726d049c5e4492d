"""Playbooks, reply scripts, shop policies and the suggested next action, on real case data."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import Moment, as_china, now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.playbooks import best_playbook, fill_script, parse_playbook, suggest_next
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships, returns
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.playbooks import (
    case_guide,
    check_step,
    copy_for_editing,
    load_playbooks,
    load_policies,
    set_policy,
)
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database

K, R = CaseKind, CaseReason


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_shipped_playbook_reads_and_the_most_specific_wins() -> None:
    library = load_playbooks(user=Path("/nonexistent"))
    assert not library.problems
    ids = {p.id for p in library.playbooks}
    assert {"damaged", "missing_item", "signed_not_received", "out_of_area", "bad_review", "general"} <= ids
    assert all(p.steps and p.scripts for p in library.playbooks)
    pick = {(k, r): best_playbook(library.playbooks, k, r) for k, r in [
        (K.RESHIP, R.DAMAGED), (K.PARTIAL_REFUND, R.DAMAGED), (K.RESHIP, R.MISSING_ITEM),
        (K.RETURN_REFUND, R.NO_REASON_7D), (K.REFUND_ONLY, R.NO_REASON_7D), (K.BAD_REVIEW, R.QUALITY),
        (K.REFUND_ONLY, None)]}
    assert [p.id if p else None for p in pick.values()] == [
        "damaged", "damaged", "missing_item", "no_reason_return", "general", "bad_review", "general"]
    assert "不得以返现" in "".join(s.text for s in library.get("bad_review").steps)
    assert "称重" in "".join(s.text for s in library.get("missing_item").steps)


def test_a_playbook_file_with_mistakes_names_them() -> None:
    good = {"id": "x", "title": "X", "steps": [{"id": "a", "text": "做 A"}],
            "scripts": [{"id": "s", "title": "S", "text": "{buyer}您好 {order_no}"}]}
    assert parse_playbook(good, "x.toml").steps[0].text == "做 A"
    for broken, words in [
        ({**good, "id": "X Y"}, "id"), ({**good, "title": ""}, "title"),
        ({**good, "kinds": ["补发", "ebay"]}, "售后类型"),
        ({**good, "scripts": [{"id": "s", "title": "S", "text": "{phone}"}]}, "{phone}"),
        ({**good, "steps": [{"id": "a", "text": "1"}, {"id": "a", "text": "2"}]}, "重复"),
        ({**good, "steps": "做 A"}, "steps"),
        # A ticked step stores both ids in 64 characters: the team server refused a longer one at the tick.
        ({**good, "id": "x" * 65}, "太长（最多 64 个字符）"),
        ({**good, "steps": [{"id": "a" * 65, "text": "做 A"}]}, "步骤：id“a{30}…”太长"),
    ]:
        with pytest.raises(UserError, match=words):
            parse_playbook(broken, "x.toml")
    assert fill_script("{buyer}，运单 {tracking}", {"buyer": "秦文红", "tracking": None}) == "秦文红，运单 【新运单号】"


def test_the_users_copy_replaces_the_shipped_one_and_a_broken_one_is_skipped(data_home: Path) -> None:
    path = copy_for_editing("damaged")
    assert path.parent == data_home / "playbooks" and path.read_text(encoding="utf-8").startswith('id = "damaged"')
    path.write_text(path.read_text(encoding="utf-8").replace('title = "破损"', 'title = "破损（本店）"'),
                    encoding="utf-8")
    (data_home / "playbooks" / "bad.toml").write_text("id = [", encoding="utf-8")
    library = load_playbooks()
    assert library.get("damaged").title == "破损（本店）"
    assert len(library.problems) == 1 and "bad.toml" in library.problems[0]
    assert copy_for_editing("damaged") == path  # the copy is edited again, not overwritten


def test_suggested_next_action() -> None:
    assert suggest_next(K.RESHIP, R.DAMAGED, CaseStatus.PENDING, None).action is CaseAction.AGREE_RESHIP
    assert suggest_next(K.RESHIP, R.DAMAGED, CaseStatus.RESHIP_AGREED, None).action is CaseAction.SHIP_RESHIP
    waiting = suggest_next(K.RETURN_REFUND, None, CaseStatus.AWAITING_RETURN, None)
    assert waiting.action is CaseAction.RECEIVE_RETURN and "退货入库" in waiting.text
    # Shipped without a number given: not 等买家寄回, and how to make the desk find the parcel.
    shipped = suggest_next(K.RETURN_REFUND, None, CaseStatus.AWAITING_RETURN, None, return_shipped=True)
    assert shipped.action is CaseAction.RECEIVE_RETURN and not shipped.text.startswith("等买家寄回")
    assert "没有登记退货运单号" in shipped.text and shipped.reason == "当前状态：等待买家退货"
    known = suggest_next(K.RETURN_REFUND, None, CaseStatus.AWAITING_RETURN, None, return_parcel="中通快递 7512",
                         return_shipped=True)
    assert known.text.startswith("买家已寄回（中通快递 7512）")
    assert suggest_next(K.RESHIP, None, CaseStatus.PLATFORM_INTERVENTION, None).action is None
    assert suggest_next(K.RESHIP, None, CaseStatus.CLOSED, None).action is None
    policies = load_policies()
    small = [p for p in policies if p.id == "small_refund"]
    assert suggest_next(K.REFUND_ONLY, None, CaseStatus.PENDING, 990, small).reason == "店铺策略：小额仅退款直接退"
    assert suggest_next(K.REFUND_ONLY, None, CaseStatus.PENDING, 1001, small).reason == "当前状态：待处理"
    assert suggest_next(K.REFUND_ONLY, None, CaseStatus.PENDING, None, small).reason == "当前状态：待处理"


def test_the_guide_of_a_real_case(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", K.RESHIP, R.DAMAGED, receiver="秦文红"),
                        author="小林").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, author="小林")
    reships.ship(db, case_id, "顺丰", "SF1400123456789", author="小林")
    library, policies = load_playbooks(), load_policies()
    with db.reading() as session:
        guide = case_guide(session, case_id, library, policies)
    assert guide.playbook is not None and guide.playbook.id == "damaged" and guide.checked == frozenset()
    assert guide.suggestion.action is CaseAction.COMPLETE and "快递承担" in guide.postage
    reshipped = next(s for s in guide.scripts if s.id == "reshipped")
    assert reshipped.text.startswith("秦文红您好，订单4145384019161461003")
    assert "顺丰速运运单号 SF1400123456789" in reshipped.text  # the carrier vocabulary's name
    assert check_step(db, case_id, guide.playbook, "photos", author="小林").value
    assert not check_step(db, case_id, guide.playbook, "photos", author="小林").value  # already ticked
    with db.reading() as session:
        assert case_guide(session, case_id, library).checked == {"photos"}
        assert case_events(session, case_id)[-1].note == "已完成（破损）：请买家拍外箱（带快递面单）和破损处的照片"
    assert check_step(db, case_id, guide.playbook, "photos", done=False, author="小林").value
    with db.reading() as session:
        assert case_guide(session, case_id, library).checked == frozenset()
    with pytest.raises(UserError, match="没有步骤"):
        check_step(db, case_id, guide.playbook, "nope")
    with pytest.raises(UserError, match="找不到店铺策略"):
        set_policy(db, policies, "nope", True)


def test_guide_reply_and_policies_on_the_command_line(capsys: pytest.CaptureFixture[str], db: Database,
                                                     ledger_target: str) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261111-1", K.REFUND_ONLY, refund_fen=850), author="小林").case_id
    path = ledger_target
    code, out, _ = cli(capsys, "guide", str(case_id), "--db", path, "--json")
    data = json.loads(out)
    assert code == 0 and data["playbook"] == "general" and data["suggestion"]["action"] == "refund"
    assert data["suggestion"]["reason"] == "当前状态：待处理"
    code, out, _ = cli(capsys, "policies", "--enable", "small_refund", "--db", path, "--json")
    assert code == 0 and [p["id"] for p in json.loads(out) if p["enabled"]] == ["small_refund"]
    code, out, _ = cli(capsys, "guide", str(case_id), "--db", path, "--check", "contact", "--json")
    data = json.loads(out)
    assert data["suggestion"]["reason"] == "店铺策略：小额仅退款直接退"
    assert [s["done"] for s in data["steps"]][:2] == [True, False]
    code, out, _ = cli(capsys, "reply", str(case_id), "first_contact", "--db", path)
    assert code == 0 and out.startswith("亲您好，我是本店的客服") and "261111-1" in out
    code, _, err = cli(capsys, "reply", str(case_id), "nope", "--db", path)
    assert code == 2 and "first_contact" in err
    code, out, _ = cli(capsys, "policies", "--disable", "small_refund", "--db", path)
    assert code == 0 and "[关] small_refund" in out


def test_the_deadline_a_script_promises_is_the_one_the_case_shows(db: Database) -> None:
    """抖店 agrees to a reship by itself after 48 h: the shop's answer is no longer due, the 48 h to ship
    from that agreement are. 告知处理时间 promised the answer's time, two days in the past."""
    asked = now() - timedelta(hours=72)
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6995252287830982897", K.RESHIP, R.OTHER, receiver="范敏怡",
                                    requested=Moment(asked, False)), author="小林").case_id
    with db.reading() as session:
        guide = case_guide(session, case_id, load_playbooks())
    assert guide.deadline_at == asked + timedelta(hours=96)  # 48 h to agree, then 48 h to ship
    script = next(s for s in guide.scripts if s.id == "deadline")
    assert as_china(asked + timedelta(hours=96)).strftime("%m月%d日 %H:%M") in script.text


def test_the_suggestion_knows_the_return_is_on_its_way_or_settled_by_the_platform(db: Database) -> None:
    """A return the buyer shipped is not "等买家寄回"; one 淘宝 refunded by itself after the shop's 10 days to
    confirm ran out is the platform's doing: the shop checks it and records it, it does not wait for it."""
    at = now()
    library = load_playbooks()
    ids = []
    for order, shipped_days_ago in (("4145384019161461003", 2), ("4145384019161461004", 15)):
        case_id = open_case(db, NewCase(Platform.TAOBAO, order, K.RETURN_REFUND, R.NO_REASON_7D,
                                        requested=Moment(at - timedelta(days=20), False),
                                        actions=((CaseAction.AGREE_RETURN, Moment(at - timedelta(days=19), False)),)),
                            author="小林").case_id
        returns.buyer_shipped_return(db, case_id, returns.ReturnParcel.of("中通快递", "75123456789012"),
                                     at=Moment(at - timedelta(days=shipped_days_ago), False), author="小林")
        ids.append(case_id)
    with db.reading() as session:
        on_the_way, settled = (case_guide(session, case_id, library).suggestion for case_id in ids)
    assert on_the_way.action is CaseAction.RECEIVE_RETURN
    assert on_the_way.text.startswith("买家已寄回（中通快递 75123456789012）")
    assert settled.action is None
    assert settled.text.startswith("平台已超时自动处理（确认收到退货（买家寄回后10天））：到平台后台核对结果")

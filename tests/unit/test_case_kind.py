"""Correcting the kind of a case (#13 item 8): the service keeps the amount and the reship in step, and
`case act N change_kind --kind K` keeps the contract of the other actions (one id or several, --json)."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import run
from desktop_app.core.errors import ActionNotAllowed
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import reships
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.reship_queue import reship_row, reship_rows
from desktop_app.store.case_queries import case_detail, case_events
from desktop_app.store.database import Database
from desktop_app.store.reship_queue_rows import QueueScope


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def queued(db: Database) -> list[int]:
    with db.reading() as session:
        return [r.case_id for r in reship_rows(session, QueueScope.OPEN)]


def test_an_agreed_reship_turned_partial_refund_leaves_the_queue(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345678", CaseKind.RESHIP), author="小林").case_id
    reships.agree(db, case_id, note="明天发", author="小林")
    assert queued(db) == [case_id]
    # Agreed, then the buyer settles for money: 待补发 is no state of a partial refund → 处理中.
    assert change_case_kind(db, case_id, CaseKind.PARTIAL_REFUND, note="买家要补偿", author="小林").status \
        is CaseStatus.PROCESSING
    assert queued(db) == []
    with db.reading() as session:
        assert reship_row(session, case_id).status is ReshipStatus.CANCELLED
        notes = [e.note for e in case_events(session, case_id)]
        detail = case_detail(session, case_id)
    assert "售后类型：补发 → 部分退款/补偿；买家要补偿" in notes and "售后类型已更改，补发取消" in notes
    assert detail.row.kind == "partial_refund" and detail.row.is_open
    act_on_case(db, case_id, CaseAction.COMPENSATE, author="小林")  # the new kind's way on


def test_back_to_a_reship_asks_again_and_the_amount_moves(db: Database) -> None:
    new = NewCase(Platform.PDD, "261111-1", CaseKind.RESHIP, refund_fen=1250)
    case_id = open_case(db, new, author="小林").case_id
    reships.agree(db, case_id, author="小林")
    change_case_kind(db, case_id, CaseKind.BAD_REVIEW, author="小林")
    with db.reading() as session:
        d = case_detail(session, case_id)
        assert (d.refund_fen, d.compensation_fen, d.row.amount_fen) == (None, 1250, 1250)
        assert "退款金额 12.50 元改记为补偿金额" in case_events(session, case_id)[-2].note
    change_case_kind(db, case_id, CaseKind.RESHIP, author="小林")
    assert queued(db) == [case_id]
    with db.reading() as session:
        assert reship_row(session, case_id).status is ReshipStatus.REQUESTED
        d = case_detail(session, case_id)
        assert (d.refund_fen, d.compensation_fen) == (1250, None)


def test_closed_cases_and_the_same_kind_are_refused_and_nothing_changes(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.JD, "J1", CaseKind.RETURN_REFUND), author="小林").case_id
    act_on_case(db, case_id, CaseAction.CLOSE, author="小林")
    with pytest.raises(ActionNotAllowed, match="请先重新打开"):
        change_case_kind(db, case_id, CaseKind.REFUND_ONLY)
    with db.reading() as session:
        assert case_detail(session, case_id).row.kind == "return_refund"
        assert len(case_events(session, case_id)) == 2


def test_cli_change_kind_one_and_several(capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str) -> None:
    ids = [open_case(db, NewCase(Platform.TAOBAO, f"41453840191614610{n}", CaseKind.RETURN_REFUND),
                     author="小林").case_id
           for n in range(3)]
    act_on_case(db, ids[0], CaseAction.AGREE_RETURN, author="小林")
    code, out, err = cli(capsys, "case", "act", str(ids[0]), "change_kind", "--kind", "仅退款", "--db", ledger_target,
                         "--json", "--note", "买家不退货了")
    assert code == 0 and err == ""
    assert json.loads(out) == {"id": ids[0], "action": "change_kind", "kind": "refund_only", "status": "processing"}
    code, out, _ = cli(capsys, "case", "act", str(ids[1]), "change_kind", "--kind", "exchange", "--db", ledger_target)
    assert code == 0 and out.strip() == f"#{ids[1]} 售后类型 → 换货，状态：待处理"
    # Several: the one already refund-only is refused, the others done; exit 1.
    code, out, err = cli(capsys, "case", "act", f"{ids[0]},{ids[2]},99", "change_kind", "--kind", "refund_only",
                         "--db", ledger_target, "--json")
    assert code == 1
    results = json.loads(out)
    assert [(r["id"], r["ok"]) for r in results] == [(ids[0], False), (ids[2], True), (99, False)]
    assert "已经是“仅退款”" in results[0]["error"] and results[1]["status"] == "pending"
    assert "3 张售后单中 2 张未更改售后类型" in err


@pytest.mark.parametrize(("args", "said"), [
    (("change_kind",), "需要 --kind"),
    (("change_kind", "--kind", "teleport"), "teleport"),
    (("close", "--kind", "refund_only"), "--kind 只能与 change_kind"),
    (("change_kind", "--kind", "refund_only", "--tracking", "SF1234567"), "只接受 --kind、--at 和 --note"),
])
def test_cli_change_kind_mistakes_are_told_in_chinese(capsys: pytest.CaptureFixture[str], db: Database,
                                                     ledger_target: str, args: tuple[str, ...], said: str) -> None:
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RETURN_REFUND),
                        author="小林").case_id
    code, out, err = cli(capsys, "case", "act", str(case_id), *args, "--db", ledger_target)
    assert code != 0 and out == "" and said in err and "Traceback" not in err
    with db.reading() as session:
        assert case_detail(session, case_id).row.kind == "return_refund"

"""Out of the platform's intervention (客服介入) back to where the case was: an after-sales export that
says the platform stepped out, and 恢复处理 on a return whose parcel is on its way."""

from __future__ import annotations

from pathlib import Path

from aftersales_files import TB_HEADER, tb_row, write_csv

from desktop_app.core.case_intake import DONE, StatusTarget, plan_progress
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction as A
from desktop_app.core.lifecycle import CaseStatus as S
from desktop_app.core.vocabulary import CaseKind as K
from desktop_app.core.vocabulary import Platform
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Case

NONE: frozenset[str] = frozenset()


def test_a_path_out_of_the_intervention_starts_where_resume_leads() -> None:
    """恢复处理 puts a reship escalated at 待补发 back at 待补发, not at 处理中: the platform's 已补寄 is then
    one step (补发已发出), where the plan agreed the reship again and the whole file failed."""
    reshipped = plan_progress(K.RESHIP, S.PLATFORM_INTERVENTION, NONE, StatusTarget(DONE),
                              resumes_to=S.RESHIP_AGREED)
    assert reshipped.actions == (A.RESUME, A.SHIP_RESHIP)
    shipped = StatusTarget("awaiting_return", ("return_shipped",), "return_shipped")
    assert plan_progress(K.RETURN_REFUND, S.PLATFORM_INTERVENTION, NONE, shipped,
                         resumes_to=S.AWAITING_RETURN).actions == (A.RESUME, A.BUYER_SHIPPED_RETURN)
    # Resumed at 已收到退货 where the row says only 等待买家退货: back there, never backwards.
    waiting = StatusTarget("awaiting_return", (), "return_agreed")
    assert plan_progress(K.RETURN_REFUND, S.PLATFORM_INTERVENTION, NONE, waiting,
                         resumes_to=S.RETURN_RECEIVED).actions == (A.RESUME,)
    # Escalated from 处理中 (or unknown): as before.
    assert plan_progress(K.RESHIP, S.PLATFORM_INTERVENTION, NONE, StatusTarget(DONE)).actions == (
        A.RESUME, A.AGREE_RESHIP, A.SHIP_RESHIP)


def test_an_export_after_the_intervention_moves_the_return_on(db: Database, tmp_path: Path) -> None:
    """卖家已经同意退款，等待买家退货, then 客服介入中, then 买家已经退货 with 客服介入处理完毕: the third file
    failed whole (同意退货 asked of a case 恢复处理 had put back at 等待买家退货)."""
    def export(name: str, **row: str) -> None:
        rows = [TB_HEADER, tb_row("R-1", "T-1", returns="是", requested="2026-11-20 10:00:00", **row)]
        result = import_cases(db, [write_csv(tmp_path / f"{name}.csv", rows)], platform="taobao").files[0]
        assert not result.conflicts

    export("agreed", status="卖家已经同意退款，等待买家退货")
    export("escalated", status="卖家已经同意退款，等待买家退货", intervention="客服介入中")
    with db.reading() as s:
        case = s.query(Case).one()
        assert case.status == S.PLATFORM_INTERVENTION.value
    export("shipped", status="买家已经退货，等待卖家确认收货", logistics="顺丰速运,SF1234567890123",
           intervention="客服介入处理完毕")
    with db.reading() as s:
        case = s.query(Case).one()
        assert (case.status, case.return_tracking_no) == (S.AWAITING_RETURN.value, "SF1234567890123")
        steps = [e.action for e in s.query(AuditEvent).filter(AuditEvent.action.is_not(None)).order_by(AuditEvent.id)]
    assert steps[-2:] == [A.RESUME.value, A.BUYER_SHIPPED_RETURN.value]


def test_a_shipped_return_resumed_keeps_the_ten_days_from_its_shipping(db: Database) -> None:
    """Escalated while the parcel was on its way, resumed at 等待买家退货 (as the platforms' lists read it):
    the number recorded again there corrects it, the 10 days to confirm still run from the shipping."""
    agreed = ((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461001", K.RETURN_REFUND, actions=agreed),
                        author="店主").case_id
    buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", "75123456789012"),
                         at=parse_moment("2026-11-22 10:00"), author="店主")
    act_on_case(db, case_id, A.ESCALATE, at=parse_moment("2026-11-23 10:00"), author="店主")
    assert act_on_case(db, case_id, A.RESUME, at=parse_moment("2026-11-24 10:00"),
                       author="店主").status is S.AWAITING_RETURN
    buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", "75123456789099"),
                         at=parse_moment("2026-11-25 10:00"), author="店主")
    with db.reading() as s:
        due = {d.timer_id: d.due_at for d in case_deadlines(s, case_id) if d.status == "open"}
        assert s.get(Case, case_id).return_tracking_no == "75123456789099"  # type: ignore[union-attr]
    assert parse_moment("2026-12-02 10:00").at in due.values()  # 10 days from the shipping, not moved


def test_a_return_agreed_again_waits_for_its_new_parcel(db: Database) -> None:
    """The first parcel came back and failed the inspection; reopened and agreed again, escalated while
    waiting: 恢复处理 waits for the new parcel (the old 买家寄回 is not this return's)."""
    agreed = ((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461002", K.RETURN_REFUND, actions=agreed),
                        author="店主").case_id
    buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", "75123456789013"), author="店主")
    for action in (A.RECEIVE_RETURN, A.REJECT, A.REOPEN, A.AGREE_RETURN, A.ESCALATE):
        act_on_case(db, case_id, action, author="店主")
    assert act_on_case(db, case_id, A.RESUME, author="店主").status is S.AWAITING_RETURN

"""Acting on many cases: `case act 3,5,8 ACTION`, the plan beforehand, one failure never stops the rest."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import run
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.op_changes import Area, OpChanges
from desktop_app.core.vocabulary import CaseKind, Platform, ResponsibleParty
from desktop_app.services.bulk import (
    act_on_cases,
    assign_responsible,
    common_actions,
    note_on_cases,
    parse_case_ids,
    plan,
)
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def reships(db: Database, count: int) -> list[int]:
    return [open_case(db, NewCase(Platform.PDD, f"26111{n}-1", CaseKind.RESHIP),
                      author="小林").case_id for n in range(count)]


def test_case_act_with_several_ids_reports_each_and_exits_1_if_any_failed(
        capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str) -> None:
    ids = reships(db, 3)
    act_on_case(db, ids[1], CaseAction.CLOSE, author="小林")
    code, out, err = cli(capsys, "case", "act", f"{ids[0]},{ids[1]},{ids[2]},99", "agree_reship", "--db",
                         ledger_target, "--json")
    assert code == 1
    assert json.loads(out) == [
        {"id": ids[0], "ok": True, "status": "reship_agreed"},
        {"id": ids[1], "ok": False, "error": json.loads(out)[1]["error"]},
        {"id": ids[2], "ok": True, "status": "reship_agreed"},
        {"id": 99, "ok": False, "error": "找不到售后单 #99"},
    ]
    assert "已关闭" in json.loads(out)[1]["error"] and "不能执行“同意补发”" in json.loads(out)[1]["error"]
    code, out, err = cli(capsys, "case", "act", f"{ids[0]}, {ids[2]}", "ship_reship", "--db", ledger_target)
    assert code == 0 and out.splitlines() == [f"#{ids[0]} 补发已发出 → 已补发", f"#{ids[2]} 补发已发出 → 已补发"]
    assert err == ""
    code, out, err = cli(capsys, "case", "act", f"{ids[0]},{ids[1]}", "complete", "--db", ledger_target)
    assert code == 1 and out.strip() == f"#{ids[0]} 完成 → 已完成"
    assert f"#{ids[1]} 未执行" in err and "2 张售后单中 1 张未执行" in err
    # None done: the summary does not speak of the others as done.
    code, out, err = cli(capsys, "case", "act", "98,99", "close", "--db", ledger_target)
    assert code == 1 and out == "" and err.splitlines()[-1] == "2 张售后单都未执行“关闭”"
    # A comma asks for one result per case, also when the ids name one case.
    code, out, err = cli(capsys, "case", "act", f"{ids[2]},{ids[2]}", "close", "--db", ledger_target, "--json")
    assert code == 0 and json.loads(out) == [{"id": ids[2], "ok": True, "status": "closed"}]
    code, out, err = cli(capsys, "case", "act", f"{ids[2]},", "close", "--db", ledger_target, "--json")
    assert code == 1 and [r["ok"] for r in json.loads(out)] == [False]
    assert err.splitlines()[-1] == "1 张售后单未执行“关闭”"


def test_ids_are_checked_before_anything_is_done(capsys: pytest.CaptureFixture[str], db: Database,
                                                ledger_target: str) -> None:
    ids = reships(db, 2)
    code, out, err = cli(capsys, "case", "act", f"{ids[0]},abc", "agree_reship", "--db", ledger_target)
    assert code == 2 and out == "" and "“abc”" in err
    with db.reading() as session:
        assert [e.action for e in case_events(session, ids[0])] == [None]
    assert parse_case_ids("3，5, #8,3") == [3, 5, 8]
    for bad in ("", ",", "0", "-1", "3;5"):
        with pytest.raises(UserError):
            parse_case_ids(bad)


def test_plan_and_common_actions(db: Database) -> None:
    ids = reships(db, 3)
    act_on_case(db, ids[2], CaseAction.AGREE_RESHIP, author="小林")
    with db.reading() as session:
        shared = common_actions(session, ids)
        assert CaseAction.CLOSE in shared and CaseAction.REFUND in shared
        assert CaseAction.AGREE_RESHIP not in shared and CaseAction.SHIP_RESHIP not in shared
        assert common_actions(session, [*ids, 404]) == []
        steps = plan(session, [*ids, 404], CaseAction.AGREE_RESHIP)
    assert [(s.case_id, s.after) for s in steps.possible] == [(ids[0], CaseStatus.RESHIP_AGREED),
                                                             (ids[1], CaseStatus.RESHIP_AGREED)]
    summary = steps.summary()
    assert summary.startswith("2 张售后单将执行“同意补发”：待处理 → 待补发 ×2；2 张不能执行")
    assert f"#{ids[2]}（待补发）" in summary and "#404（不存在）" in summary


def test_one_failing_case_does_not_stop_the_others_and_progress_is_reported(db: Database) -> None:
    ids = reships(db, 5)
    act_on_case(db, ids[2], CaseAction.CLOSE, author="小林")
    seen: list[int] = []
    outcome = act_on_cases(db, ids, CaseAction.AGREE_RESHIP, note="统一补发", author="小林", progress=seen.append)
    results = outcome.results
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert outcome.changes.cases and outcome.changes.reships and outcome.changes.deadlines
    assert [r.case_id for r in outcome.failed] == [ids[2]]
    assert seen == [1, 2, 3, 4, 5]
    assert results[2].status is None and results[2].error and "已关闭" in results[2].error
    with db.reading() as session:
        assert case_events(session, ids[4])[-1].note == "统一补发"
        assert case_events(session, ids[2])[-1].action == "close"  # untouched
    notes = note_on_cases(db, [ids[0], 404], "已统一联系买家", author="小林")
    assert [(r.ok, r.error) for r in notes.results] == [(True, None), (False, "找不到售后单 #404")]
    assert notes.changes == OpChanges.of(Area.CASES)
    assert not note_on_cases(db, [404], "已统一联系买家", author="小林").changes.any
    with pytest.raises(UserError):
        note_on_cases(db, ids, "  ")


def test_assign_responsible_writes_only_changes(db: Database) -> None:
    ids = reships(db, 2)
    outcome = assign_responsible(db, [*ids, 404], ResponsibleParty.SUPPLIER, author="小林")
    assert [(r.ok, r.error) for r in outcome.results] == [(True, None), (True, None), (False, "找不到售后单 #404")]
    assert outcome.changes.cases
    # unchanged: no new entry, nothing changed
    assert not assign_responsible(db, ids[:1], ResponsibleParty.SUPPLIER, author="小林").changes.any
    assign_responsible(db, ids[1:], None, author="小林")
    with db.reading() as session:
        assert [e.note for e in case_events(session, ids[0])][1:] == ["责任方：（空） → 供应商/档口"]
        assert case_events(session, ids[1])[-1].note == "责任方：供应商/档口 → （空）"

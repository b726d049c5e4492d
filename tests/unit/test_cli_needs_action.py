"""`case list --needs-action` and `export-cases --needs-action`: the open cases the shop still has a step to
take on, not those settled (已退款, 已补发 …) that wait only to be completed; as the window's 需要处理."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.cli import run
from desktop_app.core.lifecycle import IN_PROGRESS_STATUSES, OPEN_STATUSES, SETTLED_STATUSES, CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database


def seed(db: Database) -> dict[str, int]:
    """A case in each state a 双11 list holds, by name."""
    steps = {"pending": (CaseKind.REFUND_ONLY, ()), "refunded": (CaseKind.REFUND_ONLY, (CaseAction.REFUND,)),
             "agreed": (CaseKind.RESHIP, (CaseAction.AGREE_RESHIP,)),
             "reshipped": (CaseKind.RESHIP, (CaseAction.AGREE_RESHIP, CaseAction.SHIP_RESHIP)),
             "awaiting": (CaseKind.RETURN_REFUND, (CaseAction.AGREE_RETURN,)),
             "closed": (CaseKind.REFUND_ONLY, (CaseAction.CLOSE,))}
    ids = {}
    for n, (name, (kind, actions)) in enumerate(steps.items()):
        ids[name] = case_id = open_case(db, NewCase(Platform.PDD, f"261111-{n}", kind), author="小林").case_id
        for action in actions:
            act_on_case(db, case_id, action, note="买家撤销" if action is CaseAction.CLOSE else None, author="小林")
    return ids


def test_the_states_that_need_a_step_are_the_open_ones_not_settled() -> None:
    assert IN_PROGRESS_STATUSES | SETTLED_STATUSES == OPEN_STATUSES
    assert not IN_PROGRESS_STATUSES & SETTLED_STATUSES
    assert CaseStatus.REFUNDED in SETTLED_STATUSES and CaseStatus.AWAITING_RETURN in IN_PROGRESS_STATUSES


def test_case_list_needs_action(capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str) -> None:
    ids = seed(db)
    assert run(["case", "list", "--db", ledger_target, "--needs-action", "--json"]) == 0
    listed = sorted(r["id"] for r in json.loads(capsys.readouterr().out))
    assert listed == sorted([ids["pending"], ids["agreed"], ids["awaiting"]])
    assert run(["case", "list", "--db", ledger_target, "--open", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    # With a status: the settled ones are not listed even when asked for by their status.
    assert run(["case", "list", "--db", ledger_target, "--needs-action", "--status", "已退款", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    with pytest.raises(SystemExit) as exited:
        run(["case", "list", "--db", ledger_target, "--needs-action", "--open"])
    assert exited.value.code == 2 and "--open：不能与 --needs-action 同时使用" in capsys.readouterr().err


def test_export_cases_needs_action(capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str,
                                   tmp_path: Path) -> None:
    ids = seed(db)
    out = tmp_path / "需要处理.xlsx"
    assert run(["export-cases", str(out), "--db", ledger_target, "--needs-action"]) == 0
    exported = sorted(r[0] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert exported == sorted([ids["pending"], ids["agreed"], ids["awaiting"]])

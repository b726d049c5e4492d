"""An import computes its new cases' deadlines from what it holds in memory (services/case_import_deadlines);
they must be exactly what the deadline engine's recompute from the stored events gives."""

from __future__ import annotations

from pathlib import Path

from aftersales_files import copy_fixture, expected
from sqlalchemy import select

from desktop_app.services.case_import import import_cases
from desktop_app.services.deadlines import RuleContext, recompute_open_cases
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Deadline

SAMPLES = ["tb_refunds.csv", "dy_aftersales.xlsx", "pdd_aftersales.csv", "jd_service.csv"]


def stored(db: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with db.reading() as session:
        deadlines = session.execute(select(
            Deadline.case_id, Deadline.timer_id, Deadline.name, Deadline.starts_at, Deadline.due_at, Deadline.action,
            Deadline.status, Deadline.met_at, Deadline.estimated, Deadline.penalty_fen,
        ).order_by(Deadline.case_id, Deadline.timer_id)).all()
        cases = session.execute(select(Case.id, Case.next_due_at, Case.next_due_name).order_by(Case.id)).all()
    return [tuple(r) for r in deadlines], [tuple(r) for r in cases]


def test_new_cases_deadlines_equal_a_recompute_from_the_stored_timeline(tmp_path: Path, db: Database) -> None:
    for name in SAMPLES:
        [path] = copy_fixture(tmp_path, name)
        platform = expected(name)["import_with"]
        result = import_cases(db, [path], platform=platform[1] if platform else "auto")
        assert result.files[0].inserted
    deadlines, cases = stored(db)
    assert len(deadlines) > 10 and any(due is not None for _, due, _ in cases)
    with db.transaction() as session:
        recompute_open_cases(session, RuleContext.load(), include_closed=True)
    assert stored(db) == (deadlines, cases)

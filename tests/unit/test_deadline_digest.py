"""The digest of a case's platform deadlines on its row (migration 0009_engine): a recompute that computes
the same deadlines skips the case without reading its stored rows; an unknown digest (NULL) compares them
as before and writes what differs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from desktop_app.core.clock import CHINA
from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, deadline_digest
from desktop_app.services.deadlines import recompute_all, recompute_case
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Deadline, Order

_ANSWER = ComputedDeadline("reship_answer", "答复", datetime(2026, 5, 6, 2, tzinfo=UTC),
                           datetime(2026, 5, 8, 2, tzinfo=UTC), "auto_agree", DeadlineStatus.OPEN, None, False,
                           None, None, 300)
_SHIP = ComputedDeadline("reship_ship", "发货", datetime(2026, 5, 8, 2, tzinfo=UTC),
                         datetime(2026, 5, 10, 2, tzinfo=UTC), "penalty", DeadlineStatus.MET,
                         datetime(2026, 5, 9, 2, tzinfo=UTC), True)


def test_the_digest_is_the_same_in_every_process() -> None:
    # Pinned: a digest that changed between processes (string hashing) or versions would make every
    # recompute compare every case again; one that ignored a field would skip a changed case.
    assert deadline_digest([_ANSWER, _SHIP]) == 6439723285630439456
    assert deadline_digest([]) == 1063689339276425965
    code = ("from tests.unit.test_deadline_digest import _ANSWER, _SHIP; "
            "from desktop_app.core.deadlines import deadline_digest; print(deadline_digest([_ANSWER, _SHIP]))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).resolve().parents[2])
        assert out.stdout.strip() == "6439723285630439456"


def test_every_stored_field_changes_the_digest() -> None:
    base = deadline_digest([_ANSWER])
    for changed in (_ANSWER._replace(timer_id="x"), _ANSWER._replace(name="答复（平台）"),
                    _ANSWER._replace(starts_at=datetime(2026, 5, 6, 2, 0, 0, 1, tzinfo=UTC)),
                    _ANSWER._replace(due_at=datetime(2026, 5, 8, 3, tzinfo=UTC)), _ANSWER._replace(action="y"),
                    _ANSWER._replace(status=DeadlineStatus.MISSED),
                    _ANSWER._replace(met_at=datetime(2026, 5, 7, tzinfo=UTC)), _ANSWER._replace(estimated=True),
                    _ANSWER._replace(penalty_fen=None), _ANSWER._replace(penalty_fen=301)):
        assert deadline_digest([changed]) != base, changed
    assert deadline_digest([_ANSWER, _SHIP]) != deadline_digest([_SHIP, _ANSWER])
    # Not stored, so not digested: the penalty's text and the window's id.
    assert deadline_digest([_ANSWER._replace(penalty="扣分", window="w")]) == base


def _case(db: Database, number: int = 1) -> int:
    with db.transaction() as s:
        order = Order(order_key=f"douyin:DG{number}", platform="douyin", order_no=f"DG{number}")
        s.add(order)
        s.flush()
        case = Case(order_id=order.id, platform="douyin", kind="reship", reason="missing_item", status="pending")
        s.add(case)
        s.flush()
        s.add(AuditEvent(case_id=case.id, subject="case", subject_id=case.id, kind="action", milestone="requested",
                         at=datetime(2026, 5, 6, 10, tzinfo=CHINA)))
        recompute_case(s, case.id)
        return case.id


def _names(db: Database, case_id: int) -> list[str]:
    with db.reading() as s:
        return list(s.scalars(select(Deadline.name).where(Deadline.case_id == case_id).order_by(Deadline.timer_id)))


def _digest_and_next(db: Database, case_id: int) -> tuple[int | None, str | None, int]:
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.deadline_digest, case.next_due_name, case.open_timers


def test_a_case_whose_digest_matches_is_skipped_and_an_unknown_digest_compares_its_rows(db: Database) -> None:
    case_id = _case(db)
    names = _names(db, case_id)
    digest, next_name, open_timers = _digest_and_next(db, case_id)
    assert digest is not None and next_name is not None and open_timers == 1  # not the answer 抖店 gives by itself
    # A row changed behind the engine's back while the digest stayed: the recompute trusts the digest
    # (this is the contract: whoever writes these rows otherwise sets the digest to NULL).
    with db.transaction() as s:
        s.execute(update(Deadline).where(Deadline.case_id == case_id).values(name="改过"))
    assert recompute_all(db).value == 1
    assert _names(db, case_id) == ["改过", "改过"]
    # Digest unknown: the rows are compared and repaired, and the digest written again.
    with db.transaction() as s:
        s.execute(update(Case).where(Case.id == case_id).values(deadline_digest=None))
    assert recompute_all(db).value == 1
    assert _names(db, case_id) == names
    assert _digest_and_next(db, case_id) == (digest, next_name, 1)
    # Unknown digest, rows already right (a ledger just migrated): only the digest is written.
    with db.transaction() as s:
        s.execute(update(Case).where(Case.id == case_id).values(deadline_digest=None))
    assert recompute_all(db).value == 1
    assert _digest_and_next(db, case_id) == (digest, next_name, 1)


def test_a_new_event_changes_the_digest_and_the_rows(db: Database) -> None:
    case_id = _case(db)
    before = _digest_and_next(db, case_id)
    with db.transaction() as s:
        s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="action", milestone="reship_agreed",
                         at=datetime(2026, 5, 7, 9, tzinfo=CHINA)))
        recompute_case(s, case_id)
    after = _digest_and_next(db, case_id)
    assert after[0] != before[0]
    with db.reading() as s:
        statuses = dict(s.execute(select(Deadline.timer_id, Deadline.status).where(Deadline.case_id == case_id)).all())
    assert statuses["reship_answer"] == "met"


def test_only_the_cases_whose_digest_differs_have_their_rows_read_and_repaired(db: Database) -> None:
    # Two cases of five unknown: their stored rows are read by case id (fewer than half of the cases
    # read), not over the range of ids between them, which holds the other cases' rows.
    ids = [_case(db, n) for n in range(1, 6)]
    names = _names(db, ids[0])
    with db.transaction() as s:
        s.execute(update(Deadline).values(name="改过"))
        s.execute(update(Case).where(Case.id.in_([ids[1], ids[3]])).values(deadline_digest=None))
        duplicate = s.scalars(select(Deadline).where(Deadline.case_id == ids[3]).limit(1)).one()
        s.add(Deadline(case_id=ids[3], timer_id=duplicate.timer_id, name="重复", starts_at=duplicate.starts_at,
                       due_at=duplicate.due_at, action=duplicate.action, status=duplicate.status, estimated=False))
    assert recompute_all(db).value == 5
    for case_id in ids:
        assert _names(db, case_id) == (names if case_id in (ids[1], ids[3]) else ["改过", "改过"]), case_id
        assert _digest_and_next(db, case_id)[0] is not None

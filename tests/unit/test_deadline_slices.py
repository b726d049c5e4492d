"""What a recompute writes for a stored deadline row (services/deadline_slices.changed_columns): the
columns that changed and no other, so a pack edit that moves due times rewrites the due times only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus
from desktop_app.services.deadline_walk import changed_columns
from desktop_app.store.models import storage_time

START = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)
DUE = START + timedelta(hours=48)
COMPUTED = ComputedDeadline("reship_answer", "处理补寄申请（48小时）", START, DUE, "自动同意补寄", DeadlineStatus.OPEN,
                            None, False, None, None, None, True)


def _stored(d: ComputedDeadline, **changes: Any) -> tuple[Any, ...]:
    """The row as the recompute reads it from SQLite: times as stored text, booleans as 0/1."""
    values = {"name": d.name, "starts_at": d.starts_at, "due_at": d.due_at, "action": d.action,
              "status": d.status.value, "met_at": d.met_at, "estimated": d.estimated,
              "penalty_fen": d.penalty_fen, "automatic": d.automatic, **changes}
    text = {k: None if v is None else storage_time(v) for k, v in values.items() if k.endswith("_at")}
    return (7, 3, d.timer_id, values["name"], text["starts_at"], text["due_at"], values["action"], values["status"],
            text["met_at"], int(values["estimated"]), values["penalty_fen"], int(values["automatic"]))


def test_an_unchanged_row_is_not_written() -> None:
    assert changed_columns(_stored(COMPUTED), COMPUTED) is None


def test_a_moved_due_time_writes_the_due_time_alone() -> None:
    assert changed_columns(_stored(COMPUTED, due_at=DUE - timedelta(hours=36)), COMPUTED) == {"id": 7, "due_at": DUE}


def test_each_changed_column_is_named() -> None:
    met = START + timedelta(hours=2)
    done = COMPUTED._replace(status=DeadlineStatus.MET, met_at=met, automatic=False, penalty_fen=300)
    assert changed_columns(_stored(COMPUTED), done) == {"id": 7, "status": "met", "met_at": met, "penalty_fen": 300,
                                                  "automatic": False}
    assert changed_columns(_stored(done), COMPUTED) == {"id": 7, "status": "open", "met_at": None, "penalty_fen": None,
                                                  "automatic": True}
    later = done._replace(met_at=met + timedelta(minutes=1), name="x", starts_at=START + timedelta(days=1),
                          action="y", estimated=True)
    named = set(changed_columns(_stored(done), later) or {})
    assert named == {"id", "met_at", "name", "starts_at", "action", "estimated"}

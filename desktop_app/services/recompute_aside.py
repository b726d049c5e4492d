"""The start-up recompute of many cases, in a process of its own.

After an engine upgrade or a holiday-schedule change every open case is recomputed once (minutes at a
million cases). Run on the window's worker thread, that pure-Python work held Python's lock beside the
GUI thread, whose every call into Python (each painted cell of a table) then waited for it: the window
stuttered 100–300 ms at a time while the user sorted and scrolled. In a second process the window's
threads never wait for it; the worker thread only waits for the process to end (its queued writes wait
behind it as before). A few thousand cases take less time than a second process takes to start, so
they stay in this one; a team ledger on a server stays too (the connection's password is not handed on).
While the rules dialog is open a second process waits with this module imported (`keep_ready_for`), so the
recompute after a save starts at once, whatever its size.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.errors import UserError
from desktop_app.core.op_changes import Written, recording
from desktop_app.services.deadlines import cases_to_recompute, recompute_changed_rules
from desktop_app.services.second_process import (
    SecondProcessEnded,
    after_the_answer,
    keep_one_ready,
    ready_process_id,
    release_ready,
    run_in_second_process,
)
from desktop_app.store.database import Database, open_database

# From this many open cases to recompute a second process pays: it costs ~0.5–1 s to start (imports),
# the recompute ~2 s per 100,000 cases.
ASIDE_FROM = 20_000


def runs_aside(db: Database) -> bool:
    """Whether `recompute_changed_rules_aside` would use a second process now."""
    return db.path is not None and cases_to_recompute(db) >= ASIDE_FROM


def recompute_changed_rules_aside(db: Database) -> Written[int]:
    """`recompute_changed_rules` of `db`, in a second process when it has many cases to recompute, or when one is
    kept ready (a save in the rules dialog): that one takes it without the count first, which it makes again
    anyway (0.1 s of a 1.6–1.8 s save at 100,000 open cases), and a few cases cost it no more than here."""
    if not (db.path is not None and ready_process_id() is not None) and not runs_aside(db):
        return recompute_changed_rules(db)
    try:
        return run_in_second_process(recompute_file, str(db.path))
    except SecondProcessEnded as error:  # stopped with the window, or crashed: nothing was written
        raise UserError("重新计算时限的后台进程已结束，时限未更新；下次启动时会再算一次。") from error


def keep_ready_for(db: Database) -> None:
    """A rule edit of `db` is near (the rules dialog is open): keep a second process started, with this
    module imported, so that the recompute after a save starts at once (a spawned one spends 0.6–0.7 s of
    CPU importing SQLAlchemy and the app first, bench/README "Session 23"). A team ledger recomputes in its
    own transaction, never aside: nothing to keep."""
    if db.path is not None and not db.is_server:
        keep_one_ready((__name__,))


def stop_keeping_ready() -> None:
    """The rules dialog closed: the process kept ready ends."""
    release_ready()


def recompute_file(path: str) -> Written[int]:
    """In the second process: the ledger file opened as it is (the window opened and checked it). The WAL its
    commit leaves (83 MB after a save that moved 100,000 cases' timers) is copied into the file after the answer,
    which the window then has without waiting for that copy (`second_process.after_the_answer`)."""
    db = open_database(Path(path), migrate=False, check_seconds=0)
    try:
        db.defer_checkpoints()
        with recording() as seen:  # what its bulk writes note, which the window's worker would have gathered
            written = recompute_changed_rules(db)
    except BaseException:
        db.close()
        raise
    after_the_answer(lambda: _copy_into_file(db))
    return Written(written.value, written.changes | seen.changes)


def _copy_into_file(db: Database) -> None:
    try:
        db.checkpoint()
    finally:
        db.close()

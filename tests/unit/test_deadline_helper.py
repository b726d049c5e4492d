"""A large recompute shares its slices with a helper process (services/deadline_helper): it writes what
one process computing every slice writes, whoever computes which slice, and the caller computes the
slices a helper took and never handed over."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.context
import shutil
import threading
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bench.bench_deadlines import build, edited, every_pack_edited
from desktop_app.services import deadline_helper, deadline_helper_child, deadline_slices, deadlines
from desktop_app.services.deadline_helper_child import HelperJob, help_with_slices
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_all, recompute_changed_rules, refresh_next_dues
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_rows import CaseSet, case_ids, id_ranges, recompute_cache, slice_reads

CASES = 240

_DEADLINES = ("SELECT case_id, timer_id, name, starts_at, due_at, action, status, met_at, estimated, penalty_fen, "
              "automatic FROM deadlines ORDER BY case_id, timer_id")
_CASES = ("SELECT id, next_due_at, next_due_name, next_due_automatic, after_due_at, after_due_name, met_timers, "
          "missed_timers, open_timers, open_due_first, open_due_last, deadline_digest, version FROM cases ORDER BY id")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("helper") / "built.sqlite3"
    build(path, CASES)
    return path


def _copy(built: Path, tmp_path: Path, name: str) -> Database:
    shutil.copyfile(built, tmp_path / name)
    return open_database(tmp_path / name)


def _state(db: Database) -> tuple[list[Any], list[Any]]:
    with db.reading() as session:
        connection = session.connection()
        return ([tuple(r) for r in connection.execute(text(_DEADLINES))],
                [tuple(r) for r in connection.execute(text(_CASES))])


def _passes(db: Database) -> list[tuple[int, tuple[list[Any], list[Any]]]]:
    """A first fill, nothing changed, a timer of every pack edited, and back: the state after each."""
    shipped = RuleContext.load()
    edited = RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar)
    return [(recompute_all(db, context).value, _state(db)) for context in (shipped, shipped, edited, shipped)]


@pytest.fixture
def serial(built: Path, tmp_path: Path) -> list[tuple[int, tuple[list[Any], list[Any]]]]:
    db = _copy(built, tmp_path, "serial.sqlite3")
    try:
        return _passes(db)  # fewer cases than PARALLEL_FROM: one process
    finally:
        db.close()


def _shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlines, "PARALLEL_FROM", 1)
    monkeypatch.setattr(deadlines, "PARALLEL_SLICE", 17)  # 15 slices


def test_slices_shared_with_a_helper_write_what_one_process_writes(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _shared(monkeypatch)
    db = _copy(built, tmp_path, "shared.sqlite3")
    try:
        passes = _passes(db)
    finally:
        db.close()
    assert [count for count, _ in passes] == [CASES] * 4
    assert passes == serial
    assert serial[2][1] != serial[1][1]  # the edit changed rows (the helper's changes were written)


def test_slices_the_helper_computes_alone_are_written_by_the_caller(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _shared(monkeypatch)
    monkeypatch.setattr(deadline_helper, "next_slice", lambda *_a: None)  # this process takes no slice
    computed_here: list[object] = []
    # A slice computed in this process goes through one of these two (the latter: the rest, written here).
    for name in ("slice_changes", "recompute_slice"):
        here = getattr(deadline_helper, name)
        monkeypatch.setattr(deadline_helper, name, lambda *a, here=here: computed_here.append(a) or here(*a))
    db = _copy(built, tmp_path, "helped.sqlite3")
    try:
        assert _passes(db) == serial
    finally:
        db.close()
    assert computed_here == []  # every slice came from the helper


def test_the_caller_computes_everything_when_no_helper_may_start(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _shared(monkeypatch)

    def refused(_process: object) -> None:
        raise AssertionError("daemonic processes are not allowed to have children")  # as multiprocessing says

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refused)
    db = _copy(built, tmp_path, "refused.sqlite3")
    try:
        assert _passes(db) == serial
    finally:
        db.close()


def test_the_caller_computes_what_a_failed_helper_took(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadline_helper, "next_slice", lambda *_a: None)
    db = _copy(built, tmp_path, "alone.sqlite3")
    context = RuleContext.load()
    try:
        with db.transaction() as session, recompute_cache(session):
            ranges = id_ranges(case_ids(session, CaseSet()), 17)
            # The helper opens a file without the ledger's tables: it fails at its first slice.
            count = deadline_helper.recompute_beside(session, tmp_path / "elsewhere.sqlite3",
                                                     deadline_helper.start_helper(context), CaseSet(), ranges, context)
            refresh_next_dues(session)  # as recompute_all does after its slices
        assert count == CASES
        assert _state(db) == serial[0][1]
        assert not (tmp_path / "elsewhere.sqlite3").exists()  # no empty ledger made where there was none
    finally:
        db.close()


def test_a_pack_edit_shares_only_the_cases_of_its_plans(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """After every pack was edited, the caller and the helper compute only the cases whose plan holds an
    edited timer, and the ledger ends as the full recompute left it."""
    _shared(monkeypatch)
    shipped = RuleContext.load()
    db = _copy(built, tmp_path, "plans.sqlite3")
    try:
        recompute_all(db, shipped)
        count = recompute_changed_rules(db, RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar)).value
        assert 0 < count < CASES
        assert _state(db) == serial[2][1]
    finally:
        db.close()


def test_a_pack_edit_of_few_cases_stays_in_one_process(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper is for many cases to compute, not for many read: one 抖店 timer of reships, on a platform
    with more open cases than `PARALLEL_FROM`."""
    shipped = RuleContext.load()
    db = _copy(built, tmp_path, "few.sqlite3")
    try:
        recompute_all(db, shipped)
        monkeypatch.setattr(deadlines, "PARALLEL_FROM", 30)  # 40 open 抖店 cases, a few reships the timer applies to
        started: list[object] = []
        monkeypatch.setattr(deadlines, "recompute_beside", lambda *a: started.append(a) or 0)
        one = RuleContext(edited(dict(shipped.packs), "douyin", "reship_ship", 72), shipped.calendar)
        count = recompute_changed_rules(db, one).value
        assert 0 < count < 30 and started == []
    finally:
        db.close()


def test_the_helper_starts_before_the_cases_to_compute_are_read(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack edit knows how many cases it recomputes before it reads their ids: the helper's start (a spawned
    interpreter's imports) overlaps that read instead of following it; what is written stays the same."""
    _shared(monkeypatch)
    order: list[str] = []
    start, read = deadlines.start_helper, deadlines._ids_to_compute
    monkeypatch.setattr(deadlines, "start_helper", lambda *a: order.append("helper started") or start(*a))
    monkeypatch.setattr(deadlines, "_ids_to_compute", lambda *a: order.append("ids read") or read(*a))
    shipped = RuleContext.load()
    db = _copy(built, tmp_path, "early.sqlite3")
    try:
        recompute_all(db, shipped)
        assert order == ["ids read", "helper started"]  # a full recompute counts its cases by reading them
        order.clear()
        count = recompute_changed_rules(db, RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar)).value
        assert 0 < count < CASES
        assert order == ["helper started", "ids read"]
        assert _state(db) == serial[2][1]
    finally:
        db.close()


def test_a_helper_that_gets_no_job_ends(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Started ahead of its job, the helper ends by itself when the caller needs it no more (its end of the job
    pipe closed), and a recompute whose read of the case ids fails leaves no helper behind."""
    helper = deadline_helper.start_helper(RuleContext.load())
    assert helper is not None
    helper.jobs.close()
    helper.process.join(60)
    assert helper.process.exitcode == 0
    helper.close()

    _shared(monkeypatch)
    shipped = RuleContext.load()
    db = _copy(built, tmp_path, "failed.sqlite3")
    try:
        recompute_all(db, shipped)

        def fails(*_a: object) -> list[int]:
            raise OSError("disk I/O error")

        monkeypatch.setattr(deadlines, "_ids_to_compute", fails)
        with pytest.raises(OSError):
            recompute_changed_rules(db, RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar))
        assert [p for p in multiprocessing.active_children() if p.name == "deadline-helper"] == []
    finally:
        db.close()


def test_the_last_slices_are_smaller() -> None:
    """The slices end in quarters, so that the two processes run out within a small slice of each other and the
    caller's write after the helper has ended is a small one; every id is in one slice, in order."""
    ids = list(range(3, 3 + 2 * 23_456, 2))
    ranges = deadline_helper.tapered_ranges(ids, 5_000)
    sizes = [(last - first) // 2 + 1 for first, last in ranges]
    assert sizes == [5_000] * 2 + [3_456] + [1_250] * 8
    assert ranges[0][0] == ids[0] and ranges[-1][1] == ids[-1]
    assert all(b[0] == a[1] + 2 for a, b in pairwise(ranges))
    assert deadline_helper.tapered_ranges(ids[:3], 5_000) == [(3, 7)]
    assert deadline_helper.tapered_ranges([], 5_000) == []


class _Gone:
    """A helper process stand-in: the test's thread plays the helper."""

    def is_alive(self) -> bool:
        return False

    def join(self, timeout: float | None = None) -> None:
        return None


def test_the_caller_writes_the_helpers_finished_slices_before_taking_one(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write is the caller's: a slice of its own taken while the helper's finished ones waited left their
    writes for after the helper's end, the other core idle. The helper here has taken three slices and finished
    two when the caller starts; the caller takes its first slice only once those two are written."""
    spawn = multiprocessing.get_context("spawn")
    counter = spawn.Value("i", 3)
    received, sender = spawn.Pipe(duplex=False)
    jobs, _job_end = spawn.Pipe(duplex=False)
    for index in (0, 1):
        sender.send((index, 1, None))
    waiting_when_taken: list[bool] = []

    def own_slice(*_a: object) -> tuple[int, None]:
        waiting_when_taken.append(received.poll())
        if len(waiting_when_taken) == 1:
            sender.send((2, 1, None))  # the helper's third slice, finished meanwhile
        return 1, None

    monkeypatch.setattr(deadline_helper, "slice_changes", own_slice)
    helper = deadline_helper.Helper(_Gone(), counter, _job_end, received)  # type: ignore[arg-type]
    db = _copy(built, tmp_path, "order.sqlite3")
    try:
        with db.transaction() as session:
            count = deadline_helper.recompute_beside(session, db.path, helper, CaseSet(), [(i, i) for i in range(5)],
                                                     RuleContext.load())
    finally:
        db.close()
        jobs.close()
        sender.close()
    assert count == 5
    assert waiting_when_taken == [False, False]  # the caller computed slices 3 and 4, each with nothing waiting


def test_the_slices_are_walked_without_the_cyclic_collector(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The slices' rows and results make no reference cycles, and the collector's passes kept walking them (≈ 9 % of
    a pack save's CPU, bench/README "Session 28 (s28-engine …)"): the caller computes its slices with the collector
    paused, and on again afterwards; the helper, a process for that work alone, with it off."""
    assert gc.isenabled()
    on_in_walks: list[bool] = []
    walk = deadline_slices.walk_slice
    monkeypatch.setattr(deadline_slices, "walk_slice", lambda *a: on_in_walks.append(gc.isenabled()) or walk(*a))
    db = _copy(built, tmp_path, "paused.sqlite3")
    try:
        assert recompute_all(db, RuleContext.load()).value == CASES
        assert _state(db) == serial[0][1]
    finally:
        db.close()
    assert on_in_walks == [False]  # one slice of 240 cases, in this process
    assert gc.isenabled()

    on_in_helper: list[bool] = []
    walk = deadline_helper_child.walk_slice
    monkeypatch.setattr(deadline_helper_child, "walk_slice",
                        lambda *a: on_in_helper.append(gc.isenabled()) or walk(*a))
    db = _copy(built, tmp_path, "helper.sqlite3")
    try:
        handed = _helped(db, lambda session: HelperJob(
            str(db.path), slice_reads(CaseSet(), session.connection().dialect), None,
            id_ranges(case_ids(session, CaseSet()), 60)))
    finally:
        gc.enable()
        db.close()
    assert sorted(index for index, _count, _changes in handed) == [0, 1, 2, 3]
    assert on_in_helper == [False] * 4


def test_a_pack_edit_reads_only_the_cases_of_its_plans(
        built: Path, tmp_path: Path, serial: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack edit's slices are read by the ids of its plans' cases: the cases of other plans between them (two
    thirds of 100,000 after a save of every pack) are not read and decoded only to be passed over."""
    _shared(monkeypatch)

    def refused(_process: object) -> None:
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", refused)  # every slice read here
    read: list[int] = []
    reader = deadline_slices.read_for_recompute

    def counted(*a: Any) -> tuple[list[Any], list[Any]]:
        found = reader(*a)
        read.append(len(found[0]))
        return found

    monkeypatch.setattr(deadline_slices, "read_for_recompute", counted)
    shipped = RuleContext.load()
    db = _copy(built, tmp_path, "listed.sqlite3")
    try:
        recompute_all(db, shipped)
        read.clear()
        count = recompute_changed_rules(db, RuleContext(every_pack_edited(dict(shipped.packs)), shipped.calendar)).value
        assert 0 < count < CASES
        assert sum(read) == count  # not one case of another plan
        assert _state(db) == serial[2][1]
    finally:
        db.close()


def test_the_helper_reads_only_the_cases_it_is_given(built: Path, tmp_path: Path) -> None:
    """Given the ids of a pack edit's cases, the helper reads those of each slice's range and no other."""
    db = _copy(built, tmp_path, "given.sqlite3")
    chosen: list[int] = []

    def job(session: Any) -> HelperJob:
        ids = case_ids(session, CaseSet())
        chosen.extend(ids[::3])
        return HelperJob(str(db.path), slice_reads(CaseSet(), session.connection().dialect), None,
                         id_ranges(ids, 60), chosen)

    try:
        handed = _helped(db, job)
    finally:
        gc.enable()
        db.close()
    assert sorted((index, count) for index, count, _changes in handed) == [(0, 20), (1, 20), (2, 20), (3, 20)]
    assert len(chosen) == 80


def _helped(db: Database, job_of: Callable[[Any], HelperJob]) -> list[tuple[int, int, Any]]:
    """The helper's work on a thread of this process, given the job `job_of` makes in a read of `db`; what it
    handed back, one entry per slice (its slices are read here as the caller reads them)."""
    spawn = multiprocessing.get_context("spawn")
    counter = spawn.Value("i", 0)
    received, sender = spawn.Pipe(duplex=False)
    job_end, jobs = spawn.Pipe(duplex=False)
    with db.reading() as session:
        job = job_of(session)
        jobs.send(job)
    context = RuleContext.load()
    helping = threading.Thread(target=help_with_slices, args=(job_end, context.packs, context.calendar, counter,
                                                              sender))
    helping.start()
    handed = [received.recv() for _ in job.ranges]
    helping.join()
    return handed

"""Old and new code side by side on one deadline recompute step, in fresh processes, alternating: CPU first.

    python bench/deadline_ab.py LEDGER.sqlite3 --old OLD_TREE [--new NEW_TREE] [--build 100000] [--step edit]
                                [--rounds 3] [--serial] [--phases] [--pause 4] [--rt]

On a shared machine wall times say little (other processes take the cores), so each run prints the CPU
of the caller (`time.process_time`) and of its helper process (the children's rusage) beside the wall.
Each run gets a fresh copy of LEDGER (`--build N`: first built afresh by the old tree's code, the
benchmark's N open cases with every deadline computed with the shipped packs), imports the app from its
tree (`--new` defaults to this script's tree) and runs one step:

- `edit`: `recompute_changed_rules` after a timer of every pack was edited (the bench's edit: the cases
  whose plan holds an edited timer), then back to the shipped packs — both timed;
- `nothing`: `recompute_all` with nothing changed;
- `engine`: `recompute_changed_rules` after the remembered rules were forgotten (an engine change: every
  open case recomputed, nothing written);
- `window`: the window's path after a pack save: the edit written as the shop's pack files (taobao's,
  tmall inheriting it; generic's, jd inheriting it; pdd's, douyin's), then `recompute_changed_rules_aside`
  (a second process, and in it the helper), then the files deleted and the same again — both timed. A tree
  that keeps a second process ready while the rules dialog is open (`recompute_aside.keep_ready_for`,
  session 23) gets one at the dialog's opening; each save follows a pause (`--pause`, the user editing).
  "helper" is then the CPU of every process reaped meanwhile, the ready one's imports before the save
  included, and of the second process's work after its answer (waited for, untimed).

`--rt` runs the timed work at real-time priority (`realtime`), so that a shared machine's other processes do
not queue it: the wall is then that of the step on two free cores. `--serial` keeps the recompute in one process (no helper), which a profile needs; `--phases` (serial)
adds the CPU of the recompute's parts where the tree has them (reads, engine, digests, compare, writes).
Only APIs every tree since session 16 has are used.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

# The same edit as bench_deadlines.every_pack_edited: one timer of every pack set to 96 hours.
EVERY_PACK = (("taobao", "refund_intervention"), ("tmall", "refund_intervention"), ("pdd", "reship_promise"),
              ("douyin", "reship_answer"), ("jd", "reship_within"), ("generic", "reship_within"))
# The same edit as the shop's pack files (`window`): tmall takes taobao's timer, jd generic's.
EDITED_FILES = (("taobao", "refund_intervention"), ("pdd", "reship_promise"), ("douyin", "reship_answer"),
                ("generic", "reship_within"))
# (module, function, label) timed by `--phases` where the tree has them.
PHASES = (("desktop_app.services.deadline_slices", "read_for_recompute", "read cases + events"),
          ("desktop_app.services.deadline_walk", "compute_from_history", "engine"),
          ("desktop_app.services.deadline_walk", "deadline_digest", "digests"),
          ("desktop_app.services.deadline_slices", "walk_slice", "walk (engine and digests included)"),
          ("desktop_app.services.deadline_slices", "read_stored", "read stored rows"),
          ("desktop_app.services.deadline_slices", "changes_of", "compare"),
          ("desktop_app.services.deadline_slices", "write_changes", "writes"),
          ("desktop_app.services.deadlines", "refresh_next_dues", "refresh_next_dues"))


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def realtime(on: bool) -> None:
    """`--rt`: every thread of this process and of the second process kept ready (whose work is the step) at
    SCHED_FIFO, or back to the normal policy; what they spawn meanwhile (the helper) inherits it. Only the timed
    work runs so: on a machine shared with other work its processes are then not queued behind it, and the wall is
    that of two free cores (SQLite's I/O and the kernel's 5 % for others aside). Linux, root or CAP_SYS_NICE."""
    second = sys.modules.get("desktop_app.services.second_process")
    ready = getattr(second, "ready_process_id", lambda: None)() if second is not None else None
    for pid in ("self", *([] if ready is None else [str(ready)])):
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                os.sched_setscheduler(int(task.name), os.SCHED_FIFO if on else os.SCHED_OTHER,
                                      os.sched_param(10 if on else 0))
            except OSError:
                continue  # a thread that ended meanwhile


def second_processes_ended(timeout: float = 120.0) -> None:
    """Wait until every second process but the one kept ready has ended and been reaped (a tree whose window has
    the answer before the process ends: `second_process.after_the_answer`), so that its CPU is this step's."""
    second = sys.modules.get("desktop_app.services.second_process")
    if second is None:
        return
    ready = getattr(second, "ready_process_id", lambda: None)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kept = ready()  # before the lock, which it takes
        with second._lock:
            running = [p for p in second._running if p.pid != kept]
        if not running:
            return
        time.sleep(0.02)


def edited_pack_text(text: str, timer_id: str) -> str:
    """A pack file's text with the duration of one timer set to 96 hours."""
    at = text.index(f'id = "{timer_id}"')
    found = re.compile(r"^duration = .*$", re.M).search(text, at)
    assert found is not None
    return f"{text[:found.start()]}duration = {{ hours = 96 }}{text[found.end():]}"


def window_steps(db: Any, tree: Path, pause: float) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """The `window` step's two saves: (label, untimed preparation, timed work)."""
    from desktop_app.services import recompute_aside

    folder = Path(os.environ["AFTERSALES_LEDGER_HOME"]) / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    ready = getattr(recompute_aside, "keep_ready_for", None)
    if ready is not None:
        ready(db)  # the rules dialog opened

    def edit() -> None:
        for pack_id, timer_id in EDITED_FILES:
            shipped = (tree / "resources" / "rules" / f"{pack_id}.toml").read_text(encoding="utf-8")
            (folder / f"{pack_id}.toml").write_text(edited_pack_text(shipped, timer_id), encoding="utf-8")
        time.sleep(pause)

    def undo() -> None:
        for path in folder.iterdir():
            path.unlink()
        time.sleep(pause)

    save = lambda: recompute_aside.recompute_changed_rules_aside(db).value  # noqa: E731
    return [("every pack saved", edit, save), ("back", undo, save)]


def child(ledger: str, step: str, serial: bool, phases: bool, pause: float = 0.0, rt: bool = False) -> dict[str, Any]:
    """In the child, the tree under test first on sys.path: run `step` on `ledger`."""
    import importlib

    from desktop_app.core.rule_packs import Duration, DurationUnit
    from desktop_app.services import deadlines
    from desktop_app.services.deadline_rules import _RULES_SETTING, RuleContext
    from desktop_app.store.database import open_database
    from desktop_app.store.models import Setting

    spent: dict[str, float] = defaultdict(float)
    if phases:
        for module_name, name, label in PHASES:
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                setattr(module, name, _timed(getattr(module, name), label, spent))
    if serial:
        deadlines.PARALLEL_FROM = 10**12  # type: ignore[attr-defined]
    db = open_database(Path(ledger))
    context = RuleContext.load()
    packs = dict(context.packs)
    for pack_id, timer_id in EVERY_PACK:
        pack = packs[pack_id]
        packs[pack_id] = replace(pack, timers=tuple(
            replace(t, duration=Duration(96, DurationUnit.HOURS)) if t.id == timer_id else t for t in pack.timers))
    every = RuleContext(packs, context.calendar)
    nothing = lambda: None  # noqa: E731
    steps: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = []
    if step == "edit":
        steps = [("every pack edited", nothing, lambda: deadlines.recompute_changed_rules(db, every).value),
                 ("back", nothing, lambda: deadlines.recompute_changed_rules(db, context).value)]
    elif step == "nothing":
        steps = [("nothing changed", nothing, lambda: deadlines.recompute_all(db, context).value)]
    elif step == "window":
        steps = window_steps(db, Path(sys.path[0]), pause)
    else:
        with db.transaction() as session:
            session.query(Setting).filter(Setting.key == _RULES_SETTING).delete()
        steps = [("engine change", nothing, lambda: deadlines.recompute_changed_rules(db, context).value)]
    results: dict[str, Any] = {}
    for label, prepare, work in steps:
        prepare()
        spent.clear()
        if rt:
            realtime(True)
        wall, cpu, helper = time.perf_counter(), time.process_time(), children_cpu()
        cases = work()
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
        if rt:
            realtime(False)
        second_processes_ended()  # one that answered before it ended (the WAL's copy after a save) counts here
        results[label] = {"wall": wall, "cpu": cpu, "helper": children_cpu() - helper, "cases": cases,
                          "phases": dict(spent)}
    if step == "window":
        from desktop_app.services import recompute_aside

        getattr(recompute_aside, "stop_keeping_ready", lambda: None)()  # the dialog closed
    db.close()
    return results


def child_build(ledger: str, cases: int) -> None:
    """In a child of the old tree: the benchmark's ledger, every deadline computed with the shipped packs."""
    from bench.bench_deadlines import build
    from desktop_app.services.deadline_rules import RuleContext
    from desktop_app.services.deadlines import recompute_all
    from desktop_app.store.database import open_database

    path = Path(ledger)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    build(path, cases)
    db = open_database(path)
    recompute_all(db, RuleContext.load())
    db.close()


def _timed(function: Callable[..., Any], label: str, spent: dict[str, float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start
    return timed


def run(tree: Path, ledger: Path, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="deadline-ab-") as workdir:
        copy = Path(workdir) / "ledger.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{ledger}{suffix}").exists():
                shutil.copyfile(f"{ledger}{suffix}", f"{copy}{suffix}")
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(tree), str(copy), args.step]
        command += ["--serial"] * args.serial + ["--phases"] * args.phases + ["--rt"] * args.rt
        command += ["--pause", str(args.pause)]
        # The shop's rules: none but the `window` step's edits (an empty data folder, whatever this user's holds).
        done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(tree),
                                   "AFTERSALES_LEDGER_HOME": str(Path(workdir) / "home")})
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path, nargs="?")
    parser.add_argument("--old", type=Path)
    parser.add_argument("--new", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--step", choices=("edit", "nothing", "engine", "window"), default="edit")
    parser.add_argument("--pause", type=float, default=4.0, help="`window`: seconds before each save")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serial", action="store_true")
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--rt", action="store_true", help="the timed work at real-time priority (a shared machine)")
    parser.add_argument("--build", type=int, metavar="CASES", help="build LEDGER afresh first (old tree's code)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-build", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The helper process must not import this script again (as bench_deadlines.as_the_app_runs says).
    sys.modules["__main__"].__spec__ = ModuleSpec("bench.__main__", None)
    if args.child:
        sys.path.insert(0, args.child[0])
        print(json.dumps(child(args.child[1], args.child[2], args.serial, args.phases, args.pause, args.rt)))
        return 0
    if args.child_build:
        sys.path.insert(0, args.child_build[0])
        child_build(args.child_build[1], int(args.child_build[2]))
        return 0
    if args.ledger is None or args.old is None:
        parser.error("LEDGER and --old are needed")
    if args.build:
        old = str(args.old.resolve())
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child-build", old, str(args.ledger.resolve()),
                        str(args.build)], cwd=old, check=True, env={**os.environ, "PYTHONPATH": old})
    seen: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for round_ in range(args.rounds):
        for side, tree in (("old", args.old), ("new", args.new)):
            for label, result in run(tree.resolve(), args.ledger.resolve(), args).items():
                seen[(label, side)].append(result)
                parts = "; ".join(f"{k} {v:.3f}" for k, v in result["phases"].items())
                print(f"round {round_ + 1} {side} {label}: {result['cases']:,} cases, cpu {result['cpu']:.3f} + helper "
                      f"{result['helper']:.3f} s, wall {result['wall']:.3f} s{'; ' + parts if parts else ''}",
                      flush=True)
    for (label, side), results in seen.items():
        cpu = [r["cpu"] for r in results]
        total = [r["cpu"] + r["helper"] for r in results]
        print(f"{label:18} {side}: cpu best {min(cpu):.3f} median {statistics.median(cpu):.3f}; with the helper "
              f"best {min(total):.3f} median {statistics.median(total):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

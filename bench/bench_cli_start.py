"""Benchmark: the command line's start — `--version`, `--help` and `case list` on a small ledger (its --db
after the command, and before it) — of two source trees, run alternately so that both see the same load.

    python bench/bench_cli_start.py --tree old=/work/main --tree new=. [--runs 10]

Each run is a fresh `python -m desktop_app …` with PYTHONPATH at the tree (its own package, whatever is
installed; run from another folder, as `-m` puts the working folder first on the path); its wall time and its
CPU time (user + system, from the children's rusage) are noted. The ledger (the pdd sample's orders and 20
cases) is made once, by the first tree. Prints a Markdown table of median and best per command and tree, and
the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "samples" / "pdd_orders.csv"


def run(tree: Path, argv: list[str], home: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one `python -m desktop_app argv` on `tree`; fails loudly on a failed run."""
    env = dict(os.environ, PYTHONPATH=str(tree), AFTERSALES_LEDGER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # From the data folder: `python -m` puts the working folder first on the path, before PYTHONPATH.
    done = subprocess.run([sys.executable, "-m", "desktop_app", *argv], env=env, capture_output=True, text=True,
                          check=False, timeout=120, cwd=home)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH", help="a source tree to time")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.tree)}
    with tempfile.TemporaryDirectory() as tmp:
        home, db = Path(tmp) / "home", Path(tmp) / "small.sqlite3"
        home.mkdir()
        first = next(iter(trees.values()))
        run(first, ["import-orders", str(SAMPLE), "--db", str(db)], home)
        for n in range(20):
            run(first, ["case", "add", "--db", str(db), "--platform", "pdd", "--order", f"261111-{n}",
                        "--kind", "refund_only"], home)
        commands = {"--version": ["--version"], "--help": ["--help"],
                    "case list": ["case", "list", "--db", str(db), "--json"],
                    "--db … case list": ["--db", str(db), "case", "list", "--json"]}
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for label, argv in commands.items():
                for name, tree in trees.items():  # alternately: the same minutes for each tree
                    times.setdefault((label, name), []).append(run(tree, argv, home))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
          f"{args.runs} runs each\n")
    print("| command | tree | wall median | wall best | CPU median | CPU best |")
    print("|---|---|---|---|---|---|")
    for (label, name), found in times.items():
        walls, cpus = [w for w, _ in found], [c for _, c in found]
        print(f"| `{label}` | {name} | {statistics.median(walls):.3f} s | {min(walls):.3f} s "
              f"| {statistics.median(cpus):.3f} s | {min(cpus):.3f} s |")


if __name__ == "__main__":
    main()

"""Running a benchmark's measurements each in a fresh process, so peak memory is per measurement.

A benchmark script runs itself with `--child <kind> ...`; the child prints one JSON line last.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_mb() -> float:
    """This process's peak resident memory (ru_maxrss: everything it touched, Rust-side data included)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_child(script: str | Path, *args: str) -> dict[str, object]:
    """Run `script --child *args` and return the JSON of its last output line."""
    completed = subprocess.run([sys.executable, str(script), "--child", *args], capture_output=True, text=True,
                               check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if completed.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# The GUI children's wait (bench_freeze, bench_typing: code given to `python -c`, joined with this): poll `check`
# every WAIT_EVERY_MS until it holds, then call `then`; past `limit` seconds, record a timeout and `finish()`.
# Each child defines WAIT_LIMIT, WAIT_EVERY_MS, `result` and `finish` before it calls it.
WAIT_UNTIL = r"""
def wait_until(check, then, limit=None):
    started = time.perf_counter()
    limit = WAIT_LIMIT if limit is None else limit
    def poll():
        if check():
            then()
        elif time.perf_counter() - started > limit:
            result["timeout"] = True
            finish()
        else:
            QTimer.singleShot(WAIT_EVERY_MS, poll)
    poll()
"""

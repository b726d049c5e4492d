"""Run `python peak_child.py -m MODULE ARGS…` (or `-c CODE ARGS…`, or `SCRIPT ARGS…`) and write the
process's own peak memory (VmHWM, kB) to the file named by PEAK_FILE when it exits.

Why not `ru_maxrss`: a child started from a large process (the test run itself, 500+ MB once every test
module is loaded) reports at least its parent's resident size — Linux carries the old memory's
high-water mark across the fork/vfork and exec — so a child's own peak must be read inside it."""

from __future__ import annotations

import atexit
import os
import resource
import runpy
import sys


def own_peak_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


def _report() -> None:
    target = os.environ.get("PEAK_FILE")
    if target:
        with open(target, "w", encoding="ascii") as handle:
            handle.write(str(own_peak_kb()))


if __name__ == "__main__":
    atexit.register(_report)
    args = sys.argv[1:]
    if args[0] == "-m":
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args[0] == "-c":
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")

"""One seat's command in a process of its own (tests/unit/test_two_seats_commands.py): says "ready" once the
command line is loaded, waits for the go file, then runs `python -m desktop_app ARGS` as `desktop_app.cli.run`
does — the seat's name from AFTERSALES_LEDGER_SEAT, its exit code the process's."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from desktop_app.cli import run


def main(go: Path, args: list[str]) -> int:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    return run(args)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2:]))

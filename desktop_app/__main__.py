"""`python -m desktop_app` opens the window; `python -m desktop_app <command>` runs the CLI.

Files given without a command (a desktop's "open with", a file dropped on the program's icon) open
the window and import them, as dropping them on the window does.
"""

from __future__ import annotations

import sys
from pathlib import Path


def wants_window(args: list[str]) -> bool:
    """No command: nothing, `--db PATH`, Qt's own options, or only files to open."""
    rest = list(args)
    if len(rest) >= 2 and rest[0] == "--db":
        rest = rest[2:]
    if not rest or rest[0].startswith("-platform"):
        return True
    return all(not a.startswith("-") and Path(a).is_file() for a in rest)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if wants_window(args):
        from desktop_app.ui.app import run_gui

        return run_gui(args)
    from desktop_app.cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m desktop_app` opens the window; `python -m desktop_app <command>` runs the CLI.

Files given without a command (a desktop's "open with", a file dropped on the program's icon) open
the window and import them, as dropping them on the window does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_app.paths import remove_leftover_temp_files


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
    if os.name == "posix":
        # Buyers' names, phones and addresses: every file the app writes (ledger, backups, exports,
        # evidence, reports, temp files) is its owner's only. On Windows they live in the user's profile.
        os.umask(0o077)
    # A killed import leaves its spill file (buyers' names, phones, addresses): gone at the next start.
    remove_leftover_temp_files()
    if wants_window(args):
        from desktop_app.ui.app import run_gui

        return run_gui(args)
    from desktop_app.cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())

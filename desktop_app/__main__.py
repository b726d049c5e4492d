"""`python -m desktop_app` opens the window; `python -m desktop_app <command>` runs the CLI."""

from __future__ import annotations

import os
import sys

from desktop_app.paths import remove_leftover_temp_files


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if os.name == "posix":
        # Buyers' names, phones and addresses: every file the app writes (ledger, backups, exports,
        # evidence, reports, temp files) is its owner's only. On Windows they live in the user's profile.
        os.umask(0o077)
    # A killed import leaves its spill file (buyers' names, phones, addresses): gone at the next start.
    remove_leftover_temp_files()
    gui_args = [a for a in args if a not in ("--db",)]
    # GUI when there is no command: nothing, or only `--db PATH` / Qt's own options.
    if not args or (args[0] == "--db" and len(args) == 2) or (gui_args and gui_args[0].startswith("-platform")):
        from desktop_app.ui.app import run_gui

        return run_gui(args)
    from desktop_app.cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""The log file: `<data folder>/logs/ledger.log`, rotated at 1 MB (5 kept), and crashes via faulthandler.

Used by the window and the command line alike, so a shop owner can send one folder to whoever
helps them. No Qt here.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from desktop_app.paths import data_dir

LOG_FILENAME = "ledger.log"
CRASH_FILENAME = "crash.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_crash_file: TextIO | None = None


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    return log_dir() / LOG_FILENAME


def setup_logging(level: int = logging.INFO, console: bool = True, crashes: bool = True) -> Path:
    """Log to the rotating file (and stderr when there is one); hard crashes go to crash.log."""
    global _crash_file
    path = log_file()
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_ledger", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                           encoding="utf-8")]
    if console and sys.stderr is not None:  # a windowed exe on Windows has no stderr
        # The terminal the window was started from gets warnings and errors only: the INFO lines (Alembic
        # listing every migration of a new ledger, the daily backup, page warming) are the log file's.
        terminal = logging.StreamHandler()
        terminal.setLevel(max(level, logging.WARNING))
        handlers.append(terminal)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._ledger = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    if crashes and _crash_file is None:
        _crash_file = (log_dir() / CRASH_FILENAME).open("a", encoding="utf-8")
        faulthandler.enable(_crash_file)
    return path


def last_lines(count: int = 60) -> str:
    """The end of the log file (what a bug report needs), or '' when there is none yet."""
    try:
        text = log_file().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-count:])

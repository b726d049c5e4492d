"""Start-up order: the code the window needs next is read off the GUI thread, ahead of use.

The window paints before SQLAlchemy is imported (FACTS.md). What comes next used to run on the GUI
thread once the ledger was open: importing the tabs (SQLAlchemy models, the services, openpyxl ...),
then building them, so the painted window froze and the Cases table became usable 1.24–1.37 s after
launch; the first import then spent 215–272 ms importing the import code and openpyxl on the GUI
thread (issue 15). Now the Cases tab's own code (`FIRST_MODULES`) needs no SQLAlchemy: it is imported
off the GUI thread while the window paints, the tab is built and its first page (read meanwhile with the
sqlite3 driver, store/first_page) shown; once those rows are painted, while the worker thread opens the
ledger (its integrity check runs in SQLite, without the GIL), the reading thread imports
`OPEN_MODULES`. After the table's first read on the open ledger is painted, the runner's preparing
thread imports `PANE_MODULES` (the GUI thread then builds the detail panes), `IMPORT_MODULES` (the first
import opens at once), then `JOB_MODULES`, then the other tabs' code (ui/window/window_tabs.py builds
them as it arrives). Imports on another thread wait for the rows' paint: they would share Python's lock
with it (ui/widgets/after_paint.py).
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable
from types import ModuleType

log = logging.getLogger(__name__)

# The Cases tab and its table (no SQLAlchemy): imported off the GUI thread right after the window has
# painted; the GUI thread then builds the tab and store/first_page reads its first page.
FIRST_MODULES = ("desktop_app.ui.cases.cases_tab",)
# What opening the ledger and the table's reads need (and, for a team server, where the tab is built
# after opening, the tab itself): imported on the reading thread while the worker opens the ledger.
OPEN_MODULES = (
    "desktop_app.store.database",
    "desktop_app.store.case_queries",
    "desktop_app.ui.cases.cases_tab",
)
# The Cases tab's detail panes (the services behind them): imported on the preparing thread once the
# table's first read on the open ledger is painted, so that a search typed before the ledger opened is
# read and painted without waiting for them; the panes are built when they are here.
PANE_MODULES = (
    "desktop_app.ui.cases.case_detail",
    "desktop_app.ui.cases.case_guide_panel",
    "desktop_app.ui.cases.case_evidence_panel",
    "desktop_app.ui.cases.case_undo",
)
# The start-up jobs, imported once the Cases table shows its first page (ui/window/window_tabs.py
# lists the other tabs' modules, imported after these).
JOB_MODULES = (
    "desktop_app.services.deadlines",
    "desktop_app.services.recompute_aside",
    "desktop_app.store.deadline_lists",
    "desktop_app.services.search_index",
    "desktop_app.ui.calendar.deadline_notifier",
    "desktop_app.ui.cases.next_due_clock",
    "desktop_app.ui.page_warming",
)
# The import dialog and everything it reads files with (openpyxl, calamine, the profiles).
IMPORT_MODULES = ("desktop_app.ui.imports.import_dialog",)


def load_modules(names: Iterable[str]) -> None:
    """Import these modules now (on whichever thread calls this); a failure is left for the real use
    to report, where the user sees it."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # logged; the GUI imports it again and shows the error there
            log.exception("preloading %s failed", name)


def skip_pyside_source_scan() -> None:
    """PySide checks every module imported after it for `from __feature__ import ...` by reading the
    module's whole source (shibokensupport/feature.py `_mod_uses_pyside`, kept in linecache): for
    SQLAlchemy, openpyxl and the app's own code ≈ 0.1–0.2 s of CPU on the threads that import them,
    holding Python's lock beside the GUI thread, and ≈ 10 MB of source text kept. The app uses no
    PySide feature; its own modules keep PySide's default, every other module is ignored as PySide
    ignores a module that does not mention it."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):  # else a PySide without the scan
        vars(feature)["_mod_uses_pyside"] = _uses_pyside


def _uses_pyside(module: ModuleType) -> bool:
    return str(getattr(module, "__name__", "")).partition(".")[0] == "desktop_app"

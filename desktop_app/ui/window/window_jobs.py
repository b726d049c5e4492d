"""What keeps an open ledger current in the background, started once the Cases table's first page is shown
(ui/window/main_window.py): the daily backup, a changed rule pack's recompute, the search index's catch-up,
page warming, the deadline notifier and the 下一个时限 clock; then the other tabs (ui/window/window_tabs.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from desktop_app.ui.background import Announcement, BackgroundRunner
from desktop_app.ui.context import AppContext
from desktop_app.ui.window.window_host import WindowHost

if TYPE_CHECKING:
    # Their code is loaded once the first page is shown (ui/window/startup.py JOB_MODULES), not with the window.
    from desktop_app.ui.calendar.deadline_notifier import DeadlineNotifier
    from desktop_app.ui.cases.next_due_clock import NextDueClock
    from desktop_app.ui.page_warming import PageWarming
    from desktop_app.ui.settings.ledger_care import LedgerCare

log = logging.getLogger(__name__)


class WindowJobs(WindowHost):
    """Mixed into `MainWindow` (a QMainWindow): what it uses of the window is declared here and in window_host."""

    context: AppContext
    runner: BackgroundRunner
    care: LedgerCare
    notifier: DeadlineNotifier
    next_due_clock: NextDueClock
    page_warming: PageWarming
    _indexing = False  # a search-index chunk is queued on the worker

    def _start_jobs(self, _loaded: object = None) -> None:
        """What keeps the ledger current in the background, then the other tabs (ui/window/window_tabs.py)."""
        from desktop_app.services.recompute_aside import recompute_changed_rules_aside
        from desktop_app.ui.calendar.deadline_notifier import DeadlineNotifier
        from desktop_app.ui.cases.next_due_clock import NextDueClock

        if self.context.db is not None:
            # The daily backup (a copy of the whole file: 1.35 GB at a million cases) and a deferred
            # integrity check, on a thread of their own.
            self.care.opened(self.context.db)
        # A rule pack changed by an upgrade or by hand since last time reaches the stored deadlines
        # (many cases: in a second process, so that the window never waits for Python's lock).
        self.context.write(recompute_changed_rules_aside, origin=self)
        self.catch_up_search()
        self.cases_tab.model.warm_searches()
        if self.context.db is not None:  # the pages a search reads, for a cold start
            from desktop_app.ui.page_warming import PageWarming

            self.page_warming = PageWarming(self.runner, self)
            self.care.closing.connect(self.page_warming.stop)  # before a restore replaces the file
            self.page_warming.start(self.context.db)
        self.notifier = DeadlineNotifier(self.context, self)
        self.notifier.message.connect(self.show_message)
        self.notifier.open_requested.connect(self.show_calendar)
        self.notifier.start()
        self.next_due_clock = NextDueClock(self.context, self)
        self.next_due_clock.start()
        self._build_later_tabs()

    def _rules_changed_elsewhere(self) -> None:
        """Another seat saved the shop's rules with the deadlines computed with them (one transaction):
        nothing is left to recompute here, unless that seat's app was older than this one's (it could not
        recompute them); milliseconds to find out."""
        from desktop_app.services.recompute_aside import recompute_changed_rules_aside

        self.context.write(recompute_changed_rules_aside, origin=self)

    def _orders_changed(self, announced: Announcement) -> None:
        if announced.changes.orders:
            self.catch_up_search()

    def catch_up_search(self) -> None:
        """Index orders queued for search (after an import: ~1.5 s per 100,000), one chunk per job on
        the worker thread so that the user's own work is never queued behind all of it."""
        if self._indexing or self.context.db is None:
            return
        from desktop_app.services.search_index import index_some

        def done(count: int) -> None:
            self._indexing = False
            if count:
                self.catch_up_search()

        def failed(error: Exception) -> None:
            self._indexing = False  # searches still find queued orders; the next change retries
            log.warning("search index catch-up failed: %s", error)

        self._indexing = True
        self.context.read(index_some, done, failed)

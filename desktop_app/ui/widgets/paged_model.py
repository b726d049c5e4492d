"""A windowed table model: the row count up front, rows fetched a page at a time.

A million cases cost one COUNT and one page of 200 rows to paint; scrolling fetches the pages it
shows and keeps the last few in a small cache (FACTS.md: ~70 MB wherever you scroll, against
1 GB to preload). Every read — the count, the first page, each later page — runs on the runner's
reading thread, never on the GUI thread: a row not read yet shows "…" and is filled in when its page
arrives (issue 15: a deep page read on the GUI thread froze the window 0.9–5.4 s). Only one page
read is under way at a time; while it runs, pages asked for by the scrolling view queue up and only
the most recent few are read, so dragging the scroll bar through a million rows reads the pages
where it stops, not every page it passed.

Sorting is done by the database (an ORDER BY on an indexed column), not by a proxy model that
would need every row in memory.

Each (re)load first `prepare`s its query on the reading thread: a search reads the orders it matches
once, and the count and every page of that load are read against them (one search per keystroke,
not one per count and page; at a million cases that was most of a keystroke's time).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from desktop_app.store.read_interrupts import ReadInterrupt
from desktop_app.ui.background import BackgroundRunner, describe_error
from desktop_app.ui.widgets.row_table_model import ROW_ROLE, SORT_ROLE, Column, RowTableModel

if TYPE_CHECKING:  # SQLAlchemy: the Cases table is shown before it is imported (store/first_page)
    from sqlalchemy.orm import Session

    from desktop_app.store.database import Database

RowT = TypeVar("RowT")
PAGE_SIZE = 200
MAX_PAGES = 32
WANTED_PAGES = 4  # pages asked for while a read runs that are still read afterwards (the latest ones)
LOADING = "…"  # shown in the cells of a row whose page is being read

__all__ = ["LOADING", "MAX_PAGES", "PAGE_SIZE", "ROW_ROLE", "SORT_ROLE", "WANTED_PAGES", "Column", "PageQuery",
           "PagedTableModel"]


class PageQuery(Protocol[RowT]):
    """The current query: how many rows match, and a page of them in order. Invariant in its rows: a page
    is a `list`, which the model keeps."""

    def prepare(self, session: Session) -> PageQuery[RowT]:
        """The query that one load counts and pages with: itself, or with a search's matches read."""
        ...

    def count(self, session: Session) -> int: ...

    def page(self, session: Session, offset: int, limit: int) -> list[RowT]: ...


class PagedTableModel(RowTableModel[RowT]):
    """Columns plus a `PageQuery`; subclasses build the query from their filter and sort."""

    loaded = Signal(int)  # total row count after a (re)load
    load_failed = Signal(str)

    def __init__(self, columns: Sequence[Column[RowT]], runner: BackgroundRunner, query: PageQuery[RowT],
                 parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._runner = runner
        self._db: Database | None = None
        self._total = 0
        self._pages: OrderedDict[int, list[RowT]] = OrderedDict()
        self._wanted: OrderedDict[int, None] = OrderedDict()  # pages asked for, not read yet
        self._reading_page: int | None = None  # the page whose read is under way
        self._generation = 0
        self._query = query
        self._listing: PageQuery[RowT] = query  # the query as prepared by the last load: what pages read
        self._listed = 0  # the generation `_listing` belongs to: no page is read from an older one
        self._loading: ReadInterrupt | None = None  # stops the load under way when a newer one is asked for

    # --- loading ---------------------------------------------------------------------------
    def set_database(self, db: Database | None, load: bool = True) -> None:
        self._db = db
        if load:
            self.reload()

    def set_query(self, query: PageQuery[RowT]) -> None:
        self._query = query
        self.reload()

    @property
    def total(self) -> int:
        return self._total

    @property
    def listing(self) -> PageQuery[RowT]:
        """The query of the rows shown (as prepared by the last load)."""
        return self._listing

    def reload(self, on_done: Callable[[], None] | None = None) -> None:
        """Count and fetch the first page in the background; newer reloads win over older ones."""
        self._generation += 1
        generation = self._generation
        db, query = self._db, self._query
        if self._loading is not None:
            # The user typed on (or the filter changed again): the load still running is not wanted, and
            # it would keep the reading thread, a core and the server from the new one for its rest.
            self._loading.interrupt()
            self._loading = None
        if db is None:
            self._listing, self._listed = query, generation
            self._apply(0, [])
            return

        interrupt = self._loading = ReadInterrupt()

        def work() -> tuple[PageQuery[RowT], int, list[RowT]] | None:
            if generation != self._generation:
                return None  # superseded while queued (fast typing): skip the query entirely
            with db.reading(interrupt) as session:
                listing = query.prepare(session)
                total = listing.count(session)
                first = listing.page(session, 0, PAGE_SIZE) if total else []
                return listing, total, first

        def done(result: tuple[PageQuery[RowT], int, list[RowT]] | None) -> None:
            if self._loading is interrupt:
                self._loading = None
            if result is None or generation != self._generation:
                return  # the user typed on; a newer query is under way
            self._listing, self._listed = result[0], generation
            self._apply(result[1], result[2])
            if on_done is not None:
                on_done()

        def fail(error: Exception) -> None:
            if self._loading is interrupt:
                self._loading = None
            if generation == self._generation:
                self.load_failed.emit(describe_error(error))

        self._runner.read(work, done, fail)

    def _apply(self, total: int, first: list[RowT]) -> None:
        self.beginResetModel()
        self._total = total
        self._pages.clear()
        self._wanted.clear()
        if first:
            self._pages[0] = first
        self.endResetModel()
        self.loaded.emit(total)

    def _row(self, row: int) -> RowT | None:
        """The row if its page is here; otherwise None, and its page is asked for."""
        if row < 0 or row >= self._total:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        rows = self._pages.get(number)
        if rows is None:
            self._want(number)
            return None
        self._pages.move_to_end(number)
        return rows[offset] if offset < len(rows) else None

    def _want(self, number: int) -> None:
        if number == self._reading_page or self._db is None:
            return
        self._wanted[number] = None
        self._wanted.move_to_end(number)
        while len(self._wanted) > WANTED_PAGES:  # scrolled past: nobody looks at those any more
            self._wanted.popitem(last=False)
        if self._reading_page is None:
            self._read_next()

    def _read_next(self) -> None:
        if not self._wanted or self._db is None or self._listed != self._generation:
            return  # (a load is under way: its reset asks for the pages on screen again)
        number, _ = self._wanted.popitem(last=True)  # where the view is now
        self._reading_page = number
        generation, db, query = self._generation, self._db, self._listing

        def work() -> list[RowT] | None:
            if generation != self._generation:
                return None  # a new search or sort came in while this waited
            with db.reading() as session:
                return query.page(session, number * PAGE_SIZE, PAGE_SIZE)

        def done(rows: list[RowT] | None) -> None:
            self._reading_page = None
            if rows is not None and generation == self._generation:
                self._store(number, rows)
            self._read_next()

        def fail(error: Exception) -> None:
            self._reading_page = None
            if generation == self._generation:
                self.load_failed.emit(describe_error(error))

        if self._runner.read(work, done, fail) is None:
            self._reading_page = None  # the window is closing

    def _store(self, number: int, rows: list[RowT]) -> None:
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = number * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))

    def read_rows(self, rows: Sequence[int], done: Callable[[list[RowT] | None], object]) -> None:
        """The row objects of these row numbers, in that order, to `done`: at once when their pages are
        here, else after the missing pages were read on the reading thread (a selection reaching past the
        pages read: 全选 in a list of 1,792 cases whose view read 200 of them handed the batch those 200).
        The pages read for it are not kept (a selection of 5,000 would push the pages on screen out).
        `done` gets None when the list was loaded again meanwhile (the row numbers mean other rows now)."""
        wanted = sorted({n // PAGE_SIZE for n in rows if 0 <= n < self._total} - set(self._pages))
        if not wanted:
            done(self._rows_of(rows, {}))
            return
        generation, db, query = self._generation, self._db, self._listing
        if db is None or self._listed != generation:
            done(None)
            return

        def work() -> dict[int, list[RowT]] | None:
            if generation != self._generation:
                return None
            with db.reading() as session:
                return {n: query.page(session, n * PAGE_SIZE, PAGE_SIZE) for n in wanted}

        def finished(pages: dict[int, list[RowT]] | None) -> None:
            done(None if pages is None or generation != self._generation else self._rows_of(rows, pages))

        def fail(error: Exception) -> None:
            done(None)
            self.load_failed.emit(describe_error(error))

        if self._runner.read(work, finished, fail) is None:
            done(None)  # the window is closing

    def _rows_of(self, rows: Sequence[int], read: dict[int, list[RowT]]) -> list[RowT]:
        found = []
        for n in rows:
            page = self._pages.get(n // PAGE_SIZE) or read.get(n // PAGE_SIZE) or []
            if n % PAGE_SIZE < len(page):
                found.append(page[n % PAGE_SIZE])
        return found

    def row_object(self, row: int) -> RowT | None:
        """The row, or None while its page is being read (it is asked for)."""
        return self._row(row)

    def is_loaded(self, row: int) -> bool:
        """Whether the row's page is here (asking for nothing)."""
        return (row // PAGE_SIZE) in self._pages

    def cached_pages(self) -> int:
        return len(self._pages)

    def row_count(self) -> int:
        return self._total

    def missing(self, role: int) -> Any:
        return LOADING if role == Qt.ItemDataRole.DisplayRole else None

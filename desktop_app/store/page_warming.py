"""The pages a search reads, brought into the operating system's cache after a cold start (issue 18).

After a reboot a ledger file of a million cases (2.2 GB) is not in the page cache: the first keystrokes of a
search then wait for the disk — 20–30 MB of scattered pages for `王` or `13`, 130–320 ms a key instead of
≤ 80. What a search reads is known: the search index (FTS5's shadow tables, the receivers' prefixes, the order
numbers' index), the cases of the matching orders (`ix_cases_order_id_is_open`), and the rows it lists:
orders, cases and their timers. This module reads exactly those b-trees' pages from the file, in the file's
order (nearly sequential: a fraction of the time of the same pages read in key order), a run of pages at a
time. It reads bytes and discards them (through the descriptor the open Database holds: store/held_files): no
SQLite connection reads the pages, so no lock is held, not even a reader's snapshot (only the b-trees' root
pages are read through SQLite, in a moment); what was read lives in the operating system's cache, which
gives it back under pressure. Pages changed since the last checkpoint
live in the WAL file, small and read anyway.

The b-tree pages are walked from the file format (sqlite.org/fileformat2.html): an interior page lists its
children; the leaves are read last, sorted. A page the app rewrites meanwhile may list other children: at
worst other pages are read, never anything written.
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterator
from io import RawIOBase
from pathlib import Path

from desktop_app.store.held_files import ledger_bytes
from desktop_app.store.search import FTS_TABLE

# What a keystroke reads, in the order it pays to have it (the small indexes every search reads first): the
# receivers' and order numbers' prefixes, the trigram index, the cases of the matching orders and their timers,
# then the rows listed. Names absent from a ledger (an older or newer schema) are left out.
SEARCH_TREES: tuple[tuple[str, ...], ...] = (
    (f"{FTS_TABLE}_idx", "search_receivers", "ix_search_receivers_receiver", "ix_orders_order_no",
     "ix_cases_order_id_is_open", "ix_deadlines_case_id", "search_pending"),
    (f"{FTS_TABLE}_data",),
    ("orders", "cases", "deadlines"),
)
RUN_PAGES = 64  # pages read at once (256 KiB of 4 KiB pages): a keystroke's read waits for one run at most
GAP_PAGES = 2  # pages between two wanted ones read through rather than seeking past them
_INTERIOR = {2, 5}  # index and table interior pages
_LEAF = {10, 13}


class WarmingStopped(Exception):
    """The warming was cancelled (the window closes, the ledger changes)."""


def search_pages(path: Path, wait_turn: Callable[[], None],
                 groups: tuple[tuple[str, ...], ...] = SEARCH_TREES) -> Iterator[tuple[int, int]]:
    """The runs (first page, pages) of the file holding `groups`' b-trees, group after group, each in file order.
    The interior pages are read on the way (they are warm afterwards too), each after `wait_turn()`."""
    roots = _root_pages(path)
    with ledger_bytes(path) as file:  # never closed beside our connections
        page_size = _page_size(file)
        pages_in_file = path.stat().st_size // page_size
        for group in groups:
            leaves = array("L")
            for name in group:
                root = roots.get(name)
                if root is not None:
                    leaves.extend(_leaves(file, page_size, pages_in_file, root, wait_turn))
            yield from _runs(sorted(set(leaves)))


def read_pages(path: Path, runs: Iterator[tuple[int, int]], wait_turn: Callable[[], None]) -> int:
    """Read the page runs (discarding them) one at a time, `wait_turn()` before each (it blocks while the user
    waits for a read, raises WarmingStopped when the warming is cancelled); returns the bytes read."""
    done = 0
    with ledger_bytes(path) as file:  # never closed beside our connections
        page_size = _page_size(file)
        buffer = memoryview(bytearray(RUN_PAGES * page_size))
        for first, count in runs:
            wait_turn()
            file.seek((first - 1) * page_size)
            done += file.readinto(buffer[:count * page_size]) or 0
    return done


def warm_search_pages(path: Path, wait_turn: Callable[[], None]) -> int:
    """Read the search pages of the ledger file at `path` (`search_pages`, `read_pages`); returns the bytes read.
    Raises WarmingStopped (from `wait_turn`) or OSError (the file unreadable, or not a ledger SQLite reads)."""
    try:
        return read_pages(path, search_pages(path, wait_turn), wait_turn)
    except sqlite3.Error as error:
        raise OSError(f"{path}: {error}") from error


def _root_pages(path: Path) -> dict[str, int]:
    """Each table's and index's root page, read through SQLite (a moment's read transaction)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return {str(name): int(root) for name, root in conn.execute(
            "SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0")}
    finally:
        conn.close()


def _page_size(file: RawIOBase) -> int:
    file.seek(16)
    raw = int.from_bytes(file.read(2), "big")
    return 65536 if raw == 1 else raw


def _leaves(file: RawIOBase, page_size: int, pages_in_file: int, root: int,
            wait_turn: Callable[[], None]) -> Iterator[int]:
    """The leaf pages of the b-tree at `root`, read level by level through its interior pages."""
    level = [root]
    seen = 0
    while level:
        below: list[int] = []
        for page in sorted(level):
            seen += 1
            if seen > pages_in_file:  # a loop in pages being rewritten: stop rather than go round
                return
            wait_turn()
            file.seek((page - 1) * page_size)
            data = file.read(page_size)
            start = 100 if page == 1 else 0
            kind = data[start] if len(data) > start else 0
            if kind in _LEAF:
                yield page
            elif kind in _INTERIOR:
                cells = int.from_bytes(data[start + 3:start + 5], "big")
                pointers = data[start + 12:start + 12 + 2 * cells]
                children = [int.from_bytes(data[offset:offset + 4], "big")
                            for offset in (int.from_bytes(pointers[i:i + 2], "big") for i in range(0, 2 * cells, 2))]
                children.append(int.from_bytes(data[start + 8:start + 12], "big"))
                below.extend(child for child in children if 1 <= child <= pages_in_file)
        level = below


def _runs(pages: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted pages as runs (first, count) of at most RUN_PAGES, small gaps read through."""
    first = last = 0
    for page in pages:
        if first and page - last <= GAP_PAGES and page - first < RUN_PAGES:
            last = page
            continue
        if first:
            yield first, last - first + 1
        first = last = page
    if first:
        yield first, last - first + 1


def stop_event_turn(go: threading.Event, stop: threading.Event) -> Callable[[], None]:
    """A `wait_turn` for read_pages: wait while `go` is clear, raise WarmingStopped once `stop` is set."""
    def wait_turn() -> None:
        while not go.wait(0.5):
            if stop.is_set():
                raise WarmingStopped
        if stop.is_set():
            raise WarmingStopped
    return wait_turn

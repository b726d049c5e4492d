"""The order import pipeline: read → recognise the layout → validate rows → upsert, as a generator.

`import_order_files` yields `ImportProgress` and returns an `ImportResult` (through StopIteration);
it knows nothing of Qt nor of the database: the import service hands it `open_writer`, which opens the
store's writer of one file (store/order_file_writes.order_file_writer bound to a ledger). The GUI
drives it from a worker thread, the CLI and the service from a plain loop. Each file is one
transaction: a refused file, an error, `cancel()` returning True or the generator being closed leaves
nothing of that file in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from desktop_app.core import cell_messages
from desktop_app.core import import_refusals as refusals
from desktop_app.core import messages as msg
from desktop_app.core.event_notes import note
from desktop_app.core.order_records import OrderColumns, UpsertCounts
from desktop_app.core.vocabulary import platform_family
from desktop_app.io.case_profiles import best_profile as best_case_profile
from desktop_app.io.case_profiles import case_profiles
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.collector import collector_paused
from desktop_app.io.column_mapping import ColumnMap
from desktop_app.io.import_errors import ImportCancelled, ItemRowWithoutOrder, OrderFileRefused, RowError, UnknownLayout
from desktop_app.io.import_profiles import (
    ImportProfile,
    Layout,
    best_profile,
    profiles_for,
)
from desktop_app.io.import_results import FileImportResult, ImportProgress, ImportResult
from desktop_app.io.order_assembly import (
    ItemIndex,
    NotGrouped,
    OrderAssembler,
    last_row_of_each_order,
    read_item_table,
    rows_by_order,
)
from desktop_app.io.row_checks import RowChecker
from desktop_app.io.sheet_header import HeaderMatch, find_header
from desktop_app.io.spreadsheet_readers import Spreadsheet, Table, open_spreadsheet
from desktop_app.io.user_profiles import available_profiles

BATCH_SIZE = 2000
CancelCheck = Callable[[], bool]
ImportRun = Generator[ImportProgress, None, ImportResult]



class OrderSink(Protocol):
    """Where one file's checked orders go, batch by batch (the store's order_file_writer)."""

    @property
    def counts(self) -> UpsertCounts: ...

    def write(self, batch: OrderColumns) -> None: ...

    def finish(self) -> None: ...


class OpenOrderSink(Protocol):
    """Opens one file's sink: its transaction commits when the block ends normally and rolls back on
    any exception (a cancel, GeneratorExit, an error)."""

    def __call__(self, *, provided: frozenset[str], items_known: bool,
                 source_file: str) -> AbstractContextManager[OrderSink]: ...




@dataclass(frozen=True, slots=True)
class FileJob:
    path: Path
    companion: Path | None = None  # a detail file given in the same batch


@dataclass
class LocatedTable:
    profile: ImportProfile
    table: Table
    header: HeaderMatch


def _sheet_order(spreadsheet: Spreadsheet, preferred: Sequence[str]) -> list[str]:
    names = spreadsheet.sheet_names()
    first = [n for p in preferred for n in names if n.strip() == p]
    return list(dict.fromkeys([*first, *names]))


def _locate_orders(spreadsheet: Spreadsheet, candidates: Sequence[ImportProfile],
                   all_profiles: Sequence[ImportProfile]) -> LocatedTable:
    """The sheet and header row holding orders, or OrderFileRefused explaining what was found.

    The shipped profiles are tried on every sheet before any profile the user saved: a saved
    mapping of a few common headers (订单号, 收货人) must never take a platform's export.
    """
    seen_headers: list[set[str]] = []
    tiers = [[p for p in candidates if not p.user], [p for p in candidates if p.user]]
    for tier in tiers:
        if tier:
            located = _search_sheets(spreadsheet, tier, seen_headers)
            if located is not None:
                return located
    detail_of: ImportProfile | None = None
    closest: tuple[int, ImportProfile, set[str]] | None = None
    for headers in seen_headers:
        for profile in all_profiles:
            if profile.item_table is not None and profile.item_table.matches(headers):
                detail_of = detail_of or profile
            hits = sum(1 for group in profile.identify if any(h in headers for h in group))
            if hits and profile in candidates and (closest is None or hits > closest[0]):
                closest = (hits, profile, headers)
    path = spreadsheet.path
    if len(candidates) < len(all_profiles) and not (len(candidates) == 1 and candidates[0].user):
        # Another platform's export given --platform of one (its 子订单 sheet is no detail file alone).
        shipped = [p for p in all_profiles if not p.user]
        other = next((q for headers in seen_headers if (q := best_profile(headers, shipped))), None)
        if other is not None and other not in candidates:
            raise OrderFileRefused(path, note(refusals.ORDERS_OF_OTHER_PLATFORM, other.label,
                                              platform_family(other.platform)))
    if detail_of is not None and detail_of.item_table is not None:
        main_name = detail_of.item_table.file_name_from or "订单列表"
        raise OrderFileRefused(path, msg.say(msg.DETAIL_ALONE, detail_of.label, main_name))
    if not any(True for name in spreadsheet.sheet_names() for _ in _first_rows(spreadsheet.table(name))):
        raise OrderFileRefused(path, note(refusals.EMPTY))
    if len(candidates) == 1 and candidates[0].user:
        wanted = candidates[0]
        nearest = max(seen_headers, default=set(),
                      key=lambda h: sum(1 for group in wanted.identify if any(a in h for a in group)))
        lacking = "、".join(wanted.missing_identity(nearest))
        raise UnknownLayout(path, msg.say(msg.NOT_OF_MAPPING, wanted.label, lacking))
    aftersales = next((p for headers in seen_headers if (p := best_case_profile(headers, case_profiles()))), None)
    if aftersales is not None:
        raise UnknownLayout(path, note(refusals.ORDERS_ARE_CASES, aftersales.label))
    narrowed = len(candidates) < len(all_profiles)
    formats = "、".join(p.label for p in (candidates if narrowed else [p for p in all_profiles if not p.user]))
    missing = closest[1].missing_identity(closest[2]) if closest is not None else []
    if closest is not None and missing:
        template = refusals.ORDERS_NOT_OF_PLATFORM_NEAREST if narrowed else refusals.ORDERS_UNKNOWN_NEAREST
        raise UnknownLayout(path, note(template, formats, closest[1].label, "、".join(missing)))
    raise UnknownLayout(path, note(refusals.ORDERS_NOT_OF_PLATFORM if narrowed else refusals.ORDERS_UNKNOWN, formats))


def _search_sheets(spreadsheet: Spreadsheet, candidates: Sequence[ImportProfile],
                   seen_headers: list[set[str]]) -> LocatedTable | None:
    """The first sheet (preferred names first) with a header row one of `candidates` recognises."""
    preferred = [s for p in candidates for s in p.sheets]
    for name in _sheet_order(spreadsheet, preferred):
        table = spreadsheet.table(name)

        def recognise(headers: set[str]) -> bool:
            seen_headers.append(headers)
            return best_profile(headers, candidates) is not None

        header = find_header(table.rows(), recognise)
        if header is not None:
            profile = best_profile(header.names, candidates)
            assert profile is not None
            return LocatedTable(profile, table, header)
    return None


def _first_rows(table: Table) -> Iterator[object]:
    for _, cells in table.rows():
        if any(c is not None and str(c).strip() for c in cells):
            yield cells
            return


def _locate_items(profile: ImportProfile, spreadsheet: Spreadsheet, main_sheet: str,
                  companion: Path | None) -> tuple[Table, HeaderMatch, Spreadsheet | None] | None:
    """The item table of an ITEM_TABLE export: another sheet, or the companion detail file."""
    item_table = profile.item_table
    assert item_table is not None
    for name in _sheet_order(spreadsheet, item_table.sheets):
        if name == main_sheet:
            continue
        table = spreadsheet.table(name)
        header = find_header(table.rows(), item_table.matches)
        if header is not None:
            return table, header, None
    if companion is None:
        guessed = item_table.companion_name(spreadsheet.path.name)
        if guessed is None or not (spreadsheet.path.parent / guessed).is_file():
            return None
        companion = spreadsheet.path.parent / guessed
    detail = open_spreadsheet(companion)
    for name in detail.sheet_names():
        table = detail.table(name)
        header = find_header(table.rows(), item_table.matches)
        if header is not None:
            return table, header, detail
    detail.close()
    raise OrderFileRefused(companion, msg.say(msg.NOT_A_DETAIL, profile.label, "标题、购买数量"))


def _rows_after_header(table: Table, header_row: int) -> Iterator[tuple[int, Sequence[object]]]:
    for number, cells in table.rows():
        if number > header_row:
            yield number, cells


def _import_file(open_writer: OpenOrderSink, job: FileJob, index: int, count: int, candidates: Sequence[ImportProfile],
                 all_profiles: Sequence[ImportProfile], cancel: CancelCheck | None,
                 batch_size: int) -> Generator[ImportProgress, None, FileImportResult]:
    name = str(job.path)
    yield ImportProgress(name, index, count, "reading")
    spreadsheet = open_spreadsheet(job.path)
    detail: Spreadsheet | None = None
    try:
        located = _locate_orders(spreadsheet, candidates, all_profiles)
        profile = located.profile
        cleaner = CellCleaner(profile.cleaning, spreadsheet.date1904)
        item_index: ItemIndex | None = None
        companions: tuple[str, ...] = ()
        doubts: list[str] = []
        if profile.layout is Layout.ITEM_TABLE:
            found = _locate_items(profile, spreadsheet, located.table.name, job.companion)
            if found is not None:
                item_sheet, item_header, detail = found
                assert profile.item_table is not None
                source = detail.path.name if detail is not None else item_sheet.name
                item_map = ColumnMap(profile, item_header, cleaner, profile.item_table.link, {},
                                     profile.item_table.fields, table=source)
                item_checker = RowChecker(item_map, profile.platform.value)
                item_index = read_item_table(item_header.rows, item_checker)
                doubts.extend(item_checker.all_warnings())
                if detail is not None:
                    companions = (str(detail.path),)
                else:
                    spreadsheet.release(item_sheet.name)
        mapping = ColumnMap(profile, located.header, cleaner, profile.order_fields["order_no"],
                            profile.order_fields, profile.item_fields)
        checker = RowChecker(mapping, profile.platform.value)
        rows: Iterator[tuple[int, Sequence[object]]] = located.header.rows
        by_order = False
        while True:
            assembler = OrderAssembler(checker, profile, batch_size=batch_size, item_index=item_index)
            try:
                counts = yield from _store(open_writer, job, assembler, rows, located.table, index, count, cancel)
            except NotGrouped:
                if by_order:
                    raise
                by_order = True
                # Orders are scattered over the file: find each order's last row, then read it by order.
                whole = spreadsheet.whole_table(located.table.name)  # read twice more: parsed once
                header_row = located.header.row_number
                last_rows = last_row_of_each_order(_rows_after_header(whole, header_row), checker)
                rows = rows_by_order(_rows_after_header(whole, header_row), checker, last_rows)
                continue
            break
        if not assembler.rows_read:
            doubts.append(msg.say(msg.HEADER_ONLY, located.header.row_number))
        errors: list[RowError] = [*(item_index.errors if item_index else ()), *assembler.errors]
        rejected = len({(e.table, e.row) for e in errors})
        result = FileImportResult(
            file=name, platform=profile.platform.value, profile=profile.label,
            inserted=counts.inserted, updated=counts.updated, unchanged=counts.unchanged,
            rejected=rejected, errors=tuple(errors), companions=companions, rows=assembler.rows_read,
            cases_updated=counts.cases_updated, warnings=(*doubts, *checker.all_warnings(), *_shop_moves(counts)),
        )
        yield ImportProgress(name, index, count, "done", assembler.rows_read, 1.0,
                             counts.inserted + counts.updated + counts.unchanged)
        return result
    except ItemRowWithoutOrder as exc:
        raise OrderFileRefused(job.path, exc.reason) from None
    finally:
        spreadsheet.close()
        if detail is not None:
            detail.close()


def _shop_moves(counts: UpsertCounts) -> list[str]:
    """One warning for each pair of shops this file moved stored orders between (their first orders named)."""
    moves: dict[tuple[str, str], list[str]] = {}
    for order_no, stored, now in counts.shop_moves:
        moves.setdefault((stored, now), []).append(order_no)
    said = []
    for (stored, now), orders in moves.items():
        more = counts.shops_moved if len(moves) == 1 else len(orders)
        named = "、".join(orders[:5]) + (f" 等 {more}" if more > min(len(orders), 5) else "")
        said.append(note(cell_messages.SHOP_MOVED, named, stored, now))
    return said


def _store(open_writer: OpenOrderSink, job: FileJob, assembler: OrderAssembler,
           rows: Iterator[tuple[int, Sequence[object]]], table: Table, index: int, count: int,
           cancel: CancelCheck | None) -> Generator[ImportProgress, None, UpsertCounts]:
    """One transaction for the whole file (`open_writer`); any exception (cancel and
    GeneratorExit included) rolls it back. Each batch is stored while the next is read and checked."""
    name = str(job.path)
    with collector_paused(), open_writer(provided=assembler.provided, items_known=assembler.items_known,
                                         source_file=str(job.path.resolve())) as writer:
        done = 0
        yield ImportProgress(name, index, count, "importing", 0, table.fraction_read())
        for batch in assembler.batches(rows):
            if cancel is not None and cancel():
                raise ImportCancelled(job.path)
            writer.write(batch)
            done += len(batch)
            yield ImportProgress(name, index, count, "importing", assembler.rows_read, table.fraction_read(), done)
        writer.finish()
        if cancel is not None and cancel():
            raise ImportCancelled(job.path)
    return writer.counts


def plan_jobs(paths: Sequence[Path | str], profiles: Sequence[ImportProfile]) -> list[FileJob]:
    """Pair Taobao order lists with their detail files given in the same batch (by file name).

    ExportOrderList123.csv pairs with ExportOrderDetailList123.csv; when exactly one list and one detail
    file are left unpaired, they are paired regardless of their names.
    """
    resolved = [Path(p) for p in paths]
    tables = [p.item_table for p in profiles if p.item_table is not None and p.item_table.file_name_to]
    details = {p for p in resolved if any(t.file_name_to and t.file_name_to in p.name for t in tables)}
    jobs: list[FileJob] = []
    unpaired_lists: list[int] = []
    used: set[Path] = set()
    for path in resolved:
        if path in details:
            continue
        companion = None
        for item_table in tables:
            guess = item_table.companion_name(path.name)
            match = next((d for d in details if guess is not None and d.name == guess and d not in used), None)
            if match is not None:
                companion = match
                used.add(match)
                break
        if companion is None and any(t.file_name_from and t.file_name_from in path.name for t in tables):
            unpaired_lists.append(len(jobs))
        jobs.append(FileJob(path, companion))
    left = [d for d in resolved if d in details and d not in used]
    if len(left) == 1 and len(unpaired_lists) == 1:
        position = unpaired_lists[0]
        jobs[position] = replace(jobs[position], companion=left[0])
        left = []
    # A detail file without its list is still "imported" so the user hears why it was refused.
    jobs.extend(FileJob(d) for d in left)
    return jobs


def import_order_files(open_writer: OpenOrderSink, paths: Sequence[Path | str], platform: str = "auto",
                       cancel: CancelCheck | None = None, batch_size: int = BATCH_SIZE,
                       profile_id: str | None = None) -> ImportRun:
    """Import order exports; yields progress, returns the result. See the module docstring.

    The shipped profiles and the ones the user saved (user_profiles) are candidates; `profile_id`
    names the one profile to read every file with (the mapping dialog's "保存并导入").
    """
    available = available_profiles()
    all_profiles = available.profiles
    if profile_id is not None:
        candidates: tuple[ImportProfile, ...] = (available.find(profile_id),)
    else:
        candidates = profiles_for(platform, all_profiles)
    jobs = plan_jobs(paths, all_profiles)
    results: list[FileImportResult] = []
    warnings = available.warnings
    for index, job in enumerate(jobs):
        try:
            result = yield from _import_file(open_writer, job, index, len(jobs), candidates, all_profiles, cancel,
                                             batch_size)
        except OrderFileRefused as exc:
            result = FileImportResult(file=str(job.path), refused=exc.reason,
                                      unknown_layout=isinstance(exc, UnknownLayout))
            if job.companion is not None:
                results.append(result)
                result = FileImportResult(file=str(job.companion),
                                          refused=msg.say(msg.LIST_NOT_IMPORTED, job.path.name))
        except ImportCancelled:
            results.append(FileImportResult(file=str(job.path), cancelled=True,
                                            refused="已取消导入，该文件的数据没有保存"))
            return ImportResult(tuple(results), cancelled=True, warnings=warnings)
        results.append(result)
        warnings = (*warnings, *(msg.say(msg.FILE_SAYS, Path(result.file).name, w) for w in result.warnings))
        if job.companion is not None and result.stored and str(job.companion) not in result.companions:
            results.append(FileImportResult(
                file=str(job.companion),
                refused=msg.say(msg.NO_DETAIL_FILES, job.path.name)))
    return ImportResult(tuple(results), warnings=warnings)

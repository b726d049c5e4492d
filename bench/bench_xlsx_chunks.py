"""Chunked xlsx reading (desktop_app/io/xlsx/) against python-calamine's whole-sheet parse.

    python bench/bench_xlsx_chunks.py [--file PATH] [--repeat 3] [--first MB] [--chunk MB] [--workbook MB]
                                      [--first-workbook MB] [--ahead MB] [--scenarios parse,plain,...] [--import]

Scenarios, each run in its own process (wall seconds and peak RSS, ru_maxrss):
  parse            from_path + get_sheet_by_name: what python-calamine needs just to parse the sheet
  plain            the same, then every row through CalamineTable.rows()
  chunked          every row through ChunkedXlsxTable.rows()
  plain+consumer   plain, with a stand-in consumer burning ~1.2 ms of pure-Python CPU per 100 rows
  chunked+consumer chunked, with the same consumer
  first-row        chunked: time to the first row (the header search)
With --import also the real order import (bench/bench_import.py's ledger of 100,000 orders) with the
whole-sheet table and with the chunked one patched into CalamineSpreadsheet.table().

The file defaults to the 100,000-row Douyin export cached by `python bench/bench_import.py --keep
--workdir /tmp/benchimp`. The machine may be shared: every scenario runs --repeat times; ranges are
printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import child_process  # noqa: E402
from bench.child_process import peak_mb  # noqa: E402

DEFAULT_FILE = Path("/tmp/benchimp/douyin_100000.xlsx")
BASE_DB = Path("/tmp/benchimp/base_100000.sqlite3")
CONSUMER_SECONDS_PER_100_ROWS = 0.0012
SCENARIOS = ("parse", "plain", "chunked", "plain+consumer", "chunked+consumer", "first-row")



def _calibrate() -> int:
    """Loop iterations that take 1.2 ms / 100 rows = 12 µs of pure-Python CPU (best of several tries)."""
    loops = 200_000
    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        _burn(loops)
        best = min(best, time.process_time() - began)
    return max(1, round(loops * CONSUMER_SECONDS_PER_100_ROWS / 100 / best))


def _burn(loops: int) -> int:
    total = 0
    for i in range(loops):
        total += i
    return total


def _sheet_name(path: Path) -> str:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return str(workbook.sheet_names[0])
    finally:
        workbook.close()


def _sizes(settings: dict[str, float]) -> dict[str, int]:
    """chunked_table() keywords from the MB settings; also sets how far the helper may parse ahead."""
    from desktop_app.io.xlsx import producer

    producer.PARSED_AHEAD_BYTES = int(settings["ahead"] * 2**20)
    producer.PARSED_AHEAD_PIECES = max(2, int(settings["ahead"] / settings["chunk"]))
    return {"first_chunk_bytes": int(settings["first"] * 2**20), "chunk_bytes": int(settings["chunk"] * 2**20),
            "workbook_bytes": int(settings["workbook"] * 2**20),
            "first_workbook_bytes": int(settings["first_workbook"] * 2**20)}


def child(scenario: str, path: Path, settings: dict[str, float]) -> dict[str, object]:
    import python_calamine

    from desktop_app.io.spreadsheet_readers import CalamineTable
    from desktop_app.io.xlsx import chunked_table

    name = _sheet_name(path)
    loops = _calibrate() if scenario.endswith("+consumer") else 0
    rows = 0
    began = time.perf_counter()
    if scenario.startswith(("parse", "plain")):
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        table = CalamineTable(name, workbook.get_sheet_by_name(name), path)
        parsed = time.perf_counter() - began
        if scenario != "parse":
            for _ in table.rows():
                rows += 1
                if loops:
                    _burn(loops)
    else:
        chunked = chunked_table(path, name, **_sizes(settings))
        if chunked is None:
            raise SystemExit(f"{path} is not read in chunks")
        iterator = chunked.rows()
        for _ in iterator:
            rows += 1
            if scenario == "first-row":
                break
            if loops:
                _burn(loops)
        if scenario == "first-row":
            iterator.close()
        parsed = 0.0
    return {"seconds": time.perf_counter() - began, "parsed": parsed, "rows": rows, "peak_mb": peak_mb()}


def child_import(db_path: Path, path: Path, chunked: bool, settings: dict[str, float]) -> dict[str, object]:
    from desktop_app.io import spreadsheet_readers
    from desktop_app.io.xlsx import chunked_table
    from desktop_app.services.order_import import import_files
    from desktop_app.store.database import open_database

    if chunked:
        sizes = _sizes(settings)
        whole = spreadsheet_readers.CalamineSpreadsheet.table

        def table(self: spreadsheet_readers.CalamineSpreadsheet, name: str) -> spreadsheet_readers.Table:
            cached = self._tables.get(name)
            if cached is not None:
                return cached
            if self.kind == "xlsx":
                found = chunked_table(self.path, name, **sizes)
                if found is not None:
                    self._tables[name] = found  # type: ignore[assignment]
                    return found
            return whole(self, name)

        spreadsheet_readers.CalamineSpreadsheet.table = table  # type: ignore[method-assign]
    db = open_database(db_path)
    try:
        began = time.perf_counter()
        result = import_files(db, [path])
        seconds = time.perf_counter() - began
    finally:
        db.close()
    return {"seconds": seconds, "peak_mb": peak_mb(), "rows": sum(f.rows for f in result.files),
            "inserted": result.inserted, "updated": result.updated, "rejected": result.rejected}


def run_child(*args: str) -> dict[str, object]:
    return child_process.run_child(__file__, *args)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _range(values: list[float], unit: str) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}{unit}"
    ordered = sorted(values)
    return f"{ordered[0]:.2f}–{ordered[-1]:.2f}{unit} (median {ordered[len(ordered) // 2]:.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first", type=float, default=None, help="first piece, MB of XML")
    parser.add_argument("--chunk", type=float, default=None, help="later pieces, MB of XML")
    parser.add_argument("--workbook", type=float, default=None, help="one in-memory workbook, MB")
    parser.add_argument("--first-workbook", type=float, default=None, help="the first workbook's pieces, MB")
    parser.add_argument("--ahead", type=float, default=None, help="parsed pieces waiting for the reader, MB of XML")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--import", dest="real_import", action="store_true",
                        help="also the real import, whole-sheet vs chunked (needs the bench_import ledger)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "import":
            out = child_import(Path(rest[0]), Path(rest[1]), rest[2] == "chunked", json.loads(rest[3]))
        else:
            out = child(kind, Path(rest[0]), json.loads(rest[1]))
        print(json.dumps(out))
        return 0

    from desktop_app.io.xlsx import producer, table

    first = args.first if args.first is not None else table.FIRST_CHUNK_BYTES / 2**20
    chunk = args.chunk if args.chunk is not None else table.CHUNK_BYTES / 2**20
    workbook = args.workbook if args.workbook is not None else table.WORKBOOK_BYTES / 2**20
    first_workbook = (args.first_workbook if args.first_workbook is not None
                      else table.FIRST_WORKBOOK_BYTES / 2**20)
    ahead = args.ahead if args.ahead is not None else producer.PARSED_AHEAD_BYTES / 2**20
    settings = json.dumps({"first": first, "chunk": chunk, "workbook": workbook, "first_workbook": first_workbook,
                           "ahead": ahead})
    if not args.file.exists():
        raise SystemExit(f"{args.file} is missing: python bench/bench_import.py --workdir {args.file.parent} --keep")
    print(f"{args.file} ({args.file.stat().st_size / 2**20:.1f} MB), pieces: first {first:g} MB, then {chunk:g} MB, "
          f"workbooks of {workbook:g} MB (the first {first_workbook:g} MB), {ahead:g} MB parsed ahead; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    scenarios = [s for s in args.scenarios.split(",") if s]
    results: dict[str, list[dict[str, object]]] = {s: [] for s in scenarios}
    for _ in range(args.repeat):  # interleaved, so a noisy neighbour hurts every scenario alike
        for scenario in scenarios:
            results[scenario].append(run_child(scenario, str(args.file), settings))
    for scenario in scenarios:
        runs = results[scenario]
        seconds = [float(r["seconds"]) for r in runs]  # type: ignore[arg-type]
        peaks = [float(r["peak_mb"]) for r in runs]  # type: ignore[arg-type]
        print(f"{scenario:18} {_range(seconds, ' s'):34} peak {_range(peaks, ' MB'):30} rows {runs[0]['rows']}")
    medians = {scenario: _median([float(r["seconds"]) for r in runs])  # type: ignore[arg-type]
               for scenario, runs in results.items()}
    if "parse" in medians:
        for scenario in ("chunked", "plain+consumer", "chunked+consumer"):
            if scenario in medians:
                print(f"{scenario} / parse (medians): {medians[scenario] / medians['parse']:.2f}")
    if args.real_import:
        if not BASE_DB.exists():
            raise SystemExit(f"{BASE_DB} is missing: python bench/bench_import.py --workdir {BASE_DB.parent} --keep")
        imports: dict[str, list[dict[str, object]]] = {"whole": [], "chunked": []}
        for _ in range(args.repeat):
            for kind in imports:
                target = BASE_DB.with_name(f"chunks_{kind}.sqlite3")
                for old in BASE_DB.parent.glob(f"{target.name}*"):
                    old.unlink()
                shutil.copy(BASE_DB, target)
                try:
                    imports[kind].append(run_child("import", str(target), str(args.file), kind, settings))
                finally:
                    for old in BASE_DB.parent.glob(f"{target.name}*"):
                        old.unlink()
        for kind, runs in imports.items():
            seconds = [float(r["seconds"]) for r in runs]  # type: ignore[arg-type]
            peaks = [float(r["peak_mb"]) for r in runs]  # type: ignore[arg-type]
            print(f"import ({kind:7})   {_range(seconds, ' s'):34} peak {_range(peaks, ' MB'):30} "
                  f"rows {runs[0]['rows']} inserted {runs[0]['inserted']}")
            if "parse" in medians:
                print(f"import ({kind}) / parse (medians): {_median(seconds) / medians['parse']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

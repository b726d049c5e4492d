"""The chunked .xlsx reader gives the rows the whole-sheet reader gives, and cleans up after itself.

Workbooks are small here, so the pieces are tiny (down to one row each, one workbook per piece) to put
boundaries everywhere: after the header, inside blank stretches, before wider rows.
"""

from __future__ import annotations

import errno
import gc
import os
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import openpyxl
import pytest
import python_calamine
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from desktop_app.io import xlsx
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.spreadsheet_readers import CalamineTable
from desktop_app.io.xlsx import ChunkedXlsxTable, chunked_table, members, spill, zip_parts
from desktop_app.io.xlsx import pieces as xlsx_pieces

Row = tuple[int, list[object]]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Settings that split a small sheet everywhere; `workbook_bytes` 1: one in-memory workbook per piece.
# The sheet after the first workbook goes to a spill file unless "spill" is False (then in memory).
TINY = {"first_chunk_bytes": 1, "chunk_bytes": 1, "workbook_bytes": 1, "min_sheet_bytes": 0}
SMALL = {"first_chunk_bytes": 600, "chunk_bytes": 900, "workbook_bytes": 4000, "min_sheet_bytes": 0}
SIZES = [TINY, SMALL, {"first_chunk_bytes": 5000, "chunk_bytes": 3000, "workbook_bytes": 10**9, "min_sheet_bytes": 0},
         {**TINY, "spill": False}, {**SMALL, "spill": False}]
SIZE_IDS = ["one-row-pieces", "small-pieces", "one-workbook", "one-row-pieces-in-memory", "small-pieces-in-memory"]


def plain_rows(path: Path, name: str) -> tuple[int, list[Row]]:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        table = CalamineTable(name, workbook.get_sheet_by_name(name), path)
        return table.first_column, [(number, list(cells)) for number, cells in table.rows()]
    finally:
        workbook.close()


def normalise(rows: Sequence[tuple[int, Sequence[object]]], shift: int = 0) -> list[Row]:
    """Absolute columns, '' and None alike (the whole-sheet reader fills with ''), one width."""
    shifted = [(number, [None] * shift + [None if c == "" else c for c in cells]) for number, cells in rows]
    width = max((len(cells) for _, cells in shifted), default=0)
    return [(number, cells + [None] * (width - len(cells))) for number, cells in shifted]


def chunked_rows(path: Path, name: str, **sizes: int) -> list[Row]:
    table = chunked_table(path, name, **sizes)
    assert table is not None
    assert table.first_column == 0 and table.row_count is None
    return [(number, list(cells)) for number, cells in table.rows()]


def assert_same_rows(path: Path, name: str, sizes: dict[str, int]) -> list[Row]:
    shift, expected = plain_rows(path, name)
    got = chunked_rows(path, name, **sizes)
    assert normalise(got) == normalise(expected, shift)
    return got


def no_helper_threads(timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while any(t.name in ("xlsx-chunks", "xlsx-spill") for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def order_values(index: int) -> list[object]:
    order_id = 6_920_000_000_000_000_000 + index * 7919
    return [
        str(order_id),  # a 19-digit id kept as text
        order_id,  # the same as a number (a float in the file)
        f"收件人{index} <{index % 7}> & \"引号\"",
        float(index % 5) if index % 3 else index * 1.25,  # int-looking floats and fractions
        index % 4,
        date(2024, 1 + index % 12, 1 + index % 28),
        datetime(2024, 5, 1 + index % 30, index % 24, index % 60, index % 59),
        index % 2 == 0,
        None if index % 6 == 0 else "已完成",
        "重复的文字",
    ]


def write_orders(path: Path, rows: int = 120, *, title: bool = False, blank_every: int = 0, start_column: int = 1,
                 date1904: bool = False, second_sheet: bool = False, ragged: bool = False,
                 shared: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "订单"
    row = 1
    if title:
        sheet.cell(row=row, column=start_column, value="抖店订单导出 2024-05")
        row += 2  # a blank row between the title and the header
    headers = ["主订单编号", "订单号数字", "收件人", "金额", "数量", "日期", "下单时间", "是否", "状态", "备注"]
    for column, header in enumerate(headers, start=start_column):
        sheet.cell(row=row, column=column, value=header)
    for index in range(rows):
        row += 1
        if blank_every and index % blank_every == blank_every - 1:
            row += 3  # three blank rows
        values = order_values(index)
        if ragged:
            values = values[: 3 + index % 8] + (["宽", "更宽"] if index % 10 == 9 else [])
        for column, value in enumerate(values, start=start_column):
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
    if second_sheet:
        other = workbook.create_sheet("明细")
        other.append(["订单编号", "商品", "数量"])
        for index in range(80):
            other.append([f"69{index:017d}", f"商品{index % 9}", index % 3 + 1])
    workbook.save(path)
    return to_shared_strings(path) if shared else path


def to_shared_strings(path: Path) -> Path:
    """Move the inline strings openpyxl writes into xl/sharedStrings.xml, numbered by first use as Excel does."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    numbers: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        return b't="s"><v>%d</v>' % numbers.setdefault(match.group(1), len(numbers))

    inline = re.compile(rb't="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is>', re.DOTALL)
    for name in sorted(n for n in members if n.startswith("xl/worksheets/sheet")):
        members[name] = inline.sub(shared, members[name])
    items = b"".join(b"<si><t>%s</t></si>" % text for text in numbers)
    members["xl/sharedStrings.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="%s" count="%d" '
                                       b'uniqueCount="%d">%s</sst>' % (MAIN_NS.encode(), len(numbers), len(numbers),
                                                                      items))
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdShared" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>" % REL_NS.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def raw_xlsx(path: Path, rows_xml: str, shared: Sequence[str] = (), *, prefix: str = "",
             head: str = "", extra_sheet: bool = False) -> Path:
    """A minimal package written by hand (openpyxl never writes inline strings, prefixes or r-less rows)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    sheets = [("Sheet1", "worksheets/sheet1.xml")] + ([("Other", "worksheets/sheet2.xml")] if extra_sheet else [])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                     'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                     'relationships+xml"/></Types>')
        out.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
                     f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        sheet_list = "".join(f'<{p}sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                             for i, (n, _) in enumerate(sheets))
        out.writestr("xl/workbook.xml", f'<?xml version="1.0"?><{p}workbook {xmlns} xmlns:r="{REL_NS}">'
                     f"<{p}sheets>{sheet_list}</{p}sheets></{p}workbook>")
        rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{REL_NS}/worksheet" Target="{t}"/>'
                       for i, (_, t) in enumerate(sheets))
        rels += f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        out.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{PKG_NS}">{rels}'
                     "</Relationships>")
        items = "".join(f"<{p}si><{p}t>{s}</{p}t></{p}si>" for s in shared)
        out.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><{p}sst {xmlns} count="{len(shared)}" '
                     f'uniqueCount="{len(shared)}">{items}</{p}sst>')
        out.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><{p}worksheet {xmlns}>{head}'
                     f"<{p}sheetData>{rows_xml}</{p}sheetData></{p}worksheet>")
        if extra_sheet:
            out.writestr("xl/worksheets/sheet2.xml", f'<?xml version="1.0"?><{p}worksheet {xmlns}><{p}sheetData>'
                         f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>x</{p}t></{p}is></{p}c></{p}row>'
                         f"</{p}sheetData></{p}worksheet>")
    return path


def column_name(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


# --- the same rows as the whole-sheet reader ------------------------------------------------------

@pytest.mark.parametrize("shared", [True, False], ids=["shared-strings", "inline-strings"])
@pytest.mark.parametrize("sizes", SIZES, ids=SIZE_IDS)
def test_orders_come_out_as_the_whole_sheet_reader_gives_them(tmp_path: Path, sizes: dict[str, int],
                                                               shared: bool) -> None:
    path = write_orders(tmp_path / "orders.xlsx", shared=shared)
    with zipfile.ZipFile(path) as archive:
        assert (b't="s"' in archive.read("xl/worksheets/sheet1.xml")) is shared
    rows = assert_same_rows(path, "订单", sizes)
    assert [number for number, _ in rows] == list(range(1, 122))
    header, first, second = rows[0][1], rows[1][1], rows[2][1]
    assert header[:3] == ["主订单编号", "订单号数字", "收件人"]
    assert first[0] == "6920000000000000000"  # text ids stay exact
    assert first[1] == 6.92e18 and isinstance(first[2], str)
    assert first[5] == date(2024, 1, 1) and first[7] is True
    assert second[6] == datetime(2024, 5, 2, 1, 1, 1) and second[3] == 1.0


@pytest.mark.parametrize("sizes", [SIZES[i] for i in (0, 1, 4)], ids=[SIZE_IDS[i] for i in (0, 1, 4)])
def test_title_line_blank_rows_and_empty_column_a(tmp_path: Path, sizes: dict[str, int]) -> None:
    path = write_orders(tmp_path / "orders.xlsx", title=True, blank_every=7, start_column=2)
    rows = normalise(assert_same_rows(path, "订单", sizes))
    assert rows[0] == (1, [None, "抖店订单导出 2024-05"] + [None] * 9)
    assert rows[1] == (2, [None] * 11)  # the blank line under the title
    assert rows[2][1][:2] == [None, "主订单编号"]  # cell i is sheet column i: column A is empty
    blank = [number for number, cells in rows if not any(c not in (None, "") for c in cells)]
    assert len(blank) == 1 + 3 * (120 // 7)


def test_rows_of_different_widths_are_padded_never_cut(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", ragged=True)
    rows = assert_same_rows(path, "订单", TINY)
    header_width = len(rows[0][1])
    assert header_width == 10
    assert all(len(cells) >= header_width for _, cells in rows)
    assert any(len(cells) == 12 for _, cells in rows)  # wider rows later on keep their cells


def test_a_date1904_workbook(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=30, date1904=True)
    with zipfile.ZipFile(path) as archive:
        assert b"date1904" in archive.read("xl/workbook.xml")
    rows = assert_same_rows(path, "订单", TINY)
    assert rows[1][1][5] == date(2024, 1, 1)


def test_the_second_sheet(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=40, second_sheet=True)
    rows = assert_same_rows(path, "明细", SMALL)
    assert rows[0] == (1, ["订单编号", "商品", "数量"]) and len(rows) == 81
    assert_same_rows(path, "订单", SMALL)


def test_a_piece_boundary_right_after_the_header(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=60)
    table = chunked_table(path, "订单", first_chunk_bytes=1, chunk_bytes=10**6, workbook_bytes=10**9,
                          min_sheet_bytes=0)
    assert table is not None
    rows = list(table.rows())
    head = table._head
    assert head is not None and [number for number, _ in head.rows] == [1]  # the first piece: the header only
    shift, expected = plain_rows(path, "订单")
    assert normalise(rows) == normalise(expected, shift)


def test_inline_strings_namespace_prefix_and_rows_without_r(tmp_path: Path) -> None:
    """x: prefixes; inline, shared and formula strings; a <dimension>; rows and cells without `r`."""
    rows = []
    for number in range(1, 61):
        if number % 10 == 5:
            # no r on the row or its cells: calamine puts it after the row before
            rows.append(f'<x:row><x:c t="inlineStr"><x:is><x:t>无行号{number}</x:t></x:is></x:c><x:c><x:v>{number}'
                        "</x:v></x:c></x:row>")
            continue
        rows.append(f'<x:row r="{number}" spans="1:3"><x:c r="A{number}" t="inlineStr"><x:is><x:t>内联{number}'
                    f'</x:t></x:is></x:c><x:c r="B{number}" t="s"><x:v>{number % 3}</x:v></x:c>'
                    f'<x:c r="C{number}" t="str"><x:f>1+1</x:f><x:v>公式{number}</x:v></x:c></x:row>')
    path = raw_xlsx(tmp_path / "prefixed.xlsx", "\n".join(rows), ["甲", "乙", "丙"], prefix="x",
                    head='<x:dimension ref="A1:C60"/>')
    got = assert_same_rows(path, "Sheet1", TINY)
    assert got[4] == (5, ["无行号5", 5.0, ""])
    assert got[5] == (6, ["内联6", "甲", "公式6"])


def test_shared_strings_out_of_first_use_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Later rows use the first strings: a workbook given too few shared strings is rebuilt with all."""
    monkeypatch.setattr(xlsx_pieces, "_INDEX_SLACK", 0)
    monkeypatch.setattr(xlsx_pieces, "_SAMPLE_BYTES", 60)  # the last cell of each piece: the lowest index
    count = 200
    shared = [f"文字{i}" for i in range(count)]
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{count - n}</v></c><c r="B{n}"><v>{n}</v></c></row>'
                   for n in range(1, count + 1))
    path = raw_xlsx(tmp_path / "reversed.xlsx", rows, shared)
    for sizes in (SMALL, {**SMALL, "first_chunk_bytes": 10**6}, {**SMALL, "spill": False}):
        assert_same_rows(path, "Sheet1", sizes)
    table = chunked_table(path, "Sheet1", **SMALL)
    assert table is not None
    list(table.rows())
    assert table.all_strings  # the truncated shared strings were noticed and replaced


def test_a_shared_string_index_out_of_range_is_an_error_not_a_blank() -> None:
    """The truncated shared strings rely on calamine refusing an index it does not have."""
    with pytest.raises(python_calamine.CalamineError, match="shared strings"):
        workbook = python_calamine.CalamineWorkbook.from_filelike(zip_parts.PartsReader(zip_parts.zip_parts([
            ("[Content_Types].xml", [b"<Types/>"], None, None),
            ("_rels/.rels", [f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/'
                             'officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode()], None, None),
            ("xl/workbook.xml", [f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="S" '
                                 'sheetId="1" r:id="rId1"/></sheets></workbook>'.encode()], None, None),
            ("xl/_rels/workbook.xml.rels", [f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" '
                                            f'Type="{REL_NS}/worksheet" Target="worksheets/s.xml"/>'
                                            "</Relationships>".encode()], None, None),
            ("xl/sharedStrings.xml", [f'<sst xmlns="{MAIN_NS}"><si><t>a</t></si></sst>'.encode()], None, None),
            ("xl/worksheets/s.xml", [f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="s">'
                                     "<v>3</v></c></row></sheetData></worksheet>".encode()], None, None),
        ])))
        workbook.get_sheet_by_name("S")


def test_shared_strings_are_cut_after_whole_items() -> None:
    items = "".join(f"<si><t>{i}</t></si>" if i % 3 else f'<si><r><t xml:space="preserve">{i} </t></r></si>'
                    for i in range(5000))
    data = f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="5000">{items}</sst>'.encode()
    shared = members.SharedStrings(data, zlib.crc32(data))
    assert shared.count == 5000
    for count in (0, 1, 2, 4999, 2500):
        parts, _, size = shared.first(count)
        text = b"".join(parts).decode()
        assert text.count("<si>") == count and text.endswith("</sst>") and size == len(text.encode())
    assert shared.first(5000)[0] == [data]


# --- reading more than once, stopping early, progress ---------------------------------------------

def test_reading_twice_gives_the_same_rows(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=80)
    table = chunked_table(path, "订单", **SMALL)
    assert table is not None
    first = list(table.rows())
    header = next(iter(table.rows()))  # an abandoned reader in between
    first_rows = [row for _, row in zip(range(5), table.rows(), strict=False)]
    assert header == first[0] and first_rows == first[:5]
    assert list(table.rows()) == first
    first[0][1].append("changed by a caller")  # rows handed out are the caller's to change
    assert next(iter(table.rows())) != first[0]


def test_stopping_early_stops_the_helper_thread(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=200)
    # a first piece of some 60 rows, then one row per piece
    table = chunked_table(path, "订单", first_chunk_bytes=20_000, chunk_bytes=1, workbook_bytes=1,
                          min_sheet_bytes=0)
    assert table is not None
    iterator = table.rows()
    for _ in range(10):  # the header search: no thread yet
        next(iterator)
    assert no_helper_threads(timeout=0)
    for _ in range(60):
        next(iterator)
    assert any(t.name == "xlsx-chunks" for t in threading.enumerate())
    iterator.close()
    assert no_helper_threads(timeout=0)  # close() waits for it
    iterator = table.rows()
    rows = [next(iterator) for _ in range(100)]
    del iterator  # abandoned without close: collected at once
    gc.collect()
    assert no_helper_threads()
    assert [number for number, _ in rows] == list(range(1, 101))


def test_progress_runs_from_start_to_end(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=150)
    table = chunked_table(path, "订单", **SMALL)
    assert table is not None
    assert table.fraction_read() is None
    seen = [table.fraction_read() for _ in table.rows()]
    assert all(f is not None for f in seen)
    fractions = [f for f in seen if f is not None]
    assert fractions == sorted(fractions) and 0 < fractions[0] < 0.2 and fractions[-1] > 0.99


def test_a_reader_slower_than_the_parser_holds_a_bounded_number_of_pieces(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=300)
    table = chunked_table(path, "订单", **TINY)
    assert table is not None
    iterator = table.rows()
    for _ in range(40):
        next(iterator)
    inner = iterator.gi_yieldfrom  # rows() delegates to _rows()
    assert inner is not None and inner.gi_frame is not None
    producer = inner.gi_frame.f_locals["producer"]
    deadline = time.monotonic() + 5
    while not producer.queue.full() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    assert producer.queue.full() and producer.queue.qsize() == producer.queue.maxsize  # and no further
    iterator.close()
    assert no_helper_threads(timeout=0)


# --- the rest of the sheet in a spill file --------------------------------------------------------

def spill_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(f"*-{spill.SPILL_PREFIX}*.xlsx"))


def test_the_spill_file_is_deleted_after_reading_and_after_stopping(tmp_path: Path, data_home: Path) -> None:
    spill_dir = data_home / "tmp"  # the app's own folder, not the system's temporary directory
    path = write_orders(tmp_path / "orders.xlsx", rows=300)
    table = chunked_table(path, "订单", **SMALL)
    assert table is not None
    iterator = table.rows()
    rows = [next(iterator) for _ in range(250)]
    assert len(spill_files(spill_dir)) == 1  # rows from it are being read
    if os.name == "posix":  # buyers' names, phones and addresses: the user's eyes only
        assert spill_dir.stat().st_mode & 0o777 == 0o700
        assert (spill_dir / spill_files(spill_dir)[0]).stat().st_mode & 0o777 == 0o600
    rows += list(iterator)
    assert spill_files(spill_dir) == [] and no_helper_threads(timeout=0)
    shift, expected = plain_rows(path, "订单")
    assert normalise(rows) == normalise(expected, shift)
    iterator = table.rows()
    for _ in range(100):
        next(iterator)
    iterator.close()
    assert spill_files(spill_dir) == [] and no_helper_threads(timeout=0)


def test_without_a_temporary_directory_the_rest_is_read_in_memory(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=150)

    def no_temporary_file(prefix: str, suffix: str) -> tuple[int, Path]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(spill, "temp_file", no_temporary_file)
    assert_same_rows(path, "订单", SMALL)
    assert_same_rows(path, "订单", TINY)


class _FullDisk:
    """A file that takes `room` bytes and then fails as a full disk does."""

    failures = 0

    def __init__(self, inner: BinaryIO, room: int) -> None:
        self.inner = inner
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            _FullDisk.failures += 1
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.inner.write(data)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("room", [0, 3000, 70_000], ids=["at-once", "after-a-few-pieces", "half-way"])
@pytest.mark.parametrize("sizes", [SMALL, TINY], ids=["with-spare", "without-spare"])
def test_a_spill_file_that_cannot_be_written_is_given_up_for_memory(
        tmp_path: Path, data_home: Path, monkeypatch: pytest.MonkeyPatch, room: int, sizes: dict[str, int]) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=150)
    spill_dir = data_home / "tmp"
    real_fdopen = os.fdopen
    monkeypatch.setattr(spill.os, "fdopen", lambda handle, mode: _FullDisk(real_fdopen(handle, mode), room))
    monkeypatch.setattr(_FullDisk, "failures", 0)
    assert_same_rows(path, "订单", sizes)
    assert _FullDisk.failures == 1  # the disk filled up once, and that file was given up
    assert spill_files(spill_dir) == [] and no_helper_threads(timeout=0)


# --- damaged sheets are refused like the whole-sheet reader refuses them ---------------------------

def _rewrite_sheet(path: Path, *, old: bytes = b"", new: bytes = b"", cut_at: float | None = None) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    if cut_at is not None:
        sheet = sheet[:int(len(sheet) * cut_at)]
    elif old:
        position = sheet.index(old, len(sheet) * 2 // 3)
        sheet = sheet[:position] + new + sheet[position + len(old):]
    members["xl/worksheets/sheet1.xml"] = sheet
    damaged = path.with_name("damaged.xlsx")
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return damaged


@pytest.mark.parametrize("spill", [True, False], ids=["spilled", "in-memory"])
@pytest.mark.parametrize("damage", ["garbled", "truncated", "bad-index"])
def test_a_damaged_piece_is_refused(tmp_path: Path, damage: str, spill: bool) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=150)
    with zipfile.ZipFile(path) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    if damage == "garbled":
        damaged = _rewrite_sheet(path, old=b"</c>", new=b"</d>")
    elif damage == "truncated":
        damaged = _rewrite_sheet(path, cut_at=0.8)
    else:
        damaged = _rewrite_sheet(path, old=b't="s"><v>', new=b't="s"><v>99999')
    table = chunked_table(damaged, "订单", **SMALL, spill=spill)
    assert table is not None
    read = 0
    with pytest.raises(OrderFileRefused) as refused:
        for _ in table.rows():
            read += 1
    if damage == "bad-index":  # the cell named (it was "…（Cell string index not found in shared strings table）")
        assert re.search(r"工作表“订单”第 \d+ 行 [A-Z] 列的单元格引用文件里的第 99999\d* 号文字", refused.value.reason)
    else:
        assert "工作表“订单”无法读取" in refused.value.reason
    assert read > 40 or damage == "truncated"  # the rows before the damage came out first
    assert no_helper_threads(timeout=0)


def test_the_whole_sheet_reader_refuses_the_same_files(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=150)
    for damaged in (_rewrite_sheet(path, old=b"</c>", new=b"</d>"),
                    _rewrite_sheet(path, old=b't="s"><v>', new=b't="s"><v>99999')):
        workbook = python_calamine.CalamineWorkbook.from_path(str(damaged))
        with pytest.raises(python_calamine.CalamineError):
            workbook.get_sheet_by_name("订单")


# --- when not to read in pieces -------------------------------------------------------------------

def test_small_sheets_are_read_whole(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=50)
    assert chunked_table(path, "订单") is None  # far below MIN_SHEET_BYTES
    assert isinstance(chunked_table(path, "订单", min_sheet_bytes=0), ChunkedXlsxTable)


def test_files_that_are_not_plain_xlsx_are_read_whole(tmp_path: Path) -> None:
    csv = tmp_path / "orders.csv"
    csv.write_text("a,b\n1,2\n", "utf-8")
    xls = tmp_path / "orders.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    ods = tmp_path / "orders.ods"
    with zipfile.ZipFile(ods, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("content.xml", "<office:document-content/>")
    xlsb = tmp_path / "orders.xlsb"
    with zipfile.ZipFile(xlsb, "w") as out:
        out.writestr("xl/workbook.bin", b"\0\1")
        out.writestr("xl/_rels/workbook.bin.rels", "<Relationships/>")
    for path in (csv, xls, ods, xlsb, tmp_path / "missing.xlsx"):
        assert chunked_table(path, "Sheet1", min_sheet_bytes=0) is None


def test_unexpected_worksheets_are_read_whole(tmp_path: Path) -> None:
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>表头</t></is></c></row>'
    assert chunked_table(raw_xlsx(tmp_path / "ok.xlsx", row), "Sheet1", min_sheet_bytes=0) is not None
    assert chunked_table(raw_xlsx(tmp_path / "ok.xlsx", row), "没有这个表", min_sheet_bytes=0) is None
    no_r = '<row><c t="inlineStr"><is><t>表头</t></is></c></row>'
    assert chunked_table(raw_xlsx(tmp_path / "no_r.xlsx", no_r), "Sheet1", min_sheet_bytes=0) is None
    assert chunked_table(raw_xlsx(tmp_path / "empty.xlsx", ""), "Sheet1", min_sheet_bytes=0) is None
    # the sheet's member missing from the package
    path = raw_xlsx(tmp_path / "missing_member.xlsx", row)
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist() if "worksheets" not in i.filename}
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    assert chunked_table(path, "Sheet1", min_sheet_bytes=0) is None
    # no <sheetData> at all, or a self-closing one
    for body in ("<sheetData/>", ""):
        path = raw_xlsx(tmp_path / "odd.xlsx", "")
        with zipfile.ZipFile(path) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist()}
        members["xl/worksheets/sheet1.xml"] = f'<worksheet xmlns="{MAIN_NS}">{body}</worksheet>'.encode()
        with zipfile.ZipFile(path, "w") as out:
            for name, data in members.items():
                out.writestr(name, data)
        assert chunked_table(path, "Sheet1", min_sheet_bytes=0) is None


def test_other_sheets_are_left_out_of_the_pieces(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 2}</v></c></row>' for n in range(1, 40))
    path = raw_xlsx(tmp_path / "two.xlsx", rows, ["一", "二"], extra_sheet=True)
    assert_same_rows(path, "Sheet1", TINY)
    assert_same_rows(path, "Other", TINY)


def test_a_sheet_starting_below_row_1(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="C{n}"><v>{n}</v></c><c r="D{n}" t="b"><v>{n % 2}</v></c></row>'
                   for n in range(3, 50) if n % 9)
    path = raw_xlsx(tmp_path / "low.xlsx", rows)
    got = assert_same_rows(path, "Sheet1", TINY)
    assert got[:3] == [(1, [None] * 4), (2, [None] * 4), (3, [None, None, 3.0, True])]


def test_only_the_latest_table_keeps_its_first_workbook(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=100, second_sheet=True)
    sizes = {"first_chunk_bytes": 300, "chunk_bytes": 300, "workbook_bytes": 10**9, "min_sheet_bytes": 0}
    orders, items = chunked_table(path, "订单", **sizes), chunked_table(path, "明细", **sizes)
    assert orders is not None and items is not None
    assert next(iter(orders.rows()))[0] == 1 and orders._spare is not None
    assert next(iter(items.rows()))[0] == 1 and items._spare is not None
    assert orders._spare is None  # let go when the next table's first rows were read
    for table, name in ((orders, "订单"), (items, "明细")):
        shift, expected = plain_rows(path, name)
        assert normalise(list(table.rows())) == normalise(expected, shift)


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED], ids=["deflated", "stored"])
@pytest.mark.parametrize("read_bytes", [7, 100, 1 << 20])
def test_pieces_put_together_are_the_sheet_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                compression: int, read_bytes: int) -> None:
    monkeypatch.setattr(xlsx_pieces, "READ_BYTES", read_bytes)  # the end tag straddles reads
    rows = "\n".join(f'<row r="{n}" spans="1:2"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr"><is><t>'
                     f"{'长' * (n % 50)}</t></is></c></row>" for n in range(1, 400))
    path = raw_xlsx(tmp_path / "rows.xlsx", rows)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", compression) as out:
        for name, data in members.items():
            out.writestr(name, data)
    table = chunked_table(path, "Sheet1", min_sheet_bytes=0)
    assert table is not None
    xml = table.xml
    sheet = members["xl/worksheets/sheet1.xml"]
    expected = sheet[xml.data_start:sheet.index(b"</sheetData>")]
    for target in (1, 333, 5000, 10**6):
        with zipfile.ZipFile(path) as archive, zip_parts.Inflater(path, archive.getinfo(xml.member)) as stream:
            cutter = xlsx_pieces.Cutter(xml, stream, xml.data_start)
            pieces = []
            while (piece := cutter.next(target)) is not None:
                pieces.append(piece)
        assert b"".join(bytes(p) for p, _, _ in pieces) == expected
        assert all(bytes(p).lstrip().startswith(b'<row r="') for p, _, _ in pieces)
        assert [s for _, s, _ in pieces[1:]] == [e for _, _, e in pieces[:-1]]  # offsets follow each other
    assert_same_rows(path, "Sheet1", {**SMALL, "first_chunk_bytes": 1})


def test_zip_members_the_reader_does_not_inflate_are_read_whole(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "orders.xlsx", rows=30)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as out:  # calamine refuses these, and says why
        for name, data in members.items():
            out.writestr(name, data)
    assert chunked_table(path, "订单", min_sheet_bytes=0) is None


def test_a_workbook_read_in_pieces_is_opened_by_calamine_only_when_a_sheet_is_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from desktop_app.io import spreadsheet_readers

    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    first.title = "订单"
    for number in range(200):
        first.append([f"69000{number:05d}", f"收货人{number}", number * 1.5])
    book.create_sheet("说明").append(["导出说明"])
    book.save(path)
    opened: list[Path] = []
    real_open = spreadsheet_readers._calamine_workbook

    def watched_open(where: Path, kind: str) -> python_calamine.CalamineWorkbook:
        opened.append(where)
        return real_open(where, kind)

    monkeypatch.setattr(spreadsheet_readers, "_calamine_workbook", watched_open)
    monkeypatch.setattr(spreadsheet_readers, "worksheet_names_if_large",
                        partial(xlsx.worksheet_names_if_large, min_sheet_bytes=1))
    monkeypatch.setattr(spreadsheet_readers, "chunked_table", partial(chunked_table, **SMALL))
    spreadsheet = spreadsheet_readers.open_spreadsheet(path)
    try:
        assert spreadsheet.sheet_names() == ["订单", "说明"] and not opened
        pieces = list(spreadsheet.table("订单").rows())
        assert not opened and len(pieces) == 200 and pieces[-1] == (200, ["6900000199", "收货人199", 298.5])
        whole = list(spreadsheet.whole_table("订单").rows())  # read again by order: calamine after all
        assert opened == [path] and whole == [(n, list(cells)) for n, cells in pieces]
        assert spreadsheet.sheet_names() == list(spreadsheet.workbook.sheet_names)
    finally:
        spreadsheet.close()
    monkeypatch.setattr(spreadsheet_readers, "worksheet_names_if_large", xlsx.worksheet_names_if_large)
    spreadsheet_readers.open_spreadsheet(path).close()  # a small workbook is opened at once, as before
    assert opened == [path, path]

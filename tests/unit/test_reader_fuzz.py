"""Hypothesis fuzzing of the csv and xlsx readers (issue 14): whatever the bytes, reading a file raises
nothing but `OrderFileRefused` (a Chinese reason), in bounded time; and a whole import of a fuzzed file
raises nothing at all — the file is refused or imported with its bad rows reported.

Example counts stay modest so CI stays fast (tests/unit/test_csv_reader.py fuzzes the csv quoting).
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database

FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SECONDS = 20  # per example: a bound against hangs, not a speed target
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "用户实付金额(元)", "商品数量(件)", "收货人",
              "手机", "省", "市", "区", "街道", "支付时间", "发货时间", "商品规格", "快递单号", "快递公司"]
GOOD_ROW = ["宠物猫砂", "261101-000000000000001", "已发货，待收货", "79.00", "0.00", "79.00", "1", "梁军桐",
            "18252435900", "广东省", "深圳市", "宝安区", "文一西路535号", "2026-11-01 10:26:13", "2026-11-01 16:26:13",
            "绿茶", "9817105713810", "邮政快递包裹"]

# Cells as exports and hand-made sheets hold them, and worse.
text_cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "-", "合计", "=\"261101-1\"", "'18252435900", "1e30", "6.92345678901235E+18",
                     "￥12.50元", "2026-02-30 10:00:00", "0001-01-01", "No:SF123", "顺丰速运,SF1;中通,2", "\x1b[2J",
                     "\x00", "9" * 40]),
    st.from_regex(r"261101-[0-9]{15}", fullmatch=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
sheet_cells = st.one_of(
    text_cells,
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["=1+1", "=SUM(D2:D3)", "=A1&\"x\""]),  # formulas openpyxl saves without a result
)


def _read_everything(path: Path) -> None:
    """Open the file and read every row of every sheet, as the import's header search and reading do."""
    spreadsheet = open_spreadsheet(path)
    try:
        for name in spreadsheet.sheet_names():
            for _number, cells in spreadsheet.table(name).rows():
                assert isinstance(cells, (list, tuple))
    finally:
        spreadsheet.close()


def _read_or_refused(path: Path) -> None:
    started = time.perf_counter()
    try:
        _read_everything(path)
    except OrderFileRefused as refused:
        assert CHINESE.search(refused.reason), refused.reason
    assert time.perf_counter() - started < SECONDS


def _xlsx(rows: list[list[object]], merges: list[str] = ()) -> bytes:  # type: ignore[assignment]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BASE_XLSX = _xlsx([PDD_HEADER, GOOD_ROW, [*GOOD_ROW[:1], "261101-000000000000002", *GOOD_ROW[2:]]])


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


# --- the readers alone ----------------------------------------------------------------------------

@FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(BASE_XLSX) - 1), st.integers(0, 255)),
                      max_size=6),
       cut=st.one_of(st.none(), st.integers(min_value=0, max_value=len(BASE_XLSX))))
def test_a_damaged_xlsx_is_read_or_refused(tmp_path: Path, flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(BASE_XLSX)
    for position, value in flips:
        data[position] = value
    path = tmp_path / "orders.xlsx"
    path.write_bytes(bytes(data[:cut]) if cut is not None else bytes(data))
    _read_or_refused(path)


def _flagged(data: bytes, member: bytes, bit: int, offset: int = 8) -> bytes:
    """The package with a bit set in a byte of `member`'s central directory entry (8: the general-purpose
    flags; 6: the version needed to extract)."""
    changed = bytearray(data)
    at = changed.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(changed[at + 28:at + 30], "little")
        if changed[at + 46:at + 46 + length] == member:
            changed[at + offset] |= bit
        at = changed.find(b"PK\x01\x02", at + 4)
    assert changed != data, member
    return bytes(changed)


@pytest.mark.parametrize("member", [b"xl/workbook.xml", b"xl/_rels/workbook.xml.rels", b"xl/worksheets/sheet1.xml",
                                    b"[Content_Types].xml"])
def test_a_member_flagged_as_patched_data_is_read_or_refused(tmp_path: Path, db: Database, member: bytes) -> None:
    # zipfile refuses flag bit 5 ("compressed patched data") with NotImplementedError, found by the fuzz
    # above: it reached the user as a traceback from the check for a sheet large enough to read in pieces.
    path = tmp_path / "orders.xlsx"
    path.write_bytes(_flagged(BASE_XLSX, member, 0x20))
    _read_or_refused(path)
    _imported_or_refused(db, path, 2)


@pytest.mark.parametrize("member", [b"xl/workbook.xml", b"xl/worksheets/sheet1.xml"])
def test_a_member_needing_a_newer_zip_version_is_refused(tmp_path: Path, db: Database, member: bytes) -> None:
    # zipfile refuses "version needed to extract" above 6.3 with NotImplementedError while listing the
    # package (found by the fuzz above: a flipped bit made it 6.4), which no handler caught.
    path = tmp_path / "orders.xlsx"
    path.write_bytes(_flagged(BASE_XLSX, member, 0x40, offset=6))
    _read_or_refused(path)
    _imported_or_refused(db, path, 2)


_CELL_REF = st.tuples(st.sampled_from(["A", "B", "Z", "AA", "XFD", "XFE", "a", "", "1"]),
                      st.sampled_from(["1", "2", "3", "1048576", "1048577", "0", "", "A"]))
_CELL_XML = st.one_of(
    st.builds(lambda ref, v: f'<c r="{ref[0]}{ref[1]}" t="inlineStr"><is><t>{v}</t></is></c>', _CELL_REF,
              st.text(alphabet="订单号ab1-&<>;\"", max_size=12)),
    st.builds(lambda ref, v: f'<c r="{ref[0]}{ref[1]}"><v>{v}</v></c>', _CELL_REF,
              st.sampled_from(["1", "1.5", "1e308", "-0", "NaN", "x", ""])),
    st.builds(lambda ref, f: f'<c r="{ref[0]}{ref[1]}"><f>{f}</f></c>', _CELL_REF, st.sampled_from(["1+1", "", "A1"])),
    st.builds(lambda ref: f'<c r="{ref[0]}{ref[1]}" t="s"><v>99</v></c>', _CELL_REF),  # no shared strings
)


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["1", "2", "3", "1048576", "0", "x", None]),
                               st.lists(_CELL_XML, max_size=4)), max_size=5),
       merges=st.lists(st.builds(lambda a, b: f'<mergeCell ref="{a[0]}{a[1]}:{b[0]}{b[1]}"/>', _CELL_REF, _CELL_REF),
                       max_size=2))
def test_hand_written_sheet_xml_is_read_or_refused(tmp_path: Path, rows: list[tuple[str | None, list[str]]],
                                                   merges: list[str]) -> None:
    """Cell positions, types and formulas an exporter could write (or an attacker): calamine must never be
    asked to allocate for them unchecked, and merged ranges and formulas must not break the reader."""
    body = "".join((f'<row r="{r}">' if r is not None else "<row>") + "".join(cells) + "</row>" for r, cells in rows)
    tail = f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>' if merges else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData>{tail}</worksheet>')
    path = tmp_path / "orders.xlsx"
    path.write_bytes(_package(sheet))
    _read_or_refused(path)


def _package(sheet_xml: str) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(BASE_XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in base.infolist():
            data = base.read(info.filename)
            package.writestr(info.filename, sheet_xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else data)
    return buffer.getvalue()


@FUZZ
@given(data=st.binary(max_size=300), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]),
       rows=st.lists(st.lists(text_cells, max_size=20), max_size=6))
def test_any_csv_bytes_are_read_or_refused(tmp_path: Path, data: bytes, encoding: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([PDD_HEADER, *rows])
    path = tmp_path / "orders.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace") + data)
    _read_or_refused(path)


# --- whole imports --------------------------------------------------------------------------------

def _imported_or_refused(db: Database, path: Path, rows: int) -> None:
    started = time.perf_counter()
    [result] = import_files(db, [path]).files
    assert time.perf_counter() - started < SECONDS
    if result.refused is not None:
        assert CHINESE.search(result.refused), result.refused
        assert not result.inserted and not result.updated
        return
    assert result.inserted + result.updated + result.unchanged <= rows
    assert all(CHINESE.search(e.message) for e in result.errors)
    assert all(e.row is None or 1 <= e.row <= rows + 1 for e in result.errors)


@FUZZ
@given(rows=st.lists(st.lists(text_cells, min_size=0, max_size=len(PDD_HEADER) + 2), min_size=1, max_size=8))
def test_a_fuzzed_csv_import_is_stored_or_reported(db: Database, tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(_csv([PDD_HEADER, *rows]))
    _imported_or_refused(db, path, len(rows))


@FUZZ
@given(rows=st.lists(st.lists(sheet_cells, min_size=0, max_size=len(PDD_HEADER)), min_size=1, max_size=6),
       merge=st.booleans())
def test_a_fuzzed_xlsx_import_is_stored_or_reported(db: Database, tmp_path: Path, rows: list[list[object]],
                                                    merge: bool) -> None:
    # openpyxl refuses some values itself (control characters): those are not files anyone can write
    cleaned = [[c if not isinstance(c, str) or c.isprintable() else "x" for c in row] for row in rows]
    path = tmp_path / "orders.xlsx"
    path.write_bytes(_xlsx([PDD_HEADER, *cleaned], ["B2:B3"] if merge and len(rows) > 1 else []))
    _imported_or_refused(db, path, len(rows))

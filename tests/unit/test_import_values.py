"""Cell cleaning: the decorations platforms add, money in fen, counts, China times, ids Excel rounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from desktop_app.core.clock import CHINA
from desktop_app.core.order_records import utc_text
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.excel_cells import excel_shows
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import Cleaning
from desktop_app.store.models import Order
from desktop_app.store.order_upsert import cleaned_search_text, search_text_of
from desktop_app.store.order_upsert_statements import StorageCodec
from desktop_app.store.search import build_search_text

CLEAN = CellCleaner(Cleaning(tracking_prefixes=("No:",)))


@pytest.mark.parametrize(("raw", "text"), [
    ('="4145384019161461003"', "4145384019161461003"),
    ("'19328792174", "19328792174"),
    ("SKU-Z0STUQ\t", "SKU-Z0STUQ"),
    ("  梁军桐 ", "梁军桐"),
    ("", None),
    ("\t", None),
    ("-", None),
    (None, None),
    (3.0, "3"),
])
def test_text_cleaning(raw: object, text: str | None) -> None:
    assert CLEAN.text(raw) == text


@pytest.mark.parametrize(("raw", "fen"), [
    ("158.00", 15800), ("￥0.00元", 0), ("1,234.50", 123450), ("29.9", 2990), (396.1, 39610), (199, 19900),
    (0.1 + 0.2, 30), ("", None), (None, None), ('="12.00"', 1200),
])
def test_money_is_integer_fen(raw: object, fen: int | None) -> None:
    assert CLEAN.money(raw) == fen


def test_a_nul_in_a_text_cell_is_a_cell_error_one_cell_or_a_column() -> None:
    # An xlsx cell can hold one (its _x0000_ escape): stored, it made a PostgreSQL import an internal error.
    for convert in (CLEAN.text, CLEAN.identifier, CLEAN.tracking):
        with pytest.raises(CellError, match="空字符"):
            convert("梁\x00军")
        with pytest.raises(CellError, match="空字符"):
            CLEAN.many(convert)(["梁军桐", "梁\x00军"])


@pytest.mark.parametrize(("raw", "message"), [
    ("abc", "不是有效的金额"), ("12.345", "两位小数"), ("-5.00", "负数"), ("NaN", "不是有效的金额"),
    (12.345, "两位小数"),
    # Decimal reads these (1e5 as 100,000 yuan); no export writes them.
    ("1e5", "不是有效的金额"), ("2E3", "不是有效的金额"), ("1_000", "不是有效的金额"), ("Infinity", "不是有效的金额"),
])
def test_bad_money_is_a_cell_error(raw: object, message: str) -> None:
    with pytest.raises(CellError, match=message):
        CLEAN.money(raw)


@pytest.mark.parametrize(("raw", "count"), [("2", 2), ("1\t", 1), (3.0, 3), (2, 2), ("", None), ("2.0", 2)])
def test_counts(raw: object, count: int | None) -> None:
    assert CLEAN.count(raw) == count


@pytest.mark.parametrize("raw", ["2.5", 1.5, "两件", "-1"])
def test_bad_counts(raw: object) -> None:
    with pytest.raises(CellError):
        CLEAN.count(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-06 20:56:31", datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    ("2026-11-06 20:56:31\t", datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    ("2026/11/6 8:05", datetime(2026, 11, 6, 8, 5, tzinfo=CHINA)),
    ("2026年11月6日 20:56:31", datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    ("2026-11-06", datetime(2026, 11, 6, tzinfo=CHINA)),
    (datetime(2026, 11, 6, 20, 56, 31), datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    (46332.5, datetime(2026, 11, 6, 12, 0, tzinfo=CHINA)),  # an Excel serial number
    ("", None), ("0000-00-00 00:00:00", None), (None, None),
    # were refused as unreadable: a Chinese input method's full-width digits and dash, an invisible mark
    # pasted in front from a web page, minutes written with 分 and no seconds
    ("２０２６－１１－０６　２０：５６：３１", datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    ("\u200b2026-11-06 20:56:31", datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA)),
    ("\u202a2026/11/6 8:05\u202c", datetime(2026, 11, 6, 8, 5, tzinfo=CHINA)),
    ("2026年11月6日 20时56分", datetime(2026, 11, 6, 20, 56, tzinfo=CHINA)),
])
def test_times_are_china_time_and_aware(raw: object, expected: datetime | None) -> None:
    value = CLEAN.moment(raw)
    assert value == expected
    if value is not None:
        assert value.tzinfo is not None and value.utcoffset() == CHINA.utcoffset(value)


@pytest.mark.parametrize(("raw", "message"), [
    ("2026-02-30 10:00:00", "不存在"), ("2026-13-01", "不存在"), ("2026-11-06 25:00", "不存在"),
    ("明天", "不是可识别的日期时间"), ("1899-12-31 00:00:00", "不是合理的日期"),
])
def test_impossible_dates_are_cell_errors(raw: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        CLEAN.moment(raw)


def _utc_or_error(convert: Callable[[], str | None]) -> object:
    try:
        return convert()
    except CellError as exc:
        return ("CellError", str(exc))


def test_many_times_to_utc_text_as_one_at_a_time() -> None:
    """`utc_texts` (minutes and seconds kept, the hour looked up) gives what `moment` + `utc_text` give,
    errors included: every hour of days around the edges, leap days, summer-time years, odd forms."""
    cleaner = CellCleaner(Cleaning())
    values: list[object] = []
    for day in ("1990-06-01", "1991-07-15", "1991-12-31", "1992-01-01", "2024-02-29", "2023-02-29",
                "2024-12-31", "2026-01-01", "2100-12-31", "2101-01-01", "2024-13-01", "2024-W01-1"):
        values += [f"{day} {hour:02d}:{minute:02d}:{second:02d}"
                   for hour in range(25) for minute, second in ((0, 0), (7, 59), (59, 59))]
    values += ["2024-01-01 12:60:00", "2024-01-01 12:30:60", " 2024-01-01 12:30:00\t", "2024-01-01T12:30:00",
               "2024/01/01 12:30:00", "2024-01-01 1２:30:00", "2024-01-01 -1:30:00", "2024-01-01 12:30:00.5",
               "", None, 46332.5, datetime(2026, 11, 6, 20, 56, 31), "0000-00-00 00:00:00"]
    one_by_one = [_utc_or_error(lambda v=v: None if (m := cleaner.moment(v)) is None else utc_text(m))
                  for v in values]
    together = [_utc_or_error(lambda v=v: cleaner.utc_texts([v])[0]) for v in values]
    assert together == one_by_one
    plain = [v for v, found in zip(values, one_by_one, strict=True) if isinstance(found, str)]
    assert cleaner.utc_texts(plain) == [f for f in one_by_one if isinstance(f, str)]  # and as one column
    assert cleaner.utc_texts(["2026-11-06 07:56:31"]) == ["2026-11-05 23:56:31.000000"]


@pytest.mark.parametrize("kind", ["count", "money", "tracking", "identifier", "text"])
def test_whole_columns_convert_as_each_cell_does(kind: str) -> None:
    """`many` (inline common cells, caches of repeated values) gives each cell what the method gives it,
    a bad cell raising the same error, in any order (a cached 1 never answers for True)."""
    cleaner = CellCleaner(Cleaning(tracking_prefixes=("No:", "NO:")))
    convert = getattr(cleaner, kind)
    cells: list[object] = ["1", "2", " 3\t", "1", 1.0, 1, 2.0, True, False, 0, "0", "", None, "12.50", "￥0.00元",
                           "No:4793834701746", "NO: 7312 ", "No:", "='2319'", "'138", "1E5", "6.92E+18", 2.5, "x",
                           "-", "No:1E5", "SF123", "1,000"]
    for order in (cells, cells[::-1]):
        for cell in order:
            try:
                expected: object = convert(cell)
            except CellError as exc:
                expected = ("CellError", str(exc))
            try:
                got: object = cleaner.many(convert)([1.0, "1", cell])[2]
            except CellError as exc:
                got = ("CellError", str(exc))
            assert got == expected, cell


def test_order_numbers_that_excel_rounded_are_refused() -> None:
    with pytest.raises(CellError, match=r"6\.92345678901235E\+18"):
        CLEAN.order_no(6.92345678901235e18)  # a numeric cell: the last digits are gone
    with pytest.raises(CellError, match="科学计数法"):
        CLEAN.order_no("6.92345678901235E+18")  # the same, saved as text by Excel
    with pytest.raises(CellError, match="科学计数法"):
        CLEAN.identifier("9.81710571381E+12")
    with pytest.raises(CellError, match="订单号"):
        CLEAN.order_no("订单号")


def test_short_numeric_ids_are_exact_and_kept() -> None:
    # Below 10**15 a numeric cell holds every digit (Excel keeps 15 significant digits).
    assert CLEAN.order_no(342696464696.0) == "342696464696"
    assert CLEAN.identifier(19328792174.0) == "19328792174"
    assert CLEAN.order_no("261101-103283030276851") == "261101-103283030276851"
    assert CLEAN.order_no('="4145384019161461003"') == "4145384019161461003"


def test_tracking_prefix_is_removed() -> None:
    assert CLEAN.tracking("No:YT9128657420415") == "YT9128657420415"
    assert CLEAN.tracking("No:4793834701746") == "4793834701746"
    assert CLEAN.tracking("SF123") == "SF123"


def test_excel_display_form() -> None:
    assert excel_shows(6.92345678901235e18) == "6.92345678901235E+18"
    assert excel_shows(1.5e-7) == "1.50000000000000E-7"


def test_storage_codec_matches_sqlalchemy_sqlite_datetime() -> None:
    """The importer binds times pre-formatted; they must be exactly what SQLAlchemy would store."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    process = Order.__table__.c.paid_at.type.dialect_impl(dialect).bind_processor(dialect)
    codec = StorageCodec("sqlite")
    for value in (datetime(2026, 11, 6, 20, 56, 31, tzinfo=CHINA), datetime(2026, 1, 1, 0, 0, 0, 1234, tzinfo=UTC)):
        assert codec.time(value) == process(value)
    assert StorageCodec("postgresql").time(datetime(2026, 11, 6, 8, 0, tzinfo=CHINA)) == datetime(2026, 11, 6, 0, 0)


@pytest.mark.parametrize("parts", [
    ["4145", " 秦文红 ", None, "", "YT1", "宠物猫砂 豆腐砂 6L*4包", "TbNick"],
    ["A", "B"], [], [None], ["  x  y "],
])
def test_search_text_matches_the_store(parts: list[str | None]) -> None:
    assert search_text_of(parts) == build_search_text(parts)


def test_the_search_text_of_cleaned_cells_matches_the_store() -> None:
    cleaner = CellCleaner(Cleaning())
    cells = ['="4145384019161461003"', " 秦文红\t", None, "", "  ", "'19328792174", "ＸＬ码 Tee", "TbNick"]
    parts = [cleaner.text(cell) for cell in cells]
    assert cleaned_search_text(parts) == build_search_text(parts) == search_text_of(parts)

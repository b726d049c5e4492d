"""Upsert semantics: later exports update, never duplicate; items are a set; placeholders are filled in."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from order_files import (
    DOUYIN_HEADER,
    PDD_HEADER,
    SAMPLES,
    copy_sample,
    count_rows,
    douyin_row,
    item_rows,
    order_row,
    pdd_row,
    rows_of,
    run_import,
    write_csv,
    write_xlsx,
)

from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.search_index import catch_up
from desktop_app.store.database import Database
from desktop_app.store.search import matching_order_ids


def _fts_hits(db: Database, text: str) -> list[int]:
    if db.path is None:  # PostgreSQL: its trigram-indexed search is never behind
        with db.reading() as s:
            return list(s.scalars(matching_order_ids(text, db.engine.dialect.name)))
    catch_up(db)  # the index itself, not the queued-orders fallback
    with sqlite3.connect(db.path) as conn:
        return [r[0] for r in conn.execute("select rowid from order_search where order_search match ?",
                                           (f'"{text.lower()}"',))]


def test_a_later_export_updates_and_never_duplicates(tmp_path: Path, db: Database) -> None:
    first = write_csv(tmp_path / "monday.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", status="待发货", tracking="", carrier="", shipped_at=""),
        pdd_row("261101-000000000000002"),
    ])
    run_import(db, first)
    before = order_row(db, "pdd:261101-000000000000001")
    assert before is not None and before["tracking_no"] is None
    later = write_csv(tmp_path / "tuesday.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", status="已发货，待收货", tracking="YT2729422331625", carrier="圆通速递",
                shipped_at="2026-11-02 09:00:00"),
        pdd_row("261101-000000000000002"),
        pdd_row("261101-000000000000003"),
    ])
    result = run_import(db, later)
    [file] = result.files
    assert (file.inserted, file.updated, file.unchanged) == (1, 1, 1)
    assert count_rows(db) == 3
    after = order_row(db, "pdd:261101-000000000000001")
    assert after is not None
    assert after["id"] == before["id"] and after["version"] == before["version"] + 1
    assert (after["status"], after["tracking_no"], after["carrier"]) == (
        "已发货，待收货", "YT2729422331625", "圆通速递")
    assert after["shipped_at"] == "2026-11-02 01:00:00.000000"  # China 09:00 stored as UTC
    assert after["source_file"] == str(later.resolve()) and after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]
    # The search index follows the new tracking number.
    assert _fts_hits(db, "YT2729422331625") == [after["id"]]
    unchanged = order_row(db, "pdd:261101-000000000000002")
    assert unchanged is not None and unchanged["version"] == 1 and unchanged["source_file"] == str(first.resolve())


def test_items_are_replaced_as_a_set(tmp_path: Path, db: Database) -> None:
    main = "6900000000000000001"
    run_import(db, write_xlsx(tmp_path / "a.xlsx", {"Sheet1": [
        DOUYIN_HEADER,
        douyin_row(main, main[:-2] + "01", "耳机"),
        douyin_row(main, main[:-2] + "02", "袜子"),
    ]}))
    assert [t for t, *_ in item_rows(db, f"douyin:{main}")] == ["耳机", "袜子"]
    result = run_import(db, write_xlsx(tmp_path / "b.xlsx", {"Sheet1": [
        DOUYIN_HEADER,
        douyin_row(main, main[:-2] + "03", "毛毯", quantity=2.0),
    ]}))
    assert result.files[0].updated == 1
    assert item_rows(db, f"douyin:{main}") == [("毛毯", "黑色", 2, 19900, main[:-2] + "03")]
    assert count_rows(db, "order_items") == 1
    row = order_row(db, f"douyin:{main}")
    assert row is not None and row["item_count"] == 2
    assert "毛毯" in row["search_text"] and "耳机" not in row["search_text"]


def test_a_placeholder_from_a_hand_typed_case_is_filled_in(tmp_path: Path, db: Database) -> None:
    case_id = open_case(db, NewCase(platform=Platform.TMALL, order_no="4145384019161461003", kind=CaseKind.RESHIP,
                                    requested=parse_moment("2026-11-10 10:00"), receiver="秦文红"),
                        author="test").case_id
    placeholder = order_row(db, "taobao:4145384019161461003")
    assert placeholder is not None and placeholder["imported_at"] is None
    order_list, _ = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    result = run_import(db, order_list)
    assert result.files[0].inserted == 40 and result.files[0].updated == 0  # the placeholder counts as new
    filled = order_row(db, "taobao:4145384019161461003")
    assert filled is not None and filled["id"] == placeholder["id"]
    assert filled["imported_at"] is not None and filled["version"] == placeholder["version"] + 1
    assert filled["platform"] == "tmall"  # the shop said Tmall; the shared export cannot tell
    assert (filled["receiver"], filled["paid_fen"], filled["tracking_no"]) == ("秦文红", 15800, "4793834701746")
    assert item_rows(db, "taobao:4145384019161461003")[0][0] == "宠物猫砂 豆腐砂 6L*4包"
    assert count_rows(db) == 40
    assert rows_of(db, "select order_id from cases where id = :id", id=case_id) == [(filled["id"],)]


def test_shops_are_created_once(tmp_path: Path, db: Database) -> None:
    order_list, _ = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    run_import(db, order_list)
    run_import(db, order_list)
    assert rows_of(db, "select platform, name from shops") == [("taobao", "小林家居旗舰店")]
    assert rows_of(db, "select count(distinct shop_id), count(*) from orders") == [(1, 40)]


def test_a_column_missing_from_a_later_export_keeps_the_stored_value(tmp_path: Path, db: Database) -> None:
    run_import(db, write_csv(tmp_path / "full.csv", [PDD_HEADER, pdd_row("261101-000000000000001")]))
    slim_header = [h for h in PDD_HEADER if h not in ("快递公司", "收货人")]
    slim = [v for h, v in zip(PDD_HEADER, pdd_row("261101-000000000000001", status="已签收"), strict=True)
            if h in slim_header]
    result = run_import(db, write_csv(tmp_path / "slim.csv", [slim_header, slim]))
    assert result.files[0].updated == 1
    row = order_row(db, "pdd:261101-000000000000001")
    assert row is not None and (row["status"], row["carrier"], row["receiver"]) == ("已签收", "邮政快递包裹", "梁军桐")
    assert "梁军桐" in row["search_text"]


def test_imported_orders_are_found_by_the_search_index(tmp_path: Path, db: Database) -> None:
    [path] = copy_sample(tmp_path, "pdd_orders.csv")
    run_import(db, path)
    row = order_row(db, "pdd:261101-103283030276851")
    assert row is not None
    for text in ("18252435900", "2435900", "9817105713810", "豆腐砂", "261101-1032830"):
        assert row["id"] in _fts_hits(db, text), text


def test_times_are_stored_timezone_aware(tmp_path: Path, db: Database) -> None:
    from sqlalchemy import select

    from desktop_app.core.clock import CHINA
    from desktop_app.store.models import Order

    run_import(db, write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row(paid_at="2026-11-01 10:26:13")]))
    with db.reading() as session:
        paid_at = session.execute(select(Order.paid_at)).scalar_one()
    assert paid_at is not None and paid_at.tzinfo is not None
    assert paid_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-01 10:26:13"


def test_a_later_export_with_masked_buyer_data_keeps_the_full_values(tmp_path: Path, db: Database) -> None:
    # Platforms mask the phone and name in exports made after an order closes (182****5900, 梁*桐): the
    # full values an earlier export gave are what a 货值说明 and a reship need, so they are kept.
    run_import(db, write_csv(tmp_path / "early.csv", [
        PDD_HEADER, pdd_row("261101-000000000000001"), pdd_row("261101-000000000000002"),
        pdd_row("261101-000000000000003")]))
    [file] = run_import(db, write_csv(tmp_path / "late.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", phone="182****5900", receiver="梁*桐"),
        pdd_row("261101-000000000000002", phone="182****5900", status="已签收"),
        pdd_row("261101-000000000000003", phone="139****0000"),  # another number: the platform's word
    ])).files
    assert (file.inserted, file.updated, file.unchanged) == (0, 2, 1)
    first = order_row(db, "pdd:261101-000000000000001")
    second = order_row(db, "pdd:261101-000000000000002")
    third = order_row(db, "pdd:261101-000000000000003")
    assert first is not None and (first["phone"], first["receiver"]) == ("18252435900", "梁军桐")
    assert second is not None and (second["phone"], second["status"]) == ("18252435900", "已签收")
    assert third is not None and third["phone"] == "139****0000"
    assert second["id"] in _fts_hits(db, "18252435900")


def test_an_order_list_imported_twice_without_its_detail_file_is_unchanged(tmp_path: Path, db: Database) -> None:
    # The list names an order's goods in one cell (标题一，标题二); stored as one line each, they gave the
    # search text of a re-import another form, and the same file imported again "updated" those orders.
    rows = list(csv.reader(io.StringIO((SAMPLES / "taobao_ExportOrderList.csv").read_bytes().decode("gbk"))))
    rows[1][19], rows[1][24] = "宠物猫砂 豆腐砂 6L*4包，陶瓷马克杯 情侣款 带盖勺", "2"  # two titles, two items
    path = tmp_path / "ExportOrderList202611.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("gbk"))
    first = run_import(db, path).files[0]
    assert first.inserted == 40 and first.rejected == 0
    [again] = run_import(db, path).files
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 40)
    titles = [r[0] for r in item_rows(db, "taobao:4145384019161461003")]
    assert titles == ["宠物猫砂 豆腐砂 6L*4包", "陶瓷马克杯 情侣款 带盖勺"]

"""Row validation (Chinese reasons, row numbers, columns) and the layouts a real export may have."""

from __future__ import annotations

from pathlib import Path

from order_files import (
    DOUYIN_HEADER,
    PDD_HEADER,
    count_rows,
    douyin_row,
    item_rows,
    order_row,
    pdd_row,
    run_import,
    write_csv,
    write_xlsx,
)

from desktop_app.io.row_checks import TEXT_LIMITS
from desktop_app.store.database import Database
from desktop_app.store.models import Order, OrderItem, Shop


def _errors(result: object) -> list[tuple[int | None, str | None, str]]:
    [file] = result.files  # type: ignore[attr-defined]
    return [(e.row, e.column, e.message) for e in file.errors]


def test_bad_rows_are_rejected_with_row_column_and_reason(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "pdd.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001"),
        pdd_row(""),  # row 3: no order number
        pdd_row("261101-000000000000003", paid="七十九"),  # row 4
        pdd_row("261101-000000000000004", paid_at="2026-02-30 10:00:00"),  # row 5
        pdd_row("2.61101E+20"),  # row 6: Excel's scientific notation
        pdd_row("261101-000000000000006", quantity="1.5"),  # row 7
    ])
    result = run_import(db, path)
    assert result.exit_code == 1
    [file] = result.files
    assert (file.inserted, file.rejected) == (1, 5)
    errors = _errors(result)
    assert [(row, column) for row, column, _ in errors] == [
        (3, "订单号"), (4, "用户实付金额(元)"), (5, "支付时间"), (6, "订单号"), (7, "商品数量(件)")]
    messages = [m for _, _, m in errors]
    assert "缺少订单号" in messages[0]
    assert "七十九" in messages[1] and "不是有效的金额" in messages[1]
    assert "2026-02-30" in messages[2] and "不存在" in messages[2]
    assert "科学计数法" in messages[3] and "位数已经丢失" in messages[3]
    assert "整数" in messages[4]
    assert count_rows(db) == 1 and order_row(db, "pdd:261101-000000000000001") is not None


def test_a_numeric_order_number_cell_is_rejected_never_rounded(tmp_path: Path, db: Database) -> None:
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [
        DOUYIN_HEADER,
        douyin_row("6932514974524900029", "6932514974524900001"),
        douyin_row(6.92345678901235e18, "6923456789012350001"),  # type: ignore[arg-type]  # Excel turned it into a number
    ]})
    result = run_import(db, path)
    # One row per item: the row could be an item of any order, so the file is refused (never an order
    # stored without one of its items), the row and column named.
    assert result.exit_code == 2
    refused = result.files[0].refused
    assert refused is not None and "第 3 行“主订单编号”列" in refused
    assert "6.92345678901235E+18" in refused and "15 位" in refused
    assert count_rows(db) == 0
    assert order_row(db, "douyin:6923456789012350000") is None


def test_row_numbers_count_a_title_line_above_the_header(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "pdd.csv", [
        ["拼多多订单导出（2026-11-21）"],
        PDD_HEADER,
        pdd_row("261101-000000000000001"),
        pdd_row("261101-000000000000002", goods="abc"),
    ])
    result = run_import(db, path)
    assert [(row, column) for row, column, _ in _errors(result)] == [(4, "商品总价(元)")]
    assert result.files[0].inserted == 1


def test_title_line_totals_blank_rows_extra_and_reordered_columns_are_tolerated(tmp_path: Path, db: Database) -> None:
    header = [*PDD_HEADER, "备注说明"]
    order = list(reversed(range(len(header))))  # every column in the opposite order

    def shuffled(row: list[str]) -> list[str]:
        return [row[i] for i in order]

    path = write_xlsx(tmp_path / "pdd.xlsx", {"订单": [
        ["拼多多 订单列表 导出时间 2026-11-21 09:00"],
        shuffled(header),
        shuffled([*pdd_row("261101-000000000000001"), "x"]),
        shuffled([*pdd_row("261101-000000000000002", paid="12.30"), ""]),
        [None] * len(header),
        ["合计", None, None, "91.30"],
        [],
    ]})
    result = run_import(db, path)
    assert result.exit_code == 0, _errors(result)
    assert result.files[0].inserted == 2
    row = order_row(db, "pdd:261101-000000000000002")
    assert row is not None and row["paid_fen"] == 1230 and row["receiver"] == "梁军桐"


def test_missing_optional_columns_are_fine(tmp_path: Path, db: Database) -> None:
    keep = [PDD_HEADER.index(h) for h in ("订单号", "用户实付金额(元)", "商品总价(元)", "收货人")]
    path = write_csv(tmp_path / "pdd.csv", [
        [PDD_HEADER[i] for i in keep],
        [pdd_row("261101-000000000000001")[i] for i in keep],
    ])
    result = run_import(db, path)
    assert result.exit_code == 0
    row = order_row(db, "pdd:261101-000000000000001")
    assert row is not None and row["tracking_no"] is None and row["paid_fen"] == 7900


def test_encodings(tmp_path: Path, db: Database) -> None:
    rows = [PDD_HEADER, pdd_row("261101-000000000000001", receiver="𠮷野家")]  # 𠮷 exists in GB18030, not GBK
    for number, encoding in enumerate(("gb18030", "utf-8-sig", "utf-8"), start=1):
        rows[1] = pdd_row(f"261101-00000000000000{number}", receiver="𠮷野家")
        write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding)
        result = run_import(db, tmp_path / f"{encoding}.csv")
        assert result.exit_code == 0, (encoding, result)
        row = order_row(db, f"pdd:261101-00000000000000{number}")
        assert row is not None and row["receiver"] == "𠮷野家", encoding
    gbk_rows = [PDD_HEADER, pdd_row("261101-000000000000009", receiver="秦文红")]
    result = run_import(db, write_csv(tmp_path / "gbk.csv", gbk_rows, encoding="gbk"))
    assert result.exit_code == 0


def test_tab_separated_text_named_xls_and_csv_named_xlsx_are_read_by_content(tmp_path: Path, db: Database) -> None:
    tsv = write_csv(tmp_path / "orders.xls", [PDD_HEADER, pdd_row("261101-000000000000001")], delimiter="\t")
    renamed = write_csv(tmp_path / "orders.xlsx", [PDD_HEADER, pdd_row("261101-000000000000002")], encoding="gbk")
    result = run_import(db, tsv, renamed)
    assert result.exit_code == 0 and result.inserted == 2


def test_sub_orders_are_grouped_and_a_bad_one_rejects_its_whole_order(tmp_path: Path, db: Database) -> None:
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [
        DOUYIN_HEADER,
        douyin_row("6900000000000000001", "6900000000000000101", "耳机", quantity=2.0, price=89.0, payable=178.0,
                   postage=0.0),
        douyin_row("6900000000000000001", "6900000000000000102", "手机壳", quantity=1.0, price=9.9, payable=178.0),
        douyin_row("6900000000000000002", "6900000000000000201", "马克杯", quantity=1.0),
        douyin_row("6900000000000000002", "6900000000000000202", "袜子", quantity="两双"),
        douyin_row("6900000000000000002", "6900000000000000203", "毛毯", quantity=1.0),
    ]})
    result = run_import(db, path)
    assert result.exit_code == 1
    [file] = result.files
    assert (file.inserted, file.rejected) == (1, 3)
    assert [(row, column) for row, column, _ in _errors(result)] == [(5, "商品数量"), (4, None), (6, None)]
    assert "其他行有错误" in _errors(result)[1][2]
    assert item_rows(db, "douyin:6900000000000000001") == [
        ("耳机", "黑色", 2, 8900, "6900000000000000101"), ("手机壳", "黑色", 1, 990, "6900000000000000102")]
    row = order_row(db, "douyin:6900000000000000001")
    assert row is not None and (row["goods_fen"], row["item_count"]) == (18790, 3)
    assert (row["carrier"], row["tracking_no"]) == ("顺丰速运", "SF2166964304386")
    assert row["address"] == "河南省 郑州市 二七区 科技园南路891号1幢764室"
    assert order_row(db, "douyin:6900000000000000002") is None


def test_orders_whose_rows_are_scattered_are_still_whole(tmp_path: Path, db: Database) -> None:
    # Sorted by product instead of by order: the importer reads the file again to group the rows.
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [
        DOUYIN_HEADER,
        douyin_row("6900000000000000001", "6900000000000000101", "耳机"),
        douyin_row("6900000000000000002", "6900000000000000201", "耳机"),
        douyin_row("6900000000000000001", "6900000000000000102", "袜子"),
        douyin_row("6900000000000000003", "6900000000000000301", "袜子"),
        douyin_row("6900000000000000002", "6900000000000000202", "毛毯"),
    ]})
    result = run_import(db, path)
    assert result.exit_code == 0 and result.inserted == 3
    assert [t for t, *_ in item_rows(db, "douyin:6900000000000000001")] == ["耳机", "袜子"]
    assert [t for t, *_ in item_rows(db, "douyin:6900000000000000002")] == ["耳机", "毛毯"]
    assert count_rows(db, "order_items") == 5


def test_the_same_order_row_twice_counts_once(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "pdd.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", status="已发货，待收货"),
        pdd_row("261101-000000000000001", status="已发货，待收货"),
    ])
    result = run_import(db, path)
    assert (result.inserted, result.updated, result.unchanged, result.rejected) == (1, 0, 0, 0)
    row = order_row(db, "pdd:261101-000000000000001")
    assert row is not None and row["status"] == "已发货，待收货" and row["version"] == 1


def test_duplicate_order_rows_with_different_values_are_reported_not_last_one_wins(tmp_path: Path,
                                                                                   db: Database) -> None:
    """Issue 14: the second row is reported with its row, the order-number column and the first row's number;
    the first row is kept (the orders of a file are stored as they come)."""
    path = write_csv(tmp_path / "pdd.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", status="待发货"),
        pdd_row("261101-000000000000002"),
        pdd_row("261101-000000000000001", status="已发货，待收货"),
    ])
    result = run_import(db, path)
    assert result.exit_code == 1
    [file] = result.files
    assert (file.inserted, file.rejected) == (2, 1)
    [(row, column, message)] = _errors(result)
    assert (row, column) == (4, "订单号")
    assert "第 2 行已经出现过" in message and "内容与第 2 行不同" in message and "261101-000000000000001" in message
    stored = order_row(db, "pdd:261101-000000000000001")
    assert stored is not None and stored["status"] == "待发货"


def test_qianniu_sheets_in_any_order(tmp_path: Path, db: Database) -> None:
    orders = [["订单编号", "订单状态", "买家实付金额", "买家应付邮费", "收货人姓名", "联系手机", "物流公司", "物流单号",
               "订单付款时间"],
              ["4923097606167913379", "交易成功", 80.0, 6.0, "吴秀平", "17886363711", "中通快递", "71962188104788",
               "2026-11-07 13:04:58"]]
    items = [["子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "商品属性"],
             ["4923097606167913428", "4923097606167913379", "纯棉袜子 10双装 中筒", 25.8, 2.0, "颜色分类:女款"],
             ["4923097606167913429", "4923097606167913379", "手机壳", 9.9, 1.0, None]]
    path = write_xlsx(tmp_path / "qianniu.xlsx", {"子订单列表": items, "订单列表": orders})
    result = run_import(db, path)
    assert result.exit_code == 0 and result.files[0].platform == "taobao"
    row = order_row(db, "taobao:4923097606167913379")
    assert row is not None and (row["goods_fen"], row["item_count"], row["paid_fen"]) == (6150, 3, 8000)
    assert [t for t, *_ in item_rows(db, "taobao:4923097606167913379")] == ["纯棉袜子 10双装 中筒", "手机壳"]


def test_forced_platform_must_match_the_headers(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row()])
    result = run_import(db, path, platform="douyin")
    assert result.exit_code == 2 and "这是拼多多订单，不是所选平台的订单导出" in (result.files[0].refused or "")
    assert count_rows(db) == 0
    assert run_import(db, path, platform="pdd").exit_code == 0


def test_a_cell_longer_than_its_ledger_column_is_a_row_error_on_every_ledger(tmp_path: Path, db: Database) -> None:
    # A team ledger (PostgreSQL) refused the whole file for one such cell, without naming it; SQLite stored it.
    path = write_csv(tmp_path / "pdd.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001"),
        pdd_row("261101-000000000000002", receiver="长" * 101),
        pdd_row("261101-000000000000003", tracking="1" * 81),
        pdd_row("261101-000000000000004", receiver="长" * 100, carrier="快" * 60),  # exactly as wide: fine
    ])
    result = run_import(db, path)
    assert [(row, column) for row, column, _ in _errors(result)] == [(3, "收货人"), (4, "快递单号")]
    assert "收货人太长（101 个字符，最多 100 个）" in _errors(result)[0][2]
    assert count_rows(db) == 2


def test_the_length_limits_are_the_ledgers_column_widths() -> None:
    widths = {name: Order.__table__.c[name].type.length for name in  # type: ignore[attr-defined]
              ("status", "buyer_nick", "receiver", "phone", "carrier", "tracking_no")}
    widths |= {name: OrderItem.__table__.c[name].type.length for name in ("sub_order_no", "sku_code")}  # type: ignore[attr-defined]
    widths["shop_name"] = Shop.__table__.c["name"].type.length  # type: ignore[attr-defined]
    assert widths == TEXT_LIMITS

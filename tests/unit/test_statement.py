"""The goods value statement's content (from orders and claims), the shop profile, and the xlsx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from statement_data import ORDER_NO, SHOP, TRACKING_NO, Item, add_claim, add_order, save_shop

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.statement import (
    DECLARATION,
    NOTE_PAID_LINES,
    STATEMENT_TITLE,
    GoodsValueStatement,
    ShopProfile,
    StatementIncomplete,
    StatementLine,
)
from desktop_app.core.vocabulary import Platform
from desktop_app.io.statement_xlsx import write_statements_xlsx
from desktop_app.services.claims import ChosenLine
from desktop_app.services.shop_profile import (
    BadSealImage,
    get_shop_profile,
    load_shop_profile,
    save_shop_profile,
    seal_path,
)
from desktop_app.services.statements import (
    StatementRequest,
    build_statements,
    carriers_of,
    find_order_id,
    load_statements,
)
from desktop_app.store.database import Database

DAY = date(2024, 11, 20)
A4_PAPER = 9  # the paper size code Excel uses for A4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def one(db: Database, request: StatementRequest) -> GoodsValueStatement:
    statements = load_statements(db, request, DAY)
    assert len(statements) == 1
    return statements[0]


# --- from an order -----------------------------------------------------------------------------


def test_an_order_statement_carries_everything_the_branch_asks_for(db: Database) -> None:
    save_shop(db)
    order_id = add_order(db)
    s = one(db, StatementRequest(order_ids=(order_id,), incident="丢件", description="网点失火"))

    assert s.title == STATEMENT_TITLE == "货物价值说明"
    assert (s.shop_name, s.shop_contact, s.shop_phone) == (SHOP.name, SHOP.contact, SHOP.phone)
    assert s.shop_address == SHOP.address and s.payout_account == SHOP.payout_account
    assert (s.platform, s.order_no, s.carrier, s.tracking_no) == ("淘宝", ORDER_NO, "中通快递", TRACKING_NO)
    assert s.ship_date == date(2024, 11, 12)  # 02:30 UTC is 10:30 in China, the same day
    assert s.ship_date_text == "2024年11月12日"
    assert (s.incident, s.description) == ("丢件", "网点失火")
    assert s.recipient_name == "王小明" and s.recipient_phone == "13812345678"
    assert s.recipient_address == "上海市 浦东新区 张江镇 科苑路 88 号 3 号楼 1201 室"
    assert s.lines == (
        StatementLine("纯棉四件套 北欧简约", "1.8m床 雾霾蓝", 1, 29900, 25900),
        StatementLine("记忆棉枕头", "标准款", 2, 8900, 17800),
    )
    assert s.total_fen == 43700 and s.claimed_fen == 43700
    assert s.total_figures == "¥437.00" and s.total_words == "肆佰叁拾柒元整"
    assert s.claimed_words == "肆佰叁拾柒元整"
    assert s.value_basis[0] == f"平台订单：淘宝 订单号 {ORDER_NO}，付款时间 2024-11-11 08:03"
    assert s.value_basis[1] == "支付记录：买家实付 ¥437.00"
    assert NOTE_PAID_LINES in s.value_basis  # the four-piece set was bought below its listed price
    assert s.declaration == DECLARATION and "如实填写" in s.declaration
    assert s.issued_on == DAY and s.issued_text == "2024年11月20日"
    assert s.reference == "" and s.declared_fen is None and s.seal_image is None
    assert s.file_stem == f"货物价值说明-{ORDER_NO}-{TRACKING_NO}"


def test_lines_at_their_listed_price_need_no_discount_note(db: Database) -> None:
    order_id = add_order(db, items=(Item("保温杯", "500ml", 2, 5950, 11900),), paid_fen=12900, postage_fen=1000)
    s = one(db, StatementRequest(order_ids=(order_id,)))
    assert NOTE_PAID_LINES not in s.value_basis
    assert s.value_basis[1] == "支付记录：买家实付 ¥129.00（含运费 ¥10.00）"
    assert s.total_fen == 11900  # the goods, not the postage
    assert s.total_words == "壹佰壹拾玖元整"


def test_without_paid_lines_the_payment_is_spread_over_the_items(db: Database) -> None:
    """Pinduoduo/Douyin exports state only the order's payment: goods are worth what was paid."""
    items = (Item("A 款", None, 1, 10000, None), Item("B 款", None, 1, 30000, None))
    order_id = add_order(db, platform=Platform.PDD, items=items, paid_fen=36000, postage_fen=0)
    s = one(db, StatementRequest(order_ids=(order_id,)))
    assert [line.total_fen for line in s.lines] == [9000, 27000]
    assert s.total_fen == 36000 and s.platform == "拼多多"
    assert NOTE_PAID_LINES in s.value_basis


def test_an_order_exported_without_items_is_one_line(db: Database) -> None:
    order_id = add_order(db, items=(), paid_fen=5800, postage_fen=800)
    s = one(db, StatementRequest(order_ids=(order_id,)))
    assert s.lines == (StatementLine("订单全部商品（明细见平台订单）", "", 1, None, 5000),)
    assert s.total_words == "伍拾元整"


def test_an_order_known_only_by_its_number_cannot_make_a_statement(db: Database) -> None:
    order_id = add_order(db, items=(), paid_fen=None, postage_fen=None, imported=False)
    with pytest.raises(StatementIncomplete, match="请先导入该订单"):
        load_statements(db, StatementRequest(order_ids=(order_id,)), DAY)


def test_items_without_any_price_are_named(db: Database) -> None:
    items = (Item("赠品小样", None, 1, None, None), Item("面霜", None, 1, None, None))
    order_id = add_order(db, items=items, paid_fen=None)
    with pytest.raises(StatementIncomplete, match="赠品小样、面霜"):
        load_statements(db, StatementRequest(order_ids=(order_id,)), DAY)


def test_blank_shop_details_leave_blank_cells(db: Database) -> None:
    order_id = add_order(db)
    s = one(db, StatementRequest(order_ids=(order_id,)))
    assert (s.shop_name, s.payout_account) == ("", "")
    assert ShopProfile().missing() == ["店铺名称", "联系人", "联系电话", "收款账户"]
    assert SHOP.missing() == []


# --- from a claim ------------------------------------------------------------------------------


def test_a_partial_claim_lists_only_the_affected_items(db: Database) -> None:
    save_shop(db)
    order_id = add_order(db)
    claim_id = add_claim(db, order_id, incident=ClaimIncident.DAMAGED, lines=(ChosenLine(2, 1),),
                         declared_fen=10000, description="外箱压扁，枕头受潮")
    s = one(db, StatementRequest(claim_ids=(claim_id,)))
    assert s.lines == (StatementLine("记忆棉枕头", "标准款", 1, 8900, 8900),)
    assert s.total_fen == 8900 and s.claimed_fen == 8900
    assert (s.incident, s.description) == ("破损", "外箱压扁，枕头受潮")
    assert s.reference == f"理赔编号 {claim_id}"
    assert s.declared_fen == 10000
    assert s.total_words == "捌拾玖元整"
    assert (s.carrier, s.tracking_no, s.order_no) == ("中通快递", TRACKING_NO, ORDER_NO)


def test_a_claim_at_cost_price_keeps_the_goods_value(db: Database) -> None:
    order_id = add_order(db)
    claim_id = add_claim(db, order_id, claimed_fen=30050)
    s = one(db, StatementRequest(claim_ids=(claim_id,)))
    assert s.total_fen == 43700  # what the buyer paid for both lines
    assert s.claimed_fen == 30050
    assert s.claimed_words == "叁佰元零伍角"
    assert s.claimed_figures == "¥300.50"
    assert s.incident == "丢件"


def test_a_batch_keeps_its_order_and_names_its_carriers(db: Database) -> None:
    first = add_claim(db, add_order(db))
    second = add_claim(db, add_order(db, order_no="3712345678901234999", tracking_no="YT7000000000001",
                                     carrier="圆通速递"))
    statements = load_statements(db, StatementRequest(claim_ids=(second, first)), DAY)
    assert [s.reference for s in statements] == [f"理赔编号 {second}", f"理赔编号 {first}"]
    assert carriers_of(statements) == ["中通快递", "圆通速递"]


def test_an_unknown_claim_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        load_statements(db, StatementRequest(claim_ids=(999,)), DAY)


def test_a_request_needs_something() -> None:
    with pytest.raises(UserError, match="请选择"):
        StatementRequest()


def test_finding_orders_by_number(db: Database) -> None:
    taobao = add_order(db)
    add_order(db, platform=Platform.PDD, order_no="240101-55")
    pdd_too = add_order(db, platform=Platform.DOUYIN, order_no="240101-55")
    with db.reading() as session:
        assert find_order_id(session, f" {ORDER_NO} ") == taobao
        assert find_order_id(session, ORDER_NO, Platform.TMALL) == taobao  # one numbering
        assert find_order_id(session, "240101-55", Platform.DOUYIN) == pdd_too
        with pytest.raises(UserError, match="多个平台"):
            find_order_id(session, "240101-55")
        with pytest.raises(NotFound, match="拼多多"):
            find_order_id(session, ORDER_NO, Platform.PDD)
        with pytest.raises(UserError, match="科学计数法"):
            find_order_id(session, "3.71234E+18")


# --- the shop profile --------------------------------------------------------------------------


def test_the_profile_round_trips_through_the_settings_table(db: Database) -> None:
    assert load_shop_profile(db) == ShopProfile()
    stored = save_shop_profile(db, ShopProfile(name="  暖居家纺 ", contact="李娜", phone="0571-1",
                                               payout_account="支付宝 a@b.cn")).value
    assert stored.name == "暖居家纺"
    assert load_shop_profile(db) == stored
    save_shop_profile(db, ShopProfile(name="新名字"))
    with db.reading() as session:
        assert get_shop_profile(session).name == "新名字"
        assert get_shop_profile(session).payout_account == ""


def test_overlong_fields_are_refused(db: Database) -> None:
    with pytest.raises(UserError, match="超过"):
        save_shop_profile(db, ShopProfile(address="长" * 301))


def test_the_seal_is_copied_into_the_data_folder(db: Database, tmp_path: Path, data_home: Path) -> None:
    source = tmp_path / "我的公章.PNG"
    source.write_bytes(PNG)
    stored = save_shop_profile(db, SHOP, seal_source=source).value
    assert stored.seal_image is not None and stored.seal_image.startswith("seals/seal-")
    with db.reading() as session:
        copied = seal_path(session, load_shop_profile(db))
    assert copied is not None and copied.parent.name == "seals" and copied.is_relative_to(data_home)
    assert copied.read_bytes() == PNG
    source.unlink()  # the ledger keeps its own copy
    s = one(db, StatementRequest(order_ids=(add_order(db),)))
    assert s.seal_image == str(copied)
    # removing it from the profile leaves statements without a seal
    save_shop_profile(db, ShopProfile(name=SHOP.name))
    assert one(db, StatementRequest(order_ids=(add_order(db, order_no="1"),))).seal_image is None


@pytest.mark.parametrize(("name", "data", "message"), [
    ("seal.gif", b"GIF89a", "PNG 或 JPG"),
    ("seal.png", b"not really a png", "不是有效的 PNG"),
    ("seal.jpg", PNG, "不是有效的 JPG"),
])
def test_a_bad_seal_file_is_refused(db: Database, tmp_path: Path, name: str, data: bytes, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    with pytest.raises(BadSealImage, match=message):
        save_shop_profile(db, SHOP, seal_source=source)
    assert load_shop_profile(db) == ShopProfile()  # nothing saved


def test_a_seal_path_outside_the_data_folder_is_ignored(db: Database, data_home: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(PNG)
    with db.reading() as session:
        assert seal_path(session, ShopProfile(seal_image="../elsewhere.png")) is None
        assert seal_path(session, ShopProfile(seal_image=str(outside))) is None


# --- the workbook ------------------------------------------------------------------------------


def statement(**changes: object) -> GoodsValueStatement:
    base = GoodsValueStatement(
        title=STATEMENT_TITLE, shop_name=SHOP.name, shop_contact=SHOP.contact, shop_phone=SHOP.phone,
        shop_address=SHOP.address, payout_account=SHOP.payout_account, seal_image=None, platform="淘宝",
        order_no=ORDER_NO, carrier="中通快递", tracking_no=TRACKING_NO, ship_date=date(2024, 11, 12),
        incident="丢件", description="网点失火", recipient_name="王小明", recipient_phone="13812345678",
        recipient_address="上海市浦东新区", lines=(StatementLine("四件套", "1.8m", 1, 29900, 25900),
                                                  StatementLine("枕头", "标准", 2, 8900, 17800)),
        total_fen=43700, claimed_fen=43700, declared_fen=None, value_basis=("平台订单：淘宝", "支付记录：实付"),
        declaration=DECLARATION, issued_on=DAY, reference="理赔编号 7",
    )
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    fields.update(changes)
    return GoodsValueStatement(**fields)  # type: ignore[arg-type]


def cell_texts(sheet) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]


def test_the_workbook_prints_on_a4_one_page_wide(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    assert write_statements_xlsx([statement()], path) == 1
    book = load_workbook(path)
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert sheet.title == f"1-{ORDER_NO}"
    setup = sheet.page_setup
    assert setup.paperSize == A4_PAPER
    assert setup.orientation == "portrait"
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    last = sheet.max_row
    assert sheet.print_area == f"'{sheet.title}'!$A$1:$F${last}"
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}  # the merged title
    assert sheet["A1"].value == "货物价值说明" and sheet["A1"].font.b
    texts = cell_texts(sheet)
    for wanted in (ORDER_NO, TRACKING_NO, "人民币肆佰叁拾柒元整", "理赔编号 7", SHOP.payout_account,
                   "日期：2024年11月20日", DECLARATION):
        assert any(wanted in t for t in texts), wanted
    # the item table: bordered cells, amounts as numbers in yuan
    header = next(c for row in sheet.iter_rows() for c in row if c.value == "商品名称")
    assert header.border.top.style == "thin" and header.border.left.style == "thin"
    total = next(c for row in sheet.iter_rows() for c in row if c.value == Decimal("437"))
    assert total.number_format == '"¥"#,##0.00' and total.border.bottom.style == "thin"


def test_typed_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    risky = statement(order_no='=HYPERLINK("http://x","y")', recipient_name="@SUM(A1)", description="+86 138",
                      recipient_address="-1", shop_name="＝1+1")
    write_statements_xlsx([risky], path)
    sheet = load_workbook(path).worksheets[0]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ('=HYPERLINK("http://x","y")', "@SUM(A1)", "+86 138", "-1", "＝1+1"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
    assert not cells["淘宝"].quotePrefix


def test_a_batch_is_one_sheet_per_statement(tmp_path: Path) -> None:
    path = tmp_path / "batch.xlsx"
    batch = [statement(), statement(order_no=ORDER_NO), statement(order_no="a/b:c*?[d]" + "x" * 40)]
    assert write_statements_xlsx(batch, path) == 3
    book = load_workbook(path)
    names = book.sheetnames
    assert len(names) == 3 == len(set(names))
    assert all(len(n) <= 31 for n in names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == A4_PAPER
        assert sheet.print_area is not None


def test_an_empty_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        write_statements_xlsx([], tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_statements_from_the_ledger_write_a_workbook(db: Database, tmp_path: Path) -> None:
    save_shop(db)
    claim_id = add_claim(db, add_order(db))
    with db.reading() as session:
        statements = build_statements(session, StatementRequest(claim_ids=(claim_id,)), DAY)
    write_statements_xlsx(statements, tmp_path / "c.xlsx")
    texts = cell_texts(load_workbook(tmp_path / "c.xlsx").worksheets[0])
    assert any("肆佰叁拾柒元整" in t for t in texts)
    assert any(SHOP.name in t for t in texts)

"""Hostile inputs of session 24: invisible marks inside names and numbers, "no date" in an order's time column,
1904-date workbooks, migrate-to's evidence over the team cap, reship paste's cost price — each said in Chinese with
where it is, nothing half stored."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from desktop_app.cli import run
from desktop_app.core.clock import as_china
from desktop_app.core.invisible_marks import column_without_invisible, without_invisible
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_profiles import Cleaning
from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.services.case_evidence import add_case_evidence
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.evidence_files import MAX_SHARED_BYTES
from desktop_app.services.ledger_move import move_ledger
from desktop_app.services.order_import import import_files
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.case_filters import CaseFilter
from desktop_app.store.case_queries import OrderFilter
from desktop_app.store.database import Database, open_database
from desktop_app.store.locations import parse_location
from desktop_app.store.models import Case, Order, SharedFile
from desktop_app.store.search import search_hits
from tests.unit.aftersales_files import TB_HEADER, tb_row, write_csv, write_xlsx
from tests.unit.order_files import PDD_HEADER, SAMPLES, pdd_row

PG_ONLY = pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"), reason="no PostgreSQL for tests")
ZWSP, BOM, SOFT, JOINER, WORD = "\u200b", "\ufeff", "\u00ad", "\u200d", "\u2060"
PDD_CASES = ["售后编号", "订单号", "商品名称", "商品规格", "售后类型", "售后状态", "申请时间", "申请退款金额",
             "售后原因", "退货物流公司", "退货物流单号"]


# -- invisible marks -----------------------------------------------------------------------------------------------

def test_invisible_marks_are_taken_out_of_imported_names_and_numbers(db: Database, tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "orders.csv", [
        PDD_HEADER,
        pdd_row("261101-103283030276851", receiver=f"王{ZWSP}伟", phone=f"182{SOFT}52435900",
                tracking=f"{BOM}98171057"),
        pdd_row(f"261118-961877507{WORD}213020", receiver="李娜"),
    ], encoding="utf-8-sig")
    result = import_files(db, [orders])
    assert result.files[0].errors == () and result.files[0].inserted == 2
    warnings = result.files[0].warnings
    # once a file for each column, naming it and its first row
    assert [w for w in warnings if "看不见的字符" in w] == [
        f"“{column}”列（第 {row} 行起）有看不见的字符（零宽空格、软连字符等），已去掉后导入："
        "姓名、电话、订单号和运单号按去掉后的文字查找和对应" for column, row in
        (("订单号", 3), ("收货人", 2), ("手机", 2), ("快递单号", 2))], warnings
    with db.reading() as session:
        stored = session.execute(select(Order.order_no, Order.receiver, Order.phone, Order.tracking_no)
                                 .order_by(Order.order_no)).all()
        assert [tuple(r) for r in stored] == [("261101-103283030276851", "王伟", "18252435900", "98171057"),
                                              ("261118-961877507213020", "李娜", "18252435900", "9817105713810")]
        # the search box: what was typed (or pasted with the same mark) finds it
        for typed in ("王伟", f"王{ZWSP}伟", f"{BOM}王伟"):
            assert len(search_hits(session, typed).order_ids) == 1, typed
    assert CaseFilter(search=f"王{ZWSP}伟").search == "王伟" and OrderFilter(search=f"{WORD}5243").search == "5243"

    # an after-sales row whose order number carries one meets its order
    requests = write_csv(tmp_path / "售后.csv", [
        PDD_CASES,
        ["117117151436", f"261118-{ZWSP}961877507213020", "儿童保温杯", "粉色", "仅退款", "退款成功",
         "2026-11-19 01:12:38", "78.00", "空包裹", "", ""],
    ], encoding="utf-8-sig")
    cases = import_cases(db, [requests], platform="pdd")
    assert cases.files[0].errors == () and len(cases.files[0].inserted) == 1
    assert any("“订单号”列（第 2 行起）有看不见的字符" in w for w in cases.files[0].warnings), cases.files[0].warnings
    with db.reading() as session:
        linked = session.execute(select(Order.order_no, Order.receiver).join(Case, Case.order_id == Order.id)).one()
        assert tuple(linked) == ("261118-961877507213020", "李娜")
        assert session.query(Order).count() == 2  # no placeholder order for the marked number


def test_an_emoji_joined_by_a_zero_width_joiner_stays_whole() -> None:
    family = f"👨{JOINER}👩{JOINER}👧"
    assert without_invisible(f"小{JOINER}美{family}") == f"小美{family}"
    assert column_without_invisible([family, None, 3.0, "plain"]) is None
    assert column_without_invisible(["a", f"b{ZWSP}", None, f"{SOFT}c"]) == (["a", "b", None, "c"], 1, 2)


# -- "no date" in an order's time column ---------------------------------------------------------------------------

def test_an_order_time_meaning_no_date_is_said_per_row_and_column(db: Database, tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "orders.csv", [
        PDD_HEADER,
        pdd_row("261101-103283030276851", shipped_at="0000-00-00 00:00:00"),
        pdd_row("261118-961877507213020", shipped_at="0000-00-00", paid_at="2026-11-18 00:25:54"),
        pdd_row("261118-961877507213021", paid_at="1900-01-00"),
    ], encoding="utf-8-sig")
    result = import_files(db, [orders])
    assert result.files[0].errors == () and result.files[0].inserted == 3
    assert list(result.files[0].warnings) == [
        "第 4 行“支付时间”列是“1900-01-00”（表示没有日期）：按空白导入，和空白的单元格一样，"
        "已有订单的这一时间也被清空。请核对原表",
        "第 2、3 行“发货时间”列是“0000-00-00 00:00:00”（表示没有日期）：按空白导入，和空白的单元格一样，"
        "已有订单的这一时间也被清空。请核对原表"]
    with db.reading() as session:
        assert session.execute(select(Order.shipped_at).where(Order.order_no == "261101-103283030276851")).scalar() \
            is None


# -- 1904-date workbooks -------------------------------------------------------------------------------------------

def _serial_1904(moment: datetime) -> float:
    return (moment - datetime(1904, 1, 1)).total_seconds() / 86400


def test_a_plain_number_in_a_1904_workbooks_date_column_counts_from_1904(db: Database, tmp_path: Path) -> None:
    # Excel for Mac's "1904 date system": the number 44,885.5 was read as 2022-11-20 12:00, four years and a day early.
    paid = datetime(2026, 11, 18, 0, 25, 54)
    orders = write_xlsx(tmp_path / "orders.xlsx", date1904=True, rows=[
        PDD_HEADER, [*pdd_row("261118-961877507213020")[:13], _serial_1904(paid), datetime(2026, 11, 18, 13),
                     *pdd_row()[15:]]])
    assert open_spreadsheet(orders).date1904
    result = import_files(db, [orders])
    assert result.files[0].errors == () and result.files[0].inserted == 1
    requested = datetime(2026, 11, 19, 1, 12, 38)
    cases = write_xlsx(tmp_path / "售后.xlsx", date1904=True, rows=[
        PDD_CASES, ["117117151436", "261118-961877507213020", "儿童保温杯", "粉色", "仅退款", "退款成功",
                    _serial_1904(requested), "78.00", "空包裹", "", ""]])
    imported = import_cases(db, [cases], platform="pdd")
    assert imported.files[0].errors == () and len(imported.files[0].inserted) == 1
    with db.reading() as session:
        order = session.execute(select(Order.paid_at, Order.shipped_at)).one()
        case = session.execute(select(Case.requested_at)).scalar_one()
    assert [as_china(t).replace(tzinfo=None) for t in (order.paid_at, order.shipped_at, case)] == [
        paid, datetime(2026, 11, 18, 13), requested]
    assert not open_spreadsheet(SAMPLES / "douyin_orders.xlsx").date1904


# -- migrate-to: evidence streamed, over the team's cap refused ----------------------------------------------------

def _ledger_with_evidence(db_path: Path, *files: Path) -> list[str]:
    local = open_database(db_path)
    try:
        case_id = open_case(local, NewCase(Platform.PDD, "261204-1", CaseKind.RESHIP), author="店主").case_id
        add_case_evidence(local, case_id, list(files), author="店主")
        with local.reading() as session:
            return [row.stored_path for row in case_evidence_rows(session, case_id)]
    finally:
        local.close()


@PG_ONLY
def test_migrate_to_streams_each_evidence_file(tmp_path: Path, db_path: Path, empty_server_db: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    photo = tmp_path / "开箱\t视频.mp4"  # a tab in its name: COPY's text format escapes it
    content = bytes(range(256)) * 9000  # 2.3 MB: three chunks
    photo.write_bytes(content)
    stored = _ledger_with_evidence(db_path, photo)

    def whole(self: Path) -> bytes:
        raise AssertionError(f"read whole: {self}")

    monkeypatch.setattr(Path, "read_bytes", whole)
    result = move_ledger(db_path, parse_location(empty_server_db))
    monkeypatch.undo()
    assert result.files == 1
    server = open_database(empty_server_db)
    try:
        with server.reading() as session:
            kept = session.execute(select(SharedFile.stored_path, SharedFile.size, SharedFile.content)).one()
    finally:
        server.close()
    assert (kept.stored_path, kept.size, kept.content) == (stored[0], len(content), content)


@PG_ONLY
def test_migrate_to_stops_at_an_evidence_file_over_the_team_cap(tmp_path: Path, db_path: Path, data_home: Path,
                                                                empty_server_db: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    small, big = tmp_path / "称重.png", tmp_path / "录屏.mp4"
    small.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    big.write_bytes(b"\x00" * 1024)
    stored = _ledger_with_evidence(db_path, small, big)
    kept_big = data_home / stored[1]
    os.truncate(kept_big, MAX_SHARED_BYTES + 1)  # a 4 GB screen recording of a ledger file (sparse here)
    code = run(["migrate-to", empty_server_db, "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == f"错误：证据文件太大（51 MB）：{kept_big}。团队数据库中每个证据文件或印章最大 50 MB" \
                  "（超过的共 1 个），迁移没有开始，目标数据库未改动。" \
                  "请把它换成压缩或剪短的文件（删除这条证据后重新添加）再迁移。\n"
    server = create_engine(empty_server_db, poolclass=NullPool)
    try:
        with server.connect() as conn:
            assert [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in ("cases", "case_evidence", "shared_files")] == [0, 0, 0]
    finally:
        server.dispose()


# -- the cost price sheet: 0 is a gift, a negative or absurd cost is refused ---------------------------------------

def test_a_cost_of_0_is_a_gift_said_and_a_negative_or_absurd_one_is_refused(tmp_path: Path, db_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    sheet = write_csv(tmp_path / "成本价.csv", [["商家编码", "成本价"], ["GIFT-1", "0"], ["SKU-1", "12.50"],
                                              ["GIFT-2", "0.00"]], encoding="utf-8-sig")
    assert run(["product-costs", "import", str(sheet), "--db", str(db_path)]) == 0
    out, err = capsys.readouterr()
    assert out == "新增 3 个，更新 0 个，未变 0 个\n"
    assert err == "提醒：成本价.csv：第 2、4 行：成本价为 0，已按不计成本的商品（赠品、试用装）导入，货损按 0 元计；" \
                  "如果是漏填，请改正后重新导入\n"
    bad = write_csv(tmp_path / "错的.csv", [["商家编码", "成本价"], ["SKU-2", "-3"], ["SKU-3", "2000000"],
                                          ["SKU-4", "1000000"]], encoding="utf-8-sig")
    assert run(["product-costs", "import", str(bad), "--db", str(db_path), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["added"] == 1 and result["notes"] == []
    assert result["problems"] == ["第 2 行：成本价不能为负数：-3",
                                  "第 3 行：成本价 2,000,000.00 元超过 1,000,000 元，"
                                  "不像一件商品的成本（是否多写了几位？），这一行没有导入"]


# -- a new round: times ahead, refunds over the order, a return's number in groups -----------------------------

def test_times_ahead_refunds_over_the_order_and_grouped_numbers_are_kept_and_said(db: Database,
                                                                                  tmp_path: Path) -> None:
    orders = write_csv(tmp_path / "orders.csv", [
        PDD_HEADER, pdd_row("261101-103283030276851", paid="79.00", goods="79.00"),
        pdd_row("261118-961877507213020", paid_at="2099-11-18 00:25:54", shipped_at="2099-11-18 13:25:54")],
        encoding="utf-8-sig")
    result = import_files(db, [orders])
    assert result.files[0].inserted == 2 and result.files[0].errors == ()
    assert [w.split("（现在是")[0] for w in result.files[0].warnings] == [
        "第 3 行“支付时间”列是“2099-11-18 00:25:54”，在将来", "第 3 行“发货时间”列是“2099-11-18 13:25:54”，在将来"]
    assert all("已按所填时间导入。若是输错了年份或日期，请改正原表后重新导入" in w for w in result.files[0].warnings)
    requests = write_csv(tmp_path / "退款.csv", [
        TB_HEADER,
        tb_row("900000000000000003", "4145384019161461003", requested="2099-11-20 10:00:00"),
        tb_row("900000000000000005", "4889263166277306898", returns="是", status="买家已经退货，等待卖家确认收货",
               logistics="中通快递, 7512 3456 7890 12"),
    ])
    asked = write_csv(tmp_path / "拼多多售后.csv", [
        PDD_CASES, ["117117151436", "261101-103283030276851", "宠物猫砂", "绿茶", "仅退款", "退款成功",
                    "2026-11-19 01:12:38", "790.00", "空包裹", "", ""]], encoding="utf-8-sig")
    imported = import_cases(db, [requests, asked], platform="auto")
    first, second = imported.files
    assert first.errors == () and len(first.inserted) == 2
    assert next(w for w in first.warnings if "在将来" in w).startswith(
        "第 2 行“退款的申请时间”列是“2099-11-20 10:00:00”，在将来（现在是 ")
    assert second.errors == () and list(second.warnings) == [
        "第 2 行“申请退款金额”列：790.00 元大于订单 261101-103283030276851 的实付金额 79.00 元，已按所填金额导入。"
        "请核对金额是否填错、是否对错了订单"]
    with db.reading() as session:
        grouped = session.execute(select(Case.return_carrier, Case.return_tracking_no)
                                  .where(Case.platform_case_no == "900000000000000005")).one()
    assert tuple(grouped) == ("中通快递", "75123456789012")  # was 7512: the parcel never met its case


def test_a_tracking_number_cell_written_in_groups_is_one_number() -> None:
    cleaner = CellCleaner(Cleaning(tracking_prefixes=("No:",)))
    assert cleaner.tracking("7512 3456 7890 12") == "75123456789012"
    assert cleaner.many(cleaner.tracking)(["No:YT 2439 3328", "JT8145384019161", None]) == [
        "YT24393328", "JT8145384019161", None]


def test_an_order_named_under_another_shop_moves_with_a_word(db: Database, tmp_path: Path) -> None:
    # Another shop's export chosen by mistake moved the orders (and their cases in 统计's shop) without a word.
    raw = (SAMPLES / "taobao_ExportOrderList.csv").read_bytes().decode("gb18030").splitlines()
    mine = tmp_path / "ExportOrderList.csv"
    mine.write_bytes("\n".join(raw[:4]).encode("gb18030"))
    other = tmp_path / "另一家.csv"
    other.write_bytes("\n".join([raw[0], *(line.replace("小林家居旗舰店", "另一家小店") for line in raw[1:3])])
                      .encode("gb18030"))
    assert import_files(db, [mine]).files[0].warnings == ()
    moved = import_files(db, [other]).files[0]
    assert moved.updated == 2 and list(moved.warnings) == [
        "订单 4145384019161461003、4910237409546111393 原来属于店铺“小林家居旗舰店”，这个文件写的是“另一家小店”："
        "已改为“另一家小店”，它们的售后单随之计入这家店铺。如果选错了店铺的导出文件，请再导入原店铺的导出改回"]
    assert import_files(db, [other]).files[0].warnings == ()  # unchanged now: nothing to say


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_paste_file_excel_saved_as_unicode_text_is_read(encoding: str, tmp_path: Path, db_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # Excel's "Unicode 文本 (*.txt)": UTF-16 with its byte order mark, tab-separated; was "不是文本文件" (exit 2).
    open_database(db_path).close()
    pasted = tmp_path / "运单号.txt"
    pasted.write_bytes("订单号\t运单号\r\n261101-103283030276851\tYT1234567890\r\n".encode(encoding))
    assert run(["reship", "paste", str(pasted), "--check", "--db", str(db_path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:2] == ["第1行\t表头，跳过\t第一行没有订单号，按表头跳过",
                                    "第2行\t未找到\t没有订单号为 261101-103283030276851 的补发售后单"], (out, err)

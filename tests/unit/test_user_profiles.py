"""Saved column mappings: preview a sheet, suggest columns, check and save the choices as a profile
in the shipped format, recognise the next file with it, and never let it take a platform's export."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook
from order_files import PDD_HEADER, SAMPLES, copy_sample, pdd_row, run_import, write_csv, write_xlsx

from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.vocabulary import Platform
from desktop_app.io.column_suggestions import MAPPABLE_FIELDS, shipped_profile_for, suggest_columns, suggest_label
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.import_profiles import Layout, best_profile, load_profiles, normalize_header, parse_profile
from desktop_app.io.sheet_preview import column_letter, guess_header_row, guess_layout, guess_platform, preview_sheet
from desktop_app.io.user_profiles import (
    ColumnMapping,
    MappingInvalid,
    available_profiles,
    check_columns,
    check_mapping,
    delete_profile,
    load_saved_profiles,
    profile_id_for,
    save_profile,
    user_profiles_dir,
)
from desktop_app.store.database import Database

SUPPLIER_HEADER = ["单号", "客户", "电话", "地址", "品名", "颜色尺码", "件数", "单价", "快递", "快递单号", "发货日期",
                   "备注"]


def supplier_rows() -> list[list[object]]:
    return [
        ["SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "加绒卫衣", "黑色 XL", 2, 89.5, "中通快递",
         "78812345678901", "2026-11-03 18:00:00", ""],
        ["SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "运动裤", "灰色 L", 1, 59, "中通快递",
         "78812345678901", "2026-11-03 18:00:00", ""],
        ["SUP-1002", "李四", "13900000002", "江苏省南京市鼓楼区中山路2号", "羽绒服", "白色 M", 1, 299, "圆通速递",
         "YT1234567890123", "2026-11-04 09:30:00", "加急"],
    ]


def supplier_xlsx(path: Path) -> Path:
    rows: list[list[object]] = [["杭州某某服饰档口 11月发货明细"], SUPPLIER_HEADER, *supplier_rows(),
                                ["合计", None, None, None, None, None, 4]]
    return write_xlsx(path, {"发货明细": rows})


def supplier_mapping(label: str = "档口发货表", platform: str = "other") -> ColumnMapping:
    return ColumnMapping(label, platform, Layout.ITEM_ROWS, {
        "order_no": "单号", "receiver": "客户", "phone": "电话", "address": "地址", "title": "品名",
        "spec": "颜色尺码", "quantity": "件数", "unit_price": "单价", "carrier": "快递", "tracking_no": "快递单号",
        "shipped_at": "发货日期"})


# --- preview ------------------------------------------------------------------------------------

def test_preview_shows_the_first_rows_and_finds_the_header_under_a_title(tmp_path: Path) -> None:
    rows = [["杭州某某服饰档口 11月发货明细"], SUPPLIER_HEADER, *(supplier_rows() * 10)]
    path = write_xlsx(tmp_path / "发货.xlsx", {"发货明细": rows})
    preview = preview_sheet(path)
    assert preview.sheet_names == ("发货明细",) and preview.sheet == "发货明细"
    assert len(preview.rows) == 20 and preview.row_numbers[:3] == (1, 2, 3)
    assert preview.header_row == 2 and preview.width == len(SUPPLIER_HEADER)
    columns = preview.columns(2)
    assert [(c.letter, c.header) for c in columns[:3]] == [("A", "单号"), ("B", "客户"), ("C", "电话")]
    # Numbers read as the sheet shows them: 2 not 2.0, 89.5 stays.
    assert preview.rows[2][1][6:8] == ("2", "89.5")
    assert preview.values_below(2, 0)[:3] == ["SUP-1001", "SUP-1001", "SUP-1002"]


def test_preview_letters_and_row_numbers_when_the_data_starts_lower_right(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["C3"], sheet["D3"], sheet["E3"] = "订单号", "收货人", "金额"
    sheet["C4"], sheet["D4"], sheet["E4"] = "A-1", "张三", 12
    workbook.save(tmp_path / "offset.xlsx")
    preview = preview_sheet(tmp_path / "offset.xlsx")
    assert preview.header_row == 3
    assert [(c.letter, c.header) for c in preview.columns(3)] == [("C", "订单号"), ("D", "收货人"), ("E", "金额")]
    assert preview.rows[-1] == (4, ("A-1", "张三", "12"))


def test_row_errors_name_the_row_excel_shows_when_the_sheet_starts_with_blank_rows(
        tmp_path: Path, db: Database) -> None:
    path = write_xlsx(tmp_path / "pdd.xlsx", {"订单": [[None], [None], PDD_HEADER, pdd_row(),
                                                      pdd_row("6.92345678901235E+18")]})
    result = run_import(db, path)
    [error] = result.files[0].errors
    assert (error.row, error.column) == (5, "订单号")


def test_preview_of_a_gbk_csv_and_of_a_named_sheet(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "台账.csv", [["订单号", "收货人", "实付"], ["X1", "王五", "10.00"]], encoding="gbk")
    preview = preview_sheet(path)
    assert preview.header_row == 1 and preview.rows[1] == (2, ("X1", "王五", "10.00"))
    book = write_xlsx(tmp_path / "两页.xlsx", {"说明": [], "订单": [["订单号", "收货人"], ["X1", "王五"]]})
    assert preview_sheet(book).sheet == "订单"  # the first sheet with content
    assert preview_sheet(book, "说明").rows == ()
    with pytest.raises(UserError, match="没有名为“库存”的工作表"):
        preview_sheet(book, "库存")


def test_preview_refuses_what_is_not_a_spreadsheet(tmp_path: Path) -> None:
    (tmp_path / "photo.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(OrderFileRefused, match="图片"):
        preview_sheet(tmp_path / "photo.xlsx")


def test_header_guess_skips_title_lines_and_dates() -> None:
    rows = [(1, ("某某档口发货单", "", "")), (2, ("2026-11-01", "", "")), (3, ("编号", "名字", "件数")),
            (4, ("1", "张三", "2"))]
    assert guess_header_row(rows) == 3
    assert guess_header_row([(1, ("1", "2")), (2, ("3", "4"))]) is None
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(26) == "AA"


# --- suggestions --------------------------------------------------------------------------------

def test_suggestions_from_the_platforms_headers_and_common_words() -> None:
    chosen = suggest_columns([*SUPPLIER_HEADER, "商品数量"])
    named = {field: ([*SUPPLIER_HEADER, "商品数量"])[column] for field, column in chosen.items()}
    assert named == {"order_no": "单号", "receiver": "客户", "phone": "电话", "address": "地址", "title": "品名",
                     "spec": "颜色尺码", "quantity": "件数", "unit_price": "单价", "carrier": "快递",
                     "tracking_no": "快递单号", "shipped_at": "发货日期", "seller_note": "备注"}
    # Aliases the shipped profiles know: 收件人手机号 (Douyin), 买家实际支付金额 (Taobao).
    platform_words = suggest_columns(["主订单编号", "收件人手机号", "买家实际支付金额", "数量"])
    assert platform_words == {"order_no": 0, "phone": 1, "paid": 2, "quantity": 3}
    assert len(set(chosen.values())) == len(chosen)  # one column feeds one field


def test_layout_platform_and_name_guesses(tmp_path: Path) -> None:
    preview = preview_sheet(supplier_xlsx(tmp_path / "供应商发货表20261101.xlsx"))
    assert guess_layout(preview, 2, 0) is Layout.ITEM_ROWS  # SUP-1001 on two rows
    assert guess_layout(preview, 2, 4) is Layout.ORDER_ROWS  # 品名: no repeats
    assert guess_platform(preview, 2, 0) is Platform.OTHER
    pdd = preview_sheet(write_csv(tmp_path / "p.csv", [PDD_HEADER, pdd_row()]))
    assert guess_platform(pdd, 1, PDD_HEADER.index("订单号")) is Platform.PDD
    # Every platform's order-number shape, from its after-sales profile (only 拼多多's was known): 京东's
    # 12 digits are 京东's; 19 digits are 淘宝/天猫's and 抖店's alike, so they do not tell.
    jd = preview_sheet(write_csv(tmp_path / "j.csv", [["订单号", "收货人"], ["333850400007", "张三"]]))
    assert guess_platform(jd, 1, 0) is Platform.JD
    taobao = preview_sheet(write_csv(tmp_path / "t.csv", [["订单号", "收货人"], ["4145384019161461003", "张三"]]))
    assert guess_platform(taobao, 1, 0) is Platform.OTHER
    assert suggest_label(preview.path) == "供应商发货表"
    assert suggest_label("台账_2026-11.xlsx") == "台账"
    assert shipped_profile_for(PDD_HEADER) is not None and shipped_profile_for(SUPPLIER_HEADER) is None


# --- checking and saving ------------------------------------------------------------------------

def test_mapping_problems_are_named_in_chinese() -> None:
    good = supplier_mapping()
    assert check_mapping(good) == []
    no_order = ColumnMapping("表", "other", Layout.ORDER_ROWS, {"receiver": "客户"})
    assert any("订单号" in p for p in check_mapping(no_order))
    no_title = ColumnMapping("表", "other", Layout.ITEM_ROWS, {"order_no": "单号"})
    assert any("商品名称" in p for p in check_mapping(no_title))
    assert any("方案名称" in p for p in check_mapping(ColumnMapping("  ", "other", Layout.ORDER_ROWS,
                                                                {"order_no": "单号"})))
    assert any("太长" in p for p in check_mapping(ColumnMapping("长" * 31, "other", Layout.ORDER_ROWS,
                                                              {"order_no": "单号"})))
    assert any("amazon" in p for p in check_mapping(ColumnMapping("表", "amazon", Layout.ORDER_ROWS,
                                                                  {"order_no": "单号"})))
    assert any("每行" in p for p in check_mapping(ColumnMapping("表", "other", Layout.ITEM_TABLE,
                                                              {"order_no": "单号"})))
    with pytest.raises(MappingInvalid, match="订单号"):
        save_profile(no_order)
    assert not user_profiles_dir().exists()


def test_column_problems_blank_repeated_and_shared_headers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"S": [["单号", None, "金额", "金额", "a|b"], ["1", "x", 1, 2, 3]]})
    columns = preview_sheet(path).columns(1)
    assert check_columns(columns, {"order_no": 0, "paid": 2}) == []
    problems = check_columns(columns, {"order_no": 0, "receiver": 1, "paid": 3, "goods": 3, "title": 4})
    text = "\n".join(problems)
    assert "B 列没有表头" in text
    assert "D 列的表头“金额”与 C 列相同" in text
    assert "D 列同时对应了“实付金额”和“商品总价”" in text
    assert "含有“|”" in text


def test_a_saved_profile_is_a_shipped_format_file(data_home: Path) -> None:
    profile = save_profile(supplier_mapping())
    path = data_home / "import_profiles" / "user-档口发货表.toml"
    assert profile.source == path and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert 'order_no = ["单号"]' in text and 'layout = "item_rows"' in text and text.startswith("# ")
    data = tomllib.loads(text)
    assert set(data) == {"id", "platform", "label", "identify", "layout", "order", "item"}
    again = parse_profile(data, path)
    assert (again.id, again.label, again.platform, again.layout) == (
        "user-档口发货表", "档口发货表", Platform.OTHER, Layout.ITEM_ROWS)
    assert again.order_fields["tracking_no"] == ("快递单号",) and again.item_fields["quantity"] == ("件数",)
    # Recognised by every mapped header, in any order, extra columns allowed.
    headers = {normalize_header(h) for h in [*reversed(SUPPLIER_HEADER), "另一列"]}
    assert again.matches(headers) and not again.matches(headers - {"件数"})
    assert profile_id_for("供应商 A/B 表!") == "user-供应商-a-b-表" and profile_id_for("***") == "user-mapping"


def test_saved_profiles_are_seen_at_once_and_deleted(data_home: Path) -> None:
    assert available_profiles().profiles == load_profiles()
    save_profile(supplier_mapping())
    first = available_profiles()
    assert [p.id for p in first.profiles if p.user] == ["user-档口发货表"]
    assert first.find("档口发货表").id == first.find("user-档口发货表").id == "user-档口发货表"
    # Saved again under the same name: replaced, not duplicated; a hand edit is seen too.
    save_profile(supplier_mapping(platform="pdd"))
    assert available_profiles().find("档口发货表").platform is Platform.PDD
    path = data_home / "import_profiles" / "user-档口发货表.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('platform = "pdd"', 'platform = "jd"   '),
                    encoding="utf-8")
    assert available_profiles().find("档口发货表").platform is Platform.JD
    assert delete_profile("档口发货表") == path and not path.exists()
    assert available_profiles().profiles == load_profiles()
    with pytest.raises(NotFound, match="档口发货表"):
        delete_profile("档口发货表")
    with pytest.raises(NotFound, match="找不到列对应方案"):
        available_profiles().find("nope")


def test_a_saved_mapping_never_takes_a_platform_export(tmp_path: Path, db: Database) -> None:
    """A mapping of just 订单号 + 收货人 matches a Pinduoduo export's header too: the shipped profile wins."""
    save_profile(ColumnMapping("只有订单号", "other", Layout.ORDER_ROWS, {"order_no": "订单号", "receiver": "收货人"}))
    profiles = available_profiles().profiles
    headers = {normalize_header(h) for h in PDD_HEADER}
    mine = next(p for p in profiles if p.user)
    assert mine.matches(headers)
    found = best_profile(headers, profiles)
    assert found is not None and found.id == "pdd"
    # A title line holding 订单号 and 收货人 above the real header: still the platform's export.
    path = write_csv(tmp_path / "pdd.csv", [["订单号", "收货人", "导出说明"], PDD_HEADER, pdd_row()])
    [file] = run_import(db, path).files
    assert (file.platform, file.profile, file.inserted) == ("pdd", "拼多多订单", 1)
    [sample] = copy_sample(tmp_path, "pdd_orders.csv")
    assert run_import(db, sample).files[0].profile == "拼多多订单"


def test_broken_saved_files_are_skipped_with_a_reason(data_home: Path, tmp_path: Path, db: Database) -> None:
    folder = data_home / "import_profiles"
    folder.mkdir(parents=True)
    (folder / "bad-toml.toml").write_text('id = "x"\nlabel = \n', encoding="utf-8")
    (folder / "no-order.toml").write_text('id = "y"\nplatform = "other"\nlabel = "y"\nidentify = ["a"]\n'
                                          'layout = "order_rows"\n[order]\nreceiver = ["a"]\n', encoding="utf-8")
    (folder / "not-utf8.toml").write_bytes("label = '台账'".encode("gbk"))
    (folder / "steals-pdd.toml").write_text('id = "pdd"\nplatform = "pdd"\nlabel = "p"\nidentify = ["订单号"]\n'
                                            'layout = "order_rows"\n[order]\norder_no = ["订单号"]\n', encoding="utf-8")
    (folder / "wrong-type.toml").write_text('id = "z"\nplatform = "other"\nlabel = "z"\nidentify = "单号"\n'
                                            'layout = "order_rows"\n[order]\norder_no = 5\n', encoding="utf-8")
    save_profile(supplier_mapping())
    saved = load_saved_profiles()
    assert [p.id for p in saved.profiles] == ["user-档口发货表"]
    reasons = {p.path.name: p.message for p in saved.problems}
    assert set(reasons) == {"bad-toml.toml", "no-order.toml", "not-utf8.toml", "steals-pdd.toml", "wrong-type.toml"}
    assert "TOML" in reasons["bad-toml.toml"] and "order_no" in reasons["no-order.toml"]
    assert "UTF-8" in reasons["not-utf8.toml"] and "重名" in reasons["steals-pdd.toml"]
    # Imports go on: the platform export and the saved mapping both work, the skipped files are reported.
    [sample] = copy_sample(tmp_path, "pdd_orders.csv")
    result = run_import(db, sample, supplier_xlsx(tmp_path / "发货.xlsx"))
    assert [f.profile for f in result.files] == ["拼多多订单", "档口发货表"] and result.exit_code == 0
    assert len(result.warnings) == 5 and any("bad-toml.toml" in w for w in result.warnings)
    # A broken file can be deleted by its file name.
    delete_profile("bad-toml.toml")
    assert not (folder / "bad-toml.toml").exists()


def test_every_mappable_field_is_an_importer_field() -> None:
    from desktop_app.io.import_profiles import ITEM_FIELDS, ORDER_FIELDS

    for spec in MAPPABLE_FIELDS:
        assert spec.name in (ORDER_FIELDS if spec.section == "order" else ITEM_FIELDS)
    assert len({f.name for f in MAPPABLE_FIELDS}) == len(MAPPABLE_FIELDS)
    assert SAMPLES.is_dir()

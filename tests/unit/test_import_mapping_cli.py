"""End to end through the CLI contract: a supplier's sheet is refused, its column mapping is saved,
then it — and the next file with the same headers in another order — imports on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from order_files import count_rows, item_rows, order_row, write_csv, write_xlsx

from desktop_app.cli import run
from desktop_app.io.column_suggestions import suggest_columns
from desktop_app.io.import_profiles import Layout
from desktop_app.io.sheet_preview import preview_sheet
from desktop_app.io.user_profiles import ColumnMapping, save_profile
from desktop_app.store.database import open_database

HEADER = ["序号", "单号", "客户", "电话", "收货地址", "品名", "颜色尺码", "件数", "单价", "快递", "快递单号",
          "发货日期"]
ROWS = [
    ["1", "SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "加绒卫衣", "黑色 XL", "2", "89.50",
     "中通快递", "78812345678901", "2026-11-03 18:00:00"],
    ["2", "SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "运动裤", "灰色 L", "1", "59.00",
     "中通快递", "78812345678901", "2026-11-03 18:00:00"],
    ["3", "SUP-1002", "李四", "13900000002", "江苏省南京市鼓楼区中山路2号", "羽绒服", "白色 M", "1", "299.00",
     "圆通速递", "YT1234567890123", "2026-11-04 09:30:00"],
]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def save_from_preview(path: Path, label: str = "档口发货表", platform: str = "other") -> str:
    """What the mapping dialog does with its suggestions accepted."""
    preview = preview_sheet(path)
    assert preview.header_row is not None
    columns = preview.columns(preview.header_row)
    chosen = suggest_columns([c.header for c in columns])
    mapping = ColumnMapping(label, platform, Layout.ITEM_ROWS, {f: columns[i].header for f, i in chosen.items()})
    return save_profile(mapping).id


@pytest.mark.sqlite_only
def test_refused_then_mapped_then_recognised(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            db_path: Path) -> None:
    first = write_csv(tmp_path / "档口发货表1101.csv", [HEADER, *ROWS], encoding="gbk")
    code, out, err = cli(capsys, "import-orders", str(first), "--db", str(db_path), "--json")
    assert code == 2
    [entry] = json.loads(out)["files"]
    assert entry["inserted"] == 0 and "无法识别" in entry["errors"][0]["message"]
    assert "导入其他表格" in err

    profile_id = save_from_preview(first)
    assert profile_id == "user-档口发货表"
    code, out, err = cli(capsys, "import-orders", str(first), "--db", str(db_path), "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["rejected"], entry["errors"]) == ("other", 2, 0, [])

    # The next delivery: an xlsx, a title line, the columns in another order, one more column.
    order = [11, 10, 9, 0, 5, 6, 7, 8, 4, 3, 2, 1]
    second_header = [HEADER[i] for i in order] + ["结算状态"]
    second_rows = [[row[i] for i in order] + ["未结"] for row in ROWS[2:]]
    second_rows.append(["2026-11-05 10:00:00", "SF1400000000001", "顺丰速运", "4", "手套", "黑色", "3", "19.90",
                        "四川省成都市武侯区天府大道3号", "13700000003", "王五", "SUP-1003", "未结"])
    second = write_xlsx(tmp_path / "档口发货表1105.xlsx", {"发货": [["11月5日发货"], second_header, *second_rows]})
    code, out, err = cli(capsys, "import-orders", str(second), "--db", str(db_path))
    assert code == 0, err
    assert "档口发货表1105.xlsx（档口发货表）：新增 1，更新 0，未变 1" in out

    db = open_database(db_path)
    try:
        assert count_rows(db) == 3
        order_1001 = order_row(db, "other:SUP-1001")
        assert order_1001 is not None
        assert (order_1001["receiver"], order_1001["phone"], order_1001["carrier"], order_1001["tracking_no"],
                order_1001["item_count"], order_1001["goods_fen"]) == (
            "张三", "13800000001", "中通快递", "78812345678901", 3, 2 * 8950 + 5900)
        assert item_rows(db, "other:SUP-1001") == [("加绒卫衣", "黑色 XL", 2, 8950, None),
                                                  ("运动裤", "灰色 L", 1, 5900, None)]
        order_1003 = order_row(db, "other:SUP-1003")
        assert order_1003 is not None and (order_1003["receiver"], order_1003["tracking_no"]) == (
            "王五", "SF1400000000001")
        assert str(order_1003["shipped_at"]).startswith("2026-11-05 02:00:00")  # China 10:00 as UTC
    finally:
        db.close()


def test_platform_option_and_profile_option(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            ledger_target: str) -> None:
    path = write_csv(tmp_path / "回单.csv", [HEADER, *ROWS])
    save_from_preview(path, label="淘宝回单", platform="tmall")
    # --platform limits to that family's profiles: the saved one is Taobao/Tmall.
    code, _, err = cli(capsys, "import-orders", str(path), "--platform", "jd", "--db", ledger_target)
    assert code == 2 and "不符" in err
    code, out, err = cli(capsys, "import-orders", str(path), "--platform", "taobao", "--db", ledger_target, "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["platform"] == "tmall"
    # --profile names the mapping (by id or name); an unknown one, or one of another family, is an error.
    code, out, err = cli(capsys, "import-orders", str(path), "--profile", "淘宝回单", "--db", ledger_target, "--json")
    assert code == 0 and json.loads(out)["files"][0]["unchanged"] == 2
    code, _, err = cli(capsys, "import-orders", str(path), "--profile", "nope", "--db", ledger_target)
    assert code == 2 and "找不到列对应方案“nope”" in err
    code, _, err = cli(capsys, "import-orders", str(path), "--profile", "user-淘宝回单", "--platform", "pdd",
                       "--db", ledger_target)
    assert code == 2 and "不符" in err
    other = write_csv(tmp_path / "别的.csv", [["编号", "姓名"], ["1", "张三"]])
    code, _, err = cli(capsys, "import-orders", str(other), "--profile", "user-淘宝回单", "--db", ledger_target)
    assert code == 2 and "表头与列对应方案“淘宝回单”不符" in err and "单号" in err


def test_import_profiles_command_lists_and_deletes(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   data_home: Path) -> None:
    code, out, _ = cli(capsys, "import-profiles")
    assert code == 0 and "还没有保存" in out
    save_from_preview(write_csv(tmp_path / "回单.csv", [HEADER, *ROWS]))
    (data_home / "import_profiles" / "broken.toml").write_text("id = ", encoding="utf-8")
    code, out, err = cli(capsys, "import-profiles")
    assert code == 0 and "user-档口发货表\t档口发货表（其他）" in out and "broken.toml" in err
    code, out, _ = cli(capsys, "import-profiles", "--json")
    data = json.loads(out)
    assert [p["id"] for p in data["profiles"]] == ["user-档口发货表"]
    assert data["profiles"][0]["layout"] == "item_rows" and data["problems"][0]["file"].endswith("broken.toml")
    code, out, _ = cli(capsys, "import-profiles", "--delete", "user-档口发货表")
    assert code == 0 and "已删除" in out
    code, _, err = cli(capsys, "import-profiles", "--delete", "user-档口发货表")
    assert code == 2 and "找不到" in err


def test_a_broken_saved_mapping_is_a_warning_not_a_failure(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          data_home: Path, ledger_target: str) -> None:
    folder = data_home / "import_profiles"
    folder.mkdir(parents=True)
    (folder / "半截.toml").write_text('id = "user-x"\nplatform = "other"\n[order', encoding="utf-8")
    path = write_csv(tmp_path / "回单.csv", [HEADER, *ROWS])
    code, out, err = cli(capsys, "import-orders", str(path), "--db", ledger_target, "--json")
    assert code == 2 and set(json.loads(out)) == {"files"}
    assert "警告：自定义列对应方案“半截.toml”无法使用，已跳过" in err

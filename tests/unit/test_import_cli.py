"""`import-orders` / `export-orders`: exit codes 0/1/2, the --json shape, messages on stderr."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from order_files import PDD_HEADER, copy_sample, count_rows, pdd_row, write_csv

from desktop_app.cli import run
from desktop_app.store.database import open_database

FILE_KEYS = {"file", "platform", "inserted", "updated", "unchanged", "rejected", "errors"}

# New orders above the index's mark plus updated ones queued (store/search.py).
WAITING_FOR_INDEX = ("select (select count(*) from search_pending) + (select count(*) from orders "
                     "where id > (select indexed_upto from search_state))")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.sqlite_only
def test_all_rows_in_exit_0_and_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path, db_path: Path) -> None:
    paths = copy_sample(tmp_path, "pdd_orders.csv", "douyin_orders.xlsx")
    code, out, err = cli(capsys, "import-orders", *map(str, paths), "--db", str(db_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"files"} and len(data["files"]) == 2
    for entry in data["files"]:
        assert set(entry) == FILE_KEYS
    assert [(f["platform"], f["inserted"], f["updated"], f["unchanged"], f["rejected"], f["errors"])
            for f in data["files"]] == [("pdd", 40, 0, 0, 0, []), ("douyin", 40, 0, 0, 0, [])]
    with sqlite3.connect(db_path) as conn:  # the command leaves the search index caught up
        assert conn.execute(WAITING_FOR_INDEX).fetchone()[0] == 0
        assert conn.execute("select count(*) from order_search").fetchone()[0] == 80
    code, out, _ = cli(capsys, "import-orders", str(paths[0]), "--db", str(db_path), "--json")
    assert code == 0 and json.loads(out)["files"][0]["unchanged"] == 40


def test_rejected_rows_exit_1_good_rows_stored(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               ledger_target: str) -> None:
    path = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row("261101-000000000000001"),
                                            pdd_row("6.92345678901235E+18")])
    code, out, err = cli(capsys, "import-orders", str(path), "--db", ledger_target, "--json")
    assert code == 1
    [entry] = json.loads(out)["files"]
    assert (entry["inserted"], entry["rejected"]) == (1, 1)
    [error] = entry["errors"]
    assert set(error) == {"row", "column", "message"}
    assert (error["row"], error["column"]) == (3, "订单号") and "科学计数法" in error["message"]
    assert "第 3 行" in err
    code, out, err = cli(capsys, "import-orders", str(path), "--db", ledger_target)
    assert code == 1 and "未变 1" in out and "失败 1 行" in out


@pytest.mark.sqlite_only
def test_refused_file_exit_2_nothing_stored(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            db_path: Path) -> None:
    bad = tmp_path / "photo.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    good = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row()])
    code, out, err = cli(capsys, "import-orders", str(bad), str(good), "--db", str(db_path), "--json")
    assert code == 2
    refused, imported = json.loads(out)["files"]
    assert set(refused) == FILE_KEYS and refused["inserted"] == 0 and refused["platform"] is None
    assert refused["errors"][0]["row"] is None and "图片" in refused["errors"][0]["message"]
    assert imported["inserted"] == 1
    assert "photo.xlsx" in err and "图片" in err
    db = open_database(db_path)
    try:
        assert count_rows(db) == 1
    finally:
        db.close()


def test_platform_option(capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    [path] = copy_sample(tmp_path, "jd_orders.csv")
    code, _, err = cli(capsys, "import-orders", str(path), "--platform", "pdd", "--db", ledger_target)
    assert code == 2 and "这是京东订单，不是所选平台的订单导出" in err and "--platform jd" in err
    assert cli(capsys, "import-orders", str(path), "--platform", "jd", "--db", ledger_target)[0] == 0
    # The Chinese name, as every other --platform takes it (README: "Chinese names work too").
    assert cli(capsys, "import-orders", str(path), "--platform", "京东", "--db", ledger_target)[0] == 0
    code, out, err = cli(capsys, "import-orders", str(path), "--platform", "amazon", "--db", ledger_target)
    assert code == 2 and out == "" and err.startswith("错误：--platform：没有“amazon”这个选择")


def test_export_orders(capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    from openpyxl import load_workbook

    paths = copy_sample(tmp_path, "pdd_orders.csv", "jd_orders.csv")
    cli(capsys, "import-orders", *map(str, paths), "--db", ledger_target)
    code, out, _ = cli(capsys, "export-orders", str(tmp_path / "all.xlsx"), "--db", ledger_target)
    assert code == 0 and "80" in out
    code, out, _ = cli(capsys, "export-orders", str(tmp_path / "jd.xlsx"), "--platform", "京东", "--db", ledger_target)
    assert code == 0
    workbook = load_workbook(tmp_path / "jd.xlsx", read_only=True)
    try:
        sheet = workbook.active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert len(rows) == 41 and {r[0] for r in rows[1:]} == {"京东"}
    code, _, err = cli(capsys, "export-orders", str(tmp_path / "out.csv"), "--db", ledger_target)
    assert code == 2 and ".xlsx" in err


@pytest.mark.sqlite_only
def test_a_search_index_that_cannot_catch_up_does_not_fail_the_import(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path, db_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.services import search_index

    def locked(*_args: object, **_kwargs: object) -> int:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(search_index, "catch_up", locked)
    paths = copy_sample(tmp_path, "pdd_orders.csv")
    code, out, err = cli(capsys, "import-orders", *map(str, paths), "--db", str(db_path), "--json")
    assert code == 0 and json.loads(out)["files"][0]["inserted"] == 40
    assert "搜索索引暂未更新" in err and "database is locked" in err
    with sqlite3.connect(db_path) as conn:  # stored, and still queued for the index
        assert conn.execute(WAITING_FOR_INDEX).fetchone()[0] == 40


@pytest.mark.parametrize(("name", "label"), [("tb_refunds.csv", "淘宝/天猫退款管理导出"),
                                             ("dy_aftersales.xlsx", "抖店售后单导出")])
def test_an_after_sales_export_given_to_import_orders_says_to_use_import_cases(
        name: str, label: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # import-cases given an order export names import-orders; the other way round named no command.
    target = tmp_path / name
    shutil.copyfile(Path(__file__).resolve().parent.parent / "fixtures" / "aftersales" / name, target)
    code, out, err = cli(capsys, "import-orders", str(target), "--db", ledger_target)
    assert code == 2 and out == ""
    assert err == f"错误：{name}：这是{label}（售后/退款列表），不是订单导出：请用“导入”按钮或 import-cases 命令导入\n"


@pytest.mark.parametrize(("name", "old", "new", "platform"), [
    ("pdd_orders.csv", "订单号", "订单编号", "pdd"), ("jd_orders.csv", "订单号", "订单编号", "jd"),
    ("taobao_ExportOrderList.csv", "订单编号", "订单号", "taobao"),
])
def test_an_order_export_whose_order_number_header_is_its_other_known_name_is_recognised(
        name: str, old: str, new: str, platform: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        ledger_target: str) -> None:
    # The profiles read 订单编号 as the order number of a 拼多多 or 京东 export (and 订单号 of 淘宝's),
    # but recognised the file only under the other name: 'missing 订单号'.
    [path] = copy_sample(tmp_path, name)
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
    header, rest = raw.decode(encoding).split("\n", 1)
    cells = header.split(",")
    assert old in cells and new not in cells
    path.write_bytes((",".join(new if c == old else c for c in cells) + "\n" + rest).encode(encoding))
    code, out, err = cli(capsys, "import-orders", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert entry["platform"] == platform and entry["inserted"] == 40 and entry["rejected"] == 0

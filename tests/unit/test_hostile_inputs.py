"""Hostile inputs of session 23 (issue 14's "bad input never crashes and never loses data"): evidence that is no
file to keep, request times that mean "no date", a cost sheet with its 成本价 twice, amounts written with a decimal
comma, and Excel error values in an old .xls — each said in Chinese with where it is, nothing half stored."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.money import parse_yuan
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io import cell_values
from desktop_app.io.case_rows import _no_request_times, read_case_file
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import Cleaning
from desktop_app.io.product_cost_sheet import read_product_costs
from desktop_app.io.xls_errors import xls_error_cells
from desktop_app.services import evidence_files
from desktop_app.services.case_evidence import add_case_evidence
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.order_import import import_files
from desktop_app.services.shop_profile import BadSealImage, save_shop_profile
from desktop_app.store import ledger_errors
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.database import Database, open_database
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.models import OrderItem
from tests.unit.aftersales_files import TB_HEADER, tb_row, write_csv, write_xlsx
from tests.unit.full_disk import POSIX_ONLY, files_up_to

XLS = Path(__file__).resolve().parents[1] / "fixtures" / "xls"


# -- evidence ------------------------------------------------------------------------------------------------------

@pytest.fixture
def case_id(db: Database) -> int:
    return open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED),
                     author="小林").case_id


def _nothing_added(db: Database, case_id: int, data_home: Path) -> None:
    with db.reading() as session:
        assert case_evidence_rows(session, case_id) == []
    folder = data_home / "evidence"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_a_folder_given_as_evidence_is_named_as_one(db: Database, case_id: int, tmp_path: Path,
                                                    data_home: Path) -> None:
    # It was "找不到文件" for a folder that is plainly there.
    good = tmp_path / "面单.jpg"
    good.write_bytes(b"photo")
    folder = tmp_path / "开箱照片"
    folder.mkdir()
    with pytest.raises(UserError) as refused:
        add_case_evidence(db, case_id, [good, folder])
    assert "开箱照片 是一个文件夹，不是文件" in str(refused.value) and not isinstance(refused.value, NotFound)
    _nothing_added(db, case_id, data_home)


@pytest.mark.skipif(os.name != "posix", reason="a FIFO and /dev/zero are POSIX's")
def test_a_pipe_or_a_device_is_refused_before_any_copy(db: Database, case_id: int, tmp_path: Path,
                                                       data_home: Path) -> None:
    # Copying a FIFO waits for a writer forever; /dev/zero (or a link to it) never ends and fills the disk.
    fifo = tmp_path / "录像.mp4"
    os.mkfifo(fifo)
    link = tmp_path / "称重.jpg"
    link.symlink_to("/dev/zero")
    for given in (fifo, link):
        with pytest.raises(UserError) as refused:
            add_case_evidence(db, case_id, [given])
        assert f"{given} 不是普通文件（设备、管道或套接字）" in str(refused.value)
    _nothing_added(db, case_id, data_home)


def test_an_empty_or_too_large_file_is_refused_with_the_cap(db: Database, case_id: int, tmp_path: Path,
                                                           data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "聊天截图.png"
    empty.write_bytes(b"")
    with pytest.raises(UserError) as refused:
        add_case_evidence(db, case_id, [empty])
    assert "是空文件（0 字节）" in str(refused.value)
    assert evidence_files.MAX_EVIDENCE_BYTES == 500 * 1024 * 1024  # the cap the message names
    monkeypatch.setattr(evidence_files, "MAX_EVIDENCE_BYTES", 2 * 1024 * 1024)
    video = tmp_path / "开箱视频.mp4"
    with video.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: a 4 GB file the same way would cost nothing either
    small = tmp_path / "面单.jpg"
    small.write_bytes(b"photo")
    with pytest.raises(UserError) as refused:
        add_case_evidence(db, case_id, [small, video])  # the whole batch or nothing
    assert f"文件太大（3 MB）：{video}。每个证据文件最大 2 MB" in str(refused.value)
    _nothing_added(db, case_id, data_home)


# -- request times that mean "no date" ------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_request_time_meaning_no_date_is_said_per_row_and_column(suffix: str, tmp_path: Path) -> None:
    # 0000-00-00 and Excel's serial 0 became a blank request time without a word (the case then dated at the
    # import, its timers from then); 1900-01-00 (serial 0 shown as a date) was a row error saying no such date.
    placeholders: list[object] = ["0000-00-00", "0000-00-00 00:00:00", "1900-01-00", "1900/1/0 00:00"]
    if suffix == ".xlsx":
        placeholders += [0, 0.0]
    rows: list[list[object]] = [TB_HEADER]
    for i, value in enumerate([*placeholders, "2026-11-20 10:00:00"]):
        row: list[object] = tb_row(f"3000000000000{i:02d}", f"41453840191614610{i:02d}")
        row[TB_HEADER.index("退款的申请时间")] = value
        rows.append(row)
    path = tmp_path / f"退款管理{suffix}"
    if suffix == ".csv":
        write_csv(path, [[str(c) for c in row] for row in rows])
    else:
        write_xlsx(path, rows)
    parsed = read_case_file(path)
    assert parsed.errors == []
    assert [r.requested_at is None for r in parsed.records] == [True] * len(placeholders) + [False]
    rows_named = "、".join(str(n) for n in range(2, 2 + len(placeholders)))
    [warning] = [w for w in parsed.warnings if "表示没有日期" in w]
    assert warning.startswith(f"第 {rows_named} 行“退款的申请时间”列是“0000-00-00”（表示没有日期）："
                              "新建的售后单以导入的时间")


def test_many_rows_without_a_request_time_are_one_warning() -> None:
    said = _no_request_times([(n, "0000-00-00") for n in range(2, 40)], "申请时间")
    assert said.startswith("第 2、3、4、5、6、7、8、9、10、11 等 38 行“申请时间”列是“0000-00-00”")


def test_a_real_date_or_a_negative_serial_is_no_placeholder() -> None:
    cleaner = CellCleaner(Cleaning())
    assert cell_values.no_date_placeholder("2026-11-20") is None and cell_values.no_date_placeholder(5) is None
    assert cell_values.no_date_placeholder(False) is None
    with pytest.raises(CellError):
        cleaner.moment(-5.0)
    with pytest.raises(CellError):
        cleaner.moment("1900-02-00")  # not Excel's serial 0: still no such date


# -- the cost sheet -------------------------------------------------------------------------------------------------

def test_a_cost_sheet_with_its_cost_column_twice_says_which_was_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "成本价.csv", [["商家编码", "商品名称", "进价", "进价"], ["A1", "袜子", "3.50", "3.50"],
                                               ["A2", "杯子", "12.00", "15.00"], ["A3", "毯子", "-2", "-2"],
                                               ["A4", "猫砂", "1.000,00", "1.000,00"]])
    sheet = read_product_costs(path)
    assert [(line.sku_code, line.cost_fen) for line in sheet.lines] == [("A1", 350), ("A2", 1200)]
    assert sheet.problems[0] == ("表头“进价”有 2 列（第 3、4 列），第 3 行它们的内容不同（“12.00”和“15.00”）："
                                 "导入的是第 3 列。请确认它是对的，否则删去或改名多余的列后重新导入")
    # each bad cost named by its row and the sheet's own column (it said 成本价 for a column called 进价)
    assert sheet.problems[1:] == ("第 4 行：进价不能为负数：-2", "第 5 行：进价“1.000,00”不是有效的金额（例如 12.50）")


# -- amounts -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1.000,00", "1,5", "12,34", "1,23.00", "12,3456.00"])
def test_a_comma_that_groups_no_thousands_is_no_amount(text: str) -> None:
    # Taken out as a thousands mark it changed the amount: "1.000,00" (a European Excel's 1,000.00) was 1.00 yuan,
    # "1,5" 15 yuan — in an order import, a cost sheet and a typed --amount alike.
    with pytest.raises(CellError):
        CellCleaner(Cleaning()).money(text)
    with pytest.raises(UserError):
        parse_yuan(text)


@pytest.mark.parametrize(("text", "fen"), [("¥1,234.50元", 123450), ("1,234,567.80", 123456780),
                                           ("￥ 1，234 元", 123400), ("+1,000", 100000), ("-0", 0), ("１２.５", 1250)])
def test_amounts_as_shops_write_them_still_read(text: str, fen: int) -> None:
    assert CellCleaner(Cleaning()).money(text) == fen
    assert int(parse_yuan(text) * 100) == fen
    assert str(parse_yuan("-0")) == "0.00"  # never printed as -0.00


# -- .xls error values ---------------------------------------------------------------------------------------------

def test_error_values_in_an_old_xls_are_row_errors_not_blanks(tmp_path: Path) -> None:
    # python-calamine reads an .xls error cell as blank: these orders were stored without their paid time, paid
    # amount or price. Now as the .xlsx and .csv imports: the row refused, naming the cell and its error.
    path = tmp_path / "jd_error_values.xls"
    shutil.copy(XLS / "jd_error_values.xls", path)
    ledger = tmp_path / "ledger.sqlite3"
    db = open_database(ledger)
    try:
        [result] = import_files(db, [path]).files
    finally:
        db.close()
    assert (result.inserted, result.rejected) == (1, 3)
    assert [(e.row, e.column) for e in result.errors] == [(2, "付款确认时间"), (3, "应付金额"), (4, "京东价")]
    assert "#N/A（单元格 Y2）" in result.errors[0].message and "#REF!（单元格 K3）" in result.errors[1].message
    assert "#DIV/0!（单元格 G4）" in result.errors[2].message  # a formula whose saved result is the error
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("select count(*) from orders").fetchone()[0] == 1
    conn.close()


def test_an_xls_this_cannot_walk_keeps_calamines_values(tmp_path: Path) -> None:
    data = (XLS / "jd_error_values.xls").read_bytes()
    assert len(xls_error_cells(XLS / "jd_error_values.xls", "订单列表")) == 3
    assert xls_error_cells(XLS / "jd_error_values.xls", "没有这张表") == {}
    cut = tmp_path / "cut.xls"
    cut.write_bytes(data[:700])  # the header, and sectors that are not there
    assert xls_error_cells(cut, "订单列表") == {}
    looped = bytearray(data)
    looped[0x30:0x34] = (10**6).to_bytes(4, "little")  # a directory sector past the end
    (tmp_path / "looped.xls").write_bytes(bytes(looped))
    assert xls_error_cells(tmp_path / "looped.xls", "订单列表") == {}


# -- the ledger's own file ------------------------------------------------------------------------------------------

@POSIX_ONLY
def test_a_backup_cut_off_by_a_full_disk_leaves_not_even_its_journal(capsys: pytest.CaptureFixture[str],
                                                                     db_path: Path, tmp_path: Path) -> None:
    # On a stick that filled up mid-copy, "ledger-….sqlite3.partial-journal" stayed in the backup folder.
    open_database(db_path).close()
    assert db_path.stat().st_size > 128 * 1024
    stick = tmp_path / "U盘"
    stick.mkdir()
    with files_up_to(64 * 1024):
        assert run(["backup", "--to", str(stick), "--db", str(db_path)]) == 2
    assert "备份失败，无法写入" in capsys.readouterr().err
    assert list(stick.iterdir()) == []


def test_a_ledger_in_a_folder_that_cannot_be_written_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A ledger on a read-only stick or share: SQLite cannot make its -wal and -shm beside it (SQLITE_CANTOPEN, even
    # to list cases), and the message sent the user looking for a folder that "does not exist".
    ledger = tmp_path / "ledger.sqlite3"
    ledger.write_bytes(b"")
    error = sqlite3.OperationalError("unable to open database file")
    error.sqlite_errorname = "SQLITE_CANTOPEN"  # type: ignore[attr-defined]
    real_access = os.access
    monkeypatch.setattr(ledger_errors.os, "access", lambda path, mode: False if Path(path) == tmp_path
                        else real_access(path, mode))
    said = as_user_error(error, ledger)
    assert said is not None and str(said).startswith(f"无法打开数据库文件 {ledger}：它所在的文件夹不能写入")
    monkeypatch.setattr(ledger_errors.os, "access", real_access)
    said = as_user_error(error, ledger)  # a folder that can be written: as before
    assert said is not None and "文件夹不存在或没有权限" in str(said)


# -- long cells in an after-sales export ----------------------------------------------------------------------------

def test_long_cells_of_an_after_sales_export_are_row_errors_on_every_ledger(db: Database, tmp_path: Path) -> None:
    # A 商品编码 or 买家昵称 over the 100 characters their columns hold failed the whole file on PostgreSQL ("有一项文字
    # 太长，团队数据库存不下", with psycopg's "Error ignored … pipeline aborted" beside it) and was stored on SQLite;
    # a request number of 100,000 characters was quoted whole in its message (300 KB on one line).
    rows = [TB_HEADER]
    cells = [("商品编码", "S" * 150), ("退款编号", "长" * 100_000), ("宝贝标题", "很长的标题" * 2000),
             ("退款编号", "3000000000000099")]
    for i, (column, value) in enumerate(cells):
        row = tb_row(f"30000000000000{i}", f"41453840191614610{i:02d}")
        row[TB_HEADER.index(column)] = value
        rows.append(row)
    path = write_csv(tmp_path / "退款管理.csv", rows)
    [result] = import_cases(db, [path]).files
    assert result.refused is None
    assert (len(result.inserted), [(e.row, e.column, e.message) for e in result.errors]) == (2, [
        (2, "商品编码", "内容太长（最多 100 个字符）"), (3, "退款编号", "内容太长（最多 80 个字符）")])
    with db.reading() as session:  # the long title is the shop's own text: stored whole, as before
        assert session.scalar(select(func.max(func.length(OrderItem.title)))) == 10_000


def test_a_backup_a_newer_version_wrote_is_not_restored(capsys: pytest.CaptureFixture[str], db_path: Path,
                                                        tmp_path: Path) -> None:
    # It was restored: the ledger replaced by one this version refuses to open, every command and the window after
    # it saying 由更新版本的售后台账创建 (the file before it only in the backup folder's …-restore copy).
    db = open_database(db_path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED), author="小林")
    db.close()
    newer = tmp_path / "ledger-20270101-0900-manual.sqlite3"
    shutil.copy(db_path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    before = db_path.read_bytes()
    assert run(["restore", str(newer), "--db", str(db_path)]) == 2
    assert f"备份 {newer} 由更新版本的售后台账创建（版本 9999_future），本程序无法使用它" in capsys.readouterr().err
    assert db_path.read_bytes() == before
    assert run(["case", "list", "--db", str(db_path)]) == 0


# -- the command line's numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["returns", "transit", "--days"],
                                  ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--claims-older-than"]])
def test_a_number_of_days_out_of_range_is_a_chinese_message(args: list[str], capsys: pytest.CaptureFixture[str],
                                                            db_path: Path) -> None:
    # 99999999999999 days was an internal error (OverflowError, exit 3) in both.
    open_database(db_path).close()  # a ledger that is there (a read on one that is not is refused first)
    option = args[-1]
    assert run([*args, "99999999999999", "--db", str(db_path)]) == 2
    assert f"错误：{option} “99999999999999”太大（最多 3,660 天，即十年）" in capsys.readouterr().err
    assert run([*args, "-5", "--db", str(db_path)]) == 2
    assert f"错误：{option} 不能为负数" in capsys.readouterr().err
    assert run([*args, "七", "--db", str(db_path)]) == 2
    assert f"错误：{option} “七”不是有效的天数" in capsys.readouterr().err
    assert run([*args, "3660", "--db", str(db_path)]) in (0, 1)  # ten years is still a question


def test_a_pasted_line_of_200000_characters_is_a_line_problem(capsys: pytest.CaptureFixture[str], db_path: Path,
                                                              tmp_path: Path) -> None:
    # The csv module refused a field over 131,072 characters: an internal error (exit 3), in the window's paste
    # dialog too (it splits the text the same way).
    pasted = tmp_path / "运单号.txt"
    pasted.write_text("x" * 200_000 + ",YT123456789\n261101-000000000000001\tYT1234567890123\n", encoding="utf-8")
    open_database(db_path).close()
    assert run(["reship", "paste", str(pasted), "--check", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "第1行\t格式错误\t这一行有 200012 个字符，不是订单号和运单号（每行最多 1000 个字符）" in out
    assert "第2行\t未找到" in out
    assert len(out) < 2000


def test_a_holiday_given_a_time_of_day_is_quoted_as_the_file_writes_it(capsys: pytest.CaptureFixture[str],
                                                                        db_path: Path, tmp_path: Path) -> None:
    # It was quoted as Python writes it: datetime.datetime(2027, 2, 6, 10, 0).
    schedule = tmp_path / "2027.toml"
    schedule.write_text('[[years]]\nyear = 2027\nholidays = [ { name = "春节", from = 2027-02-06T10:00:00, '
                        'to = 2027-02-12 } ]\n', encoding="utf-8")
    assert run(["workdays", "import", str(schedule), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "“春节”的 from/to 必须是日期（YYYY-MM-DD），而不是 2027-02-06T10:00:00" in err and "datetime." not in err


@pytest.mark.skipif(os.name != "posix", reason="a FIFO and /dev/zero are POSIX's")
def test_a_pipe_or_a_device_named_as_a_seal_is_refused(db: Database, tmp_path: Path) -> None:
    # 店铺信息 → 印章: a FIFO named seal.png hung the window (read waits for a writer); /dev/zero behind a link named
    # seal.png was read until memory ran out (its size is 0, under the 5 MB cap).
    fifo = tmp_path / "印章.png"
    os.mkfifo(fifo)
    link = tmp_path / "公章.png"
    link.symlink_to("/dev/zero")
    for given in (fifo, link, tmp_path):
        seal = given if given != tmp_path else tmp_path / "文件夹.png"
        if given == tmp_path:
            seal.mkdir()
        with pytest.raises(BadSealImage) as refused:
            save_shop_profile(db, ShopProfile(name="暖居家纺"), seal_source=seal)
        assert str(refused.value) == f"{seal.name} 不是普通的图片文件（是文件夹、设备或管道），不能作为印章"


# -- pipes and devices where the app reads its own files ------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="a FIFO and /dev/zero are POSIX's")
def test_pipes_and_devices_among_the_shops_own_files_are_skipped_not_read(data_home: Path, db_path: Path,
                                                                         tmp_path: Path) -> None:
    # A FIFO named like a playbook, a saved column mapping or an after-sales format hung every command (and the
    # window's start) reading that folder; /dev/zero behind such a name was read until memory ran out. So did
    # `workdays import` and `reship paste` given one.
    for folder in ("playbooks", "import_profiles", "aftersales_profiles"):
        (data_home / folder).mkdir(parents=True)
        os.mkfifo(data_home / folder / "管道.toml")
        (data_home / folder / "设备.toml").symlink_to("/dev/zero")
    db = open_database(db_path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED), author="小林")
    db.close()
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root, "AFTERSALES_LEDGER_HOME": str(data_home)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "desktop_app", *args], env=env, capture_output=True, text=True,
                              timeout=60)

    done = cli("guide", "1", "--db", str(db_path))
    assert done.returncode == 0 and "管道.toml 不是普通文件（是设备或管道）" in done.stderr, done.stderr
    assert "设备.toml 不是普通文件（是设备或管道）" in done.stderr
    done = cli("import-profiles")
    assert done.returncode == 0 and "管道.toml 无法使用：文件不是普通文件（是设备或管道）" in done.stderr, done.stderr
    cases = write_csv(tmp_path / "退款管理.csv", [TB_HEADER, tb_row("300000000000001", "4145384019161461001")])
    done = cli("import-cases", str(cases), "--db", str(db_path))
    assert done.returncode == 0 and "自定义售后格式 管道.toml 无法使用" in done.stderr, done.stderr
    fifo = tmp_path / "2027.toml"
    os.mkfifo(fifo)
    done = cli("workdays", "import", str(fifo), "--db", str(db_path))
    assert (done.returncode, done.stderr.strip()) == (2, f"错误：读不了文件 {fifo}：不是普通文件（是设备或管道）")
    done = cli("reship", "paste", "/dev/zero", "--db", str(db_path))
    assert (done.returncode, done.stderr.strip()) == (2, "错误：无法读取文件 /dev/zero：不是普通文件（是设备或管道）")

"""Hostile and odd files, round 7 (session 27): what round 6 left, and new ways a real or damaged file was
read wrong, refused without saying where, or ate the machine."""

from __future__ import annotations

import io
import re
import sys
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.cli.reships import MAX_PASTE_BYTES
from desktop_app.core.money import parse_yuan
from desktop_app.io import spreadsheet_readers, xlsx
from desktop_app.services.case_import import import_cases
from desktop_app.services.reship_paste import MAX_PASTED_LINES
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Case
from tests.unit.aftersales_files import DY_HEADER
from tests.unit.aftersales_files import write_csv as write_case_csv
from tests.unit.hostile_xlsx import cells_of, shared_sheet_xml, sheet_xml, write_workbook
from tests.unit.order_files import DOUYIN_HEADER, PDD_HEADER, count_rows, douyin_row, pdd_row, run_import


def _read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet_readers, "chunked_table", partial(
        xlsx.chunked_table, first_chunk_bytes=2_000, chunk_bytes=2_000, workbook_bytes=90_000,
        first_workbook_bytes=4_000, min_sheet_bytes=0))
    monkeypatch.setattr(spreadsheet_readers, "worksheet_names_if_large",
                        partial(xlsx.worksheet_names_if_large, min_sheet_bytes=0))


def _pdd_sheet(path: Path, raw: dict[str, str]) -> Path:
    """A 拼多多 export of 30 orders as Excel writes it (text as shared strings), cells of `raw` replaced."""
    rows = [PDD_HEADER, *(pdd_row(f"261101-1032830302768{i:02d}") for i in range(30))]
    rows = [[float(v) if v in ("79.00", "0.00") else v for v in row] for row in rows]
    shared: list[str] = []
    return write_workbook(path, {"Sheet1": shared_sheet_xml(rows, shared, raw)}, shared)


@pytest.mark.parametrize("in_pieces", [False, True])
@pytest.mark.parametrize(("raw", "said"), [
    # an ERP writing the amount as it shows it into a number cell: calamine's "Parse float error"
    ({"D5": '<c r="D5" t="n"><v>79,00</v></c>'},
     "工作表“Sheet1”第 5 行 D 列的单元格标为数字，写的却是“79,00”，不是数字"),
    # a shared string past the file's strings: calamine's "Cell string index not found in shared strings table"
    ({"H7": '<c r="H7" t="s"><v>99999</v></c>'},
     "工作表“Sheet1”第 7 行 H 列的单元格引用文件里的第 99999 号文字，文件却只有"),
    # an index that is no number: read silently as the first string, the header 商品, as the 收货人
    ({"H7": '<c r="H7" t="s"><v>x</v></c>'}, "工作表“Sheet1”第 7 行 H 列的单元格引用文件里的文字，编号却是“x”"),
    ({"H30": '<c r="H30" t="s"><v>1.0</v></c>'}, "第 30 行 H 列的单元格引用文件里的文字，编号却是“1.0”"),
    ({"H9": '<c r="H9" t="s"><v>-1</v></c>'}, "第 9 行 H 列的单元格引用文件里的文字，编号却是“-1”"),
    # "Unrecognized boolean cell value: 是", "Unsupported cell error value '#缺失'", "Unknown cell 't' attribute"
    ({"C3": '<c r="C3" t="b"><v>是</v></c>'}, "第 3 行 C 列的单元格读不出来（文件里标的类型是“b”，内容是“是”）"),
    # (read in pieces, the error cells' own check names it first: 工作表“Sheet1”的单元格 C3 是 Excel 的错误值 #缺失)
    ({"C3": '<c r="C3" t="e"><v>#缺失</v></c>'}, "#缺失"),
    ({"C3": '<c r="C3" t="text"><v>已发货</v></c>'}, "C 列的单元格读不出来（文件里标的类型是“text”，内容是“已发货”）"),
])
def test_a_damaged_cell_is_refused_naming_its_row_and_column(
        raw: dict[str, str], said: str, in_pieces: bool, tmp_path: Path, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if in_pieces:
        _read_in_pieces(monkeypatch)
    [result] = run_import(db, _pdd_sheet(tmp_path / "拼多多订单.xlsx", raw)).files
    assert result.refused is not None and said in result.refused
    assert re.search(r"第 \d+ 行 [A-Z] 列|单元格 [A-Z]\d+", result.refused)  # the cell named
    assert "error" not in result.refused and count_rows(db) == 0


def test_the_same_sheet_without_damage_imports(tmp_path: Path, db: Database) -> None:
    [result] = run_import(db, _pdd_sheet(tmp_path / "拼多多订单.xlsx", {})).files
    assert result.refused is None and result.inserted == 30 and result.errors == ()


def _stdin_of(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_a_paste_from_stdin_is_capped_like_a_file(monkeypatch: pytest.MonkeyPatch, db_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # `reship paste -` read its standard input whole (`cat 40GB | …`, /dev/zero piped in: memory without end).
    open_database(db_path).close()
    _stdin_of(monkeypatch, b"261101-000000000000001\tYT1234567890123\n" * (MAX_PASTE_BYTES // 38 + 1))
    assert run(["reship", "paste", "-", "--check", "--db", str(db_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "标准输入的内容太大（超过 8 MB），什么也没有录入：请分成几批粘贴" in err
    # what fits is read as a file is: Excel's Unicode text too
    _stdin_of(monkeypatch, "订单号\t运单号\r\n261101-103283030276851\tYT1234567890\r\n".encode("utf-16"))
    assert run(["reship", "paste", "-", "--check", "--db", str(db_path)]) == 1
    assert "第2行\t未找到\t没有订单号为 261101-103283030276851 的补发售后单" in capsys.readouterr().out


def test_a_paste_of_more_lines_than_a_reship_list_is_refused_before_it_is_checked(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 645,000 lines (32 MB, under the file cap) were checked and reported together: 1 GB of memory.
    pasted = tmp_path / "运单号.txt"
    line = "261101-000000000000001\tYT1234567890123\n"
    pasted.write_text("订单号\t运单号\n" + line * MAX_PASTED_LINES, encoding="utf-8")
    open_database(db_path).close()
    assert run(["reship", "paste", str(pasted), "--db", str(db_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "粘贴的内容超过 100000 行（第 100001 行起），一次最多录入 100000 行，什么也没有录入" in err


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights on Windows")
@pytest.mark.parametrize(("command", "said"), [
    (["workdays", "import"], "错误：读不了文件 {path}：路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件"),
    # was "找不到文件": the link is there, it leads nowhere
    (["import-orders"], "错误：环.csv：文件无法读取（路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件）"),
    (["import-cases"], "错误：环.csv：文件无法读取（路径里的快捷方式（符号链接）绕成了圈"),
    (["product-costs", "import"], "文件“环.csv”无法导入：文件无法读取（路径里的快捷方式（符号链接）绕成了圈"),
])
def test_a_link_looping_back_on_itself_is_said_in_chinese_with_its_path(
        command: list[str], said: str, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `workdays import` said "系统错误：Too many levels of symbolic links" (the OS's English).
    loop = tmp_path / "环.csv"
    loop.symlink_to(tmp_path / "圈.csv")
    (tmp_path / "圈.csv").symlink_to(loop)
    assert run([*command, str(loop), "--db", str(db_path)]) == 2
    assert said.format(path=loop) in capsys.readouterr().err


def test_a_cell_far_past_the_data_is_refused_saying_where_the_sheet_reaches_and_how_to_cut_it(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # It said "…使表格范围达到 1,048,576 行 × R 列（…），不像是订单表格…" — a column letter as a count, "订单表格" for
    # an after-sales or cost file too, and not how to find the cell.
    rows = [DOUYIN_HEADER, douyin_row("6920000000000000001", "6920000000000000002")]
    path = write_workbook(tmp_path / "抖店.xlsx", {"订单": sheet_xml([*cells_of(rows), ("R1048576", " ")])})
    assert run(["import-orders", str(path), "--db", str(db_path)]) == 2
    assert ("抖店.xlsx：工作表“订单”的单元格 R1048576 远在表格之外（可能是格式、空格或误填的内容），使表格从 A1 延伸到 "
            "R1048576：1,048,576 行 × 18 列，约 18,874,368 个单元格，超过能读取的 10,000,000 个，文件没有导入。"
            "请在 Excel 或 WPS 中按 Ctrl+End 找到单元格 R1048576，把数据下方和右侧多余的行、列整行整列删除"
            "（或只把有数据的部分复制到新表格），另存后再导入") in capsys.readouterr().err


def test_a_csv_line_of_millions_of_cells_is_refused_before_it_is_split(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "a," 10 million times after the header (a damaged download, a log saved as .csv) was split into 10 million
    # cells before any check: 738 MB for a 20 MB file. A line is refused past 4 MB.
    path = tmp_path / "订单.csv"
    path.write_bytes((",".join(PDD_HEADER) + "\r\n" + "a," * 2_200_000).encode("utf-8-sig"))
    assert run(["import-orders", str(path), "--db", str(db_path)]) == 2
    assert ("订单.csv：第 2 行超过 4 MB 还没有换行，不像是平台导出的内容（文件可能已损坏，或不是表格）。"
            "文件没有导入，请检查这一行后重新导出") in capsys.readouterr().err
    # a line just under it (a 备注 of 130,000 characters) is read as before
    row = pdd_row("261101-103283030276851", title="长" * 130_000)
    path.write_bytes((",".join(PDD_HEADER) + "\r\n" + ",".join(row) + "\r\n").encode("utf-8-sig"))
    assert run(["import-orders", str(path), "--db", str(db_path)]) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights on Windows")
@pytest.mark.parametrize("command", [
    ["backup", "--db", "{loop}"], ["backup", "--list", "--db", "{loop}"],
    ["import-orders", "{sample}", "--db", "{loop}"],
    ["restore", "{loop}", "--db", "{ledger}"], ["backup", "--folder", "{loop}", "--db", "{ledger}"],
    ["backup", "--to", "{loop}", "--db", "{ledger}"],
])
def test_a_looping_link_given_as_a_ledger_backup_or_folder_is_a_user_error(
        command: list[str], tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Path.resolve() raised RuntimeError("Symlink loop from …") (Python 3.11): 内部错误（RuntimeError）, exit 3.
    loop = tmp_path / "环.sqlite3"
    loop.symlink_to(tmp_path / "圈.sqlite3")
    (tmp_path / "圈.sqlite3").symlink_to(loop)
    open_database(db_path).close()
    sample = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "pdd_orders.csv"
    argv = [part.format(loop=loop, ledger=db_path, sample=sample) for part in command]
    assert run(argv) == 2
    assert f"错误：{loop}：路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件" in capsys.readouterr().err


def dy_row(case_no: str, order_no: str, amount: str) -> list[str]:
    """A row of 抖店's after-sales export (DY_HEADER)."""
    return [case_no, order_no, "P1", "纯棉袜子", "白色", "1", "仅退款", "待商家处理", "不想要了", "2026-11-20 10:00:00",
            amount, "", "", "买家A", ""]


def test_an_amount_typed_in_full_width_is_the_amount_it_shows(tmp_path: Path, db: Database) -> None:
    # A hand-kept after-sales sheet typed with the input method in 全角 mode: １２．５０ was refused as no amount
    # (full-width digits alone passed, the full-width point did not). Other look-alikes stay refused.
    written = ["１２．５０", "￥１，０５９．００", "１２．５０元", "59²", "１，５"]
    rows = [DY_HEADER, *(dy_row(f"730000000000000000{i}", f"692000000000000000{i}", amount=amount)
                         for i, amount in enumerate(written))]
    [result] = import_cases(db, [write_case_csv(tmp_path / "抖店售后.csv", rows, encoding="utf-8-sig")],
                            platform="douyin").files
    assert [(e.row, e.column) for e in result.errors] == [(5, "退款金额"), (6, "退款金额")]
    assert "“１，５”" in result.errors[1].message
    with db.reading() as session:
        amounts = session.execute(select(Case.platform_case_no, Case.refund_fen).order_by(Case.platform_case_no)).all()
    assert [fen for _, fen in amounts] == [1250, 105900, 1250]
    assert parse_yuan("１２．５０", "退款金额") == Decimal("12.50")


def test_a_workbook_with_more_shared_strings_than_any_export_is_refused_before_they_are_parsed(
        tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # 200 MB of shared strings (8 million, a 45 MB file under the zip-bomb ratio) behind one order: 529 MB and 13 s;
    # at the 1 GB package cap ~2.5 GB. Refused on the size the zip's directory declares (the cap lowered here).
    monkeypatch.setattr(spreadsheet_readers, "MAX_SHARED_STRINGS_BYTES", 1024 * 1024)
    shared: list[str] = []
    sheet = shared_sheet_xml([PDD_HEADER, pdd_row("261101-103283030276851")], shared)
    path = write_workbook(tmp_path / "订单.xlsx", {"Sheet1": sheet}, [*shared, *(f"{n:09d}" for n in range(80_000))])
    [result] = run_import(db, path).files
    assert result.refused is not None and result.refused.startswith(
        "文件里的文字表（共享字符串）解压后有 2 MB，超过 1 MB：订单或售后导出远没有这么多文字") and count_rows(db) == 0
    monkeypatch.undo()
    [result] = run_import(db, path).files
    assert result.refused is None and result.inserted == 1

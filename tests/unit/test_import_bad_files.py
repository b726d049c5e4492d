"""Files that are not order exports are refused whole, with a clear Chinese reason, and nothing is stored."""

from __future__ import annotations

import errno
import re
import zipfile
from pathlib import Path

import pytest
from order_files import PDD_HEADER, SAMPLES, count_rows, pdd_row, run_import, write_csv, write_xlsx, zip_bomb

from desktop_app.io import csv_tables, nul_bytes, spreadsheet_readers
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.store.database import Database


def _refused(db: Database, path: Path) -> str:
    result = run_import(db, path)
    assert result.exit_code == 2
    [file] = result.files
    assert file.refused is not None and not file.stored
    assert (file.inserted, file.updated, file.unchanged) == (0, 0, 0)
    assert count_rows(db) == 0 and count_rows(db, "order_items") == 0 and count_rows(db, "shops") == 0
    return file.refused


def test_empty_file(tmp_path: Path, db: Database) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "空" in _refused(db, tmp_path / "empty.csv")
    (tmp_path / "blank.xlsx").write_bytes(b"\r\n  \r\n")
    assert "空" in _refused(db, tmp_path / "blank.xlsx")


def test_workbook_without_any_cell(tmp_path: Path, db: Database) -> None:
    assert "空" in _refused(db, write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": []}))


def test_unknown_headers(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "supplier.csv", [["货号", "颜色", "库存"], ["A1", "红", "3"]])
    message = _refused(db, path)
    assert "无法识别" in message and "拼多多" in message


def test_near_miss_names_the_missing_columns(tmp_path: Path, db: Database) -> None:
    header = [h for h in PDD_HEADER if h != "商品总价(元)"]
    path = write_csv(tmp_path / "pdd.csv", [header, pdd_row()[:len(header)]])
    assert "商品总价(元)" in _refused(db, path)


def test_truncated_xlsx(tmp_path: Path, db: Database) -> None:
    whole = (SAMPLES / "douyin_orders.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    assert "损坏" in _refused(db, tmp_path / "cut.xlsx")


def test_corrupt_member_inside_a_valid_zip(tmp_path: Path, db: Database) -> None:
    with zipfile.ZipFile(SAMPLES / "douyin_orders.xlsx") as source, \
            zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 3] + b"<<<not xml"
            target.writestr(info, data)
    _refused(db, tmp_path / "broken.xlsx")


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, db: Database) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", megabytes=64)
    assert path.stat().st_size < 1024 * 1024  # a small file ...
    assert "压缩炸弹" in _refused(db, path)  # ... that would unpack to far more


def test_declared_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", {"Sheet1": [PDD_HEADER, pdd_row()]})
    monkeypatch.setattr(spreadsheet_readers, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(OrderFileRefused, match="1 GB"):
        open_spreadsheet(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path, db: Database) -> None:
    with zipfile.ZipFile(tmp_path / "photos.xlsx", "w") as archive:
        archive.writestr("photo.txt", "hello")
    assert "不是 Excel" in _refused(db, tmp_path / "photos.xlsx")


def test_password_protected_workbooks(tmp_path: Path, db: Database) -> None:
    # Excel keeps an encrypted .xlsx inside an OLE container with an EncryptedPackage stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500
    (tmp_path / "locked.xlsx").write_bytes(ole)
    assert "密码" in _refused(db, tmp_path / "locked.xlsx")
    # A zip whose entries carry the encryption flag.
    path = write_xlsx(tmp_path / "flagged.xlsx", {"Sheet1": [PDD_HEADER, pdd_row()]})
    data = bytearray(path.read_bytes())
    start = 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        data[found + 8] |= 0x01
        start = found + 4
    path.write_bytes(bytes(data))
    assert "密码" in _refused(db, path)


@pytest.mark.parametrize(("content", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "图片"),
    (b"%PDF-1.7\n%...", "PDF"),
    # a web page's table is read (io/html_tables); one holding no export's header is said to be none
    (b"<html><body><table><tr><td>\xe8\xae\xa2\xe5\x8d\x95\xe5\x8f\xb7</td></tr></table></body></html>",
     "找不到订单导出的表头"),
    (b"\x00\x01\x02\x03binary\x00garbage" * 20, "不是表格文件"),
    # web pages whose first tag is none of <html> <table> <meta> <!doctype>: were "无法识别的表格…找不到表头"
    ("<!-- saved from url=(0014)about:internet --><html><table><tr><td>订单号</td></tr></table>".encode(),
     "找不到订单导出的表头"),
    ("<style>td { mso-number-format: '@'; }</style><table><tr><td>订单号</td></tr></table>".encode(),
     "找不到订单导出的表头"),
    ("\ufeff\r\n<HEAD><META charset=utf-8></HEAD><TABLE>".encode(), "网页格式的表格，读到第 1 行时文件就结束了"),
    ("<tr><td>订单号</td><td>订单状态</td></tr>".encode(), "网页文件，里面没有表格"),
])
def test_files_that_are_not_spreadsheets(tmp_path: Path, db: Database, content: bytes, reason: str) -> None:
    (tmp_path / "orders.xls").write_bytes(content)
    assert reason in _refused(db, tmp_path / "orders.xls")


def test_random_bytes_named_xlsx(tmp_path: Path, db: Database) -> None:
    (tmp_path / "noise.xlsx").write_bytes(bytes(range(256)) * 40)
    _refused(db, tmp_path / "noise.xlsx")


def test_missing_file(tmp_path: Path, db: Database) -> None:
    assert "找不到" in _refused(db, tmp_path / "nowhere.csv")


def test_a_refused_file_does_not_stop_the_others(tmp_path: Path, db: Database) -> None:
    good = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row()])
    (tmp_path / "empty.csv").write_bytes(b"")
    result = run_import(db, tmp_path / "empty.csv", good)
    assert result.exit_code == 2
    assert [f.stored for f in result.files] == [False, True]
    assert count_rows(db) == 1


def test_header_only_is_an_empty_export_not_an_error(tmp_path: Path, db: Database) -> None:
    result = run_import(db, write_csv(tmp_path / "pdd.csv", [PDD_HEADER]))
    assert result.exit_code == 0 and result.inserted == 0


def test_invalid_bytes_for_every_encoding(tmp_path: Path, db: Database) -> None:
    header = ",".join(PDD_HEADER).encode("utf-8")
    # 0x80 followed by 0x20 is neither UTF-8 nor GB18030.
    (tmp_path / "mixed.csv").write_bytes(header + b"\r\n\x80\x20,\xff\xff\r\n")
    assert "编码" in _refused(db, tmp_path / "mixed.csv")


def test_the_first_non_ascii_text_decides_the_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_tables, "_CHUNK", 64)  # the ASCII stretch spans several chunks
    ascii_lines = b"order,note\r\n" + b"1,plain ascii text\r\n" * 20
    cases = {"gbk.csv": (ascii_lines + "2,秦文红\r\n".encode("gbk"), "gb18030"),
             "utf8.csv": (ascii_lines + "2,秦文红\r\n".encode(), "utf-8"),
             "ascii.csv": (ascii_lines, "utf-8")}
    for name, (content, expected) in cases.items():
        (tmp_path / name).write_bytes(content)
        assert csv_tables.detect_encoding(tmp_path / name) == expected, name


def test_a_file_that_changes_encoding_later_is_refused_with_the_row(tmp_path: Path, db: Database,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_tables, "_CHUNK", 256)
    rows = [pdd_row(f"261101-{n:015d}") for n in range(40)]
    head = write_csv(tmp_path / "head.csv", [PDD_HEADER, *rows], encoding="utf-8").read_bytes()
    tail = write_csv(tmp_path / "tail.csv", [pdd_row("261101-999999999999999", receiver="秦文红")],
                     encoding="gbk").read_bytes()
    (tmp_path / "mixed.csv").write_bytes(head + tail)
    reason = _refused(db, tmp_path / "mixed.csv")
    assert "行附近的文字编码与文件开头不一致" in reason  # the reader decodes in blocks: "near" row N


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, db: Database, encoding: str) -> None:
    # A tool's "Unicode" csv written without its BOM was refused as "不是表格文件（无法识别的二进制格式）":
    # the NUL every ASCII character leaves beside it read as binary.
    rows = [PDD_HEADER, pdd_row(), pdd_row("261101-000000000000002", receiver="秦文红")]
    path = write_csv(tmp_path / "pdd.csv", rows, encoding="utf-8")
    path.write_bytes(path.read_bytes().decode("utf-8").encode(encoding))
    result = run_import(db, path)
    assert result.exit_code == 0 and result.inserted == 2, result.files[0].refused
    assert count_rows(db) == 2


def test_nul_in_every_other_byte_with_control_characters_is_still_binary(tmp_path: Path, db: Database) -> None:
    (tmp_path / "orders.csv").write_bytes("订单号,\x01\x02\x03\x04\x05\x06 状态\r\n".encode("utf-16-le") * 20)
    assert "不是表格文件" in _refused(db, tmp_path / "orders.csv")


def test_a_file_that_cannot_be_read_past_some_row_is_refused_naming_it(tmp_path: Path, db: Database,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A network drive or USB stick gone mid-read, a byte range another program locked (Windows): the OSError
    # went past the import as 内部错误, leaving the other files of the batch unimported.
    rows = [pdd_row(f"261101-{n:015d}") for n in range(1, 400)]
    path = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, *rows])
    good = write_csv(tmp_path / "other.csv", [PDD_HEADER, pdd_row("261102-000000000000001")])
    reads = {"left": 6}
    real = nul_bytes.NulWatch.read1

    def failing(self: nul_bytes.NulWatch, size: int = -1, /) -> bytes:
        if str(self.name) == str(path):
            reads["left"] -= 1
            if reads["left"] < 0:
                raise OSError(errno.EIO, "Input/output error")
        return real(self, size)

    monkeypatch.setattr(nul_bytes.NulWatch, "read1", failing)
    monkeypatch.setattr(nul_bytes.NulWatch, "read", failing)
    monkeypatch.setattr(csv_tables, "NulWatch", nul_bytes.NulWatch)
    result = run_import(db, path, good)
    refused, stored = result.files
    assert refused.refused is not None and "时文件读不下去了" in refused.refused and not refused.stored
    assert re.search(r"读到第 \d+ 行", refused.refused), refused.refused
    assert stored.stored and count_rows(db) == 1  # nothing of the unreadable file, the next one imported


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path: Path, db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A download still running, a sync tool or Excel saving it: the import read one version for the header and
    # another for the rows, or stopped at a line end the file had since passed, and stored what it had read.
    rows = [pdd_row(f"261101-{n:015d}") for n in range(1, 300)]
    path = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, *rows])
    more = write_csv(tmp_path / "more.csv", [pdd_row("261101-999999999999999")]).read_bytes()
    reads = {"seen": 0}
    real = nul_bytes.NulWatch.read1

    def growing(self: nul_bytes.NulWatch, size: int = -1, /) -> bytes:
        data = real(self, size)
        reads["seen"] += 1
        if reads["seen"] == 3:  # within the rows, once
            with path.open("ab") as handle:
                handle.write(more)
        return data

    monkeypatch.setattr(nul_bytes.NulWatch, "read1", growing)
    [result] = run_import(db, path).files
    assert result.refused is not None and "文件在读取过程中被改动了" in result.refused and not result.stored
    assert count_rows(db) == 0
    # Changed between the opening and the reading: the same.
    monkeypatch.setattr(nul_bytes.NulWatch, "read1", real)
    opened = spreadsheet_readers.open_spreadsheet(path)
    path.write_bytes(path.read_bytes() + more)
    with pytest.raises(OrderFileRefused, match="文件在读取过程中被改动了"):
        next(iter(opened.table(path.name).rows()))
    opened.close()

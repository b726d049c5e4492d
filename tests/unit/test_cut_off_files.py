"""A download cut off mid-row: the last line ends short of the lines above and of a line end (or in the
middle of a character). Stored, that row would miss its last columns and the rows after it would be
missing without a word: the file is refused, naming the row, and nothing of it is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aftersales_files import copy_fixture
from test_case_import import cli, listed


def _lines(tmp_path: Path) -> tuple[Path, str]:
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    return path, path.read_text(encoding="utf-8-sig")


def test_an_after_sales_list_cut_off_mid_row_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        ledger_target: str) -> None:
    path, text = _lines(tmp_path)
    last = text.rstrip("\r\n").rsplit("\n", 1)[1]
    path.write_text(text.rstrip("\r\n")[: -len(last) + last.index(",", 20)], encoding="utf-8-sig")
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target)
    assert code == 2 and out == ""
    assert "文件在第 21 行中途结束（这一行只有 2 列，上面的行有 11 列）：可能没有下载完整" in err, err
    assert listed(capsys, ledger_target) == {}


def test_a_utf16_tab_export_cut_in_a_character_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                          ledger_target: str) -> None:
    # The platforms' 导出Excel: UTF-16 text with tabs, named .xls.
    _path, text = _lines(tmp_path)
    tabbed = "\r\n".join(line.replace("\t", "").replace(",", "\t") for line in text.splitlines())
    export = tmp_path / "售后.xls"
    export.write_bytes(tabbed.encode("utf-16")[:-41])  # odd: a UTF-16 unit cut in half
    code, out, err = cli(capsys, "import-cases", str(export), "--db", ledger_target)
    assert code == 2 and out == ""
    assert "文件在第 21 行的一个字中间结束" in err, err
    export.write_bytes(tabbed.encode("utf-16"))  # whole, without a line end after its last row
    code, out, err = cli(capsys, "import-cases", str(export), "--db", ledger_target, "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["inserted"] == 20

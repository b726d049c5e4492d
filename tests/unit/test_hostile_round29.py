"""Session 29's hostile inputs: what still broke when files and settings the shop did not expect came in."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.io.import_profiles import Layout
from desktop_app.io.product_cost_sheet import read_product_costs
from desktop_app.io.user_profiles import ColumnMapping, forget_saved_profiles, load_saved_profiles, save_profile
from desktop_app.services import backups, team
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.order_import import import_files
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import count_rows
from tests.unit.hostile_xlsx import shared_sheet_xml, write_workbook
from tests.unit.schedule_texts import made_up_2027
from tests.unit.script_modules import load_script

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
HOSTILE = load_script(ROOT / "tests" / "fixtures" / "hostile" / "make_hostile.py", "make_hostile")


def _ledger(path: Path, cases: int) -> Path:
    db = open_database(path)
    for n in range(cases):
        open_case(db, NewCase(Platform.PDD, f"2611{n:08d}", CaseKind.RESHIP))
    db.close()
    return path


@pytest.mark.sqlite_only
def test_the_first_restore_of_a_ledger_never_backed_up_restores(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                                 data_home: Path) -> None:
    """A ledger only the command line used (no window: no daily backup, so no identity yet) — the new computer
    of README's move, started once — restored from the old computer's copy: the 恢复前 copy wrote the ledger's
    identity into it after the guard had noted the file, and the restore was refused (恢复期间另一个程序…写入了)."""
    ledger = _ledger(tmp_path / "ledger.sqlite3", 1)
    old_computer = _ledger(tmp_path / "u盘" / "ledger-20261205-090000-daily.sqlite3", 3)
    assert run(["restore", str(old_computer), "--db", str(ledger)]) == 0, capsys.readouterr().err
    assert "已用" in capsys.readouterr().out
    assert count_rows(ledger).cases == 3  # type: ignore[union-attr]


SERVER = "postgresql+psycopg://shop@192.0.2.10:5432/aftersales"


def _team_json(data_home: Path, raw: bytes) -> None:
    data_home.mkdir(parents=True, exist_ok=True)
    (data_home / "team.json").write_bytes(raw)


def test_team_settings_saved_again_by_notepad_still_open_the_team_server(data_home: Path,
                                                                        memory_keyring: object) -> None:
    """Windows' Notepad saves UTF-8 with a byte order mark: the file was taken for none and the seat worked in
    the local ledger file without a word (its changes never reached the others)."""
    _team_json(data_home, b"\xef\xbb\xbf" + json.dumps({"server": SERVER, "use_server": True, "seat": "小王"},
                                                       ensure_ascii=False).encode())
    location = team.ledger_location(None)
    assert location.url is not None and location.url.host == "192.0.2.10", location
    assert team.seat_name() == "小王"


@pytest.mark.parametrize("raw", [b'{"server": "postgresql+psycopg://shop@192.0.2.10/aftersa', b"\x00\x00\x00\x00",
                                 b'{"server": "5", "use_server": true}', b'{"server": 5, "use_server": true}',
                                 b'{"server": "' + SERVER.encode() + b'", "use_server": "false"}', b"[]"])
def test_damaged_team_settings_open_no_ledger_and_say_which_file(raw: bytes, data_home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A team.json cut short, zeroed by a crash, or edited by hand opened the local file (or made a new ledger
    file named "5" in the current folder) and imported into it: now nothing opens and the file is named."""
    _team_json(data_home, raw)
    monkeypatch.chdir(tmp_path)
    assert run(["import-orders", str(SAMPLES / "pdd_orders.csv")]) == 2
    err = capsys.readouterr().err
    assert "团队设置文件" in err and str(data_home / "team.json") in err and "Traceback" not in err, err
    assert not (data_home / "ledger.sqlite3").exists() and not (tmp_path / "5").exists()
    assert team.load_team_settings().seat == ""  # the seat's name falls back, as before: no command needs the file


def test_the_backup_folder_saved_again_by_notepad_is_still_the_one_used(data_home: Path, tmp_path: Path) -> None:
    """A byte order mark in backups.json (Notepad) dropped the shop's cloud folder for the default one: the daily
    copies stopped reaching the cloud and 备份与恢复 no longer listed the copies there."""
    cloud = tmp_path / "坚果云" / "售后备份"
    _team_json(data_home, b"")  # the data folder
    (data_home / "backups.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"folder": str(cloud)},
                                                                         ensure_ascii=False).encode())
    assert backups.backup_folder() == cloud


def _rezipped(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, change(item.filename, old.read(item.filename)))
    return target


def _damaged_workbooks(folder: Path) -> dict[str, Path]:
    """A workbook's parts damaged as a cut download or a broken disk leaves them."""
    shared: list[str] = []
    good = write_workbook(folder / "good.xlsx", {"订单": shared_sheet_xml(HOSTILE.GOOD, shared)}, shared)
    sheet = "xl/worksheets/sheet1.xml"
    made = {
        "sheet_cut": lambda n, d: d[: len(d) // 2] if n == sheet else d,
        "sheet_tag_misspelt": lambda n, d: d.replace(b"</sheetData>", b"</sheetDat>") if n == sheet else d,
        "sheet_garbage": lambda n, d: b"\x00\x01<<<" if n == sheet else d,
        "strings_cut": lambda n, d: d[: int(len(d) * 0.8)] if n.endswith("sharedStrings.xml") else d,
        "strings_empty": lambda n, d: b"" if n.endswith("sharedStrings.xml") else d,
        "strings_items_unclosed": lambda n, d: d.replace(b"</si>", b"", 3) if n.endswith("sharedStrings.xml") else d,
    }
    found = {name: _rezipped(good, folder / f"{name}.xlsx", change) for name, change in made.items()}
    stored = folder / "stored.xlsx"
    _rezipped(good, stored, lambda n, d: d)
    raw = bytearray(stored.read_bytes())
    at = raw.find(sheet.encode())
    raw[at + 200:at + 260] = b"\x00" * 60  # the sheet's deflate stream overwritten: calamine's "I/O error: …"
    (folder / "deflate_broken.xlsx").write_bytes(bytes(raw))
    found["deflate_broken"] = folder / "deflate_broken.xlsx"
    return found


ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NAMES_ALLOWED = {"Excel", "xlsx", "XML", "UTF"}


@pytest.mark.sqlite_only
def test_a_damaged_workbook_is_refused_in_chinese_without_the_readers_english(tmp_path: Path) -> None:
    """calamine's own words were quoted in the refusal: 工作表“Sheet”无法读取…（I/O error: File is larger than its
    declared uncompressed size）, （syntax error: tag not closed…）, （sheetData）, （sst）, or an empty （）."""
    db = open_database(tmp_path / "ledger.sqlite3")
    try:
        for name, path in _damaged_workbooks(tmp_path).items():
            for outcome in (import_files(db, [path]).files[0], import_cases(db, [path]).files[0]):
                refused = outcome.refused or ""
                assert refused and "（）" not in refused, (name, refused)
                assert set(ENGLISH_WORD.findall(refused.replace(path.name, ""))) <= NAMES_ALLOWED, (name, refused)
            with pytest.raises(UserError) as caught:
                read_product_costs(path)
            assert set(ENGLISH_WORD.findall(caught.value.message.replace(path.name, ""))) <= NAMES_ALLOWED, name
        assert count_rows(tmp_path / "ledger.sqlite3").orders == 0  # type: ignore[union-attr]
    finally:
        db.close()


def test_a_saved_column_mapping_edited_by_hand_is_skipped_saying_what_is_wrong_in_chinese(data_home: Path) -> None:
    """A saved mapping edited by hand was skipped saying tomllib's English (不是有效的 TOML 格式（Invalid value (at
    line 2, column 9)）) or the profile reader's (missing or invalid id/platform/layout/label (5 is not a valid
    Platform)); one saved again by Notepad (a byte order mark) keeps working."""
    saved = save_profile(ColumnMapping("档口发货表", "other", Layout.ITEM_ROWS, {
        "order_no": "单号", "receiver": "客户", "phone": "电话", "address": "地址", "title": "品名",
        "quantity": "件数"}))
    path = Path(str(saved.source))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    forget_saved_profiles()
    found = load_saved_profiles()
    assert [p.id for p in found.profiles] == [saved.id] and not found.problems, found.problems
    folder = path.parent
    (folder / "typo.toml").write_text('id = "x"\nlabel = 档口\n', encoding="utf-8")
    (folder / "typed.toml").write_text(path.read_text(encoding="utf-8-sig").replace(
        'platform = "other"', "platform = 5"), encoding="utf-8")
    forget_saved_profiles()
    problems = {p.path.name: p.message for p in load_saved_profiles().problems}
    assert "第 2 行第 9 列" in problems["typo.toml"] and "值的写法无效" in problems["typo.toml"], problems
    assert "Error" not in problems["typed.toml"] and "platform“5”无效" in problems["typed.toml"], problems
    assert "Error" not in problems["typed.toml"] and CHINESE.search(problems["typed.toml"]), problems


def test_a_cost_sheet_title_holding_a_nul_is_a_row_said_not_an_internal_error(
        ledger_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """商品名称 written 杯_x0000_子 (Excel's escape of a NUL): stored as it was on a file ledger, and on a team
    ledger PostgreSQL refused it — 内部错误（DataError）, exit 3, nothing imported. The row is said now, as the
    order imports say a NUL, and the other rows are imported on both."""
    shared: list[str] = []
    rows = [["商家编码", "商品名称", "成本价"], ["SKU-1", "杯子", 12.5], ["SKU-2", "袜子", 3]]
    sheet = shared_sheet_xml(rows, shared, raw={"B2": '<c r="B2" t="inlineStr"><is><t>杯_x0000_子</t></is></c>'})
    path = write_workbook(tmp_path / "成本价 表.xlsx", {"成本": sheet}, shared)
    assert run(["product-costs", "import", str(path), "--db", ledger_target]) == 1
    said = capsys.readouterr()
    assert "第 2 行" in said.err and "商品名称" in said.err and "NUL" in said.err, said.err
    assert "新增 1 个" in said.out, said.out
    assert run(["product-costs", "list", "--json", "--db", ledger_target]) == 0
    assert [line["sku"] for line in json.loads(capsys.readouterr().out)] == ["SKU-2"]


@pytest.mark.parametrize("escaped", ["\\u0000", "\\u001b[2J", "\\n"])
def test_a_holiday_schedule_naming_a_control_character_is_refused_and_the_ledger_stays_usable(
        escaped: str, ledger_target: str, data_home: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`workdays import` of a notice whose source says 通知\\u0000 (TOML's escape, valid in the file) wrote it back
    unescaped: the shop's schedule became a file TOML refuses, and every command after it (import-orders, deadlines
    …) refused it, exit 2, until the file was deleted by hand; on a team ledger PostgreSQL refused the NUL (内部错误,
    exit 3). Refused now naming the year and the key, nothing written; the next import works."""
    notice = tmp_path / "2027 安排.toml"
    notice.write_text(made_up_2027(source=f"通知{escaped}"), encoding="utf-8")
    assert run(["workdays", "import", str(notice), "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert "2027年" in err and "source" in err and "控制字符" in err and "内部错误" not in err, err
    assert run(["import-orders", str(SAMPLES / "pdd_orders.csv"), "--db", ledger_target]) == 0, capsys.readouterr().err
    notice.write_text(made_up_2027(), encoding="utf-8")
    assert run(["workdays", "import", str(notice), "--db", ledger_target]) == 0, capsys.readouterr().err


def test_a_pasted_carrier_holding_a_control_character_is_a_line_said_not_an_internal_error(
        ledger_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """reship paste's third column 顺<NUL>丰 (a sheet copied from a damaged file): on a team ledger PostgreSQL
    refused it — 内部错误（DataError）, exit 3, no line recorded; 圆通<ESC>[2J was stored as the carrier's name. Each
    is a line said now, the good line beside them recorded."""
    orders = ["261101-103283030276851", "261118-961877507213020", "261119-842757176077658"]
    assert run(["import-orders", str(SAMPLES / "pdd_orders.csv"), "--db", ledger_target]) == 0
    for n, order in enumerate(orders, start=1):
        assert run(["case", "add", "--platform", "pdd", "--order", order, "--kind", "reship", "--reason",
                    "missing_item", "--db", ledger_target]) == 0
        assert run(["case", "act", str(n), "agree_reship", "--db", ledger_target]) == 0
    capsys.readouterr()
    pasted = tmp_path / "运单 号.txt"
    pasted.write_bytes(f"{orders[0]}\tSF1234567890123\t顺\x00丰\n{orders[1]}\tYT1234567890123\t圆通\x1b[2J\n"
                       f"{orders[2]}\tZT1234567890123\t中通快递\n".encode())
    assert run(["reship", "paste", str(pasted), "--db", ledger_target]) == 1
    said = capsys.readouterr()
    assert "内部错误" not in said.err and said.out.count("控制字符") == 2, (said.out, said.err)
    assert "已录入 1 条" in said.out, said.out

"""After-sales exports as shops really get them: headers under another of their known names, columns
moved, a header of two rows, and header rows that two platforms' layouts read equally well."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from aftersales_files import copy_fixture, expected, write_csv
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from test_case_import import check_against_expected, cli, listed

from desktop_app.io.case_rows import read_case_file
from desktop_app.services.case_import import import_cases
from desktop_app.store.database import Database

ENCODINGS = {".csv": ("gb18030", "utf-8-sig")}


def renamed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The sample with one header written the other way (the first occurrence, in the header row)."""
    [path] = copy_fixture(tmp_path, name)
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        sheet = book.worksheets[0]
        [cell] = [c for c in sheet[1] if c.value == old]
        cell.value = new
        book.save(path)
        return path
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "gb18030"
    header, rest = raw.decode(encoding).split("\n", 1)
    assert old in header.split(","), header
    header = ",".join(new if h == old else h for h in header.split(","))
    path.write_bytes(f"{header}\n{rest}".encode(encoding))
    return path


@pytest.mark.parametrize(("name", "old", "new"), [
    ("tb_refunds.csv", "退款编号", "退款单号"),
    ("pdd_aftersales.csv", "订单号", "订单编号"),
    ("pdd_aftersales.csv", "售后编号", "售后单号"),  # 抖店's word: still 拼多多, not 抖店
    ("jd_service.csv", "订单号", "订单编号"),
    ("dy_aftersales.xlsx", "售后单号", "售后编号"),  # 拼多多's word: still 抖店
])
def test_a_header_under_another_known_name_imports_as_the_same_platform(
        name: str, old: str, new: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        ledger_target: str) -> None:
    path = renamed(tmp_path, name, old, new)
    code, out, err = cli(capsys, "import-cases", str(path), *expected(name)["import_with"], "--db", ledger_target,
                         "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert entry["platform"] == expected(name)["platform"][0]
    assert (entry["inserted"], entry["rejected"]) == (20, 0)
    check_against_expected(listed(capsys, ledger_target), name)


def two_row_header(tmp_path: Path, suffix: str) -> tuple[Path, Path]:
    """The 抖店 sample with 商品信息 over its goods' four columns and 退货物流 over the return parcel's two,
    the other headers merged down over both rows (xlsx) or blank in the second (csv)."""
    [sample] = copy_fixture(tmp_path, "dy_aftersales.xlsx")
    rows = [list(r) for r in load_workbook(sample).worksheets[0].iter_rows(values_only=True)]
    upper, lower = list(rows[0]), [None] * len(rows[0])
    for group, first, last in (("商品信息", 2, 5), ("退货物流", 11, 12)):
        for j in range(first, last + 1):
            upper[j], lower[j] = (group if j == first else None), rows[0][j]
    path = tmp_path / f"售后单 两行表头{suffix}"
    if suffix == ".csv":
        write_csv(path, [["" if c is None else str(c) for c in row] for row in [upper, lower, *rows[1:]]], "utf-8-sig")
        return sample, path
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [upper, lower, *rows[1:]]:
        sheet.append(row)
    for j in range(len(upper)):
        letter = get_column_letter(j + 1)
        if lower[j] is None:
            sheet.merge_cells(f"{letter}1:{letter}2")
    sheet.merge_cells("C1:F1")
    sheet.merge_cells("L1:M1")
    book.save(path)
    return sample, path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_header_of_two_rows_is_read_as_one(suffix: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            ledger_target: str) -> None:
    # The second header row was read as a request: "“订单号”不是有效的订单号" on row 2 (exit 1) from the
    # merged sheet, "缺少售后单号" from the csv, and the goods and return parcels under the groups were lost.
    sample, path = two_row_header(tmp_path, suffix)
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["rejected"], entry["errors"]) == ("douyin", 20, 0, [])
    check_against_expected(listed(capsys, ledger_target), "dy_aftersales.xlsx")
    # Every column read as from the sample, the goods and the return parcel too (one row lower).
    records = read_case_file(path).records
    assert [r.title for r in records if r.title] and [r.return_tracking_no for r in records if r.return_tracking_no]
    assert records == [dataclasses.replace(r, row=r.row + 1) for r in read_case_file(sample).records]


def test_a_header_row_two_platforms_read_equally_well_is_refused_naming_both(
        tmp_path: Path, db: Database, data_home: Path, capsys: pytest.CaptureFixture[str],
        ledger_target: str) -> None:
    # Two mappings a shop saved, one for its 抖店 ERP sheet and one for its 拼多多 one, with the same
    # columns: nothing in the file says which platform its numbers belong to.
    folder = data_home / "aftersales_profiles"
    folder.mkdir(parents=True)
    for platform, label in (("douyin", "ERP 抖店售后"), ("pdd", "ERP 拼多多售后")):
        (folder / f"{platform}.toml").write_text(
            f'id = "erp-{platform}"\nplatforms = ["{platform}"]\nlabel = "{label}"\n'
            'identify = ["单号", "处理状态"]\n'
            '[columns]\ncase_no = ["单号"]\norder_no = ["订单"]\nkind = ["类型"]\nstatus = ["处理状态"]\n',
            encoding="utf-8")
    path = tmp_path / "erp.csv"
    path.write_text("单号,订单,类型,处理状态\nA-1,6900000000000000001,补发,处理中\n", encoding="utf-8")
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target)
    assert code == 2 and out == ""
    assert "ERP 抖店售后" in err and "ERP 拼多多售后" in err and "--platform" in err
    assert err.count("\n") == 1
    # The platform said: imported as that platform's.
    [entry] = import_cases(db, [path], platform="pdd").files
    assert len(entry.inserted) == 1 and entry.platform == "pdd"


def test_notes_under_the_data_and_a_repeated_header_are_not_requests(tmp_path: Path, db: Database) -> None:
    # Exports end in 共 20 条记录 / 导出时间 lines; a shop pastes a second export, header and all, under
    # the first one. Neither is a request to refuse: only real rows count, bad ones still reported.
    [path] = copy_fixture(tmp_path, "tb_refunds.csv")
    lines = path.read_bytes().decode("gb18030").splitlines()
    header, data = lines[0], lines[1:]
    text = "\r\n".join([header, *data[:10], header, *data[10:], "导出时间：2026-11-20 10:00:00", "共 20 条记录",
                        "共 20 条,导出时间 2026-11-20 10:00", "261003307666199999", ""])
    path.write_bytes(text.encode("gb18030"))
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 20
    # The lone number is a request without its order: reported with its row and column.
    assert [(e.row, e.column) for e in entry.errors] == [(26, "订单编号")], entry.errors


@pytest.mark.parametrize(("name", "platform", "stored"), [
    ("pdd_aftersales.csv", "拼多多", "pdd"), ("tm_refunds.xlsx", "天猫", "tmall"), ("jd_service.csv", "自动", "jd"),
])
def test_import_cases_takes_the_platform_by_its_chinese_name(name: str, platform: str, stored: str,
                                                              capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                              ledger_target: str) -> None:
    [path] = copy_fixture(tmp_path, name)
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", platform, "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert entry["platform"] == stored and entry["inserted"] == 20


def test_an_earlier_export_imported_after_a_later_one_changes_nothing_it_shows_older(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # The shop imports today's refund list, then finds yesterday's in its downloads and imports it too.
    later, earlier = copy_fixture(tmp_path, "tb_refunds_later.csv", "tb_refunds.csv")
    assert cli(capsys, "import-cases", str(later), "--db", ledger_target)[0] == 0
    before = listed(capsys, ledger_target)
    code, out, err = cli(capsys, "import-cases", str(earlier), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    after = listed(capsys, ledger_target)
    # Refunded, and a return the buyer has sent: yesterday's 等待卖家同意 / 等待买家退货 is an old picture.
    for number in ("229638427218476125", "261234134238445819", "210536232259794564"):
        assert after[number] == before[number], number
    assert after["229638427218476125"]["platform_status"] == "退款成功"
    assert after["210536232259794564"]["platform_status"] == "买家已经退货，等待卖家确认收货"
    # Not "moved forward", not a conflict, not a deadline the platform counts otherwise.
    assert entry["deadline_mismatches"] == 0
    assert entry["updated"] + entry["unchanged"] == 20 and entry["updated"] <= 3
    assert entry["conflicts"] <= 2  # only requests refused or closed since, which a buyer may ask again
    # Every case is where the later export put it.
    assert {k: r["status"] for k, r in after.items()} == {k: r["status"] for k, r in before.items()}


def test_a_line_twice_is_one_request_and_a_number_twice_with_other_values_is_reported(
        tmp_path: Path, db: Database) -> None:
    # As order imports take them: the same line twice loses nothing; two different rows of one request
    # are reported rather than one of them winning.
    [path] = copy_fixture(tmp_path, "tb_refunds.csv")
    lines = path.read_bytes().decode("gb18030").splitlines()
    changed = lines[2].replace("7.98", "9.98")
    assert changed != lines[2]
    path.write_bytes("\r\n".join([*lines, lines[1], lines[3], changed, ""]).encode("gb18030"))
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 20
    [error] = entry.errors
    number = lines[2].split(",")[0]
    assert (error.row, error.column) == (24, "退款编号")
    assert error.message == f"售后单号“{number}”与第 3 行重复且内容不同，本行未导入"


def test_a_tmall_list_first_imported_as_taobao_becomes_tmall_when_imported_with_its_platform(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # The refund list's layout is the same for both: without --platform tmall the shop's 天猫 requests
    # went in as 淘宝 (淘宝's timers), and importing the file again with --platform tmall left them so
    # (未变 20) with no way to mend it but deleting the ledger.
    [path] = copy_fixture(tmp_path, "tm_refunds.xlsx")
    assert cli(capsys, "import-cases", str(path), "--db", ledger_target)[0] == 0
    assert {r["platform"] for r in listed(capsys, ledger_target).values()} == {"taobao"}
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", "tmall", "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["updated"], entry["unchanged"]) == ("tmall", 20, 0)
    check_against_expected(listed(capsys, ledger_target), "tm_refunds.xlsx")
    _, out, _ = cli(capsys, "deadlines", "--all", "--json", "--db", ledger_target)
    assert {row["platform"] for row in json.loads(out)} == {"tmall"}
    # Without --platform again: the layout says 淘宝 only because it cannot tell; the cases stay 天猫.
    code, out, _ = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0 and json.loads(out)["files"][0]["unchanged"] == 20
    assert {r["platform"] for r in listed(capsys, ledger_target).values()} == {"tmall"}


def test_an_older_list_imported_with_its_platform_still_sets_the_platform(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    later, earlier = copy_fixture(tmp_path, "tb_refunds_later.csv", "tb_refunds.csv")
    assert cli(capsys, "import-cases", str(later), "--db", ledger_target)[0] == 0
    before = listed(capsys, ledger_target)
    assert cli(capsys, "import-cases", str(earlier), "--platform", "tmall", "--db", ledger_target)[0] == 0
    after = listed(capsys, ledger_target)
    in_earlier = set(expected("tb_refunds.csv")["cases"][i]["platform_case"] for i in range(20))
    assert {after[n]["platform"] for n in in_earlier} == {"tmall"}
    assert after["229638427218476125"]["platform_status"] == before["229638427218476125"]["platform_status"]

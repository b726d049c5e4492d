"""After-sales exports into cases: each platform's layout, re-import, moving forward, conflicts,
deadline mismatches, refused files and row errors, and the `import-cases` CLI contract."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from aftersales_files import DY_HEADER, TB_HEADER, copy_fixture, expected, tb_row, write_csv, write_xlsx

from desktop_app.cli import run
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.reship_states import format_items
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, act_on_case, add_note, open_case
from desktop_app.services.reship_queue import reship_rows
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database
from desktop_app.store.reship_queue_rows import QueueScope

SAMPLES = ["tb_refunds.csv", "tm_refunds.xlsx", "dy_aftersales.xlsx", "pdd_aftersales.csv", "jd_service.csv"]
FILE_KEYS = {"file", "platform", "inserted", "updated", "unchanged", "rejected", "conflicts",
             "deadline_mismatches", "errors", "warnings"}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], ledger_target: str) -> dict[str, dict[str, object]]:
    code, out, err = cli(capsys, "case", "list", "--json", "--limit", "100000", "--db", ledger_target)
    assert code == 0, err
    return {str(row["platform_case"]): row for row in json.loads(out)}


def check_against_expected(rows: dict[str, dict[str, object]], name: str) -> None:
    spec = expected(name)
    for case in spec["cases"]:
        row = rows[case["platform_case"]]
        assert row["platform"] in spec["platform"]
        assert row["order"] == case["order"]
        assert row["kind"] == case["kind"], case
        assert row["reason"] in case["reasons"], case
        assert row["status"] in case["statuses"], case
        assert row["amount"] == case["amount"], case
        assert str(row["requested_at"]).startswith(case["requested_at"].replace(" ", "T")), case
        assert str(row["requested_at"]).endswith("+08:00")


@pytest.mark.parametrize("name", SAMPLES)
def test_each_platform_layout_imports_as_expected(name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  ledger_target: str) -> None:
    [path] = copy_fixture(tmp_path, name)
    code, out, err = cli(capsys, "import-cases", str(path), *expected(name)["import_with"], "--db", ledger_target,
                         "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert set(entry) == FILE_KEYS
    assert (entry["inserted"], entry["updated"], entry["unchanged"], entry["rejected"]) == (20, 0, 0, 0)
    assert entry["platform"] == expected(name)["platform"][0]
    check_against_expected(listed(capsys, ledger_target), name)
    # The same file again changes nothing.
    code, out, _ = cli(capsys, "import-cases", str(path), *expected(name)["import_with"], "--db", ledger_target,
                       "--json")
    [again] = json.loads(out)["files"]
    assert code == 0 and (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 20)


@pytest.mark.sqlite_only
def test_a_later_export_moves_cases_forward_keeps_the_shops_data_and_reports_conflicts(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Database, db_path: Path) -> None:
    first, later = copy_fixture(tmp_path, "tb_refunds.csv", "tb_refunds_later.csv")
    result = import_cases(db, [first])
    ids = {r["platform_case"]: r["id"] for r in listed(capsys, str(db_path)).values()}
    closed_by_shop = int(ids["145084187031508437"])  # 等待卖家同意 in both files
    act_on_case(db, closed_by_shop, CaseAction.CLOSE)
    moved = int(ids["210536232259794564"])  # 等待买家退货, then shipped by the buyer (still waiting)
    add_note(db, moved, "已和买家确认地址")
    with db.reading() as session:
        events_before = len(case_detail(session, moved).events)
    result = import_cases(db, [later])
    [entry] = result.files
    assert len(entry.inserted) == 3 and len(entry.updated) == 6 and entry.conflicts == (closed_by_shop,)
    rows = listed(capsys, str(db_path))
    check_against_expected(rows, "tb_refunds_later.csv")
    assert rows["145084187031508437"]["status"] == "closed"  # never reopened silently
    with db.reading() as session:
        detail = case_detail(session, moved)
    assert detail.row.status == CaseStatus.AWAITING_RETURN.value
    notes = [e.note for e in detail.events if e.kind == "note"]
    assert notes == ["已和买家确认地址"]
    assert len(detail.events) == events_before + 1  # the buyer's return shipment
    assert [e.milestone for e in detail.events][-1] == "return_shipped"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select return_carrier, return_tracking_no from cases where id = ?",
                            (moved,)).fetchone()[1]
    # Again: nothing changes, the conflict is still reported.
    [again] = import_cases(db, [later]).files
    assert (len(again.inserted), len(again.updated), again.conflicts) == (0, 0, (closed_by_shop,))


def test_platform_deadlines_that_differ_from_ours_are_counted(tmp_path: Path, db: Database) -> None:
    # 七天无理由 return request: Taobao agrees automatically after 72 h; the platform says 72 h too.
    path = write_csv(tmp_path / "tb.csv", [
        TB_HEADER,
        tb_row("100000000000000001", "2000000000000000001", returns="是", requested="2026-11-20 10:00:00",
               due="2026-11-23 10:00:00"),
        tb_row("100000000000000002", "2000000000000000002", returns="是", requested="2026-11-20 10:00:00",
               due="2026-11-28 10:00:00"),
    ])
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 2
    assert len(entry.deadline_mismatches) == 1
    with db.reading() as session:
        assert case_detail(session, entry.deadline_mismatches[0]).platform_case_no == "100000000000000002"


@pytest.mark.sqlite_only
def test_refused_files_store_nothing_and_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                db_path: Path) -> None:
    orders = tmp_path / "pdd_orders.csv"
    orders.write_bytes((Path(__file__).parent.parent / "fixtures" / "samples" / "pdd_orders.csv").read_bytes())
    garbage = tmp_path / "refunds.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook")
    code, out, err = cli(capsys, "import-cases", str(orders), str(garbage), "--db", str(db_path), "--json")
    assert code == 2
    files = json.loads(out)["files"]
    assert all(f["inserted"] == 0 and f["errors"][0]["row"] is None for f in files)
    assert "订单导出" in files[0]["errors"][0]["message"] and "import-orders" in files[0]["errors"][0]["message"]
    assert "pdd_orders.csv" in err
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 0


def test_bad_rows_are_reported_with_row_and_column_and_the_good_ones_stored(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # GB18030, a title line above the header, an Excel-mangled order number, an unknown type, a return
    # parcel's number too long in 退货物流信息 (it was named "return_tracking_no"), a refund finished a year
    # before it was asked for (stored, with its refund dated before the request), one finished on the
    # day of the request given as a date alone (a good row) and a 合计 line.
    rows = [["淘宝退款导出 2026-11-30"], TB_HEADER,
            tb_row("100000000000000001", "2000000000000000001"),
            tb_row("100000000000000002", "2.00000000000000E+18"),
            tb_row("100000000000000003", "2000000000000000003", returns="也许"),
            tb_row("100000000000000001", "2000000000000000009"),
            tb_row("100000000000000004", "2000000000000000004", logistics="顺丰速运," + "9" * 100),
            tb_row("100000000000000005", "2000000000000000005", status="退款成功", requested="2026-11-20 10:00:00",
                   finished="2025-11-21 09:00:00"),
            tb_row("100000000000000006", "2000000000000000006", status="退款成功", requested="2026-11-20 10:00:00",
                   finished="2026-11-20"),
            ["合计", "", "", "", "", "", "177.00"]]
    path = write_csv(tmp_path / "退款.csv", rows)
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 1, err
    [entry] = json.loads(out)["files"]
    assert (entry["inserted"], entry["rejected"]) == (2, 5)
    assert [(e["row"], e["column"]) for e in entry["errors"]] == [
        (4, "订单编号"), (5, "是否需要退货"), (6, "退款编号"), (7, "退货物流信息"), (8, "退款完结时间")]
    assert entry["errors"][4]["message"] == ("完结时间 2025-11-21 09:00:00 早于申请时间 2026-11-20 10:00:00，"
                                             "请核对这一行的时间")
    assert "科学计数法" in entry["errors"][0]["message"] and "重复" in entry["errors"][2]["message"]


def test_a_very_long_cell_is_quoted_short_in_its_message(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           ledger_target: str) -> None:
    rows = [TB_HEADER, tb_row("100000000000000001", "2000000000000000001", returns="长" * 5000),
            tb_row("100000000000000002", "2000000000000000002", requested="长" * 5000),
            tb_row("100000000000000003", "2000000000000000003", status="长" * 50)]
    path = write_csv(tmp_path / "退款.csv", rows)
    code, _, err = cli(capsys, "import-cases", str(path), "--db", ledger_target)
    assert code == 1
    # The kind, the time and the status were quoted whole (a 5,000-character line each).
    assert all(len(line) < 200 for line in err.splitlines()), [len(line) for line in err.splitlines()]
    assert "长" * 40 + "…" in err


def test_douyin_xlsx_with_alias_headers_and_a_reship_to_send_joins_the_queue(tmp_path: Path, db: Database) -> None:
    header = [h if h != "订单号" else "主订单编号" for h in DY_HEADER]
    rows: list[list[object]] = [header, [
        "7300000000000000001", "6900000000000000001", "6900000000000000002", "保温杯 316不锈钢", "白色 350ml", 1,
        "补寄", "待商家补寄", "少件/漏发", "2026-12-01 09:00:00", "0.00", "", "", "小王", ""]]
    path = write_xlsx(tmp_path / "售后单.xlsx", rows)
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 1 and not entry.errors
    with db.reading() as session:
        [row] = reship_rows(session, QueueScope.OPEN)
    assert row.case_id == entry.inserted[0] and row.ship_by is not None
    assert "保温杯" in format_items(row.items)


def test_unknown_status_words_are_kept_and_warned(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "tb.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001",
                                                             status="平台新状态")])
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 1 and entry.warnings and "平台新状态" in entry.warnings[0]
    with db.reading() as session:
        detail = case_detail(session, entry.inserted[0])
    assert detail.row.status == "pending" and detail.row.platform_status == "平台新状态"


def test_a_later_row_with_a_blank_status_keeps_what_the_platform_last_said(tmp_path: Path, db: Database) -> None:
    # A later export whose 退款状态 cell is blank (cleared by hand, or cut off) warned "已有的保持不变" and
    # then wiped the case's stored 退款关闭, counted as 推进.
    first = write_csv(tmp_path / "tb.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001",
                                                              status="退款关闭")])
    [entry] = import_cases(db, [first]).files
    later = write_csv(tmp_path / "tb_later.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001",
                                                                    status="")])
    [again] = import_cases(db, [later]).files
    assert again.warnings and "（空）" in again.warnings[0]
    assert (again.updated, again.unchanged) == ((), entry.inserted)
    with db.reading() as session:
        detail = case_detail(session, entry.inserted[0])
    assert (detail.row.status, detail.row.platform_status) == ("closed", "退款关闭")


@pytest.mark.sqlite_only
def test_cancel_rolls_the_file_back(tmp_path: Path, db: Database, db_path: Path) -> None:
    rows = [TB_HEADER, *(tb_row(f"1000000000000{n:05d}", f"2000000000000{n:06d}") for n in range(1200))]
    path = write_csv(tmp_path / "tb.csv", rows)
    calls = iter(range(10**6))
    result = import_cases(db, [path], cancel=lambda: next(calls) >= 1)
    assert result.cancelled and result.exit_code == 2 and result.files[0].cancelled
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 0
        assert conn.execute("select count(*) from orders").fetchone()[0] == 0


def test_numeric_id_cells_in_a_workbook_are_refused_when_excel_rounded_them(tmp_path: Path, db: Database) -> None:
    rows: list[list[object]] = [
        DY_HEADER,
        [7300000000000000001.0, "6900000000000000001", "", "保温杯", "", 1, "仅退款", "待商家处理", "其他",
         "2026-12-01 09:00:00", "9.90", "", "", "", ""],
        [730000000001.0, 6900000000001.0, "", "保温杯", "", 1, "仅退款", "待商家处理", "其他",
         "2026-12-01 09:00:00", 9.9, "", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "dy.xlsx", rows)
    [entry] = import_cases(db, [path]).files
    assert len(entry.inserted) == 1 and [(e.row, e.column) for e in entry.errors] == [(2, "售后单号")]
    assert "15 位" in entry.errors[0].message
    with db.reading() as session:
        detail = case_detail(session, entry.inserted[0])
    assert detail.platform_case_no == "730000000001" and detail.row.order_no == "6900000000001"
    assert detail.refund_fen == 990


def test_a_shops_own_profile_in_the_data_folder_imports_its_old_ledger(tmp_path: Path, db: Database,
                                                                       data_home: Path) -> None:
    folder = data_home / "aftersales_profiles"
    folder.mkdir(parents=True)
    (folder / "old.toml").write_text(
        'id = "old-ledger"\nplatforms = ["douyin"]\nlabel = "我们的旧售后台账"\n'
        'identify = ["售后编号", "处理状态"]\n'
        '[columns]\ncase_no = ["售后编号"]\norder_no = ["订单号"]\nkind = ["类型"]\nstatus = ["处理状态"]\n'
        'reason = ["原因"]\namount = ["金额"]\nrequested_at = ["登记时间"]\n', encoding="utf-8")
    (folder / "broken.toml").write_text("id = [", encoding="utf-8")
    path = write_xlsx(tmp_path / "台账.xlsx", [
        ["售后编号", "订单号", "类型", "处理状态", "原因", "金额", "登记时间"],
        ["A-1", "6900000000000000001", "补发", "处理中", "少发一件", "", "2026-11-30 10:00"],
        ["A-2", "6900000000000000002", "退货退款", "已完成", "质量问题", "59.00", "2026-11-20 10:00"],
    ])
    [entry] = import_cases(db, [path]).files
    assert entry.profile == "我们的旧售后台账" and len(entry.inserted) == 2 and not entry.errors
    assert any("broken.toml" in w for w in entry.warnings)
    with db.reading() as session:
        first, second = (case_detail(session, i) for i in entry.inserted)
    assert (first.row.kind, first.row.status, first.row.reason) == ("reship", "processing", "missing_item")
    assert (second.row.kind, second.row.status, second.refund_fen) == ("return_refund", "refunded", 5900)


def test_a_request_the_shop_typed_in_by_hand_is_named_beside_its_platform_twin(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Database, ledger_target: str) -> None:
    # Before importing its platforms' lists a shop types requests in by hand, without the platform's
    # number; the export then brings each as a new case and the typed one stayed open beside it, its
    # timers running and its refund counted twice in 统计, without a word.
    def typed(order_no: str, kind: CaseKind, number: str | None = None) -> int:
        return open_case(db, NewCase(Platform.TAOBAO, order_no, kind, platform_case_no=number), author="店主").case_id

    twin = typed("2000000000000000001", CaseKind.REFUND_ONLY)
    typed("2000000000000000002", CaseKind.RETURN_REFUND)  # another kind: another request
    closed = typed("2000000000000000003", CaseKind.REFUND_ONLY)
    act_on_case(db, closed, CaseAction.CLOSE)  # settled by the shop: nothing left to double
    typed("2000000000000000004", CaseKind.REFUND_ONLY, "100000000000000099")  # the platform's number: another one
    path = write_csv(tmp_path / "tb.csv", [TB_HEADER, *(tb_row(f"10000000000000000{n}", f"200000000000000000{n}")
                                                        for n in range(1, 5))])
    code, out, err = cli(capsys, "import-cases", "--db", ledger_target, str(path))
    assert code == 0 and "新建售后单 4" in out
    assert err == ("警告：tb.csv：第 2 行：平台售后单 100000000000000001（新建为 #5）与手工登记的售后单 #1 是同一订单 "
                   "2000000000000000001、同一类型（仅退款），可能是同一个售后：请核对，关闭多余的一张\n")
    assert twin == 1
    # Nothing merged: both stay for the shop to decide. The same file again: nothing new, no twin.
    code, out, _ = cli(capsys, "import-cases", "--db", ledger_target, str(path), "--json")
    assert json.loads(out)["files"][0]["warnings"] == []
    # Another request of that order while the typed case is still open: named again (--json: a warning).
    again = write_csv(tmp_path / "tb2.csv", [TB_HEADER, tb_row("100000000000000011", "2000000000000000001")])
    [entry] = import_cases(db, [again]).files
    assert entry.typed_twins == ((9, 1),) and "（新建为 #9）与手工登记的售后单 #1" in entry.warnings[0]


def test_a_repeated_column_that_says_something_else_is_pointed_out(tmp_path: Path, db: Database) -> None:
    # 买家退款金额 twice (two exports pasted side by side): the first was read, the other ignored unsaid.
    amount = TB_HEADER.index("买家退款金额")
    rows = [[*TB_HEADER, "买家退款金额"],
            [*tb_row("100000000000000001", "2000000000000000001"), "59.00"],
            [*tb_row("100000000000000002", "2000000000000000002"), "5.00"]]
    result = import_cases(db, [write_csv(tmp_path / "退款.csv", rows)], platform="taobao")
    [entry] = result.files
    assert len(entry.inserted) == 2 and not entry.errors
    [warning] = entry.warnings
    assert f"表头“买家退款金额”有 2 列（第 {amount + 1}、{len(TB_HEADER) + 1} 列），第 3 行它们的内容不同" in warning
    assert f"（“59.00”和“5.00”）：导入的是第 {amount + 1} 列" in warning

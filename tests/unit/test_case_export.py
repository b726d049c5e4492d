"""`export-cases`: the case list as xlsx, filtered like `case list`, numbers as text, nothing a formula."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.cli import run
from desktop_app.core.clock import Moment, now, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.case_export import CASE_COLUMNS
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
from desktop_app.store.database import Database
from tests.unit.full_disk import POSIX_ONLY, limit_files

ROOT = Path(__file__).resolve().parents[2]


def seed(db: Database) -> list[int]:
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    first = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RETURN_REFUND,
                                  CaseReason.NO_REASON_7D, refund_fen=7950, note="=HYPERLINK(\"http://x\")",
                                  receiver="+86 秦文红", phone="19328792174", actions=agreed,
                                  requested=parse_moment("2026-11-21 09:00")), author="小林").case_id
    buyer_shipped_return(db, first, ReturnParcel.of("中通快递", "75123456789012"), author="小林")
    second = open_case(db, NewCase(Platform.PDD, "261111-755306313554903", CaseKind.BAD_REVIEW,
                                   compensation_fen=500), author="小林").case_id
    third = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345678", CaseKind.RESHIP), author="小林").case_id
    act_on_case(db, third, CaseAction.CLOSE, author="小林")
    return [first, second, third]


def test_export_cases_with_filters(capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str,
                                   tmp_path: Path) -> None:
    ids = seed(db)
    out = tmp_path / "售后单.xlsx"
    assert run(["export-cases", str(out), "--db", ledger_target]) == 0
    assert "已导出 3 张售后单" in capsys.readouterr().out
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == CASE_COLUMNS
    assert [r[0] for r in rows[1:]] == [ids[2], ids[1], ids[0]]  # newest change first
    first = dict(zip(CASE_COLUMNS, rows[3], strict=True))
    assert first["订单号"] == "4145384019161461003" and first["手机"] == "19328792174"
    assert first["平台"] == "淘宝" and first["类型"] == "退货退款" and first["原因"] == "七天无理由"
    assert first["状态"] == "等待买家退货" and Decimal(str(first["退款金额"])) == Decimal("79.50")
    assert first["退货运单号"] == "75123456789012" and first["退货快递"] == "中通快递"
    assert first["申请时间"].strftime("%Y-%m-%d %H:%M") == "2026-11-21 09:00"  # China time
    assert first["说明"] == '=HYPERLINK("http://x")' and first["买家/收货人"] == "+86 秦文红"
    raw = load_workbook(out).active
    assert all(c.data_type != "f" for row in raw.iter_rows() for c in row)
    assert run(["export-cases", str(out), "--db", ledger_target, "--open", "--platform", "拼多多"]) == 0
    assert [r[0] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)] == [ids[1]]
    assert run(["export-cases", str(out), "--db", ledger_target, "--closed"]) == 0
    assert [r[0] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)] == [ids[2]]
    capsys.readouterr()
    assert run(["export-cases", str(tmp_path / "x.csv"), "--db", ledger_target]) == 2
    assert ".xlsx" in capsys.readouterr().err


@POSIX_ONLY
@pytest.mark.sqlite_only
def test_an_export_onto_a_full_disk_is_one_chinese_line(db: Database, db_path: Path, tmp_path: Path) -> None:
    """After its message the command printed "Exception ignored in: <function ZipFile.__del__> Traceback …
    OSError: [Errno 28] No space left on device" (openpyxl's unfinished archive, collected at exit) and
    asked whether the file was open in Excel."""
    seed(db)
    out = tmp_path / "售后单.xlsx"
    done = subprocess.run([sys.executable, "-m", "desktop_app", "export-cases", str(out), "--db", str(db_path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          preexec_fn=lambda: limit_files(4096))  # the rows fit, the workbook does not
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"错误：无法写入 {out}：") and done.stderr.count("\n") == 1, done.stderr
    assert "Excel" not in done.stderr and list(tmp_path.glob("*售后单.xlsx*")) == []


def test_the_next_deadline_exported_is_the_one_the_table_shows(db: Database, ledger_target: str,
                                                                tmp_path: Path) -> None:
    """抖店 agrees to a reship by itself when the 48 h answer runs out: while it can still be given the
    answer is the case's 下一个时限, once it ran out the 48 h ship clock that follows it."""
    moment = now()
    pending = open_case(db, NewCase(Platform.DOUYIN, "DY-ANSWER", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(moment - timedelta(hours=2))), author="小林").case_id
    ran_out = open_case(db, NewCase(Platform.DOUYIN, "DY-AGREED", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(moment - timedelta(hours=50))), author="小林").case_id
    out = tmp_path / "售后单.xlsx"
    assert run(["export-cases", str(out), "--db", ledger_target]) == 0
    rows = {r[0]: dict(zip(CASE_COLUMNS, r, strict=True))
            for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)}
    assert rows[pending]["下一个时限"] == "处理补寄申请（48小时）"
    assert rows[ran_out]["下一个时限"] == "补寄发货并上传运单号（48小时）（按平台自动同意起算）"

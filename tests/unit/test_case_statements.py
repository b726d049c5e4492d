"""Goods value statements for cases (`statement --case 1 2 3`, and the Cases tab's bulk 打印货值说明):
each case by its claim, else by its order with the case's reason and description; a case whose order
was never imported is skipped with the reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.services.statements import StatementRequest, case_sources, load_statements
from desktop_app.store.database import Database
from tests.ui.test_bulk_actions import seed_orders_and_cases


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sources_and_statements_of_cases(ledger_target: str, db: Database) -> None:
    seed_orders_and_cases(ledger_target)
    with db.reading() as session:
        sources = case_sources(session, [4, 2, 1, 99])
    assert [(s.case_id, s.claim_id, s.possible) for s in sources] == [
        (4, None, False), (2, 1, True), (1, None, True), (99, None, False)]
    assert "订单尚未导入" in (sources[0].why_not or "") and sources[3].why_not == "找不到售后单 #99"
    statements = load_statements(db, StatementRequest(case_ids=(2, 1)))
    assert [s.reference for s in statements] == ["理赔编号 1", "售后单 #1"]
    assert (statements[1].incident, statements[1].description, statements[1].total_fen) == ("破损", "外箱压坏", 7900)


def test_statement_command_for_cases(capsys: pytest.CaptureFixture[str], ledger_target: str, tmp_path: Path,
                                     qapp: object) -> None:
    # The PDF is drawn by Qt: the session's QApplication (a bare QGuiApplication made by the command
    # would stop the widget tests that run later in this process).
    seed_orders_and_cases(ledger_target)
    out_file = tmp_path / "货值说明.xlsx"
    code, out, err = cli(capsys, "statement", "--case", "1", "2", "3", "4", "--out", str(out_file), "--db",
                         ledger_target, "--json")
    # Written for three, #4 skipped: partly done, exit 1 as a batch of case actions with a failure.
    assert code == 1 and json.loads(out)["count"] == 3 and json.loads(out)["skipped"] == [4]
    assert "跳过售后单 #4：订单尚未导入" in err and out_file.exists()
    pdf = tmp_path / "货值说明.pdf"
    code, out, _ = cli(capsys, "statement", "--case", "1", "3", "--out", str(pdf), "--db", ledger_target)
    assert code == 0 and "已生成 2 份" in out
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) == 2
    code, out, err = cli(capsys, "statement", "--case", "4", "--out", str(tmp_path / "x.pdf"), "--db", ledger_target)
    assert code == 1 and out == "" and "都没有可写的货值说明" in err and not (tmp_path / "x.pdf").exists()
    code, _, err = cli(capsys, "statement", "--case", "1", "--incident", "丢件", "--out", str(pdf), "--db",
                       ledger_target)
    assert code == 2 and "只用于 --order" in err

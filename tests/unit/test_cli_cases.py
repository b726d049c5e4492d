"""The `case` CLI contract: ids, --json shapes, exit codes, Chinese errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.store.database import open_database


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_prints_the_new_number_and_json(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    code, out, _ = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "4145384019161461003",
                       "--kind", "reship", "--reason", "missing_item", "--amount", "12.50",
                       "--signed-at", "2026-11-10", "--note", "少发一双袜子")
    assert code == 0 and out.strip() == "1"
    code, out, _ = cli(capsys, "case", "add", "--db", db, "--platform", "拼多多", "--order",
                       "261111-755306313554903", "--kind", "退货退款", "--reason", "七天无理由", "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == 2 and data["platform"] == "pdd" and data["kind"] == "return_refund"
    assert data["reason"] == "no_reason_7d" and data["status"] == "pending"


def test_add_reminds_of_the_orders_unsettled_case_of_the_kind(capsys: pytest.CaptureFixture[str],
                                                             ledger_target: str) -> None:
    # Recorded all the same (an order of several goods has several requests), but said on stderr: the same
    # request typed twice ran its timers twice and counted twice in 统计.
    db = ledger_target
    add = ("case", "add", "--db", db, "--platform", "pdd", "--order", "261111-755306313554903")
    assert cli(capsys, *add, "--kind", "refund_only") == (0, "1\n", "")
    assert cli(capsys, *add, "--kind", "reship") == (0, "2\n", "")  # another kind: nothing to say
    code, out, err = cli(capsys, *add, "--kind", "仅退款")
    assert (code, out) == (0, "3\n")
    assert err == ("提醒：订单 261111-755306313554903 已有未处理完的同类售后单 #1（仅退款）："
                   "如是同一个售后，请关闭多余的一张\n")
    cli(capsys, "case", "act", "1", "refund", "--db", db)  # settled: no longer a twin to worry about
    code, out, err = cli(capsys, *add, "--kind", "refund_only", "--json")
    assert code == 0 and json.loads(out)["id"] == 4 and "#3（仅退款）" in err and "#1" not in err


def test_list_filters_and_json(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    for platform, order, kind in (("pdd", "1", "reship"), ("douyin", "2", "refund_only"), ("jd", "3", "reship")):
        assert cli(capsys, "case", "add", "--db", db, "--platform", platform, "--order", order, "--kind", kind)[0] == 0
    cli(capsys, "case", "act", "3", "close", "--db", db, "--note", "买家撤销")
    code, out, _ = cli(capsys, "case", "list", "--db", db, "--kind", "reship", "--json")
    assert code == 0 and sorted(r["id"] for r in json.loads(out)) == [1, 3]
    _, out, _ = cli(capsys, "case", "list", "--db", db, "--open", "--json")
    assert sorted(r["id"] for r in json.loads(out)) == [1, 2]
    _, out, _ = cli(capsys, "case", "list", "--db", db, "--closed", "--json")
    assert [r["id"] for r in json.loads(out)] == [3]
    _, out, _ = cli(capsys, "case", "list", "--db", db, "--platform", "抖店", "--json")
    assert [r["order"] for r in json.loads(out)] == ["2"]
    _, out, err = cli(capsys, "case", "list", "--db", db)
    assert "补发" in out and "#1" in out
    # The count as the other lists give it, on stderr: stdout stays one case a line for scripts.
    assert len(out.splitlines()) == 3 and err == "共 3 张\n"
    # A page of a longer list says so on stderr: a script must not take it for the whole ledger.
    code, out, err = cli(capsys, "case", "list", "--db", db, "--limit", "2", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    assert err == "只列出了前 2 张，符合条件的共 3 张；用 --limit 3 列出全部\n"
    code, out, err = cli(capsys, "case", "list", "--db", db, "--limit", "3", "--json")
    assert len(json.loads(out)) == 3 and err == ""
    # --db before the command, as `python -m desktop_app --db PATH` opens the window on a ledger.
    code, out, err = cli(capsys, "--db", db, "case", "list", "--kind", "reship", "--json")
    assert code == 0 and sorted(r["id"] for r in json.loads(out)) == [1, 3], err


def test_act_and_show(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    cli(capsys, "case", "add", "--db", db, "--platform", "douyin", "--order", "6923456789012345678",
        "--kind", "reship", "--requested-at", "2026-11-20 09:00")
    code, out, _ = cli(capsys, "case", "act", "1", "agree_reship", "--db", db, "--at", "2026-11-20 10:00",
                       "--note", "明天发")
    assert code == 0 and "待补发" in out
    code, out, _ = cli(capsys, "case", "act", "1", "补发已发出", "--db", db, "--json")
    assert code == 0 and json.loads(out)["status"] == "reshipped"
    code, out, _ = cli(capsys, "case", "show", "1", "--db", db, "--json")
    data = json.loads(out)
    assert [e["action"] for e in data["events"]] == [None, "agree_reship", "ship_reship"]
    assert data["events"][1]["at"] == "2026-11-20T10:00:00+08:00" and data["events"][1]["note"] == "明天发"
    assert "complete" in data["allowed_actions"]
    code, out, _ = cli(capsys, "case", "show", "1", "--db", db)
    assert "时间线" in out and "同意补发" in out


def test_a_time_ahead_of_the_clock_is_recorded_with_a_reminder(capsys: pytest.CaptureFixture[str],
                                                               ledger_target: str) -> None:
    # 2062 typed for 2026: the return's 10-day confirmation showed as due in 2062, and nothing said so.
    db = ledger_target
    cli(capsys, "case", "add", "--db", db, "--platform", "douyin", "--order", "6923456789012345678",
        "--kind", "return_refund", "--agreed-at", "2026-11-20 10:00")
    code, out, err = cli(capsys, "case", "act", "1", "buyer_shipped_return", "--db", db, "--at", "2062-11-21 10:00",
                         "--tracking", "YT1234567890123")
    assert code == 0 and "买家已寄回" in out
    assert err.startswith("注意：发生时间 2062-11-21 10:00 在将来（现在是 20") and "case undo" in err
    code, _, err = cli(capsys, "case", "act", "1", "receive_return", "--db", db, "--at", "2026-11-22")
    assert code == 2 and "早于买家已寄回的时间 2062-11-21 10:00" in err and "case undo 1" in err  # steps in order
    assert cli(capsys, "case", "undo", "1", "--db", db)[0] == 0
    cli(capsys, "case", "act", "1", "buyer_shipped_return", "--db", db, "--at", "2026-11-21 10:00",
        "--tracking", "YT1234567890123")
    code, _, err = cli(capsys, "case", "act", "1", "receive_return", "--db", db, "--at", "2026-11-22")
    assert (code, err) == (0, "")  # a day already begun, or past: nothing to say
    code, _, err = cli(capsys, "claim", "add", "--db", db, "--order", "6923456789012345678", "--incident", "lost",
                       "--amount", "10", "--at", "2099-01-01", "--follow-up", "2099-01-02")
    assert code == 0 and err.count("注意：") == 1 and "登记时间 2099-01-01 00:00 在将来" in err  # a follow-up is a plan


def test_a_paying_step_records_what_was_paid(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    """`--amount` with 退款 / 退货途中退款 / 补偿 keeps what was paid as the case's amount (统计's 退款 and net loss
    count it; a case opened without one counted 0), says it on the timeline, and is refused with any other step."""
    db = ledger_target
    add = ("case", "add", "--db", db, "--platform", "douyin", "--order")
    assert cli(capsys, *add, "6923456789012345678", "--kind", "refund_only")[0] == 0
    assert cli(capsys, *add, "6923456789012345679", "--kind", "partial_refund", "--amount", "10")[0] == 0
    assert cli(capsys, *add, "6923456789012345670", "--kind", "return_refund")[0] == 0
    code, _, err = cli(capsys, "case", "act", "3", "agree_return", "--amount", "5", "--db", db)
    assert code != 0 and "不付款" in err
    code, _, err = cli(capsys, "case", "act", "1", "refund", "--amount", "0", "--db", db)
    assert code != 0 and "大于 0" in err
    assert cli(capsys, "case", "act", "1", "refund", "--amount", "￥1,059.90", "--note", "缺货", "--db", db)[0] == 0
    assert cli(capsys, "case", "act", "2", "compensate", "--amount", "8", "--db", db)[0] == 0
    shown = {n: json.loads(cli(capsys, "case", "show", str(n), "--db", db, "--json")[1]) for n in (1, 2, 3)}
    assert (shown[1]["refund"], shown[1]["amount"], shown[1]["status"]) == ("1059.90", "1059.90", "refunded")
    assert shown[1]["events"][-1]["note"] == "退款 1,059.90 元；缺货"
    assert (shown[2]["refund"], shown[2]["compensation"], shown[2]["amount"]) == (None, "8.00", "8.00")
    assert shown[3]["status"] == "pending" and shown[3]["refund"] is None  # the refused step changed nothing
    report = json.loads(cli(capsys, "report", "--from", "2000-01-01", "--to", "2100-01-01", "--db", db, "--json")[1])
    assert report["money"]["refunded"] == "1059.90" and report["money"]["compensated"] == "8.00"


def test_errors_are_chinese_on_stderr_with_nonzero_exit(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    cli(capsys, "case", "add", "--db", db, "--platform", "pdd", "--order", "9", "--kind", "return_refund")
    code, out, err = cli(capsys, "case", "act", "1", "refund", "--db", db)
    assert code != 0 and out == "" and "不能执行“退款”" in err
    code, _, err = cli(capsys, "case", "act", "7", "start", "--db", db)
    assert code != 0 and "找不到售后单 #7" in err
    code, _, err = cli(capsys, "case", "add", "--db", db, "--platform", "ebay", "--order", "1", "--kind", "reship")
    assert code != 0 and "无法识别的平台" in err
    code, _, err = cli(capsys, "case", "add", "--db", db, "--platform", "pdd", "--order", "1", "--kind", "reship",
                       "--amount", "abc")
    assert code != 0 and "金额" in err
    code, _, err = cli(capsys, "case", "add", "--db", db, "--platform", "pdd", "--order", "1", "--kind", "reship",
                       "--signed-at", "yesterday")
    assert code != 0 and "YYYY-MM-DD" in err
    code, _, err = cli(capsys, "case", "add", "--db", db, "--platform", "taobao", "--order", "6.92345678901235E+18",
                       "--kind", "reship")
    assert code != 0 and "科学计数法" in err


def test_agreed_at_takes_the_agree_step(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    db = ledger_target
    _, out, _ = cli(capsys, "case", "add", "--db", db, "--platform", "douyin", "--order", "5", "--kind", "reship",
                    "--requested-at", "2026-11-01 08:00", "--agreed-at", "2026-11-01 09:00", "--json")
    assert json.loads(out)["status"] == "reship_agreed"
    code, _, err = cli(capsys, "case", "add", "--db", db, "--platform", "douyin", "--order", "6",
                       "--kind", "refund_only", "--agreed-at", "2026-11-01 09:00")
    assert code != 0 and "--agreed-at" in err


def test_module_entry_point_lists_commands(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "desktop_app", "--help"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and "case" in result.stdout
    open_database(tmp_path / "x.db").close()  # an empty ledger (one that is not there is refused: test_cli_failures)
    result = subprocess.run([sys.executable, "-m", "desktop_app", "case", "list", "--db", str(tmp_path / "x.db"),
                             "--json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and json.loads(result.stdout) == []


@pytest.mark.sqlite_only
def test_a_reader_that_goes_away_ends_the_listing_quietly(tmp_path: Path, ledger_target: str) -> None:
    """`… | head`: the reader closes the pipe early; no 内部错误, no traceback, SIGPIPE's exit code."""
    for n in range(3):
        assert run(["case", "add", "--platform", "pdd", "--order", f"26110{n}", "--kind", "refund_only",
                    "--db", ledger_target]) == 0
    child = subprocess.Popen([sys.executable, "-m", "desktop_app", "case", "list", "--json", "--db", ledger_target],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the child writes a byte
    with child.stderr:
        err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141, err
    assert err == ""

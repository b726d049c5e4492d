"""An earlier after-sales export imported after a later one changes nothing and counts as 未变 — also for requests the
later one showed refused or closed. Those were taken as news (after 卖家拒绝退款 / 退款关闭 the buyer may ask again),
so yesterday's 等待卖家同意 wrote the older 售后状态 back onto a case the shop had closed since and counted a conflict.
A row whose round began (its 超时时间 less the platform's timer) before the refusal or closing on the case's timeline
is that old picture; a request asked again after it starts a new round and stays news. The shared sample exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from aftersales_files import copy_fixture, write_csv
from test_case_import import cli, listed

REFUSED = "239747772738661045"  # 等待卖家同意 (11-17 07:57, due 11-20 07:57) → 卖家拒绝退款 in the later export
CLOSED = "258886891718906267"  # 等待卖家同意 (11-14 09:24) → 退款关闭 (11-18 05:24)


def _imported(capsys: pytest.CaptureFixture[str], path: Path, ledger_target: str) -> dict[str, object]:
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    return dict(entry)


def test_an_earlier_export_after_a_refusal_or_closing_changes_nothing(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    later, earlier = copy_fixture(tmp_path, "tb_refunds_later.csv", "tb_refunds.csv")
    _imported(capsys, later, ledger_target)
    before = listed(capsys, ledger_target)
    # Closed in the ledger both: refused (the shop's answer), and closed by the platform.
    assert (before[REFUSED]["status"], before[REFUSED]["platform_status"]) == ("rejected", "卖家拒绝退款")
    assert (before[CLOSED]["status"], before[CLOSED]["platform_status"]) == ("closed", "退款关闭")
    entry = _imported(capsys, earlier, ledger_target)
    after = listed(capsys, ledger_target)
    for number in (REFUSED, CLOSED):
        assert after[number] == before[number], number  # the older 等待卖家同意 not written back
    assert after[CLOSED]["platform_status"] == "退款关闭"
    assert entry["conflicts"] == 0  # not "closed here, open on the platform"
    assert entry["deadline_mismatches"] == 0
    assert entry["updated"] == 0 and entry["unchanged"] == 20, [k for k in after if after[k] != before[k]]
    assert {k: r["status"] for k, r in after.items()} == {k: r["status"] for k, r in before.items()}


def test_a_request_asked_again_after_the_refusal_is_still_news(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    """The buyer modified the refused request (买家修改申请) days later: a new round, due three days after it."""
    [later] = copy_fixture(tmp_path, "tb_refunds_later.csv")
    _imported(capsys, later, ledger_target)
    with later.open(encoding="gb18030", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    [row] = [r for r in body if r[0] == REFUSED]
    row[header.index("退款状态")] = "买家已经申请退款，等待卖家同意"
    row[header.index("超时时间")] = "2026-11-27 10:00:00"  # asked again 11-24 10:00, after the refusal
    again = write_csv(tmp_path / "tb_refunds_again.csv", [header, row])
    entry = _imported(capsys, again, ledger_target)
    after = listed(capsys, ledger_target)
    assert after[REFUSED]["platform_status"] == "买家已经申请退款，等待卖家同意"
    # Asked again after the refusal: reopened at the new round's start, its timers run (round 9 r06); no conflict.
    assert after[REFUSED]["status"] == "processing"
    assert entry["conflicts"] == 0

"""The 统计 figures and the `report` command, against the hand-computed ledger of report_ledger.py."""

from __future__ import annotations

import json
import random
import statistics
import threading
from datetime import timedelta
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from aftersales_files import TB_HEADER, tb_row, write_csv
from report_ledger import EXPECTED_BY_KIND, EXPECTED_BY_PLATFORM, EXPECTED_BY_REASON, EXPECTED_MONEY, build
from sqlalchemy import delete, select

from desktop_app.cli import run
from desktop_app.core.case_costs import CaseCosts, default_return_postage_payer, net_loss_fen
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import now, parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, CaseReason, ResponsibleParty
from desktop_app.services import evidence_files
from desktop_app.services import report as report_module
from desktop_app.services.case_costs import case_money
from desktop_app.services.case_import import import_cases
from desktop_app.services.claim_evidence import add_evidence
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.evidence_files import files_home, local_file
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import Period, parse_period
from desktop_app.store import report_claims, report_queries
from desktop_app.store.case_facts import recompute_case_facts
from desktop_app.store.database import Database
from desktop_app.store.models import CarrierClaim, Case, ClaimEvidence, Deadline, Order, SharedFile
from desktop_app.store.shared_files import files_are_shared

NOVEMBER = parse_period("2026-11-01", "2026-11-30")


@pytest.fixture
def ledger(db: Database) -> dict[str, int]:
    return build(db)


def report_json(ledger_target: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, object]:
    code = run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target, "--json", *extra])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_november_figures_match_the_hand_computed_ones(db: Database, ledger: dict[str, int]) -> None:
    report = build_report(db, NOVEMBER)
    assert report.cases == 8 and report.open == 4  # #1, #4, #8 and #9 were closed (#10 reopened)
    assert report.by_kind == EXPECTED_BY_KIND
    assert report.by_platform == EXPECTED_BY_PLATFORM
    assert report.by_reason == EXPECTED_BY_REASON
    assert report.by_responsible == {"merchant": 2, "buyer": 1, "carrier": 1}
    assert report.money.as_strings() == EXPECTED_MONEY
    assert report.money.net_loss == Decimal("104.00")
    assert report.penalised_cases == 1
    assert report.claims == 1 and report.open_claims == 1


def test_the_cli_json_contract(db: Database, ledger: dict[str, int], ledger_target: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    data = report_json(ledger_target, capsys)
    assert data["by_kind"] == EXPECTED_BY_KIND
    assert data["by_platform"] == EXPECTED_BY_PLATFORM
    assert data["by_reason"] == EXPECTED_BY_REASON
    assert data["money"] == EXPECTED_MONEY
    assert data["cases"] == 8 and data["from"] == "2026-11-01" and data["to"] == "2026-11-30"
    assert data["date"] == "requested_at"


def test_the_text_report_names_the_figures(db: Database, ledger: dict[str, int], ledger_target: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target]) == 0
    out = capsys.readouterr().out
    assert "售后单 8 张" in out
    assert "净损失" in out and "104.00" in out
    assert "待退款" in out and "30.00" in out
    assert "漏发少件" in out and "天猫" in out and "中通快递" in out
    # A product's line names its 商家编码: variants share the title (as in the 统计 tab).
    assert "陶瓷马克杯（CUP-01）" in out.split("按商品：")[1]


def test_the_period_is_china_days_both_inclusive(db: Database, ledger: dict[str, int]) -> None:
    # #1 at 00:00 on the first day and #3 at 23:59 on the last are in; #5 (Oct 31 23:30) and #6 (Dec 1 00:00,
    # still Nov 30 in UTC) are out.
    assert build_report(db, parse_period("2026-11-01", "2026-11-01")).cases == 1
    assert build_report(db, parse_period("2026-11-30", "2026-11-30")).by_platform == {"tmall": 1}
    assert build_report(db, parse_period("2026-10-31", "2026-10-31")).money.refunded == Decimal("999.00")
    assert build_report(db, parse_period("2026-12-01", "2026-12-01")).by_platform == {"douyin": 1}
    assert build_report(db, parse_period("2026-10-01", "2026-12-31")).cases == 10


def test_taobao_is_taobao_only_and_chinese_names_work(db: Database, ledger: dict[str, int], ledger_target: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    taobao = report_json(ledger_target, capsys, "--platform", "taobao")
    assert taobao["by_platform"] == {"taobao": 4}
    money = taobao["money"]
    assert isinstance(money, dict)
    # #1 postage 8.00 + written off 20.00; #2's refund bought its goods back and the buyer paid the return;
    # #7's refund is still asked for, #8's was refused: neither left the shop.
    assert money["refunded"] == "59.90" and money["postage"] == "8.00" and money["net_loss"] == "28.00"
    assert money["pending_refund"] == "30.00"
    assert money["claimed"] == "0.00"
    assert report_json(ledger_target, capsys, "--platform", "淘宝")["by_platform"] == {"taobao": 4}
    tmall = report_json(ledger_target, capsys, "--platform", "天猫")
    assert tmall["by_platform"] == {"tmall": 1}
    assert tmall["money"] == {**{k: "0.00" for k in EXPECTED_MONEY}, "refunded": "100.00", "claimed": "100.00",
                              "received": "50.00", "outstanding": "50.00", "net_loss": "50.00"}


def test_shop_filter_by_name(db: Database, ledger: dict[str, int], ledger_target: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    data = report_json(ledger_target, capsys, "--shop", "小林家居")
    assert data["cases"] == 1 and data["by_kind"] == {"reship": 1}
    assert data["shop"] == {"id": ledger["shop"], "name": "小林家居", "platform": "taobao"}
    assert report_json(ledger_target, capsys, "--shop", str(ledger["shop"]))["cases"] == 1


@pytest.mark.parametrize(("args", "words"), [
    (["--from", "2026-13-01", "--to", "2026-11-30"], "开始日期"),
    (["--from", "2026-11-01", "--to", "明天"], "结束日期"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "早于"),
    (["--from", "0001-01-01", "--to", "9999-12-31"], "年份应在"),
    (["--from", "2026-11-01", "--to", "2026-11-30", "--platform", "amazon"], "平台"),
    (["--from", "2026-11-01", "--to", "2026-11-30", "--shop", "没有这家"], "找不到店铺"),
])
def test_bad_input_is_a_chinese_message_and_exit_2(db: Database, ledger: dict[str, int], ledger_target: str,
                                                   capsys: pytest.CaptureFixture[str], args: list[str],
                                                   words: str) -> None:
    assert run(["report", *args, "--db", ledger_target]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert words in captured.err and "Traceback" not in captured.err


def test_an_empty_ledger_reports_zeros(db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = report_json(ledger_target, capsys)
    assert data["cases"] == 0 and data["by_kind"] == {} and data["by_platform"] == {} and data["by_reason"] == {}
    assert data["money"] == {k: "0.00" for k in EXPECTED_MONEY}


def test_timeliness_counts_the_timers_of_the_cases_in_scope(db: Database, ledger: dict[str, int]) -> None:
    t = build_report(db, NOVEMBER).timeliness
    assert (t.deadlines, t.met, t.missed, t.open, t.overdue_now) == (4, 1, 1, 2, 1)
    assert t.met_share == Decimal("0.50")
    assert t.resolved == 4 and t.median_resolve_hours == Decimal("36.0")  # 24 h, 36 h, 36 h and 48 h
    by_platform = {x.platform: x for x in build_report(db, NOVEMBER).timeliness_by_platform}
    assert by_platform["pdd"].median_resolve_hours == Decimal("48.0")
    assert by_platform["taobao"].met_share == Decimal("0.50")


def test_an_imported_request_closed_without_its_end_time_has_no_time_to_resolve(
        db: Database, ledger: dict[str, int], tmp_path: Path) -> None:
    """A refund export row 卖家拒绝退款 / 退款关闭 with no 退款完结时间: the import dates the step at the
    request, which is not a time to resolve of 0 h (the dashboard showed 0.0 h for such a platform)."""
    rows = [TB_HEADER,
            tb_row("R-1", "T-9001", status="卖家拒绝退款", requested="2026-11-20 10:00:00"),
            tb_row("R-2", "T-9002", status="退款关闭", requested="2026-11-21 10:00:00"),
            tb_row("R-3", "T-9003", status="退款关闭", requested="2026-11-22 10:00:00",
                   finished="2026-11-23 22:00:00")]
    import_cases(db, [write_csv(tmp_path / "refunds.csv", rows)], platform="tmall")
    by_platform = {x.platform: x for x in build_report(db, NOVEMBER).timeliness_by_platform}
    assert by_platform["tmall"].resolved == 1 and by_platform["tmall"].median_resolve_hours == Decimal("36.0")
    t = build_report(db, NOVEMBER).timeliness
    assert t.resolved == 5 and t.median_resolve_hours == Decimal("36.0")  # 24 h, 36 h × 3, 48 h


def test_overdue_counts_each_timer_of_a_case_with_timers_on_both_sides_of_now(db: Database,
                                                                                ledger: dict[str, int]) -> None:
    # #4 has an open timer due in two days; a second one, overdue since an hour, puts it on both sides.
    with db.transaction() as s:
        s.add(Deadline(case_id=ledger["c4"], timer_id="second", name="第二个时限", starts_at=now() - timedelta(days=2),
                       due_at=now() - timedelta(hours=1), action="auto_refund", status="open"))
        s.flush()
        recompute_case_facts(s, [ledger["c4"]])
    t = build_report(db, NOVEMBER).timeliness
    assert (t.deadlines, t.open, t.overdue_now) == (5, 3, 2)
    assert sum(x.overdue_now for x in build_report(db, NOVEMBER).timeliness_by_platform) == 2


def test_products_and_couriers(db: Database, ledger: dict[str, int]) -> None:
    report = build_report(db, NOVEMBER)
    cup = report.products[0]
    assert (cup.key, cup.title, cup.cases, cup.sold, cup.per_100_sold) == ("CUP-01", "陶瓷马克杯", 1, 5,
                                                                            Decimal("20.00"))
    zto = next(c for c in report.carriers if c.carrier == "中通快递")
    assert (zto.parcels, zto.cases, zto.lost, zto.damaged) == (2, 1, 1, 0)
    assert zto.per_100_parcels == Decimal("50.00")
    assert (zto.claims, zto.claimed, zto.received, zto.outstanding) == (1, Decimal("100.00"), Decimal("50.00"),
                                                                       Decimal("50.00"))


def test_open_claims_without_evidence_or_ticket_are_listed(db: Database, ledger: dict[str, int]) -> None:
    attention = build_report(db, NOVEMBER).attention
    assert [a.id for a in attention] == [ledger["claim"]]
    assert attention[0].evidence_missing and attention[0].ticket_missing and not attention[0].is_old
    assert attention[0].outstanding_fen == 5000
    assert build_report(db, NOVEMBER, old_claim_days=-1).attention[0].is_old


def test_the_money_of_one_case(db: Database, ledger: dict[str, int]) -> None:
    with db.reading() as s:
        three = case_money(s, ledger["c3"])
        two = case_money(s, ledger["c2"])
        four = case_money(s, ledger["c4"])
    assert three.received == Decimal("50.00") and three.net_loss == Decimal("50.00")
    assert two.costs.postage_back_payer is ResponsibleParty.BUYER and two.net_loss == Decimal("0.00")
    assert four.costs.postage_back_payer is ResponsibleParty.MERCHANT and four.net_loss == Decimal("14.00")


def test_who_pays_the_return_postage() -> None:
    assert default_return_postage_payer(CaseReason.NO_REASON_7D) is ResponsibleParty.BUYER
    assert default_return_postage_payer(CaseReason.WRONG_ITEM) is ResponsibleParty.MERCHANT
    assert default_return_postage_payer(CaseReason.LOST) is None
    costs = CaseCosts(postage_out_fen=100, postage_back_fen=200, postage_back_payer=ResponsibleParty.SUPPLIER)
    assert costs.postage_paid_fen == 100
    assert CaseCosts(postage_back_fen=200).postage_paid_fen == 200  # no payer recorded: the shop paid
    assert net_loss_fen(CaseKind.RETURN_REFUND, 5000, None, CaseCosts(), paid_out=True) == 0
    assert net_loss_fen(CaseKind.REFUND_ONLY, 5000, 100, CaseCosts(penalty_fen=300), received_fen=1000,
                        paid_out=True) == 4400
    # Asked for, not paid (pending, refused, closed without a refund): only the costs count.
    assert net_loss_fen(CaseKind.REFUND_ONLY, 5000, 100, CaseCosts(penalty_fen=300), received_fen=1000,
                        paid_out=False) == -700


def test_parse_period_refuses_nonsense() -> None:
    assert parse_period("2026/11/01", " 2026-11-30 ") == Period(NOVEMBER.first, NOVEMBER.last)
    with pytest.raises(UserError, match="不是有效日期"):
        parse_period("", "2026-11-30")



def test_a_claim_recorded_for_the_order_counts_in_its_cases_period(db: Database, ledger: dict[str, int]) -> None:
    with db.reading() as s:
        order_id = s.get_one(Case, ledger["c2"]).order_id
    open_claim(db, NewClaim(incident=ClaimIncident.DAMAGED, order_id=order_id, claimed_fen=1500), author="测试")
    money = build_report(db, NOVEMBER).money
    assert (money.claimed, money.outstanding) == (Decimal("115.00"), Decimal("65.00"))
    # A claim on an order without any case counts on the day it was recorded (today), not in November.
    other = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=_order_without_case(db), claimed_fen=900),
                       author="测试").claim_id
    assert build_report(db, NOVEMBER).money.claimed == Decimal("115.00")
    today = now().date()
    assert other in [a.id for a in build_report(db, Period(today, today)).attention]


def test_a_claim_entered_later_counts_on_the_day_it_was_recorded(db: Database, ledger: dict[str, int]) -> None:
    # claim add --at 2026-11-20 for an order without a case, typed in weeks later: 统计 counted it in the
    # month it was typed (created_at was the clock's), and 理赔待跟进 took it for a new claim.
    other = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=_order_without_case(db), claimed_fen=900,
                                    at=parse_moment("2026-11-20 10:00")), author="测试").claim_id
    november = build_report(db, NOVEMBER)
    assert november.money.claimed == Decimal("109.00")
    assert other in [a.id for a in november.attention]
    today = now().date()
    assert other not in [a.id for a in build_report(db, Period(today, today)).attention]
    claim = next(a for a in november.attention if a.id == other)
    assert claim.created_at == parse_moment("2026-11-20 10:00").at


def _order_without_case(db: Database) -> int:
    with db.reading() as s:
        return s.execute(select(Order.id).where(Order.order_no == "4100000000000000099")).scalar_one()




def test_a_claim_whose_evidence_file_is_gone_is_listed_as_without_evidence(db: Database, ledger: dict[str, int],
                                                                           tmp_path: Path) -> None:
    """The attention list read the evidence rows only: a photo deleted or moved out of the data folder by
    hand still counted, so a claim the courier will refuse for want of it was not listed."""
    photo = tmp_path / "箱子.jpg"
    photo.write_bytes(b"jpeg")
    add_evidence(db, ledger["claim"], [photo], author="测试")
    with db.transaction() as s:
        s.get_one(CarrierClaim, ledger["claim"]).ticket_no = "ZT-778"  # nothing else lists it
    assert build_report(db, NOVEMBER).attention == ()

    with db.reading() as s:
        stored = s.execute(select(ClaimEvidence.stored_path)).scalar_one()
        copy = local_file(s, stored)
        shared = files_are_shared(s)
    copy.unlink()
    if shared:  # a team ledger keeps the bytes for every seat: this seat fetches them again when shown
        assert build_report(db, NOVEMBER).attention == ()
        with db.transaction() as s:
            s.execute(delete(SharedFile))
    attention = build_report(db, NOVEMBER).attention
    assert [(a.id, a.evidence_missing, a.ticket_missing, a.is_old) for a in attention] == [
        (ledger["claim"], True, False, False)]

    with db.transaction() as s:  # listed for its age: the flag says the evidence is gone as well
        s.get_one(CarrierClaim, ledger["claim"]).ticket_no = None
    assert build_report(db, NOVEMBER).attention[0].evidence_missing
    if not shared:
        copy.write_bytes(b"jpeg")  # put back: complete again
        assert not build_report(db, NOVEMBER).attention[0].evidence_missing


def test_the_median_of_all_platforms_is_that_of_their_times_together() -> None:
    """The whole's median is taken across the platforms' sorted times without merging them."""
    rng = random.Random(17)
    for _ in range(300):
        runs = tuple(sorted(rng.randint(1, rng.choice((5, 400, 10**7))) for _ in range(rng.randint(0, 9)))
                     for _ in range(rng.randint(1, 6)))
        values = sorted(chain.from_iterable(runs))
        if values:
            assert report_module._median(len(values), runs) == statistics.median(values), runs


def test_the_side_read_only_reads_rows(db: Database, ledger: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The two reads of a ledger file run on two threads; what Python makes of their rows (the goods strings,
    the groups, the claims) comes after both, on the caller's thread: a thread fetching rows waits for the GIL
    after each row, so Python work on one side stalled the other's fetch (bench/README, session 20)."""
    threads: set[int] = set()
    split = report_queries.goods_lines

    def recording(goods: str) -> tuple[tuple[str, str, int], ...]:
        threads.add(threading.get_ident())
        return split(goods)

    monkeypatch.setattr(report_queries, "goods_lines", recording)
    report = build_report(db, NOVEMBER)
    assert report.products and threads == {threading.get_ident()}


def test_an_evidence_row_naming_an_impossible_file_counts_as_missing(db: Database, ledger: dict[str, int]) -> None:
    """A hand-edited row whose file name the system refuses (too long to look up) made the whole 统计 read
    fail once the files were looked at; it is a file that is not there."""
    with db.transaction() as s:
        s.get_one(CarrierClaim, ledger["claim"]).ticket_no = "ZT-778"
        s.add(ClaimEvidence(claim_id=ledger["claim"], stored_path="evidence/" + "照" * 300 + ".jpg",
                            original_name="照.jpg"))
        (files_home(s) / "evidence").mkdir(exist_ok=True)  # the folder is there, the name is refused
    attention = build_report(db, NOVEMBER).attention
    assert [(a.id, a.evidence_missing) for a in attention] == [(ledger["claim"], True)]


def test_only_the_files_of_the_claims_that_can_be_shown_are_looked_at(db: Database, ledger: dict[str, int],
                                                                       tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Three open claims with a photo, listed anyway (all old): with room for one in the list, the files of
    that one only are looked at; the list and its flags are as with room for all."""
    photo = tmp_path / "箱子.jpg"
    photo.write_bytes(b"jpeg")
    claims = [ledger["claim"], *(open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=ledger[case],
                                                         claimed_fen=1000), author="测试").claim_id
                                 for case in ("c2", "c4"))]
    for claim_id in claims:
        add_evidence(db, claim_id, [photo], author="测试")
    looked: list[set[int]] = []
    real = evidence_files.claims_with_files

    def recording(session: Any, paths: dict[int, list[str]]) -> set[int]:
        looked.append(set(paths))
        return real(session, paths)

    with db.reading() as s:
        scope = build_report(db, NOVEMBER).scope
        older = now() + timedelta(days=1)
        one = report_claims.claim_figures(s, scope, older, limit=1, files_check=recording)
        every = report_claims.claim_figures(s, scope, older, files_check=recording)
    assert looked == [{claims[0]}, set(claims)]
    assert one.attention == every.attention[:1] and not every.attention[0].evidence_missing

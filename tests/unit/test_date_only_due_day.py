"""A step given by its day only, on the day a timer ran out at 00:00 (session 22, tried as a tester).

Such a step is stored at 00:00 of its day and was compared with `<=`: a request made on the eighth day after a
date-only signing read as inside seed 001's 7 days, and an answer typed by its day on the day the platform had
agreed by itself at 00:00 read as in time (and the 48 h to ship still ran from the platform's agreement, marked
按平台自动同意起算, beside the shop's record). The step came during that day, after the due; only where the due itself
is known to the day alone (a round started by its day only, from 00:00 of it) is the answer still taken as in
time, as before.
"""

from __future__ import annotations

import pytest
from test_seed_rules import MET, MISSED, OPEN, at, cited, compute

from desktop_app.core import deadlines
from desktop_app.core.deadlines import AUTO_MARK


@pytest.fixture(params=[True, False], ids=["short way", "general way"])
def both_ways(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlines, "SHORT_WAY", request.param)


@pytest.mark.usefixtures("both_ways")
@pytest.mark.parametrize(("requested", "status"), [
    ("2026-11-07", MET),  # the seventh day
    ("2026-11-07 23:59:59", MET),
    ("2026-11-08 00:00:00", MET),  # the due itself (inclusive)
    ("2026-11-08", MISSED),  # some time on the eighth day: after it
])
def test_a_date_only_request_on_the_eighth_day_after_a_date_only_signing_is_late(
        requested: str, status: object) -> None:
    # seeds/001_7891156e224716f9.txt: "买家向商家提出“七天无理由退换货”的申请应在确认签收商品之日起7天内
    # (以物流签收时间为准)。"
    # Signed 2026-10-31, date only: from 11-01 00:00, 168 h → 11-08 00:00 (DOMAIN: "With a date only: from
    # 00:00 of the next day + 168 h").
    cited("taobao", "seeds/001_7891156e224716f9.txt", "应在确认签收商品之日起7天内(以物流签收时间为准)",
          timer="no_reason_window")
    d = compute("taobao", "return_refund", "no_reason_7d", signed="2026-10-31", requested=requested)["no_reason_window"]
    assert (d.due_at, d.status) == (at("2026-11-08 00:00"), status)


@pytest.mark.usefixtures("both_ways")
@pytest.mark.parametrize(("requested", "status"), [("2026-11-16", MET), ("2026-11-17", MISSED)])
def test_a_date_only_request_on_the_day_the_15_days_after_a_date_only_trade_success_ended_is_late(
        requested: str, status: object) -> None:
    # seeds/002_4d944ba41a3c78c9.txt: "確認收貨>確認放款>交易成功,之日起15日之內「申請售後」。" 交易成功 2026-11-01 by
    # its day only: from 11-02 00:00, 15 days → 11-17 00:00.
    cited("taobao", "seeds/002_4d944ba41a3c78c9.txt", "交易成功,之日起15日之內「申請售後」", timer="aftersales_window")
    d = compute("taobao", "reship", "missing_item", trade_succeeded="2026-11-01",
                requested=requested)["aftersales_window"]
    assert (d.due_at, d.status) == (at("2026-11-17 00:00"), status)


@pytest.mark.usefixtures("both_ways")
def test_an_answer_typed_by_its_day_on_the_day_the_platform_agreed_at_00_00_is_the_platforms_agreement() -> None:
    # seeds/004_e1a46d0aca1946af.txt: "用戶申請(qǐng)補(bǔ)寄后,商家需在48小時(shí)內(nèi)進(jìn)行處理,
    # 若商家未進(jìn)行處理,系統(tǒng)超時(shí)自動(dòng)同意;" (the seed's own pinyin glosses kept). Asked
    # 2026-11-01 00:00:00: the platform agreed by itself at 11-03 00:00, before the shop's agreement typed as
    # "2026-11-03". The 48 h to ship run from 11-03 00:00, the shop's record being that agreement (no
    # 按平台自动同意起算); the answer was late.
    cited("douyin", "seeds/004_e1a46d0aca1946af.txt", "若商家未進(jìn)行處理,系統(tǒng)超時(shí)自動(dòng)同意",
          timer="reship_answer")
    found = compute("douyin", "reship", "missing_item", requested="2026-11-01 00:00:00", reship_agreed="2026-11-03")
    answer, ship = found["reship_answer"], found["reship_ship"]
    assert (answer.due_at, answer.status) == (at("2026-11-03 00:00"), MISSED)
    assert (ship.starts_at, ship.due_at, ship.status) == (at("2026-11-03 00:00"), at("2026-11-05 00:00"), OPEN)
    assert AUTO_MARK not in ship.name
    # Typed with its time, a minute before the platform's: in time, as before.
    found = compute("douyin", "reship", "missing_item", requested="2026-11-01 00:00:00",
                    reship_agreed="2026-11-02 23:59")
    assert found["reship_answer"].status is MET and found["reship_ship"].due_at == at("2026-11-04 23:59")


@pytest.mark.usefixtures("both_ways")
def test_a_round_known_to_the_day_only_keeps_a_date_only_step_on_its_due_day_in_time() -> None:
    # Agreed "2026-11-01" (some time that day) and shipped "2026-11-03": the 48 h (seed 004
    # "商家需要在同意買家申請(qǐng)后的48h小時(shí)內(nèi)完成補(bǔ)寄發(fā)貨") ended at that time of 11-03,
    # which nothing records; counted from 00:00 of 11-01 the due is 11-03 00:00, and the shipping that day is
    # taken as in time (no 3 元), as before.
    found = compute("douyin", "reship", "missing_item", requested="2026-11-01", reship_agreed="2026-11-01",
                    reship_shipped="2026-11-03")
    ship = found["reship_ship"]
    assert (ship.due_at, ship.status, ship.penalty_fen) == (at("2026-11-03 00:00"), MET, None)

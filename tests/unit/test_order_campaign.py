"""聚划算 orders ship within 7 days (seed 002, item 6 of issue 13): the campaign in the rule packs, the
engine, marking an order by hand (service and CLI, audit-logged) and the case's deadlines after it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.deadlines import DeadlineStatus, compute_from_history
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.rule_packs import RulePackError
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.rule_pack_files import load_pack, load_packs
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.order_campaign import campaign_names, find_order, set_order_campaign
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Order

SEEDS = Path("/work/shared/seeds")
SEED = "002_4d944ba41a3c78c9.txt"
SENTENCE = "天貓的發貨時間:普通信息72小時內發貨,聚劃算7天內發貨"
MET, MISSED, OPEN = DeadlineStatus.MET, DeadlineStatus.MISSED, DeadlineStatus.OPEN


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def ship_by(pack: str, campaign: str | None, **events: str) -> tuple[datetime, DeadlineStatus, str]:
    history = {name: [(at(value), False)] for name, value in events.items()}
    found = {d.timer_id: d for d in compute_from_history(
        load_pack(pack), kind="refund_only", reason="late_shipment", case_open=True, history=history,
        campaign=campaign, paid_fen=30000)}  # an imported order: its late-shipment penalty known (no 赔付金额未知)
    d = found["ship_by"]
    return d.due_at.astimezone(CHINA), d.status, d.name


def test_seed002_juhuasuan_ships_within_7_days_on_taobao_and_tmall() -> None:
    """Seed 002: "天貓的發貨時間:普通信息72小時內發貨,聚劃算7天內發貨" — the pack cites it beside the rule."""
    for pack_id in ("taobao", "tmall"):  # tmall inherits taobao's campaign
        campaign = load_pack(pack_id).campaign("juhuasuan")
        assert campaign is not None and campaign.name == "聚划算"
        assert campaign.source is not None and SEED in campaign.source
        assert campaign.quote is not None and SENTENCE in campaign.quote
        if (SEEDS / SEED).is_file():
            assert campaign.quote in (SEEDS / SEED).read_text(encoding="utf-8")
        due, status, name = ship_by(pack_id, "juhuasuan", paid="2026-11-20 08:00:00")
        assert (due, status) == (at("2026-11-27 08:00:00"), OPEN)
        assert name.endswith("（聚划算7天）")
        # The edge is inclusive: shipped at the 7th day's minute is on time, a second later is late.
        assert ship_by(pack_id, "juhuasuan", paid="2026-11-20 08:00:00", shipped="2026-11-27 08:00:00")[1] is MET
        assert ship_by(pack_id, "juhuasuan", paid="2026-11-20 08:00:00", shipped="2026-11-27 08:00:01")[1] is MISSED
        # An ordinary order of the same shop: 72 hours, and the name says nothing of 聚划算.
        due, _, name = ship_by(pack_id, None, paid="2026-11-20 08:00:00")
        assert due == at("2026-11-23 08:00:00") and "聚划算" not in name


def test_juhuasuan_and_the_double11_window_both_give_7_days() -> None:
    due, _, name = ship_by("taobao", "juhuasuan", paid="2025-11-11 23:59:59")
    # The window is what applies (it wins over the campaign), and the name says so.
    assert due == at("2025-11-18 23:59:59") and name.endswith("（2025年双11发货时效：7天）")


def test_platforms_without_the_campaign_ignore_the_mark() -> None:
    """聚划算 is Taobao/Tmall's: a 拼多多/抖店/京东 pack has no such campaign and keeps its own figures."""
    packs = load_packs()
    for pack_id in ("pdd", "douyin", "jd", "generic"):
        assert packs[pack_id].campaign("juhuasuan") is None
    rules = RuleContext.load()
    assert campaign_names("pdd", rules) == {} and campaign_names("taobao", rules) == {"juhuasuan": "聚划算"}


def test_a_campaign_that_names_an_unknown_timer_or_key_is_refused(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    head = ('[pack]\nid = "generic"\nname = "通用"\n\n[[timers]]\nid = "ship_by"\nname = "发货"\n'
            'starts_from = "paid"\nduration = { hours = 72 }\non_expiry = "延迟发货"\nmet_by = ["shipped"]\n\n')
    (shipped / "generic.toml").write_text(
        head + '[[campaigns]]\nid = "juhuasuan"\nname = "聚划算"\ndurations = { ship_within = { days = 7 } }\n',
        encoding="utf-8")
    with pytest.raises(RulePackError, match="活动“juhuasuan”：引用了不存在的计时器“ship_within”"):
        load_pack("generic", shipped_dir=shipped, user_dir=tmp_path / "user")
    (shipped / "generic.toml").write_text(
        head + '[[campaigns]]\nid = "juhuasuan"\nname = "聚划算"\nstart = 2026-01-01\n', encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        load_pack("generic", shipped_dir=shipped, user_dir=tmp_path / "user")
    assert "start" in str(error.value) and "durations" in str(error.value)


def a_taobao_case(db: Database, order_no: str = "3100000000000000001") -> int:
    return open_case(db, NewCase(Platform.TAOBAO, order_no, CaseKind.REFUND_ONLY, CaseReason.LATE_SHIPMENT,
                                 requested=Moment(at("2026-11-21 10:00")),
                                 milestones={"paid": Moment(at("2026-11-20 08:00"))}), author="测试").case_id


def test_marking_an_order_recomputes_its_cases_and_writes_the_audit_log(db: Database) -> None:
    case_id = a_taobao_case(db)
    order_id = find_order(db, "3100000000000000001")

    def ship_by_row() -> tuple[datetime, str]:
        with db.reading() as session:
            row = next(d for d in case_deadlines(session, case_id) if d.timer_id == "ship_by")
        return row.due_at.astimezone(CHINA), row.name

    assert ship_by_row()[0] == at("2026-11-23 08:00")
    change = set_order_campaign(db, order_id, "juhuasuan", author="小王")
    assert (change.before, change.after, change.cases_recomputed) == (None, "juhuasuan", 1)
    due, name = ship_by_row()
    assert due == at("2026-11-27 08:00") and "聚划算" in name
    assert not set_order_campaign(db, order_id, "juhuasuan", author="小王").changed  # nothing twice
    assert set_order_campaign(db, order_id, None, author="小李").cases_recomputed == 1
    assert ship_by_row()[0] == at("2026-11-23 08:00")
    with db.reading() as session:
        events = session.execute(
            select(AuditEvent.author, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.note)
            .where(AuditEvent.subject == "order", AuditEvent.subject_id == order_id, AuditEvent.action == "campaign")
            .order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [("小王", None, "juhuasuan", "标记为聚划算订单"),
                                          ("小李", "juhuasuan", None, "取消活动标记（普通订单）")]


def test_a_campaign_the_platform_does_not_have_changes_nothing(db: Database) -> None:
    open_case(db, NewCase(Platform.PDD, "250101-123456789012345", CaseKind.REFUND_ONLY), author="测试")
    pdd_order = find_order(db, "250101-123456789012345")
    with pytest.raises(UserError, match="没有活动“juhuasuan”"):
        set_order_campaign(db, pdd_order, "juhuasuan")
    with pytest.raises(NotFound):
        find_order(db, "0000")
    with db.reading() as session:
        assert session.scalar(select(Order.campaign).where(Order.id == pdd_order)) is None
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.subject == "order")) is None


def test_order_campaign_cli(db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    a_taobao_case(db)
    base = ["--db", ledger_target]
    assert run(["order-campaign", "3100000000000000001", "juhuasuan", *base]) == 0
    assert "已标记为活动 juhuasuan" in capsys.readouterr().out
    assert run(["order-campaign", "3100000000000000001", "none", "--json", *base]) == 0
    out = capsys.readouterr().out
    data = json.loads(out[out.index("{"):])
    assert (data["before"], data["after"], data["changed"], data["cases_recomputed"]) == ("juhuasuan", None, True, 1)
    for bad, words in ((["3100000000000000001", "xyz"], "没有活动“xyz”"), (["999", "juhuasuan"], "没有订单号为 999")):
        assert run(["order-campaign", *bad, *base]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err

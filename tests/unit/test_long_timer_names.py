"""A timer's name may be 80 characters (the 时效规则 form's limit); the deadline the ledger stores under it says more
— （时长为估计）, the holiday window's figure, （按平台自动同意起算）, the unknown penalty — and so does the case's
下一个时限 beside it. Those columns held 80 characters: SQLite never minded, the team server refused the write
(value too long for type character varying(80)), so a long name typed in a pack failed only on PostgreSQL, every
step of every case the timer reached. Migration 0024_names widens them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from desktop_app.core.clock import Moment, now
from desktop_app.core.rule_pack_model import ASSUMED_MARK
from desktop_app.core.rule_pack_tables import MAX_NAME_LENGTH
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.rule_pack_files import read_pack_data
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Deadline
from tests.rule_edits import edit_pack

LONG = "抖店补发申请商家处理时限" * 7  # 84: cut to the form's limit below


def test_a_timer_named_to_the_limit_is_stored_with_what_its_deadline_adds(db: Database) -> None:
    name = LONG[:MAX_NAME_LENGTH]
    data = read_pack_data("douyin")
    [timer] = [t for t in data["timers"] if t["id"] == "reship_answer"]
    timer["name"], timer["assumed"] = name, True
    edit_pack(db, "douyin", data)
    case_id = open_case(db, NewCase(platform=Platform.DOUYIN, order_no="6900000000000000001", kind=CaseKind.RESHIP,
                                    reason=CaseReason.MISSING_ITEM, requested=Moment(now() - timedelta(hours=1))),
                        author="测试").case_id
    with db.reading() as s:
        names = set(s.scalars(select(Deadline.name).where(Deadline.case_id == case_id)))
        shown = s.get_one(Case, case_id).next_due_name
    assert name + ASSUMED_MARK in names
    assert shown == name + ASSUMED_MARK and len(shown) > 80

"""The engine's short way for the common round gives what the general rounds give.

`compute_from_history` computes a timer's single round inline when no automatic action, campaign,
restart or window is in play. A pack with a campaign that covers no kind sends every case down the
general way (`core.deadline_rounds.RoundWalk.rounds`) with the same rules, so the two can be compared on the
same histories: random event logs of every shipped pack, around the holiday and 双11 windows' edges, open and closed.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

import pytest

from desktop_app.core.clock import CHINA
from desktop_app.core.deadlines import compute_from_history
from desktop_app.core.rule_pack_model import MILESTONES, Campaign
from desktop_app.core.rule_packs import PACK_NAMES
from desktop_app.core.working_days import WorkdayCalendar
from desktop_app.io.holiday_schedule_file import read_schedule, shipped_schedule_path
from desktop_app.io.rule_pack_files import load_pack

CALENDAR = WorkdayCalendar(schedule=read_schedule(shipped_schedule_path()))
# Window edges (2020 and 2022 holiday windows, 双11) and ordinary days, China time.
ANCHORS = [datetime(2020, 1, 16, tzinfo=CHINA), datetime(2020, 2, 2, 23, 59, 59, tzinfo=CHINA),
           datetime(2022, 1, 24, tzinfo=CHINA), datetime(2022, 2, 8, 23, 59, 59, tzinfo=CHINA),
           datetime(2025, 10, 15, tzinfo=CHINA), datetime(2025, 11, 11, 23, 59, 59, tzinfo=CHINA),
           datetime(2026, 10, 15, tzinfo=CHINA), datetime(2026, 5, 1, 9, tzinfo=CHINA),
           datetime(2026, 12, 30, 18, tzinfo=CHINA)]
NAMES = sorted(MILESTONES)


def general_way(pack_name: str):  # type: ignore[no-untyped-def]
    pack = load_pack(pack_name)
    unused = Campaign(id="check", name="对照", durations={}, kinds=frozenset({"no_such_kind"}))
    return pack, dataclasses.replace(pack, campaigns=(*pack.campaigns, unused))


def random_history(rng: random.Random, names: list[str]) -> dict[str, list[tuple[datetime, bool]]]:
    anchor = rng.choice(ANCHORS)
    history: dict[str, list[tuple[datetime, bool]]] = {}
    for name in rng.sample(names, rng.randint(1, min(6, len(names)))):
        times = sorted(anchor + timedelta(minutes=rng.randrange(-3 * 24 * 60, 20 * 24 * 60))
                       for _ in range(rng.choice((1, 1, 1, 2, 3))))
        history[name] = [(t, rng.random() < 0.15) for t in times]
    return history


@pytest.mark.parametrize("pack_name", PACK_NAMES)
def test_short_way_equals_general_rounds(pack_name: str) -> None:
    pack, general = general_way(pack_name)
    rng = random.Random(f"shortcut-{pack_name}")
    kinds = sorted({kind for timer in pack.timers for kind in timer.kinds} | {"reship", "refund_only"})
    reasons: list[str | None] = [*sorted({r for t in pack.timers for r in t.reasons | t.except_reasons}), None]
    started = 0
    for _ in range(1500):
        kind, reason = rng.choice(kinds), rng.choice(reasons)
        read = sorted(pack.milestones_read(kind, reason)) or NAMES
        # Mostly the milestones this case's timers read (so timers start), sometimes any.
        history = random_history(rng, read if rng.random() < 0.8 else NAMES)
        case_open = rng.random() < 0.7
        paid_fen = rng.choice((None, 1999, 250_000))
        short = compute_from_history(pack, kind=kind, reason=reason, case_open=case_open, history=history,
                                     calendar=CALENDAR, paid_fen=paid_fen)
        long = compute_from_history(general, kind=kind, reason=reason, case_open=case_open, history=history,
                                    calendar=CALENDAR, paid_fen=paid_fen, campaign="check")
        assert short == long, (kind, reason, case_open, history)
        started += bool(short)
    assert started > 500  # the histories do start timers

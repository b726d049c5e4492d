"""The reship rules, read from the platform's rule pack: which timer says by when a promised reship
must be shipped, which one by when a request must be answered, and what agreeing or refusing means.

Ship-by times and penalties are never figures in code: they are the pack's timers (one starting at
`reship_agreed` and met by `reship_shipped`) and the pack's own words for what happens when one runs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core import messages as msg
from desktop_app.core.rule_packs import RulePack, TimerRule, pack_for_platform
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.deadline_rules import RuleContext

_RESHIP = CaseKind.RESHIP.value


def is_ship_timer(timer: TimerRule) -> bool:
    """The timer that says by when a promised reship must be shipped (Douyin 48 h, 3 working days ...)."""
    return timer.starts_from == "reship_agreed" and "reship_shipped" in timer.met_by


def is_answer_timer(timer: TimerRule) -> bool:
    """The timer for answering a reship request (Douyin: 48 h, else agreed automatically)."""
    return timer.starts_from == "requested" and "reship_agreed" in timer.met_by


def timer_of(pack: RulePack, timer_id: str) -> TimerRule | None:
    try:
        return pack.timer(timer_id)
    except KeyError:  # a deadline computed by a timer the user has since removed from the pack
        return None


def ship_rule(pack: RulePack, reason: str | None) -> TimerRule | None:
    return next((t for t in pack.applicable(_RESHIP, reason) if is_ship_timer(t)), None)


def penalty_of(timer: TimerRule) -> str:
    """What lateness costs, in the pack's words: its penalty text, else what happens on expiry."""
    return timer.penalty or timer.on_expiry


@dataclass(frozen=True, slots=True)
class Consequences:
    """What agreeing or refusing means for this case under its platform's rules (for the dialogs)."""

    agree: tuple[str, ...]  # Messages: the window shows them in its language
    refuse: tuple[str, ...]  # the pack's notes


def consequences(platform: str, reason: str | None, context: RuleContext) -> Consequences:
    """The pack's timers for a reship of this reason, as sentences: ship-by and penalty after
    agreeing; answer timer and its notes (e.g. Douyin: a refused 一直未收到货 goes to arbitration)."""
    pack = pack_for_platform(context.packs, platform)
    agree: list[str] = []
    refuse: list[str] = []
    for timer in pack.applicable(_RESHIP, reason):
        if is_ship_timer(timer):
            duration = timer.duration
            agree.append(msg.say(msg.RESHIP_SHIP_WITHIN, timer.name, str(duration.amount), duration.unit_label,
                                 penalty_of(timer)))
        elif is_answer_timer(timer):
            if "rejected" in timer.met_by and timer.note:
                refuse.append(timer.note)
            agree.append(msg.say(msg.RESHIP_ANSWER_WITHIN, timer.name, timer.on_expiry))
    return Consequences(tuple(agree), tuple(refuse))

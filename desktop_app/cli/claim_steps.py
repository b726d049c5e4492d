"""`claim act | undo | follow-up | link | evidence | note`: the steps on a courier claim, headless; parsed with the
other `claim` subcommands (cli/claims.py), which also read amounts and follow-up times as these do."""

from __future__ import annotations

import argparse
from datetime import datetime

from desktop_app.cli.common import CommandError, event_moment, opened_ledger, print_json
from desktop_app.core.claims import ClaimAction, PayoutChannel
from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.money import fen_to_yuan, format_yuan, parse_yuan, yuan_to_fen


def fen(text: str | None, what: str) -> int | None:
    return yuan_to_fen(parse_yuan(text, what)) if text else None


def follow_up_time(text: str | None) -> datetime | None:
    moment = parse_moment(text, "跟进时间") if text else None  # ahead of now: it is a plan
    if moment is None:
        return None
    # A date alone means that morning, like the automatic follow-ups.
    return moment.at.replace(hour=10) if moment.date_only else moment.at


def yuan(amount_fen: int | None) -> str | None:
    return str(fen_to_yuan(amount_fen)) if amount_fen is not None else None


def iso(value: datetime | None) -> str | None:
    return value.astimezone(CHINA).isoformat() if value is not None else None


def act(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import act_on_claim

    action = ClaimAction.parse(args.action)
    amount = fen(args.amount, "金额")
    channel = PayoutChannel.parse(args.channel) if args.channel else None
    at = event_moment(args.at, "发生时间")
    follow_up = follow_up_time(args.follow_up)
    with opened_ledger(args) as db:
        # A payout right after another seat's (both saw the one transfer) is refused naming it unless --other-seat.
        outcome = act_on_claim(db, args.id, action, amount_fen=amount, at=at, follow_up_at=follow_up, note=args.note,
                               channel=channel, own_payout_only=not args.other_seat)
    if args.json:
        print_json({"id": args.id, "action": action.value, "status": outcome.status.value,
                    "received": yuan(outcome.received_fen), "follow_up_at": iso(outcome.follow_up_at)})
    else:
        print(f"#{args.id} {action.label} → {outcome.status.label}")
    return 0


def undo(args: argparse.Namespace) -> int:
    from desktop_app.services.claim_undo import claim_version, undo_claim_step

    with opened_ledger(args) as db:
        # As `case undo`: the last step as the command found it, never the one before it (another seat's undo),
        # and this seat's own unless --other-seat.
        undone = undo_claim_step(db, args.id, expected_version=claim_version(db, args.id),
                                 own_step_only=not args.other_seat)
    if args.json:
        print_json({"id": args.id, "undone": undone.title, "status": undone.status.value,
                    "returned": yuan(undone.returned_fen)})
    else:
        back = f"（撤回到账 {format_yuan(undone.returned_fen)} 元）" if undone.returned_fen else ""
        print(f"#{args.id} 已撤销“{undone.title}”{back} → {undone.status.label}")
    return 0


def follow_up(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import set_follow_up

    when = None if args.when.strip().lower() in ("none", "无", "") else follow_up_time(args.when)
    with opened_ledger(args) as db:
        set_follow_up(db, args.id, when, note=args.note)
    return 0


def link(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import link_case, link_reship_case

    if args.case is None and args.reship_case is None:
        raise CommandError("请用 --case 或 --reship-case 指定要关联的售后单")
    with opened_ledger(args) as db:
        if args.case is not None:
            link_case(db, args.id, args.case)
        if args.reship_case is not None:
            link_reship_case(db, args.id, args.reship_case)
    return 0


def evidence(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import add_evidence

    with opened_ledger(args) as db:
        ids = add_evidence(db, args.id, list(args.files)).value
    if args.json:
        print_json({"id": args.id, "evidence": ids})
    else:
        print(f"#{args.id} 已添加 {len(ids)} 个证据文件")
    return 0


def note(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import add_claim_note

    with opened_ledger(args) as db:
        add_claim_note(db, args.id, args.text)
    return 0

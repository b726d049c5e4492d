"""`case act | note | undo`: the steps on a case, headless — one case or a batch (`case act 3,5,8 …`, a result per
case, exit 1 when some failed), the change of kind as one of them. Parsed with the other `case` subcommands
(cli/cases.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desktop_app.cli.common import event_moment, opened_ledger, print_json
from desktop_app.core.clock import Moment, format_china
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.money import parse_yuan, yuan_to_fen
from desktop_app.core.vocabulary import CaseKind

if TYPE_CHECKING:
    from desktop_app.services.bulk import CaseResult
    from desktop_app.services.returns import ReturnParcel
    from desktop_app.store.database import Database

# Not a lifecycle action but used like one: `case act N change_kind --kind K` corrects a case's kind.
CHANGE_KIND = "change_kind"
_CHANGE_KIND_NAMES = frozenset({CHANGE_KIND, "更改类型", "更改售后类型"})


def act(args: argparse.Namespace) -> int:
    from desktop_app.services.bulk import act_on_cases, parse_case_ids

    ids = parse_case_ids(args.id)
    # A comma asks for the list form (one result per case), also when it names one case ("7,7", "8,"):
    # a script joining its ids gets the shape it asked for.
    one = len(ids) == 1 and "," not in args.id.replace("，", ",")
    if args.action.strip() in _CHANGE_KIND_NAMES:
        return _change_kind(args, ids, one)
    if args.kind is not None:
        raise UserError(f"--kind 只能与 {CHANGE_KIND}（更改售后类型）一起使用")
    action = CaseAction.parse(args.action)
    at = event_moment(args.at, "发生时间")
    parcel = _return_parcel(args, action)
    paid = None if args.amount is None else yuan_to_fen(parse_yuan(args.amount, "--amount 金额"))
    with opened_ledger(args) as db:
        if one:
            status = _act_on_one(db, ids[0], action, args.note, at, parcel, paid)
        else:
            results = act_on_cases(db, ids, action, note=args.note, at=at, parcel=parcel, paid_fen=paid).results
            _say_late_steps(db, [r.case_id for r in results if r.ok])
    if one:
        if args.json:
            extra = {"return_carrier": parcel.carrier, "return_tracking": parcel.tracking_no} if parcel else {}
            print_json({"id": ids[0], "action": action.value, "status": status.value, **extra})
        else:
            print(f"#{ids[0]} {action.label} → {status.label}")
        return 0
    return _report(results, args.json, lambda s: f"{action.label} → {s.label}", f"未执行“{action.label}”")


def _report(results: Sequence[CaseResult], as_json: bool, done: Callable[[CaseStatus], str], refused: str) -> int:
    """Several cases: a line (or a JSON object) per case; exit 1 when any was refused."""
    failed = [r for r in results if not r.ok]
    if as_json:
        print_json([r.as_json() for r in results])
    else:
        for r in results:
            if r.ok and r.status is not None:
                print(f"#{r.case_id} {done(r.status)}")
            else:
                sys.stderr.write(f"#{r.case_id} {refused}：{r.error}\n")
    if failed and len(failed) == len(results):
        sys.stderr.write(f"{len(results)} 张售后单{'都' if len(results) > 1 else ''}{refused}\n")
    elif failed:
        sys.stderr.write(f"{len(results)} 张售后单中 {len(failed)} 张{refused}，其余已完成\n")
    return 1 if failed else 0


def _change_kind(args: argparse.Namespace, ids: list[int], one: bool) -> int:
    """`case act N[,N...] change_kind --kind K`: the same contract as the other actions."""
    from desktop_app.services.bulk import change_kind_of_cases
    from desktop_app.services.case_kind import change_case_kind

    if not args.kind:
        raise UserError(f"{CHANGE_KIND} 需要 --kind 新的售后类型：" + " ".join(k.value for k in CaseKind))
    if args.carrier or args.tracking:
        raise UserError(f"{CHANGE_KIND} 只接受 --kind、--at 和 --note")
    kind = CaseKind.parse(args.kind)
    # When the buyer changed the request (a refused exchange turned refund-only days ago): the new
    # kind's answer timers run from it.
    at = event_moment(args.at, "发生时间")
    with opened_ledger(args) as db:
        if one:
            status = change_case_kind(db, ids[0], kind, note=args.note, at=at).status
        else:
            results = change_kind_of_cases(db, ids, kind, note=args.note, at=at).results
    if one:
        if args.json:
            print_json({"id": ids[0], "action": CHANGE_KIND, "kind": kind.value, "status": status.value})
        else:
            print(f"#{ids[0]} 售后类型 → {kind.label}，状态：{status.label}")
        return 0
    return _report(results, args.json, lambda s: f"售后类型 → {kind.label}，状态：{s.label}", "未更改售后类型")


def _return_parcel(args: argparse.Namespace, action: CaseAction) -> ReturnParcel | None:
    from desktop_app.services.returns import ReturnParcel

    if args.carrier is None and args.tracking is None:
        return None
    if action is not CaseAction.BUYER_SHIPPED_RETURN:
        raise UserError("--carrier 和 --tracking 只能与 buyer_shipped_return"
                        f"（{CaseAction.BUYER_SHIPPED_RETURN.label}）一起使用")
    if not args.tracking:
        raise UserError("登记买家退货需要 --tracking 运单号")
    return ReturnParcel.of(args.carrier, args.tracking)


def _say_late_steps(db: Database, case_ids: Sequence[int]) -> None:
    """On stderr, for each case whose step came after the platform had acted (`services.late_steps`)."""
    from desktop_app.services.late_steps import late_step

    for case_id in case_ids:
        late = late_step(db, case_id)
        if late is not None:
            sys.stderr.write(f"#{case_id} {late}\n")


def _act_on_one(db: Database, case_id: int, action: CaseAction, note: str | None, at: Moment | None,
                parcel: ReturnParcel | None, paid_fen: int | None) -> CaseStatus:
    from desktop_app.services.cases import act_on_case
    from desktop_app.services.returns import buyer_shipped_return

    if parcel is None:
        status = act_on_case(db, case_id, action, note=note, at=at, paid_fen=paid_fen).status
    else:
        shipped = buyer_shipped_return(db, case_id, parcel, note=note, at=at).value
        if shipped.waiting_parcel is not None:
            p = shipped.waiting_parcel
            sys.stderr.write(f"提示：运单 {p.tracking_no} 已于 {format_china(p.received_at)} 作为无主件 #{p.id} 入库，"
                             f"可用 returns match {p.id} {case_id} 关联到本单\n")
        status = shipped.status
    _say_late_steps(db, [case_id])  # typed days later without --at: the platform had acted by then
    return status


def undo(args: argparse.Namespace) -> int:
    from desktop_app.services.cases import case_version, undo_last_step

    with opened_ledger(args) as db:
        # The step to take back is the last one as the command found it: another seat's undo at the same moment
        # takes that one, and this one is refused naming that seat rather than taking back the step before. And it
        # is this seat's own: one another seat took as this command started is refused naming it (--other-seat).
        undone = undo_last_step(db, args.id, expected_version=case_version(db, args.id),
                                own_step_only=not args.other_seat)
    if args.json:
        print_json({"id": args.id, "undone": undone.title, "status": undone.status.value})
    else:
        print(f"#{args.id} 已撤销“{undone.title}” → {undone.status.label}")
    return 0


def note(args: argparse.Namespace) -> int:
    from desktop_app.services.cases import add_note

    with opened_ledger(args) as db:
        add_note(db, args.id, args.text)
    return 0

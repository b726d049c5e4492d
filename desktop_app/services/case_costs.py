"""The cost of a case: record postage, goods written off and the platform's penalty; read the case's
money with what the courier paid back and the net loss (`core.case_costs`): the penalty recorded by hand,
else what its timers' penalties that fell due come to (`store.penalty_queries`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.case_costs import CaseCosts, counted_penalty_fen, default_return_postage_payer, net_loss_fen
from desktop_app.core.clock import now
from desktop_app.core.errors import UserError
from desktop_app.core.money import fen_to_yuan, format_yuan
from desktop_app.core.op_changes import Written
from desktop_app.core.vocabulary import CaseKind, CaseReason, ResponsibleParty
from desktop_app.services.case_writes import current_author, load_case
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Order, utcnow
from desktop_app.store.penalty_queries import case_timer_penalty_fen, order_timer_penalty_fen
from desktop_app.store.report_queries import case_received_fen, order_loss

_FIELDS = {
    "postage_out_fen": "寄出运费", "postage_back_fen": "退回运费", "postage_back_payer": "退回运费承担方",
    "written_off_fen": "货损（成本价）", "penalty_fen": "平台处罚",
}


@dataclass(frozen=True, slots=True)
class CaseMoney:
    """A case's money in yuan: what went out, what came back from couriers, the net loss."""

    case_id: int
    version: int
    refund: Decimal | None
    compensation: Decimal | None
    costs: CaseCosts
    received: Decimal
    net_loss: Decimal
    # Its order: the order number, how many cases the order has, and their net loss together (less
    # what couriers paid on all of the order's claims).
    order_no: str = ""
    order_cases: int = 1
    order_net_loss: Decimal = Decimal("0.00")
    # The buyer was paid the refund or compensation (`Case.paid_out`); until then neither is in the net loss.
    paid_out: bool = False
    # The case is closed (完成, 拒绝, 关闭): an amount not paid by then was never paid, not still owed.
    ended: bool = False
    # What the case's platform timers' penalties that fell due come to (淘宝 late shipment, 抖店 late reship;
    # missed, or open past due), and the penalty the net loss counts: `costs.penalty_fen` when recorded by
    # hand (it replaces the timers'), else this.
    timers_penalty: Decimal = Decimal("0.00")
    penalty_counted: Decimal = Decimal("0.00")


def _costs_of(case: Case) -> CaseCosts:
    payer = ResponsibleParty(case.postage_back_payer) if case.postage_back_payer else None
    return CaseCosts(case.postage_out_fen, case.postage_back_fen, payer, case.written_off_fen, case.penalty_fen)


def case_money(session: Session, case_id: int, moment: datetime | None = None) -> CaseMoney:
    """The case's money at `moment` (now): an open timer's penalty counts once it ran out before it."""
    at = moment or now()
    case = load_case(session, case_id, None, lock=False)
    costs = _costs_of(case)
    received = case_received_fen(session, case_id)
    timers = case_timer_penalty_fen(session, case_id, at)
    loss = net_loss_fen(CaseKind(case.kind), case.refund_fen, case.compensation_fen, costs, received,
                        paid_out=bool(case.paid_out), timers_penalty_fen=timers)
    order = session.get(Order, case.order_id)
    of_order = order_loss(session, case.order_id)
    order_net_loss = of_order.net_loss_fen + order_timer_penalty_fen(session, case.order_id, at)
    return CaseMoney(
        case_id=case.id, version=case.version,
        refund=None if case.refund_fen is None else fen_to_yuan(case.refund_fen),
        compensation=None if case.compensation_fen is None else fen_to_yuan(case.compensation_fen),
        costs=costs, received=fen_to_yuan(received), net_loss=fen_to_yuan(loss),
        order_no=order.order_no if order is not None else "", order_cases=of_order.cases,
        order_net_loss=fen_to_yuan(order_net_loss), paid_out=bool(case.paid_out), ended=not case.is_open,
        timers_penalty=fen_to_yuan(timers), penalty_counted=fen_to_yuan(counted_penalty_fen(costs.penalty_fen, timers)),
    )


def _show(column: str, value: object) -> str:
    if value is None:
        return "（空）"
    if column == "postage_back_payer":
        return ResponsibleParty(str(value)).label
    assert isinstance(value, int)
    return format_yuan(value)


def set_case_costs(db: Database, case_id: int, costs: CaseCosts, author: str | None = None,
                   expected_version: int | None = None) -> Written[CaseCosts]:
    """Record the case's costs (None clears a field). A return postage without a payer gets the one
    the rule 谁过错谁承担 names for the case's reason. Its value is what was stored."""
    who = current_author() if author is None else author
    _check_amounts(costs)
    with db.transaction() as session:
        case = load_case(session, case_id, expected_version)
        _write_costs(session, case, costs, who)
        return Written(_costs_of(case), changes_in(session))


def change_case_costs(db: Database, case_id: int, change: Callable[[CaseCosts], CaseCosts],
                      author: str | None = None) -> Written[CaseCosts]:
    """A command's change of some of the case's costs (`change`: the costs it wants, from the ones stored),
    applied to the case as it is when its turn comes: another seat's change of the case just before (a step,
    a note, another cost field) is kept, not refused — a command names no version, as `case act` does not.
    It read the case, then wrote against the version it read, and was refused whenever another seat wrote
    to the case in between."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        case = load_case(session, case_id, None)
        costs = change(_costs_of(case))
        _check_amounts(costs)
        _write_costs(session, case, costs, who)
        return Written(_costs_of(case), changes_in(session))


def _check_amounts(costs: CaseCosts) -> None:
    for name, amount in (("postage_out_fen", costs.postage_out_fen), ("postage_back_fen", costs.postage_back_fen),
                         ("written_off_fen", costs.written_off_fen), ("penalty_fen", costs.penalty_fen)):
        if amount is not None and amount < 0:
            raise UserError(msg.say(msg.FIELD_NEGATIVE, _FIELDS[name]))


def _write_costs(session: Session, case: Case, costs: CaseCosts, who: str) -> None:
    """Store the costs on the case, with its timeline entry saying what changed (none if nothing did)."""
    payer = costs.postage_back_payer
    if payer is None and costs.postage_back_fen:
        payer = default_return_postage_payer(CaseReason(case.reason) if case.reason else None)
    values: dict[str, int | str | None] = {
        "postage_out_fen": costs.postage_out_fen, "postage_back_fen": costs.postage_back_fen,
        "postage_back_payer": payer.value if payer else None, "written_off_fen": costs.written_off_fen,
        "penalty_fen": costs.penalty_fen,
    }
    changes: list[str] = []
    for column, value in values.items():
        old = getattr(case, column)
        if old != value:
            changes.append(f"{_FIELDS[column]}：{_show(column, old)} → {_show(column, value)}")
            setattr(case, column, value)
    if changes:
        case.updated_at = utcnow()
        session.add(AuditEvent(
            case_id=case.id, subject="case", subject_id=case.id, kind="edit", note="；".join(changes),
            author=who, at=utcnow(), recorded_at=utcnow(),
        ))

"""What a case costs the shop, and who pays the return postage (谁过错谁承担).

Net loss of a case, in fen:

    refund paid (unless the goods came back: 退货退款) + compensation paid to the buyer
    + postage out (the parcel sent again) + return postage when the shop paid it
    + cost price of goods written off + the platform's penalty
    − what the courier paid on the case's claims

The platform's penalty is the one recorded on the case by hand (`Case.penalty_fen`, 0 included: "the
platform charged nothing") or else what the case's platform timers put on it once they ran out: each
deadline whose pack names an amount (淘宝's late shipment 5 % of the order up to 30 元, 抖店's 3 元 a late
reship) and that was missed, or is still open past its due (`penalty_fell_due`). Never both: a recorded
figure replaces the timers' (the shop knows what the platform actually took). A deadline later met — an
event time corrected to before its due — carries no penalty any more (the engine stores none on a met one).

Refund and compensation count once the money reached the buyer (`Case.paid_out`): the case has a
退款 / 退货途中退款 / 已补偿 step in force (`PAID_MILESTONES`), whether the shop took it in the app or an
after-sales import recorded it (the platform's 退款成功, its automatic or timeout refund). Until then the
amount is only asked for: a pending request is money still to pay (待退款), a refused or closed request
without that step never left the shop. The amount counted is the case's recorded refund or
compensation (a partial refund: record the part actually paid). Once paid it stays paid: a refund is
never undone (`core.case_undo`), and closing or reopening the case afterwards does not bring the money
back; a later refund of a reopened case counts the case's amount once.

A return & refund gives the goods back, so its refund is money exchanged for goods, not a loss;
returned goods that cannot be sold again are a loss through `written_off`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.lifecycle import CaseAction, CaseStatus, find_transition
from desktop_app.core.vocabulary import CaseKind, CaseReason, ResponsibleParty

# The milestones of the steps that pay the buyer the case's money (refund or compensation).
PAID_MILESTONES = frozenset({"refunded", "compensated"})


def paying_milestone(kind: CaseKind, status: CaseStatus, action: CaseAction) -> str | None:
    """"refunded" or "compensated" when `action` taken in `status` pays the buyer the case's money; None when
    it pays nothing or is not allowed there."""
    step = find_transition(kind, status, action)
    milestone = step.milestone if step is not None else None
    return milestone if milestone in PAID_MILESTONES else None

# Kinds whose request is settled with goods (sent again, exchanged, repaired), not money: an amount recorded
# on one is not a refund the shop still owes (统计's 待退款), until it is paid after all (缺货, beyond repair).
GOODS_SETTLED_KINDS = frozenset({CaseKind.RESHIP, CaseKind.EXCHANGE, CaseKind.REPAIR})

# Kinds whose goods come back to the shop: their refund is not counted as a loss.
GOODS_RETURNED_KINDS = frozenset({CaseKind.RETURN_REFUND})

# DOMAIN.md "Who pays postage": the buyer's own reason (7-day no-reason, size, changed mind) → the
# buyer pays the return; the shop's fault (wrong, missing, damaged, quality ...) → the shop pays both
# ways. Reasons not listed leave the payer to the user.
_BUYER_REASONS = frozenset({CaseReason.NO_REASON_7D, CaseReason.SIZE_COLOUR, CaseReason.CHANGED_MIND})
_MERCHANT_REASONS = frozenset({
    CaseReason.MISSING_ITEM, CaseReason.WRONG_ITEM, CaseReason.DAMAGED, CaseReason.QUALITY,
    CaseReason.NOT_AS_DESCRIBED, CaseReason.LATE_SHIPMENT, CaseReason.FAKE_SHIPMENT, CaseReason.BROKEN_PROMISE,
})


def default_return_postage_payer(reason: CaseReason | None) -> ResponsibleParty | None:
    """Who pays the return parcel's postage by the rule 谁过错谁承担 (None: the rule does not say)."""
    if reason in _BUYER_REASONS:
        return ResponsibleParty.BUYER
    if reason in _MERCHANT_REASONS:
        return ResponsibleParty.MERCHANT
    return None


def penalty_fell_due(status: str, due_at: datetime, moment: datetime) -> bool:
    """Whether a deadline's penalty is the shop's cost at `moment`: the timer was missed (met late, or the
    case ended without it), or it is still open and ran out before `moment`. It fell due at `due_at`: the
    统计 counts it in the period holding that time."""
    return status == "missed" or (status == "open" and due_at < moment)


def counted_penalty_fen(recorded_fen: int | None, timers_fen: int) -> int:
    """The penalty in a case's net loss: the one recorded by hand if any, else its timers'."""
    return timers_fen if recorded_fen is None else recorded_fen


@dataclass(frozen=True, slots=True)
class CaseCosts:
    """The cost fields of a case, in fen (None: not recorded)."""

    postage_out_fen: int | None = None
    postage_back_fen: int | None = None
    postage_back_payer: ResponsibleParty | None = None
    written_off_fen: int | None = None
    penalty_fen: int | None = None

    @property
    def postage_paid_fen(self) -> int:
        """The postage the shop itself paid: out always; back unless someone else paid it (a return
        postage recorded without a payer was, as far as the ledger knows, paid by the shop)."""
        paid_by_shop = self.postage_back_payer in (None, ResponsibleParty.MERCHANT)
        back = (self.postage_back_fen or 0) if paid_by_shop else 0
        return (self.postage_out_fen or 0) + back


def net_loss_fen(kind: CaseKind, refund_fen: int | None, compensation_fen: int | None, costs: CaseCosts,
                 received_fen: int = 0, *, paid_out: bool, timers_penalty_fen: int = 0) -> int:
    """The case's net loss (see the module text); negative when the courier paid more than it cost.
    `paid_out`: whether the buyer was paid the refund or compensation (not yet: neither counts).
    `timers_penalty_fen`: what its timers' penalties that fell due come to (counted unless one was recorded)."""
    refund = 0 if kind in GOODS_RETURNED_KINDS or not paid_out else refund_fen or 0
    compensation = (compensation_fen or 0) if paid_out else 0
    return (refund + compensation + costs.postage_paid_fen + (costs.written_off_fen or 0)
            + counted_penalty_fen(costs.penalty_fen, timers_penalty_fen) - received_fen)

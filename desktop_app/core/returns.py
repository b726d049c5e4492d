"""The returns desk's domain: what an inspected return parcel held, and what the shop does next.

Pure rules, no Qt, no SQL. The suggestion is advice for the ledger (the app never acts on the
platform's behalf): a ledger action only when the case's state allows it now, and always the words
saying what to do on the platform and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.lifecycle import CLOSED_STATUSES, CaseAction, CaseStatus, allowed_actions
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, register_labels


class InspectionResult(LabelledEnum):
    GOOD = "good"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    MISSING = "missing"
    EMPTY = "empty"


register_labels("InspectionResult", "验货结果", {
    "good": "良品",
    "defective": "次品",
    "wrong_item": "错货",
    "missing": "少件",
    "empty": "空包",
})

# Reasons where the shop is at fault: a damaged or faulty item coming back is what was expected.
SELLER_FAULT_REASONS = frozenset({
    CaseReason.QUALITY, CaseReason.DAMAGED, CaseReason.WRONG_ITEM, CaseReason.MISSING_ITEM,
    CaseReason.NOT_AS_DESCRIBED,
})

# What a good return ends in, per kind (the ledger step after 已收到退货).
_GOOD_NEXT: dict[CaseKind, tuple[CaseAction, str]] = {
    CaseKind.RETURN_REFUND: (CaseAction.REFUND, "在平台后台同意退款，再在台账中记为已退款"),
    CaseKind.EXCHANGE: (CaseAction.SHIP_EXCHANGE, "仔细核对换货商品（款式、尺码、颜色）后发出，并登记运单号"),
    CaseKind.REPAIR: (CaseAction.START_REPAIR, "送修并在台账中记为维修中"),
}
_GOOD = "退回商品完好，可二次销售"
_EXPECTED_DEFECT = "买家因质量、破损等商家原因退货，退回的次品在预期之中（谁过错谁承担）"
_CARRY_ON = "核对无误后按售后单继续处理"
_DEFECTIVE = ("拍照留证后与买家协商部分退款（扣除折损，改小退款金额再退款）；协商不成可在平台后台以"
              "“影响二次销售”拒绝退款并上传验货照片")
_DEFECTIVE_WHY = "退回商品有使用、损坏或缺少吊牌，影响二次销售，且退货原因不是商家过错"
_WRONG = "拍下面单和实物照片，联系买家寄回正确商品；在平台后台拒绝退款时上传这些照片"
_WRONG_WHY = "退回的不是本店发出的商品"
_MISSING_REFUND = "按实际退回的商品退款（先把退款金额改为实收部分），或请买家补寄缺少的件后全额退款"
_MISSING = "请买家补寄缺少的件后再继续处理"
_MISSING_WHY = "退回件数少于应退件数"
_EMPTY = "保留开箱视频和包裹称重记录，在平台后台拒绝退款并申请平台介入；向快递核实揽收重量，必要时发起快递理赔"
_EMPTY_WHY = "退货包裹是空的"
# The parcel arrives after the money went (退货途中退款, the platform's automatic refund) or after the case
# ended: no refund to advise, nothing to refuse on the platform any more.
_REFUNDED_GOOD = "退款已在收到退货前完成，退回商品完好入库：可以结束这张售后单"
_REFUNDED_BAD = ("退款已在收到退货前完成：拍照留证后联系买家协商补偿差价；协商不成在平台后台申请客服介入，"
                 "上传验货照片")
_REFUNDED_WHY = "钱已经退给买家，不能再退款或拒绝退款"
_ENDED = "这张售后单已结束（%1）：核对包裹是否属于它；还需要处理时先“重新打开”"
_ENDED_WHY = "验货只记在售后单的时间线上，状态不变"
# Every sentence an inspection's suggestion says: the window translates them (installer/update_translations.py).
SUGGESTION_TEXTS = (*(text for _action, text in _GOOD_NEXT.values()), _GOOD, _EXPECTED_DEFECT, _CARRY_ON,
                    _DEFECTIVE, _DEFECTIVE_WHY, _WRONG, _WRONG_WHY, _MISSING_REFUND, _MISSING, _MISSING_WHY,
                    _EMPTY, _EMPTY_WHY, _REFUNDED_GOOD, _REFUNDED_BAD, _REFUNDED_WHY, _ENDED, _ENDED_WHY)


def fill(template: str, values: tuple[str, ...]) -> str:
    """"当前状态：%1" with its values in place of %1, %2 …"""
    for n, value in enumerate(values, 1):
        template = template.replace(f"%{n}", value)
    return template


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested next step: `action` is the ledger action, if one follows and is allowed now. The
    texts are Chinese templates with %1, %2 … for `values` (a timer's name, a status, a parcel): the
    window translates the template and the values apart; `text` and `reason` are them filled in."""

    action: CaseAction | None
    template: str
    reason_template: str
    values: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return fill(self.template, self.values)

    @property
    def reason(self) -> str:
        return fill(self.reason_template, self.values)


def suggest_after_inspection(kind: CaseKind, reason: CaseReason | None, status: CaseStatus,
                             result: InspectionResult) -> Suggestion:
    """What to do once the parcel is opened (status is the case's state after receipt)."""
    if status in CLOSED_STATUSES:
        return Suggestion(None, _ENDED, _ENDED_WHY, (status.label,))
    if status is CaseStatus.REFUNDED:
        if result is InspectionResult.GOOD:
            return _allowed(kind, status, Suggestion(CaseAction.COMPLETE, _REFUNDED_GOOD, _REFUNDED_WHY))
        return Suggestion(None, _REFUNDED_BAD, _REFUNDED_WHY)
    seller_fault = reason in SELLER_FAULT_REASONS
    good_next = _GOOD_NEXT.get(kind)
    if result is InspectionResult.GOOD or (result is InspectionResult.DEFECTIVE and seller_fault):
        why = _GOOD if result is InspectionResult.GOOD else _EXPECTED_DEFECT
        if good_next is None:
            return _allowed(kind, status, Suggestion(None, _CARRY_ON, why))
        return _allowed(kind, status, Suggestion(good_next[0], good_next[1], why))
    if result is InspectionResult.DEFECTIVE:
        return _allowed(kind, status, Suggestion(None, _DEFECTIVE, _DEFECTIVE_WHY))
    if result is InspectionResult.WRONG_ITEM:
        return Suggestion(None, _WRONG, _WRONG_WHY)
    if result is InspectionResult.MISSING:
        if kind is CaseKind.RETURN_REFUND:
            return _allowed(kind, status, Suggestion(CaseAction.REFUND, _MISSING_REFUND, _MISSING_WHY))
        return Suggestion(None, _MISSING, _MISSING_WHY)
    return Suggestion(None, _EMPTY, _EMPTY_WHY)


def _allowed(kind: CaseKind, status: CaseStatus, suggestion: Suggestion) -> Suggestion:
    """Keep the ledger action only if the case may take it now (e.g. not before receipt)."""
    if suggestion.action is not None and suggestion.action not in allowed_actions(kind, status):
        return Suggestion(None, suggestion.template, suggestion.reason_template, suggestion.values)
    return suggestion

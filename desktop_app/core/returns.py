"""The returns desk's domain: what an inspected return parcel held, and what the shop does next.

Pure rules, no Qt, no SQL. The suggestion is advice for the ledger (the app never acts on the
platform's behalf): a ledger action only when the case's state allows it now, and always the words
saying what to do on the platform and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions
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


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The next step after an inspection: `action` is the ledger action, if one follows and is allowed now."""

    action: CaseAction | None
    text: str
    reason: str


def suggest_after_inspection(kind: CaseKind, reason: CaseReason | None, status: CaseStatus,
                             result: InspectionResult) -> Suggestion:
    """What to do once the parcel is opened (status is the case's state after receipt)."""
    seller_fault = reason in SELLER_FAULT_REASONS
    good_next = _GOOD_NEXT.get(kind)
    if result is InspectionResult.GOOD or (result is InspectionResult.DEFECTIVE and seller_fault):
        why = ("退回商品完好，可二次销售" if result is InspectionResult.GOOD
               else "买家因质量、破损等商家原因退货，退回的次品在预期之中（谁过错谁承担）")
        if good_next is None:
            return _allowed(kind, status, Suggestion(None, "核对无误后按售后单继续处理", why))
        return _allowed(kind, status, Suggestion(good_next[0], good_next[1], why))
    if result is InspectionResult.DEFECTIVE:
        return _allowed(kind, status, Suggestion(
            None,
            "拍照留证后与买家协商部分退款（扣除折损，改小退款金额再退款）；协商不成可在平台后台以"
            "“影响二次销售”拒绝退款并上传验货照片",
            "退回商品有使用、损坏或缺少吊牌，影响二次销售，且退货原因不是商家过错",
        ))
    if result is InspectionResult.WRONG_ITEM:
        return Suggestion(
            None,
            "拍下面单和实物照片，联系买家寄回正确商品；在平台后台拒绝退款时上传这些照片",
            "退回的不是本店发出的商品",
        )
    if result is InspectionResult.MISSING:
        if kind is CaseKind.RETURN_REFUND:
            return _allowed(kind, status, Suggestion(
                CaseAction.REFUND,
                "按实际退回的商品退款（先把退款金额改为实收部分），或请买家补寄缺少的件后全额退款",
                "退回件数少于应退件数",
            ))
        return Suggestion(None, "请买家补寄缺少的件后再继续处理", "退回件数少于应退件数")
    return Suggestion(
        None,
        "保留开箱视频和包裹称重记录，在平台后台拒绝退款并申请平台介入；向快递核实揽收重量，必要时发起快递理赔",
        "退货包裹是空的",
    )


def _allowed(kind: CaseKind, status: CaseStatus, suggestion: Suggestion) -> Suggestion:
    """Keep the ledger action only if the case may take it now (e.g. not before receipt)."""
    if suggestion.action is not None and suggestion.action not in allowed_actions(kind, status):
        return Suggestion(None, suggestion.text, suggestion.reason)
    return suggestion


# --- the carrier of a parcel nobody claims ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarrierPattern:
    carrier: str
    pattern: re.Pattern[str]


def carrier_patterns(table: Mapping[str, object]) -> tuple[CarrierPattern, ...]:
    """Read `resources/carriers.toml`: [[carrier]] name = "...", patterns = ["^SF\\d{12}$", ...]."""
    entries = table.get("carrier", [])
    if not isinstance(entries, list):
        raise UserError("快递单号规则文件格式不对：应为 [[carrier]] 列表")
    found: list[CarrierPattern] = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise UserError(f"快递单号规则第 {position} 条缺少 name")
        patterns = entry.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise UserError(f"快递单号规则“{entry['name']}”的 patterns 应为文字列表")
        for text in patterns:
            try:
                found.append(CarrierPattern(entry["name"], re.compile(text)))
            except re.error as exc:
                raise UserError(f"快递单号规则“{entry['name']}”的格式“{text}”无效：{exc}") from None
    return tuple(found)


def guess_carrier(tracking_no: str, patterns: tuple[CarrierPattern, ...]) -> str | None:
    """The courier a tracking number most likely belongs to (first matching pattern), or None."""
    value = tracking_no.strip().upper()
    for candidate in patterns:
        if candidate.pattern.match(value):
            return candidate.carrier
    return None

"""What follows an inspection, and the courier guessed from a tracking number."""

from __future__ import annotations

import pytest

from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.returns import InspectionResult, carrier_patterns, guess_carrier, suggest_after_inspection
from desktop_app.core.vocabulary import CaseKind, CaseReason
from desktop_app.services.returns import guess_parcel_carrier

R = InspectionResult
RECEIVED = CaseStatus.RETURN_RECEIVED


@pytest.mark.parametrize(("kind", "reason", "result", "action"), [
    (CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D, R.GOOD, CaseAction.REFUND),
    (CaseKind.EXCHANGE, CaseReason.SIZE_COLOUR, R.GOOD, CaseAction.SHIP_EXCHANGE),
    (CaseKind.REPAIR, CaseReason.QUALITY, R.DEFECTIVE, CaseAction.START_REPAIR),
    (CaseKind.RETURN_REFUND, CaseReason.QUALITY, R.DEFECTIVE, CaseAction.REFUND),
    (CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D, R.DEFECTIVE, None),
    (CaseKind.RETURN_REFUND, None, R.DEFECTIVE, None),
    (CaseKind.RETURN_REFUND, CaseReason.QUALITY, R.WRONG_ITEM, None),
    (CaseKind.RETURN_REFUND, CaseReason.QUALITY, R.MISSING, CaseAction.REFUND),
    (CaseKind.EXCHANGE, CaseReason.SIZE_COLOUR, R.MISSING, None),
    (CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D, R.EMPTY, None),
])
def test_next_step_after_inspection(kind: CaseKind, reason: CaseReason | None, result: InspectionResult,
                                    action: CaseAction | None) -> None:
    suggestion = suggest_after_inspection(kind, reason, RECEIVED, result)
    assert suggestion.action is action
    assert suggestion.text and suggestion.reason


def test_no_ledger_action_the_state_does_not_allow() -> None:
    # Not received (the case was still pending): refunding a return is not possible yet; the advice stays.
    suggestion = suggest_after_inspection(CaseKind.RETURN_REFUND, None, CaseStatus.PENDING, R.GOOD)
    assert suggestion.action is None and "退款" in suggestion.text
    assert "平台介入" in suggest_after_inspection(CaseKind.RETURN_REFUND, None, RECEIVED, R.EMPTY).text


def test_results_parse_from_ids_and_chinese() -> None:
    assert R.parse("空包") is R.EMPTY and R.parse("wrong_item") is R.WRONG_ITEM
    with pytest.raises(UserError, match="验货结果"):
        R.parse("坏了")


@pytest.mark.parametrize(("number", "carrier"), [
    ("SF1400123456789", "顺丰速运"), ("sf1400123456789", "顺丰速运"), ("JT0001234567890", "极兔速递"),
    ("75123456789012", "中通快递"), ("YT7500000000001", "圆通速递"), ("JDVA12345678901", "京东快递"),
    ("EA123456789CN", "中国邮政 EMS"), ("4312345678901", "韵达快递"), ("12345", None), ("ABC123456", None),
])
def test_the_shipped_table_guesses_the_courier(number: str, carrier: str | None) -> None:
    assert guess_parcel_carrier(number) == carrier


def test_a_broken_carrier_table_is_a_clear_error() -> None:
    with pytest.raises(UserError, match="name"):
        carrier_patterns({"carrier": [{"patterns": ["^X"]}]})
    with pytest.raises(UserError, match="无效"):
        carrier_patterns({"carrier": [{"name": "坏", "patterns": ["^(X"]}]})
    assert guess_carrier("X1", carrier_patterns({"carrier": [{"name": "甲", "patterns": ["^X"]}]})) == "甲"

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.money import format_yuan, parse_yuan, yuan_to_fen
from desktop_app.core.vocabulary import REASONS_BY_KIND, CaseKind, CaseReason, Platform, ResponsibleParty


@pytest.mark.parametrize(("text", "expected"), [
    ("taobao", Platform.TAOBAO), ("淘宝", Platform.TAOBAO), ("TMALL", Platform.TMALL), ("拼多多", Platform.PDD),
    ("抖店", Platform.DOUYIN), ("抖音", Platform.DOUYIN), ("jd", Platform.JD), ("其他", Platform.OTHER),
])
def test_platforms_by_id_or_chinese_name(text: str, expected: Platform) -> None:
    assert Platform.parse(text) is expected


def test_stable_ids_of_the_cli_contract() -> None:
    assert [k.value for k in CaseKind] == ["refund_only", "return_refund", "exchange", "reship", "partial_refund",
                                           "repair", "bad_review", "dispute"]
    for reason in ("missing_item", "wrong_item", "damaged", "lost", "signed_not_received", "out_of_area",
                   "quality", "no_reason_7d", "stalled", "other"):
        assert CaseReason.parse(reason).value == reason
    assert CaseKind.parse("部分退款/补偿") is CaseKind.PARTIAL_REFUND
    assert ResponsibleParty.parse("供应商/档口") is ResponsibleParty.SUPPLIER


def test_unknown_value_lists_the_choices() -> None:
    with pytest.raises(UserError, match=r"售后类型.*reship（补发）"):
        CaseKind.parse("退钱")


def test_every_kind_offers_reasons_ending_with_other() -> None:
    for kind in CaseKind:
        assert REASONS_BY_KIND[kind][-1] is CaseReason.OTHER


@pytest.mark.parametrize(("text", "fen"), [("12.5", 1250), ("￥0.00元", 0), ("1,234.56", 123456), ("7", 700)])
def test_money_parses_to_fen(text: str, fen: int) -> None:
    assert yuan_to_fen(parse_yuan(text)) == fen


@pytest.mark.parametrize("text", ["abc", "-1", "1.234", "NaN", ""])
def test_bad_money_is_refused(text: str) -> None:
    with pytest.raises(UserError):
        parse_yuan(text)


def test_money_never_goes_through_float() -> None:
    assert parse_yuan("0.1") + parse_yuan("0.2") == Decimal("0.30")
    assert format_yuan(123456789) == "1,234,567.89"


def test_times_are_china_time_and_date_only_is_marked() -> None:
    m = parse_moment("2026-11-10 08:30")
    assert m.at.tzinfo is CHINA and m.at.hour == 8 and not m.date_only
    d = parse_moment("2026-11-10")
    assert d.date_only and d.at.hour == 0
    assert parse_moment("2026-11-10 08:30:15").at.second == 15
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_moment("10/11/2026")
    with pytest.raises(UserError):
        parse_moment("2026-02-30")

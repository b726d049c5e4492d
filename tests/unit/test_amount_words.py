"""Amounts in 大写 as 《支付结算办法》 annex 1 writes them, and a round trip over many amounts."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from desktop_app.core.amount_words import LIMIT, AmountNotWritable, amount_in_words, fen_in_words
from desktop_app.core.errors import UserError

DIGIT_VALUES = {ch: n for n, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}


@pytest.mark.parametrize(("amount", "words"), [
    # the task's examples
    ("123.45", "壹佰贰拾叁元肆角伍分"),
    ("10", "壹拾元整"),
    ("0.05", "伍分"),
    ("100.10", "壹佰元零壹角"),
    ("1000000.00", "壹佰万元整"),
    ("1005", "壹仟零伍元整"),
    ("100000.05", "壹拾万元零伍分"),
    ("0", "零元整"),
    ("0.00", "零元整"),
    # the annex's own examples (first form where it allows two)
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
])
def test_documented_amounts(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(("amount", "words"), [
    # 拾 always carries its digit (anti-tampering), at the start and inside
    ("11", "壹拾壹元整"),
    ("110", "壹佰壹拾元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("100000", "壹拾万元整"),
    ("1000000000", "壹拾亿元整"),
    # one 零 for a run of zeros inside a section
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1100", "壹仟壹佰元整"),
    ("2020.20", "贰仟零贰拾元零贰角"),
    # a section starting with zeros is joined with 零; one ending with zeros is not
    ("100500", "壹拾万零伍佰元整"),
    ("10001", "壹万零壹元整"),
    ("10100", "壹万零壹佰元整"),
    ("11001000", "壹仟壹佰万壹仟元整"),
    ("20000000", "贰仟万元整"),
    # a whole zero section in between is one 零
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("200001000", "贰亿零壹仟元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("100000000", "壹亿元整"),
    # fractions
    ("0.5", "伍角"),
    ("0.50", "伍角"),
    ("0.56", "伍角陆分"),
    ("0.01", "壹分"),
    ("1.01", "壹元零壹分"),
    ("1.10", "壹元壹角"),
    ("10.01", "壹拾元零壹分"),
    ("20.30", "贰拾元零叁角"),
    ("999.99", "玖佰玖拾玖元玖角玖分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
])
def test_zero_and_ten_rules(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_whole_yuan_as_int_and_fen() -> None:
    assert amount_in_words(10) == "壹拾元整"
    assert fen_in_words(12345) == "壹佰贰拾叁元肆角伍分"
    assert fen_in_words(5) == "伍分"
    assert fen_in_words(0) == "零元整"


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("-5"), -1])
def test_negative_amounts_are_refused(amount: Decimal | int) -> None:
    with pytest.raises(AmountNotWritable, match="负数"):
        amount_in_words(amount)


@pytest.mark.parametrize("amount", ["0.001", "12.345", "1.0000001"])
def test_fractions_of_a_fen_are_refused(amount: str) -> None:
    with pytest.raises(AmountNotWritable, match="两位小数"):
        amount_in_words(Decimal(amount))


def test_trailing_zeros_beyond_the_fen_are_fine() -> None:
    assert amount_in_words(Decimal("12.5000")) == "壹拾贰元伍角"


@pytest.mark.parametrize("amount", [LIMIT, Decimal("1e12"), Decimal("1234567890123")])
def test_a_trillion_and_more_is_refused(amount: Decimal) -> None:
    with pytest.raises(AmountNotWritable, match="太大"):
        amount_in_words(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity")])
def test_non_numbers_are_refused(amount: Decimal) -> None:
    with pytest.raises(UserError):
        amount_in_words(amount)


@pytest.mark.parametrize("amount", [1.5, "12", True, None])
def test_floats_and_strings_are_a_bug(amount: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fen_in_words(amount)  # type: ignore[arg-type]


def test_the_error_is_a_user_error_in_chinese() -> None:
    with pytest.raises(UserError) as caught:
        amount_in_words(Decimal("-1"))
    assert "大写" in caught.value.message


# --- the round trip: reading the words back gives the amount ------------------------------------


def read_back(words: str) -> int:
    """大写 → fen, the way a bank clerk reads it."""
    assert words
    if words == "零元整":
        return 0
    integer_part, _, fraction = words.partition("元") if "元" in words else ("", "", words)
    total = section = digit = 0
    for ch in integer_part:
        if ch in DIGIT_VALUES:
            digit = DIGIT_VALUES[ch]
        elif ch in "拾佰仟":
            assert digit, f"{ch} without its digit in {words}"
            section += digit * {"拾": 10, "佰": 100, "仟": 1000}[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {words}")
    yuan = total + section + digit
    fen = 0
    digit = 0
    for ch in fraction:
        if ch in DIGIT_VALUES:
            digit = DIGIT_VALUES[ch]
        elif ch == "角":
            fen += digit * 10
            digit = 0
        elif ch == "分":
            fen += digit
            digit = 0
        else:
            assert ch == "整", f"unexpected {ch!r} in {words}"
    return yuan * 100 + fen


def check_form(words: str, fen: int) -> None:
    if fen == 0:
        assert words == "零元整"
        return
    assert "零零" not in words, words
    assert not words.endswith("零"), words
    assert not words.startswith("零"), words
    for unit in "拾佰仟万亿元角分":
        assert f"零{unit}" not in words, words
    assert words.endswith("整") == (fen % 100 == 0), words
    assert not words.endswith("角整"), words
    yuan, cents = divmod(fen, 100)
    # 零 after 元 exactly when the 元 digit or the 角 is zero and there is something after 元
    assert words.count("元零") == (1 if yuan and cents and (yuan % 10 == 0 or cents < 10) else 0), words
    if yuan == 0 and cents:
        assert "元" not in words, words


@pytest.mark.parametrize("seed", range(4))
def test_random_amounts_read_back(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(5000):
        digits = rng.randint(1, 14)
        fen = rng.randrange(10 ** (digits - 1), 10 ** digits)
        # zeros are where the rules live: blank out some digits
        text = "".join(ch if rng.random() > 0.45 else "0" for ch in str(fen))
        fen = int(text)
        words = fen_in_words(fen)
        assert read_back(words) == fen, (fen, words)
        check_form(words, fen)


def test_every_amount_below_ten_thousand_fen_reads_back() -> None:
    for fen in range(0, 10_001):
        words = fen_in_words(fen)
        assert read_back(words) == fen, (fen, words)
        check_form(words, fen)

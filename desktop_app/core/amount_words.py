"""Amounts in Chinese capital numerals (大写金额), as written on cheques and vouchers.

The rules are those of 《支付结算办法》 annex 1, 《正确填写票据和结算凭证的基本规定》; where the annex
allows two forms we write the first one it gives:

- 拾 always carries its digit: 10 → 壹拾元整, 110 → 壹佰壹拾元整, 100,010 → 壹拾万零壹拾元整. Banks
  want the leading 壹 because a bare 拾元 can be turned into 伍拾元 by adding one character; the
  annex writes 壹拾万柒仟元 in its own examples.
- A zero (or a run of zeros) between non-zero digits is one 零: 1,409.50 → 壹仟肆佰零玖元伍角;
  6,007.14 → 陆仟零柒元壹角肆分.
- Zeros at the end of a 4-digit section are not read; a section that starts with a zero, or follows
  a section of zeros, is joined with one 零, as Chinese reads numbers: 107,000 → 壹拾万柒仟元,
  100,500 → 壹拾万零伍佰元, 200,001,000 → 贰亿零壹仟元.
- 元位 is zero but 角 is not: 元 is followed by 零 (1,680.32 → 壹仟陆佰捌拾元零叁角贰分;
  100.10 → 壹佰元零壹角). 角 is zero but 分 is not: 零 after 元 (325.04 → 叁佰贰拾伍元零肆分).
- 整 only after 元 (10 → 壹拾元整); not after 角 (0.50 → 伍角), never after 分.
- Amounts under one yuan start at their first non-zero unit (0.05 → 伍分); zero is 零元整.

The text has no 人民币 prefix: the document puts it in its label (人民币（大写）).
"""

from __future__ import annotations

from decimal import Decimal

from desktop_app.core.errors import UserError

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_SECTION = ("", "拾", "佰", "仟")  # units inside a 4-digit section, lowest first
_SECTIONS = ("", "万", "亿")  # section units, lowest first
LIMIT = Decimal(10) ** 12  # 亿 is the largest section unit: 9999亿 … is the most it can say
_CENT = Decimal("0.01")


class AmountNotWritable(UserError):
    """The amount cannot be written in 大写 (negative, fractions of a fen, too large)."""


def _section(value: int) -> str:
    """0 < value < 10,000 in words, without leading 零 (the caller adds the joining 零)."""
    digits = f"{value:04d}"
    out: list[str] = []
    pending_zero = False
    for position, char in enumerate(digits):
        digit = int(char)
        if digit == 0:
            pending_zero = bool(out)  # a zero only counts once something was written before it
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + _IN_SECTION[3 - position])
    return "".join(out)


def _integer_words(value: int) -> str:
    """0 < value < 10**12 in words, without 元."""
    sections = []
    rest = value
    while rest:
        rest, section = divmod(rest, 10_000)
        sections.append(section)
    out: list[str] = []
    zero_between = False  # a zero section, or a section's leading zeros, since the last words
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero_between = bool(out)
            continue
        if out and (zero_between or section < 1000):
            out.append("零")
        out.append(_section(section) + _SECTIONS[index])
        zero_between = False
    return "".join(out)


def _checked(amount: Decimal | int) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        # floats carry binary fractions: money must arrive as Decimal (core/money.py)
        raise TypeError(f"amount must be Decimal or int, not {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise AmountNotWritable(f"金额“{amount}”不是有效的数字")
    if value < 0:
        raise AmountNotWritable(f"负数金额不能写成大写：{amount}")
    if value != value.quantize(_CENT):
        raise AmountNotWritable(f"金额“{amount}”超过两位小数，大写只能写到分")
    if value >= LIMIT:
        raise AmountNotWritable(f"金额“{amount}”太大：大写金额最多写到仟亿位（小于一万亿元）")
    return value.quantize(_CENT)


def amount_in_words(amount: Decimal | int) -> str:
    """Yuan as a Decimal (or whole yuan as int) → 大写, e.g. Decimal('123.45') → 壹佰贰拾叁元肆角伍分."""
    value = _checked(amount)
    fen_total = int(value * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = _integer_words(yuan) + "元" if yuan else ""
    if cents == 0:
        return out + "整"
    if yuan and (jiao == 0 or yuan % 10 == 0):
        out += "零"
    if jiao:
        out += DIGITS[jiao] + "角"
    if fen:
        out += DIGITS[fen] + "分"
    return out


def fen_in_words(fen: int) -> str:
    """Integer fen (the store's unit) → 大写."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be int, not {type(fen).__name__}")
    return amount_in_words(Decimal(fen) / 100)

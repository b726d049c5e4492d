"""Money in yuan as Decimal, stored as integer fen (分). Never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError

FEN = Decimal("0.01")
# No after-sales amount of a small shop comes near: a larger one is a typo (or a pasted order number).
MAX_YUAN = Decimal("99999999.99")
_STRIP = str.maketrans("", "", " ,，￥¥元\t")
# Full-width forms (a Chinese input method in 全角 mode: １２．５０) as the ASCII they show; only these, not
# NFKC's ² → 2 or ½ → 1/2, which would change what an amount says.
HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# A comma in an amount groups thousands (1,234.50). Taken out anywhere else it changed the amount: a European
# Excel's decimal comma "1.000,00" read as 1.00 yuan, "1,5" as 15.
_GROUPED = re.compile(r"^[^\d,，.]*\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?[^\d,，.]*$")


def commas_misplaced(text: str) -> bool:
    """Whether the amount's text has a comma that is not a thousands separator."""
    return ("," in text or "，" in text) and _GROUPED.match(text.strip()) is None


def parse_yuan(text: str | int | Decimal, what: str = "金额") -> Decimal:
    """Parse '12.5', '￥12.50元', '1,234.00', '１２．５０' into Decimal yuan with two places.

    Refuses negatives, more than two decimals, exponents ('1e3'), more than 99,999,999.99 and
    anything that is not a number.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        half = text.translate(HALF_WIDTH)
        cleaned = half.translate(_STRIP)
        if not _PLAIN_NUMBER.match(cleaned) or commas_misplaced(half):
            raise UserError(msg.say(msg.NOT_AN_AMOUNT, what, text))
        value = Decimal(cleaned)
    if not value.is_finite():
        raise UserError(msg.say(msg.NOT_AN_AMOUNT, what, str(text)))
    if value < 0:
        raise UserError(msg.say(msg.NEGATIVE, what, str(text)))
    if value > MAX_YUAN:
        raise UserError(msg.say(msg.AMOUNT_OVER, what, str(text), f"{MAX_YUAN:,}"))
    if value != value.quantize(FEN, rounding=ROUND_HALF_UP):
        raise UserError(msg.say(msg.PAST_CENTS, what, str(text)))
    return abs(value.quantize(FEN))  # "-0" is 0.00, never printed as -0.00


def yuan_to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(fen: int | None) -> str:
    """'1,234.50' for display; '' for unknown."""
    if fen is None:
        return ""
    return f"{fen_to_yuan(fen):,.2f}"

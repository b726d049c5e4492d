"""Money in yuan as Decimal, stored as integer fen (分). Never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop_app.core.errors import UserError

FEN = Decimal("0.01")
_STRIP = str.maketrans("", "", " ,，￥¥元\t")


def parse_yuan(text: str | int | Decimal, what: str = "金额") -> Decimal:
    """Parse '12.5', '￥12.50元', '1,234.00' into Decimal yuan with two places.

    Refuses negatives, more than two decimals and anything that is not a number.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = text.translate(_STRIP)
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise UserError(f"{what}“{text}”不是有效的金额（例如 12.50）") from None
    if not value.is_finite():
        raise UserError(f"{what}“{text}”不是有效的金额（例如 12.50）")
    if value < 0:
        raise UserError(f"{what}不能为负数：{text}")
    if value != value.quantize(FEN, rounding=ROUND_HALF_UP):
        raise UserError(f"{what}“{text}”最多只能有两位小数（精确到分）")
    return value.quantize(FEN)


def yuan_to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def format_yuan(fen: int | None) -> str:
    """'1,234.50' for display; '' for unknown."""
    if fen is None:
        return ""
    return f"{fen_to_yuan(fen):,.2f}"

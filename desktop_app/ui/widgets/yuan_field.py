"""An amount typed in yuan (元) in a text field, read as fen (分)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from desktop_app.core.money import parse_yuan, yuan_to_fen


def fen_or_none(field: QLineEdit, what: str) -> int | None:
    """The field's amount in fen; None when it is empty; UserError naming `what` when it is not money."""
    text = field.text().strip()
    return yuan_to_fen(parse_yuan(text, what)) if text else None

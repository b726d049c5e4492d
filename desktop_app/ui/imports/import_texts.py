"""An import's reasons and warnings in the window's language (the import summary, the column mapping
dialog's preview): the services write them from core/messages.py and the older catalogs beside it."""

from __future__ import annotations

from desktop_app.core import cell_messages as cells
from desktop_app.core import import_refusals as refusals
from desktop_app.core import messages
from desktop_app.core import refund_list_platform as family
from desktop_app.core.event_notes import Message
from desktop_app.ui import labels

WARNING_TEMPLATES = (*family.TEMPLATES, *cells.ROW_WARNINGS, *messages.TEMPLATES)
REFUSAL_TEMPLATES = (*refusals.TEMPLATES, *messages.TEMPLATES)


def row_error_text(column: str | None, message: str) -> str:
    """A rejected row's reason in the window's language: a `Message` (core/messages.py), or the column's
    name (the platform's, shown in its own column) and a sentence of core.cell_messages with the value
    quoted as it is."""
    if isinstance(message, Message):
        return labels.message(message)
    said = message[len(column):] if column and message.startswith(column) else message
    shown = labels.note(said, (*cells.TEMPLATES, *messages.TEMPLATES))
    return shown if shown != said else labels.message(message)

"""Chinese labels of the core vocabulary, through Qt's translator (context "Vocabulary").

The core holds the Chinese names; the English `.ts` file carries their translations, which the
translation script collects from the core so none is forgotten.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop_app.core import messages
from desktop_app.core.clock import CHINA
from desktop_app.core.errors import UserError
from desktop_app.core.event_notes import LIST_SEPARATOR, Message, NoteTemplate, Value, parse_note, put
from desktop_app.core.event_notes import TEMPLATES as NOTE_TEMPLATES
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.returns import fill
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty

CONTEXT = "Vocabulary"


def label(member: LabelledEnum) -> str:
    return QCoreApplication.translate(CONTEXT, member.label)


def text(chinese: str) -> str:
    """Translate a Chinese core text (milestone name, timer name) if the translator knows it.

    A deadline's name is its timer's name with what the engine added after it ("（时长为估计）",
    "（按平台自动同意起算）", a campaign's or a date window's figure): the longest known name at the
    front is translated, then each known addition; an unknown one stays as it is."""
    translated = QCoreApplication.translate(CONTEXT, chinese)
    if translated != chinese or "（" not in chinese:
        return translated
    cut = chinese.rfind("（")
    while cut > 0:
        base = chinese[:cut]
        known = QCoreApplication.translate(CONTEXT, base)
        if known != base:
            return known + "".join(QCoreApplication.translate(CONTEXT, piece) for piece in _pieces(chinese[cut:]))
        cut = chinese.rfind("（", 0, cut)
    return translated


def filled(template: str, values: tuple[str, ...]) -> str:
    """A core sentence with %1, %2 … (a suggestion: "当前状态：%1"): the template translated, then each
    value (a timer's name, a status; a carrier and number stay as they are)."""
    return fill(text(template), tuple(text(value) for value in values))


def note(stored: str | None, templates: tuple[NoteTemplate, ...] = NOTE_TEMPLATES) -> str:
    """A history note (or a message written from `templates`) in the window's language: one the ledger
    wrote from a template (core.event_notes) is translated with its own words (an incident, a playbook
    step, the formats it can read); a file name, a buyer's words, a platform's status word or column
    name stay as they are, and so does a note typed by hand."""
    if not stored:
        return ""
    found = parse_note(stored, templates)
    if found is None:
        return text(stored)
    return _shown(*found)


def message(said: UserError | str, templates: tuple[NoteTemplate, ...] = messages.TEMPLATES) -> str:
    """A message of the services in the window's language: a `Message` (core/messages.py) with its
    values, one that came as plain text read back from the `templates` it was written from, a fixed one
    translated; a file name, a number, what the user typed or the file holds stays as it is."""
    if isinstance(said, UserError):
        said = said.message
    if isinstance(said, Message):
        return _shown(said.template, said.values)
    known = text(said)  # a word or a fixed message: no need to try every template on it
    return known if known != said else note(said, templates)


def _shown(template: NoteTemplate, values: tuple[Value, ...]) -> str:
    def shown(n: int, value: Value) -> str:
        if isinstance(value, Message):
            return _shown(value.template, value.values)
        if isinstance(value, tuple):
            return text(LIST_SEPARATOR).join(_shown(v.template, v.values) for v in value)
        if n in template.word_lists:
            return text(LIST_SEPARATOR).join(text(word) for word in value.split(LIST_SEPARATOR))
        return message(value) if n in template.own_words else value  # a word, or a message as text

    return put(text(template.template), tuple(shown(n, v) for n, v in enumerate(values, 1)))


def _pieces(additions: str) -> list[str]:
    """"（a）（b：c）" → ["（a）", "（b：c）"] (an addition may hold brackets of its own)."""
    pieces: list[str] = []
    depth = start = 0
    for index, char in enumerate(additions):
        if char == "（":
            depth += 1
        elif char == "）":
            depth -= 1
            if depth == 0:
                pieces.append(additions[start:index + 1])
                start = index + 1
    if start < len(additions):
        pieces.append(additions[start:])
    return pieces


def label_of(enum: type[LabelledEnum], value: str | None) -> str:
    if not value:
        return ""
    try:
        return label(enum(value))
    except ValueError:  # a value written by a newer version: show it rather than fail
        return value


def platform(value: str | None) -> str:
    return label_of(Platform, value)


def kind(value: str | None) -> str:
    return label_of(CaseKind, value)


def reason(value: str | None) -> str:
    return label_of(CaseReason, value)


def status(value: str | None) -> str:
    return label_of(CaseStatus, value)


def responsible(value: str | None) -> str:
    return label_of(ResponsibleParty, value)


def action(value: CaseAction) -> str:
    return label(value)


def when(value: datetime | None, seconds: bool = False) -> str:
    """Local display of a stored time (China time: the shop and the platforms live there)."""
    if value is None:
        return ""
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")

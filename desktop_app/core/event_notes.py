"""The notes the ledger itself writes into a case's or a claim's history, as templates.

A history note is stored as Chinese text (the command line prints it as it is). The services write
the notes below through `note()`; the window reads a stored note back with `parse_note()` and shows it
in its own language: the template translated, and the values that are the ledger's own words (an
incident, a playbook's title and step) too, while a file name, a buyer's words or a platform's own
status word quoted from its export stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class NoteTemplate:
    template: str  # Chinese with %1, %2 …
    own_words: frozenset[int] = frozenset()  # the values (1-based) that are the ledger's own words
    word_lists: frozenset[int] = frozenset()  # values that are lists of its own words joined by "、"

    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.template)


IMPORTED = NoteTemplate("从 %1 导入")  # a file name
IMPORTED_SAYING = NoteTemplate("从 %1 导入：%2")  # … and the buyer's description of the problem
PLATFORM_EXPORT = NoteTemplate("平台导出")
PLATFORM_EXPORT_SAYING = NoteTemplate("平台导出：%1")  # the platform's status word, quoted
CLAIM_OPENED = NoteTemplate("%1，申请 %2 元", frozenset({1}))  # incident, amount
CLAIM_OPENED_SAYING = NoteTemplate("%1，申请 %2 元：%3", frozenset({1}))  # … and the shop's description
STEP_DONE = NoteTemplate("已完成（%1）：%2", frozenset({1, 2}))  # playbook title, step text
STEP_UNDONE = NoteTemplate("取消勾选（%1）：%2", frozenset({1, 2}))
EVIDENCE_ADDED = NoteTemplate("添加证据：%1")  # file names
EVIDENCE_REMOVED = NoteTemplate("删除证据：%1")

CASE_LINKED = NoteTemplate("关联售后单 #%1")
CASE_UNLINKED = NoteTemplate("取消关联售后单 #%1")
PAYS_FOR_RESHIP = NoteTemplate("理赔款用于补发 #%1（售后单 #%2）")
RESHIP_UNLINKED = NoteTemplate("取消关联补发")
EVIDENCE_FROM_CASE = NoteTemplate("从售后单 #%1 带入证据：%2")  # file names
UNDONE = NoteTemplate("撤销“%1”", frozenset({1}))  # the step's label
UNDONE_SAYING = NoteTemplate("撤销“%1”：%2", frozenset({1}))  # … and the note it had

LIST_SEPARATOR = "、"  # between the words of a `word_lists` value

TEMPLATES = (IMPORTED_SAYING, IMPORTED, PLATFORM_EXPORT_SAYING, PLATFORM_EXPORT, CLAIM_OPENED_SAYING,
             CLAIM_OPENED, STEP_DONE, STEP_UNDONE, EVIDENCE_ADDED, EVIDENCE_REMOVED, CASE_LINKED, CASE_UNLINKED,
             PAYS_FOR_RESHIP, RESHIP_UNLINKED, EVIDENCE_FROM_CASE, UNDONE_SAYING, UNDONE)


def note(template: NoteTemplate, *values: str) -> str:
    return put(template.template, values)


class Message(str):
    """A message written from a template with its values (a value may be a message itself, or a tuple of
    them: listed, joined by LIST_SEPARATOR). It *is* the Chinese sentence — the command line prints it,
    and it passes wherever a text does — and keeps what it was written from, for the window to show it
    in its own language (ui/labels.message). Text made from it (`+`, `.strip()`) is plain text again."""

    template: NoteTemplate
    values: tuple[Value, ...]

    def __new__(cls, template: NoteTemplate, values: tuple[Value, ...] = ()) -> Message:
        made = super().__new__(cls, put(template.template, tuple(
            LIST_SEPARATOR.join(value) if isinstance(value, tuple) else value for value in values)))
        made.template = template
        made.values = values
        return made

    def __getnewargs__(self) -> tuple[NoteTemplate, tuple[Value, ...]]:  # type: ignore[override]
        return self.template, self.values  # pickled whole: a second process's result keeps its template


Value = str | tuple[Message, ...]  # a str may be a Message


def say(template: NoteTemplate, *values: Value | int) -> Message:
    return Message(template, tuple(str(value) if isinstance(value, int) else value for value in values))


def put(template: str, values: tuple[str, ...]) -> str:
    """%1, %2 … replaced in one pass (a value holding "%2" — a buyer's words — stays as it is)."""
    return re.sub(r"%([1-9])", lambda m: values[int(m.group(1)) - 1] if int(m.group(1)) <= len(values)
                  else m.group(0), template)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(%[1-9])", template)
    return re.compile("".join("(.*)" if re.fullmatch(r"%[1-9]", p) else re.escape(p) for p in parts), re.DOTALL)


def parse_note(text: str, templates: tuple[NoteTemplate, ...] = TEMPLATES) -> (
        tuple[NoteTemplate, tuple[str, ...]] | None):
    """The template a stored note (or a message, given its templates) was written from and its values,
    or None (a note typed by hand)."""
    for template in templates:
        found = template.pattern().fullmatch(text)
        if found is not None:
            return template, found.groups()
    return None

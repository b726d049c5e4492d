"""Chinese labels of the core vocabulary, through Qt's translator (context "Vocabulary").

The core holds the Chinese names; the English `.ts` file carries their translations, which the
translation script collects from the core so none is forgotten.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop_app.core.clock import CHINA
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty

CONTEXT = "Vocabulary"


def label(member: LabelledEnum) -> str:
    return QCoreApplication.translate(CONTEXT, member.label)


def text(chinese: str) -> str:
    """Translate a Chinese core text (milestone name, timer name) if the translator knows it."""
    return QCoreApplication.translate(CONTEXT, chinese)


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

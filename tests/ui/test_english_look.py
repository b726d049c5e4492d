"""How the English window looks (session 28's walk through it at 1366×768): quotes, lists whose names were
cut, money written one way."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.translations import ts_file

# “ ” ‘ ’ are drawn full-width by the CJK font the interface uses ("marked “estimated”" read as two words
# wide apart); 「」 are Chinese corner quotes.
WIDE_QUOTES = re.compile("[“”‘’「」]")


def test_no_english_text_uses_curly_or_corner_quotes() -> None:
    found = []
    for message in ET.parse(ts_file("en")).getroot().iter("message"):
        translation = message.find("translation")
        texts = [translation.text or ""] if translation is not None else []
        if translation is not None:
            texts += [form.text or "" for form in translation.iter("numerusform")]
        found += [text for text in texts if WIDE_QUOTES.search(text)]
    assert not found, found[:5]


def test_an_action_is_quoted_straight_in_english(qtbot: QtBot, english: QTranslator) -> None:
    dialog = ActionDialog(CaseAction.REFUND, "#100", None, paying="refunded", recorded_fen=14200, paid_before_fen=0)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert 'Apply "Refund" to #100' in texts, texts
    assert not [text for text in texts if WIDE_QUOTES.search(text)], texts

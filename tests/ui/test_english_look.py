"""How the English window looks (session 28's walk through it at 1366×768): quotes, lists whose names were
cut, money written one way."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTranslator
from PySide6.QtWidgets import QLabel, QStyle
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.translations import ts_file
from tests.ui.conftest import close_window, open_laptop_window
from tests.ui.test_calendar_tab import Ledger
from tests.ui.test_rules_dialog import ledger as ledger  # the fixture
from tests.ui.test_rules_dialog import make_dialog

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


def test_the_rule_packs_and_their_timers_are_named_whole_in_english(qtbot: QtBot, english: QTranslator,
                                                                     ledger: Ledger) -> None:
    """At the size 时效规则 opens at on a laptop, "Generic (other platforms)" was cut over a sideways scroll
    bar and "Handle after-sales request (after 72 h the buyer may ask the platform to step in)" at 300 px:
    it takes two lines now, the form beside keeps its room."""
    dialog = make_dialog(qtbot, ledger)
    dialog.resize(1280, 680)
    dialog.show()
    qtbot.waitExposed(dialog)
    packs, timers = dialog.pack_list, dialog.form.timer_list
    assert packs.sizeHintForColumn(0) <= packs.viewport().width()
    assert not packs.horizontalScrollBar().isVisible()
    for row in range(packs.count()):
        packs.setCurrentRow(row)
        qtbot.waitUntil(lambda: timers.count() > 0, timeout=5000)
        qtbot.wait(10)  # the list lays its items out
        for n in range(timers.count()):
            item = timers.item(n)
            rect = timers.visualItemRect(item)
            text = timers.fontMetrics().boundingRect(
                QRect(0, 0, rect.width() - 8, 10000), Qt.TextFlag.TextWordWrap, item.text())
            assert text.height() <= rect.height() and rect.right() <= timers.viewport().width(), item.text()
    assert dialog.minimumSizeHint().width() <= 1280


def test_the_reship_queues_filter_shows_its_hint_whole(qtbot: QtBot, english: QTranslator, tmp_path: Path) -> None:
    """The commands beside it took its room at 1366 px: "Filter: order no. ···"."""
    win = open_laptop_window(qtbot, tmp_path / "ledger.sqlite3")
    try:
        win.build_all_tabs()
        qtbot.waitUntil(lambda: win.reship_tab is not None, timeout=10000)
        win.tabs.setCurrentWidget(win.reship_tab)
        search = win.reship_tab.search
        qtbot.waitUntil(search.isVisible, timeout=10000)
        hint = search.placeholderText()
        assert hint.startswith("Filter: order no."), hint
        needed = search.fontMetrics().horizontalAdvance(hint)
        clear = search.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        assert search.width() >= needed + clear, (search.width(), needed)
        assert win.reship_tab.minimumSizeHint().width() <= 1300
    finally:
        close_window(win)

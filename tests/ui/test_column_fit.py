"""The lists' columns show their labels, dates and amounts whole in the language shown: widths tuned in
pixels for the Chinese cut the English at 1366 px ("Awaiting b…", "Douyin Sh…", "Return …")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTreeWidget, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident, ClaimStatus
from desktop_app.core.clock import CHINA
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.money import format_yuan
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform
from desktop_app.ui import labels
from desktop_app.ui.reships.reship_table_model import status_text
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import close_window, open_laptop_window

# A label wider than its table's limit is cut (its tooltip says it whole): column_fit.WIDEST_LABEL, and
# as wide as six characters where the first run's window must show the columns after them (cases_tab,
# claims_tab).
LIMITS = {"case_table": "等待买家退货", "claim_table": "已升级到总部"}
WIDEST_LABEL = 150


def _all(enum: type[LabelledEnum]) -> list[str]:
    return [labels.label(member) for member in enum]


@pytest.fixture(params=["zh_CN", "en"])
def window(request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    if request.param == "en":
        request.getfixturevalue("english")
    win = open_laptop_window(qtbot, tmp_path / "ledger.sqlite3")
    for index in range(win.tabs.count()):  # every tab built and shown once
        win.tabs.setCurrentIndex(index)
        qtbot.wait(50)
    yield win
    close_window(win)


def _needed(view: QWidget, text: str) -> int:
    """What a cell needs to paint the text unelided: its advance, 2 × (focus frame margin + 1) = 6 px, and the
    grid line's pixel (with the rounding of the advance, Qt elided a number at exactly its size hint)."""
    return view.fontMetrics().horizontalAdvance(text) + 8


def _cut(view: QAbstractItemView, header: QHeaderView, column: int, texts: list[str], limit: int) -> list[str]:
    return [t for t in texts if _needed(view, t) <= limit and _needed(view, t) > header.sectionSize(column)]


def test_vocabulary_dates_and_amounts_are_shown_whole(window: MainWindow) -> None:
    when = [labels.when(datetime(2026, 12, 28, 23, 58, tzinfo=CHINA))]
    money = [format_yuan(1_234_567)]
    claim_money = [format_yuan(999_999)]  # a claim is the goods of one parcel
    pdd_order = ["261110-420211703585184"]
    platforms = _all(Platform)
    tables: dict[str, dict[int, list[str]]] = {
        # columns in the models' order
        "case_table": {1: platforms, 3: pdd_order, 5: _all(CaseKind), 6: _all(CaseReason), 7: _all(CaseStatus),
                       8: money, 11: when},
        "reship_table": {1: platforms, 2: pdd_order, 6: _all(CaseReason),
                         7: [status_text(s) for s in ReshipStatus], 8: when},
        "claim_table": {1: platforms, 3: _all(ClaimIncident), 4: _all(ClaimStatus), 5: claim_money,
                        6: claim_money, 7: claim_money, 9: when},
        "order_table": {0: platforms, 2: pdd_order, 6: money, 7: when},
        "transit_table": {1: platforms, 2: pdd_order, 5: when},
        "unmatched_table": {3: when, 4: _all(InspectionResult)},
        "upcoming_list": {0: when, 3: pdd_order, 4: platforms},
    }
    cut: dict[str, list[str]] = {}
    for name, columns in tables.items():
        view = window.findChild(QAbstractItemView, name)
        assert view is not None, name
        if isinstance(view, QTreeWidget):
            header = view.header()
        else:
            assert isinstance(view, QTableView | QTableWidget)
            header = view.horizontalHeader()
        for column, texts in columns.items():
            limit = (_needed(view, LIMITS[name]) if name in LIMITS else WIDEST_LABEL) if len(texts) > 1 else 10_000
            if found := _cut(view, header, column, texts, limit):
                cut[f"{name}[{column}]"] = found
    assert cut == {}

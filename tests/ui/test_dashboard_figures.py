"""The 统计 tab against `report --json` on the hand-computed ledger (tests/unit/report_ledger.py): every figure
the tab shows is the command's, and a click on any line that stands for cases — a kind, reason, platform or
responsible party, a product, a courier — lists exactly the cases it counted in the Cases tab."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.services.report_figures import Period
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, OrderItem
from desktop_app.ui.dashboard.figure_table import FigureTable
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle
from tests.unit.report_ledger import EXPECTED_MONEY, build

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def ledger(db_path: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    db = open_database(db_path)
    ids = build(db)
    db.close()
    yield db_path, ids


@pytest.fixture
def window(qtbot: QtBot, ledger: tuple[Path, dict[str, int]]) -> Iterator[MainWindow]:
    yield from opened_window(qtbot, ledger[0])


def november(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.dashboard_tab
    window.tabs.setCurrentWidget(tab)
    tab.set_period(NOVEMBER)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.report is not None and tab.report.period == NOVEMBER, timeout=10000)


def report_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", str(path), "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def listed(qtbot: QtBot, window: MainWindow, table: FigureTable, row: int, expected: set[int]) -> set[int]:
    """Click the line's bar; the ids the Cases tab lists once it lists as many as `expected`, and back to
    the 统计 tab."""
    index = table.model().index(row, table.model().columnCount() - 1)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    cases = window.cases_tab
    assert window.tabs.currentWidget() is cases
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: cases.model.rowCount() == len(expected), timeout=10000)
    found = {cases.model.row_object(r).id for r in range(cases.model.rowCount())}
    window.tabs.setCurrentWidget(window.dashboard_tab)
    return found


def test_the_tab_shows_the_figures_of_report_json(qtbot: QtBot, window: MainWindow,
                                                 ledger: tuple[Path, dict[str, int]],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    november(qtbot, window)
    data = report_json(ledger[0], capsys)
    tab = window.dashboard_tab
    money = dict(row.cells for row in tab.money.figures.rows)
    assert {key: money[tab.money_names[key]].replace(",", "") for key in EXPECTED_MONEY} == data["money"] \
        == EXPECTED_MONEY
    for key in ("kind", "platform", "reason", "responsible"):
        counts = data[f"by_{key}"]
        assert isinstance(counts, dict)
        shown = [row.cells[1] for row in tab.tables[f"report_by_{key}"].figures.rows if row.selection is not None]
        assert shown == [f"{n:,}" for n in counts.values()]
    products = data["by_product"]
    assert isinstance(products, list)
    assert [row.cells[1:] for row in tab.products.figures.rows] == [
        (str(p["cases"]), "—" if p["sold"] is None else str(p["sold"]), p["per_100_sold"] or "—", p["net_loss"])
        for p in products]
    carriers = data["by_carrier"]
    assert isinstance(carriers, list)
    assert [(row.cells[1], row.cells[2], row.cells[6]) for row in tab.carriers.figures.rows] == [
        (str(c["parcels"]), str(c["cases"]), c["received"]) for c in carriers]


def test_a_click_on_any_line_lists_exactly_its_cases(qtbot: QtBot, window: MainWindow,
                                                    ledger: tuple[Path, dict[str, int]]) -> None:
    november(qtbot, window)
    tab = window.dashboard_tab
    db = window.context.db
    assert db is not None
    report = tab.report
    assert report is not None
    with db.reading() as s:
        requested = func.coalesce(Case.requested_at, Case.created_at)
        in_period = [requested >= NOVEMBER.start, requested < NOVEMBER.end]
        of_kind = {k: set(s.scalars(select(Case.id).where(*in_period, Case.kind == k))) for k in report.by_kind}
        key = func.coalesce(func.nullif(OrderItem.sku_code, ""), OrderItem.title)
        of_product = {p.key: set(s.scalars(select(Case.id).where(*in_period, Case.order_id.in_(
            select(OrderItem.order_id).where(key == p.key))))) for p in report.products}
        of_carrier = {c.carrier: set(s.scalars(select(Case.id).where(
            *in_period, func.coalesce(Case.carrier, "") == c.carrier))) for c in report.carriers if c.cases}
    kinds = tab.tables["report_by_kind"]
    for row, figure in enumerate(kinds.figures.rows):
        kind = figure.selection.kind if figure.selection else None
        assert kind is not None and listed(qtbot, window, kinds, row, of_kind[kind]) == of_kind[kind]
        assert len(of_kind[kind]) == report.by_kind[kind]
    # The closed cases are counted, and listed: #1 was closed, #10 reopened.
    assert ledger[1]["c1"] in of_kind["reship"]
    for row, product in enumerate(report.products):
        assert len(of_product[product.key]) == product.cases
        assert listed(qtbot, window, tab.products, row, of_product[product.key]) == of_product[product.key]
    for row, carrier in enumerate(report.carriers):
        if carrier.cases:
            assert len(of_carrier[carrier.carrier]) == carrier.cases
            expected = of_carrier[carrier.carrier]
            assert listed(qtbot, window, tab.carriers, row, expected) == expected

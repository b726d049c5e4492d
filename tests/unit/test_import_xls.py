"""Real BIFF8 .xls files (Excel 97-2003), read by python-calamine, through the CLI contract.

The fixtures are made by tests/fixtures/xls/make_xls_fixtures.py (xlwt, not a dependency).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from order_files import SAMPLES, copy_sample, count_rows, item_rows, order_row

from desktop_app.cli import run
from desktop_app.io.import_profiles import Layout
from desktop_app.io.sheet_preview import preview_sheet
from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.io.user_profiles import ColumnMapping, save_profile
from desktop_app.store.database import open_database

XLS = Path(__file__).resolve().parent.parent / "fixtures" / "xls"
EXPECTED_JD = json.loads((SAMPLES / "expected_orders.json").read_text("utf-8"))["jd_orders.csv"]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _fen(text: object) -> int:
    return int(Decimal(str(text)) * 100)


def test_the_fixtures_are_real_xls_files() -> None:
    for name in ("jd_orders.xls", "supplier_shipments.xls"):
        data = (XLS / name).read_bytes()
        assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an OLE2 compound file, not a renamed CSV
        spreadsheet = open_spreadsheet(XLS / name)
        try:
            assert spreadsheet.kind == "xls"
        finally:
            spreadsheet.close()


def test_a_jd_export_saved_as_xls_imports_like_the_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                       db_path: Path) -> None:
    path = tmp_path / "jd_orders.xls"
    shutil.copy(XLS / "jd_orders.xls", path)
    code, out, err = cli(capsys, "import-orders", str(path), "--db", str(db_path), "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["rejected"], entry["errors"]) == ("jd", len(EXPECTED_JD),
                                                                                         0, [])
    db = open_database(db_path)
    try:
        assert count_rows(db) == len(EXPECTED_JD)
        for expected in EXPECTED_JD:
            row = order_row(db, f"jd:{expected['order_id']}")
            assert row is not None, expected["order_id"]
            paid_at = datetime.fromisoformat(str(expected["paid_at"])) - timedelta(hours=8)  # stored as UTC
            assert (row["receiver"], row["phone"], row["paid_fen"], row["goods_fen"], row["postage_fen"],
                    row["item_count"], str(row["paid_at"])[:19]) == (
                expected["receiver"], expected["phone"], _fen(expected["paid"]), _fen(expected["goods"]),
                _fen(expected["post"]), expected["items"], paid_at.isoformat(sep=" "))
    finally:
        db.close()
    code, out, _ = cli(capsys, "import-orders", str(path), "--db", str(db_path), "--json")
    assert code == 0 and json.loads(out)["files"][0]["unchanged"] == len(EXPECTED_JD)


def test_a_supplier_xls_fills_in_tracking_numbers_through_a_saved_mapping(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, db_path: Path) -> None:
    [pdd] = copy_sample(tmp_path, "pdd_orders.csv")
    supplier = tmp_path / "supplier_shipments.xls"
    shutil.copy(XLS / "supplier_shipments.xls", supplier)
    assert cli(capsys, "import-orders", str(pdd), "--db", str(db_path))[0] == 0
    code, _, err = cli(capsys, "import-orders", str(supplier), "--db", str(db_path))
    assert code == 2 and "无法识别" in err

    preview = preview_sheet(supplier)
    assert preview.sheet_names == ("发货回单", "说明") and preview.header_row == 2
    orders = [cells[1] for number, cells in preview.rows if number > 2 and cells[1]]
    assert len(orders) == 5
    db = open_database(db_path)
    try:
        before = {o: (order_row(db, f"pdd:{o}"), item_rows(db, f"pdd:{o}")) for o in orders}
    finally:
        db.close()
    assert all(row is not None and row["tracking_no"] is None for row, _ in before.values())

    # The supplier only tells us carrier, tracking number and ship time; the rest stays as the platform said.
    save_profile(ColumnMapping("档口发货回单", "pdd", Layout.ORDER_ROWS, {
        "order_no": "订单号", "carrier": "快递公司", "tracking_no": "快递单号", "shipped_at": "发货时间"},
        sheet="发货回单"))
    code, out, err = cli(capsys, "import-orders", str(supplier), "--db", str(db_path), "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["updated"], entry["rejected"]) == ("pdd", 0, 5, 0)

    db = open_database(db_path)
    try:
        for number, cells in preview.rows:
            if number <= 2 or not cells[1]:
                continue
            row = order_row(db, f"pdd:{cells[1]}")
            old_row, old_items = before[cells[1]]
            assert row is not None and old_row is not None
            assert (row["carrier"], row["tracking_no"]) == (cells[7], cells[8])
            shipped = datetime.fromisoformat(cells[9]) - timedelta(hours=8)
            assert str(row["shipped_at"])[:19] == shipped.isoformat(sep=" ")
            assert (row["receiver"], row["paid_fen"], row["status"]) == (
                old_row["receiver"], old_row["paid_fen"], old_row["status"])
            assert item_rows(db, f"pdd:{cells[1]}") == old_items  # no item columns mapped: items kept
        assert count_rows(db) == 40
    finally:
        db.close()

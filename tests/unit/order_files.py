"""Helpers for the order-import tests: write small platform exports (and nasty files) into tmp_path."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import text

from desktop_app.io.import_results import ImportResult
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"

PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "用户实付金额(元)", "商品数量(件)", "收货人",
              "手机", "省", "市", "区", "街道", "支付时间", "发货时间", "商品规格", "快递单号", "快递公司"]
DOUYIN_HEADER = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商家编码", "商品金额", "订单应付金额",
                 "运费", "收件人", "收件人手机号", "省", "市", "区", "详细地址", "支付完成时间", "订单状态", "快递信息"]


def pdd_row(order_no: str = "261101-103283030276851", *, status: str = "已发货，待收货", goods: str = "79.00",
            postage: str = "0.00", paid: str = "79.00", quantity: str = "1\t", receiver: str = "梁军桐",
            phone: str = "18252435900", paid_at: str = "2026-11-01 10:26:13\t",
            shipped_at: str = "2026-11-01 16:26:13\t", title: str = "宠物猫砂 豆腐砂 6L*4包", spec: str = "绿茶",
            tracking: str = "9817105713810", carrier: str = "邮政快递包裹") -> list[str]:
    return [title, order_no, status, goods, postage, paid, quantity, receiver, phone, "广东省", "深圳市", "宝安区",
            "文一西路535号13幢1241室", paid_at, shipped_at, spec, tracking, carrier]


def douyin_row(main: str, sub: str, title: str = "无线蓝牙耳机 降噪 长续航", *, spec: str = "黑色",
               quantity: object = 1.0,
               price: object = 199.0, payable: object = 205.0, postage: object = 6.0, receiver: str = "袁静",
               phone: object = "19568493191", paid_at: object = "2026-11-04 10:07:31", status: str = "已发货",
               logistics: str = "顺丰速运,SF2166964304386") -> list[object]:
    return [main, sub, title, spec, quantity, "SKU-K7APGG", price, payable, postage, receiver, phone, "河南省",
            "郑州市", "二七区", "科技园南路891号1幢764室", paid_at, status, logistics]


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def copy_sample(tmp_path: Path, *names: str) -> list[Path]:
    copies = []
    for name in names:
        target = tmp_path / name
        shutil.copy(SAMPLES / name, target)
        copies.append(target)
    return copies


def run_import(db: Database, *paths: Path, platform: str = "auto") -> ImportResult:
    return import_files(db, list(paths), platform=platform)


def count_rows(db: Database, table: str = "orders") -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(f"select count(*) from {table}")).scalar_one())


def rows_of(db: Database, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Rows of a plain SQL query (named :params), on SQLite or PostgreSQL."""
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _as_stored_by_sqlite(value: object) -> object:
    """Values as SQLite's own driver returns them, whichever database the test runs on: times as
    naive UTC text, booleans as 0/1 (the assertions were written against the SQLite file)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


def order_row(db: Database, key: str, columns: str = "*") -> dict[str, object] | None:
    with db.engine.connect() as conn:
        row = conn.execute(text(f"select {columns} from orders where order_key = :key"), {"key": key}).first()
    return None if row is None else {k: _as_stored_by_sqlite(v) for k, v in row._mapping.items()}


def item_rows(db: Database, key: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(_as_stored_by_sqlite(v) for v in r) for r in conn.execute(text(
            "select i.title, i.spec, i.quantity, i.unit_price_fen, i.sub_order_no from order_items i "
            "join orders o on o.id = i.order_id where o.order_key = :key order by i.position"), {"key": key})]


def zip_bomb(path: Path, megabytes: int = 64) -> Path:
    """A workbook-shaped zip whose sheet unpacks to `megabytes` of XML from a few hundred KB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"<row>" + b"0" * (1024 * 1024 - 11) + b"</row>"
            for _ in range(megabytes):
                member.write(block)
    return path

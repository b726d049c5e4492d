"""Every sample platform export imports to exactly what expected_orders.json says; re-import changes nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from order_files import SAMPLES, copy_sample, count_rows, item_rows, order_row, run_import

from desktop_app.store.database import Database

EXPECTED: dict[str, list[dict[str, object]]] = json.loads((SAMPLES / "expected_orders.json").read_text("utf-8"))
COMPANIONS = {"taobao_ExportOrderList.csv": ("taobao_ExportOrderDetailList.csv",)}


def _fen(text: object) -> int:
    return int(Decimal(str(text)) * 100)


def _stored_utc(china_text: str) -> str:
    """How SQLAlchemy stores an aware time on SQLite: naive UTC text."""
    return (datetime.fromisoformat(china_text) - timedelta(hours=8)).isoformat(sep=" ", timespec="microseconds")


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_sample_imports_to_the_expected_orders(sample: str, tmp_path: Path, db: Database) -> None:
    paths = copy_sample(tmp_path, sample, *COMPANIONS.get(sample, ()))
    result = run_import(db, paths[0])
    assert result.exit_code == 0, result
    [file] = result.files
    expected = EXPECTED[sample]
    assert (file.inserted, file.updated, file.unchanged, file.rejected, file.errors) == (len(expected), 0, 0, 0, ())
    assert count_rows(db) == len(expected)
    for entry in expected:
        family = "taobao" if entry["platform"] in ("taobao", "tmall") else entry["platform"]
        row = order_row(db, f"{family}:{entry['order_id']}")
        assert row is not None, entry["order_id"]
        got = (row["platform"], row["receiver"], row["phone"], row["paid_fen"], row["goods_fen"], row["postage_fen"],
               row["tracking_no"], row["carrier"], row["item_count"], row["paid_at"])
        want = (entry["platform"], entry["receiver"], entry["phone"], _fen(entry["paid"]), _fen(entry["goods"]),
                _fen(entry["post"]), entry["tracking"], entry["carrier"], entry["items"],
                _stored_utc(str(entry["paid_at"])))
        assert got == want, entry["order_id"]
        assert row["imported_at"] is not None and row["version"] == 1
        assert str(entry["order_id"]) in row["search_text"] and str(entry["receiver"]) in row["search_text"]


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_reimporting_a_sample_changes_nothing(sample: str, tmp_path: Path, db: Database) -> None:
    paths = copy_sample(tmp_path, sample, *COMPANIONS.get(sample, ()))
    run_import(db, paths[0])
    first = order_row(db, f"{'taobao' if sample.startswith(('taobao', 'tmall')) else sample.split('_')[0]}:"
                          f"{EXPECTED[sample][0]['order_id']}")
    result = run_import(db, paths[0])
    [file] = result.files
    assert (file.inserted, file.updated, file.unchanged, file.rejected) == (0, 0, len(EXPECTED[sample]), 0)
    again = order_row(db, str(first["order_key"])) if first is not None else None
    assert first is not None and again is not None
    # Unchanged orders are not rewritten: same version, same updated_at, same import stamp.
    assert (again["version"], again["updated_at"], again["imported_at"]) == (
        first["version"], first["updated_at"], first["imported_at"])


def test_items_come_from_the_taobao_detail_file(tmp_path: Path, db: Database) -> None:
    order_list, _detail = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    result = run_import(db, order_list)
    assert result.files[0].companions == (str(tmp_path / "taobao_ExportOrderDetailList.csv"),)
    # Two different products, three pieces each (the detail file's rows for this order).
    assert item_rows(db, "taobao:3773564363363953227") == [
        ("纯棉短袖T恤 男女同款 宽松百搭", "颜色分类：白色;M", 3, 3990, None),
        ("陶瓷马克杯 情侣款 带盖勺", "颜色分类：绿 350ml", 3, 2990, None),
    ]
    assert count_rows(db, "order_items") == 53


def test_taobao_list_alone_imports_without_items_and_keeps_stored_ones(tmp_path: Path, db: Database) -> None:
    order_list, _detail = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    run_import(db, order_list)
    alone = tmp_path / "alone"
    alone.mkdir()
    [lonely] = copy_sample(alone, "taobao_ExportOrderList.csv")
    result = run_import(db, lonely)
    assert result.exit_code == 0 and result.files[0].companions == ()
    assert result.files[0].unchanged == 40
    assert count_rows(db, "order_items") == 53  # the list says nothing about items: they stay

    fresh_db_result = run_import(db, lonely)
    assert fresh_db_result.files[0].unchanged == 40


def test_taobao_list_alone_into_an_empty_ledger(tmp_path: Path, db: Database) -> None:
    [lonely] = copy_sample(tmp_path, "taobao_ExportOrderList.csv")
    result = run_import(db, lonely)
    assert result.files[0].inserted == 40
    row = order_row(db, "taobao:3498574952529996689")
    assert row is not None and row["item_count"] == 4
    assert "无线蓝牙耳机" in row["search_text"]  # titles from the list's 宝贝标题 stay searchable
    # Goods from 宝贝标题 (only what the list says): one title × the item count; several titles whose
    # count is not one each stay one line naming them all.
    assert item_rows(db, "taobao:4145384019161461003") == [("宠物猫砂 豆腐砂 6L*4包", None, 2, None, None)]
    assert item_rows(db, "taobao:3498574952529996689") == [
        ("加厚珊瑚绒毛毯 冬季午睡毯，手机壳 适用iPhone16 防摔透明，无线蓝牙耳机 降噪 长续航", None, 4, None, None)]
    assert count_rows(db, "order_items") == 44  # 40 orders; four list one of each of their titles


def test_the_detail_file_later_replaces_goods_taken_from_the_titles(tmp_path: Path, db: Database) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    [lonely] = copy_sample(alone, "taobao_ExportOrderList.csv")
    run_import(db, lonely)
    order_list, _detail = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    result = run_import(db, order_list)
    assert result.exit_code == 0
    assert item_rows(db, "taobao:3773564363363953227") == [
        ("纯棉短袖T恤 男女同款 宽松百搭", "颜色分类：白色;M", 3, 3990, None),
        ("陶瓷马克杯 情侣款 带盖勺", "颜色分类：绿 350ml", 3, 2990, None),
    ]
    assert count_rows(db, "order_items") == 53
    assert run_import(db, lonely).files[0].unchanged == 40  # and the list alone again keeps them
    assert count_rows(db, "order_items") == 53


def test_detail_file_alone_is_refused(tmp_path: Path, db: Database) -> None:
    [detail] = copy_sample(tmp_path, "taobao_ExportOrderDetailList.csv")
    result = run_import(db, detail)
    assert result.exit_code == 2
    assert "明细" in (result.files[0].refused or "")
    assert count_rows(db) == 0


def test_list_and_detail_given_together_are_one_import(tmp_path: Path, db: Database) -> None:
    order_list = tmp_path / "a.csv"
    detail = tmp_path / "b.csv"
    order_list.write_bytes((SAMPLES / "taobao_ExportOrderList.csv").read_bytes())
    detail.write_bytes((SAMPLES / "taobao_ExportOrderDetailList.csv").read_bytes())
    # Names do not pair them, but one list and one detail file in the same batch do.
    renamed_list = order_list.rename(tmp_path / "ExportOrderList_x.csv")
    renamed_detail = detail.rename(tmp_path / "ExportOrderDetailList_y.csv")
    result = run_import(db, renamed_detail, renamed_list)
    assert [f.file for f in result.files] == [str(renamed_list)]
    assert result.files[0].companions == (str(renamed_detail),)
    assert count_rows(db, "order_items") == 53


def test_every_sample_together(tmp_path: Path, db: Database) -> None:
    names = [*sorted(EXPECTED), "taobao_ExportOrderDetailList.csv"]
    result = run_import(db, *copy_sample(tmp_path, *names))
    assert result.exit_code == 0
    assert [Path(f.file).name for f in result.files] == sorted(EXPECTED)
    # Taobao classic and 千牛 samples are different orders of one family.
    assert count_rows(db) == sum(len(v) for v in EXPECTED.values())


def test_a_newer_taobao_list_naming_the_buyer_by_nickname(tmp_path: Path, db: Database) -> None:
    """Exports since 2022 say 买家昵称 where older ones said 买家会员名: still the classic Taobao list."""
    source = (SAMPLES / "taobao_ExportOrderList.csv").read_bytes().decode("gb18030")
    renamed = tmp_path / "ExportOrderList202611.csv"
    renamed.write_bytes(source.replace("买家会员名", "买家昵称", 1).encode("gb18030"))
    result = run_import(db, renamed)
    assert result.exit_code == 0 and result.files[0].platform == "taobao" and result.inserted == 40
    row = order_row(db, "taobao:4145384019161461003")
    assert row is not None and row["buyer_nick"] == "tbd6012ent"


def test_pinduoduo_paid_time_under_its_other_name(tmp_path: Path, db: Database) -> None:
    source = (SAMPLES / "pdd_orders.csv").read_text("utf-8-sig")
    header = source.splitlines()[0]
    assert "支付时间" in header
    renamed = tmp_path / "pdd.csv"
    renamed.write_text(source.replace("支付时间", "订单成交时间", 1), "utf-8-sig")
    result = run_import(db, renamed)
    assert result.exit_code == 0 and result.inserted == 40
    first = EXPECTED["pdd_orders.csv"][0]
    row = order_row(db, f"pdd:{first['order_id']}")
    assert row is not None and row["paid_at"] == _stored_utc(str(first["paid_at"]))

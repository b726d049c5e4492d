"""Build a large ledger (orders + cases) for the benchmarks, once; later runs reuse the file."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from desktop_app.services.search_index import catch_up
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Order, Shop
from desktop_app.store.search import build_search_text

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文红雨桐涵轩"
PRODUCTS = ["宠物猫砂 豆腐砂 6L*4包", "儿童保温杯 316不锈钢 带吸管", "陶瓷马克杯 情侣款 带盖勺",
            "加厚珊瑚绒毛毯 冬季午睡毯", "纯棉短袖T恤 男女同款 宽松百搭", "无线蓝牙耳机 降噪 长续航", "收纳箱 大号 塑料 带盖", "不锈钢保温饭盒 三层"]
CARRIERS = [("中通快递", "7"), ("圆通速递", "YT"), ("韵达快递", "4"), ("极兔速递", "JT"), ("申通快递", "77")]
PLATFORMS = ["taobao", "tmall", "pdd", "douyin", "jd"]
KINDS = ["refund_only", "return_refund", "exchange", "reship", "partial_refund", "repair", "bad_review", "dispute"]
STATUSES = ["pending", "processing", "awaiting_return", "reship_agreed", "refunded", "completed", "closed"]
REASONS = ["missing_item", "wrong_item", "damaged", "lost", "quality", "no_reason_7d", "stalled", "other"]


def seed(path: Path | str, n: int, seed_value: int = 7) -> float:
    """Create `path` (a file, or a PostgreSQL URL: bench_team.py) with n orders and n cases unless it
    already holds them; returns seconds spent."""
    db = open_database(path)
    try:
        with db.reading() as s:
            have = s.execute(text("select count(*) from cases")).scalar_one()
        if have >= n:
            return 0.0
        started = time.perf_counter()
        rng = random.Random(seed_value * 1_000_003 + have)  # resumed: other numbers than the rows already in
        base = datetime(2026, 1, 1, tzinfo=UTC)
        with db.transaction() as s:  # the shops of an earlier, interrupted seeding are reused
            known = {(shop.platform, shop.name): shop for shop in s.query(Shop)}
            shop_ids = []
            for platform in PLATFORMS:
                shop = known.get((platform, f"小林家居{platform}店")) or Shop(platform=platform, name=f"小林家居{platform}店")
                s.add(shop)
                s.flush()
                shop_ids.append(shop.id)
        batch = 20_000
        for start in range(have + 1, n + 1, batch):
            orders, cases = [], []
            for i in range(start, min(start + batch, n + 1)):
                p = rng.randrange(len(PLATFORMS))
                platform = PLATFORMS[p]
                order_no = f"{rng.randrange(10**18, 10**19)}"
                receiver = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .6 else "")
                phone = f"1{rng.randrange(3, 10)}{rng.randrange(10**8, 10**9)}"
                carrier, prefix = rng.choice(CARRIERS)
                tracking = f"{prefix}{rng.randrange(10**11, 10**12)}"
                title = rng.choice(PRODUCTS)
                paid = base + timedelta(minutes=rng.randrange(0, 460_000))
                family = "taobao" if platform == "tmall" else platform
                orders.append({
                    "id": i, "order_key": f"{family}:{order_no}", "platform": platform, "order_no": order_no,
                    "shop_id": shop_ids[p], "status": "交易成功", "receiver": receiver, "phone": phone,
                    "address": "浙江省 杭州市 西湖区 文一西路535号", "paid_fen": rng.randrange(990, 99900),
                    "item_count": 1, "paid_at": paid, "carrier": carrier, "tracking_no": tracking,
                    "imported_at": paid, "search_text": build_search_text([order_no, receiver, phone, tracking, title]),
                    "created_at": paid, "updated_at": paid, "version": 1,
                })
                status = rng.choice(STATUSES)
                amount = rng.randrange(100, 20000)
                updated = paid + timedelta(hours=rng.randrange(1, 500))
                cases.append({
                    "id": i, "order_id": i, "platform": platform, "kind": rng.choice(KINDS),
                    "reason": rng.choice(REASONS), "status": status, "is_open": status not in ("completed", "closed"),
                    "refund_fen": amount, "amount_fen": amount, "responsible": "merchant", "requested_at": updated,
                    "next_due_at": updated + timedelta(hours=rng.randrange(-48, 240)) if rng.random() < .5 else None,
                    "created_by": "bench", "created_at": updated, "updated_at": updated, "version": 1,
                    "sort_receiver": receiver, "sort_order_no": order_no,  # as the database's triggers keep them
                })
            with db.transaction() as s:
                s.execute(insert(Order), orders)
                s.execute(insert(Case), cases)
        catch_up(db, limit=100_000)  # the app indexes new orders for search after each import
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
        return time.perf_counter() - started
    finally:
        db.close()

"""Changes to the shop's own data carry the seat that made them (issue 18: each change records its author)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.core.statement import ShopProfile
from desktop_app.services.playbooks import load_policies, set_policy
from desktop_app.services.product_costs import import_product_costs
from desktop_app.services.shop_profile import save_shop_profile
from desktop_app.services.team import ENV_SEAT
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent


def _shop_entries(db: Database) -> list[tuple[str | None, str, str | None]]:
    with db.reading() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.author, AuditEvent.note)
                               .where(AuditEvent.subject == "shop").order_by(AuditEvent.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_policies_the_cost_table_and_the_shop_profile_say_who_changed_them(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_SEAT, "小李")
    policies = load_policies()
    set_policy(db, policies, policies[0].id, True)
    sheet = tmp_path / "成本价.csv"
    sheet.write_text("商家编码,成本价\nSKU-1,12.50\n", encoding="utf-8")
    import_product_costs(db, sheet)
    import_product_costs(db, sheet)  # nothing changed: nothing to record
    monkeypatch.setenv(ENV_SEAT, "小王")
    save_shop_profile(db, ShopProfile(name="小林家居", phone="0571-1234567"))
    entries = _shop_entries(db)
    assert [(action, author) for action, author, _note in entries] == [
        ("policy", "小李"), ("product_costs", "小李"), ("shop_profile", "小王")]
    assert entries[0][2] == f"启用店铺策略“{policies[0].title}”"
    assert entries[1][2] == "导入成本价表 成本价.csv：新增 1，更新 0"
    assert entries[2][2] == "修改店铺信息（小林家居）"

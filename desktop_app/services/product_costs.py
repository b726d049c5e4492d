"""The shop's cost prices by 商家编码: import them from a sheet (one transaction: every good line in,
the bad ones reported), and price a case's goods with them (the 货损 of a reship or an unsellable return)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind
from desktop_app.io.product_cost_sheet import read_product_costs
from desktop_app.services.shop_changes import note_change
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.models import Case, ProductCost, utcnow
from desktop_app.store.product_costs import (
    GoodsCost,
    GoodsLine,
    cost_rows_by_key,
    goods_cost,
    order_goods_cost,
    order_lines,
)
from desktop_app.store.reship_queries import reship_of
from desktop_app.store.shop_changes import PRODUCT_COSTS


@dataclass(frozen=True, slots=True)
class CostImport:
    added: int
    updated: int
    unchanged: int
    problems: tuple[str, ...]
    changes: OpChanges
    notes: tuple[str, ...] = ()  # imported, with something said (a cost of 0: a gift)


def import_product_costs(db: Database, path: Path | str, author: str | None = None) -> CostImport:
    """Every good line of the sheet into the table (one transaction), recorded under the seat's name when
    it added or changed a price."""
    sheet = read_product_costs(path)
    added = updated = unchanged = 0
    with db.transaction() as session:
        take_import_turn(session)  # two seats importing one sheet: the second reads the first one's rows
        # By the compared form: a row imported before codes were stored so (sku-01) is updated, not doubled.
        known = cost_rows_by_key(session)
        for line in sheet.lines:
            row = known.get(line.sku_code)
            if row is None:
                session.add(ProductCost(sku_code=line.sku_code, title=line.title, cost_fen=line.cost_fen,
                                        updated_at=utcnow()))
                added += 1
            elif (row.cost_fen, row.title) != (line.cost_fen, line.title or row.title):
                row.cost_fen = line.cost_fen
                row.title = line.title or row.title
                row.updated_at = utcnow()
                updated += 1
            else:
                unchanged += 1
        if added or updated:
            note_change(session, PRODUCT_COSTS, f"导入成本价表 {Path(path).name}：新增 {added}，更新 {updated}",
                        author=author)
        changes = changes_in(session)
    return CostImport(added, updated, unchanged, sheet.problems, changes, sheet.notes)


def case_goods_cost(db: Database, case_id: int) -> GoodsCost:
    """What the case's goods cost by the table: a reship's, what it sends (`reship items`: two of an
    order's three lines, one sock of ten); any other case's, every line of its order at its quantity."""
    with db.reading() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        reship = reship_of(session, case.id) if case.kind == CaseKind.RESHIP.value else None
        if reship is None or not reship.items:
            return order_goods_cost(session, case.order_id)
        lines = order_lines(session, case.order_id)
        return goods_cost(session, [GoodsLine(_code_of(lines, item.title, item.spec), item.title, item.quantity)
                                    for item in reship.items])


def _code_of(lines: list[tuple[str, str | None, str | None, int]], title: str, spec: str | None) -> str | None:
    """The 商家编码 of the order line a reship item is: the same title and spec, else the one line of that
    title (an item typed by hand names no line: its cost is unknown, not 0)."""
    same = [code for t, s, code, _q in lines if t == title and (s or None) == (spec or None)]
    if not same:
        same = [code for t, _s, code, _q in lines if t == title]
    return same[0] if len(set(same)) == 1 else None

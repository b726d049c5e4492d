"""The shop's cost prices by 商家编码: import them from a sheet (one transaction: every good line in,
the bad ones reported), and price a case's goods with them (the 货损 of a reship or an unsellable return)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import OpChanges
from desktop_app.io.product_cost_sheet import read_product_costs
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.models import Case, ProductCost, utcnow
from desktop_app.store.product_costs import GoodsCost, order_goods_cost


@dataclass(frozen=True, slots=True)
class CostImport:
    added: int
    updated: int
    unchanged: int
    problems: tuple[str, ...]
    changes: OpChanges


def import_product_costs(db: Database, path: Path | str) -> CostImport:
    sheet = read_product_costs(path)
    added = updated = unchanged = 0
    with db.transaction() as session:
        take_import_turn(session)  # two seats importing one sheet: the second reads the first one's rows
        for line in sheet.lines:
            row = session.get(ProductCost, line.sku_code)
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
        changes = changes_in(session)
    return CostImport(added, updated, unchanged, sheet.problems, changes)


def case_goods_cost(db: Database, case_id: int) -> GoodsCost:
    """What the goods of the case's order cost by the table (every line, each at its quantity)."""
    with db.reading() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        return order_goods_cost(session, case.order_id)

"""`product-costs import FILE | list`: the shop's cost prices by 商家编码.

    python -m desktop_app product-costs import 成本价.xlsx [--json] [--db PATH]
        # exit 0: every line in; 1: some lines reported (the good ones stored); 2: the file refused
    python -m desktop_app product-costs list [--json] [--db PATH]

`costs N --written-off cost` then prices a case's goods with them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.common import add_db_option, add_json_option, opened_ledger, print_json
from desktop_app.core.money import format_yuan
from desktop_app.services.product_costs import import_product_costs
from desktop_app.store.product_costs import list_product_costs


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("product-costs", help="商品成本价表（按商家编码）：导入、列出",
                                   description="商品成本价表：按商家编码记录成本价，用于计算货损。")
    sub = parser.add_subparsers(dest="product_costs_command", metavar="ACTION")
    imp = sub.add_parser("import", help="从 Excel/CSV 导入成本价（需有“商家编码”和“成本价”两列）")
    imp.add_argument("file", type=Path, metavar="FILE", help="成本价表（.xlsx/.xls/.csv）")
    add_json_option(imp)
    add_db_option(imp)
    imp.set_defaults(handler=_import)
    lst = sub.add_parser("list", help="列出成本价表")
    add_json_option(lst)
    add_db_option(lst)
    lst.set_defaults(handler=_list)


def _import(args: argparse.Namespace) -> int:
    with opened_ledger(args, creates=True) as db:
        result = import_product_costs(db, args.file)
    if args.json:
        print_json({"added": result.added, "updated": result.updated, "unchanged": result.unchanged,
                    "problems": list(result.problems), "notes": list(result.notes)})
    else:
        print(f"新增 {result.added} 个，更新 {result.updated} 个，未变 {result.unchanged} 个")
        name = Path(args.file).name  # as the order and case imports name the file of each problem
        for problem in result.problems:
            sys.stderr.write(f"{name}：{problem}\n")
        for said in result.notes:
            sys.stderr.write(f"提醒：{name}：{said}\n")
    return 1 if result.problems else 0


def _list(args: argparse.Namespace) -> int:
    with opened_ledger(args) as db, db.reading() as session:
        rows = list_product_costs(session)
    if args.json:
        print_json([{"sku": r.sku_code, "title": r.title, "cost": format_yuan(r.cost_fen).replace(",", "")}
                    for r in rows])
    else:
        for r in rows:
            print(f"{r.sku_code}\t{format_yuan(r.cost_fen)}\t{r.title or ''}".rstrip())
        print(f"共 {len(rows)} 个商品")
    return 0

"""`statement`: goods value statements (货物价值说明) as PDF or xlsx, headless.

    python -m desktop_app statement --claim 12 13 14 --out 中通-理赔.pdf
    python -m desktop_app statement --order 3712345678901234567 --platform taobao --out 货值说明.xlsx
    python -m desktop_app statement --case 3 5 8 --out 双11-货值说明.pdf

Several claims make one file: one PDF page, or one sheet, per claim. The PDF is painted by Qt's QtGui
(desktop_app/printing, shared with the window; no widget and no `desktop_app.ui` module is loaded), so
this command starts an offscreen QGuiApplication when it has to. Qt is imported only when a PDF is
asked for: the other commands and the xlsx output start without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    opened_ledger,
    output_file,
    print_json,
)
from desktop_app.core.errors import UserError
from desktop_app.core.money import fen_to_yuan, parse_yuan, yuan_to_fen
from desktop_app.core.statement import StatementIncomplete, TypedPrices
from desktop_app.core.vocabulary import Platform, platform_ids
from desktop_app.io.statement_xlsx import write_statements_xlsx

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.core.statement import GoodsValueStatement

FORMATS = (".pdf", ".xlsx")
NOTHING_TO_STATE = "所给的售后单都没有可写的货值说明（订单尚未导入或商品没有单价，也没有理赔）"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = subparsers.add_parser(
        "statement", help="生成货物价值说明（货值说明）PDF 或 Excel，交快递网点理赔",
        description="为快递理赔生成货物价值说明：店铺信息、订单与运单、收件人、商品明细、货值（小写和大写）、"
                    "申请赔偿金额、价值依据和声明。多个理赔生成一个文件：PDF 每份一页，Excel 每份一个工作表。"
                    "店铺名称、联系人、收款账户等在程序的“店铺信息”中填写。",
    )
    source = cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--claim", type=record_id, nargs="+", metavar="N", help="理赔编号（可多个：批量）")
    source.add_argument("--order", metavar="NO", help="订单号（没有登记理赔时，按整张订单写）")
    source.add_argument("--case", type=record_id, nargs="+", metavar="N",
                        help="售后单编号（可多个）：有理赔的按理赔写，否则按订单写；订单未导入的跳过并提示")
    cmd.add_argument("--platform", type=given("--platform"), metavar="P",
                     help="订单所属平台（同一订单号在多个平台都有时）：" + platform_ids())
    cmd.add_argument("--incident", metavar="TEXT", help="仅 --order：异常类型，例如 丢件、破损")
    cmd.add_argument("--description", metavar="TEXT", help="仅 --order：情况说明")
    cmd.add_argument("--date", metavar="YYYY-MM-DD", help="落款日期（默认：今天）")
    cmd.add_argument("--unit-price", action="append", default=[], metavar="[商品名=]元",
                     help="订单里没有单价的商品按此单价写（只用于这份说明，不保存）：59.00 用于所有没有单价的商品，"
                          "“商品名=59.00”只用于这件商品；可重复")
    cmd.add_argument("--out", required=True, type=Path, metavar="FILE",
                     help="输出文件：.pdf 或 .xlsx")
    add_db_option(cmd)
    add_json_option(cmd)
    cmd.set_defaults(handler=_statement)


def _issued_on(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，应为 YYYY-MM-DD") from None


def _unit_prices(values: list[str]) -> tuple[tuple[str, int], ...]:
    """--unit-price values: "59.00" (every unpriced item) or "title=59.00"."""
    prices: dict[str, int] = {}
    for value in values:
        title, _, amount = value.rpartition("=")
        try:
            fen = yuan_to_fen(parse_yuan(amount.strip(), "单价"))
        except UserError as exc:
            raise CommandError(f"--unit-price {value}：{exc}") from None
        if fen <= 0:
            raise CommandError(f"--unit-price {value}：单价应大于 0")
        prices[title.strip()] = fen
    return tuple(prices.items())


def _check_args(args: argparse.Namespace) -> str:
    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        raise CommandError(f"输出文件应以 .pdf 或 .xlsx 结尾：{args.out.name}")
    if (args.claim or args.case) and (args.platform or args.incident or args.description):
        raise CommandError("--platform、--incident、--description 只用于 --order（理赔和售后单自带这些信息）")
    output_file(args.out, "--out")
    return suffix


def _statement(args: argparse.Namespace) -> int:
    from desktop_app.services.statements import (
        StatementRequest,
        build_statements,
        carriers_of,
        case_sources,
        find_order_id,
        missing_shop_details,
    )

    suffix = _check_args(args)
    issued_on = _issued_on(args.date)
    prices = _unit_prices(args.unit_price)
    skipped: list[int] = []  # cases of --case that have nothing to state: the batch is only partly done
    with opened_ledger(args) as db, db.reading() as session:
        if args.case:
            asked = list(dict.fromkeys(args.case))
            sources = case_sources(session, asked)
            for source in sources:
                if not source.possible:
                    sys.stderr.write(f"跳过售后单 #{source.case_id}：{source.why_not}\n")
                    skipped.append(source.case_id)
            possible = tuple(s.case_id for s in sources if s.possible)
            if not possible:
                raise CommandError(NOTHING_TO_STATE, exit_code=1)
            statements = _case_statements(session, possible, prices, issued_on, skipped)
            skipped.sort(key=asked.index)
        else:
            if args.claim:
                request = StatementRequest(claim_ids=tuple(dict.fromkeys(args.claim)), unit_prices=prices)
            else:
                platform = Platform.parse(args.platform) if args.platform else None
                order_id = find_order_id(session, args.order, platform)
                request = StatementRequest(order_ids=(order_id,), incident=args.incident or "",
                                           description=args.description or "", unit_prices=prices)
            statements = build_statements(session, request, issued_on)
        missing = missing_shop_details(statements)
    if missing:
        sys.stderr.write(f"提示：店铺信息未填写（{'、'.join(missing)}），这些格子将留空，可打印后手写；"
                         "在程序的“店铺信息”中填写后即可自动带出\n")
    carriers = carriers_of(statements)
    if len(carriers) > 1:
        sys.stderr.write(f"提示：这些理赔属于不同的快递公司（{'、'.join(carriers)}），快递网点通常只受理自己的快件\n")
    pages = _write(statements, args.out, suffix)
    if args.json:
        print_json({
            "file": str(args.out), "format": suffix[1:], "count": pages,
            "statements": [
                {"order": s.order_no, "tracking": s.tracking_no, "carrier": s.carrier, "reference": s.reference,
                 "total": _yuan_text(s.total_fen),
                 "total_words": s.total_words, "claimed": _yuan_text(s.claimed_fen)}
                for s in statements
            ],
            "skipped": skipped,
        })
    else:
        sys.stdout.write(f"已生成 {pages} 份货物价值说明：{args.out}\n")
    return 1 if skipped else 0


def _case_statements(session: Session, case_ids: tuple[int, ...], prices: TypedPrices,
                     issued_on: date | None, skipped: list[int]) -> list[GoodsValueStatement]:
    """The statements of a batch of cases. One whose goods have no price (its order known only from an
    after-sales export) is skipped saying why, as one whose order is not imported is: it stopped the
    whole batch (exit 2, nothing written). A single case keeps its refusal, which names --unit-price."""
    from desktop_app.services.statements import StatementRequest, build_statements

    if len(case_ids) == 1:
        return build_statements(session, StatementRequest(case_ids=case_ids, unit_prices=prices), issued_on)
    found: list[GoodsValueStatement] = []
    for case_id in case_ids:
        try:
            found.extend(build_statements(session, StatementRequest(case_ids=(case_id,), unit_prices=prices),
                                          issued_on))
        except StatementIncomplete as exc:
            sys.stderr.write(f"跳过售后单 #{case_id}：{exc.message}\n")
            skipped.append(case_id)
    if not found:
        raise CommandError(NOTHING_TO_STATE, exit_code=1)
    return found


def _yuan_text(fen: int) -> str:
    return str(fen_to_yuan(fen))


def _write(statements: list[GoodsValueStatement], out: Path, suffix: str) -> int:
    if suffix == ".xlsx":
        return write_statements_xlsx(statements, out)
    ensure_offscreen_when_headless()
    from desktop_app.printing.seal_image import printable_seals
    from desktop_app.printing.statement_pdf import write_pdf
    from desktop_app.printing.statement_render import ensure_gui_application

    ensure_gui_application()
    statements, problems = printable_seals(statements)  # the workbook carries no seal
    for problem in problems:
        sys.stderr.write(f"提示：{problem}\n")
    return write_pdf(statements, out)


def ensure_offscreen_when_headless() -> None:
    """No display (a server, a cron job, ssh): Qt must draw offscreen or it aborts."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

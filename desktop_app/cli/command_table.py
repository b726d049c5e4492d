"""Which module registers each command of the command line, and the subcommand action that imports it
only when the command is chosen.

Importing every command module (SQLAlchemy's case queries, openpyxl, the report's and the statements'
writers …) cost every start about a second of CPU, `--version` and `--help` included. The parser knows
every command from this table (its name and the one line `--help` lists it with); the command's own
parser, with its options and subcommands, is built by its module's `register(subparsers)` when argparse
reaches the command, so a run imports the module of its own command only. The frozen bundle takes every
module of `desktop_app` (installer/aftersales_ledger.spec: collect_submodules), these included.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from desktop_app.cli.parser_text import ChineseArgumentParser


@dataclass(frozen=True)
class Command:
    name: str
    module: str  # its `register(subparsers)` adds the command's parser
    help: str  # as its module says it (tests/unit/test_cli_command_modules.py keeps them the same)


# In the order `python -m desktop_app --help` lists them.
COMMANDS: tuple[Command, ...] = (
    Command("case", "desktop_app.cli.cases", "售后单：新建、列表、查看、操作"),
    Command("import-orders", "desktop_app.cli.orders", "导入平台导出的订单文件（淘宝/天猫、拼多多、抖店、京东）"),
    Command("import-profiles", "desktop_app.cli.orders", "列出或删除已保存的列对应方案（导入其他表格时保存）"),
    Command("export-orders", "desktop_app.cli.orders", "把订单列表导出为 Excel（.xlsx）"),
    Command("order-campaign", "desktop_app.cli.orders", "把订单标记为聚划算订单（发货时效7天），或改回普通订单"),
    Command("import-cases", "desktop_app.cli.case_import",
            "导入平台导出的售后/退款列表（淘宝/天猫退款管理导出、拼多多售后导出、抖店售后单导出、京东服务单导出）"),
    Command("deadlines", "desktop_app.cli.deadlines", "列出平台时限（默认：进行中的，按到期时间排序）"),
    Command("workdays", "desktop_app.cli.deadlines",
            "官方节假日与调休安排（计算工作日时限用）：查看、导入新一年的安排"),
    Command("reship", "desktop_app.cli.reships", "补发队列：列表、录入运单号、记录承诺补发、缺货改退款"),
    Command("claim", "desktop_app.cli.claims", "快递理赔：新建、列表、查看、操作、证据"),
    Command("statement", "desktop_app.cli.statements", "生成货物价值说明（货值说明）PDF 或 Excel，交快递网点理赔"),
    Command("backup", "desktop_app.cli.backups", "备份数据库（打印写入的文件）；--list 列出备份"),
    Command("restore", "desktop_app.cli.backups", "用一个备份替换数据库（先备份当前文件）"),
    Command("check", "desktop_app.cli.backups", "完整检查数据库文件是否损坏"),
    Command("returns", "desktop_app.cli.returns", "退货入库：扫运单号找售后单、验货、无主件"),
    Command("export-cases", "desktop_app.cli.case_export", "把售后单列表导出为 Excel（.xlsx），可按条件筛选"),
    Command("guide", "desktop_app.cli.playbooks", "售后单的处理步骤、建议的下一步、运费规则和话术"),
    Command("reply", "desktop_app.cli.playbooks", "按售后单填好的话术（可直接复制给买家）"),
    Command("policies", "desktop_app.cli.playbooks", "店铺策略（如小额仅退款直接退）：列出、开启、关闭"),
    Command("evidence", "desktop_app.cli.evidence", "售后单的证据文件（照片、称重记录、聊天截图、PDF）"),
    Command("report", "desktop_app.cli.report", "统计：一段时间内的售后单、费用、理赔和时效"),
    Command("costs", "desktop_app.cli.costs", "售后单的费用：运费、货损、平台处罚，以及净损失"),
    Command("product-costs", "desktop_app.cli.product_costs", "商品成本价表（按商家编码）：导入、列出"),
    Command("migrate-to", "desktop_app.cli.team", "把本机的数据库文件整体迁移到团队数据库（PostgreSQL）"),
    Command("seat", "desktop_app.cli.team", "查看或设置这台电脑的席位名（每次修改都记下是谁做的）"),
)


# Generic for the type checker only (argparse's class takes no [] at run time).
if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[ChineseArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction


def command_modules() -> list[str]:
    """Each module of `COMMANDS` once, in the table's order."""
    return list(dict.fromkeys(command.module for command in COMMANDS))


class LazyCommands(_SubParsers):
    """`add_subparsers(action=LazyCommands)`: a command's parser stands empty (its name and help line only)
    until argparse chooses the command; its module then registers the real one in its place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._not_loaded: dict[str, str] = {}  # command → its module, while its parser stands empty

    def add_commands(self, commands: Sequence[Command]) -> None:
        for command in commands:
            self.add_parser(command.name, help=command.help)
            self._not_loaded[command.name] = command.module

    def load(self, name: str) -> None:
        """Put the real parser of command `name` (and of the other commands its module registers) in place."""
        module = self._not_loaded.get(name)
        if module is None:
            return
        registered = argparse._SubParsersAction(option_strings=[], prog=self._prog_prefix,
                                                parser_class=self._parser_class)
        importlib.import_module(module).register(registered)
        for each, parser in registered.choices.items():
            if self._not_loaded.pop(each, None) is not None:
                self._name_parser_map[each] = parser

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        if isinstance(values, Sequence) and values and isinstance(values[0], str):
            self.load(values[0])
        super().__call__(parser, namespace, values, option_string)


def add_commands(parser: ChineseArgumentParser) -> LazyCommands:
    commands = cast(LazyCommands, parser.add_subparsers(dest="command", metavar="COMMAND", title="命令",
                                                        action=LazyCommands))
    commands.add_commands(COMMANDS)
    return commands

"""A shop working a fresh ledger through the command line, as testers do (`python -m desktop_app ...`):
the scenario tests of round 3 (test_timer_scenarios_round3.py) drive every step through `desktop_app.cli.run`
and read the deadlines back from `deadlines --case N --all --json`."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.cli import run

SAMPLE_ORDERS = Path(__file__).parent.parent / "fixtures" / "samples" / "taobao_ExportOrderList.csv"


@dataclass
class Said:
    code: int
    out: str
    err: str


class ShopCli:
    """One fresh SQLite ledger and the commands a shop types on it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.db = str(folder / "ledger.sqlite3")
        self._orders = 0

    def say(self, *args: str) -> Said:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run([*args, "--db", self.db])
        return Said(code, out.getvalue(), err.getvalue())

    def cli(self, *args: str) -> str:
        said = self.say(*args)
        assert said.code == 0, (args, said.out, said.err)
        return said.out

    def add(self, platform: str, kind: str, reason: str, *, order: str | None = None, **times: str) -> int:
        """`case add`; `times` are its --…-at options without the suffix (requested, signed, agreed, paid,
        shipped, return_shipped, succeeded)."""
        if order is None:
            self._orders += 1
            order = f"SC-{self._orders}"
        args = ["case", "add", "--platform", platform, "--order", order, "--kind", kind, "--reason", reason]
        for name, value in times.items():
            args += [f"--{name.replace('_', '-')}-at", value]
        return int(self.cli(*args).strip())

    def act(self, case_id: int, action: str, at: str, *extra: str) -> None:
        self.cli("case", "act", str(case_id), action, "--at", at, *extra)

    def timers(self, case_id: int) -> dict[str, dict[str, Any]]:
        """Every timer of the case (`deadlines --all --json`), by timer id."""
        rows = json.loads(self.cli("deadlines", "--case", str(case_id), "--all", "--json"))
        return {row["timer"]: row for row in rows}

    def import_taobao_orders(self, *orders: tuple[str, str, str]) -> None:
        """A 淘宝 order export (the sample's columns) with these unshipped orders: (order number, amount paid
        in yuan, paid at)."""
        with SAMPLE_ORDERS.open(encoding="gb18030", newline="") as f:
            header, *rows = list(csv.reader(f))
        template = next(r for r in rows if r[header.index("物流单号")] == "")
        lines = [header]
        for number, amount, paid_at in orders:
            row = list(template)
            row[header.index("订单编号")] = f'="{number}"'
            for column in ("买家应付货款", "总金额", "买家实际支付金额"):
                row[header.index(column)] = amount
            row[header.index("订单创建时间")] = row[header.index("订单付款时间")] = paid_at
            lines.append(row)
        target = self.folder / "ExportOrderList.csv"
        with target.open("w", encoding="gb18030", newline="") as f:
            csv.writer(f).writerows(lines)
        self.cli("import-orders", str(target), "--platform", "taobao")

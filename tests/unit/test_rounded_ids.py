"""Long ids Excel rounded and saved back as text ("2091714521178500000"): refused where a column is
rounded throughout or the ledger holds the real number, kept with a warning where it may be real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aftersales_files import copy_fixture, expected
from order_files import copy_sample
from test_case_import import cli, listed

from desktop_app.core.clock import parse_moment
from desktop_app.io.rounded_ids import RoundedColumns, lost_digits
from desktop_app.store.database import open_database
from desktop_app.store.models import Order

_TAOBAO_ORDER = re.compile(r'^"=""(\d{16,})"""')


def rounded(number: str) -> str:
    """What Excel leaves of a long number: 15 significant digits, the rest zeros."""
    return number[:15] + "0" * (len(number) - 15)


def test_what_excel_leaves_of_a_long_number() -> None:
    assert lost_digits("2091714521178500000") == 4
    assert lost_digits("194032699102374000") == 3
    assert lost_digits("2091714521178512345") == 0
    assert lost_digits("209171452117850") == 0  # 15 digits survive a number cell
    assert lost_digits("0209171452117850000") == 0  # Excel keeps no leading zero
    assert lost_digits("261111-75530631355400") == 0
    assert lost_digits("２０９１７１４５２１１７８５００００") == 0  # full-width digits were typed, not rounded


def test_a_column_is_rounded_when_every_long_id_ends_so_beyond_chance() -> None:
    whole = RoundedColumns()
    for row, number in enumerate(("2879217421809679290", "1940326991023740001", "3975104904954901234"), start=2):
        whole.see(row, "订单编号", rounded(number))
    certain, only = whole.split()
    assert [s.row for s in certain] == [2, 3, 4] and only == []
    one = RoundedColumns()
    one.see(2, "订单编号", "2879217421809670000")
    one.see(3, "订单编号", "1940326991023740001")
    certain, only = one.split()
    assert certain == [] and [(s.row, s.lost) for s in only] == [(2, 4)]
    # Two 16-digit ids ending in 0: one real pair in a hundred does; kept, each with its warning.
    short = RoundedColumns()
    short.see(2, "单号", "2879217421809670")
    short.see(3, "单号", "1940326991023740")
    assert short.split()[0] == [] and len(short.split()[1]) == 2


def _taobao_orders(tmp_path: Path, rows: set[int] | None) -> Path:
    """The 淘宝 order list with the order number of these data rows (all when None) as Excel leaves it."""
    [path] = copy_sample(tmp_path, "taobao_ExportOrderList.csv")
    lines = path.read_bytes().decode("gb18030").split("\n")
    for i in range(1, len(lines)):
        if rows is None or i + 1 in rows:
            lines[i] = _TAOBAO_ORDER.sub(lambda m: rounded(m.group(1)), lines[i])
    path.write_bytes("\n".join(lines).encode("gb18030"))
    return path


def test_import_orders_refuses_a_rounded_column_and_warns_of_a_lone_number(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    whole = _taobao_orders(tmp_path, None)
    code, out, err = cli(capsys, "import-orders", str(whole), "--db", ledger_target, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 1 and entry["inserted"] == 0 and entry["rejected"] == 40
    first = entry["errors"][0]
    assert (first["row"], first["column"]) == (2, "订单编号")
    assert first["message"].startswith("订单编号“4145384019161460000”末尾 4 位都是 0")
    assert "设为“文本”" in first["message"]
    (tmp_path / "one").mkdir()
    one = _taobao_orders(tmp_path / "one", {2})
    code, out, err = cli(capsys, "import-orders", str(one), "--db", ledger_target)
    assert code == 0 and "新增 40" in out
    assert "警告：taobao_ExportOrderList.csv：第 2 行“订单编号”列：“4145384019161460000”末尾 4 位都是 0" in err


def _refunds(tmp_path: Path, rows: set[int] | None) -> Path:
    """The 淘宝 refund list with the order number (second column) of these rows rounded (all when None)."""
    [path] = copy_fixture(tmp_path, "tb_refunds.csv")
    lines = path.read_bytes().decode("gb18030").split("\n")
    for i in range(1, len(lines)):
        cells = lines[i].split(",")
        if len(cells) > 2 and (rows is None or i + 1 in rows):
            cells[1] = rounded(cells[1])
            lines[i] = ",".join(cells)
    path.write_bytes("\n".join(lines).encode("gb18030"))
    return path


def test_import_cases_judges_a_rounded_order_number_by_the_ledger(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    db = ledger_target
    cases = expected("tb_refunds.csv")["cases"]
    folders = iter(range(10))

    def refunds(rows: set[int] | None) -> Path:
        folder = tmp_path / str(next(folders))
        folder.mkdir()
        return _refunds(folder, rows)

    code, out, _ = cli(capsys, "import-cases", str(refunds(None)), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 1 and (entry["inserted"], entry["rejected"]) == (0, 20)
    assert entry["errors"][0]["row"] == 2 and entry["errors"][0]["column"] == "订单编号"
    assert "这一列的长数字都是这样" in entry["errors"][0]["message"]

    # Nothing in the ledger to tell: kept, with a warning that names the row.
    code, out, _ = cli(capsys, "import-cases", str(refunds({4})), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and (entry["inserted"], entry["rejected"]) == (20, 0)
    other = cases[2]["order"]
    told = f"第 4 行“订单编号”列：“{rounded(other)}”末尾 {len(other) - 15} 位都是 0"
    assert any(w.startswith(told) and "台账里也没有这个订单" in w for w in entry["warnings"])

    # The ledger holds the real order now: the rounded number is refused on its row, naming it.
    real = cases[0]["order"]
    code, out, _ = cli(capsys, "import-cases", str(refunds({2})), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 1 and entry["rejected"] == 1
    [error] = entry["errors"]
    assert (error["row"], error["column"]) == (2, "订单编号")
    assert f"“{rounded(real)}”末尾 4 位都是 0，台账里没有这个编号，却有前 15 位相同的 {real}" in error["message"]
    assert listed(capsys, db)[cases[0]["platform_case"]]["order"] == real  # its case keeps the real order


def test_an_order_export_vouches_for_a_real_number_ending_in_zeros(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    cases = expected("tb_refunds.csv")["cases"]
    number = rounded(cases[0]["order"])  # as if the platform had given this very number
    ledger = open_database(ledger_target)
    with ledger.transaction() as session:
        session.add(Order(order_key=f"taobao:{number}", platform="taobao", order_no=number,
                          imported_at=parse_moment("2026-11-20").at, search_text=number))
    ledger.close()
    code, out, _ = cli(capsys, "import-cases", str(_refunds(tmp_path, {2})), "--db", ledger_target, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["inserted"] == 20
    assert not any("末尾" in w for w in entry["warnings"])

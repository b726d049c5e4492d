"""Numbers and dates out of range are messages (CLI) or row errors (files), never tracebacks or a whole
file aborted."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.money import parse_yuan
from desktop_app.store.database import Database, open_database
from tests.unit.order_files import PDD_HEADER, count_rows, pdd_row, run_import, write_csv


@pytest.mark.parametrize("text", ["1e30", "1e3", "1E3", "99999999999999999", "100000000", "nan", "inf",
                                  "0x10", "12.5.1"])
def test_amounts_out_of_range_or_in_exponent_form_are_refused(text: str) -> None:
    with pytest.raises(UserError):
        parse_yuan(text)


def test_plain_amounts_still_parse() -> None:
    assert parse_yuan("￥1,234.50元") == Decimal("1234.50")
    assert parse_yuan("99999999.99") == Decimal("99999999.99")
    assert parse_yuan(".5") == Decimal("0.50")


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31 10:00", "9999-12-31"])
def test_dates_out_of_range_are_refused(text: str) -> None:
    with pytest.raises(UserError, match="年份"):
        parse_moment(text)


@pytest.mark.parametrize(("args", "expected"), [
    (("case", "add", "--platform", "pdd", "--order", "1", "--kind", "reship", "--amount", "1e30"), "不是有效的金额"),
    (("case", "add", "--platform", "pdd", "--order", "1", "--kind", "reship", "--amount", "1e3"), "不是有效的金额"),
    (("case", "add", "--platform", "pdd", "--order", "1", "--kind", "reship", "--amount", "99999999999999999"),
     "太大"),
    (("case", "add", "--platform", "pdd", "--order", "1", "--kind", "reship", "--signed-at", "0001-01-01"), "年份"),
    (("case", "add", "--platform", "pdd", "--order", "1" * 65, "--kind", "reship"), "太长"),
    (("case", "show", str(2**70)), "太大"),
    (("case", "act", str(2**70), "close"), "太大"),
    (("case", "show", "0"), "从 1 开始"),
    (("case", "show", "-3"), "正整数"),
    (("claim", "show", str(2**70)), "太大"),
    (("reship", "ship", str(2**70), "--carrier", "顺丰", "--tracking", "SF1"), "太大"),
    (("case", "list", "--limit", str(10**20)), "--limit"),
    (("deadlines", "--within", "1e9"), "小时数"),
    (("deadlines", "--within", "1000000000"), "太大"),
    (("deadlines", "--within", "nan"), "小时数"),
])
def test_cli_values_out_of_range_are_one_chinese_line(capsys: pytest.CaptureFixture[str], ledger_target: str,
                                                      args: tuple[str, ...], expected: str) -> None:
    open_database(ledger_target).close()  # there, empty (a ledger that is not there is refused before the values)
    code = run([*args, "--db", ledger_target])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：") and expected in err and "Traceback" not in err, err


def test_a_20_digit_amount_in_a_file_is_a_row_error_and_the_rest_goes_in(db: Database, tmp_path: Path) -> None:
    rows = [PDD_HEADER, pdd_row("261101-000000000000001"),
            pdd_row("261101-000000000000002", paid="12345678901234567890"),
            pdd_row("261101-000000000000003", quantity="99999999999999999999"),
            pdd_row("261101-" + "9" * 70),
            pdd_row("261101-000000000000004", paid_at="0001-01-01 10:00:00")]
    result = run_import(db, write_csv(tmp_path / "pdd.csv", rows))
    file = result.files[0]
    assert file.refused is None and file.inserted == 1 and file.rejected == 4
    messages = " ".join(e.message for e in file.errors)
    assert "过大" in messages and "订单号" in messages and "年份" in messages
    assert count_rows(db) == 1

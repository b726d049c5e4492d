"""A damaged ledger is found at open, never written to, and the newest good backup is named (CLI exit 2);
database failures and bugs in a command are one Chinese line, never a traceback."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from desktop_app.cli import run
from desktop_app.core.errors import LedgerDamaged
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import CheckOutcome, check_integrity
from tests.unit.full_disk import POSIX_ONLY, files_up_to

SAMPLE_ORDERS = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_ledger(_capsys: pytest.CaptureFixture[str], path: Path, cases: int = 30) -> None:
    db = open_database(path)
    try:
        for number in range(1, cases + 1):
            open_case(db, NewCase(Platform.PDD, f"2611{number:06d}", CaseKind.RESHIP, note="少发" * 50))
    finally:
        db.close()


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of `table` with noise, as a bad sector or a half-copied file does."""
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_healthy_ledger_passes_and_a_damaged_one_is_refused(capsys: pytest.CaptureFixture[str],
                                                                db_path: Path) -> None:
    make_ledger(capsys, db_path)
    assert check_integrity(db_path, None).outcome is CheckOutcome.HEALTHY
    damage_table(db_path, "cases")
    report = check_integrity(db_path, None)
    assert report.damaged and report.problems
    with pytest.raises(LedgerDamaged):
        open_database(db_path)


def test_cli_on_a_damaged_ledger_names_the_newest_good_backup_and_writes_nothing(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    make_ledger(capsys, db_path)
    older = backups.back_up(db_path)
    code, out, _ = cli(capsys, "backup", "--db", str(db_path))
    newest = Path(out.strip())
    assert code == 0 and newest.is_file() and newest != older
    damage_table(db_path, "orders")
    before = digest(db_path)
    for args in (("case", "list"), ("case", "add", "--platform", "pdd", "--order", "9", "--kind", "reship"),
                 ("import-orders", str(SAMPLE_ORDERS / "pdd_orders.csv")),
                 ("export-orders", str(db_path.parent / "x.xlsx"))):
        code, out, err = cli(capsys, *args, "--db", str(db_path))
        assert code == 2, (args, err)
        assert "已损坏" in err and str(newest) in err and "Traceback" not in err
    assert digest(db_path) == before


def test_a_damaged_newest_backup_is_skipped(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    make_ledger(capsys, db_path)
    good = backups.back_up(db_path)
    bad = backups.back_up(db_path)
    damage_table(bad, "cases")
    assert backups.newest_good_backup(db_path) == backups.list_backups(db_path)[1]
    assert backups.list_backups(db_path)[1].path == good


def test_a_ledger_cut_in_half_is_damaged_and_reported_without_a_traceback(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    make_ledger(capsys, db_path, cases=80)
    size = db_path.stat().st_size
    with db_path.open("r+b") as handle:
        handle.truncate(size // 2)
    code, _, err = cli(capsys, "case", "show", "1", "--db", str(db_path))
    assert code == 2 and "已损坏" in err and "没有找到可用的备份" in err and "Traceback" not in err


def test_a_bug_is_one_chinese_line_and_a_log_entry(capsys: pytest.CaptureFixture[str], db_path: Path,
                                                   data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.cli import cases

    def broken(_session: object, *_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cases, "_list", lambda args: broken(None))
    code, _, err = cli(capsys, "case", "list", "--db", str(db_path))
    # the handler was bound at parser build time: patching the module function must reach it
    log = data_home / "logs" / "errors.log"
    assert code == 3 and err.startswith("内部错误（ZeroDivisionError）") and err.count("\n") == 1
    assert str(log) in err and "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")


def test_a_database_bug_logs_no_buyer_data(capsys: pytest.CaptureFixture[str], db_path: Path, data_home: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """errors.log (which the message asks the shop to send to the developer) carried the statement's values:
    "[parameters: ('秦文红', '19328792174', …)]"."""
    from sqlalchemy import text

    from desktop_app.cli import cases

    def broken(_args: object) -> int:
        db = open_database(db_path)
        try:
            with db.transaction() as session:  # a statement the code got wrong, with a buyer's data
                session.execute(text("UPDATE cases SET no_such_column = :phone WHERE receiver = :name"),
                                {"phone": "19328792174", "name": "秦文红"})
        finally:
            db.close()
        return 0

    monkeypatch.setattr(cases, "_list", broken)
    code, _, err = cli(capsys, "case", "list", "--db", str(db_path))
    logged = (data_home / "logs" / "errors.log").read_text(encoding="utf-8")
    assert code == 3 and "no_such_column" in logged
    assert "19328792174" not in logged and "秦文红" not in logged and "19328792174" not in err


def test_database_failures_become_messages(capsys: pytest.CaptureFixture[str], db_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.cli import cases

    failures: list[BaseException] = [
        sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")),
        sa_exc.IntegrityError("INSERT", {}, sqlite3.DatabaseError("database disk image is malformed")),
        OverflowError("Python int too large to convert to SQLite INTEGER"),
    ]
    for failure, expected, code_expected in zip(failures, ("另一个程序写入", "已损坏", "数字太大"), (2, 2, 2),
                                                strict=True):
        def fail(_args: object, failure: BaseException = failure) -> int:
            raise failure

        monkeypatch.setattr(cases, "_list", fail)
        code, _, err = cli(capsys, "case", "list", "--db", str(db_path))
        assert code == code_expected and expected in err and "Traceback" not in err


def test_the_check_command_checks_the_whole_file(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    make_ledger(capsys, db_path)
    code, out, _ = cli(capsys, "check", "--db", str(db_path))
    assert code == 0 and "数据库完好" in out
    damage_table(db_path, "cases")
    code, _, err = cli(capsys, "check", "--db", str(db_path))
    assert code == 2 and "已损坏" in err and "没有找到可用的备份" in err


@POSIX_ONLY
def test_a_healthy_ledger_the_check_cannot_read_here_is_not_called_damaged(capsys: pytest.CaptureFixture[str],
                                                                           db_path: Path) -> None:
    """A read-only folder or a full disk (SQLite cannot make the ledger's -shm file, 32 KB): the check at open
    said "已损坏，为免损失扩大，程序不会再写入它" of a healthy ledger and told the shop to restore the newest backup
    over it (everything since that backup lost); `check` said "数据库完好" of a file it never read."""
    make_ledger(capsys, db_path)
    backups.back_up(db_path)
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)  # closed: SQLite makes it again at the next open
    before = digest(db_path)
    with files_up_to(16 * 1024):
        assert check_integrity(db_path, None).outcome is CheckOutcome.UNFINISHED
        code, _, err = cli(capsys, "case", "list", "--db", str(db_path))
        assert code == 2 and "已损坏" not in err and "restore" not in err, err
        code, out, err = cli(capsys, "check", "--db", str(db_path))
        assert code == 2 and "无法检查数据库文件" in err and "文件没有被判为损坏" in err and out == "", err
    assert digest(db_path) == before
    assert check_integrity(db_path, None).outcome is CheckOutcome.HEALTHY


def test_the_check_at_open_stops_within_its_budget(tmp_path: Path) -> None:
    big = tmp_path / "big.sqlite3"
    with sqlite3.connect(big) as conn:  # ~80 MB in 20,000 rows: a full check takes a good while
        conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)")
        conn.executemany("INSERT INTO filler (data) VALUES (randomblob(4000))", [()] * 20_000)
        conn.execute("CREATE INDEX filler_data ON filler (substr(data, 1, 8))")
    conn.close()
    report = check_integrity(big, 0.02)
    assert report.outcome is CheckOutcome.UNFINISHED and report.seconds < 1.0
    assert check_integrity(big, None).outcome is CheckOutcome.HEALTHY


def test_another_programs_sqlite_file_is_refused_untouched(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    foreign = tmp_path / "other" / "shop.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE orders (sku TEXT)")
        conn.execute("INSERT INTO orders VALUES ('SKU-1')")
    conn.close()
    before = digest(foreign)
    code, _, err = cli(capsys, "case", "list", "--db", str(foreign))
    # Was an internal error (OperationalError: table orders already exists), the file switched to WAL
    # and a .bak copy written beside it.
    assert code == 2 and "不是售后台账数据库" in err and "orders" in err and "Traceback" not in err
    assert digest(foreign) == before
    assert [p.name for p in foreign.parent.iterdir()] == ["shop.db"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_db_option_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    code, _, err = cli(capsys, "case", "list", "--db", blank)
    assert code == 2 and "数据库地址是空的" in err  # not the default ledger, nor a file named "   "
    assert list((tmp_path / "cwd").iterdir()) == []
    assert not (tmp_path / "data-home" / "ledger.sqlite3").exists()

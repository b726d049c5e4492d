"""Team mode without a server: where the ledger is (`--db`, AFTERSALES_LEDGER_DB, the saved server),
the seat name, the password in the keyring (never in a file), and the messages for bad addresses."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from uuid import uuid4

import keyring
import keyring.backends.fail
import psycopg
import pytest

from desktop_app.cli import run
from desktop_app.core.errors import UserError
from desktop_app.paths import default_db_path
from desktop_app.services import team
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.locations import parse_location, server_location
from tests.conftest import MemoryKeyring


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(team.ENV_DB, raising=False)
    monkeypatch.delenv(team.ENV_SEAT, raising=False)


def test_urls_and_paths_are_told_apart_and_passwords_never_shown() -> None:
    url = parse_location("postgresql://小王:s3cret@192.168.1.20:5433/shop")
    assert url.is_server and url.url is not None
    assert url.url.drivername == "postgresql+psycopg" and url.url.port == 5433 and url.url.database == "shop"
    assert "s3cret" not in url.display() and "***" in url.display()
    assert parse_location("postgres://u@h/db").url is not None
    assert parse_location("postgresql+psycopg://u@h/db").server_key() == "u@h:5432/db"
    assert parse_location("D:/账本/ledger.sqlite3").path == Path("D:/账本/ledger.sqlite3")
    assert parse_location("sqlite:////tmp/x.sqlite3").path == Path("/tmp/x.sqlite3")
    with pytest.raises(UserError, match="不支持的数据库地址"):
        parse_location("mysql://root:pw@h/db")
    with pytest.raises(UserError, match="缺少数据库名") as refused:
        parse_location("postgresql://root:topsecret@h")
    assert "topsecret" not in refused.value.message


def test_a_mistyped_server_address_is_refused_never_made_a_file_named_after_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--db postgresql+psycopg:shop:pw@host/db` (one slash or none after the scheme) opened a new, empty SQLite
    ledger in folders named after the address, the password in their names, and every command answered as
    if on the team's ledger (case list: 没有符合条件的售后单, exit 0; an import went into that file)."""
    monkeypatch.chdir(tmp_path)
    for typed in ("postgresql+psycopg:shop:topsecret@192.168.1.20:5432/shop", "postgresql:/shop:topsecret@nas/shop",
                  "Postgres:shop:topsecret@nas/shop", "postgresql//shop:topsecret@nas/shop"):
        with pytest.raises(UserError, match="写法不对") as refused:
            parse_location(typed)
        assert "postgresql+psycopg://" in refused.value.message and "topsecret" not in refused.value.message
    assert not list(tmp_path.iterdir())
    assert parse_location("postgres-ledgers/ledger.sqlite3").path == Path("postgres-ledgers/ledger.sqlite3")


def test_a_password_with_an_at_sign_is_taken_whole() -> None:
    """`shop:Sekr3t@Pw9@nas/shop` connected to the host `Pw9@nas` with the password `Sekr3t`, and every message
    named the server as shop:***@Pw9@nas: a part of the password on the screen and in the log."""
    location = parse_location("postgresql+psycopg://shop:Sekr3t@Pw9@nas:5433/shop")
    assert location.url is not None and location.url.password == "Sekr3t@Pw9" and location.url.host == "nas"
    assert location.url.port == 5433 and "Pw9" not in location.display()
    typed = parse_location("postgresql://shop:Sekr3t%40Pw9@nas/shop")  # already written as the URL wants it
    assert typed.url is not None and typed.url.password == "Sekr3t@Pw9"


def test_which_ledger_opens_first_match_wins(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    assert team.ledger_location(None).path == default_db_path()
    team.save_team_settings(team.TeamSettings(server="postgresql+psycopg://kf@db.local:5432/shop", use_server=True))
    memory_keyring.set_password(team.KEYRING_SERVICE, "kf@db.local:5432/shop", "pw1")
    saved = team.ledger_location(None)
    assert saved.url is not None and saved.url.host == "db.local" and saved.url.password == "pw1"
    monkeypatch.setenv(team.ENV_DB, "postgresql://boss:pw2@nas:5432/shop")
    from_env = team.ledger_location(None)
    assert from_env.url is not None and from_env.url.host == "nas" and from_env.url.password == "pw2"
    assert team.ledger_location("/tmp/own.sqlite3").path == Path("/tmp/own.sqlite3")


def test_the_password_goes_to_the_keyring_never_to_the_settings_file(memory_keyring: MemoryKeyring) -> None:
    location = server_location("db.local", 5432, "shop", "kf")
    team.save_password(location, "s3cret")
    assert team.saved_password(location) == "s3cret"
    with pytest.raises(UserError, match="密码不能写进设置文件"):
        team.save_team_settings(team.TeamSettings(server="postgresql://kf:s3cret@db.local/shop"))
    team.save_team_settings(team.TeamSettings(server=location.display(), use_server=True, seat="小王"))
    stored = (team._settings_path()).read_text(encoding="utf-8")
    assert "s3cret" not in stored and json.loads(stored)["seat"] == "小王"


def test_without_a_keyring_the_password_is_refused_not_written_elsewhere(tmp_path: Path) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(UserError, match="系统钥匙串") as refused:
            team.save_password(server_location("h", 5432, "d", "u"), "pw")
        assert team.saved_password(server_location("h", 5432, "d", "u")) is None
        # The keyring library's own words advised installing keyrings.alt — its backends keep passwords in
        # a file, which this computer is told the app never does — in English, inside the Chinese message.
        assert "keyrings.alt" not in refused.value.message and "backend" not in refused.value.message
    finally:
        keyring.set_keyring(before)


def test_seat_name_from_env_then_settings_then_login(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["seat", "  小 王 "]) == 0
    assert team.seat_name() == "小 王"
    assert run(["seat"]) == 0 and capsys.readouterr().out.strip().endswith("小 王")
    monkeypatch.setenv(team.ENV_SEAT, "夜班")
    assert team.seat_name() == "夜班"
    assert run(["seat", "a|b"]) == 2
    assert "席位名不能" in capsys.readouterr().err


def test_the_seat_is_never_read_from_a_half_written_settings_file() -> None:
    """`seat_name()` reads team.json at every pooled connection's checkout, on the window's reading threads too,
    while this computer's id is written on another (`take_seat` after the first start's seat name): the file
    was rewritten in place, empty for a moment, and read back as no seat — the login name recorded the change,
    and tests/ui/test_team_window.py's first start found the name it had just saved empty, 1 run in 8."""
    team.update_team_settings(seat="小王")
    stop = threading.Event()

    def rewrite() -> None:
        while not stop.is_set():
            team.update_team_settings(computer=uuid4().hex)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        seen = {team.load_team_settings().seat for _ in range(3000)}
    finally:
        stop.set()
        writer.join()
    assert seen == {"小王"}


def test_two_threads_saving_the_settings_keep_each_others_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer's id made on a reading thread while the seat is named on the window's: each saved the file
    as it had read it, and the later one wrote back the other's field as it was before. (A read made slow here,
    as a busy disk makes it: the two meet every time.)"""
    read = team.load_team_settings

    def slow_read() -> team.TeamSettings:
        settings = read()
        time.sleep(0.001)
        return settings

    monkeypatch.setattr(team, "load_team_settings", slow_read)
    names = [f"小王{i}" for i in range(100)]
    made: list[str] = []

    def name_the_seat() -> None:
        for name in names:
            team.update_team_settings(seat=name)

    def make_the_id() -> None:
        for _ in names:
            team.update_team_settings(computer="")
            made.append(team.computer_id())

    threads = [threading.Thread(target=name_the_seat), threading.Thread(target=make_the_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = team.load_team_settings()
    assert saved.seat == names[-1] and saved.computer == made[-1]


def test_cli_messages_for_bad_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["case", "list", "--db", "mysql://root:pw@h/db"]) == 2
    err = capsys.readouterr().err
    assert "不支持的数据库地址" in err and "Traceback" not in err and "pw@" not in err
    # Nothing listens on port 9 of this machine: refused at once, in Chinese, exit 2.
    assert run(["case", "list", "--db", "postgresql://u:pw@127.0.0.1:9/shop"]) == 2
    err = capsys.readouterr().err
    assert "无法连接团队数据库" in err and ":pw@" not in err and "Traceback" not in err
    assert run(["migrate-to", "/tmp/not-a-server.sqlite3"]) == 2
    assert "团队数据库地址" in capsys.readouterr().err


def test_migrate_to_an_unreachable_server_names_the_server_not_the_file(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    assert run(["case", "add", "--db", str(db_path), "--platform", "pdd", "--order", "1", "--kind", "reship"]) == 0
    capsys.readouterr()
    assert run(["migrate-to", "postgresql://u:pw@127.0.0.1:9/shop", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "无法连接团队数据库 postgresql+psycopg://u:***@127.0.0.1:9/shop" in err  # named the file before
    assert str(db_path) not in err and ":pw@" not in err and "Traceback" not in err


def test_a_server_failure_without_an_address_is_said_once() -> None:
    """The window's messages know no address: they said "无法连接团队数据库 团队数据库：…"."""
    try:
        psycopg.connect("host=127.0.0.1 port=9 dbname=shop user=u connect_timeout=5")
    except psycopg.OperationalError as refused:
        message = as_user_error(refused, None)
    assert message is not None and message.message.startswith("无法连接团队数据库：服务器拒绝连接")
    assert "Connection refused" in message.message  # the driver's words kept, in brackets, for whoever helps


@pytest.mark.parametrize(("driver", "cause"), [
    ('failed to resolve host \'nas.local\': [Errno -2] Name or service not known', "找不到这个服务器地址"),
    ("connection failed: timeout expired", "连接超时"),
    ("connection failed: No route to host", "网络不通"),
    ("server closed the connection unexpectedly", "服务器意外断开了连接"),
    ("the connection is lost", "网络或服务器断开了连接"),
    ("something new the driver says", "something new the driver says"),
])
def test_why_a_server_cannot_be_reached_is_said_in_chinese(driver: str, cause: str) -> None:
    """It said psycopg's English alone ("failed to resolve host …")."""
    message = as_user_error(psycopg.OperationalError(driver), "postgresql+psycopg://u:***@nas.local/shop")
    assert message is not None and f"：{cause}" in message.message


def test_a_server_asking_for_a_password_nobody_gave_says_so() -> None:
    """A seat whose keyring holds no password for the server (or which has no keyring) was told the
    driver's "fe_sendauth: no password supplied" and to check the network, the address and the port."""
    refused = psycopg.OperationalError('connection failed: connection to server at "192.168.1.20", port 5432 '
                                       "failed: fe_sendauth: no password supplied")
    message = as_user_error(refused, parse_location("postgresql://kf@192.168.1.20/shop"))
    assert message is not None
    assert message.message.startswith("无法登录团队数据库 postgresql+psycopg://kf@192.168.1.20/shop：服务器要求密码")
    assert "钥匙串" in message.message and "fe_sendauth" not in message.message and "网络" not in message.message

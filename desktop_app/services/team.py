"""Team mode: which ledger this computer opens, who sits at it, and the server's password.

A shop of one keeps its ledger in a SQLite file in the data folder. A team shares one on a
PostgreSQL server; this computer remembers the server (without the password) and its seat name in
`<data folder>/team.json`, and the password in the system keyring (Windows Credential Manager, macOS
Keychain, Secret Service on Linux) — never in a file. What opens, first match wins: `--db`, the
environment variable `AFTERSALES_LEDGER_DB`, the saved team server, the default SQLite file.
"""

from __future__ import annotations

import getpass
import json
import os
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from uuid import uuid4

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.io.toml_files import write_atomically
from desktop_app.paths import data_dir, default_db_path
from desktop_app.store.locations import LedgerLocation, parse_location

ENV_DB = "AFTERSALES_LEDGER_DB"
ENV_SEAT = "AFTERSALES_LEDGER_SEAT"
SETTINGS_FILE = "team.json"
KEYRING_SERVICE = "AftersalesLedger"
MAX_SEAT_LENGTH = 30
RENAME_TRIES = 50


@dataclass(frozen=True)
class TeamSettings:
    server: str = ""  # the server URL without its password; "" = none saved
    use_server: bool = False  # open the server instead of the local file
    seat: str = ""  # who works at this computer, written into every change
    computer: str = ""  # this computer's id on a team ledger (services/seats.py); made once


def _settings_path() -> Path:
    return data_dir() / SETTINGS_FILE


_TEXT_KEYS = ("server", "seat", "computer")


def _settings_problem(path: Path, why: str) -> UserError:
    # Taken for "no team server", such a file opened the local ledger file without a word: a seat then recorded
    # its day in a ledger the others never see. Nothing opens until the shop says which ledger it means.
    return UserError(f"这台电脑的团队设置文件 {path} {why}，不知道该打开团队数据库还是本机的数据库文件：为免把修改"
                     "记进另一个账本，没有打开任何数据库。请用 --db 指定要打开的数据库；或删除这个文件，再在 文件 → "
                     "连接团队数据库… 重新连接（不连接则打开本机的数据库文件）")


def _stored_settings() -> TeamSettings:
    """The saved settings; none when there is no file. A file that cannot be read as settings raises UserError."""
    path = _settings_path()
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a BOM: the file saved again in Windows' Notepad
    except FileNotFoundError:
        return TeamSettings()
    except OSError as error:
        raise _settings_problem(path, f"读不出来（{system_error_text(error)}）") from None
    except UnicodeDecodeError:
        raise _settings_problem(path, "不是 UTF-8 文本（已损坏）") from None
    try:
        stored = json.loads(text)
    except ValueError:
        raise _settings_problem(path, "已损坏（不是有效的 JSON）") from None
    if not isinstance(stored, dict) or not all(isinstance(stored.get(key, ""), str) for key in _TEXT_KEYS) \
            or not isinstance(stored.get("use_server", False), bool):
        raise _settings_problem(path, "的内容不对（应是 server、seat 等几项文字和 use_server 一个 true/false）")
    return TeamSettings(server=stored.get("server") or "", use_server=stored.get("use_server", False),
                        seat=stored.get("seat") or "", computer=stored.get("computer") or "")


def load_team_settings() -> TeamSettings:
    """The saved settings; a missing or unreadable file means none. Which ledger opens asks `ledger_location`,
    which refuses a file it cannot read instead."""
    try:
        return _stored_settings()
    except UserError:
        return TeamSettings()


def save_team_settings(settings: TeamSettings) -> None:
    if settings.server and parse_location(settings.server).url is None:
        raise UserError("团队数据库地址必须是 postgresql+psycopg://… 形式")
    if settings.server and parse_location(settings.server).url.password:  # type: ignore[union-attr]
        raise UserError("密码不能写进设置文件，请单独保存到系统钥匙串")
    # Written beside and renamed over: `seat_name()` reads the file at every pooled connection's checkout, on
    # the window's reading threads too, and a file rewritten in place is empty for a moment — a reader then
    # took the login name for the seat (a change recorded under it; the first start's name read back empty).
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    for attempt in range(RENAME_TRIES):
        try:
            write_atomically(_settings_path(), text)
            return
        except PermissionError:
            # Windows refuses the rename while another thread or process has the file open to read it (for
            # a few microseconds): try again rather than fail a seat's naming.
            if os.name != "nt" or attempt == RENAME_TRIES - 1:
                raise
            time.sleep(0.01)


# One writer at a time in this process: each save starts from the file as the last one left it (this computer's
# id made on a reading thread while the seat is named on the window's would write back the file without it).
_SAVING = threading.Lock()


def update_team_settings(**changes: Any) -> TeamSettings:
    """The saved settings with `changes` (TeamSettings' fields), saved; what is saved now."""
    with _SAVING:
        settings = replace(load_team_settings(), **changes)
        save_team_settings(settings)
        return settings


def computer_id() -> str:
    """This computer's id on a team ledger (services/seats.py), made and saved the first time; OSError when
    the data folder may not be written."""
    with _SAVING:
        saved = load_team_settings()
        if saved.computer:
            return saved.computer
        made = uuid4().hex
        save_team_settings(replace(saved, computer=made))
        return made


def clean_seat_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise UserError("席位名不能为空：请填写在这台电脑上工作的人的名字，例如“小王”")
    if len(name) > MAX_SEAT_LENGTH:
        raise UserError(msg.say(msg.SEAT_TOO_LONG, MAX_SEAT_LENGTH))
    if any(ord(c) < 32 or c in "|\\" for c in name):
        raise UserError("席位名不能含有控制字符、“|”或“\\”")
    return name


def seat_name() -> str:
    """Who works here: `AFTERSALES_LEDGER_SEAT`, the seat saved in 设置, else the login name."""
    from_env = os.environ.get(ENV_SEAT, "").strip()
    if from_env:
        return from_env[:MAX_SEAT_LENGTH]
    saved = load_team_settings().seat
    if saved:
        return saved
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) or no login name
        return ""


def seat_is_chosen() -> bool:
    """Whether someone named this computer's seat (the window asks once on a team ledger)."""
    return bool(os.environ.get(ENV_SEAT, "").strip() or load_team_settings().seat)


def ledger_location(explicit: str | Path | None = None) -> LedgerLocation:
    """The ledger this command or window opens (first match wins: `--db`, `AFTERSALES_LEDGER_DB`,
    the team server saved in 设置, the local file). A server URL without a password gets the one
    saved in the keyring, if any."""
    if explicit is not None:
        location = parse_location(explicit)
    elif os.environ.get(ENV_DB, "").strip():
        location = parse_location(os.environ[ENV_DB].strip())
    else:
        saved = _stored_settings()
        if not (saved.use_server and saved.server):
            return LedgerLocation(path=default_db_path())
        location = parse_location(saved.server)
        if location.url is None:  # a path (the file edited by hand): a new ledger file made wherever it points
            raise _settings_problem(_settings_path(),
                                    f"保存的服务器“{saved.server}”不是 postgresql+psycopg://… 形式的地址")
    if location.url is not None and not location.url.password:
        location = location.with_password(saved_password(location))
    return location


def missing_ledger_file(explicit: str | Path | None = None) -> Path | None:
    """The ledger file `--db` (`explicit`) or AFTERSALES_LEDGER_DB names when it is not there; None for one that
    is, a server, or the default file in the data folder (the first run creates it)."""
    if explicit is None and not os.environ.get(ENV_DB, "").strip():
        return None
    location = ledger_location(explicit)
    if location.path is None or location.path.expanduser().exists():
        return None
    return location.path


def missing_ledger_refusal(path: Path) -> UserError:
    """Why the window or a command that only reads or changes a ledger refuses to make one at `path`."""
    return UserError(msg.say(msg.LEDGER_FILE_MISSING, str(path), ENV_DB))


def _keyring():  # type: ignore[no-untyped-def]
    # Imported on demand: loading the keyring backends costs start-up time every SQLite user would pay.
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def saved_password(location: LedgerLocation) -> str | None:
    """The password saved for this server, or None (no keyring on this computer counts as none)."""
    keyring, errors = _keyring()
    try:
        return keyring.get_password(KEYRING_SERVICE, location.server_key())
    except (errors.KeyringError, RuntimeError):
        return None


def save_password(location: LedgerLocation, password: str) -> None:
    """File the password in the system keyring; refused (never written to a file instead) when the
    computer has none."""
    keyring, errors = _keyring()
    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, location.server_key(), password)
        else:
            keyring.delete_password(KEYRING_SERVICE, location.server_key())
    except errors.PasswordDeleteError:
        return
    except (errors.KeyringError, RuntimeError) as exc:
        # No keyring at all: the library's words advise installing keyrings.alt, whose backends keep the
        # password in a file — what this message promises the app never does. Its name says enough.
        cause = type(exc).__name__ if isinstance(exc, errors.NoKeyringError) else str(exc)
        raise UserError(msg.say(msg.NO_KEYRING, cause, ENV_DB)) from None

"""Where a ledger lives: a SQLite file on this computer, or a PostgreSQL server a team shares.

Every command's `--db`, the environment variable `AFTERSALES_LEDGER_DB` and the team connection
saved in 设置 all name a ledger the same way: a file path, or a URL
`postgresql+psycopg://USER:PASS@HOST:PORT/DBNAME` (`postgresql://` and `postgres://` are accepted and
mean the same driver). The password is kept out of everything shown or logged (`display`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError

if TYPE_CHECKING:
    # SQLAlchemy is imported where a server URL is parsed: the window parses its file ledger's
    # location before it paints, and SQLAlchemy costs ~0.2 s (issue 15; FACTS.md).
    from sqlalchemy.engine import URL

SERVER_DRIVER = "postgresql+psycopg"
_SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DEFAULT_PORT = 5432
# Every connection to a team server notices a network that went away without a word (Wi-Fi dropped, a
# router restarted, the NAS slept): probed after 20 s of silence, given up after 4 unanswered probes 5 s
# apart, or after 60 s of data the server never acknowledged. The operating system's default waited two
# hours: a window's listener heard no other seat's change again, with nothing said, and a write hung.
DEAD_SERVER_ARGS: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 20, "keepalives_interval": 5,
                                    "keepalives_count": 4, "tcp_user_timeout": 60_000}
# The server's side of it: a seat whose network went away in the middle of a transaction (a laptop's lid closed
# during an import) kept its connection, its import turn and its rows locked on the server for the system's two
# hours — every other seat's import and step on those cases waited and was refused (数据库忙), and the dead seat's
# connections counted against max_connections. The server probes such a seat as the seat probes it (settings any
# user may set; where the server's system lacks one it only logs that).
DEAD_SEAT_OPTIONS = ("-c tcp_keepalives_idle=20 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=4 "
                     "-c tcp_user_timeout=60000")


@dataclass(frozen=True)
class LedgerLocation:
    """A SQLite file (`path`) or a PostgreSQL server (`url`, with its password if one was given)."""

    path: Path | None = None
    url: URL | None = None

    @property
    def is_server(self) -> bool:
        return self.url is not None

    def display(self) -> str:
        """For titles, messages and logs: the file, or the URL with the password masked."""
        if self.url is not None:
            return self.url.render_as_string(hide_password=True)
        return str(self.path)

    def with_password(self, password: str | None) -> LedgerLocation:
        if self.url is None or not password:
            return self
        return LedgerLocation(url=self.url.set(password=password))

    def server_key(self) -> str:
        """`user@host:port/db`: what a saved password is filed under in the system keyring."""
        assert self.url is not None
        return f"{self.url.username or ''}@{self.url.host or 'localhost'}:{self.url.port or DEFAULT_PORT}/" \
               f"{self.url.database or ''}"


def looks_like_url(text: str) -> bool:
    return "://" in text


# A server's address with its `://` mistyped (`postgresql+psycopg:shop:pw@nas/shop`, `postgresql:/…`,
# `postgresql//…`): taken as a file path, it made a new empty ledger in folders named after it (the password
# in their names) and every command answered as if on the team's ledger.
_MISTYPED_SERVER = re.compile(r"^(?:postgresql|postgres)(?:\+\w+)?(?::/{0,1}(?!/)|//)", re.IGNORECASE)


def parse_location(value: str | Path) -> LedgerLocation:
    """A `--db` value (path or URL) as a location; an unknown scheme or a URL without a database name
    is refused with a message that says what to write instead."""
    if isinstance(value, str) and not value.strip():  # `--db ""`: never a file named by spaces, nor the default
        raise UserError("数据库地址是空的：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名")
    if isinstance(value, Path):
        return LedgerLocation(path=value.expanduser())
    if not looks_like_url(value):
        if _MISTYPED_SERVER.match(value.strip()):
            raise UserError(msg.say(msg.ADDRESS_MISTYPED, _masked(value.strip())))
        return LedgerLocation(path=Path(value).expanduser())
    text = _at_signs_quoted(value.strip())
    scheme = text.split("://", 1)[0].lower()
    if scheme == "sqlite":
        file = text.split("://", 1)[1].lstrip("/")
        return LedgerLocation(path=Path("/" + file if text.startswith("sqlite:////") else file))
    if scheme not in _SERVER_SCHEMES:
        raise UserError(msg.say(msg.ADDRESS_UNSUPPORTED, _masked(text)))
    from sqlalchemy.engine import make_url  # a server ledger only (see the top)
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(SERVER_DRIVER + "://" + text.split("://", 1)[1])
    except (ArgumentError, ValueError) as exc:
        raise UserError(msg.say(msg.ADDRESS_MALFORMED, _masked(text), str(exc))) from None
    if not url.database:
        raise UserError(msg.say(msg.ADDRESS_WITHOUT_DATABASE, _masked(text)))
    if not url.host:
        url = url.set(host="localhost")
    return LedgerLocation(url=url)


def server_location(host: str, port: int, database: str, user: str, password: str | None = None) -> LedgerLocation:
    from sqlalchemy.engine import URL  # a server ledger only (see the top)

    url = URL.create(SERVER_DRIVER, username=user or None, password=password or None, host=host.strip(),
                     port=port, database=database.strip())
    return LedgerLocation(url=url)


def _at_signs_quoted(text: str) -> str:
    """`shop:Sekr3t@Pw9@nas/shop` as the URL must be written, `shop:Sekr3t%40Pw9@nas/shop`: the server follows
    the last `@`. Taken as it was typed, the host was `Pw9@nas` and the password `Sekr3t` (and shown)."""
    head, sep, rest = text.partition("://")
    credentials, at, tail = rest.rpartition("@")
    if not at or "@" not in credentials:
        return text
    user, colon, password = credentials.partition(":")
    return f"{head}{sep}{user.replace('@', '%40')}{colon}{password.replace('@', '%40')}@{tail}"


def _masked(text: str) -> str:
    """A URL as typed, with anything between `user:` and `@` hidden (also after a mistyped `://`)."""
    head, sep, rest = text.partition("://")
    if not sep:
        found = _MISTYPED_SERVER.match(text)
        head, sep, rest = (text[:found.end()], "", text[found.end():]) if found else (text, "", "")
        if not found or "@" not in rest:
            return text
        credentials, _, tail = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{head}{user}:***@{tail}" if ":" in credentials else text
    if "@" not in rest:
        return text
    credentials, _, tail = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{head}://{user}:***@{tail}" if ":" in credentials else text

"""Opening the ledger: engine, SQLite pragmas, migrations after a backup, sessions.

A ledger is a SQLite file or a PostgreSQL database a team shares (`locations.py`); the dialect
differences of opening one live here, those of searching in `search.py`, of bulk writes in the
upsert modules. Everything else runs the same SQLAlchemy on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.core import messages as msg
from desktop_app.core.errors import DatabaseTooNew, LedgerDamaged, UserError
from desktop_app.store.case_facts import keep_goods
from desktop_app.store.change_tracking import tracked
from desktop_app.store.file_changes import CommitWatch, LedgerConnection
from desktop_app.store.held_files import hold, let_go
from desktop_app.store.ledger_clock import stamped_by_the_ledger
from desktop_app.store.ledger_files import (
    OPEN_CHECK_SECONDS,
    CheckOutcome,
    IntegrityReport,
    check_integrity,
    copy_online,
    has_sqlite_header,
    make_ledger_private,
    other_programs_tables,
)
from desktop_app.store.locations import DEAD_SEAT_OPTIONS, DEAD_SERVER_ARGS, LedgerLocation, parse_location
from desktop_app.store.read_interrupts import ReadInterrupt
from desktop_app.store.revisions import KNOWN_REVISIONS
from desktop_app.store.rule_turns import share_rules_turn, take_rules_turn

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# A second writer (another window, a CLI import) waits this long for the first to commit, then fails
# with a message; one large import holds the write lock for a few seconds.
BUSY_TIMEOUT_MS = 30_000
# The WAL is truncated back to this size after a checkpoint (SQLite keeps its largest size otherwise).
WAL_SIZE_LIMIT = 16 * 1024 * 1024


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python's sqlite3 opens an implicit transaction around DML only; PRAGMAs must run outside one.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cursor.close()


def _no_automatic_checkpoint(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def alembic_config(connection: Any | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return KNOWN_REVISIONS[-1]


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one_or_none()


# Two seats starting a new version at once: the second waits for the first one's migration
# (a transaction-scoped advisory lock), then finds the schema at head.
_MIGRATION_LOCK = 0x5A1E_5001


def _upgrade(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        else:
            # Python's sqlite3 opens a transaction before DML only: without this the DDL of each step
            # committed by itself, and an upgrade stopped half-way (killed, a step failing) left a
            # ledger no version can open. All steps are now one transaction, as on PostgreSQL.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(alembic_config(conn), "head")
        if conn.dialect.name == "postgresql":
            # A migration's new (expression) indexes and rebuilt tables have no planner statistics until
            # autovacuum gets to them: searches took 96–190 ms instead of under 100 until analysed.
            conn.exec_driver_sql("ANALYZE")


def take_write_lock(conn: Connection) -> None:
    """On SQLite, begin the connection's transaction with the write lock (call before its first
    statement); a server's row locks and turns do this job there. A file a restore replaced while this
    connection waited for it is refused: its writes would go into the old file (store/file_changes.py)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        dbapi = conn.connection.dbapi_connection
        if isinstance(dbapi, LedgerConnection) and dbapi.replaced():
            raise UserError(msg.say(msg.LEDGER_REPLACED, str(dbapi.path)))


def backup_file(src: Path, dest: Path) -> None:
    """An online backup through SQLite's backup API: consistent even while the file is in use."""
    copy_online(src, dest)


@dataclass
class Database:
    """An open ledger: the engine and a session factory. One per ledger per process.

    `path` is the SQLite file (None on a server); `location` says where the ledger is either way.
    """

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None
    integrity: IntegrityReport | None = None
    location: LedgerLocation | None = None
    # On a server: the connections (backend pids) this process writes through; change notices from
    # them are our own (store/change_notices.py).
    own_backends: set[int] = field(default_factory=set)
    # On a file: other programs' commits, told apart from ours (store/file_changes.py).
    commits: CommitWatch | None = None
    _let_go: bool = field(default=False, repr=False)  # the file's held descriptor released (store/held_files)

    @property
    def is_server(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def display_name(self) -> str:
        """The file, or the server URL without its password."""
        if self.location is not None:
            return self.location.display()
        return str(self.path)

    @contextmanager
    def transaction(self, alone: bool = False) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception.

        On SQLite the write lock is taken first (BEGIN IMMEDIATE): what the unit reads is then what it
        writes over, a second writer waits for the first (busy timeout) instead of failing on stale data.
        On a server the rules' turn is taken first (store/rule_turns.py): shared, or `alone` (a rule edit
        saved with the deadlines computed with it, a recompute of the cases whose rules changed).
        """
        with self.sessions.begin() as session:
            if self.engine.dialect.name == "sqlite":
                take_write_lock(session.connection())
            elif alone:
                take_rules_turn(session, SERVER_LOCK_TIMEOUT_MS / 1000)
            else:
                share_rules_turn(session)
            yield session

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection-level unit of work (bulk statements without the ORM), the write lock taken
        first on SQLite as in `transaction`: a deferred transaction that had read the ledger was refused
        ("database is locked", without the busy wait) at its first write when another connection had
        committed since."""
        with self.engine.begin() as conn:
            take_write_lock(conn)
            yield conn

    def defer_checkpoints(self) -> None:
        """Commits no longer copy the WAL into the file (SQLite's automatic checkpoint, which the commit of a large
        write runs before it returns: half of a pack save's commit, 83 MB); `checkpoint` does it when nobody waits."""
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _no_automatic_checkpoint)
            self.engine.dispose()  # connections opened before would keep it

    def checkpoint(self) -> None:
        """After a large write: copy the WAL into the file now (PASSIVE: never waits for a reader), so
        that the next write starts the WAL afresh, cut back to WAL_SIZE_LIMIT. Without it a long-running
        window grew its WAL to 217 MB for 36 MB of data over 100 imports."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def reading(self, interrupt: ReadInterrupt | None = None) -> Iterator[Session]:
        """A session for reads; `interrupt` can stop them from another thread (store/read_interrupts)."""
        with self.sessions() as session:
            if interrupt is None:
                yield session
                return
            dbapi: Any = session.connection().connection.dbapi_connection
            if self.is_server:
                pid = int(dbapi.info.backend_pid)
                stop: Callable[[], None] = lambda: self._cancel_backend(pid)  # noqa: E731
            else:
                stop = dbapi.interrupt  # sqlite3: thread-safe; a no-op when no statement runs
            with interrupt.running_on(stop):
                yield session

    def _cancel_backend(self, pid: int) -> None:
        """Stop the statement the server runs for connection `pid` (one of ours), from another one."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_cancel_backend(%(pid)s)", {"pid": pid})

    def close(self) -> None:
        self.engine.dispose()
        if self.path is not None and not self._let_go:
            self._let_go = True  # closed twice: the descriptor another Database on the file shares stays
            let_go(self.path)  # after the engine: no SQLite lock of this Database is left to lose


def open_database(target: Path | str | LedgerLocation, migrate: bool = True,
                  check_seconds: float | None = OPEN_CHECK_SECONDS, seat: Seat = "",
                  checked: IntegrityReport | None = None) -> Database:
    """Open (and create or upgrade) the ledger at `target`: a SQLite file path, or a PostgreSQL URL
    or location. A ledger written by a newer app is refused. On a server, `seat` (who works at this
    window or command; a function is asked at each new connection) goes with every change notice the
    other seats receive. `checked`: the file's integrity check, run already (the window runs it
    before SQLAlchemy is imported), instead of one within `check_seconds`."""
    location = target if isinstance(target, LedgerLocation) else parse_location(target)
    if location.url is not None:
        return _open_server(location, migrate, seat)
    assert location.path is not None
    return _open_file(location.path, migrate, check_seconds, checked)


# A server that does not answer within this is reported as unreachable instead of hanging a window.
CONNECT_TIMEOUT_SECONDS = 10
# Seats wait at most this long for a row another seat has locked (one import holds rows for seconds).
SERVER_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS


Seat = str | Callable[[], str]


def server_engine(location: LedgerLocation, seat: Seat = "", own_backends: set[int] | None = None) -> Engine:
    """An engine on the team's PostgreSQL: connections checked before use (a server restart or a
    dropped Wi-Fi is survived), bounded waits for the server and for locks; each connection carries
    the seat name that the change notices report (migration 0006_team)."""
    assert location.url is not None
    engine = create_engine(
        location.url,
        pool_pre_ping=True,
        hide_parameters=True,  # buyers' names, phones, addresses: never in an error's text (see below)
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "aftersales-ledger",
            # No JIT: compiling a query's expressions costs 50–200 ms, more than any of the app's reads
            # gains from it (the 退货 tab's first read at a million cases: 400–520 ms with, 245–375 without;
            # it runs at start-up beside the first searches).
            "options": f"-c lock_timeout={SERVER_LOCK_TIMEOUT_MS} -c timezone=UTC -c jit=off {DEAD_SEAT_OPTIONS}",
            **DEAD_SERVER_ARGS,
        },
    )

    def name_the_seat(dbapi_conn: Any, record: Any) -> None:
        name = seat() if callable(seat) else seat
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SELECT set_config('ledger.seat', %s, false), pg_backend_pid()", (name,))
            row = cursor.fetchone()
        dbapi_conn.commit()
        record.info["seat"] = name
        if own_backends is not None:
            own_backends.add(int(row[1]))

    def rename_the_seat(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        """A seat renamed while the window runs: each pooled connection takes the new name when next
        used (a Python comparison per checkout; the server is asked only after a rename)."""
        if callable(seat) and record.info.get("seat") != seat():
            name_the_seat(dbapi_conn, record)

    event.listen(engine, "connect", name_the_seat)
    event.listen(engine, "checkout", rename_the_seat)
    return engine


def _open_server(location: LedgerLocation, migrate: bool, seat: Seat) -> Database:
    own_backends: set[int] = set()
    engine = server_engine(location, seat, own_backends)
    try:
        _check_revision(engine, location.display())
        if migrate and _current_revision(engine) != head_revision():
            _upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    sessions = stamped_by_the_ledger(keep_goods(tracked(sessionmaker(engine, expire_on_commit=False))))
    return Database(None, engine, sessions, location=location,
                    own_backends=own_backends)


def _check_revision(engine: Engine, where: str) -> str | None:
    current = _current_revision(engine)
    if current is not None and current not in KNOWN_REVISIONS:
        raise DatabaseTooNew(msg.say(msg.DB_TOO_NEW, where, current))
    return current


def _open_file(path: Path, migrate: bool, check_seconds: float | None,
               checked: IntegrityReport | None = None) -> Database:
    """Open the SQLite ledger at `path`. An existing file first passes `PRAGMA quick_check`
    within `check_seconds` (None: the whole file, 0: skipped); a damaged one raises `LedgerDamaged`
    and is not written to. Before an existing file is migrated it is copied next to itself as
    `<name>.bak-<old revision>-<time>`. A new file is created readable by its owner only.
    """
    db_path = Path(path).expanduser().resolve()
    if db_path.exists() and db_path.is_dir():
        raise UserError(msg.say(msg.DB_IS_FOLDER, str(db_path)))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    existed = db_path.exists() and db_path.stat().st_size > 0
    integrity = None
    if existed:
        _check_is_sqlite(db_path)
        if checked is not None or check_seconds != 0:
            integrity = checked or check_integrity(db_path, check_seconds)
            if integrity.outcome is CheckOutcome.DAMAGED:
                raise LedgerDamaged(db_path, integrity.problems)
        if tables := other_programs_tables(db_path):  # picked by mistake: refused before anything is written
            shown = "、".join(tables[:5])
            raise UserError(msg.say(msg.OTHER_PROGRAMS_MORE_DATA if len(tables) > 5 else msg.OTHER_PROGRAMS_DATA,
                                    str(db_path), shown))
    elif not db_path.exists():
        db_path.touch(mode=0o600)
    make_ledger_private(db_path)
    engine = create_engine(
        f"sqlite:///{db_path}",
        # LedgerConnection: a window watching for other programs' commits tells its own apart (file_changes.py).
        connect_args={"check_same_thread": False, "timeout": 30, "factory": LedgerConnection},
        # A database error's text carried the statement's values ("[parameters: ('秦文红', '19328792174', …)]")
        # into errors.log, ledger.log and the error dialog's details, which the shop is asked to send on.
        hide_parameters=True,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    commits = CommitWatch(db_path)
    backup_path = None
    try:
        current = _check_revision(engine, str(db_path))
        if migrate and current != head_revision():
            if existed:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                backup_path = db_path.with_name(f"{db_path.name}.bak-{current or 'none'}-{stamp}")
                backup_file(db_path, backup_path)
            _upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    sessions = keep_goods(tracked(sessionmaker(engine, expire_on_commit=False)))
    hold(db_path)  # its bytes read while it is open (page warming, the complete check) keep SQLite's locks
    return Database(db_path, engine, sessions, backup_path, integrity, LedgerLocation(path=db_path), commits=commits)


def _check_is_sqlite(db_path: Path) -> None:
    if not has_sqlite_header(db_path):
        raise UserError(msg.say(msg.NOT_A_LEDGER, str(db_path)))


@dataclass(frozen=True)
class ServerProbe:
    """What 测试连接 found on a server: its version, and the ledger in the database if there is one."""

    version: str
    revision: str | None  # None: an empty database (a ledger is created at the first open)
    cases: int | None  # None when there is no ledger yet or it is of another schema version


def probe_server(location: LedgerLocation) -> ServerProbe:
    """Connect without changing anything (no migration): answers 测试连接."""
    engine = server_engine(location)
    try:
        version = ""
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("SHOW server_version").scalar_one())
        revision = _check_revision(engine, location.display())
        cases = None
        if revision == head_revision():
            with engine.connect() as conn:
                cases = int(conn.exec_driver_sql("SELECT count(*) FROM cases").scalar_one())
        return ServerProbe(version, revision, cases)
    finally:
        engine.dispose()

"""Opening the ledger file: engine, SQLite pragmas, migrations after a backup, sessions.

SQLite-specific settings live here and in `search.py` only, so the same models can later run on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.core.errors import DatabaseTooNew, LedgerDamaged, UserError
from desktop_app.store.ledger_files import (
    OPEN_CHECK_SECONDS,
    CheckOutcome,
    IntegrityReport,
    check_integrity,
    copy_online,
    has_sqlite_header,
    make_ledger_private,
)

if TYPE_CHECKING:
    from alembic.config import Config

# Every schema revision this version knows, oldest first; the last is the head. Kept in step with
# migrations/versions by a test, so opening an up-to-date file never imports Alembic (~0.4 s).
KNOWN_REVISIONS = ("0001_initial", "0002_search_queue", "0003_search_watermark", "0004_case_intake",
                   "0005_batch", "0005_money", "0005_timers", "0006_freeze")
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
        has_table = conn.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).scalar_one()
        if not has_table:
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def _upgrade(engine: Engine) -> None:
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def backup_file(src: Path, dest: Path) -> None:
    """An online backup through SQLite's backup API: consistent even while the file is in use."""
    copy_online(src, dest)


@dataclass
class Database:
    """An open ledger: the engine and a session factory. One per file per process."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None
    integrity: IntegrityReport | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception.

        On SQLite the write lock is taken first (BEGIN IMMEDIATE): what the unit reads is then what it
        writes over, a second writer waits for the first (busy timeout) instead of failing on stale data.
        """
        with self.sessions.begin() as session:
            if self.engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def checkpoint(self) -> None:
        """After a large write: copy the WAL into the file now (PASSIVE: never waits for a reader), so
        that the next write starts the WAL afresh, cut back to WAL_SIZE_LIMIT. Without it a long-running
        window grew its WAL to 217 MB for 36 MB of data over 100 imports."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, migrate: bool = True,
                  check_seconds: float | None = OPEN_CHECK_SECONDS) -> Database:
    """Open (and create or upgrade) the ledger at `path`.

    A file written by a newer app is refused. An existing file first passes `PRAGMA quick_check`
    within `check_seconds` (None: the whole file, 0: skipped); a damaged one raises `LedgerDamaged`
    and is not written to. Before an existing file is migrated it is copied next to itself as
    `<name>.bak-<old revision>-<time>`. A new file is created readable by its owner only.
    """
    db_path = Path(path).expanduser().resolve()
    if db_path.exists() and db_path.is_dir():
        raise UserError(f"数据库路径是一个文件夹：{db_path}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    existed = db_path.exists() and db_path.stat().st_size > 0
    integrity = None
    if existed:
        _check_is_sqlite(db_path)
        if check_seconds != 0:
            integrity = check_integrity(db_path, check_seconds)
            if integrity.outcome is CheckOutcome.DAMAGED:
                raise LedgerDamaged(db_path, integrity.problems)
    elif not db_path.exists():
        db_path.touch(mode=0o600)
    make_ledger_private(db_path)
    engine = create_engine(
        f"sqlite:///{db_path}",
        connect_args={"check_same_thread": False, "timeout": 30},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    backup_path = None
    try:
        current = _current_revision(engine)
        head = head_revision()
        if current is not None and current not in KNOWN_REVISIONS:
            raise DatabaseTooNew(
                f"数据库 {db_path} 由更新版本的售后台账创建（版本 {current}），本程序无法打开。请升级程序后再试。"
            )
        if migrate and current != head:
            if existed:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                backup_path = db_path.with_name(f"{db_path.name}.bak-{current or 'none'}-{stamp}")
                backup_file(db_path, backup_path)
            _upgrade(engine)
    except Exception:
        engine.dispose()
        raise
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(db_path, engine, sessions, backup_path, integrity)


def _check_is_sqlite(db_path: Path) -> None:
    if not has_sqlite_header(db_path):
        raise UserError(f"文件 {db_path} 不是售后台账数据库（不是 SQLite 文件）")

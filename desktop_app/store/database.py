"""Opening the ledger file: engine, SQLite pragmas, migrations after a backup, sessions.

SQLite-specific settings live here and in `search.py` only, so the same models can later run on
PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.core.errors import DatabaseTooNew, UserError

if TYPE_CHECKING:
    from alembic.config import Config

# Every schema revision this version knows, oldest first; the last is the head. Kept in step with
# migrations/versions by a test, so opening an up-to-date file never imports Alembic (~0.4 s).
KNOWN_REVISIONS = ("0001_initial", "0002_search_queue", "0003_search_watermark", "0004_case_intake", "0005_timers")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Python's sqlite3 opens an implicit transaction around DML only; PRAGMAs must run outside one.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
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
    source = sqlite3.connect(src)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()


@dataclass
class Database:
    """An open ledger: the engine and a session factory. One per file per process."""

    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any exception."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: Path | str, migrate: bool = True) -> Database:
    """Open (and create or upgrade) the ledger at `path`.

    A file written by a newer app is refused. Before an existing file is migrated it is copied
    next to itself as `<name>.bak-<old revision>-<time>`.
    """
    db_path = Path(path).expanduser().resolve()
    if db_path.exists() and db_path.is_dir():
        raise UserError(f"数据库路径是一个文件夹：{db_path}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    existed = db_path.exists() and db_path.stat().st_size > 0
    if existed:
        _check_is_sqlite(db_path)
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
    return Database(db_path, engine, sessions, backup_path)


def _check_is_sqlite(db_path: Path) -> None:
    with db_path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise UserError(f"文件 {db_path} 不是售后台账数据库（不是 SQLite 文件）")

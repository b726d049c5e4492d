"""The bytes of evidence files and seal images a team ledger keeps for every seat (`shared_files`).

A ledger file (SQLite) is used on one computer, whose data folder holds its files; it never writes
here. A server ledger is used from several computers: the seat that adds a file stores its bytes in
the same transaction as the row that lists it, and every seat writes a copy into its own cache the
first time it shows or prints it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, delete, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import CaseEvidence, ClaimEvidence, Setting, SharedFile, storage_time, utcnow

if TYPE_CHECKING:
    import psycopg


def files_are_shared(session: Session) -> bool:
    """Whether this ledger is a server that keeps its files' bytes for the other seats."""
    return session.get_bind().dialect.name != "sqlite"


def ledger_files_key(session: Session) -> str | None:
    """None for a ledger file; for a server ledger a folder-safe name of server, port and database,
    under which a seat caches that ledger's files (two servers never mix their files)."""
    if not files_are_shared(session):
        return None
    url = session.get_bind().engine.url
    raw = f"{url.host or 'localhost'}-{url.port or 5432}-{url.database or ''}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw)


def keep_file(where: Session | Connection, stored_path: str, content: bytes) -> None:
    """Store a file's bytes under its path; a path already kept (the same seal chosen twice) stays."""
    values = {"stored_path": stored_path, "size": len(content), "content": content, "added_at": utcnow()}
    dialect = where.get_bind().dialect.name if isinstance(where, Session) else where.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    where.execute(insert(SharedFile).values(**values).on_conflict_do_nothing(index_elements=["stored_path"]))


def keep_file_from(conn: Connection, stored_path: str, source: Path) -> int:
    """Store the file at `source` under its path, read a megabyte at a time (a ledger moving to a server: 50 MB
    each at most, hundreds of them); returns its size. On PostgreSQL the bytes go through COPY as they are read,
    in the connection's transaction; a ledger file holds none of them but in a test (`keep_file`)."""
    if conn.dialect.name != "postgresql":
        content = source.read_bytes()
        keep_file(conn, stored_path, content)
        return len(content)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    size = 0
    # COPY's text format: the bytea as \x and its hex; the size after it, counted as the bytes go.
    cursor = cast("psycopg.Cursor[Any]", raw.cursor())  # the server's driver (psycopg 3): its COPY
    with cursor, cursor.copy(_COPY_FILE) as copy, source.open("rb") as handle:
        copy.write(f"{_copy_text(stored_path)}\t{storage_time(utcnow())}\t\\\\x".encode())
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            copy.write(chunk.hex().encode("ascii"))
        copy.write(f"\t{size}\n".encode())
    return size


_CHUNK = 1024 * 1024
_COPY_FILE = "COPY shared_files (stored_path, added_at, content, size) FROM STDIN"


def _copy_text(value: str) -> str:
    """A value as COPY's text format writes it (a backslash, tab or line end in a file's name)."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def drop_file(session: Session, stored_path: str) -> None:
    session.execute(delete(SharedFile).where(SharedFile.stored_path == stored_path))


def file_content(session: Session, stored_path: str) -> bytes | None:
    return session.execute(select(SharedFile.content).where(SharedFile.stored_path == stored_path)).scalar()


def kept_among(session: Session, stored_paths: list[str]) -> set[str]:
    """Which of these files the ledger keeps."""
    found: set[str] = set()
    for paths in in_lists(stored_paths):
        found.update(session.execute(select(SharedFile.stored_path).where(SharedFile.stored_path.in_(paths))).scalars())
    return found


def kept_paths(session: Session) -> set[str]:
    return set(session.execute(select(SharedFile.stored_path)).scalars())


def evidence_paths(conn: Connection) -> list[str]:
    """Every evidence file the ledger lists, cases' and claims' (a ledger moving to a server)."""
    query = union(select(CaseEvidence.stored_path), select(ClaimEvidence.stored_path))
    return sorted(conn.execute(query).scalars())


def setting_values(conn: Connection, key_prefix: str) -> list[str]:
    return list(conn.execute(select(Setting.value).where(Setting.key.startswith(key_prefix))).scalars())

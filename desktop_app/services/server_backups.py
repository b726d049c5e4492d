"""Backups of a team ledger on PostgreSQL: `pg_dump` into the same backup folder as the file backups.

SQLite's online backup copies a file; a server's database is copied by the server's own tool. This
works where `pg_dump` is installed (the PostgreSQL client tools: on the server itself, or any seat
that installed them); elsewhere the message says so and names the command to run on the server.
The password goes to `pg_dump` in its environment, never on its command line (other users of the
computer can read command lines).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from desktop_app.core.errors import UserError
from desktop_app.services.backups import backup_folder
from desktop_app.store.locations import LedgerLocation

ENV_PG_DUMP = "AFTERSALES_PG_DUMP"  # where pg_dump is, if not on PATH
DUMP_TIMEOUT_SECONDS = 3600
_TOOL_FOLDERS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/opt/postgresql*/bin",
                 "/Applications/Postgres.app/Contents/Versions/*/bin", r"C:\Program Files\PostgreSQL\*\bin")


def find_pg_dump() -> str | None:
    """`AFTERSALES_PG_DUMP`, `pg_dump` on PATH, or the newest one in the usual install folders."""
    chosen = os.environ.get(ENV_PG_DUMP, "").strip()
    if chosen:
        return chosen if Path(chosen).is_file() else None
    on_path = shutil.which("pg_dump")
    if on_path:
        return on_path
    name = "pg_dump.exe" if os.name == "nt" else "pg_dump"
    found = sorted((Path(folder) / name for pattern in _TOOL_FOLDERS for folder in glob.glob(pattern)),
                   key=lambda p: _version_key(p.parent.parent.name))
    existing = [p for p in found if p.is_file()]
    return str(existing[-1]) if existing else None


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace("postgresql@", "").split(".") if part.isdigit())


def dump_server(location: LedgerLocation, folder: Path | None = None, kind: str = "manual") -> Path:
    """Write `<database>-<time>-<kind>.dump` (pg_dump's custom format, for pg_restore) into `folder`
    (default: the backup folder); returns the file."""
    url = location.url
    assert url is not None
    tool = find_pg_dump()
    if tool is None:
        raise UserError(
            "这台电脑没有 PostgreSQL 的备份工具 pg_dump，无法备份团队数据库。请安装 PostgreSQL 客户端工具"
            f"（或设置环境变量 {ENV_PG_DUMP} 指向 pg_dump），或在数据库服务器上运行："
            f"pg_dump -Fc -f 备份文件.dump {url.database}")
    target_folder = (folder or backup_folder()).expanduser()
    target_folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = target_folder / f"{url.database}-{stamp}-{kind}.dump"
    partial = target.with_name(target.name + ".partial")
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    try:
        done = subprocess.run([tool, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={plain}"],
                              env=env, capture_output=True, text=True, timeout=DUMP_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"运行 pg_dump 失败：{exc}") from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["未知原因"])[-1]
        raise UserError(f"pg_dump 备份团队数据库失败：{reason}")
    if os.name == "posix":
        partial.chmod(0o600)
    os.replace(partial, target)
    return target

"""A team ledger's backup with a pg_dump that cannot back the server up: what the seat is told."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.core.errors import UserError
from desktop_app.services.backups import backup_folder
from desktop_app.services.server_backups import dump_server
from desktop_app.store.locations import parse_location

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for pg_dump")

LOCATION = parse_location("postgresql+psycopg://shop:secret@127.0.0.1:9/aftersales")


def _fake_pg_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stderr: str) -> None:
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\ncat >&2 <<'EOF'\n" + stderr + "EOF\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("AFTERSALES_PG_DUMP", str(fake))


@pytest.mark.parametrize("stderr", [
    # PostgreSQL 15 and later: the error, then its detail.
    "pg_dump: error: aborting because of server version mismatch\n"
    "pg_dump: detail: server version: 16.4 (Debian 16.4-1.pgdg120+1); "
    "pg_dump version: 15.18 (Debian 15.18-0+deb12u1)\n",
    # PostgreSQL 14 and earlier: the versions first.
    "pg_dump: error: server version: 16.4; pg_dump version: 15.18\n"
    "pg_dump: error: aborting because of server version mismatch\n",
    # A Chinese Windows, pg_dump's own translation.
    "pg_dump: 错误: 因为服务器版本不匹配而终止\npg_dump: 详细信息: 服务器版本: 16.4; pg_dump 版本: 15.18\n",
])
def test_a_pg_dump_older_than_the_server_is_named_with_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stderr: str) -> None:
    """A seat's client tools older than the server (Debian 12's pg_dump 15, the NAS on PostgreSQL 16): every
    backup, and the window's daily one at each start, failed with 'pg_dump 备份团队数据库失败：pg_dump: detail:
    server version: 16.4 …' or '…：pg_dump: error: aborting because of server version mismatch' — half of it."""
    _fake_pg_dump(tmp_path, monkeypatch, stderr)
    with pytest.raises(UserError) as refused:
        dump_server(LOCATION)
    said = refused.value.message
    assert "pg_dump（15.18）" in said and "PostgreSQL 16.4" in said
    assert "请安装 PostgreSQL 16 或更新版本的客户端工具" in said and "AFTERSALES_PG_DUMP" in said
    assert "pg_dump -Fc -f 备份文件.dump aftersales" in said  # or back up on the server itself
    assert "secret" not in said
    assert not list(backup_folder().glob("*")) if backup_folder().is_dir() else True  # no partial file left


def test_another_pg_dump_failure_is_said_as_pg_dump_said_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pg_dump(tmp_path, monkeypatch, 'pg_dump: error: query failed: ERROR:  permission denied for table orders\n')
    with pytest.raises(UserError) as refused:
        dump_server(LOCATION)
    assert refused.value.message == ("pg_dump 备份团队数据库失败："
                                     "pg_dump: error: query failed: ERROR:  permission denied for table orders")

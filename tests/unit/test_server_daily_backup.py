"""The team ledger's automatic backup: one pg_dump a day at start-up, rotated like the file backups."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.services.backups import backup_folder
from desktop_app.services.server_backups import daily_server_backup, server_dumps
from desktop_app.store.locations import parse_location

pytestmark = pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"),
                                reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


@pytest.fixture
def with_pg_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("pg_dump") is None:
        bin_dir = os.environ.get("AFTERSALES_TEST_PG_BIN")
        if not bin_dir:
            pytest.skip("pg_dump not installed")
        monkeypatch.setenv("AFTERSALES_PG_DUMP", str(Path(bin_dir) / "pg_dump"))


@pytest.mark.usefixtures("with_pg_dump")
def test_one_dump_a_day_and_the_rotation_keeps_seven_days(pg_url: str) -> None:
    location = parse_location(pg_url)
    database = str(location.url.database) if location.url else ""
    monday = datetime(2026, 11, 2, 9, 0)
    first = daily_server_backup(location, monday)
    assert first is not None and first.read_bytes()[:5] == b"PGDMP" and first.parent == backup_folder()
    assert daily_server_backup(location, monday + timedelta(hours=3)) is None  # one a day
    for day in range(1, 12):
        assert daily_server_backup(location, monday + timedelta(days=day)) is not None
    dumps = server_dumps(database)
    days = sorted({d.taken_at.date() for d in dumps})
    # The last 7 days with a dump, and one of the week before them (the rest rotated away).
    assert len(dumps) == 8 and days[-7:] == [(monday + timedelta(days=d)).date() for d in range(5, 12)]
    assert all(d.kind == "daily" for d in dumps)
    manual = backup_folder() / f"{database}-20261101-080000-manual.dump"
    manual.write_bytes(b"PGDMP")
    assert daily_server_backup(location, monday + timedelta(days=30)) is not None
    assert manual.exists()  # what the user asked for is never rotated away


def test_no_pg_dump_means_no_backup_and_no_error(pg_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERSALES_PG_DUMP", str(tmp_path / "no-such-pg_dump"))
    assert daily_server_backup(parse_location(pg_url)) is None
    assert not backup_folder().is_dir() or not list(backup_folder().glob("*.dump"))


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for pg_dump")
def test_a_dump_under_way_when_the_app_exits_is_stopped_and_its_file_removed(tmp_path: Path) -> None:
    """pg_dump outlived a window closed during its start-up dump and left a full-size `.partial` that no
    later start counted (each start then dumped again): at exit it is stopped and the file removed."""
    fake = tmp_path / "pg_dump"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --file=*) f="${a#--file=}";; esac; done\n'
                    'echo $$ > "$f"\necho $$ > "$0.pid"\nexec sleep 60\n')
    fake.chmod(0o755)
    app = (
        "import sys, threading, time\n"
        "from pathlib import Path\n"
        "from desktop_app.services.server_backups import dump_server\n"
        "from desktop_app.store.locations import parse_location\n"
        "location = parse_location('postgresql+psycopg://ledger@127.0.0.1:9/ledger')\n"
        "threading.Thread(target=lambda: dump_server(location, kind='daily'), daemon=True).start()\n"
        "while not list(Path(sys.argv[1]).glob('*.partial')): time.sleep(0.05)\n"
        "time.sleep(0.2)\n"  # the script has written its pid
    )
    folder = Path(os.environ["AFTERSALES_LEDGER_HOME"]) / "backups"
    env = {**os.environ, "AFTERSALES_PG_DUMP": str(fake)}
    done = subprocess.run([sys.executable, "-c", app, str(folder)], env=env, timeout=60, check=False)
    assert done.returncode == 0
    assert not list(folder.glob("*.partial")) and not list(folder.glob("*.dump"))
    pid = int((tmp_path / "pg_dump.pid").read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    os.kill(pid, signal.SIGKILL)
    pytest.fail("pg_dump still runs after the app exited")

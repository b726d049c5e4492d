"""Session 29's hostile inputs: what still broke when files and settings the shop did not expect came in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups, team
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import count_rows

SAMPLES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "samples"


def _ledger(path: Path, cases: int) -> Path:
    db = open_database(path)
    for n in range(cases):
        open_case(db, NewCase(Platform.PDD, f"2611{n:08d}", CaseKind.RESHIP))
    db.close()
    return path


@pytest.mark.sqlite_only
def test_the_first_restore_of_a_ledger_never_backed_up_restores(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                                 data_home: Path) -> None:
    """A ledger only the command line used (no window: no daily backup, so no identity yet) — the new computer
    of README's move, started once — restored from the old computer's copy: the 恢复前 copy wrote the ledger's
    identity into it after the guard had noted the file, and the restore was refused (恢复期间另一个程序…写入了)."""
    ledger = _ledger(tmp_path / "ledger.sqlite3", 1)
    old_computer = _ledger(tmp_path / "u盘" / "ledger-20261205-090000-daily.sqlite3", 3)
    assert run(["restore", str(old_computer), "--db", str(ledger)]) == 0, capsys.readouterr().err
    assert "已用" in capsys.readouterr().out
    assert count_rows(ledger).cases == 3  # type: ignore[union-attr]


SERVER = "postgresql+psycopg://shop@192.0.2.10:5432/aftersales"


def _team_json(data_home: Path, raw: bytes) -> None:
    data_home.mkdir(parents=True, exist_ok=True)
    (data_home / "team.json").write_bytes(raw)


def test_team_settings_saved_again_by_notepad_still_open_the_team_server(data_home: Path,
                                                                        memory_keyring: object) -> None:
    """Windows' Notepad saves UTF-8 with a byte order mark: the file was taken for none and the seat worked in
    the local ledger file without a word (its changes never reached the others)."""
    _team_json(data_home, b"\xef\xbb\xbf" + json.dumps({"server": SERVER, "use_server": True, "seat": "小王"},
                                                       ensure_ascii=False).encode())
    location = team.ledger_location(None)
    assert location.url is not None and location.url.host == "192.0.2.10", location
    assert team.seat_name() == "小王"


@pytest.mark.parametrize("raw", [b'{"server": "postgresql+psycopg://shop@192.0.2.10/aftersa', b"\x00\x00\x00\x00",
                                 b'{"server": "5", "use_server": true}', b'{"server": 5, "use_server": true}',
                                 b'{"server": "' + SERVER.encode() + b'", "use_server": "false"}', b"[]"])
def test_damaged_team_settings_open_no_ledger_and_say_which_file(raw: bytes, data_home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A team.json cut short, zeroed by a crash, or edited by hand opened the local file (or made a new ledger
    file named "5" in the current folder) and imported into it: now nothing opens and the file is named."""
    _team_json(data_home, raw)
    monkeypatch.chdir(tmp_path)
    assert run(["import-orders", str(SAMPLES / "pdd_orders.csv")]) == 2
    err = capsys.readouterr().err
    assert "团队设置文件" in err and str(data_home / "team.json") in err and "Traceback" not in err, err
    assert not (data_home / "ledger.sqlite3").exists() and not (tmp_path / "5").exists()
    assert team.load_team_settings().seat == ""  # the seat's name falls back, as before: no command needs the file


def test_the_backup_folder_saved_again_by_notepad_is_still_the_one_used(data_home: Path, tmp_path: Path) -> None:
    """A byte order mark in backups.json (Notepad) dropped the shop's cloud folder for the default one: the daily
    copies stopped reaching the cloud and 备份与恢复 no longer listed the copies there."""
    cloud = tmp_path / "坚果云" / "售后备份"
    _team_json(data_home, b"")  # the data folder
    (data_home / "backups.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"folder": str(cloud)},
                                                                         ensure_ascii=False).encode())
    assert backups.backup_folder() == cloud

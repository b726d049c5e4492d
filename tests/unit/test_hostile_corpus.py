"""The hostile corpus (tests/fixtures/hostile/): every file imported correctly or refused with a Chinese
reason — never a crash, never part of a refused file stored — in bounded time; the large ones (a million
blank rows, a 512 MB zip bomb, 20,000 rows) in a child process whose peak memory is asserted too."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from script_modules import load_script

from desktop_app.services.order_import import import_files
from desktop_app.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SECONDS_PER_FILE = 60  # a bound against hangs, not a speed target (bench/ has those)
MEMORY_MB = 500


def _corpus() -> ModuleType:
    return load_script(HOSTILE / "make_hostile.py", "make_hostile")


CORPUS = _corpus()


def test_the_corpus_is_complete_and_committed() -> None:
    assert len(CORPUS.SMALL) + len(CORPUS.LARGE) >= 40
    assert set(CORPUS.EXPECTED) == set(CORPUS.SMALL) | set(CORPUS.LARGE)
    for name in CORPUS.SMALL:
        assert (HOSTILE / name).is_file(), f"run python tests/fixtures/hostile/make_hostile.py ({name})"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("template") / "ledger.sqlite3"
    open_database(path).close()
    yield path


def orders_in(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count = int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()
    return count


@pytest.mark.parametrize("name", sorted(CORPUS.SMALL))
def test_each_small_hostile_file_is_imported_or_refused(name: str, template: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    shutil.copy(template, ledger)
    expected = CORPUS.EXPECTED[name]
    db = open_database(ledger)
    started = time.perf_counter()
    try:
        result = import_files(db, [HOSTILE / name]).files[0]
    finally:
        db.close()
    assert time.perf_counter() - started < SECONDS_PER_FILE
    check(result.refused, result.inserted, result.rejected, [e.message for e in result.errors], expected, ledger)


def check(refused: str | None, inserted: int, rejected: int, errors: list[str], expected: object, ledger: Path) -> None:
    if expected.refused is not None:  # type: ignore[attr-defined]
        assert refused is not None and expected.refused in refused and CHINESE.search(refused), refused  # type: ignore[attr-defined]
        assert orders_in(ledger) == 0  # nothing from a refused file
        return
    assert refused is None, refused
    assert (inserted, rejected) == (expected.inserted, expected.rejected), errors  # type: ignore[attr-defined]
    assert all(CHINESE.search(message) for message in errors)
    assert orders_in(ledger) == inserted


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CORPUS.LARGE))
def test_each_large_hostile_file_in_bounded_time_and_memory(name: str, template: Path, tmp_path: Path) -> None:
    path = tmp_path / name
    CORPUS.LARGE[name](path)  # only this file (the zip bomb alone takes seconds to make)
    ledger = tmp_path / "ledger.sqlite3"
    shutil.copy(template, ledger)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.run([sys.executable, str(Path(__file__).with_name("hostile_child.py")), str(ledger), str(path)],
                           env=env, capture_output=True, text=True, timeout=SECONDS_PER_FILE * 3)
    assert time.perf_counter() - started < SECONDS_PER_FILE * 3
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)
    assert report["peak_mb"] < MEMORY_MB, report
    check(report["refused"], report["inserted"], report["rejected"], report["errors"], CORPUS.EXPECTED[name], ledger)

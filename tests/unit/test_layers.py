"""The layers keep to themselves: ruff refuses Qt and SQL in core/ (desktop_app/core/ruff.toml), query building in
services/ and io/ (their ruff.toml) and Qt outside ui/ (pyproject.toml), checked here on a file that would break
the rule."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUFF = shutil.which("ruff")


def banned(path: str, source: str) -> list[str]:
    """The TID251 messages ruff gives for `source` as if it were the file at `path`."""
    assert RUFF is not None
    done = subprocess.run([RUFF, "check", "--no-cache", "--output-format", "concise", "--select", "TID251",
                           "--stdin-filename", path, "-"], input=source, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    return [line for line in done.stdout.splitlines() if "TID251" in line]


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
@pytest.mark.parametrize("source", ["import sqlalchemy\n", "from sqlalchemy.orm import Session\n",
                                    "from alembic import command\n", "from PySide6.QtCore import QObject\n"])
def test_core_may_not_import_sql_or_qt(source: str) -> None:
    assert banned("desktop_app/core/probe.py", source)


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
def test_store_may_import_sql_but_not_qt() -> None:
    assert banned("desktop_app/store/probe.py", "import sqlalchemy\nfrom alembic import command\n") == []
    assert banned("desktop_app/store/probe.py", "from PySide6.QtCore import QObject\n")
    assert banned("desktop_app/ui/probe.py", "from PySide6.QtCore import QObject\n") == []


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
def test_printing_may_paint_but_not_use_widgets_or_ui() -> None:
    """desktop_app/printing is shared by the window and the CLI (desktop_app/printing/ruff.toml)."""
    assert banned("desktop_app/printing/probe.py",
                  "from PySide6.QtGui import QPainter\nfrom PySide6.QtPrintSupport import QPrinter\n") == []
    assert banned("desktop_app/printing/probe.py", "from PySide6.QtWidgets import QWidget\n")
    assert banned("desktop_app/printing/probe.py", "from desktop_app.ui.context import AppContext\n")


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
@pytest.mark.parametrize("source", ["from PySide6.QtGui import QPainter\n", "from desktop_app.ui import theme\n",
                                    "import desktop_app.ui.context\n"])
def test_cli_may_not_import_qt_or_ui(source: str) -> None:
    assert banned("desktop_app/cli/probe.py", source)
    assert banned("desktop_app/cli/probe.py", "from desktop_app.printing.statement_render import write_pdf\n") == []


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
@pytest.mark.parametrize("source", ["from sqlalchemy.orm import Session\n", "from sqlalchemy import Connection\n",
                                    "from desktop_app.store.database import Database\n",
                                    "from desktop_app.store.order_file_writes import order_file_writer\n",
                                    "from desktop_app.services import backups\n",
                                    "from PySide6.QtCore import QObject\n"])
def test_io_knows_no_database(source: str) -> None:
    """io/ reads and writes files; the import service wires it to the store (desktop_app/io/ruff.toml)."""
    assert banned("desktop_app/io/probe.py", source)
    assert banned("desktop_app/io/probe.py", "from desktop_app.core.order_records import UpsertCounts\n") == []


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
@pytest.mark.parametrize("layer", ["services", "io"])
@pytest.mark.parametrize("source", [
    "from sqlalchemy import select\n", "from sqlalchemy import func, or_\n", "from sqlalchemy import and_\n",
    "from sqlalchemy import insert\n", "from sqlalchemy import update\n", "from sqlalchemy import delete\n",
    "from sqlalchemy import text\n", "from sqlalchemy.dialects.sqlite import insert\n",
    "from sqlalchemy.dialects import postgresql\n", "import sqlalchemy\nsqlalchemy.select()\n",
])
def test_services_and_io_build_no_queries(layer: str, source: str) -> None:
    """SQL lives in store/ (desktop_app/services/ruff.toml, desktop_app/io/ruff.toml)."""
    assert banned(f"desktop_app/{layer}/probe.py", source)


@pytest.mark.skipif(RUFF is None, reason="ruff is in the test extra")
def test_services_may_take_a_unit_of_work() -> None:
    source = ("from sqlalchemy import Connection\nfrom sqlalchemy.exc import SQLAlchemyError\n"
              "from sqlalchemy.orm import Session\n")
    assert banned("desktop_app/services/probe.py", source) == []
    assert banned("desktop_app/services/probe.py", "from PySide6.QtCore import QObject\n")

"""A frozen bundle uses its compiled English (.qm) whatever order PyInstaller copied the files in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from desktop_app.ui import translations


def test_a_frozen_bundle_uses_its_qm_even_when_the_ts_was_copied_after_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "resources" / "i18n"
    bundle.mkdir(parents=True)
    qm = bundle / "desktop_app_en.qm"
    ts = bundle / "desktop_app_en.ts"
    qm.write_bytes(b"qm")
    ts.write_text("<TS/>", encoding="utf-8")
    os.utime(qm, (1_000_000, 1_000_000))  # PyInstaller copied the .qm first
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert translations.qm_file("en") == qm

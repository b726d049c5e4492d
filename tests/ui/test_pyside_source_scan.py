"""Modules imported after PySide are not read whole for PySide's `__feature__` check (ui/window/startup.py)."""

from __future__ import annotations

import linecache
import sys
from pathlib import Path

import pytest

from desktop_app.ui.window.startup import skip_pyside_source_scan


def test_modules_imported_later_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide does not scan imported modules")
    monkeypatch.setitem(vars(feature), "_mod_uses_pyside", vars(feature)["_mod_uses_pyside"])  # restored after
    module = tmp_path / "scan_probe_module.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "scan_probe_module", raising=False)

    skip_pyside_source_scan()
    __import__("scan_probe_module")  # an import statement: PySide's hook sits in builtins.__import__

    assert str(module) not in linecache.cache  # PySide's check would have read it into linecache
    assert feature.pyside_feature_dict["scan_probe_module"] == -1  # ignored, as PySide ignores such a module

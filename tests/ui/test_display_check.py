"""On Linux without a usable display, the window's start says why in Chinese and exits 2, where Qt
aborted (exit 134) with an English message that named libxcb-cursor0 even when there was no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.ui import display_check
from desktop_app.ui.display_check import chosen_platform, debian_package, display_problem, plugin_problem

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb checks are Linux's")


def start_window(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop_app", "--db", str(tmp_path / "ledger.sqlite3")],
                          env={**base, "AFTERSALES_LEDGER_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT),
                               **env},
                          capture_output=True, text=True, timeout=60, check=False)


@linux_only
def test_no_display_is_said_in_chinese_not_aborted(tmp_path: Path) -> None:
    done = start_window(tmp_path)
    assert done.returncode == 2, done.stderr
    assert "没有可用的图形桌面（环境变量 DISPLAY 未设置）" in done.stderr
    assert "python -m desktop_app --help" in done.stderr
    assert "Traceback" not in done.stderr and "xcb-cursor0" not in done.stderr


@linux_only
def test_a_display_nobody_answers_is_named(tmp_path: Path) -> None:
    done = start_window(tmp_path, DISPLAY=":987")
    assert done.returncode == 2, done.stderr
    assert "无法连接到图形显示 :987" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_library_is_named_with_the_package_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    def refuse(path: str, mode: int = 0) -> None:
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(display_check.ctypes, "CDLL", refuse)
    problem = plugin_problem(tmp_path / "libqxcb.so")
    assert problem is not None
    assert "缺少 Qt 打开窗口所需的系统库 libxcb-cursor.so.0" in problem
    assert "sudo apt-get install libxcb-cursor0\n" in problem


@linux_only
def test_a_plugin_that_loads_is_no_problem() -> None:
    assert plugin_problem(Path("libc.so.6")) is None


def test_a_file_that_is_no_library_is_said_with_the_loaders_reason(tmp_path: Path) -> None:
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"not an ELF file")
    problem = plugin_problem(plugin)
    assert problem is not None and problem.startswith("无法载入 Qt 的窗口组件 libqxcb.so（")


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"), ("libEGL.so.1", "libegl1"), ("libdbus-1.so.3", "libdbus-1-3"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"), ("libfontconfig.so.1", "libfontconfig1"),
])
def test_debian_package_names(soname: str, package: str) -> None:
    assert debian_package(soname) == package


def test_other_platform_plugins_are_left_to_qt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert chosen_platform([]) == "offscreen"
    assert display_problem([]) is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert chosen_platform(["-platform", "vnc:size=800x600"]) == "vnc"
    assert display_problem(["-platform", "vnc"]) is None
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert display_problem([]) is None  # Qt picks Wayland (or XWayland) itself


def test_the_installed_bundle_names_its_own_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display_check.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert (display_problem([]) or "").endswith("python -m desktop_app --help")
    monkeypatch.setattr(display_check.sys, "frozen", True, raising=False)
    assert (display_problem([]) or "").endswith("aftersales-cli --help")
